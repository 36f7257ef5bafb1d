//! Embeddable pictures: a badge with a letter's count (`/letters/{slug}/badge.svg`) and a bar
//! chart of its signatories by country (`/letters/{slug}/chart.svg`, shown on the letter page).
//! Both are SVG from askama templates (escaped), drawn once per list version (and language) and
//! served from memory, with the API's validators. The chart speaks the language `?lang=` names
//! (the letter page asks for its own), with everyday country names; English by default.

use actix_web::web;
use askama::Template;
use serde::Deserialize;

use super::extract::{ApiQuery, LetterData};
use super::Reply;
use crate::error::AppError;
use crate::http::cache::Rendered;
use crate::i18n::Lang;
use crate::service::public_list::{self, CountryCount, ListSummary};

pub fn routes(cfg: &mut web::ServiceConfig) {
    // Other sites may embed and fetch them (CORS like the API's reads).
    cfg.service(
        web::resource("/letters/{slug}/badge.svg")
            .wrap(crate::http::cors())
            .route(web::get().to(badge)),
    )
    .service(
        web::resource("/letters/{slug}/chart.svg")
            .wrap(crate::http::cors())
            .route(web::get().to(chart)),
    );
}

/// Countries drawn as bars; the rest are summed in one bar.
const CHART_BARS: usize = 20;

#[derive(Template)]
#[template(path = "pictures/badge.svg")]
struct Badge {
    label: &'static str,
    value: String,
    label_width: u32,
    value_width: u32,
}

struct Bar {
    /// The country's name, shortened to fit the label column.
    label: String,
    /// The full name, as a tooltip.
    name: String,
    count: i64,
    y: u32,
    width: u32,
}

#[derive(Template)]
#[template(path = "pictures/chart.svg")]
struct Chart {
    title: String,
    bars: Vec<Bar>,
    /// The countries past the bars, summed as words, not as a bar: a bar for the sum would be
    /// drawn on the scale of one country and mislead (issue 23, item 8).
    rest: Option<String>,
    /// The whole chart as one sentence, for `<desc>` (screen readers read it; the bars' own
    /// titles are hidden behind `role="img"`).
    description: String,
    height: u32,
}

/// A text's width in the badge's 11 px font, roughly.
fn text_width(text: &str) -> u32 {
    10 + 7 * text.chars().count() as u32
}

/// The chart's language: `?lang=`, one of the interface's (an unknown one reads as English).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PictureParams {
    /// The chart's language: `en` (the default), `fr`, `de` or `es`. Its title and the
    /// countries' everyday names are in it.
    lang: Option<String>,
}

/// A picture of a letter's list, drawn once per list version and language and served from
/// memory (`cache::ResponseCache`), with its validators.
async fn picture(
    letter: LetterData,
    name: &'static str,
    lang: Lang,
    draw: fn(&ListSummary, Lang) -> Result<String, askama::Error>,
) -> Reply {
    let v = letter.version().await?;
    let validators = v.of_list(name, &[lang.code()]);
    let letter_id = v.letter_id;
    letter
        .serve(&validators, async {
            let summary = letter
                .state
                .db
                .run(move |conn| public_list::summary(conn, &letter_id))
                .await?;
            let body = draw(&summary, lang).map_err(|e| AppError::Unexpected(e.into()))?;
            Ok(Rendered::new("image/svg+xml; charset=utf-8", body))
        })
        .await
}

/// A badge: "signed by | N organisations".
#[utoipa::path(get, path = "/letters/{slug}/badge.svg", tag = "pictures", params(("slug" = String, Path)),
    responses((status = 200, description = "SVG badge", content_type = "image/svg+xml", body = String), (status = 304, description = "Not modified"),
        (status = 404, description = "No public letter has this slug")))]
pub async fn badge(letter: LetterData) -> Reply {
    picture(letter, "badge", Lang::default(), draw_badge).await
}

fn draw_badge(summary: &ListSummary, _: Lang) -> Result<String, askama::Error> {
    let value = format!(
        "{} organisation{}",
        summary.total,
        if summary.total == 1 { "" } else { "s" }
    );
    let label = "signed by";
    Badge {
        label,
        label_width: text_width(label),
        value_width: text_width(&value),
        value,
    }
    .render()
}

/// Characters that fit the chart's label column.
const LABEL_CHARS: usize = 34;

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Bars for the largest countries, each on the scale of the largest.
fn bars(countries: &[CountryCount]) -> Vec<Bar> {
    let max = countries.first().map_or(1, |c| c.count.max(1));
    (countries.iter().take(CHART_BARS))
        .enumerate()
        .map(|(i, c)| Bar {
            width: ((c.count.min(max) as f64 / max as f64) * 300.0)
                .round()
                .max(1.0) as u32,
            label: shorten(&c.name, LABEL_CHARS),
            name: c.name.clone(),
            count: c.count,
            y: 30 + 22 * i as u32,
        })
        .collect()
}

/// The countries past the bars, as words: "and 229 other countries: 2750".
fn rest(countries: &[CountryCount], t: Lang) -> Option<String> {
    let others = countries.len().checked_sub(CHART_BARS).filter(|n| *n > 0)?;
    let sum: i64 = countries.iter().skip(CHART_BARS).map(|c| c.count).sum();
    Some(t.with(
        "chart-others",
        &[("others", others.into()), ("sum", sum.into())],
    ))
}

