//! Lists of signatory organisations to import: parsing a CSV file or plain text into lines, and
//! resolving each line to an organisation (name, country, website, email) or to the reasons a
//! coordinator must review it. Pure: no database; the service (`service::imports`) looks the
//! organisations up and saves them.
//!
//! - **CSV** has a header row naming its columns, in any order and case: `name` (or
//!   `organisation`/`organization`), `country`, `website` (or `url`), `email` (or `e-mail`);
//!   other columns are ignored. The delimiter is `,`, `;` or a tab, whichever the header row
//!   uses most.
//! - **Plain text** has one organisation per line: `Name (Country)`, `Name (the Country)`,
//!   `Name – Country`, `Name - Country`, `Name, Country` or a tab before the country, or a name
//!   alone. A country after a dash, comma or tab counts only when it names a country (or
//!   several: then it is reviewed); otherwise the whole line is the name, with no country. Blank
//!   lines and lines starting with `#` are skipped; a leading bullet (`-`, `*`, `•`) or number
//!   (`1.`, `2)`) and trailing commas or semicolons are dropped.
//!
//! A country is never guessed: one that is missing, unknown or could mean several countries
//! ("Congo") puts its line up for review, with the candidates, until a coordinator chooses one.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::country::{resolve, CountryNames, Resolution};
use super::{CountryCode, EmailAddress, OrgName, Website};

super::string_enum!(
    /// How an import's content is written.
    Format { Csv => "csv", Text => "text" }
);

impl Format {
    /// The format a file name suggests: `.csv` is CSV, anything else plain text.
    pub fn of_file_name(name: &str) -> Format {
        if name.to_ascii_lowercase().ends_with(".csv") {
            Format::Csv
        } else {
            Format::Text
        }
    }
}

/// One line of the content as written, before resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLine {
    /// The line number in the content, from 1 (for CSV, where the record starts).
    pub line: usize,
    /// The line as written (a CSV record's fields joined with ", ").
    pub text: String,
    pub name: String,
    pub country: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
}

/// A country a reviewed line could mean.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Candidate {
    pub code: String,
    pub name: String,
}

/// Why a line needs a coordinator's review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Issue {
    /// `no_country`, `unknown_country`, `ambiguous_country`, `invalid_name`, `invalid_website`
    /// or `invalid_email`.
    #[schema(example = "ambiguous_country")]
    pub code: &'static str,
    pub message: String,
    /// For `ambiguous_country`: the countries it could mean.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<Candidate>,
}

impl Issue {
    fn new(code: &'static str, message: impl Into<String>) -> Issue {
        Issue {
            code,
            message: message.into(),
            candidates: Vec::new(),
        }
    }

    /// Whether choosing a country would settle it.
    pub fn is_country(&self) -> bool {
        matches!(
            self.code,
            "no_country" | "unknown_country" | "ambiguous_country"
        )
    }
}

/// A line resolved to one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: OrgName,
    pub country: CountryCode,
    pub website: Option<Website>,
    pub email: Option<EmailAddress>,
}

impl Entry {
    /// What makes two lines the same organisation (as the directory's unique key does).
    pub fn key(&self) -> (String, String) {
        (self.name.normalized(), self.country.as_str().to_string())
    }
}

/// What a line resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Ready(Entry),
    /// Not imported until a coordinator settles every issue.
    Review(Vec<Issue>),
    /// The same organisation as an earlier line (this line number).
    Duplicate(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub raw: RawLine,
    pub outcome: Outcome,
}

/// Split the content into lines (a message for the `content` field when it cannot be read).
pub fn parse<C: CountryNames>(
    format: Format,
    content: &str,
    countries: &[C],
) -> Result<Vec<RawLine>, String> {
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let lines = match format {
        Format::Csv => parse_csv(content)?,
        Format::Text => content
            .lines()
            .enumerate()
            .filter_map(|(i, line)| parse_text_line(i + 1, line, countries))
            .collect(),
    };
    if lines.is_empty() {
        return Err("holds no organisation".into());
    }
    Ok(lines)
}

/// The CSV delimiter the header row uses most.
fn sniff_delimiter(content: &str) -> u8 {
    let header = content.lines().next().unwrap_or("");
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| (header.bytes().filter(|b| b == d).count(), *d == b','))
        .unwrap_or(b',')
}

