//! The public's answers kept in memory. What an anonymous visitor reads of the list of
//! contracts and of a published contract (page and API) is the same for every anonymous
//! visitor until something changes: the answer is kept with the store's counter of changes
//! (`Store::generation`, one indexed read of one row) and served again while that counter has
//! not moved. A change made by any instance moves it, so several instances on one PostgreSQL
//! database stay true. Signed-in visitors, whose pages carry their forms and tokens, are never
//! served from here.
//!
//! Each answer kept carries an `ETag` made of that counter and of a digest of its bytes: a
//! browser that asks again with it (`If-None-Match`) gets `304 Not Modified` while nothing
//! changed; and its compressed forms are made once ([`Compresse`]). Its `Last-Modified` is
//! when this instance made it, at that counter: never before the change it shows. A
//! browser's `If-Modified-Since` alone is not answered `304`: at a second's granularity, a
//! change made in the same second as the date it holds would be hidden.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::noyau::compression::{Codage, Compresse};
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
    par_adresse: HashMap<String, Arc<Gardee>>,
    octets: usize,
}

#[derive(Debug)]
struct Gardee {
    generation: i64,
    etag: HeaderValue,
    /// When it was made (an HTTP date).
    faite_le: HeaderValue,
    /// Its headers (type, and for the API the total and the next page).
    entetes: HeaderMap,
    corps: Compresse,
}

impl Gardee {
    fn new(generation: i64, entetes: HeaderMap, corps: Compresse) -> Self {
        let empreinte = Sha256::digest(corps.brut());
        let etag = format!(
            "W/\"{generation:x}-{}\"",
            empreinte[..8]
                .iter()
                .map(|o| format!("{o:02x}"))
                .collect::<String>()
        );
        Self {
            generation,
            // Hexadecimal digits and quotes only: always a valid header value.
            etag: HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("W/\"0\"")),
            // An HTTP date is ASCII letters, digits, spaces, commas and colons.
            faite_le: HeaderValue::from_str(&httpdate::fmt_http_date(SystemTime::now()))
                .unwrap_or(HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT")),
            entetes,
            corps,
        }
    }

    /// What it takes in memory, roughly: its body (compressed forms included when it was
    /// kept), its address and its headers.
    fn taille(&self, adresse: &str) -> usize {
        self.corps.taille() + adresse.len() + 64 * (self.entetes.len() + 2)
    }

    /// The answer to a request with these headers: `304` when the browser holds this very
    /// answer, the body in the encoding it prefers otherwise.
    fn repondre(&self, requete: &HeaderMap) -> Response {
        let mut reponse = if connue(requete, &self.etag) {
            let mut reponse = StatusCode::NOT_MODIFIED.into_response();
            *reponse.headers_mut() = self.entetes.clone();
            reponse.headers_mut().remove(header::CONTENT_TYPE);
            reponse
        } else {
            let (corps, codage) = self.corps.en(Codage::negocier(requete));
            let mut reponse = Response::new(Body::from(corps));
            *reponse.headers_mut() = self.entetes.clone();
            if let Some(codage) = codage {
                reponse
                    .headers_mut()
                    .insert(header::CONTENT_ENCODING, codage);
            }
            reponse
        };
        let entetes = reponse.headers_mut();
        entetes.insert(header::ETAG, self.etag.clone());
        entetes.insert(header::LAST_MODIFIED, self.faite_le.clone());
        // Every reader asks again, and gets a 304 while nothing changed; what a signed-in
        // visitor reads differs, hence `Cookie` among the headers the answer depends on.
        entetes.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        entetes.insert(
            header::VARY,
            HeaderValue::from_static("Accept-Encoding, Cookie"),
        );
        reponse
    }
}

/// Whether the browser's `If-None-Match` names `etag` (compared weakly, as RFC 9110 asks for
/// `If-None-Match`), or is `*`.
fn connue(requete: &HeaderMap, etag: &HeaderValue) -> bool {
    let sans_faiblesse = |e: &str| e.trim().trim_start_matches("W/").to_owned();
    let Ok(etag) = etag.to_str() else {
        return false;
    };
    let etag = sans_faiblesse(etag);
    requete
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|e| e.trim() == "*" || sans_faiblesse(e) == etag)
}

