//! The organisation directory in the coordinators' dashboard: list and search it, add and edit an
//! organisation (its verification too), merge a duplicate into the organisation to keep, link a
//! coalition's member organisations, and see the territories the operator added (adding and
//! removing one is the operator's: the admin token or the command line).
//!
//! Every page calls the same services as the JSON API (`service::organisations`,
//! `service::countries`) with the signed-in coordinator as the actor, and every form is parsed
//! by the API's own request type (`web::form::parse`), so both answer with the same rules and
//! per-field messages. A failed post shows the form again with what was typed: 422 for invalid
//! fields, 409 (with the message under the field that clashes) for a duplicate; a post that
//! succeeds redirects (303) to the page that shows the result.

mod by_country;
use crate::http::state::After;
use crate::web::dashboard::extract::item_button;
use crate::web::PathParam;
use by_country::*;
mod members;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use members::*;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::db::models::{Coalition, Country, Organisation};
use crate::domain::{OrgName, Permission, Verification};
use crate::error::{AppError, FieldCollector, FieldErrors};
use crate::i18n::Lang;
use crate::service::access::UserActor;
use crate::service::organisations::LinkFields;
use crate::service::organisations::{self, MemberView, OrganisationFilter, OrganisationView};
use crate::service::organisations::{MergeFields, NewOrganisationFields, OrganisationPatchFields};
use crate::service::{coalitions, countries, Page, PageRequest};
use crate::web::dashboard::extract::Dashboard;
use crate::web::form::Pairs;
use crate::web::session::FormErrors;
use crate::web::{see_other, status_of, PageError, PageReply};

pub fn routes(cfg: &mut web::ServiceConfig) {
    let unlink = item_button(organisations::unlink, |slug| {
        format!("/dashboard/coalitions/{slug}/organisations?done=unlinked")
    });
    // `/new` before `/{slug}`: an organisation whose slug is "new" is linked by its id.
    mount!(cfg, {
        "/dashboard/organisations/new" => web::get().to(new_organisation);
        "/dashboard/organisations" => [web::get().to(list), web::post().to(create)];
        "/dashboard/organisations/{slug}" => [web::get().to(show), web::post().to(update)];
        "/dashboard/organisations/{slug}/merge" => web::post().to(merge);
        "/dashboard/coalitions/{slug}/organisations" =>
            [web::get().to(members), web::post().to(link)];
        "/dashboard/coalitions/{slug}/organisations/{organisation}/unlink" =>
            web::post().to(unlink);
        "/dashboard/countries" => web::get().to(country_page);
    });
}

const VERIFICATIONS: &[&str] = &["unverified", "domain", "coordinator"];

/// `?done=`: what a redirect after a successful post asks the next page to say.
#[derive(Deserialize, Default)]
struct Notice {
    #[serde(default)]
    done: String,
}

impl Notice {
    fn message(&self, t: Lang) -> Option<String> {
        notice(t, &self.done)
    }
}

/// The message for `?done=`: one of a fixed set, so no text from the address is shown.
fn notice(t: Lang, done: &str) -> Option<String> {
    let id = match done {
        "created" => "dash-directory-created",
        "saved" => "dash-saved",
        "merged" => "dash-directory-merged",
        "linked" => "dash-directory-linked",
        "unlinked" => "dash-directory-unlinked",
        _ => return None,
    };
    Some(t.get(id))
}

/// A posted form in the API's request type `T`: a missing or wrong CSRF token is a 403 page at
/// once; a field that cannot be read (unknown, or not text) is a message, like any invalid one.
fn posted<T: DeserializeOwned>(
    dash: &Dashboard,
    pairs: Vec<(String, String)>,
) -> Result<Result<T, AppError>, PageError> {
    match dash.post::<T>(pairs) {
        Ok(posted) => Ok(Ok(posted.data)),
        Err(e @ AppError::Validation(_)) => Ok(Err(e)),
        Err(e) => Err(e.into()),
    }
}

