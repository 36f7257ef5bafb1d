//! Coalitions: the networks that run letters.

use crate::db::query::FirstOrNotFound;
use crate::service::OnePage;
use diesel::prelude::*;
use serde_json::json;

use super::access::Actor;
use super::audit::Event;
use super::{new_id, now, Page, PageRequest};
use crate::db::models::{Coalition, Membership};
use crate::db::schema::{coalitions, memberships, users};
use crate::db::DbConnection;
use crate::domain::text::line;
use crate::domain::{EmailAddress, Role, Slug, Website};
use crate::error::{AppError, FieldCollector};
use serde::Deserialize;
use validator::Validate;

pub struct NewCoalitionInput {
    pub slug: Slug,
    pub name: String,
    pub website: Option<Website>,
}

// A new coalition as sent to `POST /api/v1/coalitions`.
#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCoalitionFields {
    slug: Option<String>,
    #[validate(required(message = "is required"))]
    name: Option<String>,
    website: Option<String>,
    /// With the admin token only: the email of the existing account that will own it. A
    /// coordinator who creates a coalition owns it.
    owner: Option<String>,
}

impl NewCoalitionFields {
    /// The coalition, and the email of its owner when one is named.
    pub fn parse(self) -> Result<(NewCoalitionInput, Option<EmailAddress>), AppError> {
        let mut errors = FieldCollector::validated(&self);
        let name = errors.given("name", self.name.as_deref(), line(200));
        let website = errors.optional("website", self.website.as_deref(), Website::parse);
        let owner = errors.optional("owner", self.owner.as_deref(), EmailAddress::parse);
        let slug = slug_or_derived(&mut errors, "slug", self.slug.as_deref(), name.as_deref());
        errors.finish()?;
        let (Some(slug), Some(name)) = (slug, name) else {
            return Err(AppError::field("name", "is required"));
        };
        Ok((
            NewCoalitionInput {
                slug,
                name,
                website,
            },
            owner,
        ))
    }
}

/// A coalition's slug as typed in `field`, or derived from its name when none is typed; `None`
/// (with a message on `field` when the name gives no slug) otherwise.
pub fn slug_or_derived(
    errors: &mut FieldCollector,
    field: &str,
    typed: Option<&str>,
    name: Option<&str>,
) -> Option<Slug> {
    match (typed, name) {
        (Some(typed), _) => errors.check(field, Slug::parse(typed)),
        (None, Some(name)) => errors.check(
            field,
            Slug::derive(name)
                .ok_or_else(|| "is required when the name has no letters".to_string()),
        ),
        (None, None) => None,
    }
}

/// A new coalition. A coordinator who creates one becomes its owner; the operator (admin token)
/// names an existing account as its owner; the service (the seed) may create one without.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    input: NewCoalitionInput,
    owner: Option<&EmailAddress>,
) -> Result<Coalition, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let owner_id = match (actor, owner) {
            (Actor::User(u), None) => Some(u.id.clone()),
            (Actor::User(_), Some(_)) => {
                return Err(AppError::field(
                    "owner",
                    "is set only with the admin token; you become the owner",
                ))
            }
            (Actor::Operator | Actor::System, Some(email)) => Some(
                users::table
                    .filter(users::email.eq(email.as_str().to_ascii_lowercase()))
                    .select(users::id)
                    .first::<String>(conn)
                    .optional()?
                    .ok_or_else(|| AppError::field("owner", "no account has this email"))?,
            ),
            (Actor::Operator, None) => {
                return Err(AppError::field(
                    "owner",
                    "is required with the admin token: the email of an existing account",
                ))
            }
            (Actor::System, None) => None,
            (Actor::Public, _) => return Err(AppError::Unauthorized),
        };
        create_in(conn, actor, owner_id.as_deref(), input)
    })
}

/// Insert a coalition with its owner, inside the caller's transaction.
pub(crate) fn create_in(
    conn: &mut DbConnection,
    actor: &Actor,
    owner_id: Option<&str>,
    input: NewCoalitionInput,
) -> Result<Coalition, AppError> {
    if find(conn, input.slug.as_str()).is_ok() {
        return Err(AppError::conflict(
            "slug_taken",
            format!(
                "a coalition with slug {:?} already exists",
                input.slug.as_str()
            ),
        ));
    }
    let now = now();
    let row = Coalition {
        id: new_id(),
        slug: input.slug.as_str().to_string(),
        name: input.name,
        website: input.website.map(|w| w.as_str().to_string()),
        created_at: now,
        updated_at: now,
    };
    diesel::insert_into(coalitions::table)
        .values(&row)
        .execute(conn)?;
    if let Some(owner_id) = owner_id {
        diesel::insert_into(memberships::table)
            .values(&Membership {
                coalition_id: row.id.clone(),
                user_id: owner_id.to_string(),
                role: Role::Owner.as_str().to_string(),
                created_at: now,
            })
            .execute(conn)?;
    }
    Event::new(
        "coalition.created",
        ("coalition", &row.id),
        json!({"slug": row.slug, "name": row.name, "owner": owner_id}),
    )
    .in_coalition(&row.id)
    .record(conn, actor)?;
    find(conn, &row.slug)
}

/// A coalition by slug (or id).
/// The coalition `slug_or_id`, once `actor` has `permission` there (403 otherwise).
pub fn find_for(
    conn: &mut DbConnection,
    actor: &crate::service::access::Actor,
    slug_or_id: &str,
    permission: crate::domain::Permission,
) -> Result<Coalition, AppError> {
    let coalition = find(conn, slug_or_id)?;
    actor.require(&coalition, permission)?;
    Ok(coalition)
}

/// The coalition a new letter or campaign names in its `coalition` field (a field error when
/// there is none), once `actor` may manage its letters.
pub fn for_new_letters(
    conn: &mut DbConnection,
    actor: &crate::service::access::Actor,
    slug: &str,
) -> Result<Coalition, AppError> {
    let coalition =
        find(conn, slug).map_err(|_| AppError::field("coalition", "no coalition has this slug"))?;
    actor.require(&coalition, crate::domain::Permission::ManageLetters)?;
    Ok(coalition)
}

pub fn find(conn: &mut DbConnection, slug_or_id: &str) -> Result<Coalition, AppError> {
    coalitions::table
        .filter(
            coalitions::slug
                .eq(slug_or_id)
                .or(coalitions::id.eq(slug_or_id)),
        )
        .select(Coalition::as_select())
        .first_or_not_found(conn, format!("coalition {slug_or_id:?}"))
}

pub fn list(conn: &mut DbConnection, page: PageRequest) -> Result<Page<Coalition>, AppError> {
    let total = coalitions::table.count().get_result(conn)?;
    let items = coalitions::table
        .select(Coalition::as_select())
        .order((coalitions::name.asc(), coalitions::id.asc()))
        .one_page(page)
        .load(conn)?;
    Ok(Page::new(items, page, total))
}
