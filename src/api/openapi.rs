//! The OpenAPI 3 document, generated from the handlers' annotations, served at
//! `/api/v1/openapi.json` and browsable at `/api/docs` (Swagger UI, served by the app).

use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The error shape of every failed request.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// The answers every authenticated endpoint may give besides its own: no valid token (401), a
/// role the caller lacks (403), nothing of that name, or a private thing the caller may not see
/// (404). Named in an operation's `responses(...)` instead of spelling the three out each time.
#[derive(utoipa::IntoResponses)]
pub enum Refused {
    #[response(
        status = 401,
        description = "No token, or one that is unknown, expired or revoked"
    )]
    Unauthorized(ErrorBody),
    #[response(status = 403, description = "The caller lacks the role this needs")]
    Forbidden(ErrorBody),
    #[response(
        status = 404,
        description = "Not found, or private and not the caller's"
    )]
    NotFound(ErrorBody),
}

/// A body or query with invalid fields (422): `error.fields` names each with its messages.
/// The answers of a public read of one letter besides its 200: not modified since the validators
/// sent, no such public letter, or a query parameter that is not valid. Named in `responses(...)`
/// as [`Refused`] is.
#[derive(utoipa::IntoResponses)]
pub enum PublicRead {
    #[response(
        status = 304,
        description = "Not modified since the ETag or date given"
    )]
    NotModified,
    #[response(status = 404, description = "No public letter has this slug")]
    NotFound(ErrorBody),
    #[response(status = 422, description = "A parameter is not valid")]
    Invalid(ErrorBody),
}

#[derive(utoipa::IntoResponses)]
#[response(
    status = 422,
    description = "Invalid input: `error.fields` has the messages per field"
)]
pub struct Invalid(pub ErrorBody);

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable: `validation_failed`, `not_found`, `unauthorized`, `conflict`, ...
    pub code: String,
    /// For people.
    pub message: String,
    /// With `validation_failed`: messages per input field.
    #[schema(value_type = Option<Object>)]
    pub fields: Option<std::collections::BTreeMap<String, Vec<String>>>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "undersigned",
        description = "Open letters signed by organisations. Public reads need no token and are cached (ETag, Last-Modified) and CORS-open. Coordinators' endpoints need `Authorization: Bearer <API token>` (get one with `POST /api/v1/auth/tokens`) and check the caller's role in the coalition; the admin token is for bootstrapping only (accounts, coalitions with their owner, members, the directory)."
    ),
    paths(
        super::health::health,
        super::health::live,
        super::countries::list,
        super::countries::lookup,
        super::countries::add_territory,
        super::countries::remove_territory,
        super::coalitions::create,
        super::coalitions::list,
        super::coalitions::show,
        super::organisations::create,
        super::organisations::list,
        super::organisations::show,
        super::organisations::update,
        super::organisations::merge,
        super::member_organisations::list,
        super::member_organisations::link,
        super::member_organisations::unlink,
        super::letters::create,
        super::letters::list,
        super::letters::show,
        super::letters::update,
        super::letters::transition,
        super::letters::preview,
        super::previews::create,
        super::previews::list,
        super::previews::revoke,
        super::campaigns::deliver,
        super::campaigns::delivery,
        super::campaigns::list,
        super::campaigns::create,
        super::campaigns::show,
        super::campaigns::update,
        super::campaigns::timeline,
        super::campaigns::atom,
        super::campaigns::post_event,
        super::campaigns::delete_event,
        super::versions::list_versions,
        super::versions::publish_version,
        super::versions::list_translations,
        super::versions::save_translation,
        super::versions::delete_translation,
        super::outbox::outbox_retry,
        super::signatures::sign,
        super::signatures::confirm,
        super::signatures::withdraw,
        super::outbox::outbox_list,
        super::moderation::list,
        super::moderation::approve,
        super::moderation::reject,
        super::abuse::find,
        super::abuse::reject_matching,
        super::accounts::sign_in_token,
        super::accounts::setup,
        super::accounts::me,
        super::accounts::my_tokens,
        super::accounts::create_token,
        super::accounts::revoke_token,
        super::accounts::change_password,
        super::accounts::create_user,
        super::accounts::members,
        super::accounts::set_member,
        super::accounts::remove_member,
        super::accounts::member_invitations,
        super::accounts::my_invitations,
        super::accounts::answer_invitation,
        super::audit::letter_log,
        super::audit::coalition_log,
        super::invitations::invite,
        super::invitations::list,
        super::invitations::remind,
        super::invitations::sign,
        super::updates::send,
        super::updates::list,
        super::export::export_json,
        super::export::export_csv,
        super::erasure::erase,
        super::imports::preview,
        super::imports::apply,
        super::signatories::list,
        super::signatories::list_csv,
        super::datapackage::datapackage,
        super::changes::changes,
        super::changes::atom,
        super::ledger::entries,
        super::ledger::public_key,
        super::pictures::badge,
        super::pictures::chart,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerSchemes, &UniqueOperationIds),
    tags(
        (name = "open data", description = "Published signatories, counts and changes: public, cached, CORS-open"),
        (name = "letters", description = "Letters and their life cycle, delivery included"),
        (name = "campaigns", description = "Letters grouped toward a goal, with progress and a public timeline"),
        (name = "signing", description = "Signing, confirming and withdrawing (no account needed)"),
        (name = "invitations", description = "Inviting organisations of the directory to sign, with personal links (coordinators)"),
        (name = "imports", description = "Importing lists of signatory organisations into the directory and onto letters (coordinators)"),
        (name = "pictures", description = "Embeddable SVG"),
        (name = "accounts", description = "Setup, sign-in, API tokens, members of coalitions"),
        (name = "moderation", description = "A letter's signatures for its coordinators; approving and rejecting"),
        (name = "audit", description = "Who did what, when"),
        (name = "updates", description = "Updates to a letter's signers, with one-click unsubscribe (coordinators)"),
        (name = "privacy", description = "Exporting a letter's personal data, erasing a signer's (coordinators)"),
    )
)]
pub struct ApiDoc;

