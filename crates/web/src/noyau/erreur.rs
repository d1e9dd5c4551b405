//! The web error: maps store errors to a status, shows French messages, logs server faults
//! once here and never shows their details; a refusal carries its reason for the journal.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use pilote_store::StoreError;
use serde::Serialize;

use crate::noyau::page::Entete;

#[derive(Debug)]
pub enum AppError {
    NotFound(String),
    BadRequest(String),
    Forbidden(String),
    Conflict(String),
    /// A service Pilote depends on (the identity provider, the mail server) failed.
    Unavailable(String),
    /// A body past the configured limits.
    PayloadTooLarge(String),
    /// Too many requests at once, or one that took too long: to try again shortly.
    Overloaded(String),
    Internal,
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unavailable(_) => StatusCode::BAD_GATEWAY,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Overloaded(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The page's heading, in French.
    fn titre(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "Page introuvable",
            AppError::BadRequest(_) => "Demande incorrecte",
            AppError::Forbidden(_) => "Accès refusé",
            AppError::Conflict(_) => "Modification concurrente",
            AppError::Unavailable(_) | AppError::Overloaded(_) => "Service indisponible",
            AppError::PayloadTooLarge(_) => "Envoi trop volumineux",
            AppError::Internal => "Erreur interne",
        }
    }

    fn message(&self) -> &str {
        match self {
            AppError::NotFound(m)
            | AppError::BadRequest(m)
            | AppError::Forbidden(m)
            | AppError::Conflict(m)
            | AppError::Unavailable(m)
            | AppError::PayloadTooLarge(m)
            | AppError::Overloaded(m) => m,
            AppError::Internal => {
                "Une erreur est survenue de notre côté. Elle a été consignée ; réessayez plus tard."
            }
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => AppError::NotFound(phrase(&m)),
            StoreError::Invalid(m) => AppError::BadRequest(phrase(&m)),
            StoreError::Conflict(m) | StoreError::Perime { message: m, .. } => {
                AppError::Conflict(phrase(&m))
            }
            StoreError::Refuse(m) => AppError::Forbidden(phrase(&m)),
            autre @ (StoreError::Corrupt(_) | StoreError::Database(_)) => {
                tracing::error!(erreur = %autre, "erreur interne");
                AppError::Internal
            }
        }
    }
}

/// A store message (« aucun contrat « x » ») as a sentence (« Aucun contrat « x ». »).
pub(crate) fn phrase(message: &str) -> String {
    let mut lettres = message.chars();
    let debut: String = lettres
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    let fin = if message.ends_with(['.', '!', '?']) {
        ""
    } else {
        "."
    };
    format!("{debut}{}{fin}", lettres.as_str())
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        tracing::error!(erreur = %e, "gabarit");
        AppError::Internal
    }
}

#[derive(Template)]
#[template(path = "noyau/erreur.html")]
struct PageErreur<'a> {
    entete: Entete,
    titre: &'a str,
    statut: u16,
    message: &'a str,
    /// A refusal: the page offers to sign in (with another account).
    refus: bool,
}

/// As a page.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let page = PageErreur {
            entete: Entete::erreur(),
            titre: self.titre(),
            refus: matches!(self, AppError::Forbidden(_)),
            statut: status.as_u16(),
            message: self.message(),
        };
        let mut reponse = match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, self.message().to_owned()).into_response(),
        };
        annoter(&self, &mut reponse);
        reponse
    }
}

/// As JSON, for the API: `{"erreur": "…"}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

/// What the API answers when it refuses a request.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct CorpsErreur<'a> {
    /// Ce qui ne va pas, en français, nommant la valeur fautive.
    erreur: &'a str,
}

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut reponse = (
            self.0.status(),
            Json(CorpsErreur {
                erreur: self.0.message(),
            }),
        )
            .into_response();
        annoter(&self.0, &mut reponse);
        reponse
    }
}

/// Why a request was refused, carried by its answer to the journal of refusals
/// (`visiteur::journaliser_les_refus`).
#[derive(Debug, Clone)]
struct MotifDuRefus(String);

/// The reason an answer's refusal gave, if it is one of an [`AppError`].
pub(crate) fn motif_du_refus(reponse: &Response) -> Option<&str> {
    reponse
        .extensions()
        .get::<MotifDuRefus>()
        .map(|m| m.0.as_str())
}

/// What an error's answer carries besides its body: an overloaded server asks to try again
/// in a moment; a refusal keeps its reason for the journal.
fn annoter(erreur: &AppError, reponse: &mut Response) {
    match erreur {
        AppError::Overloaded(_) => {
            reponse.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("2"),
            );
        }
        AppError::Forbidden(m) => {
            reponse.extensions_mut().insert(MotifDuRefus(m.clone()));
        }
        _ => {}
    }
}

/// Any unknown address.
pub async fn page_absente(uri: axum::http::Uri) -> Response {
    let message = format!("Aucune page à l'adresse « {} ».", uri.path());
    if uri.path().starts_with("/api/") {
        ApiError(AppError::NotFound(message)).into_response()
    } else {
        AppError::NotFound(message).into_response()
    }
}
