//! `GET /api/v1/contrats` and `GET /api/v1/contrats/{id}`: the same facts as the pages, as JSON.

use axum::Json;
use axum::extract::State;
use axum::http::Method;
use axum::http::{HeaderName, header};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::routing::get;
use pilote_domain::contrat::ContratResume;
use pilote_store::contrat::{self, ContratComplet};

use crate::AppState;
use crate::noyau::erreur::{ApiError, AppError, phrase};
use crate::noyau::extraction::{Chemin, Parametres};
use crate::noyau::liste::{RequeteListe, requete_de};
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::visiteur::Visiteur;

/// `GET /api/v1/contrats`: one page of the contracts the caller may read (`page`, `par_page`,
/// 50 by default), filtered by `region`, `departement`, `statut` and `texte`; the total is in
/// `X-Total-Count`, the next page in a `Link` header.
pub async fn liste(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Parametres(requete): Parametres<RequeteListe>,
) -> Result<Response, ApiError> {
    let filtre = requete
        .filtre()
        .map_err(|e| ApiError(AppError::BadRequest(phrase(&e))))?;
    let liste = contrat::chercher(&state.store, &visiteur.auteur, &filtre).await?;
    let mut entetes = vec![(
        HeaderName::from_static("x-total-count"),
        liste.total.to_string(),
    )];
    if liste.page < liste.pages() {
        entetes.push((
            header::LINK,
            format!(
                "</api/v1/contrats?{}>; rel=\"next\"",
                requete_de(&filtre, liste.page + 1)
            ),
        ));
    }
    let corps: Vec<ContratResume> = liste.contrats;
    Ok((AppendHeaders(entetes), Json(corps)).into_response())
}

pub async fn detail(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
) -> Result<Json<ContratComplet>, ApiError> {
    let id = crate::noyau::identifiant(&id)?;
    Ok(Json(
        contrat::lire(&state.store, &visiteur.auteur, &id).await?,
    ))
}

/// The routes of the JSON API, each with its policy.
pub(crate) fn routes() -> Routes {
    use Politique::*;
    vec![
        route(Method::GET, "/api/v1/contrats", ListeContrats, get(liste)),
        route(
            Method::GET,
            "/api/v1/contrats/{id}",
            LireContrat,
            get(detail),
        ),
    ]
}
