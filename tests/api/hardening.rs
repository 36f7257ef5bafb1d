//! Regression tests for the outside security test's findings (issue 18) that are about load and
//! input rather than about who may do what: Markdown that nests without bound, mail that loads
//! remote images, slow request bodies, keys of the signing limits, and NUL bytes. Each test names
//! the finding it guards; docs/SECURITY.md lists them.

use std::net::IpAddr;
use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::db_test;
use crate::helpers::{signer, status_json, TestApp};

/// A connection that sends a request's headers, announcing a body of 100,000 bytes, and then
/// one byte of it, and stalls.
async fn stalled_post(app: &TestApp, path: &str) -> TcpStream {
    let address = app.address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{"
    );
    stream
        .write_all(head.as_bytes())
        .await
        .expect("send headers");
    stream
}

/// The status of the response a connection gets (waiting at most 30 s: a bound, not a measure).
async fn status_of(stream: &mut TcpStream) -> u16 {
    let mut buf = vec![0u8; 1024];
    let mut got = 0;
    let read = async {
        while !buf[..got].windows(2).any(|w| w == b"\r\n") {
            let n = stream.read(&mut buf[got..]).await.expect("read");
            assert!(n > 0, "the connection closed without an answer");
            got += n;
        }
    };
    tokio::time::timeout(Duration::from_secs(30), read)
        .await
        .expect("an answer within 30 s");
    let line = String::from_utf8_lossy(&buf[..got]);
    line.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a status line: {line}"))
}

/// A client whose requests come from `ip` (another address of the loopback network).
fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<IpAddr>().unwrap())
        .build()
        .unwrap()
}

/// How many elements of `tag` a page holds.
fn count(html: &str, tag: &str) -> usize {
    html.matches(&format!("<{tag}>")).count()
}