/// utoipa names each operation after its handler, and several modules have a `list`, a `show`,
/// a `create`: an operationId shared by two operations breaks client generators (and the
/// OpenAPI rules). Each shared one gets the path's fixed segments appended:
/// `list` on `/api/v1/letters/{slug}/audit` becomes `list_letters_audit`.
struct UniqueOperationIds;

impl Modify for UniqueOperationIds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use std::collections::HashMap;
        let mut seen: HashMap<String, usize> = HashMap::new();
        for item in openapi.paths.paths.values() {
            for operation in operations(item) {
                if let Some(id) = &operation.operation_id {
                    *seen.entry(id.clone()).or_default() += 1;
                }
            }
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            let segments: Vec<&str> = path
                .split('/')
                .filter(|s| !s.is_empty() && !s.starts_with('{') && *s != "api" && *s != "v1")
                .collect();
            let suffix = segments.join("_").replace(['.', '-'], "_");
            for operation in operations_mut(item) {
                if let Some(id) = &mut operation.operation_id {
                    if seen.get(id.as_str()).is_some_and(|n| *n > 1) {
                        *id = format!("{id}_{suffix}");
                    }
                }
            }
        }
    }
}

fn operations(
    item: &utoipa::openapi::PathItem,
) -> impl Iterator<Item = &utoipa::openapi::path::Operation> {
    [
        &item.get,
        &item.put,
        &item.post,
        &item.delete,
        &item.options,
        &item.head,
        &item.patch,
        &item.trace,
    ]
    .into_iter()
    .flatten()
}

fn operations_mut(
    item: &mut utoipa::openapi::PathItem,
) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .flatten()
}

/// The bearer tokens: a coordinator's API token, and the operator's admin token.
struct BearerSchemes;

impl Modify for BearerSchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for name in ["api_token", "admin_token"] {
            components.add_security_scheme(
                name,
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// The document, served in the API's scope (open to other sites like the rest of it), rendered
/// once.
pub async fn document() -> actix_web::HttpResponse {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let body = DOCUMENT.get_or_init(|| {
        ApiDoc::openapi()
            .to_json()
            .expect("the OpenAPI document serialises")
    });
    actix_web::HttpResponse::Ok()
        .content_type("application/json")
        .body(body.as_str())
}

/// The browsable docs (assets compiled into the binary: no CDN), reading the document above; no
/// validator badge (it would send the document to an outside service).
pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(
        utoipa_swagger_ui::SwaggerUi::new("/api/docs/{_:.*}")
            .config(utoipa_swagger_ui::Config::new(["/api/v1/openapi.json"]).validator_url("none")),
    )
    .route(
        "/api/docs",
        actix_web::web::get().to(|| async {
            actix_web::HttpResponse::PermanentRedirect()
                .insert_header((actix_web::http::header::LOCATION, "/api/docs/"))
                .finish()
        }),
    );
}
