//! A coalition's member organisations, as its coordinators see and change them.

use super::*;
#[allow(unused_imports)]
use crate::http::state::After;

#[derive(Deserialize)]
pub(super) struct MembersQuery {
    page: Option<i64>,
    #[serde(default)]
    done: String,
}

/// A member organisation with the path segment that names it.
pub(super) struct MemberRow {
    key: String,
    member: MemberView,
}

#[derive(Template)]
#[template(path = "dashboard/directory_members.html")]
pub(super) struct MembersPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    coalition: Coalition,
    page: Page<MemberRow>,
    can_link: bool,
    organisation: String,
    message: Option<&'a str>,
    errors: FormErrors,
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn members_page(
    req: &HttpRequest,
    state: &AppState,
    session: &SignedIn,
    slug: String,
    page: PageRequest,
    status: StatusCode,
    organisation: String,
    message: Option<&str>,
    errors: FormErrors,
) -> Result<HttpResponse, PageError> {
    let actor = session.actor.clone();
    let (coalition, list) = state
        .db
        .run(move |conn| {
            let list = organisations::members(conn, &actor, &slug, page)?;
            Ok((coalitions::find(conn, &slug)?, list))
        })
        .await?;
    let (csrf, builder) = page_csrf(req, state, status);
    render(
        builder,
        &MembersPage {
            me: session.me(),
            csrf: &csrf.token,
            can_link: session
                .actor
                .can(&coalition.id, Permission::ManageDirectory),
            coalition,
            page: list.map(|member| MemberRow {
                key: key_of(&member.organisation.organisation).to_string(),
                member,
            }),
            organisation,
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
    query: web::Query<MembersQuery>,
) -> Result<HttpResponse, PageError> {
    members_page(
        &req,
        &state,
        &session,
        slug.into_inner(),
        PageRequest::clamped(query.page),
        StatusCode::OK,
        String::new(),
        notice(&query.done),
        FormErrors::default(),
    )
    .await
}

pub(super) async fn link(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let slug = slug.into_inner();
    let pairs = pairs.into_inner();
    let typed = field(&pairs, "organisation");
    let data = posted::<LinkFields>(&req, pairs)?;
    let (actor, coalition) = (session.actor.clone(), slug.clone());
    let result = form::run(
        &state,
        data.and_then(LinkFields::parse),
        move |conn, _, organisation| organisations::link(conn, &actor, &coalition, &organisation),
        |_| After::nothing(),
    )
    .await;
    match result {
        Ok(_) => Ok(see_other(format!(
            "/dashboard/coalitions/{slug}/organisations?done=linked"
        ))),
        Err(e) => {
            let (status, errors) = on_form(e, "organisation")?;
            members_page(
                &req,
                &state,
                &session,
                slug,
                PageRequest::default(),
                status,
                typed,
                None,
                errors,
            )
            .await
        }
    }
}

pub(super) async fn unlink(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    path: web::Path<(String, String)>,
    button: web::Form<ButtonForm>,
) -> Result<HttpResponse, PageError> {
    crate::web::csrf::verify(&req, &button.csrf_token)?;
    let (slug, organisation) = path.into_inner();
    let (actor, coalition) = (session.actor.clone(), slug.clone());
    state
        .command(
            move |conn, _| organisations::unlink(conn, &actor, &coalition, &organisation),
            |_| After::nothing(),
        )
        .await?;
    Ok(see_other(format!(
        "/dashboard/coalitions/{slug}/organisations?done=unlinked"
    )))
}
