//! Citable snapshots: `…/signatories?version=N` (JSON, or CSV) answers the list as it was at its
//! version `N`, rebuilt from the letter's ledger (`service::public_list::snapshot`). A version is
//! what the list JSON, the CSV's `Link: rel="cite-as"` and the letter page give to cite; what it
//! names never changes, so a snapshot is cached like every public read.

use actix_web::http::header;

use super::rows::{encode, Format, CSV_HEADER};
use super::{ListParams, SignatoryJson, SignatoryPage};
use crate::api::extract::LetterData;
use crate::api::Reply;
use crate::error::{AppError, FieldCollector};
use crate::http::caching::Validators;
use crate::service::public_list::snapshot;

/// The snapshot at `version` of the letter `slug`, as JSON or CSV.
pub(super) async fn respond(
    letter: &LetterData,
    params: &ListParams,
    version: i64,
    csv: bool,
) -> Reply {
    let country = check(params, csv)?;
    let (req, state, slug) = (&letter.req, &letter.state, &letter.slug);
    let v = letter.version().await?;
    let format = if csv { "csv" } else { "json" };
    let validators = Validators::of(
        &[
            "snapshot",
            &v.letter_id,
            &version.to_string(),
            format,
            &format!("{country:?}|{:?}", params.bom),
        ],
        v.last_modified,
    );
    if let Some(not_modified) = validators.not_modified(req) {
        // A snapshot never changes, but the version must exist: only one seen before is fresh.
        if version <= v.version {
            return Ok(not_modified);
        }
    }
    let letter_id = v.letter_id.clone();
    let bom = params.bom == Some(true);
    // Where the columns are described, and the licence (`api::datapackage`).
    let data_links = (
        header::LINK,
        crate::api::datapackage::data_links(state, slug),
    );
    let cached = state
        .responses
        .get_or_render(&validators.key(), async {
            let wanted = country.clone();
            let found = (state.db)
                .run(move |conn| snapshot::at_version(conn, &letter_id, version, wanted.as_deref()))
                .await?;
            let countries = super::rows::country_columns(&state.countries.get(&state.db).await?);
            if csv {
                let mut body = if bom { "\u{feff}" } else { "" }.to_string().into_bytes();
                body.extend_from_slice(CSV_HEADER.as_bytes());
                body.extend_from_slice(&encode(found.rows, &Format::Csv(countries), true));
                let disposition = format!(
                    "inline; filename=\"{}-signatories-version-{}.csv\"",
                    v.slug, found.version
                );
                return Ok(crate::http::cache::Rendered {
                    headers: vec![(header::CONTENT_DISPOSITION, disposition), data_links],
                    ..crate::http::cache::Rendered::new("text/csv; charset=utf-8", body)
                });
            }
            let page = SignatoryPage {
                letter: v.slug.clone(),
                version: found.version,
                total: found.rows.len() as i64,
                items: (found.rows.into_iter())
                    .map(|row| SignatoryJson::new(row, &countries))
                    .collect(),
                next_cursor: None,
                ledger_length: Some(found.ledger_length),
                licence: state.data_licence.clone(),
            };
            Ok(crate::http::cache::Rendered {
                headers: vec![data_links.clone()],
                ..crate::http::cache::Rendered::json(&page)?
            })
        })
        .await?;
    Ok(validators.respond_cached(req, &cached))
}

/// A snapshot is one whole list: of one country at most, never paged, ordered or filtered by
/// time. Returns the country asked for.
fn check(params: &ListParams, csv: bool) -> Result<Option<String>, AppError> {
    let mut errors = FieldCollector::new();
    let alone = "cannot be combined with version (a snapshot is the whole list as it was)";
    for (field, given) in [
        ("order", params.order.is_some()),
        ("since", params.since.is_some()),
        ("cursor", params.cursor.is_some()),
        ("limit", params.limit.is_some()),
        ("all", params.all.is_some()),
    ] {
        if given {
            errors.add(field, alone);
        }
    }
    if params.bom.is_some() && !csv {
        errors.add("bom", "only for CSV (Accept: text/csv)");
    }
    let country = errors
        .optional(
            "country",
            params.country.as_deref(),
            crate::domain::CountryCode::parse,
        )
        .map(|c| c.as_str().to_string());
    errors.finish()?;
    Ok(country)
}
