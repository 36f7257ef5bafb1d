//! Updates to signers, unsubscribing, export, erasure and retention, end to end: the update
//! mail read from the SMTP sink with its one-click unsubscribe headers, a mail provider's
//! one-click POST, the per-letter limit, the coordinators' export, erasing a signer while the
//! organisation stays listed (and the ledger still checks), and addresses removed after a
//! letter's delivery.

use std::time::Duration;

use diesel::{Connection, RunQueryDsl};
use serde_json::{json, Value};

use crate::db_test;
use crate::helpers::{location, signer, status_json, Backend, Browser, TestApp, PASSWORD};
use crate::mail::ReceivedMail;

/// An account with `role` in the letter's coalition (`c-{letter}`); returns its API token.
async fn member(app: &TestApp, letter: &str, role: &str) -> String {
    let email = format!("{role}-{letter}@example.org");
    let token = app.account(&email, role).await;
    app.add_member(&format!("c-{letter}"), &email, role).await;
    token
}

async fn send(app: &TestApp, token: &str, letter: &str, subject: &str) -> reqwest::Response {
    app.post_as(
        token,
        &format!("/api/v1/letters/{letter}/updates"),
        &json!({"subject": subject, "body": "The recipient **answered**: <script>x</script>"}),
    )
    .await
}

/// The unsubscribe URL in a mail's text part.
fn unsubscribe_url(mail: &ReceivedMail) -> String {
    let start = mail
        .text
        .find("/unsubscribe/")
        .unwrap_or_else(|| panic!("no unsubscribe link in {}", mail.text));
    let begin = mail.text[..start].rfind("http").unwrap();
    mail.text[begin..start + "/unsubscribe/".len() + 64].to_string()
}

async fn export(app: &TestApp, token: &str, letter: &str) -> (u16, Value) {
    status_json(
        app.get_as(token, &format!("/api/v1/letters/{letter}/export"))
            .await,
    )
    .await
}

fn signature_of<'a>(export: &'a Value, organisation: &str) -> &'a Value {
    export["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["organisation"]["name"] == organisation)
        .unwrap_or_else(|| panic!("no signature of {organisation} in {export}"))
}

async fn settle() {
    actix_web::rt::time::sleep(Duration::from_millis(400)).await;
}