/// [`posted`] for a change to the directory: the CSRF token, then the role to edit it (403),
/// whatever the fields hold.
fn edit_posted<T: DeserializeOwned>(
    dash: &Dashboard,
    pairs: Vec<(String, String)>,
) -> Result<Result<T, AppError>, PageError> {
    let data = posted::<T>(dash, pairs)?;
    dash.actor.require_anywhere(Permission::ManageDirectory)?;
    Ok(data)
}

/// A failed post shown on its form: invalid fields (422), or a duplicate (409) with its message
/// under `conflict_field`. Anything else (403, 404, a missing CSRF token) is an error page.
pub(in crate::web::dashboard) fn on_form(
    e: AppError,
    conflict_field: &str,
) -> Result<(StatusCode, FormErrors), PageError> {
    match e {
        AppError::Validation(fields) => Ok((StatusCode::UNPROCESSABLE_ENTITY, FormErrors(fields))),
        AppError::Conflict { message, .. } => {
            let mut fields = FieldErrors::new();
            fields.insert(conflict_field.to_string(), vec![message.into()]);
            Ok((StatusCode::CONFLICT, FormErrors(fields)))
        }
        other => Err(other.into()),
    }
}

/// The value of a posted field, as typed.
fn field(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// The path segment that names an organisation in the dashboard: its slug, or its id when the
/// slug would read as `/dashboard/organisations/new`.
fn key_of(o: &Organisation) -> &str {
    if o.slug == "new" {
        &o.id
    } else {
        &o.slug
    }
}

fn organisation_path(o: &Organisation) -> String {
    format!("/dashboard/organisations/{}", key_of(o))
}

/// After a post that worked: the organisation's page, saying what was `done` (see [`Notice`]).
fn done_on(o: &Organisation, done: &str) -> HttpResponse {
    see_other(format!("{}?done={done}", organisation_path(o)))
}

/// After a post about an organisation: its page saying what was `done` (see [`Notice`]), or the
/// form again through `again` with its messages ([`on_form`]: a duplicate's under
/// `conflict_field`).
async fn answered<T, R>(
    result: Result<T, AppError>,
    organisation: fn(&T) -> &Organisation,
    done: &str,
    conflict_field: &str,
    again: impl FnOnce(StatusCode, FormErrors) -> R,
) -> PageReply
where
    R: std::future::Future<Output = PageReply>,
{
    match result {
        Ok(written) => Ok(done_on(organisation(&written), done)),
        Err(e) => {
            let (status, errors) = on_form(e, conflict_field)?;
            again(status, errors).await
        }
    }
}

/// The organisation form as posted (to add or change one): its values as typed, to show again
/// with any error, and its fields `F` parsed against the countries by `parse`, or the error.
async fn organisation_form<F: DeserializeOwned, I>(
    dash: &Dashboard,
    pairs: Pairs,
    parse: impl FnOnce(F, &[Country]) -> Result<I, AppError>,
) -> Result<(OrganisationFormValues, Result<I, AppError>), PageError> {
    let pairs = pairs.into_inner();
    let values = OrganisationFormValues::from_pairs(&pairs);
    let data = edit_posted::<F>(dash, pairs)?;
    let all = dash.state.countries.get(&dash.state.db).await?;
    Ok((values, data.and_then(|d| parse(d, &all))))
}

// ---- The directory: list and search ----

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    country: String,
    page: Option<i64>,
    #[serde(default)]
    done: String,
}

/// An organisation with the path of its page.
struct Row {
    path: String,
    view: OrganisationView,
}

impl Row {
    fn of(view: OrganisationView) -> Row {
        Row {
            path: organisation_path(&view.organisation),
            view,
        }
    }
}

/// A coalition the signed-in coordinator belongs to.
struct MyCoalition {
    slug: String,
    name: String,
}

#[derive(Template)]
#[template(path = "dashboard/directory.html")]
struct ListPage<'a> {
    me: &'a UserActor,
    csrf: String,
    t: Lang,
    q: &'a str,
    country: &'a str,
    countries: &'a [Country],
    page: Page<Row>,
    can_edit: bool,
    coalitions: Vec<MyCoalition>,
    message: Option<&'a str>,
    errors: FormErrors,
}

