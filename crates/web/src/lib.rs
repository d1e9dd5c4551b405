//! Pilote's web layer: server-rendered pages (compiled, auto-escaping askama templates styled
//! with the vendored DSFR) and the JSON API under `/api/v1`. Handlers are thin: extract, call
//! the store (which asks the authorization policy), render.
//!
//! Every route is declared in [`routes`] with the [`Politique`] it enforces; the router is
//! built from that table only, and the authorization matrix test drives every entry of it.

mod assets;
mod cache;
pub mod connexion;
pub mod contrat;
pub mod courriel;
pub mod error;
mod invitation;
pub mod oidc;
mod page;
pub mod visiteur;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use pilote_stockage::Stockage;
use pilote_store::Store;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::courriel::Expediteur;
use crate::oidc::ClientOidc;
use crate::visiteur::Cookies;

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
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
    pub cache: Arc<cache::CachePublic>,
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
        Self {
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
        }
    }
}

/// What a route lets whom do; the store applies the matching [`pilote_domain::autorisation`]
/// operation on the contract named in the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Politique {
    /// Open to all and touching no contract data: assets, sign-in and sign-out.
    Ouverte,
    /// The list of contracts, filtered by what the visitor may read.
    ListeContrats,
    /// Creating a contract: administrators and ARS agents, on a territory in their scope.
    CreerContrat,
    /// One contract (`{id}`): read what it has published, or all of it with a role on it.
    LireContrat,
    /// A change to the whole contract (`{id}`): coordinators, ARS agents in scope, administrators.
    ModifierContrat,
    /// The next generation of contract `{id}`: who may change it and create a contract on
    /// its territory (administrators, ARS agents in scope).
    RenouvelerContrat,
    /// A change to fiche-action `{numero}` of contract `{id}`: its pilot too.
    ModifierFiche,
    /// What fiche-action `{numero}` of contract `{id}` keeps for those who read the whole
    /// contract (its documents): signatories, partners, pilots, ARS agents in scope.
    LireFiche,
    /// An invitation link (`{jeton}`): whoever holds a valid one.
    Invitation,
}

/// One route: method, path and policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub methode: Method,
    pub chemin: &'static str,
    pub politique: Politique,
}