db_test!(
    async fn an_update_reaches_only_confirmed_subscribed_signers_and_one_click_unsubscribes(app) {
        let letter = app.open_letter("upd", "auto").await;
        app.publish(&letter, &[("Access Now", "US"), ("Article 19", "GB")]).await;
        let published: Vec<String> = app.mail.mails().iter().map(|m| m.to[0].clone()).collect();
        // One pending signer, and one who confirmed and then withdrew.
        let r = app.sign(&letter, &signer("Pending Org", "FR", "pending@example.org")).await;
        assert_eq!(r.status(), 202);
        let r = app.sign(&letter, &signer("Gone Org", "DE", "gone@example.org")).await;
        assert_eq!(r.status(), 202);
        let mails = app.mail.wait_for(4).await;
        let gone = mails.iter().find(|m| m.to == ["gone@example.org"]).unwrap();
        for (path, token) in [("confirm", gone.token("confirm")), ("withdraw", gone.token("withdraw"))] {
            let r = app.client.post(app.url(&format!("/api/v1/signatures/{path}")))
                .json(&json!({"token": token})).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
        }

        let (status, body) = status_json(send(&app, &app.token, &letter, "The recipient answered").await).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["recipients"], 2);
        let mails = app.mail.wait_for(6).await;
        settle().await;
        let updates: Vec<ReceivedMail> = app.mail.mails().into_iter().skip(4).collect();
        assert_eq!(updates.len(), 2, "{updates:?}");
        let mut to: Vec<String> = updates.iter().map(|m| m.to[0].clone()).collect();
        to.sort();
        let mut expected = published.clone();
        expected.sort();
        assert_eq!(to, expected, "not pending@ nor gone@");
        for mail in &updates {
            assert!(mail.subject.contains("The recipient answered") && mail.subject.contains("Letter upd"), "{}", mail.subject);
            assert!(mail.html.contains("<strong>answered</strong>") && !mail.html.contains("<script>"), "{}", mail.html);
            let url = unsubscribe_url(mail);
            assert!(url.starts_with(&app.address), "{url}");
            assert_eq!(mail.header("List-Unsubscribe"), Some(format!("<{url}>").as_str()), "{:?}", mail.headers);
            assert_eq!(mail.header("List-Unsubscribe-Post"), Some("List-Unsubscribe=One-Click"));
            assert!(mail.text.contains("/signatures/withdraw/"), "every signer mail can withdraw");
        }
        drop(mails);

        // The link's page has a button and changes nothing; a mail provider's one-click POST
        // (no cookie, no CSRF token) unsubscribes; again is harmless.
        let first = &updates[0];
        let url = unsubscribe_url(first);
        let page = app.client.get(&url).send().await.unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("Unsubscribe</button>") && html.contains("Letter upd"), "{html}");
        for expect in ["You get no more updates", "had unsubscribed already"] {
            let r = app.client.post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("List-Unsubscribe=One-Click").send().await.unwrap();
            assert_eq!(r.status(), 200);
            let html = r.text().await.unwrap();
            assert!(html.contains(expect), "{html}");
            assert!(!html.contains(&first.to[0]), "no address on the page");
        }
        let r = app.client.post(app.url(&format!("/unsubscribe/{}", "0".repeat(64)))).send().await.unwrap();
        assert_eq!(r.status(), 404);

        // The next update skips the unsubscribed signer.
        let (status, body) = status_json(send(&app, &app.token, &letter, "Second news").await).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["recipients"], 1);
        app.mail.wait_for(7).await;
        settle().await;
        let all = app.mail.mails();
        assert_eq!(all.len(), 7);
        assert_ne!(all[6].to, first.to);

        // Two a day per letter by default: the third is refused with Retry-After.
        let r = send(&app, &app.token, &letter, "Third news").await;
        assert_eq!(r.status(), 429);
        let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!(wait > 23 * 3600 && wait <= 24 * 3600, "{wait}");
        let (_, body) = status_json(r).await;
        assert_eq!(body["error"]["code"], "too_many_requests");
        assert!(body["error"]["message"].as_str().unwrap().contains("updates_per_letter_per_day"), "{body}");

        let (status, list) = status_json(app.get_authed(&format!("/api/v1/letters/{letter}/updates")).await).await;
        assert_eq!(status, 200);
        let subjects: Vec<&str> = list["items"].as_array().unwrap().iter().map(|u| u["subject"].as_str().unwrap()).collect();
        assert_eq!(subjects, ["Second news", "The recipient answered"]);
        let outbox = app.outbox().await;
        let update_mails = outbox["items"].as_array().unwrap().iter().filter(|m| m["kind"] == "letter_update").count();
        assert_eq!(update_mails, 3, "{outbox}");
        let audit: Value = app.get_authed(&format!("/api/v1/letters/{letter}/audit?per_page=200")).await.json().await.unwrap();
        let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions.iter().filter(|a| **a == "update.sent").count(), 2);
        assert_eq!(actions.iter().filter(|a| **a == "signature.unsubscribed").count(), 1);
        assert!(!audit.to_string().contains("@example.org"), "{audit}");
    }
);

