//! A coalition's coordinators: their roles, invitations to join, and leaving.

use super::*;
#[allow(unused_imports)]
use crate::db::query::FirstOrNotFound;

/// A member of a coalition as coordinators see it.
#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub since: chrono::NaiveDateTime,
}

/// The coalitions the actor belongs to, with their role in each.
pub fn my_coalitions(
    conn: &mut DbConnection,
    actor: &Actor,
) -> Result<Vec<(Coalition, Role)>, AppError> {
    let user = actor.user()?;
    Ok(memberships::table
        .inner_join(coalitions_table::table)
        .filter(memberships::user_id.eq(&user.id))
        .select((Coalition::as_select(), memberships::role))
        .order(coalitions_table::name.asc())
        .load::<(Coalition, String)>(conn)?
        .into_iter()
        .filter_map(|(c, r)| r.parse().ok().map(|r| (c, r)))
        .collect())
}

/// A coalition's members (needs the viewer role there).
pub fn members(
    conn: &mut DbConnection,
    actor: &Actor,
    coalition: &str,
) -> Result<Vec<Member>, AppError> {
    let coalition = coalitions::find_for(conn, actor, coalition, Permission::ReadPrivate)?;
    Ok(memberships::table
        .inner_join(users::table)
        .filter(memberships::coalition_id.eq(&coalition.id))
        .select((
            users::id,
            users::name,
            users::email,
            memberships::role,
            memberships::created_at,
        ))
        .order(users::name.asc())
        .load::<(String, String, String, String, chrono::NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(user_id, name, email, role, since)| Member {
            user_id,
            name,
            email,
            role: role.parse().unwrap_or(Role::Viewer),
            since,
        })
        .collect())
}

/// What [`set_member`] did.
#[derive(Debug, Clone)]
pub enum MemberChange {
    /// A member's role (unchanged or changed), or a member the operator added.
    Member(Member),
    /// An invitation waits for the address's account to accept it: an owner never adds an
    /// account without its consent, and never hears whether the address has an account.
    Invited(PendingInvitation),
}

/// An invitation to a role, as the inviting coalition sees it: the address its owner typed.
#[derive(Debug, Clone)]
pub struct PendingInvitation {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub since: chrono::NaiveDateTime,
}

impl From<MemberInvitation> for PendingInvitation {
    fn from(i: MemberInvitation) -> Self {
        PendingInvitation {
            id: i.id,
            email: i.email,
            role: i.role.parse().unwrap_or(Role::Viewer),
            since: i.created_at,
        }
    }
}

/// Give a role in a coalition to the account with `email`, or change a member's role (owners
/// only). A member's role changes at once; anyone else is invited (issue 18, finding 13): the
/// account accepts on its account page, and until then the owner sees only that an invitation
/// is pending for the address, whether or not an account has it. The operator (admin token) and
/// the command line add an existing account at once, as before: they bootstrap. The last owner
/// cannot step down, so a coalition always has one.
pub fn set_member(
    conn: &mut DbConnection,
    actor: &Actor,
    coalition: &str,
    email: &EmailAddress,
    role: Role,
) -> Result<MemberChange, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let coalition = coalitions::find_for(conn, actor, coalition, Permission::ManageMembers)?;
        let address = email.as_str().to_ascii_lowercase();
        let user = users::table
            .filter(users::email.eq(&address))
            .select(User::as_select())
            .first(conn)
            .optional()?;
        let current = match &user {
            Some(user) => role_of(conn, &coalition.id, &user.id)?,
            None => None,
        };
        match (user, current) {
            (Some(user), Some(old)) => {
                if old != role {
                    if old == Role::Owner {
                        ensure_another_owner(conn, &coalition.id, &user.id)?;
                    }
                    diesel::update(
                        memberships::table.find((coalition.id.as_str(), user.id.as_str())),
                    )
                    .set(memberships::role.eq(role.as_str()))
                    .execute(conn)?;
                    Event::new(
                        "membership.changed",
                        ("membership", &user.id),
                        json!({"user": user.name, "from": old, "to": role}),
                    )
                    .in_coalition(&coalition.id)
                    .record(conn, actor)?;
                }
                member(conn, &coalition.id, &user.id).map(MemberChange::Member)
            }
            (Some(user), None) if matches!(actor, Actor::Operator | Actor::System) => {
                add_membership(conn, actor, &coalition, &user, role)?;
                member(conn, &coalition.id, &user.id).map(MemberChange::Member)
            }
            (None, _) if matches!(actor, Actor::Operator | Actor::System) => Err(AppError::field(
                "email",
                "no account has this email; create it first (undersigned user add)",
            )),
            _ => invite_member(conn, actor, &coalition, &address, role).map(MemberChange::Invited),
        }
    })
}

pub(super) fn member(
    conn: &mut DbConnection,
    coalition_id: &str,
    user_id: &str,
) -> Result<Member, AppError> {
    members(conn, &Actor::System, coalition_id)?
        .into_iter()
        .find(|m| m.user_id == user_id)
        .ok_or_else(|| AppError::not_found("member"))
}

