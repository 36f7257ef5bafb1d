//! Issue 19: every public read of a letter is the same bytes for every reader until its list or
//! text changes, rendered once and served from memory, with a gzip variant; a change made here
//! shows at once, one made behind the service's back within a second.

use std::io::Read;

use serde_json::json;

use crate::db_test;
use crate::helpers::{status_json, TestApp};

/// The public reads a viral day is made of, for the letter `l`.
fn reads(letter: &str) -> Vec<String> {
    ["", "?lang=en", "/badge.svg", "/chart.svg", "/countries/DE"]
        .iter()
        .map(|p| format!("/letters/{letter}{p}"))
        .chain(
            [
                "",
                "/signatories",
                "/signatories.csv",
                "/signatories?all=true",
                "/signatories?country=DE&limit=1",
                "/changes",
                "/changes.atom",
                "/ledger",
            ]
            .iter()
            .map(|p| format!("/api/v1/letters/{letter}{p}")),
        )
        .collect()
}

/// A reader that has never been here: no cookie, its own connection.
async fn first_visit(
    app: &TestApp,
    path: &str,
    accept_encoding: Option<&str>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(app.url(path));
    if let Some(codings) = accept_encoding {
        request = request.header("accept-encoding", codings);
    }
    let r = request.send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    assert!(
        r.headers().get("set-cookie").is_none(),
        "{path} sets a cookie"
    );
    r
}

async fn body(app: &TestApp, path: &str) -> Vec<u8> {
    first_visit(app, path, None)
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec()
}

db_test!(
    async fn every_reader_gets_the_same_bytes_and_a_change_here_shows_at_once(app) {
        let letter = app.open_letter("l", "auto").await;
        app.join(&letter, "Digitalcourage", "DE").await;
        app.join(&letter, "La Quadrature du Net", "FR").await;
        for path in reads(&letter) {
            let first = body(&app, &path).await;
            assert_eq!(first, body(&app, &path).await, "{path} differs between readers");
            assert!(!String::from_utf8_lossy(&first).contains("csrf"), "{path} has a per-visitor token");
        }
        let (_, list) = status_json(app.get(&format!("/api/v1/letters/{letter}/signatories?country=DE&limit=1")).await).await;
        assert_eq!(list["total"], 1);
        // Browsers ask again each time a page is shown (a signer back from confirming must see
        // the new list), and the answer is 304 while it is the same.
        let page = app.get(&format!("/letters/{letter}")).await;
        assert_eq!(page.headers()["cache-control"], "public, no-cache");
        let tag = page.headers()["etag"].to_str().unwrap().to_string();
        let again = reqwest::Client::new().get(app.url(&format!("/letters/{letter}"))).header("if-none-match", &tag).send().await.unwrap();
        assert_eq!(again.status(), 304);

        // A third organisation signs here: every read shows it at once.
        app.join(&letter, "Chaos Computer Club", "DE").await;
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        assert!(text(body(&app, &format!("/letters/{letter}")).await).contains("Chaos Computer Club"));
        assert!(text(body(&app, &format!("/letters/{letter}/badge.svg")).await).contains("3 organisations"));
        let csv = text(body(&app, &format!("/api/v1/letters/{letter}/signatories.csv")).await);
        assert_eq!(csv.lines().count(), 4, "{csv}");
        let all: serde_json::Value = serde_json::from_slice(&body(&app, &format!("/api/v1/letters/{letter}/signatories?all=true")).await).unwrap();
        assert_eq!(all["items"].as_array().unwrap().len(), 3, "{all}");
        let (_, json) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
        assert_eq!(json["signatories"]["total"], 3, "{json}");
        let (_, list) = status_json(app.get(&format!("/api/v1/letters/{letter}/signatories?country=DE&limit=1")).await).await;
        assert_eq!(list["total"], 2);
        assert!(text(body(&app, &format!("/letters/{letter}/countries/DE")).await).contains("Chaos Computer Club"));
        assert!(text(body(&app, &format!("/api/v1/letters/{letter}/changes.atom")).await).contains("Signed: Chaos Computer Club"));
        let (_, changes) = status_json(app.get(&format!("/api/v1/letters/{letter}/changes")).await).await;
        assert_eq!(changes["items"][2]["organisation"], "Chaos Computer Club", "{changes}");
        let (_, ledger) = status_json(app.get(&format!("/api/v1/letters/{letter}/ledger")).await).await;
        assert_eq!(ledger["head"]["length"], 4, "the text and three signatories: {ledger}");

        // Changed behind the service's back (as by another instance): shown within a second.
        app.execute("UPDATE letters SET title = 'Renamed elsewhere' WHERE slug = 'l'");
        actix_web::rt::time::sleep(std::time::Duration::from_millis(2100)).await;
        assert!(text(body(&app, &format!("/letters/{letter}")).await).contains("Renamed elsewhere"));
        let (_, json) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
        assert_eq!(json["title"], "Renamed elsewhere");
    }
);

