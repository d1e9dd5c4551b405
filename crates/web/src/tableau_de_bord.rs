//! A contract's dashboard (`/contrats/{id}/tableau-de-bord`), for its coordinator, its
//! steering committee and elected officials, and for the public once the contract is
//! published (what the visitor may read of it, nothing more): where each axis's actions
//! stand, what is late and what falls due next, the budget planned against realised by year,
//! funder and nature, each indicator against its baseline and targets, the governance bodies'
//! activity. Charts are drawn on the server (`pilote_rapport::figures`), each followed by
//! its figures in a table; the page needs no JavaScript and prints.

use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use pilote_domain::fiche_action::StatutAction;
use pilote_domain::pilotage::{Echeance, en_retard, prochaines_echeances};
use pilote_domain::tableau_de_bord::{SuiviIndicateur, TableauDeBord};
use pilote_domain::{DatePartielle, Montant};
use pilote_rapport::{figures, graphique::nombre};
use pilote_store::contrat::{self, ContratComplet};

use crate::AppState;
use crate::noyau::erreur::AppError;
use crate::noyau::extraction::Chemin;
use crate::noyau::page::Entete;
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::visiteur::Visiteur;

/// How many coming dates the page lists.
const PROCHAINES: usize = 6;

/// The dashboard's route and its policy.
pub(crate) fn routes() -> Routes {
    vec![route(
        Method::GET,
        "/contrats/{id}/tableau-de-bord",
        Politique::LireContrat,
        get(page),
    )]
}

/// An indicator with its chart.
struct Indicateur {
    suivi: SuiviIndicateur,
    graphique: String,
}

#[derive(Template)]
#[template(path = "tableau_de_bord/contrat.html")]
struct Page {
    entete: Entete,
    c: ContratComplet,
    jour: DatePartielle,
    t: TableauDeBord,
    /// Whether the visitor reads the whole contract (otherwise, what it publishes).
    tout: bool,
    retards: Vec<Echeance>,
    prochaines: Vec<Echeance>,
    graphique_axes: String,
    graphique_annees: String,
    graphique_financeurs: String,
    indicateurs: Vec<Indicateur>,
}

impl Page {
    fn euros(&self, m: &Montant) -> String {
        m.en_euros()
    }

    fn nombre(&self, v: &f64) -> String {
        nombre(*v)
    }

    fn realisees(&self) -> usize {
        self.t.ensemble.compte(Some(StatutAction::Realisee))
    }

    fn reunions(&self) -> usize {
        self.t.gouvernance.iter().map(|g| g.reunions_tenues).sum()
    }

    fn decisions(&self) -> usize {
        self.t.gouvernance.iter().map(|g| g.decisions).sum()
    }

    fn libelle_statut(&self, statut: &Option<StatutAction>) -> &'static str {
        statut.map_or("Non renseigné", |s| s.libelle())
    }
}

/// `GET /contrats/{id}/tableau-de-bord`
async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    let c = contrat::lire(&state.store, &visiteur.auteur, &id).await?;
    let tout = pilote_domain::autorisation::peut(
        &visiteur.auteur.acteur,
        &pilote_domain::autorisation::Operation::LireTout,
        &c.portee(),
    );
    let jour = crate::noyau::aujourdhui();
    let t = TableauDeBord::de(&c.contrat, jour);
    let graphique_axes = figures::avancement(&t);
    let graphique_annees = figures::budget_par_annee(&t);
    let graphique_financeurs = figures::budget_par_financeur(&t);
    let indicateurs = t
        .indicateurs
        .iter()
        .enumerate()
        .map(|(n, s)| Indicateur {
            graphique: figures::indicateur(n, s),
            suivi: s.clone(),
        })
        .collect();
    let page = Page {
        entete: visiteur.entete(&state),
        retards: en_retard(&c.contrat, jour),
        prochaines: prochaines_echeances(&c.contrat, jour, PROCHAINES),
        c,
        jour,
        tout,
        graphique_axes,
        graphique_annees,
        graphique_financeurs,
        indicateurs,
        t,
    };
    Ok(Html(page.render()?).into_response())
}
