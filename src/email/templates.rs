//! Mail templates: a subject, a plain-text part and an HTML part per kind of mail. HTML is
//! auto-escaped by askama; the text part is not HTML and is not escaped.

use askama::Template;

use crate::error::AppError;
use crate::i18n::{Arg, Lang};

/// The two templates of a mail in the reader's language, `templates/email/<kind>.txt` and
/// `.html`, each given the mail (`m`) and the language (`t`, the mail's field `$lang`: `t`, or
/// `head.t` in a [`SignerMailHead`]), and `render()` rendering both.
macro_rules! mail_parts {
    ($mail:ident, $($lang:ident).+, $text:ident, $text_path:tt, $html:ident, $html_path:tt) => {
        #[derive(Template)]
        #[template(path = $text_path)]
        struct $text<'a> {
            m: &'a $mail<'a>,
            t: Lang,
        }

        #[derive(Template)]
        #[template(path = $html_path)]
        struct $html<'a> {
            m: &'a $mail<'a>,
            t: Lang,
        }

        impl $mail<'_> {
            /// Subject, text and HTML, in the reader's language (`subject()` is the mail's own).
            pub fn render(&self) -> Result<(String, String, String), AppError> {
                let (m, t) = (self, self.$($lang).+);
                rendered(
                    self.subject(),
                    ($text { m, t }.render(), $html { m, t }.render()),
                )
            }
        }
    };
}

/// What every mail about a signature names, to its signer or (for [`AlreadyListedMail`]) to a
/// colleague: the letter, its page, the organisation, and the reader's language.
pub struct SignerMailHead<'a> {
    pub letter_title: &'a str,
    pub letter_url: String,
    pub organisation_name: &'a str,
    /// The reader's language (`t` in the mail's templates).
    pub t: Lang,
}

impl SignerMailHead<'_> {
    /// The message `id` in the reader's language, with the letter's title (`title`), the
    /// organisation (`organisation`) and the placeholders `more`.
    pub fn says(&self, id: &str, more: &[(&'static str, Arg)]) -> String {
        let mut args = vec![
            ("title", self.letter_title.into()),
            ("organisation", self.organisation_name.into()),
        ];
        args.extend_from_slice(more);
        self.t.with(id, &args)
    }
}

/// The mail that asks a signer to confirm (and tells how to withdraw).
pub struct SignatureConfirmation<'a> {
    pub head: SignerMailHead<'a>,
    pub representative_name: &'a str,
    pub confirm_url: &'a str,
    pub withdraw_url: &'a str,
    pub expires_at: &'a str,
    /// The organisation has a live signature from another mailbox: this one is held for the
    /// coalition to decide (issue 18, finding 5), and the mail says so.
    pub held: bool,
}

mail_parts!(
    SignatureConfirmation,
    head.t,
    ConfirmationText,
    "email/signature_confirmation.txt",
    ConfirmationHtml,
    "email/signature_confirmation.html"
);

impl SignatureConfirmation<'_> {
    fn asked(&self) -> String {
        self.head.says("confirm-asked", &[])
    }

    fn subject(&self) -> String {
        self.head.says("confirm-subject", &[])
    }
}

/// To the signer of an organisation's live signature: a signature from another mailbox (named
/// by its domain only) was confirmed for the same organisation and is held for the coalition to
/// decide (issue 18, finding 5).
pub struct ContestedMail<'a> {
    /// The signer's language is `head.t`.
    pub head: SignerMailHead<'a>,
    pub representative_name: &'a str,
    /// The domain of the other signer's address.
    pub other_domain: &'a str,
    /// Whether this signer's signature is on the public list.
    pub listed: bool,
    pub withdraw_url: &'a str,
}

mail_parts!(
    ContestedMail,
    head.t,
    ContestedText,
    "email/signature_contested.txt",
    ContestedHtml,
    "email/signature_contested.html"
);

