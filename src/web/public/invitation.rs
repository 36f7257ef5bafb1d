//! The page behind an invitation's link (`/invitations/{token}`): the letter and a form prefilled
//! with the invited organisation; its POST signs.
use crate::http::state::After;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::db::Db;
use crate::domain::markdown::to_safe_html;
use crate::domain::token::Purpose;
use crate::domain::LetterState;
use crate::http::AppState;
use crate::service::invitations::{self, InvitationSignFields, InvitationView};
use crate::web::csrf::{self, Csrf};
use crate::web::session::FormErrors;
use crate::web::{render, PageError};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/invitations/{token}", web::get().to(invitation_page))
        .route("/invitations/{token}", web::post().to(sign));
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage<'a> {
    view: &'a InvitationView,
    body_html: std::sync::Arc<str>,
    /// Said above the form, or instead of it.
    notice: Option<&'a str>,
    show_form: bool,
    form: &'a InvitationSignFields,
    errors: FormErrors,
    csrf: &'a str,
    action: &'a str,
    /// The signature's withdrawal link, once the organisation signed through this invitation.
    withdraw_url: Option<String>,
}

use super::link_token as token;

/// The invitation form as posted: the fields of [`InvitationSignFields`], the CSRF token, the
/// consent checkbox.
#[derive(Debug, Deserialize)]
struct InvitationForm {
    #[serde(default)]
    representative_name: String,
    #[serde(default)]
    representative_role: String,
    #[serde(default)]
    comment: String,
    consent: Option<String>,
    #[serde(default)]
    csrf_token: String,
}

impl InvitationForm {
    fn fields(&self) -> InvitationSignFields {
        InvitationSignFields {
            representative_name: self.representative_name.clone(),
            representative_role: self.representative_role.clone(),
            comment: self.comment.clone(),
            consent: self.consent.is_some(),
        }
    }
}

/// What the page says about an invitation that cannot be signed (any more), if anything.
fn standing(view: &InvitationView) -> Option<String> {
    let letter = &view.letter.letter;
    if view.signed() {
        let waiting = view
            .signature
            .as_ref()
            .is_some_and(|s| s.state == crate::domain::SignatureState::Confirmed.as_str());
        return Some(if waiting {
            format!(
                "{} has signed this letter. The letter's coordinators will review the signature before it is listed.",
                view.organisation.name
            )
        } else {
            format!(
                "{} has signed this letter and is listed among its signatories.",
                view.organisation.name
            )
        });
    }
    let state = view.letter.state();
    if state != LetterState::Open {
        return Some(format!(
            "This letter is {state} and no longer accepts signatures."
        ));
    }
    if letter.deadline.is_some_and(|d| d <= crate::service::now()) {
        return Some("The signing deadline of this letter has passed.".into());
    }
    None
}

#[allow(clippy::too_many_arguments)]
async fn invitation_response(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    view: &InvitationView,
    notice: Option<&str>,
    form: &InvitationSignFields,
    errors: FormErrors,
) -> Result<HttpResponse, PageError> {
    let csrf = Csrf::for_request(req, state);
    let standing = standing(view);
    let withdraw_url = view
        .signature
        .as_ref()
        .filter(|_| view.signed_here())
        .map(|s| {
            let t = state.key.derive(Purpose::WithdrawSignature, &s.id);
            format!("/signatures/withdraw/{}", t.as_str())
        });
    let body = view.letter.letter.body.clone();
    let body_html = Db::off_executor(move || Ok(to_safe_html(&body))).await?;
    let mut builder = HttpResponse::build(status);
    csrf.apply(&mut builder);
    render(
        builder,
        &InvitationPage {
            view,
            body_html,
            notice: notice.or(standing.as_deref()),
            show_form: standing.is_none(),
            form,
            errors,
            csrf: &csrf.token,
            action: req.path(),
            withdraw_url,
        },
    )
}

/// Opening the link: the letter and the form. It records that the invitation was opened, and
/// changes nothing else (mail scanners open links).
async fn invitation_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    raw: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let token = token(&raw)?;
    let view = state
        .command(
            move |conn, _| invitations::open(conn, &token),
            |_| After::nothing(),
        )
        .await?;
    invitation_response(
        &req,
        &state,
        StatusCode::OK,
        &view,
        None,
        &InvitationSignFields::default(),
        FormErrors::default(),
    )
    .await
}

/// The form's POST: sign for the invited organisation.
async fn sign(
    req: HttpRequest,
    state: web::Data<AppState>,
    raw: web::Path<String>,
    form: web::Form<InvitationForm>,
) -> Result<HttpResponse, PageError> {
    csrf::verify(&req, &form.csrf_token)?;
    let token = token(&raw)?;
    let fields = form.fields();
    let input = match fields.parse() {
        Ok(input) => input,
        Err(e) => {
            let Some(errors) = FormErrors::from_error(&e) else {
                return Err(e.into());
            };
            let view = state
                .db
                .run(move |conn| invitations::find_by_token(conn, &token))
                .await?;
            return invitation_response(
                &req,
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                &view,
                None,
                &fields,
                errors,
            )
            .await;
        }
    };
    let signed = state.sign_by_invitation(token, input).await?;
    let notice = match &signed.signature {
        None => "Your organisation had already signed this letter; nothing changed.".to_string(),
        Some(s) if s.state() == crate::domain::SignatureState::Published => format!(
            "Thank you: {} has signed and is now listed among the signatories.",
            s.organisation.name
        ),
        Some(s) => format!(
            "Thank you: {} has signed. The letter's coordinators will review the signature before it is listed.",
            s.organisation.name
        ),
    };
    invitation_response(
        &req,
        &state,
        StatusCode::OK,
        &signed.view,
        Some(&notice),
        &InvitationSignFields::default(),
        FormErrors::default(),
    )
    .await
}