db_test!(
    async fn updates_are_checked_per_field_and_only_coordinators_send_them(app) {
        let letter = app.open_letter("rules", "auto").await;
        app.publish(&letter, &[("Access Now", "US")]).await;
        let viewer = member(&app, &letter, "viewer").await;
        let (status, body) = status_json(
            app.post(&format!("/api/v1/letters/{letter}/updates"), &json!({"subject": " ", "body": ""})).await,
        )
        .await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["subject"].is_array() && body["error"]["fields"]["body"].is_array(), "{body}");
        let (status, body) = status_json(
            app.post(&format!("/api/v1/letters/{letter}/updates"), &json!({"subject": "x".repeat(201), "body": "ok"})).await,
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(body["error"]["fields"].as_object().unwrap().len(), 1, "{body}");
        assert_eq!(send(&app, &viewer, &letter, "Hello").await.status(), 403);
        let r = app.client.post(app.url(&format!("/api/v1/letters/{letter}/updates")))
            .json(&json!({"subject": "a", "body": "b"})).send().await.unwrap();
        assert_eq!(r.status(), 401);
        // Viewers read the list.
        let (status, list) = status_json(app.get_as(&viewer, &format!("/api/v1/letters/{letter}/updates")).await).await;
        assert_eq!(status, 200);
        assert_eq!(list["items"], json!([]));
        // A draft has no one to write to.
        app.letter(&format!("c-{letter}"), "draft-one").await;
        let (status, body) = status_json(send(&app, &app.token, "draft-one", "Hello").await).await;
        assert_eq!((status, body["error"]["code"].as_str()), (409, Some("letter_is_draft")));
        settle().await;
        assert_eq!(app.mail.mails().len(), 1, "nothing was sent");

        // The dashboard form: per-field errors on the page, then a redirect after sending.
        let browser = Browser::new(&app);
        let r = browser.submit("/login", "/login", &[("email", crate::helpers::OWNER_EMAIL), ("password", PASSWORD)]).await;
        assert_eq!(r.status(), 303);
        let page = format!("/dashboard/letters/{letter}/updates");
        let r = browser.submit(&page, &page, &[("subject", ""), ("body", "Some news")]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("subject-error") && html.contains("Some news"), "{html}");
        let r = browser.submit(&page, &page, &[("subject", "From the dashboard"), ("body", "Some *news*")]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), format!("{page}?sent=1"));
        let (status, html) = browser.page(&format!("{page}?sent=1")).await;
        assert_eq!(status, 200);
        assert!(html.contains("on its way to 1 signer") && html.contains("<em>news</em>"), "{html}");
        let mails = app.mail.wait_for(2).await;
        assert!(mails[1].subject.contains("From the dashboard"));
        // The limit shows on the form too.
        let r = browser.submit(&page, &page, &[("subject", "Second"), ("body", "b")]).await;
        assert_eq!(r.status(), 303);
        let r = browser.submit(&page, &page, &[("subject", "Third"), ("body", "b")]).await;
        assert_eq!(r.status(), 429);
        assert!(r.headers().contains_key("retry-after"));
        assert!(r.text().await.unwrap().contains("updates_per_letter_per_day"));
    }
);

db_test!(
    async fn coordinators_export_private_fields_and_erasure_keeps_the_organisation_listed(app) {
        let letter = app.open_letter("priv", "auto").await;
        app.publish(&letter, &[("Access Now", "US"), ("Article 19", "GB")]).await;
        let viewer = member(&app, &letter, "viewer").await;

        let (status, first) = export(&app, &app.token, &letter).await;
        assert_eq!(status, 200, "{first}");
        assert_eq!(first["letter"]["slug"], letter.as_str());
        assert_eq!(first["versions"].as_array().unwrap().len(), 1);
        let access = signature_of(&first, "Access Now").clone();
        assert_eq!(access["state"], "published");
        assert_eq!(access["representative_name"], "Ada Lovelace");
        assert_eq!(access["representative_role"], "Director");
        assert!(access["email"].as_str().unwrap().ends_with("@example.org"));
        assert_eq!(access["organisation"]["country"], "US");
        assert!(access["erased_at"].is_null() && access["unsubscribed_at"].is_null());
        let r = app.get_authed(&format!("/api/v1/letters/{letter}/export.csv")).await;
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        assert_eq!(r.headers()["content-disposition"], "attachment; filename=\"priv-signatures.csv\"");
        let csv = r.text().await.unwrap();
        assert!(csv.starts_with("id,state,organisation,"), "{csv}");
        assert_eq!(csv.lines().count(), 3);
        assert!(csv.contains(access["email"].as_str().unwrap()) && csv.contains("Ada Lovelace"));
        // A viewer reads signatures on screen but does not download them all; the public, nothing.
        for path in ["export", "export.csv"] {
            let path = format!("/api/v1/letters/{letter}/{path}");
            assert_eq!(app.get_as(&viewer, &path).await.status(), 403);
            assert_eq!(app.get(&path).await.status(), 401);
        }

        // Erasing the person.
        let id = access["id"].as_str().unwrap();
        let (status, body) = status_json(app.post(&format!("/api/v1/signatures/{id}/erase"), &json!({"reason": "asked by mail"})).await).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["already_erased"], false);
        assert_eq!(app.post_as(&viewer, &format!("/api/v1/signatures/{id}/erase"), &json!({})).await.status(), 403);
        let r = app.client.post(app.url(&format!("/api/v1/signatures/{id}/erase"))).bearer_auth(&app.token).send().await.unwrap();
        let (status, again) = status_json(r).await;
        assert_eq!((status, again["already_erased"].as_bool()), (200, Some(true)), "no body is fine too");
        assert_eq!(again["erased_at"], body["erased_at"]);
        let (status, body) = status_json(app.post(&format!("/api/v1/signatures/{}/erase", "nope"), &json!({})).await).await;
        assert_eq!(status, 404, "{body}");

        let (_, after) = export(&app, &app.token, &letter).await;
        let erased = signature_of(&after, "Access Now");
        assert_eq!(erased["representative_name"], "");
        assert_eq!(erased["representative_role"], "");
        assert_eq!(erased["email"], "");
        assert!(erased["comment"].is_null() && erased["erased_at"].is_string());
        assert_eq!(erased["state"], "published", "the organisation stays listed");
        assert_eq!(signature_of(&after, "Article 19")["representative_name"], "Ada Lovelace");
        assert!(!after.to_string().contains(access["email"].as_str().unwrap()), "the address is gone everywhere: {after}");
        let actions: Vec<&str> = after["audit_log"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert!(actions.contains(&"letter.exported") && actions.contains(&"signature.erased"), "{actions:?}");
        let outbox = app.outbox().await;
        assert!(!outbox.to_string().contains(access["email"].as_str().unwrap()), "{outbox}");

        // The public list, its counts and the ledger are as before.
        let list = app.signatories(&letter).await;
        assert_eq!(list["total"], 2, "{list}");
        let report = app.verify(&letter, None).await;
        assert!(report.ok(), "{report}");
        assert_eq!(report.listed, 2);

        // An update no longer reaches the erased signer.
        let (status, body) = status_json(send(&app, &app.token, &letter, "News").await).await;
        assert_eq!((status, body["recipients"].as_i64()), (201, Some(1)), "{body}");

        // The dashboard offers the erasure with a confirmation page, and the exports.
        let browser = Browser::new(&app);
        let r = browser.submit("/login", "/login", &[("email", crate::helpers::OWNER_EMAIL), ("password", PASSWORD)]).await;
        assert_eq!(r.status(), 303);
        let other = signature_of(&after, "Article 19")["id"].as_str().unwrap().to_string();
        let (_, html) = browser.page(&format!("/dashboard/letters/{letter}/signatures")).await;
        assert!(html.contains(&format!("/dashboard/signatures/{other}/erase")) && html.contains("erased</span>"), "{html}");
        let page = format!("/dashboard/signatures/{other}/erase");
        let r = browser.submit(&page, &page, &[("reason", "")]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), format!("/dashboard/letters/{letter}/signatures"));
        let (_, html) = browser.page(&format!("/dashboard/letters/{letter}")).await;
        assert!(html.contains("export.csv") && html.contains("/updates"), "{html}");
        let r = browser.client.get(app.url(&format!("/dashboard/letters/{letter}/export.csv"))).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let csv = r.text().await.unwrap();
        assert!(!csv.contains("Ada Lovelace"), "both erased: {csv}");
        assert_eq!(app.signatories(&letter).await["total"], 2);
    }
);

