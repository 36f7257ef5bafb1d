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
        description = "Open letters signed by organisations. Public reads need no token and are cached (ETag, Last-Modified) and CORS-open; writes need `Authorization: Bearer <admin token>`."
    ),
    paths(
        super::health::health,
        super::countries::list,
        super::countries::lookup,
        super::countries::add_territory,
        super::coalitions::create,
        super::coalitions::list,
        super::coalitions::show,
        super::organisations::create,
        super::organisations::list,
        super::organisations::show,
        super::organisations::update,
        super::letters::create,
        super::letters::list,
        super::letters::show,
        super::letters::update,
        super::letters::transition,
        super::signatures::sign,
        super::signatures::confirm,
        super::signatures::withdraw,
        super::signatures::outbox_list,
        super::invitations::invite,
        super::invitations::list,
        super::invitations::remind,
        super::signatories::list,
        super::signatories::list_csv,
        super::changes::changes,
        super::changes::atom,
        super::ledger::entries,
        super::ledger::public_key,
        crate::web::pictures::badge,
        crate::web::pictures::chart,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&AdminToken),
    tags(
        (name = "open data", description = "Published signatories, counts and changes: public, cached, CORS-open"),
        (name = "letters", description = "Letters and their life cycle"),
        (name = "signing", description = "Signing, confirming and withdrawing (no account needed)"),
        (name = "invitations", description = "Inviting organisations of the directory to sign, with personal links (coordinators)"),
        (name = "pictures", description = "Embeddable SVG"),
    )
)]
pub struct ApiDoc;

/// The bearer token every admin endpoint needs.
struct AdminToken;

impl Modify for AdminToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "admin_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Serve the document and the browsable docs (assets compiled into the binary: no CDN).
pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(
        utoipa_swagger_ui::SwaggerUi::new("/api/docs/{_:.*}")
            .url("/api/v1/openapi.json", ApiDoc::openapi()),
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
