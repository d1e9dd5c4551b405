//! The workbook to fill in with a contract's plan (`GET /modele-plan.xlsx`): one sheet per part
//! (contract, axes, fiches-actions, budget, indicators), the columns `pilote import` reads, an
//! example line in each.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use pilote_store::import::tableur;

use crate::noyau::erreur::AppError;

/// `GET /modele-plan.xlsx`
pub async fn telecharger() -> Result<Response, AppError> {
    let octets = tableur::modele().map_err(|e| {
        tracing::error!(erreur = %e, "le modèle de plan ne s'écrit pas");
        AppError::Internal
    })?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"modele-plan-cls.xlsx\"",
            ),
        ],
        octets,
    )
        .into_response())
}
