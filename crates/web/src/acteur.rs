//! Who is asking. Sign-in does not exist yet, so every request is the anonymous public, which
//! reads only published contracts; handlers already take the [`Demandeur`] and pass it to the
//! authorization policy, so that sign-in only has to change this extractor.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use pilote_domain::autorisation::Acteur;

pub struct Demandeur(pub Acteur);

impl<S: Send + Sync> FromRequestParts<S> for Demandeur {
    type Rejection = Infallible;

    async fn from_request_parts(_parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Demandeur(Acteur::public()))
    }
}