impl ContestedMail<'_> {
    /// The message `id`, with the letter, the organisation and the other address's domain.
    fn says(&self, id: &str) -> String {
        self.head.says(id, &[("domain", self.other_domain.into())])
    }

    fn subject(&self) -> String {
        self.says("contested-subject")
    }
}

/// The mail that invites an organisation to sign, with its personal link; or reminds it.
pub struct InvitationMail<'a> {
    pub reminder: bool,
    pub coalition_name: &'a str,
    pub organisation_name: &'a str,
    pub country_name: &'a str,
    pub letter_title: &'a str,
    pub recipient_name: &'a str,
    pub invitation_url: &'a str,
    /// The signing deadline, formatted, if the letter has one.
    pub deadline: Option<String>,
    /// The letter's language (the invited organisation has chosen none yet).
    pub t: Lang,
}

mail_parts!(
    InvitationMail,
    t,
    InvitationText,
    "email/invitation.txt",
    InvitationHtml,
    "email/invitation.html"
);

impl InvitationMail<'_> {
    /// The message `id`, with the letter, the organisation, its country and the coalition.
    fn says(&self, id: &str) -> String {
        let args = [
            ("title", self.letter_title.into()),
            ("organisation", self.organisation_name.into()),
            ("country", self.country_name.into()),
            ("coalition", self.coalition_name.into()),
            ("recipient", self.recipient_name.into()),
        ];
        self.t.with(id, &args)
    }

    fn subject(&self) -> String {
        self.says(if self.reminder {
            "invite-subject-reminder"
        } else {
            "invite-subject"
        })
    }
}

/// The mail that delivers a letter to its recipient: the text, then the signatories grouped by
/// country (the first [`DeliveryMail::listed`] of them; the rest are a link away).
pub struct DeliveryMail<'a> {
    pub coalition_name: &'a str,
    pub letter_title: &'a str,
    pub recipient_name: &'a str,
    pub place_and_date: Option<&'a str>,
    /// The Markdown source, for the text part.
    pub body: &'a str,
    /// The same, rendered and sanitised, for the HTML part.
    pub body_html: &'a str,
    pub note: Option<&'a str>,
    pub groups: &'a [crate::service::public_list::CountryGroup],
    pub total: i64,
    pub countries: i64,
    pub letter_url: &'a str,
    pub print_url: &'a str,
    pub list_url: &'a str,
    pub ledger_length: i64,
    pub ledger_hash: &'a str,
}

impl DeliveryMail<'_> {
    /// How many signatories the mail names.
    pub fn listed(&self) -> usize {
        self.groups.iter().map(|g| g.signatories.len()).sum()
    }

    /// Whether some signatories are left out of the mail (a very long list).
    pub fn cut(&self) -> bool {
        (self.listed() as i64) < self.total
    }
}

#[derive(Template)]
#[template(path = "email/letter_delivery.txt")]
struct DeliveryText<'a> {
    m: &'a DeliveryMail<'a>,
}

#[derive(Template)]
#[template(path = "email/letter_delivery.html")]
struct DeliveryHtml<'a> {
    m: &'a DeliveryMail<'a>,
}

impl DeliveryMail<'_> {
    /// Subject, text and HTML.
    pub fn render(&self) -> Result<(String, String, String), AppError> {
        let subject = format!(
            "Open letter: {} ({} organisations from {} countries)",
            self.letter_title, self.total, self.countries
        );
        let parts = (
            DeliveryText { m: self }.render(),
            DeliveryHtml { m: self }.render(),
        );
        rendered(subject, parts)
    }
}

/// A coordinators' update to a letter's signer, with the links to unsubscribe and withdraw.
pub struct UpdateMail<'a> {
    /// The signer's language is `head.t` (the update itself is in the coordinators').
    pub head: SignerMailHead<'a>,
    pub subject: &'a str,
    /// The update's Markdown, as typed (the text part).
    pub body: &'a str,
    /// The same rendered and cleaned (`domain::markdown::to_safe_mail_html`: no remote images), for the HTML part.
    pub body_html: &'a str,
    pub unsubscribe_url: &'a str,
    pub withdraw_url: &'a str,
}

