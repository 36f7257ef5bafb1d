//! A coalition's coordinators: roles, invitations to join, removal.

use super::*;
#[allow(unused_imports)]
use crate::http::state::After;
use crate::web::PathParam;

pub(super) const ROLES: &[&str] = &["owner", "coordinator", "viewer"];

#[derive(Template)]
#[template(path = "dashboard/members.html")]
pub(super) struct MembersPage<'a> {
    me: &'a UserActor,
    csrf: String,
    t: Lang,
    coalition: Coalition,
    members: Vec<Member>,
    invitations: Vec<accounts::PendingInvitation>,
    is_owner: bool,
    message: Option<&'a str>,
    errors: FormErrors,
}

pub(super) async fn members_page(
    dash: &Dashboard,
    slug: String,
    message: Option<&str>,
    error: Option<AppError>,
) -> PageReply {
    let errors = FormErrors::of(error)?;
    let (coalition, members, invitations) = dash
        .read(move |conn, actor| {
            let members = accounts::members(conn, actor, &slug)?;
            let invitations = accounts::pending_invitations(conn, actor, &slug)?;
            Ok((coalitions::find(conn, &slug)?, members, invitations))
        })
        .await?;
    dash.render(status_of(&errors), |csrf| MembersPage {
        me: dash.me(),
        csrf,
        t: dash.t,
        is_owner: dash.actor.can(&coalition.id, Permission::ManageMembers),
        coalition,
        members,
        invitations,
        message,
        errors,
    })
}

pub(super) async fn members(dash: Dashboard, slug: PathParam) -> PageReply {
    members_page(&dash, slug.into_inner(), None, None).await
}

pub(super) async fn set_member(dash: Dashboard, slug: PathParam, pairs: Pairs) -> PageReply {
    let slug = slug.into_inner();
    let coalition = Subject::coalition(&slug);
    let posted =
        dash.post_for::<accounts::MemberFields>(coalition, Permission::ManageMembers, pairs.0);
    let coalition = slug.clone();
    let result = dash
        .submit(
            posted.await?.data.parse(),
            move |conn, _, actor, (email, role)| {
                accounts::set_member(conn, actor, &coalition, &email, role)
            },
            |_| After::nothing(),
        )
        .await;
    let (message, error) = form::outcome_with(result, |change| match change {
        accounts::MemberChange::Member(_) => dash.t.get("dash-saved"),
        accounts::MemberChange::Invited(i) => {
            dash.t.with1("dash-coordinators-invited", "email", &i.email)
        }
    });
    members_page(&dash, slug, message.as_deref(), error).await
}
