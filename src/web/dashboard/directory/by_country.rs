//! The directory by country.

#[allow(unused_imports)]
use super::*;

#[derive(Template)]
#[template(path = "dashboard/directory_country.html")]
pub(super) struct CountryPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    /// The territories added so far (countries outside ISO 3166-1).
    territories: Vec<Country>,
}

/// The territories, read-only: every coalition's country lists share them, so adding and
/// removing one is the operator's (issue 18, finding 7).
pub(super) async fn country_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
) -> Result<HttpResponse, PageError> {
    session.actor.require_anywhere(Permission::ReadPrivate)?;
    let territories = state
        .db
        .run(countries::all)
        .await?
        .into_iter()
        .filter(|c| c.is_iso == 0)
        .collect();
    let (csrf, builder) = page_csrf(&req, &state, StatusCode::OK);
    render(
        builder,
        &CountryPage {
            me: session.me(),
            csrf: &csrf.token,
            territories,
        },
    )
}
