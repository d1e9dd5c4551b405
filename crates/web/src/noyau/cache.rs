//! The public's answers kept in memory. What an anonymous visitor reads of the list of
//! contracts and of a published contract (page and API) is the same for every anonymous
//! visitor until something changes: the answer is kept with the store's counter of changes
//! (`Store::generation`, one indexed read of one row) and served again while that counter has
//! not moved. A change made by any instance moves it, so several instances on one PostgreSQL
//! database stay true. Signed-in visitors, whose pages carry their forms and tokens, are never
//! served from here.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::noyau::visiteur::Visiteur;

/// What the cache holds at most, in bytes (answers and their addresses); past it, it starts
/// afresh.
const CAPACITE: usize = 32 * 1024 * 1024;
/// The most answers it holds (addresses vary with the query string).
const REPONSES_MAX: usize = 4096;
/// The largest answer kept; a larger one is served, not kept.
const REPONSE_MAX: usize = 2 * 1024 * 1024;

/// Answers by address (path and query), each with the counter of changes it was made at.
#[derive(Debug, Default)]
pub struct CachePublic {
    reponses: Mutex<Reponses>,
}

#[derive(Debug, Default)]
struct Reponses {
    par_adresse: HashMap<String, Gardee>,
    octets: usize,
}

#[derive(Debug, Clone)]
struct Gardee {
    generation: i64,
    /// Its headers (type, and for the API the total and the next page).
    entetes: HeaderMap,
    corps: Bytes,
}

impl Gardee {
    /// What it takes in memory, roughly: its body, its address and its headers.
    fn taille(&self, adresse: &str) -> usize {
        self.corps.len() + adresse.len() + 64 * (self.entetes.len() + 1)
    }
}

impl CachePublic {
    fn lire(&self, adresse: &str, generation: i64) -> Option<Gardee> {
        let reponses = self.reponses.lock().ok()?;
        reponses
            .par_adresse
            .get(adresse)
            .filter(|g| g.generation == generation)
            .cloned()
    }

    fn garder(&self, adresse: String, gardee: Gardee) {
        let Ok(mut reponses) = self.reponses.lock() else {
            return;
        };
        let taille = gardee.taille(&adresse);
        if reponses.octets + taille > CAPACITE || reponses.par_adresse.len() >= REPONSES_MAX {
            reponses.par_adresse.clear();
            reponses.octets = 0;
        }
        reponses.octets += taille;
        if let Some(ancienne) = reponses.par_adresse.insert(adresse.clone(), gardee) {
            reponses.octets -= ancienne.taille(&adresse);
        }
    }
}

/// Whether `chemin` is one of the public's readings kept: the list of contracts and a
/// contract, as a page or as JSON.
fn gardable(chemin: &str) -> bool {
    let un_segment = |reste: &str| !reste.is_empty() && !reste.contains('/');
    chemin == "/"
        || chemin == "/api/v1/contrats"
        || chemin.strip_prefix("/contrats/").is_some_and(un_segment)
        || chemin
            .strip_prefix("/api/v1/contrats/")
            .is_some_and(un_segment)
}

/// The middleware, inside the visitor's identification: serves an anonymous reading from the
/// cache when it is still true, keeps it otherwise.
pub async fn servir(State(state): State<AppState>, requete: Request, suite: Next) -> Response {
    let anonyme = requete
        .extensions()
        .get::<Visiteur>()
        .is_some_and(|v| v.session.is_none());
    if requete.method() != Method::GET || !anonyme || !gardable(requete.uri().path()) {
        return suite.run(requete).await;
    }
    let Ok(generation) = state.store.generation().await else {
        return suite.run(requete).await;
    };
    let adresse = requete.uri().to_string();
    if let Some(gardee) = state.cache.lire(&adresse, generation) {
        return repondre(gardee);
    }
    let reponse = suite.run(requete).await;
    if reponse.status() != StatusCode::OK {
        return reponse;
    }
    let (parties, corps) = reponse.into_parts();
    match to_bytes(corps, usize::MAX).await {
        Ok(corps) => {
            if corps.len() <= REPONSE_MAX {
                let gardee = Gardee {
                    generation,
                    entetes: parties.headers.clone(),
                    corps: corps.clone(),
                };
                state.cache.garder(adresse, gardee);
            }
            Response::from_parts(parties, Body::from(corps))
        }
        Err(e) => {
            tracing::error!(erreur = %e, "réponse illisible");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn repondre(gardee: Gardee) -> Response {
    let mut reponse = Response::new(Body::from(gardee.corps));
    *reponse.headers_mut() = gardee.entetes;
    reponse
}

#[cfg(test)]
mod tests {
    use super::gardable;

    #[test]
    fn seules_les_lectures_du_public_sont_gardees() {
        for chemin in [
            "/",
            "/contrats/caen-2019",
            "/api/v1/contrats",
            "/api/v1/contrats/caen-2019",
        ] {
            assert!(gardable(chemin), "{chemin}");
        }
        for chemin in [
            "/contrats/",
            "/contrats/nouveau/x",
            "/contrats/caen-2019/strategie",
            "/contrats/caen-2019/fiches/1.1",
            "/connexion",
            "/api/v1/contrats/",
        ] {
            assert!(!gardable(chemin), "{chemin}");
        }
    }
}
