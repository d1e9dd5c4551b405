//! Static assets (the vendored DSFR stylesheet and icons, htmx, Pilote's own CSS), embedded in the
//! binary and served with a long cache lifetime.

use axum::extract::Path;
use axum::http::Method;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_embed::Embed;

use crate::noyau::erreur::AppError;
use crate::noyau::route::{Politique, Routes, route};

#[derive(Embed)]
#[folder = "assets/"]
struct Assets;

pub async fn servir(Path(chemin): Path<String>) -> Result<Response, AppError> {
    let fichier = Assets::get(&chemin)
        .ok_or_else(|| AppError::NotFound(format!("Aucune ressource « {chemin} ».")))?;
    let type_mime = match chemin.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("js") => "text/javascript; charset=utf-8",
        _ => "application/octet-stream",
    };
    Ok((
        [
            (header::CONTENT_TYPE, type_mime),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        fichier.data,
    )
        .into_response())
}

/// The routes of the vendored assets, each with its policy.
pub(crate) fn routes() -> Routes {
    use Politique::*;
    vec![route(
        Method::GET,
        "/assets/{*chemin}",
        Ouverte,
        get(servir),
    )]
}