mail_parts!(
    UpdateMail,
    head.t,
    UpdateText,
    "email/letter_update.txt",
    UpdateHtml,
    "email/letter_update.html"
);

impl UpdateMail<'_> {
    /// The message `id`, with the letter, the organisation and the update's subject.
    fn says(&self, id: &str) -> String {
        self.head.says(id, &[("subject", self.subject.into())])
    }

    fn subject(&self) -> String {
        self.says("update-subject")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_escaped_in_html_and_kept_in_text() {
        let m = SignatureConfirmation {
            head: SignerMailHead {
                letter_title: "Stop <b>spyware</b>",
                letter_url: "https://x.example/letters/l".into(),
                organisation_name: "<script>alert(1)</script>",
                t: Lang::default(),
            },
            representative_name: "Ann & Bob",
            confirm_url: "https://x.example/signatures/confirm/abc",
            withdraw_url: "https://x.example/signatures/withdraw/def",
            expires_at: "1 January 2027, 00:00 UTC",
            held: false,
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

    #[test]
    fn the_confirmation_is_written_in_the_signers_language() {
        let m = SignatureConfirmation {
            head: SignerMailHead {
                letter_title: "Arrêtez",
                letter_url: "https://x.example/letters/l".into(),
                organisation_name: "La Quadrature",
                t: Lang::parse("fr").unwrap(),
            },
            representative_name: "Anne",
            confirm_url: "https://x.example/signatures/confirm/abc",
            withdraw_url: "https://x.example/signatures/withdraw/def",
            expires_at: "1 janvier 2027 à 00:00 UTC",
            held: true,
        };
        let (subject, text, html) = m.render().unwrap();
        assert_eq!(subject, "Veuillez confirmer votre signature : Arrêtez");
        assert!(text.starts_with("Bonjour Anne,"), "{text}");
        assert!(text.contains("au nom de La Quadrature"), "{text}");
        assert!(
            text.contains("Attention : cette lettre a déjà une signature"),
            "{text}"
        );
        assert!(
            html.contains("<html lang=\"fr\">") && html.contains(">Confirmer la signature</a>"),
            "{html}"
        );
    }

    #[test]
    fn invitations_escape_hostile_names_in_html_and_keep_them_in_text() {
        for reminder in [false, true] {
            let m = InvitationMail {
                reminder,
                coalition_name: "Rights & <i>Co</i>",
                organisation_name: "<script>alert(1)</script>",
                country_name: "Côte d'Ivoire",
                letter_title: "Stop <b>spyware</b>",
                recipient_name: "Ann & Bob",
                invitation_url: "https://x.example/invitations/abc",
                deadline: Some("1 January 2027, 00:00 UTC".into()),
                t: Lang::default(),
            };
            let (subject, text, html) = m.render().unwrap();
            assert!(subject.contains("Stop <b>spyware</b>"));
            assert_eq!(subject.starts_with("Reminder"), reminder, "{subject}");
            assert!(!html.contains("<script>alert(1)</script>"), "{html}");
            assert!(!html.contains("<i>Co</i>") && !html.contains("<b>spyware</b>"));
            assert!(
                html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
                "{html}"
            );
            assert!(html.contains("Ann &#38; Bob"), "{html}");
            assert!(text.contains("<script>alert(1)</script>") && text.contains("Ann & Bob"));
            for part in [&text, &html] {
                assert!(part.contains("https://x.example/invitations/abc"));
                assert!(part.contains("1 January 2027"));
                assert!(part.contains("A reminder") == reminder, "{part}");
            }
        }
    }

    #[test]
    fn updates_escape_hostile_text_in_html_and_keep_both_links() {
        let body = "The recipient **answered**.\n\n<script>alert(2)</script>";
        let m = UpdateMail {
            head: SignerMailHead {
                letter_title: "Stop <b>spyware</b>",
                letter_url: "https://x.example/letters/l".into(),
                organisation_name: "<script>alert(1)</script>",
                t: Lang::default(),
            },
            subject: "Answer & <i>next steps</i>",
            body,
            body_html: &crate::domain::markdown::to_safe_mail_html(body),
            unsubscribe_url: "https://x.example/unsubscribe/abc",
            withdraw_url: "https://x.example/signatures/withdraw/def",
        };
        let (subject, text, html) = m.render().unwrap();
        assert!(
            subject.contains("Answer & <i>next steps</i>")
                && subject.contains("Stop <b>spyware</b>")
        );
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            !html.contains("<i>next steps</i>") && !html.contains("<b>spyware</b>"),
            "{html}"
        );
        assert!(
            html.contains("Answer &#38; &#60;i&#62;next steps"),
            "{html}"
        );
        assert!(html.contains("<strong>answered</strong>"), "{html}");
        assert!(text.contains("<script>alert(1)</script>") && text.contains("**answered**"));
        for part in [&text, &html] {
            assert!(part.contains("https://x.example/unsubscribe/abc"), "{part}");
            assert!(
                part.contains("https://x.example/signatures/withdraw/def"),
                "{part}"
            );
            assert!(part.contains("https://x.example/letters/l"), "{part}");
        }
    }
}

/// To an address that asked to sign a letter it already signs (issue 22): what it signed, and
/// how to withdraw.
pub struct AlreadySignedMail<'a> {
    /// The signer's language is `head.t`.
    pub head: SignerMailHead<'a>,
    pub representative_name: &'a str,
    /// Where the signature stands, in words ("on the list since 3 December 2026").
    pub standing: &'a str,
    /// Not confirmed yet.
    pub pending: bool,
    pub withdraw_url: &'a str,
}

