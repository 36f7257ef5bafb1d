//! Importing lists of signatory organisations: a preview that stores nothing and shows exactly
//! the lines to review, an import with countries chosen in review that fills the directory and
//! the letter's public list (ledger included), a second import that creates nothing, CSV with
//! websites and emails, the permissions, bad input, the dashboard's pages and the command line.

use serde_json::{json, Value};

use crate::db_test;
use crate::helpers::{location, status_json, Browser, TestApp, OWNER_EMAIL};

/// A list as coalitions keep them: countries as codes, English names with and without "the",
/// abbreviations, lower case, other languages; one ambiguous, one unknown, one missing.
pub const LIST: &str = "Access Now (US)
Bits of Freedom (the Netherlands)
Privacy International (UK)
Electronic Frontier Foundation (the United States)
La Quadrature du Net (France)
epicenter.works (Austria)
Digitalcourage (germany)
Iuridicum Remedium (Czech Republic)
Homo Digitalis (GRC)
Sursiendo (Côte d'Ivoire)
Rights Watch Kinshasa (Congo)
Atlantis Institute (Atlantis)
Nameless Network
Panoptykon Foundation (Poland)
Xnet (Spain)
Hermes Center (Italy)
Statewatch (Great Britain)
IT-Pol (DK)
Electronic Frontier Finland (Finland)
Open Rights Group – Scotland
Digitale Gesellschaft (Switzerland)
Vrijschrift (holland)
SHARE Foundation (Serbia)
Politiscope (Croatia)
Alternatif Bilisim (Türkiye)
Derechos Digitales (Chile)
Article 19 Brasil (brazil)
Kenya ICT Action Network (KE)
Digital Rights Foundation (Pakistan)
Chaos Computer Club (Deutschland)
";

async fn post(app: &TestApp, path: &str, body: &Value) -> (u16, Value) {
    status_json(app.post(path, body).await).await
}

fn line(report: &Value, n: u64) -> &Value {
    report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["line"] == n)
        .unwrap_or_else(|| panic!("no line {n} in {report}"))
}

fn review_lines(report: &Value) -> Vec<u64> {
    report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["status"] == "review")
        .map(|l| l["line"].as_u64().unwrap())
        .collect()
}

async fn directory_total(app: &TestApp) -> i64 {
    app.total("/api/v1/organisations").await
}

