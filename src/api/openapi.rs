//! The OpenAPI 3 document, generated from the handlers' annotations, served at
//! `/api/v1/openapi.json` and browsable at `/api/docs` (Swagger UI, served by the app).

use serde::Serialize;
use utoipa::OpenApi;

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
        super::signatories::list,
        super::signatories::list_csv,
        super::changes::changes,
        super::changes::atom,
    ),
    components(schemas(ErrorBody, ErrorDetail))
)]
pub struct ApiDoc;
