//! The licences of what a letter publishes, as data: the public list of signatories (one licence
//! per instance, `data_licence` in the settings, CC0 1.0 by default: the list holds no personal
//! data) and the letter's text (`text_licence`, chosen by its coalition per letter; none means
//! all rights reserved by the coalition). Neither is the licence of this software.

use serde::{Deserialize, Serialize};

/// A licence: its SPDX identifier, a title for people and where its text is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Licence {
    /// The SPDX identifier (<https://spdx.org/licenses/>): `CC0-1.0`, `CC-BY-4.0`.
    #[schema(example = "CC0-1.0")]
    pub id: String,
    /// Its short name: `CC0 1.0`, `CC BY 4.0`.
    #[schema(example = "CC0 1.0")]
    pub title: String,
    /// Where its text is.
    #[schema(example = "https://creativecommons.org/publicdomain/zero/1.0/")]
    pub url: String,
}

/// The licences this service knows by their SPDX identifier: (id, title, url, fit for a
/// letter's text). The Open Data Commons licences are for databases, so only for the list.
const KNOWN: &[(&str, &str, &str, bool)] = &[
    (
        "CC0-1.0",
        "CC0 1.0",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        true,
    ),
    (
        "CC-BY-4.0",
        "CC BY 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
        true,
    ),
    (
        "CC-BY-SA-4.0",
        "CC BY-SA 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
        true,
    ),
    (
        "CC-BY-NC-4.0",
        "CC BY-NC 4.0",
        "https://creativecommons.org/licenses/by-nc/4.0/",
        true,
    ),
    (
        "CC-BY-ND-4.0",
        "CC BY-ND 4.0",
        "https://creativecommons.org/licenses/by-nd/4.0/",
        true,
    ),
    (
        "CC-BY-NC-SA-4.0",
        "CC BY-NC-SA 4.0",
        "https://creativecommons.org/licenses/by-nc-sa/4.0/",
        true,
    ),
    (
        "CC-BY-NC-ND-4.0",
        "CC BY-NC-ND 4.0",
        "https://creativecommons.org/licenses/by-nc-nd/4.0/",
        true,
    ),
    (
        "PDDL-1.0",
        "ODC PDDL 1.0",
        "https://opendatacommons.org/licenses/pddl/1-0/",
        false,
    ),
    (
        "ODC-By-1.0",
        "ODC-By 1.0",
        "https://opendatacommons.org/licenses/by/1-0/",
        false,
    ),
    (
        "ODbL-1.0",
        "ODbL 1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
        false,
    ),
];

/// The SPDX identifiers a letter's text may be published under.
pub fn text_licence_ids() -> impl Iterator<Item = &'static str> {
    KNOWN.iter().filter(|k| k.3).map(|k| k.0)
}

impl Licence {
    /// A licence this service knows, by its SPDX identifier (in any case: `cc-by-4.0`).
    pub fn known(id: &str) -> Option<Licence> {
        let id = id.trim();
        KNOWN
            .iter()
            .find(|k| k.0.eq_ignore_ascii_case(id))
            .map(|&(id, title, url, _)| Licence {
                id: id.into(),
                title: title.into(),
                url: url.into(),
            })
    }

    /// The public list's licence when none is configured: CC0 1.0.
    pub fn public_domain() -> Licence {
        Licence::known("CC0-1.0").expect("CC0-1.0 is known")
    }

    /// The licence of a letter's text, from its SPDX identifier: one of the Creative Commons
    /// licences ([`text_licence_ids`]).
    pub fn for_text(id: &str) -> Result<Licence, String> {
        Licence::known(id)
            .filter(|l| text_licence_ids().any(|t| t == l.id))
            .ok_or_else(|| {
                format!(
                    "must be one of the SPDX identifiers {}",
                    text_licence_ids().collect::<Vec<_>>().join(", ")
                )
            })
    }

    /// The public list's licence from the settings: a known SPDX identifier (its title and URL
    /// may be given to replace the known ones), or any other identifier with both.
    pub fn configured(id: &str, title: Option<&str>, url: Option<&str>) -> Result<Licence, String> {
        let (title, url) = (given(title), given(url));
        let id = id.trim();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+'))
        {
            return Err(format!(
                "data_licence {id:?} is not an SPDX identifier (such as CC0-1.0)"
            ));
        }
        let licence = match (Licence::known(id), title, url) {
            (Some(known), title, url) => Licence {
                title: title.map_or(known.title, str::to_string),
                url: url.map_or(known.url, str::to_string),
                id: known.id,
            },
            (None, Some(title), Some(url)) => Licence {
                id: id.to_string(),
                title: title.to_string(),
                url: url.to_string(),
            },
            (None, _, _) => {
                return Err(format!(
                    "data_licence {id:?} is not one this service knows: give its data_licence_title and data_licence_url too"
                ))
            }
        };
        match url::Url::parse(&licence.url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(licence),
            _ => Err(format!(
                "data_licence_url {:?} is not an http(s) address",
                licence.url
            )),
        }
    }
}

/// A setting given and not blank, trimmed.
fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_cc0() {
        let l = Licence::public_domain();
        assert_eq!(l.id, "CC0-1.0");
        assert_eq!(l.title, "CC0 1.0");
        assert_eq!(l.url, "https://creativecommons.org/publicdomain/zero/1.0/");
    }

    #[test]
    fn a_text_licence_is_one_of_the_creative_commons_ones() {
        assert_eq!(Licence::for_text("CC-BY-4.0").unwrap().title, "CC BY 4.0");
        // Any case, stored as SPDX writes it.
        assert_eq!(
            Licence::for_text(" cc-by-sa-4.0 ").unwrap().id,
            "CC-BY-SA-4.0"
        );
        assert_eq!(text_licence_ids().count(), 7);
        for refused in ["MIT", "ODbL-1.0", "CC-BY-3.0", "", "GPL-3.0-or-later"] {
            let e = Licence::for_text(refused).unwrap_err();
            assert!(e.contains("CC0-1.0, CC-BY-4.0"), "{refused}: {e}");
        }
    }

    #[test]
    fn the_list_licence_is_known_or_given_whole() {
        let odbl = Licence::configured("ODbL-1.0", None, None).unwrap();
        assert_eq!(odbl.url, "https://opendatacommons.org/licenses/odbl/1-0/");
        let renamed = Licence::configured("cc0-1.0", Some("Public domain"), Some(" ")).unwrap();
        assert_eq!(
            (renamed.id.as_str(), renamed.title.as_str()),
            ("CC0-1.0", "Public domain")
        );
        assert!(Licence::configured("Etalab-2.0", None, None).is_err());
        let etalab = Licence::configured(
            "Etalab-2.0",
            Some("Licence Ouverte 2.0"),
            Some("https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
        )
        .unwrap();
        assert_eq!(etalab.id, "Etalab-2.0");
        assert!(Licence::configured("Etalab-2.0", Some("x"), Some("ftp://x.example/")).is_err());
        assert!(Licence::configured("CC0 1.0", None, None).is_err());
        assert!(Licence::configured("", None, None).is_err());
    }
}
