//! What a request may take: the size of its body, the time to answer it, and a bound on the
//! requests served at once. Past a bound, the answer says so in French (413, or 503 with
//! `Retry-After`) instead of letting one client exhaust the server's memory or tasks. The
//! time a client has to send a request's headers, which also bounds idle keep-alive
//! connections, is the business of the connection, in the `serveur` module.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

use crate::AppState;
use crate::noyau::erreur::{ApiError, AppError};

/// The limits, from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limites {
    /// The largest body of a form (not a file upload), in bytes.
    pub formulaire_max: usize,
    /// The largest document attached to a fiche-action, in bytes, exactly.
    pub document_max: usize,
    /// Requests served at once; the next ones are answered 503 at once.
    pub requetes_simultanees: usize,
    /// Time a client has to send a request's headers, from the connection's opening or the
    /// end of the previous answer: it closes slow (slowloris) and idle connections.
    pub delai_entetes: Duration,
    /// Time to answer a request, reading its body included.
    pub delai_requete: Duration,
    /// Whether `X-Forwarded-*` headers are believed (behind a reverse proxy that sets them).
    pub proxy_de_confiance: bool,
}

impl Default for Limites {
    fn default() -> Self {
        Self {
            formulaire_max: 1 << 20,
            document_max: 20 << 20,
            requetes_simultanees: 512,
            delai_entetes: Duration::from_secs(20),
            delai_requete: Duration::from_secs(60),
            proxy_de_confiance: false,
        }
    }
}

impl Limites {
    /// The largest file upload: the document and its form's other fields.
    pub fn multipart_max(&self) -> usize {
        self.document_max.saturating_add(64 << 10)
    }
}

/// A size as people read it: « 20 Mo » for 20 × 2²⁰ bytes, « 1 500 octets » otherwise.
pub fn en_octets(octets: usize) -> String {
    const MO: usize = 1 << 20;
    const KO: usize = 1 << 10;
    if octets >= MO && octets.is_multiple_of(MO) {
        format!("{} Mo", octets / MO)
    } else if octets >= KO && octets.is_multiple_of(KO) {
        format!("{} ko", octets / KO)
    } else {
        format!("{octets} octets")
    }
}

/// The requests in flight, bounded.
#[derive(Debug, Clone)]
pub struct EnVol(Arc<Semaphore>);

impl EnVol {
    pub fn new(limites: &Limites) -> Self {
        Self(Arc::new(Semaphore::new(
            limites.requetes_simultanees.max(1),
        )))
    }
}

/// The middleware, outermost: refuses a request past the bound of requests in flight, and
/// answers 503 when one takes longer than its time (the request itself runs to its end, see
/// `jusqu_au_bout`, so that no transaction is cut half-way).
pub async fn borner(State(state): State<AppState>, requete: Request, suite: Next) -> Response {
    let api = requete.uri().path().starts_with("/api/");
    let repondre = |erreur: AppError| {
        if api {
            ApiError(erreur).into_response()
        } else {
            erreur.into_response()
        }
    };
    let Ok(_permis) = state.en_vol.0.clone().try_acquire_owned() else {
        tracing::warn!("trop de requêtes simultanées");
        return repondre(AppError::Overloaded(
            "Pilote reçoit trop de demandes en ce moment : réessayez dans quelques secondes."
                .to_owned(),
        ));
    };
    match tokio::time::timeout(state.limites.delai_requete, suite.run(requete)).await {
        Ok(reponse) => reponse,
        Err(_) => {
            tracing::warn!("requête trop longue");
            repondre(AppError::Overloaded(format!(
                "La demande n'a pas abouti en {} secondes : réessayez dans un instant.",
                state.limites.delai_requete.as_secs()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::en_octets;

    #[test]
    fn les_tailles_se_lisent_en_francais() {
        assert_eq!(en_octets(20 << 20), "20 Mo");
        assert_eq!(en_octets(64 << 10), "64 ko");
        assert_eq!(en_octets(1500), "1500 octets");
    }
}