mail_parts!(
    AlreadySignedMail,
    head.t,
    AlreadySignedText,
    "email/signature_already_signed.txt",
    AlreadySignedHtml,
    "email/signature_already_signed.html"
);

impl AlreadySignedMail<'_> {
    fn asked(&self) -> String {
        self.head
            .says("already-asked", &[("standing", self.standing.into())])
    }

    fn subject(&self) -> String {
        self.head.says("already-subject", &[])
    }
}

/// To a colleague's address at the domain of an organisation that signed a letter already
/// (issue 22): the organisation and since when, naming no one.
pub struct AlreadyListedMail<'a> {
    /// The language the colleague asked in is `head.t`.
    pub head: SignerMailHead<'a>,
    /// When it was listed; `None` while the signature awaits confirmation or review.
    pub since: Option<String>,
    pub coalition_name: &'a str,
    pub coalition_website: Option<&'a str>,
}

mail_parts!(
    AlreadyListedMail,
    head.t,
    AlreadyListedText,
    "email/signature_already_listed.txt",
    AlreadyListedHtml,
    "email/signature_already_listed.html"
);

impl AlreadyListedMail<'_> {
    /// The message `id`, with the letter, the organisation and the coalition.
    fn says(&self, id: &str, standing: String) -> String {
        let more = [
            ("coalition", self.coalition_name.into()),
            ("standing", standing.into()),
        ];
        self.head.says(id, &more)
    }

    fn asked(&self) -> String {
        let t = self.head.t;
        let standing = match &self.since {
            Some(date) => t.with1("listed-since", "date", date),
            None => t.get("listed-waiting"),
        };
        self.says("listed-asked", standing)
    }

    fn ask(&self) -> String {
        self.says("listed-ask", String::new())
    }

    fn subject(&self) -> String {
        self.says("listed-subject", String::new())
    }
}

/// A subject with its rendered text and HTML parts.
fn rendered(
    subject: String,
    (text, html): (askama::Result<String>, askama::Result<String>),
) -> Result<(String, String, String), AppError> {
    let unexpected = |e: askama::Error| AppError::Unexpected(e.into());
    Ok((
        subject,
        text.map_err(unexpected)?,
        html.map_err(unexpected)?,
    ))
}