/// Set a letter's delivery time `days` days back, as if delivered then.
pub fn backdate_delivery(app: &TestApp, letter: &str, days: i64) {
    let when =
        (chrono::Utc::now().naive_utc() - chrono::Duration::days(days)).format("%Y-%m-%d %H:%M:%S");
    let sql = format!("UPDATE letters SET delivered_at = '{when}' WHERE slug = '{letter}'");
    let n = match app.backend {
        Backend::Sqlite => {
            let path = app.db.url.trim_start_matches("sqlite://");
            let mut c = diesel::SqliteConnection::establish(path).unwrap();
            // The app writes too: wait for its lock rather than fail.
            diesel::sql_query("PRAGMA busy_timeout = 10000")
                .execute(&mut c)
                .unwrap();
            diesel::sql_query(sql).execute(&mut c).unwrap()
        }
        Backend::Postgres => {
            let mut c = diesel::PgConnection::establish(&app.db.url).unwrap();
            diesel::sql_query(sql).execute(&mut c).unwrap()
        }
    };
    assert_eq!(n, 1);
}

db_test!(
    async fn retention_removes_addresses_only_of_letters_delivered_long_enough_ago(app, |s| {
        s.signer_email_retention_days = 30;
        s.retention_poll_ms = 50;
    }) {
        for slug in ["old", "recent"] {
            let letter = app.open_letter(slug, "auto").await;
            app.publish(&letter, &[("Access Now", "US")]).await;
            let r = app.post(&format!("/api/v1/letters/{letter}/transition"), &json!({"to": "closed"})).await;
            assert_eq!(r.status(), 200);
            // By hand: no delivery mail to shift the mails `publish` reads.
            let r = app.post(&format!("/api/v1/letters/{letter}/deliver"), &json!({"by_email": false})).await;
            assert_eq!(r.status(), 200);
        }
        backdate_delivery(&app, "old", 31);
        let mut old = Value::Null;
        for _ in 0..100 {
            old = export(&app, &app.token, "old").await.1;
            if signature_of(&old, "Access Now")["email"] == "" {
                break;
            }
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
        let signature = signature_of(&old, "Access Now");
        assert_eq!(signature["email"], "", "{old}");
        assert_eq!(signature["representative_name"], "Ada Lovelace", "only the address goes");
        assert!(signature["erased_at"].is_null());
        let removed: Vec<&Value> = old["audit_log"].as_array().unwrap().iter()
            .filter(|e| e["action"] == "letter.signer_emails_removed").collect();
        assert_eq!(removed.len(), 1);
        assert_eq!(removed[0]["details"], json!({"signatures": 1, "retention_days": 30}));
        settle().await;
        let recent = export(&app, &app.token, "recent").await.1;
        assert!(signature_of(&recent, "Access Now")["email"].as_str().unwrap().ends_with("@example.org"), "{recent}");
        let outbox = app.outbox().await;
        let blank = outbox["items"].as_array().unwrap().iter().filter(|m| m["recipient"] == "").count();
        assert_eq!(blank, 1, "the old letter's confirmation mail lost its recipient: {outbox}");
        assert_eq!(app.signatories("old").await["total"], 1);
    }
);

#[actix_web::test]
async fn a_signer_who_leaves_after_an_update_was_queued_is_not_mailed() {
    use crate::helpers::{TestDatabase, SECRET_KEY};
    use crate::mail::SmtpSink;
    use undersigned::domain::token::{Purpose, TokenKey};
    for backend in crate::helpers::backends() {
        eprintln!("--- running on {backend}");
        // SMTP is down while the update is queued and the signers leave.
        let port = SmtpSink::reserve_port();
        let app = TestApp::spawn_with(TestDatabase::new(backend), |s| {
            s.smtp_url = Some(format!("smtp://127.0.0.1:{port}").into());
            s.outbox_max_attempts = 10_000;
        })
        .await;
        let key = TokenKey::from_secret(SECRET_KEY).unwrap();
        let letter = app.open_letter("late", "auto").await;
        for (name, email) in [
            ("Stays Org", "stays@example.org"),
            ("Leaves Org", "leaves@example.org"),
            ("Quits Org", "quits@example.org"),
        ] {
            assert_eq!(
                app.sign(&letter, &signer(name, "FR", email)).await.status(),
                202
            );
        }
        let (_, all) = export(&app, &app.token, &letter).await;
        let id = |name: &str| signature_of(&all, name)["id"].as_str().unwrap().to_string();
        for name in ["Stays Org", "Leaves Org", "Quits Org"] {
            let token = key.derive(Purpose::ConfirmSignature, &id(name));
            let r = app
                .client
                .post(app.url("/api/v1/signatures/confirm"))
                .json(&json!({"token": token.as_str()}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
        }
        let (status, body) =
            status_json(send(&app, &app.token, &letter, "Queued news").await).await;
        assert_eq!(
            (status, body["recipients"].as_i64()),
            (201, Some(3)),
            "{body}"
        );
        // One unsubscribes with the link the mail will carry, one withdraws.
        let unsubscribe = key.derive(Purpose::Unsubscribe, &id("Leaves Org"));
        let r = app
            .client
            .post(app.url(&format!("/unsubscribe/{}", unsubscribe.as_str())))
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let withdraw = key.derive(Purpose::WithdrawSignature, &id("Quits Org"));
        let r = app
            .client
            .post(app.url("/api/v1/signatures/withdraw"))
            .json(&json!({"token": withdraw.as_str()}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);

        // An attempt that read the signers before they left may still be on its way (the
        // check is at send time, not at delivery): wait until every queued update has failed
        // twice more, so that its next attempt surely reads them after they left.
        let attempts = |outbox: &Value| -> Vec<(String, String, i64)> {
            outbox["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["kind"] == "letter_update")
                .map(|m| {
                    (
                        m["id"].as_str().unwrap().to_string(),
                        m["state"].as_str().unwrap().to_string(),
                        m["attempts"].as_i64().unwrap(),
                    )
                })
                .collect()
        };
        let before = attempts(&app.outbox().await);
        for _ in 0..400 {
            let now = attempts(&app.outbox().await);
            let done = now.iter().all(|(id, state, n)| {
                let was = before.iter().find(|(i, _, _)| i == id).map_or(0, |b| b.2);
                state != "queued" || *n >= was + 2
            });
            if done {
                break;
            }
            actix_web::rt::time::sleep(Duration::from_millis(25)).await;
        }
        let sink = SmtpSink::start_on_port(port);
        // Three confirmations and one update.
        sink.wait_for(4).await;
        settle().await;
        let mails = sink.mails();
        let updates: Vec<&ReceivedMail> = mails
            .iter()
            .filter(|m| m.subject.contains("Queued news"))
            .collect();
        assert_eq!(updates.len(), 1, "{mails:?}");
        assert_eq!(updates[0].to, ["stays@example.org"]);
        let mut notes = Vec::new();
        for _ in 0..100 {
            let outbox = app.outbox().await;
            notes = outbox["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| {
                    m["kind"] == "letter_update" && m["state"] == "sent" && m["sent_at"].is_null()
                })
                .map(|m| m["last_error"].as_str().unwrap().to_string())
                .collect::<Vec<_>>();
            if notes.len() == 2 {
                break;
            }
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
        notes.sort();
        assert_eq!(
            notes,
            [
                "not sent: the signature is no longer confirmed",
                "not sent: the signer unsubscribed"
            ]
        );
    }
}

db_test!(
    async fn the_operator_erases_every_signature_made_with_an_address(app) {
        let first = app.open_letter("one", "auto").await;
        app.publish(&first, &[("Access Now", "US")]).await;
        let second = app.open_letter("two", "auto").await;
        app.publish(&second, &[("Article 19", "GB")]).await;
        // The same person signs the second letter for another organisation.
        let (_, before) = export(&app, &app.token, &first).await;
        let address = signature_of(&before, "Access Now")["email"].as_str().unwrap().to_string();
        let r = app.sign(&second, &signer("Bits of Freedom", "NL", &address.to_uppercase())).await;
        assert_eq!(r.status(), 202);

        let settings = crate::helpers::settings_for(&app.db);
        let db = tokio::task::spawn_blocking(move || undersigned::startup::prepare_database(&settings))
            .await
            .unwrap()
            .unwrap();
        let (db2, email) = (db.clone(), address.clone());
        let out = tokio::task::spawn_blocking(move || undersigned::cli::erase(&db2, &email, Some("asked by mail")))
            .await
            .unwrap()
            .unwrap();
        assert!(out.starts_with("erased 2 signature(s)") && out.contains("one") && out.contains("two"), "{out}");
        let out = tokio::task::spawn_blocking(move || undersigned::cli::erase(&db, &address, None))
            .await
            .unwrap()
            .unwrap();
        assert!(out.contains("nothing was erased"), "{out}");

        let (_, one) = export(&app, &app.token, &first).await;
        assert_eq!(signature_of(&one, "Access Now")["email"], "");
        assert_eq!(signature_of(&one, "Access Now")["representative_name"], "");
        let (_, two) = export(&app, &app.token, &second).await;
        assert_eq!(signature_of(&two, "Bits of Freedom")["email"], "");
        assert!(signature_of(&two, "Article 19")["email"].as_str().unwrap().contains('@'), "another signer is untouched");
        let erased: Vec<&Value> = two["audit_log"].as_array().unwrap().iter().filter(|e| e["action"] == "signature.erased").collect();
        assert_eq!(erased.len(), 1);
        assert_eq!(erased[0]["actor_kind"], "operator");
        assert_eq!(erased[0]["details"]["reason"], "asked by mail");
        assert_eq!(app.signatories(&first).await["total"], 1);
    }
);

db_test!(
    async fn imported_addresses_get_no_updates(app) {
        let letter = app.open_letter("imported-mail", "auto").await;
        let (status, report) = status_json(
            app.post(
                "/api/v1/imports",
                &json!({"format": "csv", "letter": letter,
                        "content": "name,country,email\nListed Org,IE,contact@listed.example\n"}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 200, "{report}");
        app.publish(&letter, &[("Signed Org", "FR")]).await;
        let (status, body) = status_json(send(&app, &app.token, &letter, "Imported news").await).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["recipients"], 1, "only the signer who confirmed: {body}");
        settle().await;
        let mails = app.mail.mails();
        assert!(
            !mails.iter().any(|m| m.to.iter().any(|t| t == "contact@listed.example")),
            "{mails:?}"
        );
        assert_eq!(
            mails.iter().filter(|m| m.subject.contains("Imported news")).count(),
            1
        );
    }
);