async fn list(dash: Dashboard, query: web::Query<ListQuery>) -> PageReply {
    dash.actor.require_anywhere(Permission::ReadPrivate)?;
    let query = query.into_inner();
    let all = dash.state.countries.get(&dash.state.db).await?;
    // The API's filter rules: a two-letter code, and words of a name.
    let mut checks = FieldCollector::new();
    let country = checks.optional(
        "country",
        Some(&query.country),
        crate::domain::CountryCode::parse,
    );
    let q = checks
        .optional("q", Some(&query.q), OrgName::parse)
        .map(|n| n.normalized());
    let errors = match checks.finish() {
        Ok(()) => FormErrors::default(),
        Err(e) => FormErrors::from_error(&e).unwrap_or_default(),
    };
    let page = PageRequest::clamped(query.page);
    let roles: Vec<String> = dash.me().roles.iter().map(|(c, _)| c.clone()).collect();
    let search = errors.is_empty();
    let (list, coalitions) = dash
        .read(move |conn, actor| {
            let list = if search {
                let mut list = organisations::list(conn, &OrganisationFilter { country, q }, page)?;
                organisations::seen_by(conn, actor, &mut list.items)?;
                list
            } else {
                Page::new(Vec::new(), page, 0)
            };
            let mut mine = Vec::new();
            for id in &roles {
                let c = coalitions::find(conn, id)?;
                mine.push(MyCoalition {
                    slug: c.slug,
                    name: c.name,
                });
            }
            Ok((list, mine))
        })
        .await?;
    let message = notice(dash.t, &query.done);
    dash.render(status_of(&errors), |csrf| ListPage {
        me: dash.me(),
        csrf,
        t: dash.t,
        q: &query.q,
        country: &query.country,
        countries: &all,
        page: list.map(Row::of),
        can_edit: dash.actor.can_anywhere(Permission::ManageDirectory),
        coalitions,
        message: message.as_deref(),
        errors,
    })
}

// ---- One organisation: create, edit, merge ----

/// The organisation form's values, as typed.
#[derive(Default)]
struct OrganisationFormValues {
    name: String,
    country: String,
    website: String,
    email_domain: String,
    description: String,
    verification: String,
}

impl OrganisationFormValues {
    fn of(view: &OrganisationView) -> OrganisationFormValues {
        let o = &view.organisation;
        OrganisationFormValues {
            name: o.name.clone(),
            country: o.country_code.clone(),
            website: o.website.clone().unwrap_or_default(),
            email_domain: o.email_domain.clone().unwrap_or_default(),
            description: o.description.clone().unwrap_or_default(),
            verification: o.verification.clone(),
        }
    }

    fn from_pairs(pairs: &[(String, String)]) -> OrganisationFormValues {
        OrganisationFormValues {
            name: field(pairs, "name"),
            country: field(pairs, "country"),
            website: field(pairs, "website"),
            email_domain: field(pairs, "email_domain"),
            description: field(pairs, "description"),
            verification: field(pairs, "verification"),
        }
    }
}

#[derive(Template)]
#[template(path = "dashboard/directory_new.html")]
struct NewPage<'a> {
    me: &'a UserActor,
    csrf: String,
    t: Lang,
    form: OrganisationFormValues,
    /// The countries to choose from, by name.
    countries: &'a [Country],
    errors: FormErrors,
}

async fn new_page(
    dash: &Dashboard,
    status: StatusCode,
    form: OrganisationFormValues,
    errors: FormErrors,
) -> PageReply {
    let countries = dash.state.countries.get(&dash.state.db).await?;
    dash.render(status, |csrf| NewPage {
        me: dash.me(),
        csrf,
        t: dash.t,
        form,
        countries: &countries,
        errors,
    })
}

async fn new_organisation(dash: Dashboard) -> PageReply {
    dash.actor.require_anywhere(Permission::ManageDirectory)?;
    let form = OrganisationFormValues {
        verification: Verification::Unverified.as_str().into(),
        ..OrganisationFormValues::default()
    };
    new_page(&dash, StatusCode::OK, form, FormErrors::default()).await
}

