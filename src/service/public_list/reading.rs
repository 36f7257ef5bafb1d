//! Reading a letter's public list: its orders, cursors and pages, and the list grouped by
//! country.

#[allow(unused_imports)]
use super::*;

/// The two orders of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// By country code, then organisation name.
    #[default]
    Country,
    /// By the time each signature was published, oldest first.
    SignedAt,
}

/// Where a page of a list ends: the sort key of its last row. Opaque to clients (URL-safe
/// base64 of JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cursor {
    Country(String, String, String),
    SignedAt(NaiveDateTime, String),
}

impl Cursor {
    pub fn after(row: &PublicSignatory, order: Order) -> Cursor {
        match order {
            Order::Country => Cursor::Country(
                row.country_code.clone(),
                row.sort_name.clone(),
                row.signature_id.clone(),
            ),
            Order::SignedAt => Cursor::SignedAt(row.signed_at, row.signature_id.clone()),
        }
    }

    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).expect("a cursor serialises");
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    /// Decode a cursor made for `order`.
    pub fn decode(text: &str, order: Order) -> Result<Cursor, String> {
        let bad = || "is not a cursor from this list".to_string();
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|_| bad())?;
        let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| bad())?;
        match (&cursor, order) {
            (Cursor::Country(..), Order::Country) | (Cursor::SignedAt(..), Order::SignedAt) => {
                Ok(cursor)
            }
            _ => Err("was made for the other order".into()),
        }
    }
}

/// Which part of a list to read.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub order: Order,
    pub country: Option<String>,
    /// Only signatories published at or after this time.
    pub since: Option<NaiveDateTime>,
    pub after: Option<Cursor>,
}

/// How many of a letter's signatories one country (or every country) has that were published at
/// or after `since`: the `total` of a list read with `?since=`.
pub fn count_since(
    conn: &mut DbConnection,
    letter_id: &str,
    country: Option<&str>,
    since: NaiveDateTime,
) -> Result<i64, AppError> {
    use public_signatories::dsl as p;
    let mut q = p::public_signatories
        .filter(p::letter_id.eq(letter_id))
        .filter(p::signed_at.ge(since))
        .into_boxed::<MultiBackend>();
    if let Some(country) = country {
        q = q.filter(p::country_code.eq(country.to_string()));
    }
    Ok(q.count().get_result(conn)?)
}

/// Up to `limit` rows of a letter's list, after the cursor.
pub fn page(
    conn: &mut DbConnection,
    letter_id: &str,
    query: &ListQuery,
    limit: i64,
) -> Result<Vec<PublicSignatory>, AppError> {
    use public_signatories::dsl as p;
    let mut q = p::public_signatories
        .filter(p::letter_id.eq(letter_id))
        .select(PublicSignatory::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(country) = &query.country {
        q = q.filter(p::country_code.eq(country.clone()));
    }
    if let Some(since) = query.since {
        q = q.filter(p::signed_at.ge(since));
    }
    // Row-value comparisons, which both backends answer with one index range scan (a chain of
    // ORs makes PostgreSQL filter the whole letter on every page).
    q = match &query.after {
        Some(Cursor::Country(country, name, id)) => q.filter(
            sql::<Bool>(
                "(public_signatories.country_code, public_signatories.sort_name, \
                 public_signatories.signature_id) > (",
            )
            .bind::<Text, _>(country.clone())
            .sql(", ")
            .bind::<Text, _>(name.clone())
            .sql(", ")
            .bind::<Text, _>(id.clone())
            .sql(")"),
        ),
        Some(Cursor::SignedAt(at, id)) => q.filter(
            sql::<Bool>("(public_signatories.signed_at, public_signatories.signature_id) > (")
                .bind::<Timestamp, _>(*at)
                .sql(", ")
                .bind::<Text, _>(id.clone())
                .sql(")"),
        ),
        None => q,
    };
    q = match query.order {
        Order::Country => q.order((
            p::country_code.asc(),
            p::sort_name.asc(),
            p::signature_id.asc(),
        )),
        Order::SignedAt => q.order((p::signed_at.asc(), p::signature_id.asc())),
    };
    Ok(q.limit(limit).load(conn)?)
}

/// One country's heading in a list grouped by country: its count and the signatories listed
/// under it.
#[derive(Debug, Clone)]
pub struct CountryGroup {
    pub code: String,
    pub name: String,
    pub count: i64,
    pub signatories: Vec<PublicSignatory>,
}

/// The first `limit` signatories of a letter grouped by country, the countries in name order
/// (the letter page, the printable page and the delivery mail list them so). Counts come from
/// `summary`, so a group may hold fewer names than its count when the list is cut.
pub fn by_country(
    conn: &mut DbConnection,
    letter_id: &str,
    summary: &ListSummary,
    limit: i64,
) -> Result<Vec<CountryGroup>, AppError> {
    let rows = page(conn, letter_id, &ListQuery::default(), limit)?;
    let mut groups: Vec<CountryGroup> = Vec::new();
    for row in rows {
        match groups.last_mut() {
            Some(g) if g.code == row.country_code => g.signatories.push(row),
            _ => {
                let counted = summary
                    .countries
                    .iter()
                    .find(|c| c.code == row.country_code);
                groups.push(CountryGroup {
                    code: row.country_code.clone(),
                    name: counted.map(|c| c.name.clone()).unwrap_or_default(),
                    count: counted.map_or(0, |c| c.count),
                    signatories: vec![row],
                });
            }
        }
    }
    groups.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(groups)
}
