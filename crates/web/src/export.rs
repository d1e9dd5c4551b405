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
use pilote_store::export::{self, ContratExporte, FEUILLES, Feuille};
use serde::Deserialize;

use crate::AppState;
use crate::noyau::document::{TYPE_XLSX, fichier};
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::{Chemin, Parametres};
use crate::noyau::liste::RequeteListe;
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::visiteur::Visiteur;

/// The routes of the exports, each with its policy.
pub(crate) fn routes() -> Routes {
    use Politique::*;
    let mut routes = Vec::new();
    for format in Format::TOUS {
        routes.push(route(
            Method::GET,
            format.chemin_contrat(),
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
            format.chemin_liste(),
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

/// The formats of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Xlsx,
    Ods,
    Csv,
}

impl Format {
    const TOUS: [Format; 3] = [Format::Xlsx, Format::Ods, Format::Csv];

    fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Ods => "ods",
            Format::Csv => "csv",
        }
    }

    fn chemin_contrat(self) -> &'static str {
        match self {
            Format::Xlsx => "/contrats/{id}/export.xlsx",
            Format::Ods => "/contrats/{id}/export.ods",
            Format::Csv => "/contrats/{id}/export.csv",
        }
    }

    fn chemin_liste(self) -> &'static str {
        match self {
            Format::Xlsx => "/export.xlsx",
            Format::Ods => "/export.ods",
            Format::Csv => "/export.csv",
        }
    }

    fn type_mime(self) -> &'static str {
        match self {
            Format::Xlsx => TYPE_XLSX,
            Format::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// The query string of an export: the sheet of a CSV, and for a list its filters.
#[derive(Debug, Default, Deserialize)]
pub struct RequeteExport {
    feuille: Option<String>,
    #[serde(flatten)]
    liste: RequeteListe,
}

/// The export of `contrats` in `format`, as file `nom` (without its extension).
fn ecrire(
    contrats: &[ContratExporte],
    format: Format,
    requete: &RequeteExport,
    nom: &str,
) -> Result<Response, AppError> {
    let feuilles = export::feuilles(contrats);
    let type_mime = format.type_mime();
    match format {
        Format::Xlsx => fichier(
            &format!("{nom}.xlsx"),
            type_mime,
            export::xlsx::classeur(&feuilles),
        ),
        Format::Ods => fichier(
            &format!("{nom}.ods"),
            type_mime,
            export::ods::classeur(&feuilles),
        ),
        Format::Csv => {
            let feuille = feuille_demandee(feuilles, code_demande(requete)?)?;
            let nom = format!("{nom}-{}.{}", feuille.code, format.extension());
            fichier(
                &nom,
                type_mime,
                Ok::<_, std::convert::Infallible>(export::csv::fichier(&feuille)),
            )
        }
    }
}

/// The sheet a CSV export asks for (`?feuille=`), checked before anything is read: one of
/// [`FEUILLES`].
fn code_demande(requete: &RequeteExport) -> Result<&str, AppError> {
    let codes = || {
        FEUILLES
            .iter()
            .map(|(c, _)| *c)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some(code) = requete
        .feuille
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    else {
        return Err(AppError::BadRequest(format!(
            "Un fichier CSV contient une seule feuille : indiquez laquelle, par exemple \
             feuille=fiches-actions (feuilles possibles : {}).",
            codes()
        )));
    };
    if FEUILLES.iter().any(|(c, _)| *c == code) {
        Ok(code)
    } else {
        Err(AppError::BadRequest(format!(
            "Aucune feuille « {code} » : feuilles possibles : {}.",
            codes()
        )))
    }
}

/// Sheet `code` among those the export has (the history only for who reads it whole).
fn feuille_demandee(feuilles: Vec<Feuille>, code: &str) -> Result<Feuille, AppError> {
    match feuilles.iter().position(|f| f.code == code) {
        Some(n) => Ok(feuilles.into_iter().nth(n).expect("une feuille trouvée")),
        None => Err(AppError::BadRequest(format!(
            "La feuille « {code} » n'est exportée que pour qui lit tout le contrat (feuilles \
             possibles : {}).",
            feuilles
                .iter()
                .map(|f| f.code)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
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
    ecrire(&contrats, format, &requete, id.as_str())
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
    if format == Format::Csv {
        code_demande(&requete)?;
    }
    let ids: Vec<_> = contrat::tous(&state.store, &visiteur.auteur, &filtre)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let contrats = contrat::pour_export(&state.store, &visiteur.auteur, &ids).await?;
    ecrire(&contrats, format, &requete, "contrats")
}
