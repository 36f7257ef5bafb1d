//! The coordinators' dashboard in headless Chromium (issue 24, items 1, 2 and 7): the first run
//! says what to do, organisations are invited by name (several at once, or a new one added on the
//! spot), a letter's campaign is chosen by its title, and every dashboard page fits a phone's
//! and a laptop's screen with nothing for axe-core to report. Without Chromium these skip, as
//! `browser.rs` says; the HTML-error test needs no browser.

use serde_json::{json, Value};

use crate::browser::Browser;
use crate::db_test;
use crate::helpers::{location, signer, status_json, TestApp, HOME, OWNER_EMAIL, PASSWORD};

/// Sign in at `/login` as the owner of [`HOME`].
async fn sign_in(browser: &Browser, app: &TestApp) {
    browser.goto(&app.url("/login")).await;
    browser.fill("email", OWNER_EMAIL).await;
    browser.fill("password", PASSWORD).await;
    browser.click_text("button", "Sign in").await;
    browser.wait_for_path("/dashboard").await;
}

/// Add organisations to the shared directory; returns their ids.
async fn directory(app: &TestApp, organisations: &[(&str, &str)]) -> Vec<String> {
    let added = crate::helpers::add_to_directory(app, organisations).await;
    added
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect()
}

/// The search's results as (organisation id, name, country) in page order.
async fn results(browser: &Browser) -> Vec<(String, String, String)> {
    let rows = browser
        .script(
            "return [...document.querySelectorAll('table.picker tbody tr')].map(tr => [
                tr.querySelector('input[type=checkbox]').value,
                tr.querySelector('label').textContent.trim(),
                tr.querySelectorAll('td')[1].textContent.trim()]);",
        )
        .await;
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |i: usize| r[i].as_str().unwrap().to_string();
            (s(0), s(1), s(2))
        })
        .collect()
}

/// Search the directory from the invitations page.
async fn search(browser: &Browser, q: &str) {
    browser.fill("q", q).await;
    // A second search's page has the same address and elements as the first's: wait for the
    // new one, not for the #found of the page being left.
    browser.mark_page().await;
    browser.click_text("button", "Search").await;
    browser.wait_for_new_page().await;
    browser.find("#found").await;
}

db_test!(
    async fn an_empty_coalition_shows_the_three_steps_and_write_a_letter_opens_the_form(app) {
        let Some(browser) = Browser::start().await else {
            return;
        };
        sign_in(&browser, &app).await;
        let steps = browser.texts_of(&format!("#first-run-{HOME} ol.steps > li strong")).await;
        assert_eq!(
            steps,
            ["1. Write the letter.", "2. Invite organisations.", "3. Open it for signatures."]
        );
        let guidance = browser.text_of(&format!("#first-run-{HOME}")).await;
        assert!(guidance.contains("Move to open") && guidance.contains("Invitations page"), "{guidance}");
        browser.axe("the first run's dashboard").await;
        browser.resize(390, 844).await;
        browser.axe("the first run's dashboard on a phone").await;
        browser.click_text("a.button", "Write a letter").await;
        browser.wait_for_path("/dashboard/letters/new").await;
        assert_eq!(browser.text_of("h1").await, "New letter of Home coalition");
        assert_eq!(browser.value("coalition").await, HOME);

        // A form sent back: a summary on top that links to each field, the message under it.
        browser.click_text("button", "Save").await;
        browser.find(".error-summary").await;
        let links = browser
            .script("return [...document.querySelectorAll('.error-summary a')].map(a => a.getAttribute('href'));")
            .await;
        assert!(links.as_array().unwrap().contains(&json!("#title")), "{links}");
        let under = browser
            .script("const e = document.getElementById('title-error'); return e && e.previousElementSibling.id;")
            .await;
        assert_eq!(under, json!("title"), "the message is under its field");
        assert_eq!(
            browser.script("return document.activeElement.className;").await,
            json!("error-summary"),
            "the summary takes the focus"
        );
        browser.axe("the letter form with its messages, on a phone").await;
        assert_eq!(app.total("/api/v1/letters?state=draft").await, 0, "nothing saved");

        // Once the coalition has a draft, the dashboard says what comes next for it.
        browser.fill("title", "Our first letter").await;
        browser.fill("body", "Dear Sir or Madam,\n\nPlease stop.").await;
        browser.fill("recipient_name", "The Chief Executive").await;
        browser.click_text("button", "Save").await;
        browser.wait_for_path("/dashboard/letters/our-first-letter").await;
        browser.goto(&app.url("/dashboard")).await;
        assert!(browser.find_all(&format!("#first-run-{HOME}")).await.is_empty());
        assert_eq!(
            browser.text_of(".next-step").await,
            "Next: invite organisations · open it for signatures"
        );
        browser.close().await;
    }
);

