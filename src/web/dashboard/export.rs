//! `/dashboard/letters/{slug}/export.json|.csv`: the coordinators' downloads of a letter's
//! signatures, personal data included.

use actix_web::{web, HttpResponse};

use crate::http::commands::download;
use crate::http::AppState;
use crate::service::export::ExportFormat;
use crate::web::session::SignedIn;
use crate::web::PageError;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/dashboard/letters/{slug}/export.json",
        web::get().to(export_json),
    )
    .route(
        "/dashboard/letters/{slug}/export.csv",
        web::get().to(export_csv),
    );
}

async fn export_json(
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    Ok(download(
        &state,
        session.actor.clone(),
        slug.into_inner(),
        ExportFormat::Json,
    )
    .await?)
}

async fn export_csv(
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    Ok(download(
        &state,
        session.actor.clone(),
        slug.into_inner(),
        ExportFormat::Csv,
    )
    .await?)
}