async fn audit_actions(app: &TestApp, letter: &str) -> Vec<(String, String)> {
    let body: Value = app
        .get_authed(&format!("/api/v1/letters/{letter}/audit?per_page=200"))
        .await
        .json()
        .await
        .unwrap();
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["actor_kind"].as_str().unwrap().to_string(),
                e["action"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

db_test!(
    async fn a_thirty_line_list_is_previewed_reviewed_imported_once_and_verifiable(app) {
        let letter = app.open_letter("imported", "manual").await;
        // One organisation is in the directory already, another has signed already.
        let (status, _) = post(&app, "/api/v1/organisations", &json!({"name": "Access Now", "country": "US"})).await;
        assert_eq!(status, 201);
        app.publish_auto_for_test(&letter).await;
        let before = directory_total(&app).await;
        let body = json!({"format": "text", "content": LIST, "letter": letter});

        // The preview: exactly the three unresolved lines, why, and nothing stored.
        let (status, preview) = post(&app, "/api/v1/imports/preview", &body).await;
        assert_eq!(status, 200, "{preview}");
        assert_eq!(preview["saved"], false);
        assert_eq!(review_lines(&preview), [11, 12, 13]);
        let congo = line(&preview, 11);
        assert_eq!(congo["issues"][0]["code"], "ambiguous_country");
        let candidates: Vec<&str> =
            congo["issues"][0]["candidates"].as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap()).collect();
        assert!(candidates.contains(&"CG") && candidates.contains(&"CD"), "{candidates:?}");
        assert_eq!(line(&preview, 12)["issues"][0]["code"], "unknown_country");
        assert_eq!(line(&preview, 13)["issues"][0]["code"], "no_country");
        for (n, code) in [(1, "US"), (2, "NL"), (3, "GB"), (4, "US"), (7, "DE"), (9, "GR"), (10, "CI"), (17, "GB"),
                          (20, "GB"), (22, "NL"), (25, "TR"), (28, "KE"), (30, "DE")] {
            assert_eq!(line(&preview, n)["country"], code, "line {n}");
            assert_eq!(line(&preview, n)["status"], "ready", "line {n}");
        }
        assert_eq!(line(&preview, 20)["name"], "Open Rights Group");
        assert_eq!(line(&preview, 1)["organisation"], "existing");
        assert_eq!(line(&preview, 1)["signature"], "new");
        assert_eq!(line(&preview, 2)["organisation"], "existing");
        assert_eq!(line(&preview, 2)["signature"], "already_signed");
        assert_eq!(line(&preview, 5)["organisation"], "new");
        let t = &preview["totals"];
        assert_eq!((t["lines"].as_u64(), t["ready"].as_u64(), t["review"].as_u64()), (Some(30), Some(27), Some(3)));
        assert_eq!((t["organisations_new"].as_u64(), t["organisations_existing"].as_u64()), (Some(25), Some(2)));
        assert_eq!((t["signatures_new"].as_u64(), t["already_signed"].as_u64()), (Some(26), Some(1)));
        assert_eq!(directory_total(&app).await, before, "a preview stores nothing");
        assert_eq!(app.signatories(&letter).await["total"], 1);

        // Import with two lines settled in review; the unknown country stays out.
        let mut settled = body.clone();
        settled["countries"] = json!({"11": "CD", "13": "Norway"});
        let (status, done) = post(&app, "/api/v1/imports", &settled).await;
        assert_eq!(status, 200, "{done}");
        assert_eq!(done["saved"], true);
        assert_eq!(review_lines(&done), [12]);
        let t = &done["totals"];
        assert_eq!((t["ready"].as_u64(), t["review"].as_u64()), (Some(29), Some(1)));
        assert_eq!((t["organisations_new"].as_u64(), t["organisations_existing"].as_u64()), (Some(27), Some(2)));
        assert_eq!((t["signatures_new"].as_u64(), t["already_signed"].as_u64()), (Some(28), Some(1)));
        assert_eq!(line(&done, 11)["country"], "CD");
        assert_eq!(directory_total(&app).await, before + 27);

        // The public list: every imported organisation under its country, marked imported; the
        // one that signed itself keeps its own verification; no email anywhere.
        let list: Value = app.get(&format!("/api/v1/letters/{letter}/signatories?limit=100")).await.json().await.unwrap();
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 29);
        let find = |name: &str| items.iter().find(|i| i["name"] == name).unwrap_or_else(|| panic!("{name} not listed"));
        assert_eq!(find("Rights Watch Kinshasa")["country"]["code"], "CD");
        assert_eq!(find("Nameless Network")["country"]["code"], "NO");
        assert_eq!(find("Sursiendo")["verification"], "imported");
        assert_eq!(find("Access Now")["verification"], "imported");
        assert_ne!(find("Bits of Freedom")["verification"], "imported");
        assert!(!items.iter().any(|i| i["name"] == "Atlantis Institute"));
        let (_, letter_json) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
        assert_eq!(letter_json["signatories"]["total"], 29);
        let germany = letter_json["signatories"]["countries"].as_array().unwrap().iter().find(|c| c["code"] == "DE").unwrap().clone();
        assert_eq!(germany["count"], 2);
        let page = app.get(&format!("/letters/{letter}")).await.text().await.unwrap();
        assert!(page.contains("Rights Watch Kinshasa") && page.contains("Chaos Computer Club"));
        let report = app.verify(&letter, None).await;
        assert!(report.ok(), "{report}");

        // The audit log: one event for the import, one per signature, by the coordinator.
        let actions = audit_actions(&app, &letter).await;
        let count = |a: &str| actions.iter().filter(|(k, x)| k == "user" && x == a).count();
        assert_eq!(count("import.applied"), 1, "{actions:?}");
        assert_eq!(count("signature.imported"), 28);

        // The same list again creates nothing.
        let (status, again) = post(&app, "/api/v1/imports", &settled).await;
        assert_eq!(status, 200, "{again}");
        let t = &again["totals"];
        assert_eq!((t["organisations_new"].as_u64(), t["organisations_existing"].as_u64()), (Some(0), Some(29)));
        assert_eq!((t["signatures_new"].as_u64(), t["already_signed"].as_u64()), (Some(0), Some(29)));
        assert_eq!(directory_total(&app).await, before + 27);
        assert_eq!(app.signatories(&letter).await["total"], 29);
        assert!(app.verify(&letter, None).await.ok());
    }
);