fn parse_csv(content: &str) -> Result<Vec<RawLine>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(content))
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(content.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("is not CSV that can be read: {e}"))?
        .clone();
    let column = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
    };
    let name = column(&["name", "organisation", "organization"]).ok_or_else(|| {
        "needs a header row with a name column (and country, website, email as it has them)"
            .to_string()
    })?;
    let country = column(&["country"]);
    let website = column(&["website", "url"]);
    let email = column(&["email", "e-mail"]);
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| match e.position() {
            Some(p) => format!("cannot be read at line {}: {e}", p.line()),
            None => format!("cannot be read: {e}"),
        })?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        let field = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        lines.push(RawLine {
            line: record.position().map_or(0, |p| p.line() as usize),
            text: record.iter().collect::<Vec<_>>().join(", "),
            name: field(Some(name)).unwrap_or_default(),
            country: field(country),
            website: field(website),
            email: field(email),
        });
    }
    Ok(lines)
}

/// Drop a leading bullet (`-`, `*`, `•`, `·`, `–`, `—`) or number (`1.`, `12)`).
fn strip_marker(s: &str) -> &str {
    for bullet in ['-', '*', '•', '·', '–', '—', '+'] {
        if let Some(rest) = s.strip_prefix(bullet) {
            if rest.starts_with(char::is_whitespace) {
                return rest.trim_start();
            }
        }
    }
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=4).contains(&digits) {
        let rest = &s[digits..];
        for mark in ['.', ')'] {
            if let Some(after) = rest.strip_prefix(mark) {
                if after.starts_with(char::is_whitespace) {
                    return after.trim_start();
                }
            }
        }
    }
    s
}

/// `Name (Country)`: the last parenthesised group, matched from the end (so that "Congo
/// (Democratic Republic of the)" stays one country).
fn split_parenthesised(s: &str) -> Option<(&str, &str)> {
    if !s.ends_with(')') {
        return None;
    }
    let mut depth = 0usize;
    for (i, c) in s.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    return Some((s[..i].trim(), s[i + 1..s.len() - 1].trim()));
                }
            }
            _ => {}
        }
    }
    None
}

/// `Name – Country`, `Name - Country`, `Name, Country`, `Name<TAB>Country`: split at the last
/// separator, if what follows names a country (or several).
fn split_separated<'a, C: CountryNames>(s: &'a str, countries: &[C]) -> Option<(&'a str, &'a str)> {
    let (i, sep) = ["\t", " – ", " — ", " - ", ","]
        .iter()
        .filter_map(|sep| s.rfind(sep).map(|i| (i, *sep)))
        .max_by_key(|(i, _)| *i)?;
    let (name, country) = (s[..i].trim(), s[i + sep.len()..].trim());
    if name.is_empty() || country.is_empty() {
        return None;
    }
    // After a comma, two letters are more often a company form than a country ("Acme, SA",
    // "Foo, AG", "Bar, SE"): only a name counts there (and "UK", which is no ISO code).
    let two_letters = country.len() == 2 && country.bytes().all(|b| b.is_ascii_alphabetic());
    if sep == "," && two_letters && !country.eq_ignore_ascii_case("uk") {
        return None;
    }
    match resolve(country, countries) {
        Resolution::Unknown => None,
        _ => Some((name, country)),
    }
}

