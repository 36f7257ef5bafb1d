//! Issue 22: the signer's path in the signer's language. The interface's language comes from
//! `?lang=`, then the visitor's remembered choice, then `Accept-Language`, then the letter's own
//! language; a letter without a text in that language shows its original text with a notice.

use serde_json::json;

use crate::db_test;
use crate::helpers::{status_json, TestApp, ADMIN_TOKEN};

async fn page(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut request = reqwest::Client::new().get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let r = request.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

db_test!(
    async fn the_page_speaks_the_visitors_language_and_keeps_the_letters_text(app) {
        let coalition = app.coalition("c").await;
        app.letter(&coalition, "l").await;
        let es = json!({"language": "es", "title": "Paren", "body": "Señora, señor:\n\nParen."});
        assert_eq!(app.post("/api/v1/letters/l/translations", &es).await.status(), 200);
        assert_eq!(app.post("/api/v1/letters/l/transition", &json!({"to": "open"})).await.status(), 200);

        // No choice made: the browser's language, when the interface has it.
        let (status, french) = page(&app, "/letters/l", &[("accept-language", "fr-BE, fr;q=0.9, en;q=0.5")]).await;
        assert_eq!(status, 200);
        assert!(french.contains("<html lang=\"fr\">"), "{french}");
        assert!(french.contains(">Signer la lettre</button>") && french.contains(">Pays <span class=\"meta\">(tapez le nom du pays pour le trouver)</span></label>"), "{french}");
        // The letter has no French text: its English one, marked as English, with a notice.
        assert!(french.contains("<div class=\"letter\" lang=\"en\">"), "{french}");
        assert!(french.contains("pas encore de traduction française"), "{french}");
        // A language the interface lacks: the letter's own (English here).
        let (_, english) = page(&app, "/letters/l", &[("accept-language", "pt-BR")]).await;
        assert!(english.contains("<html lang=\"en\">") && english.contains(">Sign the letter</button>"));
        assert!(!english.contains("id=\"untranslated\""));
        // The Spanish interface reads the Spanish text, with no notice.
        let (_, spanish) = page(&app, "/letters/l", &[("accept-language", "es")]).await;
        assert!(spanish.contains("<html lang=\"es\">") && spanish.contains("<h1>Paren</h1>"), "{spanish}");
        assert!(spanish.contains(">Firmar la carta</button>") && !spanish.contains("id=\"untranslated\""));
        assert!(spanish.contains("name=\"language\" value=\"es\""), "the form records the text read");

        // `?lang=` wins over the browser, and a remembered choice over the browser too.
        let (_, german) = page(&app, "/letters/l?lang=de", &[("accept-language", "fr")]).await;
        assert!(german.contains("<html lang=\"de\">") && german.contains("Brief unterzeichnen"), "{german}");
        let (_, chosen) = page(&app, "/letters/l", &[("accept-language", "fr"), ("cookie", "lang=de")]).await;
        assert!(chosen.contains("<html lang=\"de\">"), "{chosen}");

        // The switcher remembers the choice and goes back to the page in that language.
        let no_redirect = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let r = no_redirect.get(app.url("/language/es?to=/letters/l")).send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/letters/l?lang=es");
        let cookie = r.headers()["set-cookie"].to_str().unwrap();
        assert!(cookie.starts_with("lang=es;") && cookie.contains("Max-Age=31536000"), "{cookie}");
        // It goes nowhere but this site.
        for away in ["https://evil.example/", "//evil.example/x", "/\\evil.example"] {
            let r = no_redirect.get(app.url(&format!("/language/fr?to={}", urlencode(away)))).send().await.unwrap();
            assert_eq!(r.headers()["location"], "/?lang=fr", "{away}");
        }
        // Each language's page is the same for every reader of it, and says it differs by language.
        let r = reqwest::Client::new().get(app.url("/letters/l")).header("accept-language", "fr").send().await.unwrap();
        let vary = r.headers()["vary"].to_str().unwrap().to_string();
        assert!(vary.contains("Accept-Language") && vary.contains("Cookie"), "{vary}");
        assert!(r.headers().get("set-cookie").is_none());
    }
);

db_test!(
    async fn a_failed_sign_the_answer_and_the_link_pages_are_in_the_signers_language(app) {
        let letter = app.open_letter("l", "auto").await;
        let form = |email: &'static str| {
            vec![
                ("organisation_name", "Quadrature Org"),
                ("country", "FR"),
                ("website", ""),
                ("representative_name", "Anne"),
                ("representative_role", "Présidente"),
                ("email", email),
                ("consent", "yes"),
                ("interface", "fr"),
            ]
        };
        let post = |fields: Vec<(&'static str, &'static str)>| {
            let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
            client.post(app.url(&format!("/letters/{letter}/sign"))).header("origin", app.address.as_str()).form(&fields).send()
        };
        // A mistake: the form comes back in French, with its summary in French.
        let r = post(form("anne@host")).await.unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("<html lang=\"fr\">"), "{html}");
        assert!(html.contains("encore été signé : veuillez corriger ce champ</h3>"), "{html}");
        assert!(html.contains("<a href=\"#email\">Votre adresse e-mail :"), "{html}");
        assert!(html.contains("value=\"Quadrature Org\""), "what was typed is kept");
        // The message itself is French too (the API answers the same problem in English).
        let why = "ne peut pas recevoir de courrier : « host » n’est pas un domaine d’Internet";
        assert!(html.contains(&format!("<p class=\"error\" id=\"email-error\">{why}")), "{html}");
        let mut blank = form("anne@quadrature.example.org");
        blank.retain(|(field, _)| *field != "consent");
        blank[0].1 = " ";
        let html = post(blank).await.unwrap().text().await.unwrap();
        assert!(html.contains("organisation : ne doit pas être vide</a>"), "{html}");
        assert!(html.contains("vous devez accepter la notice de confidentialité pour signer"), "{html}");

        // Corrected: the answer page is in French too.
        let r = post(form("anne@quadrature.example.org")).await.unwrap();
        assert_eq!(r.status(), 303);
        let to = r.headers()["location"].to_str().unwrap().to_string();
        assert_eq!(to, format!("/letters/{letter}/signed?lang=fr"));
        let (_, signed) = page(&app, &to, &[]).await;
        assert!(signed.contains("<html lang=\"fr\">") && signed.contains("Consultez vos e-mails"), "{signed}");

        // The mail is in the language the signer signed in, and so is every later one.
        let mail = app.mail.wait_for(1).await.remove(0);
        assert!(mail.subject.starts_with("Veuillez confirmer votre signature : "), "{}", mail.subject);
        assert!(mail.text.starts_with("Bonjour Anne,") && mail.text.contains("Le lien fonctionne jusqu"), "{}", mail.text);
        let r = post(form("anne@quadrature.example.org")).await.unwrap();
        assert_eq!(r.status(), 303);
        let again = app.mail.wait_for(2).await.remove(1);
        assert!(again.subject.starts_with("Veuillez confirmer"), "the re-sent link: {}", again.subject);
        // The pages behind the mail's links speak the signer's language, whatever their
        // browser's; a language chosen on this browser (the cookie) wins.
        let confirm = format!("/signatures/confirm/{}", mail.token("confirm"));
        let (status, confirm_page) = page(&app, &confirm, &[("accept-language", "en-GB,en;q=0.9")]).await;
        assert_eq!(status, 200);
        assert!(confirm_page.contains("<html lang=\"fr\">") && confirm_page.contains("Confirmez votre signature"), "{confirm_page}");
        let (status, confirm_page) = page(&app, &confirm, &[("accept-language", "fr")]).await;
        assert_eq!(status, 200);
        assert!(confirm_page.contains("Confirmez votre signature") && confirm_page.contains(">Confirmer la signature</button>"), "{confirm_page}");
        let withdraw = format!("/signatures/withdraw/{}", mail.token("withdraw"));
        let (_, withdraw_page) = page(&app, &withdraw, &[("cookie", "lang=es")]).await;
        assert!(withdraw_page.contains("<html lang=\"es\">") && withdraw_page.contains("Retirar la firma"), "{withdraw_page}");
    }
);

