//! Open data (`/donnees`): every published contract, all together, as a workbook (XLSX), as
//! JSON (the import format: what Pilote reads back) and as one CSV per sheet, each CSV with
//! its Table Schema, under the Licence Ouverte 2.0, at stable addresses, with the date of
//! the last change; and the page that lists them, with each contract's own files. Read as
//! the public reads them, whoever asks: published contracts only, their public projection.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, Method, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use pilote_domain::contrat::Contrat;
use pilote_domain::portefeuille::ContratDuPortefeuille;
use pilote_store::export::schema::{self, LICENCE, LICENCE_URL};
use pilote_store::export::{self, FEUILLES};
use pilote_store::{Auteur, contrat, portail};
use serde::Serialize;

use crate::AppState;
use crate::noyau::erreur::AppError;
use crate::noyau::extraction::Chemin;
use crate::noyau::page::Entete;
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::tableur::{self, Format};
use crate::noyau::visiteur::Visiteur;
use crate::noyau::{jour, rfc3339};

/// The sheets published as CSV: all but the history, which the public does not read.
fn publiees() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    FEUILLES.iter().filter(|(code, _)| *code != "historique")
}

/// The routes of open data, under [`Politique::Portail`].
pub(crate) fn routes() -> Routes {
    vec![
        route(Method::GET, "/donnees", Politique::Portail, get(page)),
        route(
            Method::GET,
            "/donnees/{fichier}",
            Politique::Portail,
            get(fichier),
        ),
    ]
}

#[derive(Template)]
#[template(path = "donnees_ouvertes/page.html")]
struct Page<'a> {
    entete: Entete,
    licence: &'static str,
    licence_url: &'static str,
    version: &'static str,
    /// The last change of any published contract, in words.
    mise_a_jour: Option<String>,
    feuilles: Vec<&'static (&'static str, &'static str)>,
    contrats: &'a [ContratDuPortefeuille],
}

/// `GET /donnees`: the files, their schema and their licence.
async fn page(State(state): State<AppState>, visiteur: Visiteur) -> Result<Html<String>, AppError> {
    let portail = portail::lire(&state.store).await?;
    let contrats = &portail.portefeuille.contrats;
    let page = Page {
        entete: visiteur.entete(&state),
        licence: LICENCE,
        licence_url: LICENCE_URL,
        version: schema::VERSION,
        mise_a_jour: derniere_modification(&portail)
            .and_then(jour)
            .map(|d| d.en_toutes_lettres()),
        feuilles: publiees().collect(),
        contrats,
    };
    Ok(Html(page.render()?))
}

/// The last change of any published contract (seconds since the Unix epoch).
fn derniere_modification(portail: &pilote_domain::portail::Portail) -> Option<i64> {
    portail
        .portefeuille
        .contrats
        .iter()
        .filter_map(|c| portail.mise_a_jour(&c.resume.id))
        .max()
}

/// Every published contract as JSON, with what a reuser needs to know of it.
#[derive(Serialize)]
struct Jeu<'a> {
    licence: &'static str,
    licence_url: &'static str,
    version: &'static str,
    /// The last change of any of them (RFC 3339).
    modifie_le: Option<String>,
    contrats: Vec<&'a Contrat>,
}

/// `GET /donnees/{fichier}`: `contrats.xlsx`, `contrats.json`, a sheet as `{code}.csv` or
/// its schema as `{code}.schema.json`.
async fn fichier(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(fichier): Chemin<String>,
) -> Result<Response, AppError> {
    let inconnu = || {
        AppError::NotFound(format!(
            "Aucun fichier « {fichier} » dans les données ouvertes : la page /donnees les \
             liste tous."
        ))
    };
    enum Demande<'a> {
        Classeur,
        Json,
        Csv(&'a str),
        Schema(&'a str),
    }
    let demande = match fichier.as_str() {
        "contrats.xlsx" => Demande::Classeur,
        "contrats.json" => Demande::Json,
        autre => {
            let (code, schema) = match autre.strip_suffix(".schema.json") {
                Some(code) => (code, true),
                None => (autre.strip_suffix(".csv").ok_or_else(inconnu)?, false),
            };
            if !publiees().any(|(c, _)| *c == code) {
                return Err(inconnu());
            }
            if schema {
                Demande::Schema(code)
            } else {
                Demande::Csv(code)
            }
        }
    };
    let portail = portail::lire(&state.store).await?;
    let ids: Vec<_> = portail
        .portefeuille
        .contrats
        .iter()
        .map(|c| c.resume.id.clone())
        .collect();
    // As the public reads them, whoever asks.
    let public = Auteur::public(visiteur.auteur.origine.clone());
    let contrats = contrat::pour_export(&state.store, &public, &ids).await?;
    match demande {
        Demande::Classeur => {
            tableur::ecrire(export::feuilles(&contrats), Format::Xlsx, None, "contrats")
        }
        Demande::Csv(code) => tableur::ecrire(
            export::feuilles(&contrats),
            Format::Csv,
            Some(code),
            "contrats",
        ),
        Demande::Schema(code) => {
            let feuille = export::feuilles(&contrats)
                .into_iter()
                .find(|f| f.code == code)
                .ok_or_else(inconnu)?;
            Ok(json(&schema::schema(&feuille)))
        }
        Demande::Json => Ok(json(&Jeu {
            licence: LICENCE,
            licence_url: LICENCE_URL,
            version: schema::VERSION,
            modifie_le: derniere_modification(&portail).map(rfc3339),
            contrats: contrats.iter().map(|c| &c.contrat).collect(),
        })),
    }
}

/// `valeur` as a JSON answer.
fn json(valeur: &impl Serialize) -> Response {
    let mut reponse = axum::Json(valeur).into_response();
    reponse.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    reponse
}
