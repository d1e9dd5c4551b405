//! Pilote's web layer: server-rendered pages (compiled, auto-escaping askama templates styled
//! with the vendored DSFR) and the JSON API under `/api/v1`. Handlers are thin: extract, call
//! the store (which asks the authorization policy), render.
//!
//! Every route is declared in [`routes`] with the [`Politique`] it enforces; the router is
//! built from that table only, and the authorization matrix test drives every entry of it.

mod acces_aux_soins;
mod administration;
mod annuaire;
mod api;
mod assets;
mod clsm;
pub mod compte;
mod contrat;
mod donnees_de_reference;
mod donnees_ouvertes;
mod evaluation;
mod export;
mod fiche;
mod mes_actions;
mod noyau;
mod plan;
mod portail;
mod portefeuille;
mod presentation;
pub mod rappels;
mod rapport;
mod renouvellement;
mod sante;
pub mod serveur;
mod signature;
mod strategie;
mod tableau_de_bord;

pub use compte::oidc;
pub use noyau::courriel;
pub use noyau::limites::Limites;
pub use noyau::route::{Politique, Route};

use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use pilote_stockage::Stockage;
use pilote_store::Store;
use tower::ServiceBuilder;
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::compte::oidc::ClientOidc;
use crate::noyau::courriel::Expediteur;
use crate::noyau::route::Routes;
use crate::noyau::visiteur::Cookies;

/// What every handler shares, behind one reference count: every middleware and handler takes
/// a clone of it, and a clone of each of its parts (the store alone holds some fifteen shared
/// pointers) made every request busy two cores with nothing but counting references.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Partage>);

impl std::ops::Deref for AppState {
    type Target = Partage;

    fn deref(&self) -> &Partage {
        &self.0
    }
}

/// What [`AppState`] holds.
#[derive(Debug, Clone)]
pub struct Partage {
    pub store: Store,
    /// The text of the page header (the DSFR brand block is reserved to State services).
    pub titre: String,
    /// The address people reach Pilote at (`https://…` in production), for links sent by
    /// e-mail and the OpenID Connect redirections; HTTPS turns on secure cookies and HSTS.
    pub url_publique: String,
    pub cookies: Cookies,
    /// Sign-in through OpenID Connect (ProConnect), when configured.
    pub oidc: Option<Arc<ClientOidc>>,
    pub expediteur: Arc<dyn Expediteur>,
    /// Where the documents attached to fiches-actions are kept.
    pub stockage: Arc<dyn Stockage>,
    /// The public's answers kept in memory.
    pub cache: Arc<noyau::cache::CachePublic>,
    /// Parts of signed-in visitors' pages the same for all who may see them.
    pub fragments: Arc<noyau::cache::Fragments>,
    /// The medical accessibility (APL) computed from the reference data, kept in memory.
    pub acces: Arc<noyau::acces_medical::Calculateur>,
    /// Body sizes, times, requests at once, proxy trust.
    pub limites: Limites,
    /// Who publishes and hosts the site, for its legal pages.
    pub editeur: Editeur,
    en_vol: noyau::limites::EnVol,
}

impl AppState {
    /// The state for a site reachable at `url_publique`.
    pub fn new(
        store: Store,
        titre: String,
        url_publique: String,
        oidc: Option<ClientOidc>,
        expediteur: Arc<dyn Expediteur>,
        stockage: Arc<dyn Stockage>,
    ) -> Self {
        let url_publique = url_publique.trim_end_matches('/').to_owned();
        Self(Arc::new(Partage {
            cookies: Cookies {
                https: url_publique.starts_with("https://"),
            },
            store,
            titre,
            url_publique,
            oidc: oidc.map(Arc::new),
            expediteur,
            stockage,
            cache: Arc::default(),
            fragments: Arc::default(),
            acces: Arc::default(),
            limites: Limites::default(),
            editeur: Editeur::default(),
            en_vol: noyau::limites::EnVol::new(&Limites::default()),
        }))
    }

    /// The same with other limits.
    pub fn avec_limites(self, limites: Limites) -> Self {
        Self(Arc::new(Partage {
            en_vol: noyau::limites::EnVol::new(&limites),
            limites,
            ..Arc::unwrap_or_clone(self.0)
        }))
    }

