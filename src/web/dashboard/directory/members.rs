//! A coalition's member organisations, as its coordinators see and change them.

use super::*;
#[allow(unused_imports)]
use crate::http::state::After;
use crate::web::PathParam;

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
    csrf: String,
    t: Lang,
    coalition: Coalition,
    page: Page<MemberRow>,
    can_link: bool,
    organisation: String,
    message: Option<&'a str>,
    errors: FormErrors,
}

pub(super) async fn members_page(
    dash: &Dashboard,
    slug: String,
    page: PageRequest,
    status: StatusCode,
    organisation: String,
    message: Option<&str>,
    errors: FormErrors,
) -> PageReply {
    let (coalition, list) = dash
        .read(move |conn, actor| {
            let list = organisations::members(conn, actor, &slug, page)?;
            Ok((coalitions::find(conn, &slug)?, list))
        })
        .await?;
    dash.render(status, |csrf| MembersPage {
        me: dash.me(),
        csrf,
        t: dash.t,
        can_link: dash.actor.can(&coalition.id, Permission::ManageDirectory),
        coalition,
        page: list.map(|member| MemberRow {
            key: key_of(&member.organisation.organisation).to_string(),
            member,
        }),
        organisation,
        message,
        errors,
    })
}

pub(super) async fn members(
    dash: Dashboard,
    slug: PathParam,
    query: web::Query<MembersQuery>,
) -> PageReply {
    members_page(
        &dash,
        slug.into_inner(),
        PageRequest::clamped(query.page),
        StatusCode::OK,
        String::new(),
        notice(dash.t, &query.done).as_deref(),
        FormErrors::default(),
    )
    .await
}

pub(super) async fn link(dash: Dashboard, slug: PathParam, pairs: Pairs) -> PageReply {
    let slug = slug.into_inner();
    let pairs = pairs.into_inner();
    let typed = field(&pairs, "organisation");
    let data = posted::<LinkFields>(&dash, pairs)?;
    let coalition = slug.clone();
    let result = dash
        .submit(
            data.and_then(LinkFields::parse),
            move |conn, _, actor, typed: String| {
                let organisation = organisations::by_typed_name(conn, "organisation", &typed)?;
                organisations::link(conn, actor, &coalition, &organisation)
            },
            |_| After::nothing(),
        )
        .await;
    match result {
        Ok(_) => Ok(see_other(format!(
            "/dashboard/coalitions/{slug}/organisations?done=linked"
        ))),
        Err(e) => {
            let (status, errors) = on_form(e, "organisation")?;
            let page = PageRequest::default();
            members_page(&dash, slug, page, status, typed, None, errors).await
        }
    }
}