db_test!(
    async fn coordinators_invite_by_name_several_at_once_and_add_a_new_organisation_on_the_spot(app) {
        let Some(browser) = Browser::start().await else {
            return;
        };
        let letter = app.open_letter("by-name", "auto").await;
        directory(
            &app,
            &[("EDRi", "BE"), ("Digitale Gesellschaft", "DE"), ("Homo Digitalis", "GR"), ("Access Now", "US")],
        )
        .await;
        sign_in(&browser, &app).await;
        let page = format!("/dashboard/letters/{letter}/invitations");
        browser.goto(&app.url(&page)).await;

        // Capitals do not matter: "edri" finds EDRi, shown with its country and no slug.
        search(&browser, "edri").await;
        let found = results(&browser).await;
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].1.as_str(), found[0].2.as_str()), ("EDRi", "Belgium"));
        assert!(!browser.text().await.contains("edri "), "no slug shown");
        browser.axe("the invitations page with a search's results").await;

        // Two at once; an address left blank sends nothing and says so under its field.
        search(&browser, "DIGITAL").await;
        let found = results(&browser).await;
        let names: Vec<&str> = found.iter().map(|(_, n, _)| n.as_str()).collect();
        assert_eq!(names, ["Digitale Gesellschaft", "Homo Digitalis"]);
        let (dg, hd) = (&found[0].0, &found[1].0);
        browser.click(&format!("#pick-{dg}")).await;
        browser.click(&format!("#pick-{hd}")).await;
        browser.fill(&format!("email.{dg}"), "office@digitalegesellschaft.example").await;
        browser.click_text("button", "Invite the ticked organisations").await;
        browser.find(".error-summary").await;
        let summary = browser.text_of(".error-summary").await;
        assert!(summary.contains("Homo Digitalis:"), "{summary}");
        assert!(browser.find_all(&format!("#email-{hd}-error")).await.len() == 1);
        let ticked = browser
            .script(&format!("return [document.getElementById('pick-{dg}').checked, document.getElementById('pick-{hd}').checked];"))
            .await;
        assert_eq!(ticked, json!([true, true]), "ticks are kept");
        assert_eq!(browser.value(&format!("email.{dg}")).await, "office@digitalegesellschaft.example");
        browser.axe("the invitations page with a message").await;
        let (_, listed) = status_json(app.get_authed(&format!("/api/v1/letters/{letter}/invitations")).await).await;
        assert_eq!(listed["total"], 0, "nothing sent: {listed}");

        browser.fill(&format!("email.{hd}"), "info@homodigitalis.example").await;
        browser.click_text("button", "Invite the ticked organisations").await;
        browser
            .wait_for_text_of("p.notice", "Invited 2, invited again 0, already signed 0.")
            .await;
        let mails = app.mail.wait_for(2).await;
        let mut to: Vec<&str> = mails.iter().map(|m| m.to[0].as_str()).collect();
        to.sort();
        assert_eq!(to, ["info@homodigitalis.example", "office@digitalegesellschaft.example"]);
        for mail in &mails {
            assert!(mail.subject.contains("is invited to sign"), "{}", mail.subject);
            assert!(!mail.invitation_token().is_empty());
        }

        // A new organisation: added to the directory and the coalition's members, and invited.
        browser.fill("new.name", "Bits of Freedom").await;
        browser.select("new.country", "NL").await;
        browser.fill("new.email", "office@bitsoffreedom.example").await;
        browser.click_text("button", "Add and invite").await;
        browser
            .wait_for_text_of("p.notice", "The organisation was added to the directory and invited.")
            .await;
        assert!(browser.text_of("#invited").await.contains("Bits of Freedom"));
        let mail = app.mail.wait_for_to(2, "office@bitsoffreedom.example").await;
        assert!(mail.subject.contains("is invited to sign"), "{}", mail.subject);
        let (_, found) = status_json(app.get_authed("/api/v1/organisations?q=bits").await).await;
        assert_eq!(found["items"][0]["country"]["code"], "NL", "{found}");
        let (_, members) = status_json(app.get_authed(&format!("/api/v1/coalitions/c-{letter}/organisations")).await).await;
        assert_eq!(members["items"][0]["organisation"]["name"], "Bits of Freedom", "{members}");

        // Adding one that is there already is refused at its field, and adds nothing.
        browser.fill("new.name", "edri").await;
        browser.select("new.country", "BE").await;
        browser.fill("new.email", "brussels@edri.example").await;
        browser.click_text("button", "Add and invite").await;
        browser.find("#new\\.name-error").await;
        assert!(browser.text_of("#new\\.name-error").await.contains("is in the directory already"));
        assert_eq!(app.total("/api/v1/organisations").await, 5);
        let (_, listed) = status_json(app.get_authed(&format!("/api/v1/letters/{letter}/invitations")).await).await;
        assert_eq!(listed["total"], 3, "{listed}");

        // A blank search lists the coalition's members, ticked and invited as well.
        search(&browser, "").await;
        let found = results(&browser).await;
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, "Bits of Freedom");
        assert_eq!(browser.value(&format!("email.{}", found[0].0)).await, "office@bitsoffreedom.example", "the last address");
        browser.close().await;
    }
);

