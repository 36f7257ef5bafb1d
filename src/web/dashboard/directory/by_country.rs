//! The directory by country.

#[allow(unused_imports)]
use super::*;

#[derive(Template)]
#[template(path = "dashboard/directory_country.html")]
pub(super) struct CountryPage<'a> {
    me: &'a UserActor,
    csrf: String,
    t: Lang,
    /// The territories added so far (countries outside ISO 3166-1).
    territories: Vec<Country>,
}

/// The territories, read-only: every coalition's country lists share them, so adding and
/// removing one is the operator's (issue 18, finding 7).
pub(super) async fn country_page(dash: Dashboard) -> PageReply {
    dash.actor.require_anywhere(Permission::ReadPrivate)?;
    let territories = dash
        .read(|conn, _| countries::all(conn))
        .await?
        .into_iter()
        .filter(|c| c.is_iso == 0)
        .collect();
    dash.render(StatusCode::OK, |csrf| CountryPage {
        me: dash.me(),
        csrf,
        t: dash.t,
        territories,
    })
}
