//! Who is asking, found once per request by [`identifier`]: the session its cookie opens (read
//! afresh from the database, so that several instances serve the same people and a revoked
//! role stops at once), or the anonymous public. The same layer guards every state-changing
//! request against cross-site request forgery: the token of the session (or, before sign-in,
//! of the browser's CSRF cookie) must come back in the form's `_csrf` field or the
//! `X-CSRF-Token` header, and an `Origin`, when sent, must be this site: the host the browser
//! reached, the public URL of the configuration, or, behind a trusted proxy, the host and
//! scheme it forwards. A file upload's token is its form's first field: it is checked before
//! the rest of the body is read, so that a request without it is refused unread.

use std::convert::Infallible;
use std::net::SocketAddr;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pilote_domain::compte::Email;
use pilote_domain::jeton::Jeton;
use pilote_store::session::{self, Session};
use pilote_store::{Auteur, Store};

use crate::AppState;
use crate::noyau::caracteres::champs_admissibles;
use crate::noyau::erreur::{AppError, motif_du_refus};
use crate::noyau::page::Entete;

/// How much of a file upload is read, at most, to find its CSRF token (its first field).
const DEBUT_MULTIPART: usize = 16 << 10;

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

/// Where the request comes from, for the journal: the peer's address, or behind a trusted
/// proxy the last address it adds to `X-Forwarded-For` (the one it received the request from).
fn origine(requete: &Request, proxy_de_confiance: bool) -> String {
    let transmise = proxy_de_confiance
        .then(|| {
            requete
                .headers()
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .rfind(|a| a.parse::<std::net::IpAddr>().is_ok())
                .map(str::to_owned)
        })
        .flatten();
    transmise.unwrap_or_else(|| {
        requete
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "inconnue".to_owned(), |c| c.0.ip().to_string())
    })
}

/// Whether a request's `Origin` is this site: the host the browser reached (`Host`), the
/// public URL, or behind a trusted proxy the scheme and host it forwards.
fn meme_origine(state: &AppState, entetes: &HeaderMap, origin: &str) -> bool {
    let entete = |nom: &str| entetes.get(nom).and_then(|v| v.to_str().ok());
    let hote = origin.split_once("://").map(|(_, hote)| hote);
    if hote.is_some() && hote == entete(header::HOST.as_str()) {
        return true;
    }
    if origin == state.url_publique {
        return true;
    }
    state.limites.proxy_de_confiance
        && matches!(
            (entete("x-forwarded-proto"), entete("x-forwarded-host")),
            (Some(schema), Some(hote)) if origin == format!("{schema}://{hote}")
        )
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
    let origine = origine(&requete, state.limites.proxy_de_confiance);
    let cookies = state.cookies;
    let trouvee = session(&state.store, cookies, requete.headers()).await?;
    let csrf_navigateur = cookie(requete.headers(), &cookies.csrf()).and_then(Jeton::lire);
    // A browser's first page gets its CSRF cookie; what holds no form does not set one.
    let sans_formulaire = {
        let chemin = requete.uri().path();
        chemin.starts_with("/assets/")
            || chemin.starts_with("/api/")
            || chemin == "/sante"
            || chemin == "/favicon.ico"
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
        verifier_csrf(state, requete, &visiteur.csrf).await?
    };
    let mut requete = requete;
    requete.extensions_mut().insert(visiteur);
    Ok((requete, nouveau_csrf))
}

/// Refuses a state-changing request from another site or without the visitor's CSRF token;
/// hands the request on with its body intact, bounded by the configured limits.
async fn verifier_csrf(
    state: &AppState,
    requete: Request,
    attendu: &str,
) -> Result<Request, AppError> {
    let refus = || {
        AppError::Forbidden(
            "Ce formulaire a expiré ou ne vient pas de Pilote : rechargez la page et recommencez."
                .to_owned(),
        )
    };
    let (parts, corps) = requete.into_parts();
    if let Some(origin) = parts.headers.get(header::ORIGIN)
        && !origin
            .to_str()
            .is_ok_and(|o| meme_origine(state, &parts.headers, o))
    {
        return Err(refus());
    }
    let attendu = Jeton::lire(attendu).ok_or_else(refus)?;
    let multipart = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .is_some_and(|t| t.starts_with("multipart/form-data"));
    let limites = &state.limites;
    if let Some(entete) = parts.headers.get("x-csrf-token")
        && !entete.to_str().is_ok_and(|v| attendu.egal(v))
    {
        return Err(refus());
    }
    if multipart {
        let limite = limites.multipart_max();
        let corps = if parts.headers.contains_key("x-csrf-token") {
            corps
        } else {
            let (recu, corps) = debut_multipart(corps).await?;
            if !recu.is_some_and(|v| attendu.egal(&v)) {
                return Err(refus());
            }
            corps
        };
        // Read by the upload's own page, never past the limit.
        let corps = Body::new(http_body_util::Limited::new(corps, limite));
        return Ok(Request::from_parts(parts, corps));
    }
    let octets = to_bytes(corps, limites.formulaire_max).await.map_err(|_| {
        AppError::PayloadTooLarge(format!(
            "Le formulaire envoyé dépasse {} : raccourcissez les textes saisis.",
            super::limites::en_octets(limites.formulaire_max)
        ))
    })?;
    // A form's fields, read once.
    let champs: Vec<(String, String)> = form_urlencoded::parse(&octets).into_owned().collect();
    if !parts.headers.contains_key("x-csrf-token") {
        let recu = champs
            .iter()
            .find(|(nom, _)| nom == "_csrf")
            .map(|(_, valeur)| valeur.as_str());
        if !recu.is_some_and(|v| attendu.egal(v)) {
            return Err(refus());
        }
    }
    champs_admissibles(champs.iter().map(|(n, v)| (n, v))).map_err(AppError::BadRequest)?;
    Ok(Request::from_parts(parts, Body::from(octets)))
}

