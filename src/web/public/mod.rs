//! The pages anyone may open: a letter with its signatories and sign form (`letters.rs`), a
//! campaign (`campaign.rs`), the printable copy (`print.rs`), and the pages behind the links in
//! mails: confirming and withdrawing a signature (`signatures.rs`), an invitation
//! (`invitation.rs`), unsubscribing from updates (`unsubscribe.rs`).

pub mod campaign;
pub mod invitation;
pub mod letters;
pub mod print;
pub mod signatures;
pub mod unsubscribe;

/// Mount the public pages; `limits` wraps the form posts that sign.
pub fn routes(cfg: &mut actix_web::web::ServiceConfig, limits: &crate::http::rate_limit::Limits) {
    letters::routes(cfg, limits);
    campaign::routes(cfg);
    print::routes(cfg);
    signatures::routes(cfg);
    invitation::routes(cfg);
    unsubscribe::routes(cfg);
}
