//! `/` (open letters), `/letters/{slug}` (the letter, its signatories by country, the sign form)
//! and the form post that signs.

use crate::http::state::After;
use crate::web::PathParam;
use crate::web::{Limited, PageReply, Visit};
use std::sync::Arc;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::LangParam;
use crate::db::models::Country;
use crate::domain::ledger::Head;
use crate::error::{AppError, FieldErrors};
use crate::http::cache::Rendered;
use crate::http::{rate_limit::Limits, AppState};
use crate::i18n::{Lang, NamedCountry};
use crate::service::access::Actor;
use crate::service::letters::{self, Audience, LetterFilter, LetterView};
use crate::service::public_list::{self, CountryGroup, ListSummary};
use crate::service::signatures::{self, SignFields};
use crate::service::versions;
use crate::service::PageRequest;
use crate::web::csrf::{self, Csrf};
use crate::web::{render, PageError};

mod page;
use page::*;

pub fn routes(cfg: &mut web::ServiceConfig, limits: &Limits) {
    mount!(cfg, {
        "/" => web::get().to(index);
        "/letters/{slug}" => web::get().to(show);
        "/letters/{slug}/signed" => web::get().to(signed);
        "/letters/{slug}/countries/{code}" => web::get().to(country);
        // Per IP here; per letter in the handler (`AppState::signing_allowed`).
        "/letters/{slug}/sign" => Limited(&limits.sign, web::post().to(sign));
    });
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    letters: Vec<LetterView>,
}

async fn index(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let page = state
        .db
        .run(|conn| {
            letters::list(
                conn,
                &LetterFilter::default(),
                Audience::Public,
                PageRequest {
                    page: 1,
                    per_page: PageRequest::MAX_PER_PAGE,
                },
            )
        })
        .await?;
    render(
        HttpResponse::Ok(),
        &IndexPage {
            letters: page.items,
        },
    )
}

async fn show(Visit { req, state }: Visit, slug: PathParam, query: LangParam) -> PageReply {
    let slug = slug.into_inner();
    let lang = query.into_inner().lang.to_ascii_lowercase();
    let asked = Some(lang.as_str()).filter(|l| !l.is_empty());
    // The sign form is checked by origin, with no per-visitor token: one page for every reader
    // of one language, and of one text language.
    let cached = CachedPage {
        kind: "page",
        slug: &slug,
        variant: &lang,
        asked,
    };
    let (text_slug, text_lang, req, state) = (slug.clone(), lang.clone(), &req, &state);
    cached
        .serve(req, state, |t| async move {
            // The text in the language asked for, else in the interface's, else its own.
            let data = public_page(state, text_slug, [text_lang, t.code().to_string()]).await?;
            let form = SignFields {
                language: data
                    .reading
                    .as_ref()
                    .map(|r| r.language.clone())
                    .unwrap_or_default(),
                ..SignFields::default()
            };
            let countries = state.countries.get(&state.db).await?;
            let csrf = Csrf::for_request(req, state);
            let page = letter_page(
                t,
                (&state.public_url, &state.data_licence),
                data,
                &countries,
                form,
                FieldErrors::new(),
                csrf.token,
            );
            Ok(page)
        })
        .await
}

/// A public page of one letter served from memory: the same bytes for every reader of one
/// language, rendered once per letter version, list version, interface language and `variant`
/// (what else the page depends on), and sent with `Vary` on the language (issue 19).
struct CachedPage<'a> {
    /// The page's name in the cache's key.
    kind: &'a str,
    slug: &'a str,
    variant: &'a str,
    /// The interface language asked for in the address, if any.
    asked: Option<&'a str>,
}

impl CachedPage<'_> {
    /// The cached page, or the one `render` draws in the visitor's language.
    async fn serve<P, F, Fut>(
        &self,
        req: &HttpRequest,
        state: &AppState,
        render: F,
    ) -> Result<HttpResponse, PageError>
    where
        P: Template,
        F: FnOnce(Lang) -> Fut,
        Fut: std::future::Future<Output = Result<P, AppError>>,
    {
        let v = state.versions.get(&state.db, self.slug).await?;
        let t = super::visitor_lang(req, self.asked, &v.language);
        let cache_key = format!(
            "{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}",
            self.kind,
            v.letter_id,
            v.updated_at,
            v.version,
            v.ledger_length,
            self.variant,
            t.code()
        );
        let rendered =
            async { Ok(Rendered::page(&render(t).await?)?.modified_at(v.last_modified)) };
        let mut response =
            crate::http::caching::serve_own(req, &state.responses, &cache_key, rendered).await?;
        super::vary_by_language(&mut response);
        Ok(response)
    }
}

