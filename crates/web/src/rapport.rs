//! A contract's reports (`/contrats/{id}/rapports`): the annual report of a chosen year and
//! the evaluation report, made from what the visitor may read of the contract, to download as
//! a tagged PDF (`/contrats/{id}/rapport.pdf?rapport=annuel-2025`) or as an ODT text to edit
//! (`rapport.odt`); and, for who changes the contract whole, the introduction and the
//! conclusion each report opens and closes with.

use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use pilote_domain::autorisation::{Operation, peut};
use pilote_domain::montant::milliers;
use pilote_domain::rapport::TypeRapport;
use pilote_rapport::Rapport;
use pilote_store::contrat::rapport::{self, TextesRapport};
use pilote_store::contrat::{self, ContratComplet};
use serde::Deserialize;

use crate::AppState;
use crate::noyau::document::fichier;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::{Champs, Chemin, Parametres};
use crate::noyau::page::{Entete, rediriger};
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::visiteur::Visiteur;

/// The routes of the reports, each with its policy.
pub(crate) fn routes() -> Routes {
    use Politique::*;
    vec![
        route(
            Method::GET,
            "/contrats/{id}/rapports",
            LireContrat,
            get(page),
        ),
        route(
            Method::GET,
            "/contrats/{id}/rapport.pdf",
            LireContrat,
            get(pdf),
        ),
        route(
            Method::GET,
            "/contrats/{id}/rapport.odt",
            LireContrat,
            get(odt),
        ),
        route(
            Method::POST,
            "/contrats/{id}/rapports",
            ModifierContrat,
            post(enregistrer),
        ),
    ]
}

/// The query string: which report, and the change just made.
#[derive(Debug, Default, Deserialize)]
pub struct Requete {
    rapport: Option<String>,
    fait: Option<String>,
}

#[derive(Template)]
#[template(path = "rapport/page.html")]
struct Page {
    entete: Entete,
    c: ContratComplet,
    csrf: String,
    /// The reports offered: the annual reports of the contract's years, then the evaluation.
    rapports: Vec<TypeRapport>,
    choisi: TypeRapport,
    textes: TextesRapport,
    /// Whether the visitor writes the texts.
    modifier: bool,
    fait: bool,
}

impl Page {
    fn est_choisi(&self, t: &TypeRapport) -> bool {
        *t == self.choisi
    }
}

/// The years of the annual reports a contract offers: those of its period up to this year,
/// and those of its budget lines; this year when it has neither.
fn annees(c: &ContratComplet) -> Vec<u16> {
    let cette_annee = crate::noyau::aujourdhui().annee();
    let mut annees: Vec<u16> = c
        .contrat
        .periode
        .map(|p| (p.debut()..=p.fin().unwrap_or(cette_annee).min(cette_annee)).collect())
        .unwrap_or_default();
    annees.extend(
        c.contrat
            .toutes_les_fiches()
            .iter()
            .flat_map(|f| f.budget.iter().map(|b| b.annee)),
    );
    if annees.is_empty() {
        annees.push(cette_annee);
    }
    annees.sort_unstable();
    annees.dedup();
    annees
}

/// The report `texte` names (`annuel-2025`, `evaluation`); `manque` says what to do without
/// one.
fn rapport_nomme(texte: Option<&str>, manque: &str) -> Result<TypeRapport, AppError> {
    match texte.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => TypeRapport::parse(t).map_err(|e| AppError::BadRequest(phrase(&e.to_string()))),
        None => Err(AppError::BadRequest(manque.to_owned())),
    }
}

/// What a request for a report file must say.
const RAPPORT_MANQUANT: &str =
    "Indiquez le rapport : rapport=annuel-2025 (le bilan d'une année) ou rapport=evaluation.";

/// `GET /contrats/{id}/rapports`
async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
    Parametres(q): Parametres<Requete>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    let c = contrat::lire(&state.store, &visiteur.auteur, &id).await?;
    let annees = annees(&c);
    // By default, the last annual report.
    let choisi = match q.rapport.as_deref() {
        Some(_) => rapport_nomme(q.rapport.as_deref(), RAPPORT_MANQUANT)?,
        None => TypeRapport::Annuel(annees.last().copied().unwrap_or(2025)),
    };
    let textes = rapport::lire(&state.store, &visiteur.auteur, &id, choisi).await?;
    let mut rapports: Vec<TypeRapport> =
        annees.into_iter().rev().map(TypeRapport::Annuel).collect();
    rapports.push(TypeRapport::Evaluation);
    if !rapports.contains(&choisi) {
        rapports.insert(0, choisi);
    }
    let page = Page {
        entete: visiteur.entete(&state),
        csrf: visiteur.csrf.clone(),
        modifier: peut(&visiteur.auteur.acteur, &Operation::Modifier, &c.portee()),
        c,
        rapports,
        choisi,
        textes,
        fait: q.fait.as_deref() == Some("textes"),
    };
    Ok(Html(page.render()?).into_response())
}

