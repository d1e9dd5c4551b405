//! What search engines are given: `/sitemap.xml` (the sitemaps protocol 0.9), every public
//! page worth indexing at its canonical address — the portal's pages, each published
//! contract with its date of last change and its dashboard, each commune a published
//! contract covers —, and `/robots.txt`, which names it.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use pilote_store::portail;

use crate::AppState;
use crate::noyau::erreur::AppError;
use crate::noyau::rfc3339;

/// The portal's own pages, always there.
const PAGES: [&str; 5] = [
    "/",
    "/contrats",
    "/donnees",
    "/accessibilite",
    "/mentions-legales",
];

#[derive(Template)]
#[template(path = "portail/plan_du_site.xml")]
struct PlanDuSite {
    /// Each address with its date of last change, when known.
    adresses: Vec<(String, Option<String>)>,
}

/// `GET /sitemap.xml`.
pub async fn plan_du_site(State(state): State<AppState>) -> Result<Response, AppError> {
    let portail = portail::lire(&state.store).await?;
    let url = &state.url_publique;
    let mut adresses: Vec<(String, Option<String>)> = PAGES
        .iter()
        .map(|chemin| (format!("{url}{chemin}"), None))
        .collect();
    for c in &portail.portefeuille.contrats {
        let id = &c.resume.id;
        let modifie = portail.mise_a_jour(id).map(rfc3339);
        adresses.push((format!("{url}/contrats/{id}"), modifie.clone()));
        adresses.push((format!("{url}/contrats/{id}/tableau-de-bord"), modifie));
    }
    adresses.extend(
        portail
            .communes_couvertes()
            .map(|c| (format!("{url}/communes/{}", c.code), None)),
    );
    let mut reponse = PlanDuSite { adresses }.render()?.into_response();
    reponse.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml; charset=utf-8"),
    );
    Ok(reponse)
}

/// `GET /robots.txt`: everything may be read; the sitemap is named.
pub async fn robots(State(state): State<AppState>) -> Response {
    let mut reponse = format!(
        "User-agent: *\nDisallow: /connexion\nDisallow: /compte\nSitemap: {}/sitemap.xml\n",
        state.url_publique
    )
    .into_response();
    reponse.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    reponse
}
