//! axum's `Path`, `Query` and `Form` extractors with their refusals in French: [`Chemin`],
//! [`Parametres`] and [`Champs`] read the same things, and a request they cannot read gets a
//! French page (or, under `/api/`, a French JSON error) naming what is wrong, never axum's
//! English.

use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::erreur::{ApiError, AppError, phrase};

/// The parameters of the route's path (`/contrats/{id}` → `id`).
pub struct Chemin<T>(pub T);

/// The query string (`?page=2`).
pub struct Parametres<T>(pub T);

/// The fields of a form sent as `application/x-www-form-urlencoded`.
pub struct Champs<T>(pub T);

/// A request one of these extractors could not read: a page, or JSON under `/api/`.
#[derive(Debug)]
pub struct Rejet {
    erreur: AppError,
    api: bool,
}

impl Rejet {
    fn new(uri: &Uri, erreur: AppError) -> Self {
        Self {
            erreur,
            api: uri.path().starts_with("/api/"),
        }
    }
}

impl IntoResponse for Rejet {
    fn into_response(self) -> Response {
        if self.api {
            ApiError(self.erreur).into_response()
        } else {
            self.erreur.into_response()
        }
    }
}

/// What serde said of a value it could not read, in French (« champ « page » manquant »).
fn detail(erreur: &dyn std::error::Error) -> String {
    let brut = erreur
        .source()
        .map_or_else(|| erreur.to_string(), ToString::to_string);
    pilote_store::import::donnee_fr(&brut)
}

impl<T, S> FromRequestParts<S> for Chemin<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Rejet;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Rejet> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(valeur)) => Ok(Chemin(valeur)),
            // A segment that does not decode (invalid UTF-8 once percent-decoded) can name
            // nothing here.
            Err(_) => {
                let message = format!("Adresse illisible : « {} ».", parts.uri.path());
                Err(Rejet::new(&parts.uri, AppError::NotFound(message)))
            }
        }
    }
}

impl<T, S> FromRequestParts<S> for Parametres<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Rejet;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Rejet> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(valeur)) => Ok(Parametres(valeur)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                let message = format!(
                    "Paramètres de l'adresse illisibles : {}.",
                    detail(&e).trim_end_matches('.')
                );
                Err(Rejet::new(&parts.uri, AppError::BadRequest(message)))
            }
            Err(_) => Err(Rejet::new(
                &parts.uri,
                AppError::BadRequest("Paramètres de l'adresse illisibles.".to_owned()),
            )),
        }
    }
}

impl<T, S> FromRequest<S> for Champs<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Rejet;

    async fn from_request(requete: Request, state: &S) -> Result<Self, Rejet> {
        let uri = requete.uri().clone();
        let erreur = match Form::<T>::from_request(requete, state).await {
            Ok(Form(valeur)) => return Ok(Champs(valeur)),
            Err(FormRejection::InvalidFormContentType(_)) => AppError::BadRequest(
                "Ce n'est pas un formulaire : envoyez-le depuis la page de Pilote.".to_owned(),
            ),
            Err(FormRejection::FailedToDeserializeForm(e)) => formulaire_illisible(&e),
            Err(FormRejection::FailedToDeserializeFormBody(e)) => formulaire_illisible(&e),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge(
                "Le formulaire dépasse la taille permise : rien n'est enregistré.".to_owned(),
            ),
            Err(_) => AppError::BadRequest(
                "Le formulaire s'est interrompu en route : renvoyez-le depuis la page.".to_owned(),
            ),
        };
        Err(Rejet::new(&uri, erreur))
    }
}

fn formulaire_illisible(erreur: &dyn std::error::Error) -> AppError {
    AppError::BadRequest(phrase(&format!(
        "formulaire illisible ({}) : renvoyez-le depuis la page",
        detail(erreur).trim_end_matches('.')
    )))
}
