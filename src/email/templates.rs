//! Mail templates: a subject, a plain-text part and an HTML part per kind of mail. HTML is
//! auto-escaped by askama; the text part is not HTML and is not escaped.

use askama::Template;

use crate::error::AppError;

/// The mail that asks a signer to confirm (and tells how to withdraw).
pub struct SignatureConfirmation<'a> {
    pub letter_title: &'a str,
    pub letter_url: &'a str,
    pub organisation_name: &'a str,
    pub representative_name: &'a str,
    pub confirm_url: &'a str,
    pub withdraw_url: &'a str,
    pub expires_at: &'a str,
}

#[derive(Template)]
#[template(path = "email/signature_confirmation.txt")]
struct ConfirmationText<'a> {
    m: &'a SignatureConfirmation<'a>,
}

#[derive(Template)]
#[template(path = "email/signature_confirmation.html")]
struct ConfirmationHtml<'a> {
    m: &'a SignatureConfirmation<'a>,
}

impl SignatureConfirmation<'_> {
    /// Subject, text and HTML.
    pub fn render(&self) -> Result<(String, String, String), AppError> {
        let subject = format!("Please confirm your signature: {}", self.letter_title);
        let text = ConfirmationText { m: self }
            .render()
            .map_err(|e| AppError::Unexpected(e.into()))?;
        let html = ConfirmationHtml { m: self }
            .render()
            .map_err(|e| AppError::Unexpected(e.into()))?;
        Ok((subject, text, html))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_escaped_in_html_and_kept_in_text() {
        let m = SignatureConfirmation {
            letter_title: "Stop <b>spyware</b>",
            letter_url: "https://x.example/letters/l",
            organisation_name: "<script>alert(1)</script>",
            representative_name: "Ann & Bob",
            confirm_url: "https://x.example/signatures/confirm/abc",
            withdraw_url: "https://x.example/signatures/withdraw/def",
            expires_at: "1 January 2027, 00:00 UTC",
        };
        let (subject, text, html) = m.render().unwrap();
        assert!(subject.contains("Stop <b>spyware</b>"));
        assert!(!html.contains("<script>alert(1)</script>"), "{html}");
        assert!(
            html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{html}"
        );
        assert!(html.contains("Ann &#38; Bob"), "{html}");
        assert!(text.contains("<script>alert(1)</script>"));
        for part in [&text, &html] {
            assert!(part.contains("https://x.example/signatures/confirm/abc"));
            assert!(part.contains("https://x.example/signatures/withdraw/def"));
        }
    }
}