/// The letter's public page data with its text in the first of `wanted` it has, else in its own.
async fn public_page(
    state: &AppState,
    slug: String,
    wanted: [String; 2],
) -> Result<letters::PublicPage, AppError> {
    let key = state.ledger.clone();
    (state.db)
        .run(move |conn| letters::public_page(conn, &key, &slug, &[&wanted[0], &wanted[1]]))
        .await
}

/// One country's signatories of a letter, `letters::PAGE_LISTS` at a time: the way to the rest of a list
/// too long for the letter page (issue 19).
#[derive(Template)]
#[template(path = "letter_country.html")]
struct CountryPage {
    view: LetterView,
    country: public_list::CountryCount,
    total: i64,
    signatories: Vec<crate::db::models::PublicSignatory>,
    versions: Vec<(String, i32)>,
    /// Whether this is the country's first page.
    first: bool,
    /// The cursor of the next page, if there is one.
    next: Option<String>,
    per_page: i64,
    /// The interface's language.
    t: Lang,
}

impl CountryPage {
    fn heading(&self) -> String {
        self.t
            .with1("country-heading", "country", &self.country.name)
    }

    fn count(&self) -> String {
        let args = [
            ("count", self.country.count.into()),
            ("total", self.total.into()),
        ];
        self.t.with("country-count", &args)
    }
}

impl ListsSignatories for CountryPage {
    fn view(&self) -> &LetterView {
        &self.view
    }
    fn versions(&self) -> &[(String, i32)] {
        &self.versions
    }
}

#[derive(Deserialize)]
struct AfterQuery {
    #[serde(default)]
    after: String,
}

async fn country(
    Visit { req, state }: Visit,
    path: web::Path<(String, String)>,
    query: web::Query<AfterQuery>,
) -> PageReply {
    let (slug, code) = path.into_inner();
    let code = crate::domain::country::CountryCode::parse(&code)
        .map_err(|_| AppError::not_found(format!("country {code:?}")))?
        .as_str()
        .to_string();
    let after = query.into_inner().after;
    let cursor = match after.as_str() {
        "" => None,
        text => Some(
            public_list::Cursor::decode(text, public_list::Order::Country)
                .map_err(|e| AppError::field("after", e))?,
        ),
    };
    let variant = format!("{code}\u{0}{after}");
    let cached = CachedPage {
        kind: "country",
        slug: &slug.clone(),
        variant: &variant,
        asked: None,
    };
    let state = &state;
    cached
        .serve(&req, state, |t| async move {
            (state.db)
                .run(move |conn| load_country(conn, &slug, &code, cursor, t))
                .await
        })
        .await
}

fn load_country(
    conn: &mut crate::db::DbConnection,
    slug: &str,
    code: &str,
    after: Option<public_list::Cursor>,
    t: Lang,
) -> Result<CountryPage, AppError> {
    let view = letters::find(conn, slug, Audience::Public)?;
    let summary = public_list::summary(conn, &view.letter.id)?;
    let mut country = summary
        .countries
        .iter()
        .find(|c| c.code == code)
        .cloned()
        .ok_or_else(|| AppError::not_found(format!("signatories from {code} on this letter")))?;
    country.name = t.country_names().name(&country.code, &country.name);
    let first = after.is_none();
    let query = public_list::ListQuery {
        country: Some(code.to_string()),
        after,
        ..Default::default()
    };
    let mut signatories =
        public_list::page(conn, &view.letter.id, &query, letters::PAGE_LISTS + 1)?;
    let next = if signatories.len() as i64 > letters::PAGE_LISTS {
        signatories.truncate(letters::PAGE_LISTS as usize);
        signatories
            .last()
            .map(|last| public_list::Cursor::after(last, public_list::Order::Country).encode())
    } else {
        None
    };
    let (_, history) = versions::list(conn, &Actor::Public, &view.letter.id)?;
    Ok(CountryPage {
        view,
        country,
        total: summary.total,
        signatories,
        versions: history
            .into_iter()
            .map(|v| (v.text_hash, v.version))
            .collect(),
        first,
        next,
        per_page: letters::PAGE_LISTS,
        t,
    })
}

