//! The page behind an invitation's link (`/invitations/{token}`): the letter and a form prefilled
//! with the invited organisation; its POST signs.
use crate::web::PathParam;
use crate::web::{PageReply, Visit};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::db::Db;
use crate::domain::markdown::to_safe_html;
use crate::domain::token::Purpose;
use crate::domain::LetterState;
use crate::http::AppState;
use crate::i18n::Lang;
use crate::service::invitations::{self, InvitationSignFields, InvitationView};
use crate::web::csrf;
use crate::web::session::FormErrors;
use crate::web::{render_with_csrf, PageError};

pub fn routes(cfg: &mut web::ServiceConfig) {
    mount!(cfg, {
        "/invitations/{token}" => [web::get().to(invitation_page), web::post().to(sign)];
    });
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
    csrf: String,
    action: &'a str,
    /// The signature's withdrawal link, once the organisation signed through this invitation.
    withdraw_url: Option<String>,
    /// The interface's language.
    t: Lang,
}

impl InvitationPage<'_> {
    fn invites(&self) -> String {
        let args = [
            ("coalition", self.view.letter.coalition.name.as_str().into()),
            ("organisation", self.view.organisation.name.as_str().into()),
            ("country", self.country().into()),
        ];
        self.t.with("invitation-invites", &args)
    }

    /// The organisation's country by its everyday name in the page's language.
    fn country(&self) -> String {
        let country = &self.view.country;
        self.t.country_names().name(&country.code, &country.name)
    }

    /// The signer's own fields: name, label id, value typed, `autocomplete`.
    fn person_fields(&self) -> [(&'static str, &'static str, &str, &'static str); 2] {
        [
            (
                "representative_name",
                "field-name",
                &self.form.representative_name,
                "name",
            ),
            (
                "representative_role",
                "field-role",
                &self.form.representative_role,
                "organization-title",
            ),
        ]
    }

    /// The messages for one field, in the page's language.
    fn err(&self, field: &str) -> String {
        crate::error::messages_in(&self.errors.0, field, self.t)
    }
}

use super::link_token as token;
use super::{link_command, LangParam, LangQuery};

/// The invitation form as posted: the fields of [`InvitationSignFields`], the CSRF token, the
/// consent checkbox.
#[derive(Debug, Deserialize)]
struct InvitationForm {
    /// The consent checkbox: there when ticked.
    consent: Option<String>,
    #[serde(default)]
    csrf_token: String,
    /// The text fields, read as the API reads its body's.
    #[serde(flatten)]
    text: InvitationSignFields,
}

impl InvitationForm {
    fn fields(&self) -> InvitationSignFields {
        InvitationSignFields {
            consent: self.consent.is_some(),
            ..self.text.clone()
        }
    }
}

/// What the page says about an invitation that cannot be signed (any more), if anything.
fn standing(view: &InvitationView, t: Lang) -> Option<String> {
    let letter = &view.letter.letter;
    let organisation = view.organisation.name.as_str();
    if view.signed() {
        let waiting = view
            .signature
            .as_ref()
            .is_some_and(|s| s.state == crate::domain::SignatureState::Confirmed.as_str());
        let id = if waiting {
            "invitation-signed-waiting"
        } else {
            "invitation-signed-listed"
        };
        return Some(t.with1(id, "organisation", organisation));
    }
    match view.letter.state() {
        LetterState::Open => {}
        LetterState::Delivered => return Some(t.get("closed-delivered")),
        _ => return Some(t.get("closed")),
    }
    if letter.deadline.is_some_and(|d| d <= crate::service::now()) {
        return Some(t.get("invitation-deadline-passed"));
    }
    None
}

#[allow(clippy::too_many_arguments)]
async fn invitation_response(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    view: &InvitationView,
    lang: &LangQuery,
    notice: Option<&dyn Fn(Lang) -> String>,
    form: &InvitationSignFields,
    errors: FormErrors,
) -> Result<HttpResponse, PageError> {
    let t = super::visitor_lang(req, Some(&lang.lang), &view.letter.letter.language);
    let standing = standing(view, t);
    let notice = notice.map(|says| says(t));
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
    let action = format!("{}?lang={}", req.path(), t.code());
    let mut response = render_with_csrf(req, state, status, |csrf| InvitationPage {
        view,
        body_html,
        notice: notice.as_deref().or(standing.as_deref()),
        show_form: standing.is_none(),
        form,
        errors,
        csrf,
        action: &action,
        withdraw_url,
        t,
    })?;
    super::vary_by_language(&mut response);
    Ok(response)
}

/// Opening the link: the letter and the form. It records that the invitation was opened, and
/// changes nothing else (mail scanners open links).
async fn invitation_page(
    Visit { req, state }: Visit,
    raw: PathParam,
    lang: LangParam,
) -> PageReply {
    let view = link_command(&state, &raw, invitations::open).await?;
    invitation_response(
        &req,
        &state,
        StatusCode::OK,
        &view,
        &lang,
        None,
        &InvitationSignFields::default(),
        FormErrors::default(),
    )
    .await
}

/// The form's POST: sign for the invited organisation.
async fn sign(
    Visit { req, state }: Visit,
    raw: PathParam,
    lang: LangParam,
    form: web::Form<InvitationForm>,
) -> PageReply {
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
                &lang,
                None,
                &fields,
                errors,
            )
            .await;
        }
    };
    let signed = state.sign_by_invitation(token, input).await?;
    let notice = |t: Lang| match &signed.signature {
        None => t.get("invitation-signed-before"),
        Some(s) if s.state() == crate::domain::SignatureState::Published => t.with1(
            "invitation-thanks-listed",
            "organisation",
            &s.organisation.name,
        ),
        Some(s) => t.with1(
            "invitation-thanks-review",
            "organisation",
            &s.organisation.name,
        ),
    };
    invitation_response(
        &req,
        &state,
        StatusCode::OK,
        &signed.view,
        &lang,
        Some(&notice),
        &InvitationSignFields::default(),
        FormErrors::default(),
    )
    .await
}