/// The report the query string names, of contract `id` as the visitor may read it.
async fn preparer(
    state: &AppState,
    visiteur: &Visiteur,
    id: &str,
    q: &Requete,
) -> Result<(ContratComplet, TypeRapport, TextesRapport), AppError> {
    let id = crate::noyau::identifiant(id)?;
    let c = contrat::lire(&state.store, &visiteur.auteur, &id).await?;
    let genre = rapport_nomme(q.rapport.as_deref(), RAPPORT_MANQUANT)?;
    let textes = rapport::lire(&state.store, &visiteur.auteur, &id, genre).await?;
    Ok((c, genre, textes))
}

/// The report to make.
fn rapport<'a>(c: &'a ContratComplet, genre: TypeRapport, textes: TextesRapport) -> Rapport<'a> {
    let t = &c.territoire_resolu;
    let communes = t.communes.len();
    Rapport {
        contrat: &c.contrat,
        territoire: format!(
            "{} commune{}, {} habitants",
            milliers(communes as u64),
            if communes > 1 { "s" } else { "" },
            milliers(t.population)
        ),
        genre,
        jour: crate::noyau::aujourdhui(),
        introduction: textes.introduction,
        conclusion: textes.conclusion,
    }
}

/// The file name of report `genre` of contract `c`.
fn nom(c: &ContratComplet, genre: TypeRapport, extension: &str) -> String {
    format!("{}-{}.{extension}", c.contrat.id, genre.code())
}

/// `GET /contrats/{id}/rapport.pdf?rapport=…`
async fn pdf(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
    Parametres(q): Parametres<Requete>,
) -> Result<Response, AppError> {
    let (c, genre, textes) = preparer(&state, &visiteur, &id, &q).await?;
    let nom = nom(&c, genre, "pdf");
    // Typst lays out on this thread for some hundred milliseconds: off the runtime's threads.
    let octets = tokio::task::spawn_blocking(move || rapport(&c, genre, textes).pdf())
        .await
        .map_err(|e| {
            tracing::error!(erreur = %e, "rapport interrompu");
            AppError::Internal
        })?;
    fichier(&nom, "application/pdf", octets)
}

/// `GET /contrats/{id}/rapport.odt?rapport=…`
async fn odt(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
    Parametres(q): Parametres<Requete>,
) -> Result<Response, AppError> {
    let (c, genre, textes) = preparer(&state, &visiteur, &id, &q).await?;
    let octets = rapport(&c, genre, textes).odt();
    fichier(
        &nom(&c, genre, "odt"),
        "application/vnd.oasis.opendocument.text",
        octets,
    )
}

#[derive(Deserialize)]
pub struct FormTextes {
    rapport: Option<String>,
    version: Option<String>,
    introduction: Option<String>,
    conclusion: Option<String>,
}

/// `POST /contrats/{id}/rapports`: the introduction and the conclusion of a report.
async fn enregistrer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
    Champs(f): Champs<FormTextes>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    contrat::autorise(&state.store, &visiteur.auteur, &id, &Operation::Modifier).await?;
    let genre = rapport_nomme(
        f.rapport.as_deref(),
        "Indiquez le rapport dont ce sont les textes.",
    )?;
    let version = f
        .version
        .as_deref()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .ok_or_else(|| {
            AppError::BadRequest(
                "La version du contrat manque au formulaire : rechargez la page.".to_owned(),
            )
        })?;
    let textes = TextesRapport {
        introduction: f.introduction,
        conclusion: f.conclusion,
    };
    rapport::enregistrer(&state.store, &visiteur.auteur, &id, version, genre, &textes).await?;
    Ok(rediriger(
        &format!(
            "/contrats/{id}/rapports?rapport={}&fait=textes#textes",
            genre.code()
        ),
        [],
    ))
}
