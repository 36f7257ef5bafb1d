//! A draft's secret preview link (`/preview/{token}`, `service::previews`): the letter as it will
//! read (title, recipient, text, place and date; no sign form, no list) for the partners it was
//! shared with, signed out. Kept out of search engines and caches (`X-Robots-Tag: noindex`,
//! `Cache-Control: private, no-store`) and out of other sites' logs (`Referrer-Policy:
//! no-referrer`); no public page links to it. A revoked link answers 410, an unknown one 404,
//! both as HTML pages; once the letter is open, the link leads to its public page.

use crate::web::PathParam;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use askama::Template;

use crate::domain::markdown::to_safe_html;
use crate::http::AppState;
use crate::i18n::Lang;
use crate::service::letters::LetterView;
use crate::service::previews::{self, Previewed};
use crate::web::{render, PageError};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/preview/{token}", web::get().to(preview_page));
}

#[derive(Template)]
#[template(path = "preview.html")]
struct PreviewPage {
    t: Lang,
    view: LetterView,
    body_html: std::sync::Arc<str>,
}

/// What every answer of a preview link carries, the error pages included.
fn private(response: &mut HttpResponse) {
    let headers = response.headers_mut();
    headers.insert(
        header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

async fn preview_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: PathParam,
) -> HttpResponse {
    let mut response = match answer(&req, &state, &token).await {
        Ok(response) => response,
        Err(e) => e.error_response(),
    };
    private(&mut response);
    response
}

async fn answer(
    req: &HttpRequest,
    state: &AppState,
    token: &str,
) -> Result<HttpResponse, PageError> {
    let token = super::link_token(token)?;
    let found = state
        .db
        .run(move |conn| {
            Ok(match previews::open(conn, &token)? {
                // Rendered here, on the blocking pool, not on the async executor's threads.
                Previewed::Draft(view) => {
                    let html = to_safe_html(&view.letter.body);
                    Ok((*view, html))
                }
                Previewed::Published(slug) => Err(slug),
            })
        })
        .await?;
    match found {
        Ok((view, body_html)) => {
            let t = super::visitor_lang(req, None, &view.letter.language);
            let mut response = render(HttpResponse::Ok(), &PreviewPage { t, view, body_html })?;
            super::vary_by_language(&mut response);
            Ok(response)
        }
        Err(slug) => Ok(crate::web::see_other(format!("/letters/{slug}"))),
    }
}