/// Reads a file upload as far as its `_csrf` field (Pilote's forms put it first), at most
/// [`DEBUT_MULTIPART`] bytes; gives that field's value and the whole body, the part read
/// followed by the rest, unread.
async fn debut_multipart(corps: Body) -> Result<(Option<String>, Body), AppError> {
    use futures_util::StreamExt;
    let mut flux = corps.into_data_stream();
    let mut lu = Vec::new();
    let mut recu = None;
    while lu.len() < DEBUT_MULTIPART {
        match flux.next().await {
            Some(Ok(morceau)) => lu.extend_from_slice(&morceau),
            Some(Err(_)) => {
                return Err(AppError::BadRequest(
                    "L'envoi s'est interrompu : recommencez.".to_owned(),
                ));
            }
            None => break,
        }
        recu = champ_multipart(&lu, "_csrf");
        if recu.is_some() {
            break;
        }
    }
    let debut = futures_util::stream::once(async move { Ok::<_, axum::Error>(Bytes::from(lu)) });
    Ok((recu, Body::from_stream(debut.chain(flux))))
}

/// The value of the plain field `nom` of a multipart/form-data body (a file upload), if any.
pub(super) fn champ_multipart(corps: &[u8], nom: &str) -> Option<String> {
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
            racine: state.url_publique.clone(),
            personne: self.nom.clone(),
            csrf: Some(self.csrf.clone()),
            portefeuille: !pilote_domain::autorisation::portefeuille(&self.auteur.acteur)
                .is_empty(),
            administration: pilote_domain::autorisation::charge_les_donnees_de_reference(
                &self.auteur.acteur,
            ),
            comptes: pilote_domain::administration::gere_des_comptes(&self.auteur.acteur),
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

/// The refusal of a page or form of the signed-in person's own (their account, their actions)
/// to the public: its pages lead to sign in first (`compte::connexion::inviter_le_public`).
pub(crate) fn sans_session() -> AppError {
    AppError::Forbidden(
        "Connectez-vous : cette page et ses formulaires concernent le compte de la personne \
         connectée."
            .to_owned(),
    )
}

/// Signed in with a right `permis` gives (an administrator's: `Politique::Administration`),
/// or refused: « Seul un administrateur de la plateforme `ce_qu_il_fait`. »
pub(crate) fn administrateur(
    visiteur: &Visiteur,
    permis: fn(&pilote_domain::autorisation::Acteur) -> bool,
    ce_qu_il_fait: &str,
) -> Result<(), AppError> {
    if visiteur.session.is_none() {
        return Err(sans_session());
    }
    if permis(&visiteur.auteur.acteur) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "Seul un administrateur de la plateforme {ce_qu_il_fait}."
        )))
    }
}

/// Journals every request refused (403) to a signed-in person, with what they asked and why
/// (off the request's path): the journal's « refus ». The public's refusals are not
/// journaled: they name no one, and are sent to sign in.
pub async fn journaliser_les_refus(
    State(state): State<AppState>,
    requete: Request,
    suite: Next,
) -> Response {
    // Only a signed-in person's request is remembered: the public's costs nothing here.
    let connecte = requete
        .extensions()
        .get::<Visiteur>()
        .filter(|v| v.auteur.compte.is_some())
        .map(|v| {
            let demande = format!("{} {}", requete.method(), requete.uri().path());
            (v.auteur.clone(), demande)
        });
    let reponse = suite.run(requete).await;
    if let Some((auteur, demande)) = connecte
        && reponse.status() == StatusCode::FORBIDDEN
    {
        let motif = motif_du_refus(&reponse)
            .unwrap_or("accès refusé")
            .to_owned();
        state.store.journaliser_refus(&auteur, demande, motif);
    }
    reponse
}
