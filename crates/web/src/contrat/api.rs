//! `GET /api/v1/contrats` and `GET /api/v1/contrats/{id}`: the same facts as the pages, as JSON.

use axum::Json;
use axum::extract::{Path, State};
use pilote_domain::contrat::ContratResume;
use pilote_store::contrat::{self, ContratComplet};

use crate::AppState;
use crate::error::ApiError;
use crate::visiteur::Visiteur;

pub async fn liste(
    State(state): State<AppState>,
    visiteur: Visiteur,
) -> Result<Json<Vec<ContratResume>>, ApiError> {
    Ok(Json(contrat::lister(&state.store, &visiteur.auteur).await?))
}

pub async fn detail(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Path(id): Path<String>,
) -> Result<Json<ContratComplet>, ApiError> {
    let id = super::identifiant(&id)?;
    Ok(Json(
        contrat::lire(&state.store, &visiteur.auteur, &id).await?,
    ))
}
