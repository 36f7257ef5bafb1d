//! The ledger: a signed hash chain of each letter's public list that `undersigned verify` checks
//! from the outside, and every way of changing the database behind the service's back that it
//! must catch.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde_json::{json, Value};
use undersigned::db::models::LedgerRow;
use undersigned::db::schema::ledger_entries;
use undersigned::db::{DatabaseUrl, Db};
use undersigned::verify::{verify, Options, Report};

use crate::db_test;
use crate::helpers::{ledger_key, signer, status_json, TestApp};

async fn leave(app: &TestApp, token: &str) {
    let r = app
        .client
        .post(app.url("/api/v1/signatures/withdraw"))
        .json(&json!({"token": token}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

async fn check(app: &TestApp, letter: &str, since: Option<std::path::PathBuf>) -> Report {
    // These tests change the database behind the service's back, as an intruder would; the
    // service serves what it read from memory for up to a second (issue 19), so a change shows
    // after that, as one made on another instance does.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(1100)).await;
    app.verify(letter, since).await
}

fn save(dir: &tempfile::TempDir, name: &str, value: &Value) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, value.to_string()).unwrap();
    path
}

fn db(app: &TestApp) -> Db {
    Db::connect(
        DatabaseUrl::parse(&app.db.url.clone().into()).unwrap(),
        1,
        Default::default(),
    )
    .unwrap()
}

db_test!(
    async fn a_saved_head_proves_the_list_only_changed_as_the_ledger_says(app) {
        let letter = app.open_letter("ledgered", "auto").await;
        let (_, key) = status_json(app.get("/.well-known/undersigned-ledger-key").await).await;
        assert_eq!(key, json!({"algorithm": "Ed25519", "public_key": ledger_key().public_hex()}));

        app.join(&letter, "Access Now", "US").await;
        let leaving = app.join(&letter, "Article 19", "GB").await.token("withdraw");
        app.join(&letter, "Bits of Freedom", "NL").await;
        let (_, yesterday) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
        assert_eq!(yesterday["ledger"]["length"], 4, "the text and three organisations: {yesterday}");
        let report = check(&app, &letter, None).await;
        assert!(report.ok(), "{report}");
        assert_eq!(report.listed, 3);

        leave(&app, &leaving).await;
        app.join(&letter, "Digitale Gesellschaft", "DE").await;
        let dir = tempfile::tempdir().unwrap();
        let saved = save(&dir, "yesterday.json", &yesterday);
        let report = check(&app, &letter, Some(saved.clone())).await;
        assert!(report.ok(), "{report}");
        assert_eq!((report.joined, report.left, report.listed), (1, 1, 3));
        let text = report.to_string();
        assert!(text.contains("- Article 19 (GB)"), "{text}");
        assert!(text.contains("+ Digitale Gesellschaft (DE)"), "{text}");

        // The same through the binary, as a journalist runs it.
        let (url, since) = (app.url(&format!("/letters/{letter}")), saved.display().to_string());
        let out = actix_web::rt::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_undersigned"))
                .args(["verify", &url, "--since", &since])
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{stdout}");
        assert!(stdout.contains("1 joined, 1 left; 3 listed now"), "{stdout}");
        assert!(stdout.ends_with("VERIFIED\n"), "{stdout}");

        // Pages add up to the whole ledger, which ends at the signed head.
        let (_, all) = status_json(app.get(&format!("/api/v1/letters/{letter}/ledger?all=true")).await).await;
        let entries = all["entries"].as_array().unwrap().clone();
        assert_eq!(entries.len(), 6);
        assert_eq!(all["head"]["length"], 6);
        assert_eq!(all["head"]["hash"], entries[5]["hash"]);
        assert_eq!(entries[0]["action"], "text");
        assert_eq!(entries[4]["action"], "withdrawn");
        let mut paged = Vec::new();
        let mut after = 0;
        loop {
            let (status, page) = status_json(app.get(&format!("/api/v1/letters/{letter}/ledger?after={after}&limit=4")).await).await;
            assert_eq!(status, 200);
            paged.extend(page["entries"].as_array().unwrap().iter().cloned());
            match page["next_after"].as_i64() {
                Some(next) => after = next,
                None => break,
            }
        }
        assert_eq!(paged, entries);
        let page = app.get(&format!("/letters/{letter}")).await.text().await.unwrap();
        // The page says it in plain words, with the record one link away (issue 22).
        assert!(page.contains("signed public record (6 changes so far)"), "{page}");
        assert!(page.contains(&format!("href=\"/api/v1/letters/{letter}/ledger\">See the record</a>")), "{page}");
        // The printed copy keeps the head's hash, the fingerprint a reader of paper can check.
        let head = all["head"]["hash"].as_str().unwrap();
        let print = app.get(&format!("/letters/{letter}/print")).await.text().await.unwrap();
        assert!(print.contains(head), "{print}");
        assert!(!print.contains("undersigned verify"), "{print}");
        for bad in ["limit=0", "limit=1001", "after=-1", "all=true&limit=5", "limit=x"] {
            let (status, body) = status_json(app.get(&format!("/api/v1/letters/{letter}/ledger?{bad}")).await).await;
            assert_eq!(status, 422, "{bad}: {body}");
            assert!(body["error"]["fields"].is_object(), "{bad}: {body}");
        }

        // A saved ledger and list check offline, against a pinned key.
        let (_, list) = status_json(app.get(&format!("/api/v1/letters/{letter}/signatories?all=true")).await).await;
        let saved_json = |name: &'static str, path: String| {
            let dir = &dir;
            let app = &app;
            async move {
                let (status, body) = status_json(app.get(&path).await).await;
                assert_eq!(status, 200, "{path}");
                save(dir, name, &body)
            }
        };
        let letter_json = saved_json("letter.json", format!("/api/v1/letters/{letter}")).await;
        let versions = saved_json("versions.json", format!("/api/v1/letters/{letter}/versions")).await;
        let translations = saved_json("translations.json", format!("/api/v1/letters/{letter}/translations")).await;
        let changes = saved_json("changes.json", format!("/api/v1/letters/{letter}/changes?limit=3")).await;
        let atom = dir.path().join("changes.atom");
        std::fs::write(&atom, app.get(&format!("/api/v1/letters/{letter}/changes.atom")).await.text().await.unwrap()).unwrap();
        let offline = |key: String| Options {
            source: save(&dir, "ledger.json", &all).display().to_string(),
            list: Some(save(&dir, "list.json", &list)),
            since: Some(saved.clone()),
            key: Some(key),
            letter: Some(letter_json.clone()),
            versions: Some(versions.clone()),
            translations: Some(translations.clone()),
            changes: Some(changes.clone()),
            atom: Some(atom.clone()),
        };
        let report = verify(&offline(ledger_key().public_hex())).await.unwrap();
        assert!(report.ok(), "{report}");
        // Issue 18, finding 8: the saved text and the saved page of the feed are checked too.
        let text = report.to_string();
        assert!(text.contains("ok    the text is what the ledger says (1 versions, 0 translations)"), "{text}");
        assert!(text.contains("ok    the change feed is what the ledger says (3 changes)"), "{text}");
        assert!(text.contains("ok    the Atom feed shows the latest changes"), "{text}");
        let original: Value = serde_json::from_str(&std::fs::read_to_string(&letter_json).unwrap()).unwrap();
        let mut edited = original.clone();
        edited["body"] = json!("We changed our minds.");
        save(&dir, "letter.json", &edited);
        let report = verify(&offline(ledger_key().public_hex())).await.unwrap();
        assert!(report.failure().unwrap().contains("the letter: its title and body hash to"), "{report}");
        save(&dir, "letter.json", &original);
        let stranger = undersigned::domain::ledger::LedgerKey::generate().public_hex();
        let report = verify(&offline(stranger)).await.unwrap();
        assert!(!report.ok(), "a key that is not the service's fails: {report}");
    }
);