async fn create(dash: Dashboard, pairs: Pairs) -> PageReply {
    let (values, input) = organisation_form(&dash, pairs, NewOrganisationFields::parse).await?;
    let result = dash
        .submit(
            input,
            |conn, _, actor, input| organisations::create(conn, actor, input),
            |_| After::nothing(),
        )
        .await;
    let again = |status, errors| new_page(&dash, status, values, errors);
    answered(result, |view| &view.organisation, "created", "name", again).await
}

#[derive(Template)]
#[template(path = "dashboard/directory_organisation.html")]
struct OrganisationPage<'a> {
    me: &'a UserActor,
    csrf: String,
    t: Lang,
    view: OrganisationView,
    path: String,
    can_edit: bool,
    form: OrganisationFormValues,
    /// The countries to choose from, by name.
    countries: &'a [Country],
    into: String,
    message: Option<&'a str>,
    errors: FormErrors,
}

/// An organisation, for someone who may read the directory.
async fn load(dash: &Dashboard, key: String) -> Result<OrganisationView, AppError> {
    dash.actor.require_anywhere(Permission::ReadPrivate)?;
    dash.read(move |conn, actor| organisations::find_for(conn, actor, &key))
        .await
}

async fn organisation_page(
    dash: &Dashboard,
    status: StatusCode,
    view: OrganisationView,
    form: Option<OrganisationFormValues>,
    into: String,
    message: Option<&str>,
    errors: FormErrors,
) -> PageReply {
    let countries = dash.state.countries.get(&dash.state.db).await?;
    dash.render(status, |csrf| OrganisationPage {
        countries: &countries,
        me: dash.me(),
        csrf,
        t: dash.t,
        path: organisation_path(&view.organisation),
        can_edit: dash.actor.can_anywhere(Permission::ManageDirectory),
        form: form.unwrap_or_else(|| OrganisationFormValues::of(&view)),
        view,
        into,
        message,
        errors,
    })
}

async fn show(dash: Dashboard, key: PathParam, notice: web::Query<Notice>) -> PageReply {
    let view = load(&dash, key.into_inner()).await?;
    organisation_page(
        &dash,
        StatusCode::OK,
        view,
        None,
        String::new(),
        notice.message(dash.t).as_deref(),
        FormErrors::default(),
    )
    .await
}

async fn update(dash: Dashboard, key: PathParam, pairs: Pairs) -> PageReply {
    let form = organisation_form(&dash, pairs, OrganisationPatchFields::parse);
    let (values, changes) = form.await?;
    let view = load(&dash, key.into_inner()).await?;
    let id = view.organisation.id.clone();
    let result = dash
        .submit(
            changes,
            move |conn, keys, actor, changes| {
                organisations::update(conn, &keys.ledger, actor, &id, changes)
            },
            // Its name, country and verification show in every list it is on.
            |_| After::every_letter(),
        )
        .await;
    let again = |status, errors| {
        let form = Some(values);
        organisation_page(&dash, status, view, form, String::new(), None, errors)
    };
    answered(
        result,
        |updated| &updated.organisation,
        "saved",
        "name",
        again,
    )
    .await
}

async fn merge(dash: Dashboard, key: PathParam, pairs: Pairs) -> PageReply {
    let pairs = pairs.into_inner();
    let into_typed = field(&pairs, "into");
    let data = edit_posted::<MergeFields>(&dash, pairs)?;
    let view = load(&dash, key.into_inner()).await?;
    let id = view.organisation.id.clone();
    let result = dash
        .submit(
            data.and_then(MergeFields::parse),
            move |conn, keys, actor, typed: String| {
                let into = organisations::by_typed_name(conn, "into", &typed)?;
                organisations::merge(conn, &keys.ledger, actor, &id, &into)
            },
            |_| After::every_letter(),
        )
        .await;
    let again =
        |status, errors| organisation_page(&dash, status, view, None, into_typed, None, errors);
    answered(
        result,
        |outcome| &outcome.kept.organisation,
        "merged",
        "into",
        again,
    )
    .await
}

// ---- A coalition's member organisations ----

// ---- Countries: the territories the operator added ----