/// The sign form's country options, in the page's order: (code, label).
fn country_options(html: &str) -> Vec<(String, String)> {
    let start = html
        .find("<select id=\"country\"")
        .expect("the sign form's country picker");
    let end = start + html[start..].find("</select>").unwrap();
    html[start..end]
        .split("<option value=\"")
        .skip(2) // what precedes the first option, and "Choose a country"
        .map(|option| {
            let (code, rest) = option.split_once('"').unwrap();
            let label = rest
                .split_once('>')
                .unwrap()
                .1
                .split("</option>")
                .next()
                .unwrap();
            (code.to_string(), label.to_string())
        })
        .collect()
}

/// The country headings of the list on a letter page, in order.
fn headings(html: &str) -> Vec<String> {
    html.split("<div class=\"country\"")
        .skip(1)
        .map(|group| {
            let h3 = group.split_once("<h3>").unwrap().1;
            h3.split(" <span class=\"count\">")
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

db_test!(
    // Issue 22, item 4: the country picker, the list's headings, the chart and a country's page
    // say each country's everyday name in the page's language (CLDR's), in that language's
    // order; the open data keeps the ISO names.
    async fn countries_go_by_their_everyday_names_in_the_pages_language(app) {
        // A territory the operator added has no CLDR name: it keeps the one it was given.
        let kosovo = json!({"code": "XK", "alpha3": "XKX", "name": "Kosova"});
        let (status, body) = status_json(app.post_as(ADMIN_TOKEN, "/api/v1/countries", &kosovo).await).await;
        assert_eq!(status, 201, "{body}");
        let letter = app.open_letter("l", "auto").await;
        let signed = [("Bits of Freedom", "NL"), ("Digitalcourage", "DE"), ("epicenter.works", "AT"), ("Open Rights Group", "GB")];
        app.publish(&letter, &signed).await;

        let (status, french) = page(&app, "/letters/l?lang=fr", &[]).await;
        assert_eq!(status, 200);
        assert!(french.contains("(tapez le nom du pays pour le trouver)"), "the hint: {french}");
        let options = country_options(&french);
        assert_eq!(options.len(), rust_iso3166::ALL.len() + 1, "{options:?}");
        let at = |code: &str| options.iter().position(|(c, _)| c == code).unwrap_or_else(|| panic!("{code}"));
        let label = |code: &str| options[at(code)].1.clone();
        assert_eq!(label("NL"), "Pays-Bas");
        assert_eq!(label("DE"), "Allemagne");
        assert_eq!(label("GB"), "Royaume-Uni");
        assert_eq!(label("XK"), "Kosova");
        assert_eq!(options[0].1, "Afghanistan");
        // French order: Allemagne before Autriche, the É's among the E's, Kosova among the K's.
        assert!(at("DE") < at("AT"));
        assert!(at("EE") < at("US") && at("US") < at("FI"), "Estonie, États-Unis, Finlande");
        assert!(at("KE") < at("XK") && at("XK") < at("KW"), "Kenya, Kosova, Koweït");
        assert_ne!(label("CG"), label("CD"), "the two Congos are told apart");
        // The submitted value is still the code.
        assert!(french.contains("<option value=\"NL\">Pays-Bas</option>"), "{french}");
        // The list under French headings, in French order; the chart's table and picture too.
        assert_eq!(headings(&french), ["Allemagne", "Autriche", "Pays-Bas", "Royaume-Uni"]);
        assert!(french.contains("<td>Royaume-Uni</td>"), "{french}");
        assert!(french.contains(&format!("src=\"/letters/{letter}/chart.svg?lang=fr\"")), "{french}");
        let chart = app.get(&format!("/letters/{letter}/chart.svg?lang=fr")).await.text().await.unwrap();
        assert!(chart.contains(">Royaume-Uni<") && chart.contains("Signataires par pays (4 en tout)"), "{chart}");

        let (_, german) = page(&app, "/letters/l?lang=de", &[]).await;
        let options = country_options(&german);
        let at = |code: &str| options.iter().position(|(c, _)| c == code).unwrap_or_else(|| panic!("{code}"));
        assert_eq!(options[at("AT")].1, "Österreich");
        assert_eq!(options[at("DE")].1, "Deutschland");
        assert!(at("OM") < at("AT") && at("AT") < at("PK"), "Oman, Österreich, Pakistan");
        assert_eq!(headings(&german), ["Deutschland", "Niederlande", "Österreich", "Vereinigtes Königreich"]);
        let (status, country) = page(&app, "/letters/l/countries/NL", &[("accept-language", "de")]).await;
        assert_eq!(status, 200);
        assert!(country.contains("<h1>Unterzeichnende aus Niederlande <span"), "{country}");

        // English: everyday names, not the ISO ones.
        let (_, english) = page(&app, "/letters/l", &[]).await;
        assert_eq!(headings(&english), ["Austria", "Germany", "Netherlands", "United Kingdom"]);
        assert!(!english.contains("Kingdom of the") && !english.contains("Great Britain"), "{english}");

        // The open data keeps the ISO names, whatever the page says.
        let (_, json) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
        let names: Vec<&str> = json["signatories"]["countries"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert!(names.contains(&"Netherlands (Kingdom of the)"), "{names:?}");
        let csv = app.get(&format!("/api/v1/letters/{letter}/signatories.csv")).await.text().await.unwrap();
        assert!(csv.contains("Netherlands (Kingdom of the)") && !csv.contains("Pays-Bas"), "{csv}");
    }
);

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

db_test!(
    async fn every_later_mail_to_a_signer_and_to_a_colleague_is_in_the_language_they_asked_in(app) {
        let letter = app.open_letter("l", "auto").await;
        let signer = |email: &str, interface: &str| {
            json!({"organisation_name": "Quadrature Org", "country": "FR", "representative_name": "Anne",
                   "representative_role": "Présidente", "email": email, "consent": true, "interface": interface})
        };
        let first = app.sign_and_confirm(&letter, &signer("anne@quadrature.example.org", "fr")).await;
        assert!(first.subject.starts_with("Veuillez confirmer"), "{}", first.subject);

        // A colleague asks in German: told in German that the organisation is listed, since when.
        let before = app.mail.mails().len();
        assert_eq!(app.sign(&letter, &signer("bernd@quadrature.example.org", "de")).await.status(), 202);
        let told = app.mail.wait_for_to(before, "bernd@quadrature.example.org").await;
        assert!(told.subject.starts_with("Quadrature Org hat bereits unterzeichnet: "), "{}", told.subject);
        assert!(told.text.contains("sie steht seit dem ") && told.text.contains(" auf der Liste"), "{}", told.text);
        assert!(told.html.contains("<html lang=\"de\">"), "{}", told.html);
        assert!(!told.text.contains("Anne") && !told.text.contains("anne@"), "names no one: {}", told.text);

        // Another domain signs for it in Spanish and confirms: the French signer is told, in French.
        let before = app.mail.mails().len();
        let held = app.sign_and_confirm(&letter, &signer("ana@otra.example.net", "es")).await;
        assert!(held.subject.starts_with("Confirme su firma: "), "{}", held.subject);
        let contested = app.mail.wait_for_to(before + 1, "anne@quadrature.example.org").await;
        assert!(contested.subject.starts_with("Une autre signature pour Quadrature Org : "), "{}", contested.subject);
        let words = contested.text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(words.contains("depuis une adresse chez otra.example.net,"), "{words}");
        assert!(words.contains("D'ici là, la vôtre reste sur la liste."), "{words}");

        // The coordinators' update reaches her in French around their own words.
        let email = "coordinator-l@example.org";
        let token = app.account(email, "Coordinator").await;
        app.add_member("c-l", email, "coordinator").await;
        let before = app.mail.mails().len();
        let r = app
            .post_as(&token, &format!("/api/v1/letters/{letter}/updates"), &json!({"subject": "Delivered", "body": "We **delivered** it."}))
            .await;
        assert_eq!(r.status(), 201);
        let update = app.mail.wait_for_to(before, "anne@quadrature.example.org").await;
        assert!(update.subject.starts_with("Delivered (nouvelles de « ") && update.subject.ends_with(" »)"), "{}", update.subject);
        assert!(update.text.contains("Pour ne plus recevoir de nouvelles de cette lettre, ouvrez :"), "{}", update.text);
        assert!(update.html.contains("<html lang=\"fr\">") && update.html.contains("<strong>delivered</strong>"), "{}", update.html);
    }
);
