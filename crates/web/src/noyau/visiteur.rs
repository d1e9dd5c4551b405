//! Who is asking, found once per request by [`identifier`]: the session its cookie opens (read
//! afresh from the database, so that several instances serve the same people and a revoked
//! role stops at once), or the anonymous public. The same layer guards every state-changing
//! request against cross-site request forgery: the token of the session (or, before sign-in,
//! of the browser's CSRF cookie) must come back in the form's `_csrf` field or the
//! `X-CSRF-Token` header, and an `Origin`, when sent, must be this site.

use std::convert::Infallible;
use std::net::SocketAddr;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pilote_domain::compte::Email;
use pilote_domain::jeton::Jeton;
use pilote_store::session::{self, Session};
use pilote_store::{Auteur, Store};

use crate::AppState;
use crate::noyau::caracteres::sans_caractere_de_controle;
use crate::noyau::erreur::AppError;
use crate::noyau::page::Entete;

/// The largest form body read to find its CSRF token.
const CORPS_MAX: usize = 1 << 20;
/// The largest file upload read, a document and its form fields.
/// The largest document accepted, in bytes.
pub const TAILLE_MAX_DOCUMENT: usize = 20 * 1024 * 1024;

/// The largest multipart body read: a document and its form's fields.
pub const MULTIPART_MAX: usize = TAILLE_MAX_DOCUMENT + (64 << 10);

/// The person behind a request, as handlers and templates see them.
#[derive(Debug, Clone)]
pub struct Visiteur {
    pub auteur: Auteur,
    /// The session's token, for sign-out.
    pub session: Option<Jeton>,
    /// How the page header names them; `None` for the public.
    pub nom: Option<String>,
    /// The signed-in account's address.
    pub email: Option<Email>,
    /// The CSRF token their forms carry.
    pub csrf: String,
    /// The ID token of an OpenID Connect sign-in, for sign-out at the provider.
    pub id_token: Option<String>,
    /// Their password was issued, not chosen: they must change it before anything else.
    pub mot_de_passe_a_changer: bool,
}

/// Cookie names and attributes: `__Host-` and `Secure` when the site is served over HTTPS.
#[derive(Debug, Clone, Copy)]
pub struct Cookies {
    pub https: bool,
}

impl Cookies {
    /// A cookie's full name: `__Host-` prefixed over HTTPS, which binds it to this host.
    fn nom(self, base: &str) -> String {
        if self.https {
            format!("__Host-pilote_{base}")
        } else {
            format!("pilote_{base}")
        }
    }

    pub fn session(self) -> String {
        self.nom("session")
    }

    pub fn csrf(self) -> String {
        self.nom("csrf")
    }

    /// Binds an OpenID Connect sign-in to the browser that started it.
    pub fn oidc(self) -> String {
        self.nom("oidc")
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Lax, for the whole site, for `duree` seconds.
    pub fn poser(self, nom: &str, valeur: &str, duree: i64) -> HeaderValue {
        let secure = if self.https { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{nom}={valeur}; Path=/; HttpOnly; SameSite=Lax; Max-Age={duree}{secure}"
        ))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// A `Set-Cookie` value that removes the cookie.
    pub fn effacer(self, nom: &str) -> HeaderValue {
        self.poser(nom, "", 0)
    }
}

/// The value of a cookie in the request's headers.
pub fn cookie<'a>(headers: &'a HeaderMap, nom: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|paire| paire.trim().split_once('='))
        .find(|(n, _)| *n == nom)
        .map(|(_, v)| v)
}

/// Where the request comes from, for the journal.
fn origine(requete: &Request) -> String {
    requete
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "inconnue".to_owned(), |c| c.0.ip().to_string())
}

/// The live session a request's cookie opens, with its token.
async fn session(
    store: &Store,
    cookies: Cookies,
    headers: &HeaderMap,
) -> Result<Option<(Jeton, Session)>, AppError> {
    let Some(jeton) = cookie(headers, &cookies.session()).and_then(Jeton::lire) else {
        return Ok(None);
    };
    Ok(session::trouver(store, &jeton).await?.map(|s| (jeton, s)))
}

/// The middleware: identifies the visitor, checks CSRF on state-changing requests, hands out
/// a CSRF cookie to browsers that have none.
pub async fn identifier(State(state): State<AppState>, requete: Request, next: Next) -> Response {
    match identifier_et_verifier(&state, requete).await {
        Ok((requete, nouveau_csrf)) => {
            let mut reponse = next.run(requete).await;
            if let Some(jeton) = nouveau_csrf {
                reponse.headers_mut().append(
                    header::SET_COOKIE,
                    state
                        .cookies
                        .poser(&state.cookies.csrf(), jeton.as_str(), 365 * 86_400),
                );
            }
            reponse
        }
        Err(erreur) => erreur.into_response(),
    }
}