impl TestApp {
    /// Bits of Freedom signs `letter` (a manual letter) and is approved: published already.
    async fn publish_auto_for_test(&self, letter: &str) {
        self.publish(letter, &[("Bits of Freedom", "NL")]).await;
        let body: Value = self
            .get_authed(&format!(
                "/api/v1/letters/{letter}/signatures?state=confirmed"
            ))
            .await
            .json()
            .await
            .unwrap();
        let id = body["items"][0]["id"]
            .as_str()
            .expect("a confirmed signature")
            .to_string();
        let r = self
            .post(
                &format!("/api/v1/letters/{letter}/signatures/approve"),
                &json!({"ids": [id]}),
            )
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(self.signatories(letter).await["total"], 1);
    }
}

db_test!(
    async fn csv_brings_websites_and_private_emails_and_needs_no_letter(app) {
        let csv = "Country,Name,E-mail,Website,Notes\n\
                   the Netherlands,Bits of Freedom,office@bof.example,bof.nl,member since 2010\n\
                   FR,\"Quadrature du Net, La\",,https://www.laquadrature.net/,\n\
                   de,Digitalcourage,not an address,digitalcourage.de,\n";
        let (status, directory_only) = post(&app, "/api/v1/imports", &json!({"format": "csv", "content": csv})).await;
        assert_eq!(status, 200, "{directory_only}");
        assert_eq!(directory_only["letter"], Value::Null);
        assert_eq!(line(&directory_only, 2)["signature"], Value::Null);
        assert_eq!(line(&directory_only, 4)["issues"][0]["code"], "invalid_email");
        let slug = line(&directory_only, 2)["organisation_slug"].as_str().unwrap().to_string();
        let (_, org) = status_json(app.get_authed(&format!("/api/v1/organisations/{slug}")).await).await;
        assert_eq!(org["website"], "https://bof.nl/");
        assert_eq!(org["country"]["code"], "NL", "{org}");
        assert_eq!(line(&directory_only, 3)["name"], "Quadrature du Net, La");

        // On a letter: the email is kept with the signature, for coordinators only.
        let letter = app.open_letter("csv-letter", "auto").await;
        let (status, signed) =
            post(&app, "/api/v1/imports", &json!({"format": "csv", "content": csv, "letter": letter})).await;
        assert_eq!(status, 200, "{signed}");
        assert_eq!(line(&signed, 2)["organisation"], "existing");
        assert_eq!(line(&signed, 2)["signature"], "new");
        let private: Value = app
            .get_authed(&format!("/api/v1/letters/{letter}/signatures"))
            .await
            .json()
            .await
            .unwrap();
        let emails: Vec<&str> = private["items"].as_array().unwrap().iter().map(|s| s["email"].as_str().unwrap_or("")).collect();
        assert!(emails.contains(&"office@bof.example"), "{private}");
        let public = app.get(&format!("/api/v1/letters/{letter}/signatories.csv")).await.text().await.unwrap();
        assert!(public.contains("Bits of Freedom") && !public.contains("office@bof.example"), "{public}");
        assert!(app.mail.mails().is_empty(), "an import sends no mail");
    }
);