    /// The same with the site's publisher.
    pub fn avec_editeur(self, editeur: Editeur) -> Self {
        Self(Arc::new(Partage {
            editeur,
            ..Arc::unwrap_or_clone(self.0)
        }))
    }
}

/// Who publishes and hosts the site, as its legal notices and accessibility statement name
/// them; each is said to be missing while it is not configured.
#[derive(Debug, Clone, Default)]
pub struct Editeur {
    pub nom: Option<String>,
    /// Where the public writes to: an e-mail address or a page.
    pub contact: Option<String>,
    pub hebergeur: Option<String>,
}

/// Every route of the application with its policy and handler, each feature giving its own;
/// nothing is routed otherwise.
fn table() -> Routes {
    [
        portail::routes(),
        donnees_ouvertes::routes(),
        contrat::routes(),
        annuaire::routes(),
        strategie::routes(),
        plan::routes(),
        export::routes(),
        signature::routes(),
        presentation::routes(),
        evaluation::routes(),
        tableau_de_bord::routes(),
        rapport::routes(),
        clsm::routes(),
        renouvellement::routes(),
        fiche::routes(),
        compte::routes(),
        mes_actions::routes(),
        portefeuille::routes(),
        acces_aux_soins::routes(),
        donnees_de_reference::routes(),
        administration::routes(),
        rappels::routes(),
        api::routes(),
        assets::routes(),
        sante::routes(),
    ]
    .concat()
}

/// Every route with its policy.
pub fn routes() -> Vec<Route> {
    table().into_iter().map(|(route, _)| route).collect()
}

/// The CSP: everything from this origin only, no inline script or style; the DSFR draws some
/// icons from `data:` URIs.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Runs each request to its end in a task of its own, even when the client goes away: a
/// handler dropped half-way through a database call could hand its connection back to the pool
/// inside a transaction (sqlx's transaction start is not cancel-safe), and every request that
/// got that connection afterwards would fail.
async fn jusqu_au_bout(requete: Request, suite: Next) -> Response {
    match tokio::spawn(suite.run(requete)).await {
        Ok(reponse) => reponse,
        Err(e) => {
            tracing::error!(erreur = %e, "une requête s'est interrompue");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let mut router = Router::new();
    for (route, gestionnaire) in table() {
        router = router.route(route.chemin, gestionnaire);
    }
    // Each `Router::layer` boxes every route once more, and a request clones every box of its
    // route: the middlewares are composed into one stack (outermost first), boxed once.
    let visiteur = ServiceBuilder::new()
        .layer(middleware::from_fn(jusqu_au_bout))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            noyau::visiteur::identifier,
        ))
        // Once the visitor is known: a provisional password is changed before anything else;
        // the public refused a page signs in first.
        .layer(middleware::from_fn(
            compte::mot_de_passe::exiger_le_changement,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            noyau::visiteur::journaliser_les_refus,
        ))
        .layer(middleware::from_fn(compte::connexion::inviter_le_public))
        .layer(middleware::from_fn(noyau::page::montrer_la_section))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            noyau::cache::servir,
        ));
    let en_tete = |nom: HeaderName, valeur: &'static str| {
        SetResponseHeaderLayer::if_not_present(nom, HeaderValue::from_static(valeur))
    };
    // Each request gets an identifier (or keeps its proxy's `X-Request-Id`), in its log lines
    // and in its answer. What is not compressed already (the public's answers kept, the
    // assets) is compressed on its way out, at a level cheap enough for every signed-in page.
    let http = ServiceBuilder::new()
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|requete: &Request| {
                    let id = requete
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "requete",
                        id,
                        methode = %requete.method(),
                        chemin = requete.uri().path()
                    )
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            noyau::limites::borner,
        ))
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .option_layer(state.cookies.https.then(|| {
            en_tete(
                header::STRICT_TRANSPORT_SECURITY,
                "max-age=63072000; includeSubDomains",
            )
        }))
        .layer(en_tete(header::CACHE_CONTROL, "no-store"))
        .layer(en_tete(header::X_FRAME_OPTIONS, "DENY"))
        .layer(en_tete(
            header::REFERRER_POLICY,
            "strict-origin-when-cross-origin",
        ))
        .layer(en_tete(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(en_tete(header::CONTENT_SECURITY_POLICY, CSP));
    router
        .fallback(noyau::erreur::page_absente)
        .layer(visiteur)
        .with_state(state)
        .layer(http)
}
