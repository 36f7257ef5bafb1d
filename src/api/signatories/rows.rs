//! How a list's rows are written: JSON items or CSV records, and the whole list streamed in
//! keyset chunks.

use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::web::Bytes;
use chrono::SecondsFormat;

use super::SignatoryJson;
use crate::api::utc;
use crate::db::models::PublicSignatory;
use crate::db::Db;
use crate::domain::spreadsheet;
use crate::service::public_list::{self, Cursor, ListQuery};

/// Rows read per database round trip while streaming a whole list.
const STREAM_CHUNK: i64 = 2_000;

pub const CSV_HEADER: &str = "name,slug,country_code,country_name,website,verification,signed_at,\
                              text_hash,verified_domain,country_alpha3\n";

/// A country's name and ISO alpha-3 code, by its alpha-2 code: how list rows name it (JSON the
/// name, CSV both).
pub type CountryColumns = BTreeMap<String, (String, String)>;

#[derive(Clone)]
pub enum Format {
    Json(Arc<CountryColumns>),
    Csv(Arc<CountryColumns>),
}

/// The countries as list rows name them.
pub fn country_columns(countries: &[crate::db::models::Country]) -> Arc<CountryColumns> {
    Arc::new(
        (countries.iter())
            .map(|c| (c.code.clone(), (c.name.clone(), c.alpha3.clone())))
            .collect(),
    )
}

pub fn encode(rows: Vec<PublicSignatory>, format: &Format, first: bool) -> Bytes {
    match format {
        Format::Json(countries) => crate::api::streaming::json_items(
            rows.into_iter()
                .map(|row| SignatoryJson::new(row, countries)),
            first,
        ),
        Format::Csv(countries) => {
            let mut writer = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::with_capacity(rows.len() * 200));
            for row in rows {
                let (country_name, alpha3) =
                    (countries.get(&row.country_code).cloned()).unwrap_or_default();
                let signed_at = utc(row.signed_at).to_rfc3339_opts(SecondsFormat::Micros, true);
                let verified_domain = crate::domain::verification::verified_domain(
                    &row.verification,
                    row.website.as_deref(),
                );
                writer
                    // Issue 18, finding 6: every cell, the country's name too.
                    .write_record(spreadsheet::row([
                        row.organisation_name,
                        row.organisation_slug,
                        row.country_code,
                        country_name,
                        row.website.unwrap_or_default(),
                        row.verification,
                        signed_at,
                        row.text_hash,
                        verified_domain.unwrap_or_default(),
                        // Last, not to move the columns before it: a code no CSV reader takes
                        // for a missing value (pandas reads Namibia's NA as one; NAM it keeps).
                        alpha3,
                    ]))
                    .expect("writing to memory");
            }
            Bytes::from(writer.into_inner().expect("writing to memory"))
        }
    }
}

/// The whole list, read in keyset chunks so memory stays flat whatever its length.
pub fn stream_rows(
    db: Db,
    letter_id: String,
    query: ListQuery,
    format: Format,
    prefix: String,
    suffix: String,
) -> impl futures_util::Stream<Item = Result<Bytes, actix_web::Error>> {
    let mut after = query.after.clone();
    let mut done = false;
    let read = move || {
        if done {
            return Ok(Vec::new());
        }
        let chunk_query = ListQuery {
            after: after.clone(),
            ..query.clone()
        };
        let mut conn = db.get()?;
        let rows = public_list::page(&mut conn, &letter_id, &chunk_query, STREAM_CHUNK)?;
        done = (rows.len() as i64) < STREAM_CHUNK;
        after = rows.last().map(|r| Cursor::after(r, query.order));
        Ok(rows)
    };
    crate::api::streaming::pipeline(
        read,
        move |rows, first| encode(rows, &format, first),
        prefix,
        suffix,
    )
}
