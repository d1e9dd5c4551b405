//! The route table's vocabulary: every route declares its method, path and [`Politique`];
//! each feature lists its own routes, the application is built from them only, and the
//! authorization matrix test drives every one.

use axum::http::Method;
use axum::routing::MethodRouter;

use crate::AppState;

/// What a route lets whom do; the store applies the matching [`pilote_domain::autorisation`]
/// operation on the contract named in the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Politique {
    /// Open to all and touching no contract data: assets, sign-in and sign-out.
    Ouverte,
    /// The public portal: what every visitor reads alike of the published contracts only (its
    /// home, the search of a commune, a commune's page, the site's legal pages).
    Portail,
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
    /// What contract `{id}` keeps for those who read it whole (its diagnostics' documents):
    /// signatories, partners, pilots, ARS agents in scope.
    LireToutLeContrat,
    /// The partners directory shared by every contract: who keeps it (administrators, national
    /// ARS agents).
    Annuaire,
    /// The portfolio of the contracts of the visitor's scope (its page, its exports): ARS
    /// agents and administrators; the public is sent to sign in.
    Portefeuille,
    /// The platform's administration (the reference data, the journal): administrators only;
    /// the public is sent to sign in.
    Administration,
    /// The administration of accounts (`{compte}`, when the path names one): administrators,
    /// ARS agents and coordinators, each on the accounts holding a role they could grant (see
    /// `pilote_domain::administration`); an account they do not see is as absent; the public
    /// is sent to sign in.
    Comptes,
    /// A link to choose one's password (`{jeton}`): whoever holds a valid one.
    Lien,
    /// An invitation link (`{jeton}`): whoever holds a valid one.
    Invitation,
    /// The unsubscribe link of a reminder (`{jeton}`): whoever holds a valid one.
    Desinscription,
    /// The signed-in person's own account (their page, their password, their sessions): any
    /// signed-in person, on their account only; the public is sent to sign in.
    Compte,
}

/// One route: method, path and policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub methode: Method,
    pub chemin: &'static str,
    pub politique: Politique,
}

/// Routes with their handlers.
pub type Routes = Vec<(Route, MethodRouter<AppState>)>;

/// A route of `chemin` for `methode`, under `politique`, answered by `gestionnaire`.
pub fn route(
    methode: Method,
    chemin: &'static str,
    politique: Politique,
    gestionnaire: MethodRouter<AppState>,
) -> (Route, MethodRouter<AppState>) {
    (
        Route {
            methode,
            chemin,
            politique,
        },
        gestionnaire,
    )
}