/// A change made to the database behind the service's back.
struct Tamper {
    what: &'static str,
    /// SQL with `{letter}` for the letter's id.
    sql: &'static str,
    /// What the failure must say.
    names: &'static str,
}

const TAMPERS: &[Tamper] = &[
    Tamper { what: "time", sql: "UPDATE ledger_entries SET occurred_at = '2020-01-01 00:00:00' WHERE letter_id = '{letter}' AND seq = 3", names: "entry 3: was altered" },
    Tamper { what: "action", sql: "UPDATE ledger_entries SET action = 'removed' WHERE letter_id = '{letter}' AND seq = 3", names: "entry 3: was altered" },
    Tamper { what: "organisation", sql: "UPDATE ledger_entries SET organisation_slug = 'someone-else' WHERE letter_id = '{letter}' AND seq = 3", names: "entry 3: was altered" },
    Tamper { what: "name", sql: "UPDATE ledger_entries SET organisation_name = 'Forged' WHERE letter_id = '{letter}' AND seq = 3", names: "entry 3: was altered" },
    Tamper { what: "country", sql: "UPDATE ledger_entries SET country_code = 'FR' WHERE letter_id = '{letter}' AND seq = 3", names: "entry 3: was altered" },
    Tamper { what: "verification", sql: "UPDATE ledger_entries SET verification = 'coordinator' WHERE letter_id = '{letter}' AND seq = 3", names: "entry 3: was altered" },
    Tamper { what: "text hash", sql: "UPDATE ledger_entries SET text_hash = 'x' WHERE letter_id = '{letter}' AND seq = 3", names: "entry 3: was altered" },
    Tamper { what: "previous hash", sql: "UPDATE ledger_entries SET prev_hash = 'x' WHERE letter_id = '{letter}' AND seq = 3", names: "entry 3: does not follow" },
    Tamper { what: "hash", sql: "UPDATE ledger_entries SET hash = 'x' WHERE letter_id = '{letter}' AND seq = 3", names: "entry 3: was altered" },
    Tamper { what: "sequence number", sql: "UPDATE ledger_entries SET seq = 99 WHERE letter_id = '{letter}' AND seq = 3", names: "entry 3: has sequence number 4" },
    Tamper { what: "head signature", sql: "UPDATE ledger_entries SET head_signature = replace(head_signature, '0', '1') WHERE letter_id = '{letter}' AND seq = 5", names: "does not match the service's key" },
    Tamper { what: "an entry deleted", sql: "DELETE FROM ledger_entries WHERE letter_id = '{letter}' AND seq = 3", names: "entry 3: has sequence number 4" },
    Tamper {
        what: "two entries swapped",
        sql: "UPDATE ledger_entries SET seq = 100 WHERE letter_id = '{letter}' AND seq = 3; \
              UPDATE ledger_entries SET seq = 3 WHERE letter_id = '{letter}' AND seq = 4; \
              UPDATE ledger_entries SET seq = 4 WHERE letter_id = '{letter}' AND seq = 100",
        names: "entry 3: does not follow",
    },
    Tamper { what: "the last entry deleted", sql: "DELETE FROM ledger_entries WHERE letter_id = '{letter}' AND seq = 5", names: "chaos-computer-club (Chaos Computer Club) is listed, but no ledger entry published it" },
    Tamper { what: "a listed name changed", sql: "UPDATE public_signatories SET organisation_name = 'Forged' WHERE letter_id = '{letter}' AND organisation_slug = 'access-now'", names: "the list shows name \"Forged\"" },
    Tamper { what: "a listed organisation removed", sql: "DELETE FROM public_signatories WHERE letter_id = '{letter}' AND organisation_slug = 'access-now'", names: "access-now (Access Now) should be listed" },
    Tamper {
        what: "a signature published without an entry",
        sql: "UPDATE signatures SET state = 'published' WHERE letter_id = '{letter}' AND state = 'pending'; \
              INSERT INTO public_signatories (signature_id, letter_id, organisation_id, organisation_name, organisation_slug, \
                  sort_name, country_code, verification, text_hash, signed_at) \
              SELECT s.id, s.letter_id, o.id, o.name, o.slug, o.normalized_name, o.country_code, o.verification, s.text_hash, s.created_at \
              FROM signatures s JOIN organisations o ON o.id = s.organisation_id \
              WHERE s.letter_id = '{letter}' AND s.state = 'published' AND o.slug = 'ghost-org'",
        names: "ghost-org (Ghost Org) is listed, but no ledger entry published it",
    },
];