/// The sign form as posted: the fields of [`SignFields`], the CSRF token, a checkbox.
#[derive(Debug, Deserialize)]
pub struct SignForm {
    #[serde(default)]
    organisation_name: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    representative_name: String,
    #[serde(default)]
    representative_role: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    comment: String,
    consent: Option<String>,
    #[serde(default)]
    language: String,
    /// The interface's language the form was shown in: the answer keeps it.
    #[serde(default)]
    interface: String,
    #[serde(default)]
    csrf_token: String,
    /// The honeypot: hidden from people (CSS, `tabindex=-1`, labelled "leave empty"), filled
    /// by bots that fill every field. When filled, the answer is a success's, but nothing is
    /// stored or sent.
    #[serde(default)]
    fax: String,
}

impl SignForm {
    fn fields(&self) -> SignFields {
        SignFields {
            organisation_name: self.organisation_name.clone(),
            country: self.country.clone(),
            website: self.website.clone(),
            representative_name: self.representative_name.clone(),
            representative_role: self.representative_role.clone(),
            email: self.email.clone(),
            comment: self.comment.clone(),
            consent: self.consent.is_some(),
            language: self.language.clone(),
            interface: self.interface.clone(),
        }
    }
}

async fn sign(
    Visit { req, state }: Visit,
    slug: PathParam,
    form: web::Form<SignForm>,
) -> PageReply {
    csrf::verify(&req, &form.csrf_token)?;
    let slug = slug.into_inner();
    state.signing_allowed(&slug).await?;
    let fields = form.fields();
    let t = super::visitor_lang(&req, Some(form.interface.as_str()), "");
    let signed = format!("/letters/{slug}/signed?lang={}", t.code());
    let all = state.countries.get(&state.db).await?;
    let trapped = !form.fax.trim().is_empty();
    let network = crate::http::rate_limit::client_network(&req, &state.key);
    let result = {
        let (slug, fields, all) = (slug.clone(), fields.clone(), all.clone());
        let policy = state.signing.clone();
        state
            .command(
                move |conn, keys| {
                    let mut input = fields.parse(&all)?;
                    if trapped {
                        return signatures::trap(conn, &slug);
                    }
                    input.network = network;
                    signatures::sign(conn, &keys.tokens, &policy, &slug, input)
                },
                |outcome| match outcome {
                    signatures::SignOutcome::Trapped => After::nothing(),
                    _ => After::nothing().and_mail(),
                },
            )
            .await
    };
    match result {
        Ok(signatures::SignOutcome::Trapped) => {
            state.metrics.signed(&signatures::SignOutcome::Trapped);
            let hits = 1 + state
                .honeypot_hits
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            tracing::warn!(
                honeypot_hits = hits,
                "a sign form came with its honeypot field filled: nothing stored or sent"
            );
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, signed.as_str()))
                .finish())
        }
        Ok(outcome) => {
            tracing::info!(?outcome, "sign request");
            state.metrics.signed(&outcome);
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, signed.as_str()))
                .finish())
        }
        Err(AppError::Validation(errors)) => {
            let wanted = [fields.language.clone(), t.code().to_string()];
            let data = public_page(&state, slug, wanted).await?;
            let page = letter_page(
                t,
                (&state.public_url, &state.data_licence),
                data,
                &all,
                fields,
                errors,
                form.csrf_token.clone(),
            );
            render(HttpResponse::UnprocessableEntity(), &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// The neutral answer after signing: the same whatever happened.
async fn signed(Visit { req, state }: Visit, slug: PathParam, query: LangParam) -> PageReply {
    let slug = slug.into_inner();
    let view = {
        let slug = slug.clone();
        state
            .db
            .run(move |conn| letters::find(conn, &slug, Audience::Public))
            .await?
    };
    let t = super::visitor_lang(&req, Some(&query.lang), &view.letter.language);
    let link = format!("/letters/{slug}?lang={}", t.code());
    render(
        HttpResponse::Ok(),
        &crate::web::MessagePage {
            lang: t.code(),
            title: &t.get("check-email-title"),
            message: &t.with1("check-email", "title", &view.letter.title),
            link: Some((&link, &t.get("back-to-letter"))),
        },
    )
}
