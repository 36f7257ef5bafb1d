//! The directory by country.

#[allow(unused_imports)]
use super::*;

#[derive(Template)]
#[template(path = "dashboard/directory_country.html")]
pub(super) struct CountryPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
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
    let (csrf, builder) = dash.page(StatusCode::OK);
    render(
        builder,
        &CountryPage {
            me: dash.me(),
            csrf: &csrf.token,
            t: dash.t,
            territories,
        },
    )
}