/// `sent` decoded from `coding`.
fn decoded(coding: &str, sent: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match coding {
        "gzip" => flate2::read::GzDecoder::new(sent).read_to_end(&mut out),
        "br" => brotli::Decompressor::new(sent, 4096).read_to_end(&mut out),
        other => panic!("unexpected coding {other}"),
    }
    .unwrap();
    out
}

db_test!(
    async fn a_client_that_takes_gzip_or_brotli_gets_the_same_bytes_compressed(app) {
        let letter = app.open_letter("l", "auto").await;
        for i in 0..12 {
            app.join(&letter, &format!("Organisation number {i}"), ["DE", "FR", "IT"][i % 3]).await;
        }
        for path in reads(&letter) {
            let plain = body(&app, &path).await;
            // What browsers send, and what curl --compressed sends without brotli.
            for (asked, coding) in [("gzip, deflate, br, zstd", "br"), ("deflate, gzip", "gzip")] {
                let r = first_visit(&app, &path, Some(asked)).await;
                let encoding = r.headers().get("content-encoding").map(|v| v.to_str().unwrap().to_string());
                let etag = r.headers().get("etag").map(|v| v.to_str().unwrap().to_string());
                let vary = r.headers().get("vary").unwrap().to_str().unwrap().to_string();
                assert!(vary.contains("Accept-Encoding"), "{path}: {vary}");
                let sent = r.bytes().await.unwrap().to_vec();
                if plain.len() < 512 {
                    assert_eq!((encoding, &sent), (None, &plain), "{path}: too small to compress");
                    continue;
                }
                assert_eq!(encoding.as_deref(), Some(coding), "{path}");
                assert!(sent.len() < plain.len(), "{path}");
                assert_eq!(decoded(coding, &sent), plain, "{path}: the {coding} variant is another body");
                // The compressed bytes carry a weak tag, which still revalidates.
                let tag = etag.unwrap_or_else(|| panic!("{path} has no ETag"));
                assert!(tag.starts_with("W/\""), "{path}: {tag}");
                let again = reqwest::Client::new()
                    .get(app.url(&path))
                    .header("accept-encoding", asked)
                    .header("if-none-match", &tag)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(again.status(), 304, "{path}");
            }
        }
        // A client that refuses both gets neither.
        let r = reqwest::Client::new()
            .get(app.url(&format!("/letters/{letter}")))
            .header("accept-encoding", "gzip;q=0, br;q=0, identity")
            .send()
            .await
            .unwrap();
        assert!(r.headers().get("content-encoding").is_none());
    }
);

