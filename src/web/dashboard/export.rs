//! `/dashboard/letters/{slug}/export.json|.csv`: the coordinators' downloads of a letter's
//! signatures, personal data included.

use crate::web::PathParam;
use actix_web::web;

use crate::http::commands::download;
use crate::service::export::ExportFormat;
use crate::web::dashboard::extract::Dashboard;
use crate::web::PageReply;

pub fn routes(cfg: &mut web::ServiceConfig) {
    mount!(cfg, {
        "/dashboard/letters/{slug}/export.json" => web::get().to(export_json);
        "/dashboard/letters/{slug}/export.csv" => web::get().to(export_csv);
    });
}

async fn export_json(dash: Dashboard, slug: PathParam) -> PageReply {
    export(dash, slug, ExportFormat::Json).await
}

async fn export_csv(dash: Dashboard, slug: PathParam) -> PageReply {
    export(dash, slug, ExportFormat::Csv).await
}

/// The letter's signatures as a download in `format`, for a coordinator who may export them.
async fn export(dash: Dashboard, slug: PathParam, format: ExportFormat) -> PageReply {
    Ok(download(&dash.state, dash.actor.clone(), slug.into_inner(), format).await?)
}