db_test!(
    async fn every_change_behind_the_services_back_fails_verification_and_names_the_first_bad_entry(app) {
        let letter = app.open_letter("tampered", "auto").await;
        app.join(&letter, "Access Now", "US").await;
        app.join(&letter, "Article 19", "GB").await;
        app.join(&letter, "Bits of Freedom", "NL").await;
        app.join(&letter, "Chaos Computer Club", "DE").await;
        // A signature that was never confirmed, for the unlogged insert.
        assert_eq!(app.sign(&letter, &signer("Ghost Org", "IT", "ghost@example.org")).await.status(), 202);
        let (_, saved) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
        let dir = tempfile::tempdir().unwrap();
        let saved = save(&dir, "head.json", &saved);
        let report = check(&app, &letter, Some(saved.clone())).await;
        assert!(report.ok(), "untouched: {report}");

        let db = db(&app);
        let mut conn = db.get().unwrap();
        let letter_id = saved_letter_id(&saved);
        let rows: Vec<LedgerRow> = ledger_entries::table
            .filter(ledger_entries::letter_id.eq(&letter_id))
            .select(LedgerRow::as_select())
            .load(&mut conn)
            .unwrap();
        assert_eq!(rows.len(), 5);
        let public: i64 = undersigned::db::schema::public_signatories::table.count().get_result(&mut conn).unwrap();
        for tamper in TAMPERS {
            let sql = tamper.sql.replace("{letter}", &letter_id);
            conn.batch_execute(&sql).unwrap_or_else(|e| panic!("{}: {e}", tamper.what));
            let report = check(&app, &letter, Some(saved.clone())).await;
            assert!(!report.ok(), "{}: not detected\n{report}", tamper.what);
            let failure = report.failure().unwrap();
            assert!(failure.contains(tamper.names), "{}: {failure}", tamper.what);
            restore(&mut conn, &letter_id, &rows, public);
            let report = check(&app, &letter, Some(saved.clone())).await;
            assert!(report.ok(), "after undoing {}: {report}", tamper.what);
        }

        // Rewriting history consistently, hashes and all, still needs the key to sign the head.
        let mut forged: Vec<_> = rows.iter().map(|r| r.entry().unwrap()).collect();
        forged[2].name = "Forged".into();
        for i in 2..forged.len() {
            forged[i].prev_hash = forged[i - 1].hash.clone();
            forged[i] = forged[i].clone().sealed(&letter_id);
        }
        for entry in &forged[2..] {
            diesel::update(ledger_entries::table.find((&letter_id, entry.seq)))
                .set((
                    ledger_entries::organisation_name.eq(&entry.name),
                    ledger_entries::prev_hash.eq(&entry.prev_hash),
                    ledger_entries::hash.eq(&entry.hash),
                ))
                .execute(&mut conn)
                .unwrap();
        }
        let report = check(&app, &letter, None).await;
        assert!(report.failure().unwrap().contains("does not match the service's key"), "{report}");
        // Re-signed by another key, it fails against the service's published one; and a head
        // saved before still proves the rewrite.
        let stranger = undersigned::domain::ledger::LedgerKey::generate();
        let last = forged.last().unwrap();
        let resigned = stranger.sign_head(&letter_id, last.seq, &last.hash).signature;
        diesel::update(ledger_entries::table.find((&letter_id, last.seq)))
            .set(ledger_entries::head_signature.eq(resigned))
            .execute(&mut conn)
            .unwrap();
        let report = check(&app, &letter, Some(saved.clone())).await;
        assert!(report.failure().unwrap().contains("does not match the service's key"), "{report}");
        let rewritten = report.checks.iter().find(|(what, _)| what.contains("extends")).unwrap();
        assert!(rewritten.1.as_ref().unwrap_err().contains("history was rewritten"), "{report}");
    }
);