db_test!(
    async fn each_language_of_the_page_is_its_own(app) {
        let coalition = app.coalition("c").await;
        app.letter(&coalition, "l").await;
        let fr = json!({"language": "fr", "title": "Arrêtez", "body": "Madame, Monsieur,\n\nArrêtez."});
        assert_eq!(app.post("/api/v1/letters/l/translations", &fr).await.status(), 200);
        assert_eq!(app.post("/api/v1/letters/l/transition", &json!({"to": "open"})).await.status(), 200);
        for _ in 0..2 {
            let english = String::from_utf8(body(&app, "/letters/l").await).unwrap();
            assert!(english.contains("<h1>Letter l</h1>") && !english.contains("Arrêtez"), "{english}");
            for lang in ["fr", "FR"] {
                let french = String::from_utf8(body(&app, &format!("/letters/l?lang={lang}")).await).unwrap();
                assert!(french.contains("<h1>Arrêtez</h1>") && french.contains("lang=\"fr\""), "{french}");
            }
        }
        // No German text: the original, in a German interface, the same bytes for each reader.
        let german = String::from_utf8(body(&app, "/letters/l?lang=de").await).unwrap();
        assert!(german.contains("<h1 lang=\"en\">Letter l</h1>") && german.contains("Brief unterzeichnen"), "{german}");
        assert_eq!(body(&app, "/letters/l?lang=de").await, german.as_bytes());
    }
);

/// Fill the letter `slug` with `count` published signatories from the first `countries`
/// countries by code, as `undersigned seed` does.
async fn seed(app: &TestApp, slug: &str, count: usize, countries: usize) {
    let url = app.db.url.clone();
    let slug = undersigned::domain::Slug::parse(slug).unwrap();
    actix_web::rt::task::spawn_blocking(move || {
        use undersigned::db::{DatabaseUrl, Db};
        let db = Db::connect(
            DatabaseUrl::parse(&url.into()).unwrap(),
            1,
            Default::default(),
        )
        .unwrap();
        undersigned::service::seed::seed(
            &db,
            &crate::helpers::ledger_key(),
            &slug,
            count,
            Some(countries),
        )
        .unwrap()
    })
    .await
    .unwrap();
}

fn listed(page: &str) -> usize {
    page.matches("class=\"signatory\"").count()
}

db_test!(
    async fn a_long_list_is_cut_on_the_page_and_read_whole_a_country_at_a_time(app) {
        // 2,600 signatories from Andorra and the United Arab Emirates (1,300 each).
        seed(&app, "long", 2_600, 2).await;
        let page = String::from_utf8(body(&app, "/letters/long").await).unwrap();
        assert_eq!(listed(&page), 1_000, "the page lists a bounded first part");
        assert!(page.contains("2,600 organisations"), "the page counts them all, as English writes numbers");
        for code in ["AD", "AE"] {
            assert!(page.contains(&format!("href=\"/letters/long/countries/{code}\"")), "no way to {code}'s list");
        }

        // Andorra's page, then the next: every one of its signatories, once, in the CSV's order.
        let csv = String::from_utf8(body(&app, "/api/v1/letters/long/signatories.csv?country=AD").await).unwrap();
        let expected: Vec<String> = csv.lines().skip(1).map(|l| l.split(',').next().unwrap().trim_matches('"').to_string()).collect();
        assert_eq!(expected.len(), 1_300);
        let first = String::from_utf8(body(&app, "/letters/long/countries/AD").await).unwrap();
        assert_eq!(listed(&first), 1_000);
        assert!(first.contains("Signatories from Andorra"), "{}", &first[..500]);
        let next = first.split("rel=\"next\" href=\"").nth(1).expect("a link to the next part").split('"').next().unwrap().replace("&#x3d;", "=").replace("&amp;", "&");
        let second = String::from_utf8(body(&app, &next).await).unwrap();
        assert_eq!(listed(&second), 300);
        assert!(!second.contains("rel=\"next\""), "the last part links to no next one");
        let names: Vec<String> = [first, second].iter().flat_map(|p| {
            p.split("class=\"signatory\">").skip(1).map(|li| li.split('<').next().unwrap().to_string()).collect::<Vec<_>>()
        }).collect();
        assert_eq!(names, expected);

        // A country with no signatory here, an unknown one, a forged cursor: no page.
        assert_eq!(app.get("/letters/long/countries/FR").await.status(), 404);
        assert_eq!(app.get("/letters/long/countries/ZZZ").await.status(), 404);
        assert_eq!(app.get("/letters/long/countries/AD?after=bm90LWEtY3Vyc29y").await.status(), 422);
    }
);
