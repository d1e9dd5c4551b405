//! A contract's dashboard (`/contrats/{id}/tableau-de-bord`), for its coordinator, its
//! steering committee and elected officials, and for the public once the contract is
//! published (what the visitor may read of it, nothing more): where each axis's actions
//! stand, what is late and what falls due next, the budget planned against realised by year,
//! funder and nature, each indicator against its baseline and targets, the governance bodies'
//! activity. Charts are drawn on the server ([`crate::noyau::graphique`]), each followed by
//! its figures in a table; the page needs no JavaScript and prints.

use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use pilote_domain::fiche_action::StatutAction;
use pilote_domain::pilotage::{Echeance, en_retard, prochaines_echeances};
use pilote_domain::tableau_de_bord::{Sommes, SuiviIndicateur, TableauDeBord};
use pilote_domain::{DatePartielle, Montant};
use pilote_store::contrat::{self, ContratComplet};

use crate::AppState;
use crate::noyau::erreur::AppError;
use crate::noyau::extraction::Chemin;
use crate::noyau::graphique::{self, Serie, nombre};
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

/// How each status of an action is painted, in the order of [`StatutAction::TOUS`], then
/// the actions without one: lightness runs from light to dark, and the two that could be
/// mistaken in grey for another are hatched.
const STATUTS: [Serie; 6] = [
    Serie {
        libelle: "À venir",
        couleur: "#cacafb",
        hachuree: false,
    },
    Serie {
        libelle: "En cours",
        couleur: "#6a6af4",
        hachuree: false,
    },
    Serie {
        libelle: "Réalisée",
        couleur: "#000091",
        hachuree: false,
    },
    Serie {
        libelle: "Reportée",
        couleur: "#fc5d00",
        hachuree: true,
    },
    Serie {
        libelle: "Abandonnée",
        couleur: "#3a3a3a",
        hachuree: true,
    },
    Serie {
        libelle: "Non renseigné",
        couleur: "#e5e5e5",
        hachuree: false,
    },
];

/// Planned (light) and realised (dark) amounts.
const BUDGET: [Serie; 2] = [
    Serie {
        libelle: "Prévisionnel",
        couleur: "#cacafb",
        hachuree: false,
    },
    Serie {
        libelle: "Réalisé",
        couleur: "#000091",
        hachuree: false,
    },
];

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

    fn taux(&self, s: &Sommes) -> String {
        s.taux()
            .map_or_else(|| "—".to_owned(), |t| format!("{t} %"))
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

/// An amount in euros as a chart writes it.
fn euros(v: f64) -> String {
    Montant::depuis_centimes((v * 100.0).round() as i64)
        .map(|m| m.en_euros())
        .unwrap_or_default()
}

fn en_euros(m: Montant) -> f64 {
    m.centimes() as f64 / 100.0
}

/// The budget compared, planned and realised, for each group of `groupes`.
fn comparaison(groupes: impl IntoIterator<Item = (String, Sommes)>) -> Vec<(String, [f64; 2])> {
    groupes
        .into_iter()
        .map(|(g, s)| (g, [en_euros(s.previsionnel), en_euros(s.realise)]))
        .collect()
}

fn graphique_indicateur(n: usize, s: &SuiviIndicateur) -> String {
    let i = &s.indicateur;
    let unite = i.unite.as_deref().unwrap_or("");
    let valeur = |v: f64| format!("{} {unite}", nombre(v)).trim_end().to_owned();
    let description = match s.serie.last() {
        Some((date, v)) => format!(
            "Dernière valeur : {} ({}){}",
            valeur(*v),
            date.en_toutes_lettres(),
            i.cibles
                .iter()
                .max_by_key(|c| c.annee)
                .map(|c| format!(" ; cible {} : {}", c.annee, valeur(c.valeur)))
                .unwrap_or_default()
        ),
        None => "Aucune valeur mesurée.".to_owned(),
    };
    let cibles: Vec<(u16, f64)> = i.cibles.iter().map(|c| (c.annee, c.valeur)).collect();
    graphique::courbe(
        &format!("indicateur-{n}"),
        &format!("{} (fiche-action n°{})", i.libelle, s.fiche),
        &description,
        &s.serie,
        i.valeur_initiale,
        &cibles,
        valeur,
    )
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
    let lignes: Vec<(String, Vec<usize>)> = t
        .axes
        .iter()
        .map(|a| {
            (
                a.libelle.clone(),
                a.par_statut.iter().map(|(_, n)| *n).collect(),
            )
        })
        .collect();
    let graphique_axes = graphique::barres_empilees(
        "axes",
        "Actions par axe et par statut",
        &format!(
            "{} fiches-actions, dont {} réalisées",
            t.ensemble.fiches,
            t.ensemble.compte(Some(StatutAction::Realisee))
        ),
        &STATUTS,
        &lignes,
    );
    let b = &t.budget;
    let graphique_annees = graphique::barres_comparees(
        "annees",
        "Budget prévisionnel et réalisé par année",
        &format!(
            "Actions : {} prévus, {} réalisés",
            b.total.previsionnel.en_euros(),
            b.total.realise.en_euros()
        ),
        BUDGET,
        &comparaison(b.par_annee.iter().map(|(a, s)| (a.to_string(), *s))),
        euros,
    );
    let graphique_financeurs = graphique::barres_comparees(
        "financeurs",
        "Budget prévisionnel et réalisé par financeur",
        &format!("{} financeurs", b.par_financeur.len()),
        BUDGET,
        &comparaison(b.par_financeur.iter().cloned()),
        euros,
    );
    let indicateurs = t
        .indicateurs
        .iter()
        .enumerate()
        .map(|(n, s)| Indicateur {
            graphique: graphique_indicateur(n, s),
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
