//! What the targets share: the ISO country list as the service seeds it, and every API request
//! type decoded and then checked by its own validator, as the handlers do.

#![allow(dead_code)]

use serde::de::DeserializeOwned;
use undersigned::api::{accounts, invitations, letters, moderation};
use undersigned::db::models::Country;
use undersigned::service::accounts::{MemberFields, NewUserFields};
use undersigned::service::campaigns::{CampaignPatchFields, NewCampaignFields};
use undersigned::service::coalitions::NewCoalitionFields;
use undersigned::service::countries::NewTerritoryFields;
use undersigned::service::deliveries::DeliverFields;
use undersigned::service::letters::{LetterPatchFields, NewLetterFields};
use undersigned::service::organisations::{
    LinkFields, MergeFields, NewOrganisationFields, OrganisationPatchFields,
};
use undersigned::service::signatures::SignFields;
use undersigned::service::translations::TranslationFields;
use undersigned::service::versions::NewVersionFields;

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

/// Decode the input as `T` and, when it decodes, run `parse` on it.
fn parsed<T: DeserializeOwned, R>(input: &impl Decode, parse: impl FnOnce(T) -> R) {
    drop(input.decode::<T>().map(parse));
}

/// Decode the input as request type number `which` and run its validator. Neither may panic;
/// what they answer (a value or a per-field error) does not matter here.
pub fn exercise(which: u8, input: &impl Decode, countries: &[Country]) {
    match which % 22 {
        0 => parsed(input, |v: SignFields| v.parse(countries)),
        1 => parsed(input, |v: NewLetterFields| v.parse()),
        2 => parsed(input, |v: LetterPatchFields| v.parse()),
        3 => drop(input.decode::<letters::TransitionJson>()),
        4 => parsed(input, |v: NewCampaignFields| v.parse()),
        5 => parsed(input, |v: CampaignPatchFields| v.parse()),
        6 => parsed(input, |v: DeliverFields| v.parse()),
        7 => drop(input.decode::<undersigned::service::campaigns::NewEventFields>()),
        8 => parsed(input, |v: NewTerritoryFields| v.parse()),
        9 => parsed(input, |v: LinkFields| v.parse()),
        10 => parsed(input, |v: MergeFields| v.parse()),
        11 => parsed(input, |v: NewOrganisationFields| v.parse(countries)),
        12 => parsed(input, |v: OrganisationPatchFields| v.parse(countries)),
        13 => parsed(input, |v: NewVersionFields| v.parse()),
        14 => parsed(input, |v: TranslationFields| v.parse()),
        15 => drop(input.decode::<invitations::InviteJson>()),
        16 => drop(input.decode::<invitations::InvitationSignJson>()),
        17 => drop(input.decode::<accounts::SignInJson>()),
        18 => parsed(input, |v: NewUserFields| v.parse()),
        19 => parsed(input, |v: MemberFields| v.parse()),
        20 => parsed(input, |v: NewCoalitionFields| v.parse()),
        _ => drop(input.decode::<moderation::DecisionJson>()),
    }
}