db_test!(
    async fn only_coordinators_import_and_only_into_open_or_closed_letters(app) {
        let letter = app.open_letter("guarded", "auto").await;
        let viewer = app.account("viewer@example.org", "Vera Viewer").await;
        app.add_member(&format!("c-{letter}"), "viewer@example.org", "viewer").await;
        let body = json!({"content": "Access Now (US)", "letter": letter});
        for path in ["/api/v1/imports/preview", "/api/v1/imports"] {
            let (status, answer) = status_json(app.post_as(&viewer, path, &body).await).await;
            assert_eq!(status, 403, "{answer}");
            let r = app.client.post(app.url(path)).json(&body).send().await.unwrap();
            assert_eq!(r.status(), 401);
        }
        // A coordinator of another coalition may fill the directory, not sign this letter.
        let other = app.account("other@example.org", "Otto Other").await;
        let r = app.post_as(&other, "/api/v1/coalitions", &json!({"slug": "elsewhere", "name": "Elsewhere"})).await;
        assert_eq!(r.status(), 201);
        let (status, _) = status_json(app.post_as(&other, "/api/v1/imports", &body).await).await;
        assert_eq!(status, 403);
        let (status, _) = status_json(app.post_as(&other, "/api/v1/imports", &json!({"content": "Access Now (US)"})).await).await;
        assert_eq!(status, 200);
        assert_eq!(app.signatories(&letter).await["total"], 0);

        // A draft, and a delivered letter, take no imports.
        app.letter(&format!("c-{letter}"), "draft-one").await;
        let (status, answer) = post(&app, "/api/v1/imports", &json!({"content": "X (FR)", "letter": "draft-one"})).await;
        assert_eq!((status, answer["error"]["code"].as_str()), (409, Some("letter_not_importable")), "{answer}");
        for to in ["closed", "delivered"] {
            let r = app.post(&format!("/api/v1/letters/{letter}/transition"), &json!({"to": to})).await;
            assert_eq!(r.status(), 200);
            let (status, answer) = post(&app, "/api/v1/imports/preview", &body).await;
            match to {
                "closed" => assert_eq!(status, 200, "a closed letter takes a list collected on paper: {answer}"),
                _ => assert_eq!(answer["error"]["code"], "letter_not_importable"),
            }
        }
    }
);

db_test!(
    async fn bad_input_names_each_field_and_stores_nothing(app) {
        let before = directory_total(&app).await;
        let (status, answer) = post(
            &app,
            "/api/v1/imports",
            &json!({"format": "xml", "content": " ", "countries": {"abc": "FR"}}),
        )
        .await;
        assert_eq!(status, 422, "{answer}");
        let fields = &answer["error"]["fields"];
        assert!(fields["format"][0].as_str().unwrap().contains("csv, text"), "{answer}");
        assert_eq!(fields["content"][0], "is required");
        assert!(fields["countries.abc"].is_array(), "{answer}");

        let (status, answer) = post(
            &app,
            "/api/v1/imports",
            &json!({"content": "Access Now (US)\nRights Watch (Congo)", "letter": "no-such-letter",
                    "countries": {"2": "Congo", "9": "FR"}}),
        )
        .await;
        assert_eq!(status, 422, "{answer}");
        let fields = &answer["error"]["fields"];
        assert!(fields["letter"].is_array(), "{answer}");

        let (status, answer) = post(
            &app,
            "/api/v1/imports",
            &json!({"content": "Access Now (US)\nRights Watch (Congo)", "countries": {"2": "Congo", "9": "FR"}}),
        )
        .await;
        assert_eq!(status, 422, "{answer}");
        let fields = &answer["error"]["fields"];
        assert!(fields["countries.2"][0].as_str().unwrap().contains("could mean"), "{answer}");
        assert!(fields["countries.9"][0].as_str().unwrap().contains("no organisation on line 9"), "{answer}");

        let (status, answer) = post(&app, "/api/v1/imports", &json!({"format": "csv", "content": "country\nFR\n"})).await;
        assert_eq!(status, 422);
        assert!(answer["error"]["fields"]["content"][0].as_str().unwrap().contains("name column"));
        let (status, answer) = post(&app, "/api/v1/imports", &json!({"content": "x", "extra": 1})).await;
        assert_eq!(status, 422, "{answer}");

        let huge = "Some Organisation (FR)\n".repeat(20_000);
        let (status, answer) = post(&app, "/api/v1/imports", &json!({"content": huge})).await;
        assert_eq!(status, 413, "{answer}");
        assert_eq!(directory_total(&app).await, before);
    }
);