fn saved_letter_id(path: &std::path::Path) -> String {
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    saved["id"].as_str().unwrap().to_string()
}

/// Put the ledger and the list back as they were.
fn restore(
    conn: &mut undersigned::db::DbConnection,
    letter_id: &str,
    rows: &[LedgerRow],
    public: i64,
) {
    use undersigned::db::schema::{public_signatories, signatures};
    diesel::delete(ledger_entries::table.filter(ledger_entries::letter_id.eq(letter_id)))
        .execute(conn)
        .unwrap();
    for row in rows {
        diesel::insert_into(ledger_entries::table)
            .values(row)
            .execute(conn)
            .unwrap();
    }
    conn.batch_execute(&format!(
        "UPDATE public_signatories SET organisation_name = 'Access Now' WHERE organisation_slug = 'access-now'; \
         DELETE FROM public_signatories WHERE organisation_slug = 'ghost-org'; \
         UPDATE signatures SET state = 'pending' WHERE letter_id = '{letter_id}' AND published_at IS NULL"
    ))
    .unwrap();
    let listed: i64 = public_signatories::table.count().get_result(conn).unwrap();
    if listed < public {
        // The deleted row: put it back from its signature.
        conn.batch_execute(&format!(
            "INSERT INTO public_signatories (signature_id, letter_id, organisation_id, organisation_name, organisation_slug, \
                 sort_name, country_code, verification, text_hash, signed_at) \
             SELECT s.id, s.letter_id, o.id, o.name, o.slug, o.normalized_name, o.country_code, o.verification, s.text_hash, s.published_at \
             FROM signatures s JOIN organisations o ON o.id = s.organisation_id \
             WHERE s.letter_id = '{letter_id}' AND o.slug = 'access-now'"
        ))
        .unwrap();
    }
    let pending: i64 = signatures::table
        .filter(signatures::state.eq("pending"))
        .count()
        .get_result(conn)
        .unwrap();
    assert_eq!(pending, 1);
}

