//! Spreadsheet exports: of one contract (`/contrats/{id}/export.xlsx`, `.ods`, `.csv`), what
//! the visitor may read of it, its history when they read it whole; and of the list of
//! contracts (`/export.xlsx`, `.ods`, `.csv`), every contract the visitor may read that the
//! home page's filters keep (région, département, statut, texte), its pages aside. A CSV holds
//! one sheet: `?feuille=fiches-actions` (or `contrats`, `axes`, `budget`…) says which.

use axum::extract::State;
use axum::http::Method;
use axum::response::Response;
use axum::routing::get;
use pilote_store::contrat;
use pilote_store::export::{self, ContratExporte, FEUILLES};
use serde::Deserialize;

use crate::AppState;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::{Chemin, Parametres};
use crate::noyau::liste::RequeteListe;
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::tableur::{self, Format};
use crate::noyau::visiteur::Visiteur;

/// The routes of the exports, each with its policy.
pub(crate) fn routes() -> Routes {
    use Politique::*;
    let mut routes = Vec::new();
    for format in Format::TOUS {
        routes.push(route(
            Method::GET,
            chemin_contrat(format),
            LireContrat,
            get(
                move |s: State<AppState>,
                      v: Visiteur,
                      c: Chemin<String>,
                      p: Parametres<RequeteExport>| {
                    du_contrat(s, v, c, p, format)
                },
            ),
        ));
        routes.push(route(
            Method::GET,
            chemin_liste(format),
            ListeContrats,
            get(
                move |s: State<AppState>, v: Visiteur, p: Parametres<RequeteExport>| {
                    de_la_liste(s, v, p, format)
                },
            ),
        ));
    }
    routes
}

/// The address of `format`'s export of one contract.
fn chemin_contrat(format: Format) -> &'static str {
    match format {
        Format::Xlsx => "/contrats/{id}/export.xlsx",
        Format::Ods => "/contrats/{id}/export.ods",
        Format::Csv => "/contrats/{id}/export.csv",
    }
}

/// The address of `format`'s export of the list.
fn chemin_liste(format: Format) -> &'static str {
    match format {
        Format::Xlsx => "/export.xlsx",
        Format::Ods => "/export.ods",
        Format::Csv => "/export.csv",
    }
}

/// The query string of an export: the sheet of a CSV, and for a list its filters.
#[derive(Debug, Default, Deserialize)]
pub struct RequeteExport {
    feuille: Option<String>,
    #[serde(flatten)]
    liste: RequeteListe,
}

/// The codes of the sheets an export may have.
fn codes() -> Vec<&'static str> {
    FEUILLES.iter().map(|(c, _)| *c).collect()
}

/// The sheet a CSV export asks for (none for a workbook), checked against [`FEUILLES`].
fn feuille(format: Format, requete: &RequeteExport) -> Result<Option<&str>, AppError> {
    format.feuille(requete.feuille.as_deref(), &codes(), "fiches-actions")
}

/// The export of `contrats` in `format`, as file `nom` (without its extension); a CSV holds
/// sheet `code` alone.
fn ecrire(
    contrats: &[ContratExporte],
    format: Format,
    code: Option<&str>,
    nom: &str,
) -> Result<Response, AppError> {
    tableur::ecrire(export::feuilles(contrats), format, code, nom)
}

/// `GET /contrats/{id}/export.{xlsx,ods,csv}`
async fn du_contrat(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
    Parametres(requete): Parametres<RequeteExport>,
    format: Format,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    let contrats =
        contrat::pour_export(&state.store, &visiteur.auteur, std::slice::from_ref(&id)).await?;
    ecrire(&contrats, format, feuille(format, &requete)?, id.as_str())
}

/// `GET /export.{xlsx,ods,csv}`
async fn de_la_liste(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Parametres(requete): Parametres<RequeteExport>,
    format: Format,
) -> Result<Response, AppError> {
    let filtre = requete
        .liste
        .filtre()
        .map_err(|e| AppError::BadRequest(phrase(&e)))?;
    // Checked before any contract is read.
    let code = feuille(format, &requete)?;
    let ids: Vec<_> = contrat::tous(&state.store, &visiteur.auteur, &filtre)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let contrats = contrat::pour_export(&state.store, &visiteur.auteur, &ids).await?;
    ecrire(&contrats, format, code, "contrats")
}