fn parse_text_line<C: CountryNames>(number: usize, line: &str, countries: &[C]) -> Option<RawLine> {
    let trimmed = line.trim();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    let s = strip_marker(trimmed)
        .trim_end_matches(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .trim();
    if s.is_empty() {
        return None;
    }
    let (name, country) = match split_parenthesised(s) {
        Some((name, country)) => (name, Some(country)),
        None => match split_separated(s, countries) {
            Some((name, country)) => (name, Some(country)),
            None => (s, None),
        },
    };
    Some(RawLine {
        line: number,
        text: trimmed.to_string(),
        name: name.to_string(),
        country: country.filter(|c| !c.is_empty()).map(str::to_string),
        website: None,
        email: None,
    })
}

/// Resolve every line: its country (a coordinator's choice in `overrides`, by line number,
/// wins over what the line says), name, website and email; a later line naming the same
/// organisation as an earlier one is its duplicate.
pub fn resolve_lines<C: CountryNames>(
    raw: Vec<RawLine>,
    countries: &[C],
    overrides: &BTreeMap<usize, CountryCode>,
) -> Vec<Line> {
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    raw.into_iter()
        .map(|raw| {
            let mut issues = Vec::new();
            let name = OrgName::parse(&raw.name)
                .map_err(|e| issues.push(Issue::new("invalid_name", format!("the name {e}"))))
                .ok();
            let country = match (overrides.get(&raw.line), raw.country.as_deref()) {
                (Some(code), _) => Some(code.clone()),
                (None, None) => {
                    issues.push(Issue::new("no_country", "no country is given: choose one"));
                    None
                }
                (None, Some(text)) => match resolve(text, countries) {
                    Resolution::Found(c) => CountryCode::parse(c.code()).ok(),
                    Resolution::Unknown => {
                        issues.push(Issue::new(
                            "unknown_country",
                            format!("{text:?} is not a country this service knows: choose one"),
                        ));
                        None
                    }
                    Resolution::Ambiguous(found) => {
                        let candidates: Vec<Candidate> = found
                            .iter()
                            .map(|c| Candidate {
                                code: c.code().to_string(),
                                name: c.name().to_string(),
                            })
                            .collect();
                        let listed = candidates
                            .iter()
                            .map(|c| format!("{} ({})", c.code, c.name))
                            .collect::<Vec<_>>()
                            .join(" or ");
                        issues.push(Issue {
                            code: "ambiguous_country",
                            message: format!("{text:?} could mean {listed}: choose one"),
                            candidates,
                        });
                        None
                    }
                },
            };
            let website = raw.website.as_deref().and_then(|w| {
                Website::parse(w)
                    .map_err(|e| {
                        issues.push(Issue::new("invalid_website", format!("the website {e}")))
                    })
                    .ok()
            });
            let email = raw.email.as_deref().and_then(|m| {
                EmailAddress::parse(m)
                    .map_err(|e| issues.push(Issue::new("invalid_email", format!("the email {e}"))))
                    .ok()
            });
            let outcome = match (name, country) {
                (Some(name), Some(country)) if issues.is_empty() => {
                    let entry = Entry {
                        name,
                        country,
                        website,
                        email,
                    };
                    match seen.get(&entry.key()) {
                        Some(first) => Outcome::Duplicate(*first),
                        None => {
                            seen.insert(entry.key(), raw.line);
                            Outcome::Ready(entry)
                        }
                    }
                }
                _ => Outcome::Review(issues),
            };
            Line { raw, outcome }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso() -> Vec<rust_iso3166::CountryCode> {
        rust_iso3166::ALL.to_vec()
    }

    fn text(content: &str) -> Vec<Line> {
        let all = iso();
        let raw = parse(Format::Text, content, &all).unwrap();
        resolve_lines(raw, &all, &BTreeMap::new())
    }

    fn ready(line: &Line) -> (&str, &str) {
        match &line.outcome {
            Outcome::Ready(e) => (e.name.as_str(), e.country.as_str()),
            other => panic!("line {} {:?}: {other:?}", line.raw.line, line.raw.text),
        }
    }

    fn issue_codes(line: &Line) -> Vec<&'static str> {
        match &line.outcome {
            Outcome::Review(issues) => issues.iter().map(|i| i.code).collect(),
            other => panic!("line {}: {other:?}", line.raw.line),
        }
    }

    #[test]
    fn text_lines_take_their_country_in_every_usual_form() {
        let lines = text(
            "# signatories as of 1 December\n\
             \n\
             Access Now (US)\n\
             - Bits of Freedom (the Netherlands)\n\
             2. Privacy International (UK),\n\
             * La Quadrature du Net – France\n\
             epicenter.works - Austria\n\
             Digitalcourage, germany\n\
             Iuridicum Remedium\tCzech Republic\n\
             Friends of the Congo (Congo (Democratic Republic of the))\n\
             Electronic Frontier Foundation (EFF) (the United States of America);\n\
             Homo Digitalis (GRC)\n\
             • Sursiendo (Côte d’Ivoire)\n",
        );
        let got: Vec<(&str, &str)> = lines.iter().map(ready).collect();
        assert_eq!(
            got,
            vec![
                ("Access Now", "US"),
                ("Bits of Freedom", "NL"),
                ("Privacy International", "GB"),
                ("La Quadrature du Net", "FR"),
                ("epicenter.works", "AT"),
                ("Digitalcourage", "DE"),
                ("Iuridicum Remedium", "CZ"),
                ("Friends of the Congo", "CD"),
                ("Electronic Frontier Foundation (EFF)", "US"),
                ("Homo Digitalis", "GR"),
                ("Sursiendo", "CI"),
            ]
        );
        assert_eq!(lines[0].raw.line, 3, "numbers count skipped lines");
        assert_eq!(lines[2].raw.text, "2. Privacy International (UK),");
    }

    #[test]
    fn unresolved_countries_are_reviewed_never_guessed() {
        let lines = text(
            "Rights Watch (Congo)\n\
             Atlantis Institute (Atlantis)\n\
             Nameless Network\n\
             Foo, Inc.\n\
             Open Rights - Korea\n\
             (France)\n\
             Acme, SA\n",
        );
        assert_eq!(issue_codes(&lines[0]), ["ambiguous_country"]);
        match &lines[0].outcome {
            Outcome::Review(issues) => {
                let codes: Vec<&str> = issues[0]
                    .candidates
                    .iter()
                    .map(|c| c.code.as_str())
                    .collect();
                assert!(codes.contains(&"CG") && codes.contains(&"CD"), "{codes:?}");
                assert!(issues[0].message.contains("\"Congo\""));
            }
            _ => unreachable!(),
        }
        assert_eq!(issue_codes(&lines[1]), ["unknown_country"]);
        assert_eq!(issue_codes(&lines[2]), ["no_country"]);
        // "Inc." is no country: the whole line is the name, and it has none.
        assert_eq!(lines[3].raw.name, "Foo, Inc.");
        assert_eq!(issue_codes(&lines[3]), ["no_country"]);
        assert_eq!(issue_codes(&lines[4]), ["ambiguous_country"]);
        assert_eq!(issue_codes(&lines[5]), ["invalid_name"]);
        // Not Saudi Arabia: two letters after a comma are a company form.
        assert_eq!(lines[6].raw.name, "Acme, SA");
        assert_eq!(issue_codes(&lines[6]), ["no_country"]);
    }

    #[test]
    fn overrides_settle_a_line_and_duplicates_point_at_the_first() {
        let all = iso();
        let raw = parse(
            Format::Text,
            "Rights Watch (Congo)\nAccess Now (US)\naccess now (USA)\nLone Org\n",
            &all,
        )
        .unwrap();
        let mut overrides = BTreeMap::new();
        overrides.insert(1, CountryCode::parse("cd").unwrap());
        let lines = resolve_lines(raw, &all, &overrides);
        assert_eq!(ready(&lines[0]), ("Rights Watch", "CD"));
        assert_eq!(ready(&lines[1]), ("Access Now", "US"));
        assert_eq!(lines[2].outcome, Outcome::Duplicate(2));
        assert_eq!(issue_codes(&lines[3]), ["no_country"]);
    }

    #[test]
    fn csv_columns_are_found_by_name_in_any_order_and_case() {
        let all = iso();
        let content = "Email;Extra;NAME;Country;Website\n\
                       office@bof.example;x;Bits of Freedom;the Netherlands;bof.nl\n\
                       ;;;;\n\
                       not-an-email;y;Access Now;USA;not a website\n\
                       ;;EDRi;;\n";
        let raw = parse(Format::Csv, content, &all).unwrap();
        assert_eq!(raw.len(), 3);
        assert_eq!(raw[0].line, 2);
        assert_eq!(raw[2].line, 5);
        let lines = resolve_lines(raw, &all, &BTreeMap::new());
        match &lines[0].outcome {
            Outcome::Ready(e) => {
                assert_eq!(e.country.as_str(), "NL");
                assert_eq!(e.website.as_ref().unwrap().as_str(), "https://bof.nl/");
                assert_eq!(e.email.as_ref().unwrap().as_str(), "office@bof.example");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(issue_codes(&lines[1]), ["invalid_website", "invalid_email"]);
        assert_eq!(issue_codes(&lines[2]), ["no_country"]);
    }

    #[test]
    fn csv_needs_a_name_column_and_content_needs_a_line() {
        let all = iso();
        let err = parse(Format::Csv, "country,website\nFR,x.org\n", &all).unwrap_err();
        assert!(err.contains("name column"), "{err}");
        assert!(parse(Format::Text, "# only a comment\n\n", &all).is_err());
        assert!(parse(Format::Csv, "name,country\n", &all).is_err());
        let quoted = parse(
            Format::Csv,
            "name,country\n\"Doe, Smith & Partners\",FR\n",
            &all,
        )
        .unwrap();
        assert_eq!(quoted[0].name, "Doe, Smith & Partners");
    }

    #[test]
    fn formats_follow_file_names() {
        assert_eq!(Format::of_file_name("list.CSV"), Format::Csv);
        assert_eq!(Format::of_file_name("list.txt"), Format::Text);
        assert_eq!("csv".parse::<Format>(), Ok(Format::Csv));
    }
}