db_test!(
    async fn a_letter_opened_before_ledgers_existed_gets_one_at_the_next_start(app) {
        let letter = app.open_letter("older", "auto").await;
        app.join(&letter, "Access Now", "US").await;
        app.join(&letter, "Article 19", "GB").await;
        let draft = app.letter("c-older", "still-a-draft").await;
        assert_eq!(draft["ledger"]["length"], 0);
        let db = db(&app);
        db.get().unwrap().batch_execute("DELETE FROM ledger_entries").unwrap();
        let report = check(&app, &letter, None).await;
        assert!(!report.ok(), "the list is not what an empty ledger says: {report}");

        let restarted = TestApp::spawn_with(app.db.share(), |_| {}).await;
        let report = check(&restarted, &letter, None).await;
        assert!(report.ok(), "{report}");
        assert_eq!((report.length, report.listed), (3, 2));
        let (_, entries) = status_json(restarted.get(&format!("/api/v1/letters/{letter}/ledger")).await).await;
        let actions: Vec<_> = entries["entries"].as_array().unwrap().iter().map(|e| e["action"].clone()).collect();
        assert_eq!(actions, [json!("text"), json!("published"), json!("published")]);
        let (_, draft) = status_json(restarted.get_authed("/api/v1/letters/still-a-draft").await).await;
        assert_eq!(draft["ledger"]["length"], 0, "a draft has nothing to log");
    }
);

db_test!(
    async fn concurrent_confirmations_extend_one_unbroken_chain(app) {
        let letter = app.open_letter("busy", "auto").await;
        let n = 16;
        for i in 0..n {
            let r = app.sign(&letter, &signer(&format!("Group {i}"), "FR", &format!("g{i}@example.org"))).await;
            assert_eq!(r.status(), 202);
        }
        let mails = app.mail.wait_for(n).await;
        let confirms = mails.iter().map(|mail| {
            app.client
                .post(app.url("/api/v1/signatures/confirm"))
                .json(&json!({"token": mail.token("confirm")}))
                .send()
        });
        for r in futures_util::future::join_all(confirms).await {
            assert_eq!(r.unwrap().status(), 200);
        }
        let report = check(&app, &letter, None).await;
        assert!(report.ok(), "{report}");
        assert_eq!((report.length, report.listed), (n as i64 + 1, n));
    }
);

/// Sign for `name` in `country` with a website, and confirm: listed on an `auto` letter.
async fn join_with_website(app: &TestApp, letter: &str, name: &str, country: &str, website: &str) {
    let mut body = signer(
        name,
        country,
        &format!("signer{}@example.org", app.mail.mails().len()),
    );
    body["website"] = json!(website);
    app.sign_and_confirm(letter, &body).await;
}

/// The first failed check's message, which must name `what`.
fn fails_naming(report: &Report, what: &str) {
    assert!(!report.ok(), "not detected ({what})\n{report}");
    let failure = report.failure().unwrap();
    assert!(failure.contains(what), "{failure}\n{report}");
}

