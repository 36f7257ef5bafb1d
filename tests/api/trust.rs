//! Trust in the list: organisations verified by control of their website's domain.

use serde_json::Value;

use crate::db_test;
use crate::helpers::{signer, TestApp};

/// Sign for an organisation with a website and an address, confirm from the mail that arrives.
async fn sign_and_confirm(app: &TestApp, letter: &str, name: &str, website: &str, email: &str) {
    let mut body = signer(name, "DE", email);
    body["website"] = website.into();
    app.sign_and_confirm(letter, &body).await;
}

fn verification_of(list: &Value, name: &str) -> String {
    let items = list["items"].as_array().unwrap();
    let item = items
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("{name} is not listed: {list}"));
    item["verification"].as_str().unwrap().to_string()
}

db_test!(
    async fn an_address_at_the_organisations_own_domain_verifies_it_everywhere(app) {
        let first = app.open_letter("first", "auto").await;
        let second = app.open_letter("second", "auto").await;
        // Signed first from a free-mail address: listed, unverified.
        sign_and_confirm(&app, &first, "North Forum", "https://www.north-forum.org", "chair@gmail.com").await;
        sign_and_confirm(&app, &first, "South Forum", "https://south-forum.org", "chair@south-forum.net").await;
        let list = app.signatories(&first).await;
        assert_eq!(verification_of(&list, "North Forum"), "unverified");
        assert_eq!(verification_of(&list, "South Forum"), "unverified");

        // The same organisation signs another letter from an address at its own domain.
        sign_and_confirm(&app, &second, "North Forum", "https://www.north-forum.org", "chair@mail.north-forum.org").await;
        assert_eq!(verification_of(&app.signatories(&second).await, "North Forum"), "domain");
        // Its earlier signature shows it at once, with the change in the feed.
        let list = app.signatories(&first).await;
        assert_eq!(verification_of(&list, "North Forum"), "domain");
        assert_eq!(verification_of(&list, "South Forum"), "unverified", "a different domain proves nothing");
        let feed: Value = app.get(&format!("/api/v1/letters/{first}/changes")).await.json().await.unwrap();
        let last = feed["items"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["action"], "updated");

        let csv = app.get(&format!("/api/v1/letters/{first}/signatories.csv")).await.text().await.unwrap();
        let north = csv.lines().find(|l| l.starts_with("North Forum,")).unwrap();
        assert!(north.contains(",domain,"), "{north}");
        let page = app.get(&format!("/letters/{first}")).await.text().await.unwrap();
        assert!(page.contains(r#"North Forum</a> <span class="badge""#), "the badge follows the name");
        assert!(!page.contains(r#"South Forum</a> <span class="badge""#));
    }
);

db_test!(
    async fn free_mail_never_verifies_even_when_it_is_the_website(app) {
        let letter = app.open_letter("free", "auto").await;
        sign_and_confirm(&app, &letter, "Mail Users United", "https://gmail.com", "someone@gmail.com").await;
        sign_and_confirm(&app, &letter, "Pages Collective", "https://east.github.io", "a@west.github.io").await;
        let list = app.signatories(&letter).await;
        assert_eq!(verification_of(&list, "Mail Users United"), "unverified");
        assert_eq!(verification_of(&list, "Pages Collective"), "unverified");
    }
);
