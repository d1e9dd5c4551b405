//! `GET /api/v1/contrats` and `GET /api/v1/contrats/{id}`: the same facts as the pages, as JSON.

use axum::Json;
use axum::extract::{Path, State};
use pilote_domain::contrat::ContratResume;
use pilote_store::contrat::ContratComplet;

use crate::AppState;
use crate::acteur::Demandeur;
use crate::error::ApiError;

pub async fn liste(
    State(state): State<AppState>,
    Demandeur(acteur): Demandeur,
) -> Result<Json<Vec<ContratResume>>, ApiError> {
    Ok(Json(super::lisibles(&state.store, &acteur).await?))
}

pub async fn detail(
    State(state): State<AppState>,
    Demandeur(acteur): Demandeur,
    Path(id): Path<String>,
) -> Result<Json<ContratComplet>, ApiError> {
    Ok(Json(super::lisible(&state.store, &acteur, &id).await?))
}