db_test!(
    // Issue 18, finding 8: an edited letter body (and its version row) verified, since the text
    // was never hashed against the ledger's text entries.
    async fn an_edited_letter_body_fails_verification_even_with_its_hash_and_version_row(app) {
        let letter = app.open_letter("worded", "auto").await;
        app.join(&letter, "Access Now", "US").await;
        let new = json!({"body": "Dear Sir or Madam,\n\nWe ask you to **stop** now.", "note": "now"});
        assert_eq!(app.post(&format!("/api/v1/letters/{letter}/versions"), &new).await.status(), 201);
        let report = check(&app, &letter, None).await;
        assert!(report.ok(), "{report}");
        assert!(report.to_string().contains("ok    the text is what the ledger says (2 versions, 0 translations)"), "{report}");

        let (_, served) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
        let (id, title, body) = (served["id"].as_str().unwrap(), served["title"].as_str().unwrap(), served["body"].as_str().unwrap());
        let db = db(&app);
        let mut conn = db.get().unwrap();
        // The body alone: it no longer hashes to its text_hash.
        conn.batch_execute(&format!("UPDATE letters SET body = 'We withdraw our demands.' WHERE id = '{id}'")).unwrap();
        fails_naming(&check(&app, &letter, None).await, "the letter: its title and body hash to");
        // The body, its hash and its version row together: no text entry of the ledger has it.
        let forged = undersigned::domain::letter::text_hash(title, "We withdraw our demands.");
        conn.batch_execute(&format!(
            "UPDATE letters SET text_hash = '{forged}' WHERE id = '{id}'; \
             UPDATE letter_versions SET body = 'We withdraw our demands.', text_hash = '{forged}' \
                 WHERE letter_id = '{id}' AND version = 2"
        ))
        .unwrap();
        let report = check(&app, &letter, None).await;
        fails_naming(&report, &format!("the letter: its text (hash {forged}) is in no text entry of the ledger (and 1 more)"));
        // An older version rewritten instead.
        let original = undersigned::domain::letter::text_hash(title, body);
        conn.batch_execute(&format!(
            "UPDATE letters SET body = '{}', text_hash = '{original}' WHERE id = '{id}'; \
             UPDATE letter_versions SET body = '{}', text_hash = '{original}' WHERE letter_id = '{id}' AND version = 2; \
             UPDATE letter_versions SET title = 'Forged' WHERE letter_id = '{id}' AND version = 1",
            body.replace('\'', "''"),
            body.replace('\'', "''"),
        ))
        .unwrap();
        fails_naming(&check(&app, &letter, None).await, "version 1: its title and body hash to");
        conn.batch_execute(&format!("UPDATE letter_versions SET title = '{}' WHERE letter_id = '{id}' AND version = 1", title.replace('\'', "''"))).unwrap();
        let report = check(&app, &letter, None).await;
        assert!(report.ok(), "restored: {report}");
    }
);

db_test!(
    // Issue 18, finding 8: a listed organisation's website was not in the ledger, so a changed
    // link passed; a real change through the service must log an `updated` entry and pass.
    async fn a_listed_website_is_in_the_ledger_a_changed_link_fails_and_a_real_change_passes(app) {
        let letter = app.open_letter("linked", "auto").await;
        join_with_website(&app, &letter, "Access Now", "US", "https://www.accessnow.org/").await;
        let list = app.signatories(&letter).await;
        let website = list["items"][0]["website"].as_str().unwrap().to_string();
        let (_, ledger) = status_json(app.get(&format!("/api/v1/letters/{letter}/ledger?all=true")).await).await;
        let published = &ledger["entries"][1];
        assert_eq!((published["format"].as_i64(), published["website"].as_str()), (Some(2), Some(website.as_str())), "{ledger}");
        assert_eq!((ledger["entries"][0]["format"].as_i64(), ledger["entries"][0]["website"].as_str()), (Some(2), Some("")));
        let (_, saved) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
        let dir = tempfile::tempdir().unwrap();
        let saved = save(&dir, "before.json", &saved);
        assert!(check(&app, &letter, Some(saved.clone())).await.ok());

        let db = db(&app);
        let mut conn = db.get().unwrap();
        let point = |to: &str| format!("UPDATE public_signatories SET website = '{to}' WHERE organisation_slug = 'access-now'");
        conn.batch_execute(&point("https://phishing.example/")).unwrap();
        fails_naming(&check(&app, &letter, None).await, "access-now: the list shows website \"https://phishing.example/\"");
        conn.batch_execute(&point(&website)).unwrap();
        assert!(check(&app, &letter, None).await.ok());

        // Through the service: logged as `updated`, in the feed (and its Atom entry says so).
        let r = app.patch("/api/v1/organisations/access-now", &json!({"website": "https://accessnow.org/new"})).await;
        assert_eq!(r.status(), 200);
        let (_, ledger) = status_json(app.get(&format!("/api/v1/letters/{letter}/ledger?all=true")).await).await;
        let last = ledger["entries"].as_array().unwrap().last().unwrap().clone();
        assert_eq!((last["action"].as_str(), last["website"].as_str()), (Some("updated"), Some("https://accessnow.org/new")), "{last}");
        let atom = app.get(&format!("/api/v1/letters/{letter}/changes.atom")).await.text().await.unwrap();
        assert!(atom.contains("Changed: Access Now (United States"), "{atom}");
        let report = check(&app, &letter, Some(saved)).await;
        assert!(report.ok(), "{report}");
        assert!(report.to_string().contains("~ Access Now (US) [access-now] changed (unverified, https://accessnow.org/new)"), "{report}");
        conn.batch_execute(&point(&website)).unwrap();
        fails_naming(&check(&app, &letter, None).await, "access-now: the list shows website");
    }
);

