//! `/administration/journal`: the journal of accesses and changes for administrators, filtered
//! by person, contract, kind (read of unpublished data, change, sign-in, refusal) and period,
//! a hundred entries a page (the next page: the entries older than the last shown), exported
//! as CSV with the same filters; the retention and the last purge said at the top.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pilote_domain::DatePartielle;
use pilote_domain::administration::lit_le_journal;
use pilote_store::export::{Case, Feuille};
use pilote_store::journal::{self, Entree, Filtre, Genre, Purge};
use serde::Deserialize;

use super::rendre;
use crate::AppState;
use crate::noyau::erreur::AppError;
use crate::noyau::extraction::Parametres;
use crate::noyau::page::Entete;
use crate::noyau::visiteur::{Visiteur, administrateur};

pub const CHEMIN: &str = "/administration/journal";
pub const CHEMIN_CSV: &str = "/administration/journal.csv";
/// Entries a page.
const PAR_PAGE: u32 = 100;
/// Entries an export holds at most; the page says so, and a narrower period gives the rest.
pub const MAXIMUM_CSV: u32 = 100_000;

/// The filters as typed, given back to the form and to the links.
#[derive(Debug, Default, Deserialize)]
pub struct Requete {
    #[serde(default)]
    personne: String,
    #[serde(default)]
    contrat: String,
    #[serde(default)]
    genre: String,
    #[serde(default)]
    du: String,
    #[serde(default)]
    au: String,
    avant: Option<String>,
}

impl Requete {
    /// The store's filter, or the field at fault and why.
    fn filtre(&self) -> Result<Filtre, (&'static str, String)> {
        let contrat = match self.contrat.trim() {
            "" => None,
            c => Some(pilote_domain::IdContrat::parse(c).map_err(|e| {
                (
                    "contrat",
                    format!("Identifiant de contrat « {c} » invalide : {e}."),
                )
            })?),
        };
        let genre = match self.genre.trim() {
            "" => None,
            g => Some(Genre::parse(g).ok_or_else(|| {
                (
                    "genre",
                    format!("Genre « {g} » inconnu : choisissez-en un dans la liste."),
                )
            })?),
        };
        let avant = match self.avant.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(a) => Some(a.parse::<i64>().map_err(|_| {
                (
                    "avant",
                    format!("Repère de page « {a} » illisible : revenez à la première page."),
                )
            })?),
        };
        let depuis = debut("du", &self.du, false)?;
        let jusqu_a = debut("au", &self.au, true)?;
        if let (Some(d), Some(j)) = (depuis, jusqu_a)
            && d >= j
        {
            return Err((
                "au",
                "La période finit avant de commencer : la date de fin suit celle du début."
                    .to_owned(),
            ));
        }
        Ok(Filtre {
            personne: Some(self.personne.clone()),
            contrat,
            genre,
            depuis,
            jusqu_a,
            avant,
            compte: None,
        })
    }

    /// The query string of these filters (without the page).
    fn requete(&self) -> String {
        let encoder = crate::noyau::liste::encoder;
        format!(
            "personne={}&contrat={}&genre={}&du={}&au={}",
            encoder(self.personne.trim()),
            encoder(self.contrat.trim()),
            encoder(self.genre.trim()),
            encoder(self.du.trim()),
            encoder(self.au.trim())
        )
    }
}

/// The first moment of the date typed in field `champ` (of the day after it, for the end of
/// the period: `fin`), in Unix seconds; a year or a month stand for their first (last) day.
fn debut(
    champ: &'static str,
    saisie: &str,
    fin: bool,
) -> Result<Option<i64>, (&'static str, String)> {
    let saisie = saisie.trim();
    if saisie.is_empty() {
        return Ok(None);
    }
    let illisible = |raison: String| {
        (
            champ,
            format!("Date « {saisie} » illisible : {raison} (par exemple 05/12/2026)."),
        )
    };
    let date = DatePartielle::lire_saisie(saisie).map_err(|e| illisible(e.to_string()))?;
    let (annee, mois, jour) = if fin {
        date.dernier_jour().complete()
    } else {
        Some((
            date.annee(),
            date.mois().unwrap_or(1),
            date.complete().map_or(1, |(_, _, j)| j),
        ))
    }
    .ok_or_else(|| illisible("date incomplète".to_owned()))?;
    let jour = time::Month::try_from(mois)
        .ok()
        .and_then(|m| time::Date::from_calendar_date(i32::from(annee), m, jour).ok())
        .ok_or_else(|| illisible("ce jour n'existe pas".to_owned()))?;
    let minuit = jour.midnight().assume_utc().unix_timestamp();
    Ok(Some(if fin { minuit + 86_400 } else { minuit }))
}

/// An entry as the page shows it.
pub struct Ligne {
    pub quand: String,
    pub genre: Genre,
    pub entree: Entree,
}

