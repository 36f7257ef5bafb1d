//! What the targets share: the ISO country list as the service seeds it, and every API request
//! type decoded and then checked by its own validator, as the handlers do.

#![allow(dead_code)]

use serde::de::DeserializeOwned;
use undersigned::api::{accounts, invitations, letters, moderation};
use undersigned::db::models::Country;
use undersigned::service::signatures::SignFields;

/// The ISO list, as `resolve` sees it (`domain::country` implements `CountryNames` for it).
pub fn iso() -> Vec<rust_iso3166::CountryCode> {
    rust_iso3166::ALL.to_vec()
}

/// The ISO list as database rows, for the validators that resolve a country.
pub fn country_rows() -> Vec<Country> {
    let now = undersigned::service::now();
    rust_iso3166::ALL
        .iter()
        .map(|c| Country {
            code: c.alpha2.to_string(),
            alpha3: c.alpha3.to_string(),
            name: c.name.to_string(),
            numeric_code: None,
            is_iso: 1,
            created_at: now,
        })
        .collect()
}

/// Decodes one body into a request type (JSON or a form), or fails as the handler would.
pub trait Decode {
    fn decode<T: DeserializeOwned>(&self) -> Option<T>;
}

/// Decode the input as request type number `which` and run its validator. Neither may panic;
/// what they answer (a value or a per-field error) does not matter here.
pub fn exercise(which: u8, input: &impl Decode, countries: &[Country]) {
    match which % 22 {
        0 => drop(input.decode::<SignFields>().map(|v| v.parse(countries))),
        1 => drop(
            input
                .decode::<undersigned::service::letters::NewLetterFields>()
                .map(|v| v.parse()),
        ),
        2 => drop(
            input
                .decode::<undersigned::service::letters::LetterPatchFields>()
                .map(|v| v.parse()),
        ),
        3 => drop(input.decode::<letters::TransitionJson>()),
        4 => drop(
            input
                .decode::<undersigned::service::campaigns::NewCampaignFields>()
                .map(|v| v.parse()),
        ),
        5 => drop(
            input
                .decode::<undersigned::service::campaigns::CampaignPatchFields>()
                .map(|v| v.parse()),
        ),
        6 => drop(
            input
                .decode::<undersigned::service::deliveries::DeliverFields>()
                .map(|v| v.parse()),
        ),
        7 => drop(input.decode::<undersigned::service::campaigns::NewEventFields>()),
        8 => drop(
            input
                .decode::<undersigned::service::countries::NewTerritoryFields>()
                .map(|v| v.parse()),
        ),
        9 => drop(
            input
                .decode::<undersigned::service::organisations::LinkFields>()
                .map(|v| v.parse()),
        ),
        10 => drop(
            input
                .decode::<undersigned::service::organisations::MergeFields>()
                .map(|v| v.parse()),
        ),
        11 => drop(
            input
                .decode::<undersigned::service::organisations::NewOrganisationFields>()
                .map(|v| v.parse(countries)),
        ),
        12 => drop(
            input
                .decode::<undersigned::service::organisations::OrganisationPatchFields>()
                .map(|v| v.parse(countries)),
        ),
        13 => drop(
            input
                .decode::<undersigned::service::versions::NewVersionFields>()
                .map(|v| v.parse()),
        ),
        14 => drop(
            input
                .decode::<undersigned::service::translations::TranslationFields>()
                .map(|v| v.parse()),
        ),
        15 => drop(input.decode::<invitations::InviteJson>()),
        16 => drop(input.decode::<invitations::InvitationSignJson>()),
        17 => drop(input.decode::<accounts::SignInJson>()),
        18 => drop(
            input
                .decode::<undersigned::service::accounts::NewUserFields>()
                .map(|v| v.parse()),
        ),
        19 => drop(
            input
                .decode::<undersigned::service::accounts::MemberFields>()
                .map(|v| v.parse()),
        ),
        20 => drop(
            input
                .decode::<undersigned::service::coalitions::NewCoalitionFields>()
                .map(|v| v.parse()),
        ),
        _ => drop(input.decode::<moderation::DecisionJson>()),
    }
}