/// Signatories by country as horizontal bars, largest first.
#[utoipa::path(get, path = "/letters/{slug}/chart.svg", tag = "pictures", params(("slug" = String, Path), PictureParams),
    responses((status = 200, description = "SVG bar chart", content_type = "image/svg+xml", body = String), (status = 304, description = "Not modified"),
        (status = 404, description = "No public letter has this slug")))]
pub async fn chart(letter: LetterData, query: ApiQuery<PictureParams>) -> Reply {
    let lang = query
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_default();
    picture(letter, "chart", lang, draw_chart).await
}

/// The chart in `t`'s language: its title, and the countries under their everyday names.
fn draw_chart(summary: &ListSummary, t: Lang) -> Result<String, askama::Error> {
    let names = t.country_names();
    let mut countries = summary.countries.clone();
    for c in &mut countries {
        c.name = names.name(&c.code, &c.name);
    }
    let bars = bars(&countries);
    let rest = rest(&countries, t);
    let mut description: Vec<String> = (bars.iter())
        .map(|b| format!("{}: {}", b.name, b.count))
        .collect();
    description.extend(rest.clone());
    let rows = bars.len() + usize::from(rest.is_some());
    Chart {
        title: t.with1("chart-title", "total", summary.total),
        description: description.join("; "),
        height: 40 + 22 * rows as u32,
        bars,
        rest,
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_sum_the_rest() {
        let countries: Vec<CountryCount> = (0..25)
            .map(|i| CountryCount {
                code: format!("C{i}"),
                name: format!("Country {i}"),
                count: 100 - i,
            })
            .collect();
        let bars = bars(&countries);
        assert_eq!(bars.len(), CHART_BARS);
        assert_eq!(bars[0].width, 300);
        assert!(bars[1].width < 300);
        // The rest is words, not a bar on one country's scale.
        let sum: i64 = (20..25).map(|i| 100 - i).sum();
        assert_eq!(
            rest(&countries, Lang::default()).unwrap(),
            format!("and 5 other countries: {sum}")
        );
        assert_eq!(rest(&countries[..20], Lang::default()), None);
        let svg = draw_chart(
            &ListSummary {
                total: countries.iter().map(|c| c.count).sum(),
                countries: countries.clone(),
                version: 1,
                changed_at: None,
            },
            Lang::default(),
        )
        .unwrap();
        assert!(svg.contains("viewBox=\"0 0 640 "), "scales: {svg}");
        assert!(
            svg.contains("<desc>Country 0: 100; Country 1: 99;"),
            "{svg}"
        );
        assert!(
            svg.contains(&format!("and 5 other countries: {sum}</text>")),
            "{svg}"
        );
        assert_eq!(
            svg.matches("<rect").count(),
            CHART_BARS,
            "no bar for the rest"
        );
        assert_eq!(
            shorten("United Kingdom of Great Britain and Northern Ireland", 20),
            "United Kingdom of G…"
        );
        assert_eq!(shorten("France", 20), "France");
    }

    #[test]
    // Issue 22, item 4: the chart on a French page says French, with everyday country names.
    fn the_chart_speaks_the_language_asked_with_everyday_names() {
        let counts = |list: &[(&str, &str, i64)]| -> Vec<CountryCount> {
            (list.iter())
                .map(|&(code, name, count)| CountryCount {
                    code: code.into(),
                    name: name.into(),
                    count,
                })
                .collect()
        };
        let summary = ListSummary {
            total: 6,
            countries: counts(&[
                ("NL", "Netherlands (Kingdom of the)", 3),
                (
                    "GB",
                    "United Kingdom of Great Britain and Northern Ireland",
                    2,
                ),
                ("XK", "Kosovo", 1),
            ]),
            version: 1,
            changed_at: None,
        };
        let french = draw_chart(&summary, Lang::parse("fr").unwrap()).unwrap();
        assert!(
            french.contains("<desc>Pays-Bas: 3; Royaume-Uni: 2; Kosovo: 1</desc>"),
            "{french}"
        );
        assert!(
            french.contains("Signataires par pays (6 en tout)"),
            "{french}"
        );
        let english = draw_chart(&summary, Lang::default()).unwrap();
        assert!(
            english.contains("<desc>Netherlands: 3; United Kingdom: 2; Kosovo: 1</desc>"),
            "{english}"
        );
        assert!(!english.contains("Kingdom of the"), "{english}");
        let many = counts(&[("C0", "a", 3), ("C1", "b", 2), ("C2", "c", 1)].repeat(8));
        assert_eq!(
            rest(&many, Lang::parse("fr").unwrap()).unwrap(),
            "et 4 autres pays : 7"
        );
    }

    #[test]
    fn names_are_escaped_in_the_svg() {
        let picture = Chart {
            title: "t".into(),
            bars: vec![Bar {
                label: "<script>x</script>".into(),
                name: "<script>y</script>".into(),
                count: 1,
                y: 30,
                width: 1,
            }],
            rest: None,
            description: "<script>z</script>".into(),
            height: 70,
        };
        let svg = picture.render().unwrap();
        assert!(!svg.contains("<script>"), "{svg}");
    }
}