/// Every route of the application with its policy and handler; nothing is routed otherwise.
fn table() -> Vec<(Route, MethodRouter<AppState>)> {
    use Politique::*;
    let route = |methode: Method, chemin, politique, gestionnaire: MethodRouter<AppState>| {
        (
            Route {
                methode,
                chemin,
                politique,
            },
            gestionnaire,
        )
    };
    vec![
        route(
            Method::GET,
            "/",
            ListeContrats,
            get(contrat::pages::accueil),
        ),
        route(
            Method::GET,
            "/contrats/nouveau",
            CreerContrat,
            get(contrat::formulaire::formulaire),
        ),
        route(
            Method::POST,
            "/contrats/nouveau/territoire",
            CreerContrat,
            post(contrat::formulaire::territoire_creation),
        ),
        route(
            Method::POST,
            "/contrats",
            CreerContrat,
            post(contrat::formulaire::creer),
        ),
        route(
            Method::GET,
            "/contrats/{id}",
            LireContrat,
            get(contrat::pages::detail),
        ),
        route(
            Method::GET,
            "/contrats/{id}/modifier",
            ModifierContrat,
            get(contrat::formulaire::formulaire_modification),
        ),
        route(
            Method::POST,
            "/contrats/{id}",
            ModifierContrat,
            post(contrat::formulaire::modifier),
        ),
        route(
            Method::POST,
            "/contrats/{id}/territoire",
            ModifierContrat,
            post(contrat::formulaire::territoire_modification),
        ),
        route(
            Method::POST,
            "/contrats/{id}/axes",
            ModifierContrat,
            post(contrat::strategie::ajouter_axe),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches",
            ModifierContrat,
            post(contrat::strategie::ajouter_fiche),
        ),
        route(
            Method::GET,
            "/contrats/{id}/strategie",
            ModifierContrat,
            get(contrat::strategie::page),
        ),
        route(
            Method::POST,
            "/contrats/{id}/objectifs",
            ModifierContrat,
            post(contrat::strategie::ajouter_objectif),
        ),
        route(
            Method::POST,
            "/contrats/{id}/strategie/modification",
            ModifierContrat,
            post(contrat::strategie::modifier),
        ),
        route(
            Method::POST,
            "/contrats/{id}/strategie/ordre",
            ModifierContrat,
            post(contrat::strategie::ordonner),
        ),
        route(
            Method::POST,
            "/contrats/{id}/strategie/rattachement",
            ModifierContrat,
            post(contrat::strategie::rattacher),
        ),
        route(
            Method::POST,
            "/contrats/{id}/strategie/numerotation",
            ModifierContrat,
            post(contrat::strategie::renumeroter),
        ),
        route(
            Method::POST,
            "/contrats/{id}/strategie/suppression",
            ModifierContrat,
            post(contrat::strategie::supprimer),
        ),
        route(
            Method::GET,
            "/contrats/{id}/signature",
            ModifierContrat,
            get(contrat::signature::page),
        ),
        route(
            Method::POST,
            "/contrats/{id}/signature",
            ModifierContrat,
            post(contrat::signature::signer),
        ),
        route(
            Method::POST,
            "/contrats/{id}/parties",
            ModifierContrat,
            post(contrat::signature::ajouter_partie),
        ),
        route(
            Method::POST,
            "/contrats/{id}/avenants",
            ModifierContrat,
            post(contrat::signature::ajouter_avenant),
        ),
        route(
            Method::POST,
            "/contrats/{id}/coordination",
            ModifierContrat,
            post(contrat::signature::coordonner),
        ),
        route(
            Method::POST,
            "/contrats/{id}/financements",
            ModifierContrat,
            post(contrat::signature::ajouter_financement),
        ),
        route(
            Method::POST,
            "/contrats/{id}/signature/retrait",
            ModifierContrat,
            post(contrat::signature::retirer),
        ),
        route(
            Method::GET,
            "/contrats/{id}/renouvellement",
            RenouvelerContrat,
            get(contrat::renouvellement::page),
        ),
        route(
            Method::POST,
            "/contrats/{id}/renouvellement",
            RenouvelerContrat,
            post(contrat::renouvellement::renouveler),
        ),
        route(
            Method::POST,
            "/contrats/{id}/publication",
            ModifierContrat,
            post(contrat::pages::publier),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}/avancement",
            ModifierFiche,
            post(contrat::fiche::avancer),
        ),
        route(
            Method::GET,
            "/contrats/{id}/fiches/{numero}",
            ModifierFiche,
            get(contrat::fiche::page),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}",
            ModifierFiche,
            post(contrat::fiche::rediger),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}/etapes",
            ModifierFiche,
            post(contrat::fiche::ajouter_etape),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}/etapes/etat",
            ModifierFiche,
            post(contrat::fiche::marquer_etape),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}/mesures",
            ModifierFiche,
            post(contrat::fiche::ajouter_mesure),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}/cibles",
            ModifierFiche,
            post(contrat::fiche::ajouter_cible),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}/notes",
            ModifierFiche,
            post(contrat::fiche::ajouter_note),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}/retrait",
            ModifierFiche,
            post(contrat::fiche::retirer),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}/documents",
            ModifierFiche,
            post(contrat::document::deposer).layer(DefaultBodyLimit::max(
                contrat::document::TAILLE_MAX_DOCUMENT + (64 << 10),
            )),
        ),
        route(
            Method::GET,
            "/contrats/{id}/fiches/{numero}/documents/{document}",
            LireFiche,
            get(contrat::document::telecharger),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}/budget",
            ModifierFiche,
            post(contrat::suivi::ajouter_budget),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}/indicateurs",
            ModifierFiche,
            post(contrat::suivi::ajouter_indicateur),
        ),
        route(
            Method::POST,
            "/contrats/{id}/instances",
            ModifierContrat,
            post(contrat::gouvernance::ajouter_instance),
        ),
        route(
            Method::POST,
            "/contrats/{id}/membres",
            ModifierContrat,
            post(contrat::gouvernance::ajouter_membre),
        ),
        route(
            Method::POST,
            "/contrats/{id}/gouvernance/retrait",
            ModifierContrat,
            post(contrat::gouvernance::retirer),
        ),
        route(
            Method::POST,
            "/contrats/{id}/reunions",
            ModifierContrat,
            post(contrat::gouvernance::ajouter_reunion),
        ),
        route(
            Method::POST,
            "/contrats/{id}/invitations",
            ModifierContrat,
            post(invitation::inviter),
        ),
        route(
            Method::GET,
            "/invitations/{jeton}",
            Invitation,
            get(invitation::page),
        ),
        route(
            Method::POST,
            "/invitations/{jeton}",
            Invitation,
            post(invitation::accepter),
        ),
        route(
            Method::GET,
            "/api/v1/contrats",
            ListeContrats,
            get(contrat::api::liste),
        ),
        route(
            Method::GET,
            "/api/v1/contrats/{id}",
            LireContrat,
            get(contrat::api::detail),
        ),
        route(Method::GET, "/connexion", Ouverte, get(connexion::page)),
        route(
            Method::POST,
            "/connexion",
            Ouverte,
            post(connexion::par_mot_de_passe),
        ),
        route(
            Method::POST,
            "/deconnexion",
            Ouverte,
            post(connexion::deconnexion),
        ),
        route(
            Method::GET,
            "/connexion/proconnect",
            Ouverte,
            get(connexion::proconnect),
        ),
        route(
            Method::GET,
            "/connexion/proconnect/retour",
            Ouverte,
            get(connexion::proconnect_retour),
        ),
        route(
            Method::GET,
            "/assets/{*chemin}",
            Ouverte,
            get(assets::servir),
        ),
    ]
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
    let mut entetes: Vec<(HeaderName, &'static str)> = vec![
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    if state.cookies.https {
        entetes.push((
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        ));
    }
    let mut router = Router::new();
    for (route, gestionnaire) in table() {
        router = router.route(route.chemin, gestionnaire);
    }
    let mut router = router
        .fallback(error::page_absente)
        .layer(middleware::from_fn_with_state(state.clone(), cache::servir))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            visiteur::identifier,
        ))
        .layer(middleware::from_fn(jusqu_au_bout))
        .with_state(state);
    for (nom, valeur) in entetes {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            nom,
            HeaderValue::from_static(valeur),
        ));
    }
    router.layer(TraceLayer::new_for_http())
}