db_test!(
    async fn a_letter_joins_a_campaign_chosen_by_its_title(app) {
        let Some(browser) = Browser::start().await else {
            return;
        };
        let (status, body) = status_json(
            app.post(
                "/api/v1/campaigns",
                &json!({"coalition": HOME, "slug": "no-spyware-2027", "title": "No spyware"}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 201, "{body}");
        sign_in(&browser, &app).await;
        browser.goto(&app.url(&format!("/dashboard/letters/new?coalition={HOME}"))).await;
        let options = browser
            .script("return [...document.querySelectorAll('#campaign option')].map(o => [o.value, o.textContent]);")
            .await;
        assert_eq!(options, json!([["", "None"], ["no-spyware-2027", "No spyware"]]));
        browser.fill("title", "Stop spyware").await;
        browser.fill("body", "Dear Chief Executive,\n\nStop selling spyware.").await;
        browser.fill("recipient_name", "The Chief Executive").await;
        browser.select("campaign", "no-spyware-2027").await;
        browser.click_text("button", "Save").await;
        browser.wait_for_path("/dashboard/letters/stop-spyware").await;
        assert!(browser.text().await.contains("Campaign: No spyware"));
        let (_, letter) = status_json(app.get_authed("/api/v1/letters/stop-spyware").await).await;
        assert_eq!(letter["campaign"], "no-spyware-2027", "the API keeps the slug: {letter}");
        // Editing shows it chosen, by its title.
        browser.goto(&app.url("/dashboard/letters/stop-spyware/edit")).await;
        let chosen = browser
            .script("const s = document.getElementById('campaign'); return s.options[s.selectedIndex].textContent;")
            .await;
        assert_eq!(chosen, json!("No spyware"));
        browser.close().await;
    }
);

/// Move a letter of the owner's to `to` through the API.
async fn move_to(app: &TestApp, letter: &str, to: &str) {
    let r = app
        .post(
            &format!("/api/v1/letters/{letter}/transition"),
            &json!({"to": to}),
        )
        .await;
    assert_eq!(
        r.status(),
        200,
        "{letter} to {to}: {}",
        r.text().await.unwrap_or_default()
    );
}

/// A coalition with a letter in each state, signatures in each state, invitations, a campaign,
/// directory entries, members, an import and a coordinator: (the open letter, a signature's id).
async fn populate(app: &TestApp) -> (String, String) {
    let long = "A-very-long-organisation-name-without-any-space-that-must-wrap-on-a-phone";
    let (status, body) = status_json(
        app.post(
            "/api/v1/campaigns",
            &json!({"coalition": HOME, "slug": "spyware", "title": "No spyware",
                    "goal": {"organisations": 30, "countries": 25, "date": "2027-06-30"}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    for slug in [
        "draft-one",
        "open-one",
        "closed-one",
        "delivered-one",
        "archived-one",
    ] {
        app.letter(HOME, slug).await;
    }
    let r = app
        .patch(
            "/api/v1/letters/open-one",
            &json!({"moderation": "manual", "campaign": "spyware"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    for slug in ["open-one", "closed-one", "delivered-one", "archived-one"] {
        move_to(app, slug, "open").await;
    }
    app.publish("closed-one", &[("Listed in Belgium", "BE"), (long, "FR")])
        .await;
    for slug in ["closed-one", "delivered-one", "archived-one"] {
        move_to(app, slug, "closed").await;
    }
    for slug in ["delivered-one", "archived-one"] {
        let r = app
            .post(&format!("/api/v1/letters/{slug}/deliver"), &json!({}))
            .await;
        assert_eq!(r.status(), 200);
    }
    move_to(app, "archived-one", "archived").await;
    // The open letter: signatures waiting for moderation and one not confirmed yet.
    for (i, (name, country)) in [("Awaiting in Spain", "ES"), (long, "PT")]
        .iter()
        .enumerate()
    {
        let email = format!("waiting{i}@a-rather-long-domain-name-for-an-address.example.org");
        app.sign_and_confirm("open-one", &signer(name, country, &email))
            .await;
    }
    let r = app
        .sign(
            "open-one",
            &signer("Pending in Italy", "IT", "pending@example.it"),
        )
        .await;
    assert_eq!(r.status(), 202);
    // The directory, members, invitations.
    let ids = directory(
        app,
        &[("EDRi", "BE"), ("Homo Digitalis", "GR"), (long, "DE")],
    )
    .await;
    let path = format!("/api/v1/coalitions/{HOME}/organisations");
    for id in &ids {
        let r = app.post(&path, &json!({"organisation": id})).await;
        assert_eq!(r.status(), 201);
    }
    let invitations: Vec<Value> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| json!({"organisation": id, "email": format!("member{i}@a-rather-long-domain-name-for-an-address.example.org")}))
        .collect();
    let (status, body) = status_json(
        app.post(
            "/api/v1/letters/open-one/invitations",
            &json!({"invitations": invitations}),
        )
        .await,
    )
    .await;
    assert!(status == 200 || status == 201, "{status} {body}");
    // An import onto the open letter, and a viewer among the coordinators.
    let (status, body) = status_json(
        app.post(
            "/api/v1/imports",
            &json!({"content": "Bits of Freedom (the Netherlands)\nepicenter.works (AT)", "letter": "open-one"}),
        )
        .await,
    )
    .await;
    assert!(status == 200 || status == 201, "{status} {body}");
    app.account("viewer@undersigned.test", "Vera Viewer").await;
    app.add_member(HOME, "viewer@undersigned.test", "viewer")
        .await;
    let (_, queue) = status_json(
        app.get_authed("/api/v1/letters/open-one/signatures?state=confirmed")
            .await,
    )
    .await;
    let signature = queue["items"][0]["id"]
        .as_str()
        .expect("a signature")
        .to_string();
    ("open-one".to_string(), signature)
}

/// Whether the page as it is fits the window's width, and what axe-core finds on it.
async fn check_page(browser: &Browser, context: &str, problems: &mut Vec<String>) {
    let fits = "return [document.documentElement.scrollWidth, window.innerWidth];";
    let sizes = browser.script(fits).await;
    let (scroll, inner) = (sizes[0].as_i64().unwrap(), sizes[1].as_i64().unwrap());
    if scroll > inner {
        let wide = browser
            .script(
                "return [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                    .slice(0, 3).map(e => e.tagName + (e.id ? '#' + e.id : '') + ' ' + (e.textContent || '').slice(0, 40));",
            )
            .await;
        problems.push(format!(
            "{context} is {scroll} px wide in {inner} px: {wide}"
        ));
    }
    // Ids are unique, so that each label names its own field (axe no longer checks this).
    let twice = browser
        .script(
            "const seen = {}; for (const e of document.querySelectorAll('[id]')) seen[e.id] = (seen[e.id] || 0) + 1;
             return Object.keys(seen).filter(id => seen[id] > 1);",
        )
        .await;
    if twice != json!([]) {
        problems.push(format!("{context} has ids used twice: {twice}"));
    }
    if let Some(report) = browser
        .axe_findings(context)
        .await
        .and_then(|found| found.report(context))
    {
        problems.push(report);
    }
}

db_test!(
    async fn no_dashboard_page_is_wider_than_a_phone_or_a_laptop_and_axe_finds_nothing_on_any(app) {
        let Some(browser) = Browser::start().await else {
            return;
        };
        let (open, signature) = populate(&app).await;
        let organisation = status_json(app.get_authed("/api/v1/organisations/edri").await).await.1["slug"]
            .as_str()
            .unwrap()
            .to_string();
        // Every HTML page of the dashboard, as one list (add new pages here).
        let pages: Vec<String> = [
            "/dashboard".to_string(),
            format!("/dashboard/letters/new?coalition={HOME}"),
            "/dashboard/letters/draft-one".to_string(),
            "/dashboard/letters/draft-one/edit".to_string(),
            format!("/dashboard/letters/{open}"),
            format!("/dashboard/letters/{open}/edit"),
            format!("/dashboard/letters/{open}/signatures"),
            format!("/dashboard/letters/{open}/signatures?state=confirmed"),
            format!("/dashboard/letters/{open}/invitations"),
            format!("/dashboard/letters/{open}/invitations?q="),
            format!("/dashboard/letters/{open}/updates"),
            format!("/dashboard/letters/{open}/versions"),
            format!("/dashboard/letters/{open}/audit"),
            format!("/dashboard/letters/{open}/find"),
            format!("/dashboard/letters/{open}/find?email_domain=a-rather-long-domain-name-for-an-address.example.org"),
            format!("/dashboard/signatures/{signature}/erase"),
            "/dashboard/letters/closed-one".to_string(),
            "/dashboard/letters/closed-one/signatures".to_string(),
            "/dashboard/letters/delivered-one".to_string(),
            "/dashboard/letters/archived-one".to_string(),
            // The confirm page of every move (issue 24, item 3).
            "/dashboard/letters/draft-one/transition/open".to_string(),
            format!("/dashboard/letters/{open}/transition/closed"),
            "/dashboard/letters/closed-one/transition/open".to_string(),
            "/dashboard/letters/closed-one/transition/delivered".to_string(),
            "/dashboard/letters/delivered-one/transition/archived".to_string(),
            // A draft's invitations, kept until it opens; its audit log filtered.
            "/dashboard/letters/draft-one/invitations".to_string(),
            format!("/dashboard/letters/{open}/audit?kind=signature"),
            format!("/dashboard/coalitions/{HOME}/audit"),
            format!("/dashboard/coalitions/{HOME}/members"),
            format!("/dashboard/coalitions/{HOME}/organisations"),
            "/dashboard/campaigns".to_string(),
            "/dashboard/campaigns/spyware".to_string(),
            "/dashboard/organisations".to_string(),
            "/dashboard/organisations?q=edri".to_string(),
            "/dashboard/organisations/new".to_string(),
            format!("/dashboard/organisations/{organisation}"),
            "/dashboard/countries".to_string(),
            "/dashboard/outbox".to_string(),
            "/dashboard/imports".to_string(),
            format!("/dashboard/imports?letter={open}"),
            "/account".to_string(),
        ]
        .to_vec();
        sign_in(&browser, &app).await;
        // Every problem on every page, reported together.
        let mut problems: Vec<String> = Vec::new();
        for (width, height) in [(390, 844), (1280, 900)] {
            browser.resize(width, height).await;
            for page in &pages {
                browser.goto(&app.url(page)).await;
                let title = browser.script("return document.title;").await;
                let title = title.as_str().unwrap_or_default();
                if ["Not found", "Not allowed", "Something went wrong"].iter().any(|t| title.starts_with(t)) {
                    problems.push(format!("{page} is an error page: {title}"));
                    continue;
                }
                check_page(&browser, &format!("{page} at {width} px"), &mut problems).await;
            }
            // The import's preview, a wide table, in the state a coordinator sees it.
            browser.goto(&app.url(&format!("/dashboard/imports?letter={open}"))).await;
            browser
                .fill("content", "Access Now (US)\nSomething-with-a-very-long-name-that-does-not-break (Atlantis)\nArticle 19 (GB)")
                .await;
            browser.click_text("button", "Preview").await;
            browser.find("#totals").await;
            check_page(&browser, &format!("the import preview at {width} px"), &mut problems).await;
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        browser.close().await;
    }
);

db_test!(
    async fn a_refusal_is_a_page_for_a_browser_and_json_for_the_api(app) {
        let letter = app.open_letter("refused", "auto").await;
        app.account("viewer@undersigned.test", "Vera Viewer").await;
        app.add_member(&format!("c-{letter}"), "viewer@undersigned.test", "viewer").await;
        let viewer = crate::helpers::Browser::signed_in(&app, "viewer@undersigned.test").await;
        let accept = "text/html,application/xhtml+xml,*/*;q=0.8";
        // A viewer's post to move the letter on: refused, as a page in the site's look.
        let page = format!("/dashboard/letters/{letter}");
        let r = viewer.submit(&page, &format!("{page}/transition/closed"), &[]).await;
        assert_eq!(r.status(), 403);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let html = r.text().await.unwrap();
        assert!(html.contains("<h1>Not allowed</h1>") && html.contains("<header>"), "{html}");
        assert!(!html.contains("\"error\""), "{html}");
        // A request for the API from the same browser: JSON, whatever it accepts.
        let token = app.sign_in("viewer@undersigned.test").await;
        let r = viewer
            .client
            .post(app.url(&format!("/api/v1/letters/{letter}/transition")))
            .bearer_auth(&token)
            .header("accept", accept)
            .json(&json!({"to": "closed"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
        let (_, body) = status_json(r).await;
        assert_eq!(body["error"]["code"], "forbidden", "{body}");
        // An answer the framework writes as JSON (an unknown page under /dashboard, a bad query)
        // is a page too for a browser.
        let r = viewer
            .client
            .get(app.url(&format!("/dashboard/letters/{letter}/signatures?page=many")))
            .header("accept", accept)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error(), "{}", r.status());
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let (_, letter_now) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
        assert_eq!(letter_now["state"], "open", "nothing changed");

        // A 500 (the sessions and tokens cannot be read): a page for the browser, JSON for /api,
        // and neither names the cause.
        app.execute("ALTER TABLE sessions RENAME TO sessions_gone");
        app.execute("ALTER TABLE api_tokens RENAME TO api_tokens_gone");
        let r = viewer.client.get(app.url("/dashboard")).header("accept", accept).send().await.unwrap();
        assert_eq!(r.status(), 500);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let html = r.text().await.unwrap();
        assert!(html.contains("<h1>Something went wrong</h1>") && !html.contains("sessions"), "{html}");
        let r = viewer
            .client
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .header("accept", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 500);
        let (_, body) = status_json(r).await;
        assert_eq!(body["error"]["code"], "internal_error", "{body}");
    }
);

db_test!(
    async fn directory_forms_take_an_organisation_s_name_where_they_took_its_slug(app) {
        directory(&app, &[("Homo Digitalis", "GR"), ("EDRi", "BE"), ("European Digital Rights", "BE"), ("Article 19", "GB"), ("Article 19", "US")]).await;
        let browser = crate::helpers::Browser::signed_in(&app, OWNER_EMAIL).await;
        // Linking a member by its name, any capitals.
        let page = format!("/dashboard/coalitions/{HOME}/organisations");
        let r = browser.submit(&page, &page, &[("organisation", "homo digitalis")]).await;
        assert_eq!(r.status(), 303);
        let (_, members) = status_json(app.get_authed(&format!("/api/v1/coalitions/{HOME}/organisations")).await).await;
        assert_eq!(members["items"][0]["organisation"]["name"], "Homo Digitalis", "{members}");
        // A name two organisations share is refused at its field, naming their countries.
        let r = browser.submit(&page, &page, &[("organisation", "Article 19")]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"organisation-error\">names organisations in GB, US"), "{html}");
        assert!(html.contains("class=\"error-summary\""), "{html}");
        assert_eq!(app.total(&format!("/api/v1/coalitions/{HOME}/organisations")).await, 1);
        // Merging into an organisation named by its name.
        let page = "/dashboard/organisations/edri";
        let r = browser.submit(page, &format!("{page}/merge"), &[("into", "European Digital Rights")]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/dashboard/organisations/european-digital-rights?done=merged");
        assert_eq!(app.total("/api/v1/organisations").await, 4);
        // The API keeps slugs and ids: a name there is no organisation.
        let (status, body) = status_json(
            app.post(&format!("/api/v1/coalitions/{HOME}/organisations"), &json!({"organisation": "Homo Digitalis"})).await,
        )
        .await;
        assert_eq!(status, 422, "{body}");
    }
);