impl CachePublic {
    fn lire(&self, adresse: &str, generation: i64) -> Option<Arc<Gardee>> {
        let reponses = self.reponses.lock().ok()?;
        reponses
            .par_adresse
            .get(adresse)
            .filter(|g| g.generation == generation)
            .cloned()
    }

    fn garder(&self, adresse: String, gardee: Arc<Gardee>) {
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

/// Whether `chemin` is one of the public's readings kept: the portal's pages (its home, the
/// search of a commune and its suggestions, a commune's page, the legal pages, the sitemap,
/// open data and its files), the API's description,
/// the list of contracts and a contract, as a page or as JSON, a contract's dashboard and its
/// news feed.
fn gardable(chemin: &str) -> bool {
    let un_segment = |reste: &str| !reste.is_empty() && !reste.contains('/');
    matches!(
        chemin,
        "/" | "/communes"
            | "/accessibilite"
            | "/mentions-legales"
            | "/contrats"
            | "/sitemap.xml"
            | "/robots.txt"
            | "/donnees"
            | "/api"
            | "/api/v1/openapi.json"
    ) || chemin.strip_prefix("/communes/").is_some_and(un_segment)
        || chemin.strip_prefix("/donnees/").is_some_and(un_segment)
        || chemin == "/api/v1/contrats"
        || chemin.strip_prefix("/contrats/").is_some_and(un_segment)
        || chemin
            .strip_prefix("/contrats/")
            .and_then(|reste| {
                reste
                    .strip_suffix("/tableau-de-bord")
                    .or_else(|| reste.strip_suffix("/actualites.xml"))
            })
            .is_some_and(un_segment)
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
    // What is late and what falls due are read on the day: an answer is kept for its day.
    let adresse = format!("{} {}", super::aujourdhui().en_saisie(), requete.uri());
    if let Some(gardee) = state.cache.lire(&adresse, generation) {
        return gardee.repondre(requete.headers());
    }
    let entetes_requete = requete.headers().clone();
    let reponse = suite.run(requete).await;
    if reponse.status() != StatusCode::OK {
        return reponse;
    }
    let (parties, corps) = reponse.into_parts();
    match to_bytes(corps, usize::MAX).await {
        Ok(corps) => {
            let type_mime = parties
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|t| t.to_str().ok())
                .unwrap_or_default();
            let gardee = Gardee::new(
                generation,
                parties.headers.clone(),
                Compresse::new(corps, type_mime),
            );
            let reponse = gardee.repondre(&entetes_requete);
            if gardee.corps.brut().len() <= REPONSE_MAX {
                state.cache.garder(adresse, Arc::new(gardee));
            }
            reponse
        }
        Err(e) => {
            tracing::error!(erreur = %e, "réponse illisible");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn un_navigateur_qui_a_la_reponse_recoit_304() {
        let gardee = Gardee::new(
            7,
            HeaderMap::new(),
            Compresse::new("<p>Caen</p>".into(), "text/html"),
        );
        let etag = gardee.etag.to_str().unwrap().to_owned();
        assert!(etag.starts_with("W/\"7-"), "{etag}");
        let avec = |valeur: &str| {
            let mut entetes = HeaderMap::new();
            entetes.insert(
                header::IF_NONE_MATCH,
                HeaderValue::from_str(valeur).unwrap(),
            );
            gardee.repondre(&entetes).status()
        };
        assert_eq!(avec(&etag), StatusCode::NOT_MODIFIED);
        assert_eq!(
            avec(etag.trim_start_matches("W/")),
            StatusCode::NOT_MODIFIED
        );
        assert_eq!(
            avec(&format!("\"autre\", {etag}")),
            StatusCode::NOT_MODIFIED
        );
        assert_eq!(avec("*"), StatusCode::NOT_MODIFIED);
        assert_eq!(avec("W/\"6-00\""), StatusCode::OK);
        let reponse = gardee.repondre(&HeaderMap::new());
        assert_eq!(reponse.status(), StatusCode::OK);
        // Made now; its date alone, sent back, is no proof that nothing changed.
        let faite_le = reponse.headers()[header::LAST_MODIFIED].to_str().unwrap();
        let date = httpdate::parse_http_date(faite_le).unwrap();
        assert!(SystemTime::now().duration_since(date).unwrap().as_secs() < 5);
        let mut depuis = HeaderMap::new();
        depuis.insert(
            header::IF_MODIFIED_SINCE,
            reponse.headers()[header::LAST_MODIFIED].clone(),
        );
        assert_eq!(gardee.repondre(&depuis).status(), StatusCode::OK);
    }

    #[test]
    fn seules_les_lectures_du_public_sont_gardees() {
        for chemin in [
            "/",
            "/communes",
            "/communes/14118",
            "/communes/suggestions",
            "/mentions-legales",
            "/contrats",
            "/contrats/caen-2019",
            "/api/v1/contrats",
            "/api/v1/contrats/caen-2019",
            "/contrats/caen-2019/tableau-de-bord",
            "/contrats/caen-2019/actualites.xml",
            "/sitemap.xml",
            "/donnees",
            "/donnees/fiches-actions.csv",
        ] {
            assert!(gardable(chemin), "{chemin}");
        }
        for chemin in [
            "/contrats/",
            "/contrats/nouveau/x",
            "/contrats/caen-2019/strategie",
            "/contrats/caen-2019/fiches/1.1",
            "/connexion",
            "/communes/14118/x",
            "/api/v1/contrats/",
            "/contrats//tableau-de-bord",
            "/contrats/a/b/tableau-de-bord",
            "/contrats/caen-2019/export.xlsx",
        ] {
            assert!(!gardable(chemin), "{chemin}");
        }
    }
}

/// Parts of signed-in visitors' pages that are the same for every visitor who may see them
/// (an ARS scope's portfolio), each kept with the counter of changes it was made at and the
/// detail of what it showed unpublished, for the journal: the page around it — the visitor's
/// header and token — is made for each request, the part is not.
#[derive(Debug, Default)]
pub struct Fragments {
    gardes: Mutex<Gardes>,
}

/// The parts kept by key, each with the counter it was made at, and their size in bytes.
#[derive(Debug, Default)]
struct Gardes {
    par_cle: HashMap<String, (i64, Arc<Fragment>)>,
    octets: usize,
}

/// A part of a page, made once.
#[derive(Debug)]
pub struct Fragment {
    pub html: String,
    /// What it shows that is unpublished (contract identifiers), journaled at each reading.
    pub non_publie: Option<String>,
}

impl Fragments {
    /// The part kept for `cle` if it was made at `generation`.
    pub fn lire(&self, cle: &str, generation: i64) -> Option<Arc<Fragment>> {
        let gardes = self.gardes.lock().ok()?;
        gardes
            .par_cle
            .get(cle)
            .filter(|(faite_a, _)| *faite_a == generation)
            .map(|(_, f)| Arc::clone(f))
    }

    /// Keeps `fragment`, made at `generation`, for `cle`; past the capacity of the public
    /// cache, it starts afresh.
    pub fn garder(&self, cle: String, generation: i64, fragment: Arc<Fragment>) {
        let Ok(mut gardes) = self.gardes.lock() else {
            return;
        };
        let taille = fragment.html.len() + cle.len();
        if gardes.octets + taille > CAPACITE || gardes.par_cle.len() >= REPONSES_MAX {
            *gardes = Gardes::default();
        }
        gardes.octets += taille;
        if let Some((_, ancien)) = gardes.par_cle.insert(cle, (generation, fragment)) {
            gardes.octets = gardes.octets.saturating_sub(ancien.html.len());
        }
    }
}
