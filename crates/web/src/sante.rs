//! `GET /sante`, for load balancers and supervision: 200 when the database answers, 503
//! otherwise; it reads no data and sets no cookie.

use axum::extract::State;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::noyau::route::{Politique, Routes, route};

/// `GET /sante`
pub async fn sante(State(state): State<AppState>) -> Response {
    let texte = [(header::CONTENT_TYPE, "text/plain; charset=utf-8")];
    match state.store.repond().await {
        Ok(()) => (StatusCode::OK, texte, "ok\n").into_response(),
        Err(e) => {
            tracing::error!(erreur = %e, "la base de données ne répond pas");
            let message = "la base de données ne répond pas\n";
            (StatusCode::SERVICE_UNAVAILABLE, texte, message).into_response()
        }
    }
}

/// The route of the health check, with its policy.
pub(crate) fn routes() -> Routes {
    vec![route(Method::GET, "/sante", Politique::Ouverte, get(sante))]
}
