//! A coalition's coordinators: roles, invitations to join, removal.

use super::*;
#[allow(unused_imports)]
use crate::http::state::After;

pub(super) const ROLES: &[&str] = &["owner", "coordinator", "viewer"];

#[derive(Template)]
#[template(path = "dashboard/members.html")]
pub(super) struct MembersPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    coalition: Coalition,
    members: Vec<Member>,
    invitations: Vec<accounts::PendingInvitation>,
    is_owner: bool,
    message: Option<&'a str>,
    errors: FormErrors,
}

pub(super) async fn members_page(
    req: &HttpRequest,
    state: &AppState,
    session: &SignedIn,
    slug: String,
    message: Option<&str>,
    errors: FormErrors,
) -> Result<HttpResponse, PageError> {
    let actor = session.actor.clone();
    let (coalition, members, invitations) = state
        .db
        .run(move |conn| {
            let members = accounts::members(conn, &actor, &slug)?;
            let invitations = accounts::pending_invitations(conn, &actor, &slug)?;
            Ok((coalitions::find(conn, &slug)?, members, invitations))
        })
        .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let (csrf, builder) = page_csrf(req, state, status);
    render(
        builder,
        &MembersPage {
            me: session.me(),
            csrf: &csrf.token,
            is_owner: session.actor.can(&coalition.id, Permission::ManageMembers),
            coalition,
            members,
            invitations,
            message,
            errors,
        },
    )
}

pub(super) async fn members(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    members_page(
        &req,
        &state,
        &session,
        slug.into_inner(),
        None,
        FormErrors::default(),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MemberForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

pub(super) async fn set_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let slug = slug.into_inner();
    let posted = form::parse_for::<MemberForm>(
        &req,
        &state,
        &session.actor,
        Subject::coalition(&slug),
        Permission::ManageMembers,
        pairs.into_inner(),
    )
    .await?;
    let mut errors = FieldCollector::new();
    let email = errors.check(
        "email",
        crate::domain::EmailAddress::parse(&posted.data.email),
    );
    let role: Option<Role> = errors.check("role", posted.data.role.parse());
    let result = match (errors.finish(), email, role) {
        (Ok(()), Some(email), Some(role)) => {
            let (actor, coalition) = (session.actor.clone(), slug.clone());
            state
                .command(
                    move |conn, _| accounts::set_member(conn, &actor, &coalition, &email, role),
                    |_| After::nothing(),
                )
                .await
        }
        (Err(e), _, _) => Err(e),
        _ => Err(AppError::field("email", "is required")),
    };
    match result {
        Ok(change) => {
            let message = match change {
                accounts::MemberChange::Member(_) => "Saved.".to_string(),
                accounts::MemberChange::Invited(i) => format!(
                    "Invitation pending for {}: the role begins when their account accepts it \
                     on its account page.",
                    i.email
                ),
            };
            members_page(
                &req,
                &state,
                &session,
                slug,
                Some(&message),
                FormErrors::default(),
            )
            .await
        }
        Err(e) => match FormErrors::from_error(&e) {
            Some(errors) => members_page(&req, &state, &session, slug, None, errors).await,
            None => Err(e.into()),
        },
    }
}

pub(super) async fn remove_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    path: web::Path<(String, String)>,
    button: web::Form<ButtonForm>,
) -> Result<HttpResponse, PageError> {
    crate::web::csrf::verify(&req, &button.csrf_token)?;
    let (slug, user) = path.into_inner();
    let (actor, coalition) = (session.actor.clone(), slug.clone());
    state
        .command(
            move |conn, _| accounts::remove_member(conn, &actor, &coalition, &user),
            |_| After::nothing(),
        )
        .await?;
    Ok(see_other(format!("/dashboard/coalitions/{slug}/members")))
}