async fn identifier_et_verifier(
    state: &AppState,
    requete: Request,
) -> Result<(Request, Option<Jeton>), AppError> {
    let origine = origine(&requete);
    let cookies = state.cookies;
    let trouvee = session(&state.store, cookies, requete.headers()).await?;
    let csrf_navigateur = cookie(requete.headers(), &cookies.csrf()).and_then(Jeton::lire);
    // A browser's first page gets its CSRF cookie; what holds no form does not set one.
    let sans_formulaire = {
        let chemin = requete.uri().path();
        chemin.starts_with("/assets/") || chemin.starts_with("/api/") || chemin == "/sante"
    };
    let nouveau_csrf = match (&trouvee, &csrf_navigateur) {
        (None, None) if !sans_formulaire => Some(Jeton::nouveau()),
        _ => None,
    };
    let visiteur = match trouvee {
        Some((jeton, s)) => Visiteur {
            auteur: s.auteur(&origine),
            session: Some(jeton),
            nom: Some(s.nom.clone().unwrap_or_else(|| s.email.to_string())),
            email: Some(s.email),
            csrf: s.csrf,
            id_token: s.id_token,
            mot_de_passe_a_changer: s.mot_de_passe_a_changer,
        },
        None => Visiteur {
            auteur: Auteur::public(origine),
            session: None,
            nom: None,
            email: None,
            csrf: csrf_navigateur
                .as_ref()
                .or(nouveau_csrf.as_ref())
                .map(|j| j.as_str().to_owned())
                .unwrap_or_default(),
            id_token: None,
            mot_de_passe_a_changer: false,
        },
    };
    let requete = if matches!(
        *requete.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        requete
    } else {
        verifier_csrf(requete, &visiteur.csrf).await?
    };
    let mut requete = requete;
    requete.extensions_mut().insert(visiteur);
    Ok((requete, nouveau_csrf))
}

/// Refuses a state-changing request from another site or without the visitor's CSRF token;
/// hands the request on with its body intact.
async fn verifier_csrf(requete: Request, attendu: &str) -> Result<Request, AppError> {
    let refus = || {
        AppError::Forbidden(
            "Ce formulaire a expiré ou ne vient pas de Pilote : rechargez la page et recommencez."
                .to_owned(),
        )
    };
    let (parts, corps) = requete.into_parts();
    if let Some(origin) = parts.headers.get(header::ORIGIN) {
        let hote = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok());
        let origin_hote = origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://"))
            .map(|(_, reste)| reste);
        if hote.is_none() || origin_hote != hote {
            return Err(refus());
        }
    }
    let attendu = Jeton::lire(attendu).ok_or_else(refus)?;
    let multipart = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .is_some_and(|t| t.starts_with("multipart/form-data"));
    if let Some(entete) = parts.headers.get("x-csrf-token") {
        if !entete.to_str().is_ok_and(|v| attendu.egal(v)) {
            return Err(refus());
        }
        if multipart {
            return Ok(Request::from_parts(parts, corps));
        }
    }
    let limite = if multipart { MULTIPART_MAX } else { CORPS_MAX };
    let octets = to_bytes(corps, limite).await.map_err(|_| {
        AppError::BadRequest("Le formulaire envoyé est trop volumineux ou incomplet.".to_owned())
    })?;
    // A form's fields, read once (a file upload's are read by its own page).
    let champs: Vec<(String, String)> = if multipart {
        Vec::new()
    } else {
        form_urlencoded::parse(&octets).into_owned().collect()
    };
    if !parts.headers.contains_key("x-csrf-token") {
        let recu = if multipart {
            champ_multipart(&octets, "_csrf")
        } else {
            champs
                .iter()
                .find(|(nom, _)| nom == "_csrf")
                .map(|(_, valeur)| valeur.clone())
        };
        if !recu.is_some_and(|v| attendu.egal(&v)) {
            return Err(refus());
        }
    }
    sans_caractere_de_controle(champs.iter().map(|(n, v)| (n, v))).map_err(AppError::BadRequest)?;
    Ok(Request::from_parts(parts, Body::from(octets)))
}

/// The value of the plain field `nom` of a multipart/form-data body (a file upload), if any.
fn champ_multipart(corps: &[u8], nom: &str) -> Option<String> {
    let marque = format!("name=\"{nom}\"\r\n\r\n");
    let debut = corps
        .windows(marque.len())
        .position(|w| w == marque.as_bytes())?
        + marque.len();
    let fin = corps[debut..].windows(2).position(|w| w == b"\r\n")?;
    String::from_utf8(corps[debut..debut + fin].to_vec()).ok()
}

impl Visiteur {
    /// The header of the pages they see.
    pub fn entete(&self, state: &AppState) -> Entete {
        Entete {
            site: state.titre.clone(),
            personne: self.nom.clone(),
            csrf: Some(self.csrf.clone()),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Visiteur {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Visiteur>()
            .cloned()
            .unwrap_or_else(|| Visiteur {
                auteur: Auteur::public("inconnue"),
                session: None,
                nom: None,
                email: None,
                csrf: String::new(),
                id_token: None,
                mot_de_passe_a_changer: false,
            }))
    }
}