db_test!(
    async fn the_dashboard_previews_a_list_lets_a_country_be_chosen_and_imports_it(app) {
        let letter = app.open_letter("from-dashboard", "auto").await;
        let browser = Browser::signed_in(&app, OWNER_EMAIL).await;
        let (status, page) = browser.page(&format!("/dashboard/letters/{letter}")).await;
        assert_eq!(status, 200);
        assert!(page.contains(&format!("/dashboard/imports?letter={letter}")), "the letter page links to the import");
        let (_, directory) = browser.page("/dashboard/organisations").await;
        assert!(directory.contains("href=\"/dashboard/imports\""));
        let (status, form) = browser.page(&format!("/dashboard/imports?letter={letter}")).await;
        assert_eq!(status, 200);
        assert!(form.contains(&format!("<option value=\"{letter}\" selected>")), "{form}");

        let content = "Access Now (US)\nRights Watch Kinshasa (Congo)\n<b>Atlantis</b> Institute (Atlantis)\n";
        let fields = [("format", "text"), ("letter", letter.as_str()), ("content", content)];
        let page_path = "/dashboard/imports";
        let r = browser.submit(page_path, "/dashboard/imports/preview", &fields).await;
        assert_eq!(r.status(), 200);
        let preview = r.text().await.unwrap();
        assert!(preview.contains("id=\"line-2\" class") || preview.contains("id=\"line-2\""), "{preview}");
        assert!(preview.contains("name=\"country.2\"") && preview.contains("name=\"country.3\""), "{preview}");
        assert!(!preview.contains("name=\"country.1\""));
        assert!(preview.contains("Atlantis") && !preview.contains("<b>Atlantis</b>"), "escaped");
        assert!(preview.contains("action=\"/dashboard/imports\""));
        assert_eq!(app.total("/api/v1/organisations").await, 0, "a preview stores nothing");

        // Without the CSRF token, nothing is saved.
        let r = browser
            .client
            .post(app.url("/dashboard/imports"))
            .form(&[("format", "text"), ("letter", letter.as_str()), ("content", content)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        // Save with Congo settled as the Democratic Republic; Atlantis stays for review.
        let mut save = fields.to_vec();
        save.push(("country.2", "CD"));
        save.push(("country.3", ""));
        let r = browser.submit(page_path, "/dashboard/imports", &save).await;
        // A line was left out: the page itself answers, so that its text is not lost.
        assert_eq!(r.status(), 200);
        let done = r.text().await.unwrap();
        assert!(done.contains("2 new organisations") && done.contains("line 3"), "{done}");
        let atlantis = "&#60;b&#62;Atlantis&#60;/b&#62; Institute (Atlantis)";
        let left_out = &done[done.find("id=\"left-out\"").expect("the lines left out are listed")..];
        assert!(left_out.contains(atlantis) && left_out.contains("not a country"), "{left_out}");
        let textarea = &done[done.find("<textarea").unwrap()..done.find("</textarea>").unwrap()];
        assert!(textarea.ends_with(&format!(">{atlantis}\n")), "only the line left out is back in the form: {textarea}");
        let list = app.signatories(&letter).await;
        assert_eq!(list["total"], 2);
        let codes: Vec<&str> = list["items"].as_array().unwrap().iter().map(|i| i["country"]["code"].as_str().unwrap()).collect();
        assert!(codes.contains(&"CD") && codes.contains(&"US"), "{codes:?}");
        let public = app.get(&format!("/letters/{letter}")).await.text().await.unwrap();
        assert!(public.contains("listed by the coalition"));
        // Corrected and imported on its own, nothing is left out: redirected to the notice.
        let fixed = [("format", "text"), ("letter", letter.as_str()), ("content", "Atlantis Institute (Greece)\n")];
        let r = browser.submit(page_path, "/dashboard/imports", &fixed).await;
        assert_eq!(r.status(), 303);
        let to = location(&r);
        assert!(to.starts_with("/dashboard/imports?"), "{to}");
        let (status, done) = browser.page(&to).await;
        assert_eq!(status, 200);
        assert!(done.contains("1 new organisations") && !done.contains("id=\"left-out\""), "{done}");
        assert_eq!(app.signatories(&letter).await["total"], 3);
        // The notice is made of numbers: an address cannot make the page say anything else.
        let (_, forged) = browser.page("/dashboard/imports?saved=1&review=3,Call%20us&letter=Send%20money%20now").await;
        assert!(forged.contains("for review: line 3.") && !forged.contains("Call us") && !forged.contains("Send money"));
    }
);

db_test!(
    async fn the_import_command_lists_lines_to_review_and_exits_3_until_they_are_settled(app) {
        use crate::helpers::{LEDGER_KEY, SECRET_KEY};
        use std::process::{Command, Output};
        let letter = app.open_letter("from-shell", "auto").await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("signatories.txt");
        std::fs::write(&file, "# from the paper list\nAccess Now (US)\nRights Watch (Congo)\n\n- EDRi (Belgium),\nAccess Now (USA)\n").unwrap();
        let run = |args: &[&str]| -> Output {
            Command::new(env!("CARGO_BIN_EXE_undersigned"))
                .arg("import")
                .args(args)
                .env("DATABASE_URL", &app.db.url)
                .env("UNDERSIGNED_DATA_DIR", app.db.data_dir())
                .env("UNDERSIGNED_SECRET_KEY", SECRET_KEY)
                .env("UNDERSIGNED_LEDGER_KEY", LEDGER_KEY)
                .env("UNDERSIGNED_LOG", "warn")
                .output()
                .unwrap()
        };
        let text = |o: &Output| format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        let path = file.to_str().unwrap();

        let out = run(&[path, "--letter", &letter, "--dry-run"]);
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
        let said = text(&out);
        assert!(said.contains("dry run") && said.contains("line 3: Rights Watch (Congo)") && said.contains("could mean"), "{said}");
        assert_eq!(app.total("/api/v1/organisations").await, 0);

        let out = run(&[path, "--letter", &letter]);
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
        let said = text(&out);
        assert!(said.contains("line 3:") && said.contains("line 6: repeats line 2"), "{said}");
        assert_eq!(app.signatories(&letter).await["total"], 2);

        let out = run(&[path, "--letter", &letter, "--country", "3=CD", "--as", OWNER_EMAIL]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(text(&out).contains("1 signatures added, 2 signed already"), "{}", text(&out));
        // Written by another process: the service shows it within a second (issue 19).
        crate::browser::eventually("the imported signature on the list", || async {
            Ok::<_, ()>((app.signatories(&letter).await["total"] == 3).then_some(()))
        })
        .await;
        assert!(app.verify(&letter, None).await.ok(), "the command signs the ledger with the service's key");
        let actions = audit_actions(&app, &letter).await;
        let imports: Vec<&str> = actions.iter().filter(|(_, a)| a == "import.applied").map(|(k, _)| k.as_str()).collect();
        assert_eq!(imports, ["system", "user"], "{actions:?}");

        let out = run(&[path, "--country", "3=Atlantis"]);
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out).contains("--country 3"), "{}", text(&out));
        let out = run(&[dir.path().join("missing.txt").to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out).contains("cannot read"), "{}", text(&out));
    }
);
