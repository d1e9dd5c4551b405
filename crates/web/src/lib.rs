//! Pilote's web layer: server-rendered pages (compiled, auto-escaping askama templates styled
//! with the vendored DSFR) and the JSON API under `/api/v1`. Handlers are thin: extract, call
//! the store, render.

mod acteur;
mod assets;
pub mod contrat;
pub mod error;
pub mod oidc;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use pilote_store::Store;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    /// The text of the page header (the DSFR brand block is reserved to State services).
    pub titre: String,
}

/// The CSP: everything from this origin only, no inline script or style; the DSFR draws some
/// icons from `data:` URIs.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The whole application.
pub fn app(state: AppState) -> Router {
    let entetes: [(HeaderName, &'static str); 4] = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    let mut router = Router::new()
        .route("/", get(contrat::pages::accueil))
        .route("/contrats/{id}", get(contrat::pages::detail))
        .route("/api/v1/contrats", get(contrat::api::liste))
        .route("/api/v1/contrats/{id}", get(contrat::api::detail))
        .route("/assets/{*chemin}", get(assets::servir))
        .fallback(error::page_absente)
        .with_state(state);
    for (nom, valeur) in entetes {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            nom,
            HeaderValue::from_static(valeur),
        ));
    }
    router.layer(TraceLayer::new_for_http())
}