db_test!(
    // Issue 18, finding 1: previewing needed only a signed-in account (even one with no role),
    // and deep nesting made rendering quadratic; a coordinator's preview is now bounded.
    async fn only_coordinators_preview_and_deep_nesting_is_cut(app) {
        let nobody = app.account("nobody@example.org", "No Role").await;
        let deep = format!("{}deep", ">".repeat(3_000));
        let r = app
            .post_as(&nobody, "/api/v1/letters/preview", &json!({"body": deep}))
            .await;
        let (status, body) = status_json(r).await;
        assert_eq!(status, 403, "an account with no role may not preview: {body}");

        let (status, body) = status_json(
            app.post("/api/v1/letters/preview", &json!({"body": deep}))
                .await,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let html = body["html"].as_str().unwrap();
        assert!(html.contains("deep"), "the text is kept");
        let quotes = count(html, "blockquote");
        assert!(
            (1..=undersigned::domain::markdown::MAX_DEPTH).contains(&quotes),
            "{quotes} nested quotes"
        );
    }
);

db_test!(
    // Issue 18, finding 1: a stored text that nests deeply is rendered with its nesting cut, on
    // the public page and the print copy alike.
    async fn a_deeply_nested_letter_is_served_with_its_nesting_cut(app) {
        app.coalition("c-deep").await;
        let r = app
            .post(
                "/api/v1/letters",
                &json!({
                    "slug": "deep",
                    "coalition": "c-deep",
                    "title": "Deep",
                    "body": format!("{}bottom\n\n- a\n{}", ">".repeat(3_000), "  - b\n".repeat(10)),
                    "recipient_name": "The Chief Executive",
                }),
            )
            .await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        let r = app
            .post("/api/v1/letters/deep/transition", &json!({"to": "open"}))
            .await;
        assert_eq!(r.status(), 200);
        for path in ["/letters/deep", "/letters/deep/print"] {
            let r = app.get(path).await;
            assert_eq!(r.status(), 200, "{path}");
            let html = r.text().await.unwrap();
            assert!(html.contains("bottom"), "{path}: the text is kept");
            let quotes = count(&html, "blockquote");
            assert!(
                (1..=undersigned::domain::markdown::MAX_DEPTH).contains(&quotes),
                "{path}: {quotes} nested quotes"
            );
        }
    }
);

db_test!(
    // Issue 18, finding 18: an update's HTML part loaded images from anywhere (a tracking pixel
    // tells the sender who opened it, when and where); now it links to them instead.
    async fn update_mails_load_no_remote_image(app) {
        let letter = app.open_letter("pixel", "auto").await;
        app.publish(&letter, &[("Access Now", "US")]).await;
        let before = app.mail.mails().len();
        let r = app
            .post(
                &format!("/api/v1/letters/{letter}/updates"),
                &json!({
                    "subject": "News",
                    "body": "See ![the answer](https://tracker.example/pixel.gif?who=1)\n\n<img src=\"https://tracker.example/raw.gif\">",
                }),
            )
            .await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        let mails = app.mail.wait_for(before + 1).await;
        let mail = &mails[before];
        assert!(!mail.html.is_empty(), "the update has an HTML part");
        assert!(!mail.html.contains("<img"), "{}", mail.html);
        assert!(!mail.html.contains("raw.gif"), "{}", mail.html);
        assert!(
            mail.html.contains("href=\"https://tracker.example/pixel.gif?who=1\""),
            "the image is a link: {}",
            mail.html
        );
    }
);

db_test!(
    // Issue 18, finding 2: connections that sent headers and then stalled took every place, so
    // every page answered 503 to everyone. Now one address may have only a few bodies waiting
    // for the network at once (more are refused at once), and a body that does not arrive in
    // time is answered 408.
    async fn stalled_bodies_from_one_address_cannot_take_every_place(app, |s| {
        s.max_in_flight = 6;
        s.max_unfinished_bodies_per_address = 3;
        s.body_timeout_ms = 1_500;
    }) {
        let path = "/api/v1/letters/any/signatures";
        let mut stalled = Vec::new();
        for _ in 0..10 {
            stalled.push(stalled_post(&app, path).await);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        // Everyone else is still served, and the service reports itself healthy.
        let r = app.get("/api/v1/letters").await;
        assert_eq!(r.status(), 200);
        let (status, health) = status_json(app.get("/health").await).await;
        assert_eq!((status, health["status"].as_str()), (200, Some("ok")), "{health}");
        // Three waited and were told their body came too late; seven were refused at once.
        let mut statuses = Vec::new();
        for stream in &mut stalled {
            statuses.push(status_of(stream).await);
        }
        statuses.sort_unstable();
        assert_eq!(statuses, [408, 408, 408, 429, 429, 429, 429, 429, 429, 429]);
        // And their places are free again.
        drop(stalled);
        let mut again = stalled_post(&app, path).await;
        assert_eq!(status_of(&mut again).await, 408);
        assert_eq!(app.get("/health").await.status(), 200);
    }
);

db_test!(
    // Issue 18, finding 2: `/health` said 200 while every other route answered 503. It now
    // reports when the service is shedding, and recovers when the load goes.
    async fn health_reports_shedding_and_recovers(app, |s| {
        s.metrics_token = Some("metrics-token-for-shedding".to_string().into());
        s.max_in_flight = 2;
        s.max_unfinished_bodies_per_address = 0;
        s.body_timeout_ms = 60_000;
    }) {
        let path = "/api/v1/letters/any/signatures";
        let stalled = vec![stalled_post(&app, path).await, stalled_post(&app, path).await];
        // Once both hold their places (waited for, boundedly), /health says it is shedding.
        let mut health = (0, serde_json::Value::Null);
        for _ in 0..200 {
            health = status_json(app.get("/health").await).await;
            if health.0 == 503 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let (status, body) = health;
        assert_eq!(status, 503, "two stalled bodies fill two places: {body}");
        assert_eq!(body["status"], "shedding", "{body}");
        assert_eq!(body["max_in_flight"], 2, "{body}");
        let r = app.get("/api/v1/letters").await;
        assert_eq!(r.status(), 503, "and a read is shed");
        assert!(app.get("/health").await.headers().contains_key("retry-after"));
        // Unready, but alive: liveness says so, and monitoring still sees the shed request.
        let (status, body) = status_json(app.get("/health/live").await).await;
        assert_eq!((status, body["status"].as_str()), (200, Some("alive")));
        let metrics = app
            .client
            .get(app.url("/metrics"))
            .bearer_auth("metrics-token-for-shedding")
            .send()
            .await
            .unwrap();
        assert_eq!(metrics.status(), 200);
        let text = metrics.text().await.unwrap();
        let shed = text
            .lines()
            .find_map(|l| l.strip_prefix("undersigned_requests_shed_total "))
            .and_then(|v| v.parse::<f64>().ok());
        assert!(shed >= Some(1.0), "{text}");
        // Closing the stalled connections frees their places; health recovers.
        drop(stalled);
        let mut healthy = false;
        for _ in 0..400 {
            if app.get("/health").await.status() == 200 {
                healthy = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(healthy, "health recovers once the load is gone");
        assert_eq!(app.get("/api/v1/letters").await.status(), 200);
    }
);

db_test!(
    // Issue 18, finding 11: the per-letter sign limit was keyed on the raw path, so the letter's
    // id and its slug each had a full allowance. Both now count against the letter.
    async fn the_per_letter_limit_counts_the_letter_however_it_is_named(app, |s| {
        s.sign_rate_per_letter_per_minute = 1;
        s.sign_rate_per_letter_burst = 2;
    }) {
        let letter = app.open_letter("named", "auto").await;
        let (_, body) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
        let id = body["id"].as_str().expect("the letter's id").to_string();
        assert_ne!(id, letter);
        let r = app.sign(&letter, &signer("By Slug", "FR", "a@slug.example")).await;
        assert_eq!(r.status(), 202);
        let r = app.sign(&id, &signer("By Id", "FR", "b@id.example")).await;
        assert_eq!(r.status(), 202, "the id names the same letter");
        let r = app.sign(&id, &signer("Over", "FR", "c@id.example")).await;
        assert_eq!(r.status(), 429, "the id has no allowance of its own");
        assert!(r.headers().contains_key("retry-after"));
        let r = app.sign(&letter, &signer("Over Too", "FR", "d@slug.example")).await;
        assert_eq!(r.status(), 429);
        // Another letter is not held up.
        let other = app.open_letter("calm", "auto").await;
        let r = app.sign(&other, &signer("Calm", "FR", "e@calm.example")).await;
        assert_eq!(r.status(), 202);
    }
);

/// Sign `letter` from a client whose requests come from `ip`.
async fn sign_from(app: &TestApp, ip: &str, letter: &str, name: &str, email: &str) -> u16 {
    client_from(ip)
        .post(app.url(&format!("/api/v1/letters/{letter}/signatures")))
        .json(&signer(name, "FR", email))
        .send()
        .await
        .expect("POST")
        .status()
        .as_u16()
}

db_test!(
    // Issue 18, finding 9: the cap on unconfirmed signatures was keyed by the email domain
    // alone, so 50 requests from one address locked a domain out of every letter for an hour.
    // It is now kept per domain and sender network; all networks together have a bound on the
    // mail one domain receives.
    async fn an_attacker_cannot_spend_a_victims_domain_allowance(app, |s| {
        s.unconfirmed_per_domain_per_hour = 2;
        s.mails_per_domain_per_hour = 4;
    }) {
        let letter = app.open_letter("cap", "auto").await;
        // The attacker's network fills its own allowance for the victim's domain.
        assert_eq!(sign_from(&app, "127.0.0.1", &letter, "Fake 1", "x1@victim.example").await, 202);
        assert_eq!(sign_from(&app, "127.0.0.2", &letter, "Fake 2", "x2@victim.example").await, 202);
        let r = client_from("127.0.0.3")
            .post(app.url(&format!("/api/v1/letters/{letter}/signatures")))
            .json(&signer("Fake 3", "FR", "x3@victim.example"))
            .send()
            .await
            .unwrap();
        let (status, body) = status_json(r).await;
        assert_eq!(status, 429, "same /24 network: {body}");
        assert!(body["error"]["message"].as_str().unwrap().contains("your network"), "{body}");
        // The victim, from its own network, still signs.
        assert_eq!(sign_from(&app, "127.0.1.1", &letter, "Victim Org", "ceo@victim.example").await, 202);
        assert_eq!(sign_from(&app, "127.0.2.1", &letter, "Victim Two", "cfo@victim.example").await, 202);
        // All networks together reach the bound on mail to one domain.
        let r = client_from("127.0.3.1")
            .post(app.url(&format!("/api/v1/letters/{letter}/signatures")))
            .json(&signer("Fake 4", "FR", "x4@victim.example"))
            .send()
            .await
            .unwrap();
        let (status, body) = status_json(r).await;
        assert_eq!(status, 429, "{body}");
        assert!(body["error"]["message"].as_str().unwrap().contains("confirmation mails"), "{body}");
        let mails = app.mail.wait_for(4).await;
        let to_victim = mails.iter().filter(|m| m.to[0].ends_with("@victim.example")).count();
        assert_eq!(to_victim, 4, "one mail per accepted signature, no more");
    }
);

db_test!(
    // Issue 18, finding 16: on PostgreSQL a NUL in a path, cursor, title or comment answered 500
    // (with an ERROR and a backtrace in the log); on SQLite 404 or stored. Now refused as bad
    // input on both: 404 in a path, 400 in a query, 422 naming the field in JSON and forms.
    async fn nul_characters_are_bad_input_everywhere(app) {
        let letter = app.open_letter("nul", "auto").await;
        for path in ["/letters/nul%00x", "/api/v1/letters/nul%00x", "/api/v1/organisations/a%00b"] {
            let (status, body) = status_json(app.get_authed(path).await).await;
            assert_eq!(status, 404, "{path}: {body}");
        }
        let r = app.get(&format!("/api/v1/letters/{letter}/signatories?cursor=%00")).await;
        let (status, body) = status_json(r).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["error"]["code"], "bad_request");

        let (status, body) = status_json(
            app.post(
                "/api/v1/letters",
                &json!({"slug": "nul-title", "coalition": "c-nul", "title": "A\u{0}B",
                        "body": "Text", "recipient_name": "CEO"}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert!(body["error"]["fields"]["title"].is_array(), "{body}");
        assert_eq!(app.get_authed("/api/v1/letters/nul-title").await.status(), 404, "nothing stored");

        let mut sign = signer("Nul Org", "FR", "a@nul.example");
        sign["comment"] = json!("bad\u{0}comment");
        let (status, body) = status_json(app.sign(&letter, &sign).await).await;
        assert_eq!(status, 422, "{body}");
        assert!(body["error"]["fields"]["comment"].is_array(), "{body}");

        // The public form, as a browser sends it.
        let r = app
            .client
            .post(app.url(&format!("/letters/{letter}/sign")))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("organisation_name=Nul%00Org&country=FR&email=b%40nul.example")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let page = r.text().await.unwrap();
        assert!(page.contains("organisation_name") && page.contains("NUL"), "{page}");
        assert_eq!(app.signatories(&letter).await["total"], 0, "nothing signed");
    }
);