db_test!(
    // Issue 18, finding 8: the change feed (JSON and Atom) was not checked against the ledger.
    async fn a_change_feed_item_removed_altered_or_made_up_fails_verification(app) {
        let letter = app.open_letter("fed", "auto").await;
        app.join(&letter, "Access Now", "US").await;
        let leaving = app.join(&letter, "Article 19", "GB").await.token("withdraw");
        app.join(&letter, "Bits of Freedom", "NL").await;
        leave(&app, &leaving).await;
        let report = check(&app, &letter, None).await;
        assert!(report.ok(), "{report}");
        let text = report.to_string();
        assert!(text.contains("ok    the change feed is what the ledger says (4 changes)"), "{text}");
        assert!(text.contains("ok    the Atom feed shows the latest changes"), "{text}");

        let db = db(&app);
        let mut conn = db.get().unwrap();
        let (_, served) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
        let id = served["id"].as_str().unwrap();
        let ghost = format!(
            "INSERT INTO signature_events (letter_id, signature_id, action, organisation_name, organisation_slug, country_code, occurred_at) \
             SELECT letter_id, signature_id, 'added', 'Ghost Org', 'ghost-org', country_code, occurred_at FROM signature_events \
             WHERE letter_id = '{id}' AND organisation_slug = 'access-now'"
        );
        let tampers = [
            (
                "UPDATE signature_events SET organisation_name = 'Forged' WHERE organisation_slug = 'access-now'",
                "shows name \"Forged\"",
                "UPDATE signature_events SET organisation_name = 'Access Now' WHERE organisation_slug = 'access-now'",
            ),
            (
                "UPDATE signature_events SET action = 'added' WHERE organisation_slug = 'article-19' AND action = 'withdrawn'",
                "(added article-19 at",
                "UPDATE signature_events SET action = 'withdrawn' WHERE id = (SELECT MAX(id) FROM signature_events WHERE organisation_slug = 'article-19')",
            ),
            (
                ghost.as_str(),
                "(added ghost-org at",
                "DELETE FROM signature_events WHERE organisation_slug = 'ghost-org'",
            ),
            (
                "DELETE FROM signature_events WHERE organisation_slug = 'bits-of-freedom'",
                "(published bits-of-freedom at",
                "",
            ),
        ];
        for (tamper, names, undo) in tampers {
            conn.batch_execute(tamper).unwrap();
            fails_naming(&check(&app, &letter, None).await, names);
            if !undo.is_empty() {
                conn.batch_execute(undo).unwrap();
                let report = check(&app, &letter, None).await;
                assert!(report.ok(), "after undoing {tamper}: {report}");
            }
        }
        assert!(check(&app, &letter, None).await.failure().unwrap().contains("is missing from the feed"));
    }
);