#[derive(Template)]
#[template(path = "administration/journal.html")]
struct Page {
    entete: Entete,
    requete: Requete,
    lignes: Vec<Ligne>,
    /// The address of the next page, if there are older entries.
    suivante: Option<String>,
    /// Whether this page is not the first.
    premiere: Option<String>,
    conservation_mois: u32,
    purge: Option<Purge>,
    csv: String,
    erreur: Option<(&'static str, String)>,
}

impl Page {
    fn erreur_de(&self, champ: &str) -> Option<&str> {
        self.erreur
            .as_ref()
            .filter(|(c, _)| *c == champ)
            .map(|(_, m)| m.as_str())
    }

    fn genres(&self) -> Vec<(String, String)> {
        std::iter::once((String::new(), "Tous".to_owned()))
            .chain(
                Genre::TOUS
                    .iter()
                    .map(|g| (g.code().to_owned(), g.libelle().to_owned())),
            )
            .collect()
    }

    fn maximum_csv(&self) -> String {
        pilote_domain::montant::milliers(u64::from(MAXIMUM_CSV))
    }

    fn purge_en_lettres(&self, purge: &Purge) -> String {
        crate::noyau::en_lettres(purge.horodatage)
    }
}

/// Signed in as an administrator, or refused.
fn autoriser(visiteur: &Visiteur) -> Result<(), AppError> {
    administrateur(visiteur, lit_le_journal, "lit le journal")
}

/// `GET /administration/journal?personne=…&contrat=…&genre=…&du=…&au=…&avant=…`
pub async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Parametres(q): Parametres<Requete>,
) -> Result<Response, AppError> {
    autoriser(&visiteur)?;
    let (entrees, erreur) = match q.filtre() {
        Ok(filtre) => (
            journal::chercher(&state.store, &filtre, PAR_PAGE + 1).await?,
            None,
        ),
        Err(faute) => (Vec::new(), Some(faute)),
    };
    let base = q.requete();
    let suivante = (entrees.len() > PAR_PAGE as usize)
        .then(|| entrees.get(PAR_PAGE as usize - 1).map(|(id, _)| *id))
        .flatten()
        .map(|id| format!("{CHEMIN}?{base}&avant={id}"));
    let premiere = q
        .avant
        .as_deref()
        .filter(|a| !a.trim().is_empty())
        .map(|_| format!("{CHEMIN}?{base}"));
    let lignes = entrees
        .into_iter()
        .take(PAR_PAGE as usize)
        .map(|(_, entree)| Ligne {
            quand: crate::noyau::en_lettres(entree.horodatage),
            genre: Genre::de(&entree.action),
            entree,
        })
        .collect();
    let statut = if erreur.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = Page {
        entete: visiteur.entete(&state),
        lignes,
        suivante,
        premiere,
        conservation_mois: state.store.reglages().conservation_journal_mois,
        purge: journal::derniere_purge(&state.store).await?,
        csv: format!("{CHEMIN_CSV}?{base}"),
        requete: q,
        erreur,
    };
    rendre(page, statut)
}

/// The journal's entries as a sheet (for the CSV of the administrators, and of one's own data).
pub fn feuille(entrees: &[Entree]) -> Feuille {
    Feuille {
        nom: "Journal",
        code: "journal",
        colonnes: vec![
            "Horodatage (UTC)",
            "Qui",
            "Origine",
            "Genre",
            "Action",
            "Objet",
            "Détail",
        ],
        lignes: entrees
            .iter()
            .map(|e| {
                vec![
                    Case::Instant(e.horodatage),
                    Case::texte(e.qui.clone()),
                    Case::texte(e.origine.clone()),
                    Case::texte(Genre::de(&e.action).libelle()),
                    Case::texte(e.action.clone()),
                    Case::texte(e.objet.clone()),
                    Case::texte(e.detail.clone().unwrap_or_default()),
                ]
            })
            .collect(),
    }
}

/// A CSV file to download as `nom`.
pub fn fichier_csv(nom: &str, entrees: &[Entree]) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{nom}\""),
            ),
        ],
        pilote_store::export::csv::fichier(&feuille(entrees)),
    )
        .into_response()
}

/// `GET /administration/journal.csv?…`: the entries the same filters give, newest first, at
/// most [`MAXIMUM_CSV`].
pub async fn csv(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Parametres(q): Parametres<Requete>,
) -> Result<Response, AppError> {
    autoriser(&visiteur)?;
    let filtre = q.filtre().map_err(|(_, m)| AppError::BadRequest(m))?;
    let entrees: Vec<Entree> = journal::chercher(&state.store, &filtre, MAXIMUM_CSV)
        .await?
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    Ok(fichier_csv("journal.csv", &entrees))
}