/// Invite `email` to `role` (a second invitation to the same address replaces the first's role).
pub(super) fn invite_member(
    conn: &mut DbConnection,
    actor: &Actor,
    coalition: &Coalition,
    email: &str,
    role: Role,
) -> Result<PendingInvitation, AppError> {
    let existing = member_invitations::table
        .filter(member_invitations::coalition_id.eq(&coalition.id))
        .filter(member_invitations::email.eq(email))
        .select(MemberInvitation::as_select())
        .first(conn)
        .optional()?;
    let invitation = match existing {
        Some(mut invitation) => {
            diesel::update(member_invitations::table.find(&invitation.id))
                .set(member_invitations::role.eq(role.as_str()))
                .execute(conn)?;
            invitation.role = role.as_str().to_string();
            invitation
        }
        None => {
            let invitation = MemberInvitation {
                id: new_id(),
                coalition_id: coalition.id.clone(),
                email: email.to_string(),
                role: role.as_str().to_string(),
                created_at: now(),
            };
            diesel::insert_into(member_invitations::table)
                .values(&invitation)
                .execute(conn)?;
            invitation
        }
    };
    // The audit row names the role, not the address: the log is read by every viewer.
    Event::new(
        "membership.invited",
        ("member_invitation", &invitation.id),
        json!({"role": role}),
    )
    .in_coalition(&coalition.id)
    .record(conn, actor)?;
    Ok(invitation.into())
}

/// The invitations a coalition's owners sent that wait for an answer (viewer role or more).
pub fn pending_invitations(
    conn: &mut DbConnection,
    actor: &Actor,
    coalition: &str,
) -> Result<Vec<PendingInvitation>, AppError> {
    let coalition = coalitions::find_for(conn, actor, coalition, Permission::ReadPrivate)?;
    Ok(member_invitations::table
        .filter(member_invitations::coalition_id.eq(&coalition.id))
        .select(MemberInvitation::as_select())
        .order((
            member_invitations::created_at.asc(),
            member_invitations::id.asc(),
        ))
        .load(conn)?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// The invitations waiting for the actor's account, with their coalitions.
pub fn my_invitations(
    conn: &mut DbConnection,
    actor: &Actor,
) -> Result<Vec<(PendingInvitation, Coalition)>, AppError> {
    let user = actor.user()?;
    Ok(member_invitations::table
        .inner_join(coalitions_table::table)
        .filter(member_invitations::email.eq(user.email.to_ascii_lowercase()))
        .select((MemberInvitation::as_select(), Coalition::as_select()))
        .order(member_invitations::created_at.asc())
        .load::<(MemberInvitation, Coalition)>(conn)?
        .into_iter()
        .map(|(i, c)| (i.into(), c))
        .collect())
}

/// Accept (the role begins) or decline one of the invitations waiting for the actor's account.
/// Another account's invitation is not found.
pub fn answer_invitation(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    accept: bool,
) -> Result<(), AppError> {
    let me = actor.user()?.clone();
    crate::db::write_transaction(conn, |conn| {
        let invitation = member_invitations::table
            .filter(member_invitations::id.eq(id))
            .filter(member_invitations::email.eq(me.email.to_ascii_lowercase()))
            .select(MemberInvitation::as_select())
            .first_or_not_found(conn, "invitation")?;
        diesel::delete(member_invitations::table.find(&invitation.id)).execute(conn)?;
        let coalition = coalitions::find(conn, &invitation.coalition_id)?;
        let role: Role = invitation.role.parse().unwrap_or(Role::Viewer);
        if !accept {
            return Event::new(
                "membership.declined",
                ("member_invitation", &invitation.id),
                json!({"user": me.name, "role": role}),
            )
            .in_coalition(&coalition.id)
            .record(conn, actor);
        }
        let user = find_user(conn, &me.id)?;
        if role_of(conn, &coalition.id, &user.id)?.is_none() {
            insert_membership(conn, &coalition.id, &user.id, role)?;
        }
        membership_event("membership.accepted", &coalition, &user, role).record(conn, actor)
    })
}

/// Take a member out of a coalition (owners only; not the last owner).
pub fn remove_member(
    conn: &mut DbConnection,
    actor: &Actor,
    coalition: &str,
    user_id: &str,
) -> Result<(), AppError> {
    crate::db::write_transaction(conn, |conn| {
        let coalition = coalitions::find_for(conn, actor, coalition, Permission::ManageMembers)?;
        let user = find_user(conn, user_id)?;
        match role_of(conn, &coalition.id, &user.id)? {
            None => return Err(AppError::not_found("member")),
            Some(Role::Owner) => ensure_another_owner(conn, &coalition.id, &user.id)?,
            Some(_) => {}
        }
        diesel::delete(memberships::table.find((coalition.id.as_str(), user.id.as_str())))
            .execute(conn)?;
        Event::new(
            "membership.removed",
            ("membership", &user.id),
            json!({"user": user.name}),
        )
        .in_coalition(&coalition.id)
        .record(conn, actor)
    })
}

pub(super) fn role_of(
    conn: &mut DbConnection,
    coalition_id: &str,
    user_id: &str,
) -> Result<Option<Role>, AppError> {
    Ok(memberships::table
        .find((coalition_id, user_id))
        .select(memberships::role)
        .first::<String>(conn)
        .optional()?
        .and_then(|r| r.parse().ok()))
}

pub(super) fn ensure_another_owner(
    conn: &mut DbConnection,
    coalition_id: &str,
    user_id: &str,
) -> Result<(), AppError> {
    let others: i64 = memberships::table
        .filter(memberships::coalition_id.eq(coalition_id))
        .filter(memberships::role.eq(Role::Owner.as_str()))
        .filter(memberships::user_id.ne(user_id))
        .count()
        .get_result(conn)?;
    if others == 0 {
        return Err(AppError::conflict(
            "last_owner",
            "a coalition needs an owner: make someone else owner first",
        ));
    }
    Ok(())
}