/// An entry's hash in format 1, written out here as docs/VERIFY.md states it (not through
/// `domain::ledger`), so that the test holds the format-1 encoding to the document.
fn format_1_hash(letter_id: &str, e: &undersigned::domain::ledger::Entry) -> String {
    use sha2::Digest;
    let seq = e.seq.to_string();
    let fields = [
        "undersigned-ledger-entry-v1",
        letter_id,
        &seq,
        &e.time,
        e.action.as_str(),
        &e.organisation,
        &e.name,
        &e.country,
        &e.verification,
        &e.text_hash,
        &e.prev_hash,
    ];
    let bytes: Vec<u8> = fields
        .iter()
        .flat_map(|f| format!("{}:{f},", f.len()).into_bytes())
        .collect();
    hex::encode(sha2::Sha256::digest(bytes))
}

db_test!(
    // Issue 18, finding 8: ledgers written before entry format 2 keep verifying, and new entries
    // extend them in format 2 (a mixed chain).
    async fn an_old_format_1_chain_still_verifies_and_format_2_entries_extend_it(app) {
        let letter = app.open_letter("aged", "auto").await;
        join_with_website(&app, &letter, "Access Now", "US", "https://www.accessnow.org/").await;
        app.join(&letter, "Article 19", "GB").await;
        let (_, served) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
        let letter_id = served["id"].as_str().unwrap().to_string();
        // Rewrite the ledger as format 1 wrote it: no website, the format-1 hashes, every head
        // signed by the service's key (as each append signed its own).
        let db = db(&app);
        let mut conn = db.get().unwrap();
        let rows: Vec<LedgerRow> = ledger_entries::table
            .filter(ledger_entries::letter_id.eq(&letter_id))
            .order(ledger_entries::seq.asc())
            .select(LedgerRow::as_select())
            .load(&mut conn)
            .unwrap();
        assert_eq!(rows.len(), 3);
        let mut prev = undersigned::domain::ledger::GENESIS.to_string();
        for row in &rows {
            let mut entry = undersigned::domain::ledger::Entry { format: 1, website: None, prev_hash: prev.clone(), ..row.entry().unwrap() };
            entry.hash = format_1_hash(&letter_id, &entry);
            diesel::update(ledger_entries::table.find((&letter_id, entry.seq)))
                .set((
                    ledger_entries::format.eq(1),
                    ledger_entries::website.eq(None::<String>),
                    ledger_entries::prev_hash.eq(&entry.prev_hash),
                    ledger_entries::hash.eq(&entry.hash),
                    ledger_entries::head_signature.eq(ledger_key().sign_head(&letter_id, entry.seq, &entry.hash).signature),
                ))
                .execute(&mut conn)
                .unwrap();
            prev = entry.hash;
        }
        let (_, old) = status_json(app.get(&format!("/api/v1/letters/{letter}/ledger?all=true")).await).await;
        assert!(old["entries"].as_array().unwrap().iter().all(|e| e["format"] == 1 && e.get("website").is_none()), "{old}");
        let report = check(&app, &letter, None).await;
        assert!(report.ok(), "a format-1 chain: {report}");
        let (_, saved) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
        let dir = tempfile::tempdir().unwrap();
        let saved = save(&dir, "old.json", &saved);

        // The service goes on in format 2: a signature, and a website change of an organisation
        // published in format 1.
        join_with_website(&app, &letter, "Bits of Freedom", "NL", "https://www.bof.nl/").await;
        assert_eq!(app.patch("/api/v1/organisations/access-now", &json!({"website": "https://accessnow.org/"})).await.status(), 200);
        let (_, mixed) = status_json(app.get(&format!("/api/v1/letters/{letter}/ledger?all=true")).await).await;
        let formats: Vec<_> = mixed["entries"].as_array().unwrap().iter().map(|e| e["format"].as_i64().unwrap()).collect();
        assert_eq!(formats, [1, 1, 1, 2, 2], "{mixed}");
        let report = check(&app, &letter, Some(saved)).await;
        assert!(report.ok(), "a mixed chain: {report}");
        assert_eq!((report.joined, report.left, report.listed), (1, 0, 3));
        // From its format-2 entry on, the website of an organisation published in format 1 is
        // checked too.
        conn.batch_execute("UPDATE public_signatories SET website = 'https://phishing.example/' WHERE organisation_slug = 'access-now'").unwrap();
        fails_naming(&check(&app, &letter, None).await, "access-now: the list shows website");
    }
);
