//! A real OpenID Connect provider speaking ProConnect's dialect over HTTP on the loopback: code
//! flow, `client_secret_post`, ID token and userinfo signed RS256 with its own key. Its
//! `Reglages` make it misbehave on purpose.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{Jwk, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode, get_current_timestamp};
use reqwest::Url;
use rsa::RsaPrivateKey;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::rand_core::{OsRng, RngCore};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::task::JoinHandle;

pub const CLIENT_ID: &str = "pilote-essai";
pub const CLIENT_SECRET: &str = "secret-essai";
/// The only redirect URI registered for the client.
pub const REDIRECT_URI: &str = "https://pilote.test/connexion/proconnect/retour";
/// The only post-logout redirect URI registered for the client.
pub const POST_LOGOUT_REDIRECT_URI: &str = "https://pilote.test/";

/// How the provider signs its tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Signature {
    /// RS256 with the published key.
    #[default]
    ClePubliee,
    /// RS256 with another key, under the published key's `kid`.
    AutreCle,
    /// HS256 keyed with the client secret (algorithm confusion).
    SecretPartage,
    /// `alg: none`, no signature.
    Aucune,
}

/// Ways to misbehave; the default is a well-behaved provider.
#[derive(Debug, Clone, Default)]
pub struct Reglages {
    pub signature: Signature,
    /// The ID token's nonce instead of the requested one.
    pub nonce: Option<String>,
    /// The ID token's `acr`; absent when `None`.
    pub acr: Option<String>,
    /// The userinfo `sub` instead of the user's.
    pub sujet_infos: Option<String>,
    /// The tokens' `iss` instead of the provider's base URL.
    pub emetteur: Option<String>,
    /// The tokens' `aud` instead of the client id.
    pub audience: Option<String>,
    /// An ID token that expired five minutes ago.
    pub jeton_expire: bool,
    /// Userinfo as plain JSON instead of a signed JWT.
    pub infos_en_json: bool,
}

/// The agent the provider signs in, without asking.
#[derive(Debug, Clone)]
pub struct Utilisateur {
    pub sub: String,
    pub email: String,
    pub given_name: String,
    pub usual_name: String,
}

/// What `/session/end` received.
#[derive(Debug, Clone, Deserialize)]
pub struct FinDeSession {
    pub id_token_hint: Option<String>,
    pub post_logout_redirect_uri: Option<String>,
    pub state: Option<String>,
}

/// The running provider; stops when dropped.
pub struct FournisseurOidc {
    etat: Arc<Etat>,
    serveur: JoinHandle<()>,
}

struct Etat {
    base_url: String,
    reglages: Reglages,
    utilisateur: Utilisateur,
    cle: Mutex<Cle>,
    /// Kept apart from the published key, for `Signature::AutreCle`.
    autre_cle: Option<EncodingKey>,
    codes: Mutex<HashMap<String, Autorisation>>,
    acces: Mutex<HashSet<String>>,
    fins_de_session: Mutex<Vec<FinDeSession>>,
}

struct Cle {
    kid: String,
    encodage: EncodingKey,
}

/// What a code was issued for.
struct Autorisation {
    redirect_uri: String,
    nonce: String,
}

impl FournisseurOidc {
    pub async fn demarrer(reglages: Reglages) -> Self {
        let ecoute = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", ecoute.local_addr().unwrap());
        let autre_cle =
            (reglages.signature == Signature::AutreCle).then(|| nouvelle_cle().encodage);
        let etat = Arc::new(Etat {
            base_url,
            reglages,
            utilisateur: Utilisateur {
                sub: "c9a2f1e0-agent-0001".to_owned(),
                email: "camille.durand@ars.sante.fr".to_owned(),
                given_name: "Camille".to_owned(),
                usual_name: "Durand".to_owned(),
            },
            cle: Mutex::new(nouvelle_cle()),
            autre_cle,
            codes: Mutex::default(),
            acces: Mutex::default(),
            fins_de_session: Mutex::default(),
        });
        let routes = Router::new()
            .route("/.well-known/openid-configuration", get(decouverte))
            .route("/authorize", get(autoriser))
            .route("/token", post(jeton))
            .route("/userinfo", get(infos))
            .route("/jwks", get(cles))
            .route("/session/end", get(fin_de_session))
            .with_state(etat.clone());
        let serveur = tokio::spawn(async move { axum::serve(ecoute, routes).await.unwrap() });
        FournisseurOidc { etat, serveur }
    }

    pub fn base_url(&self) -> &str {
        &self.etat.base_url
    }

    pub fn discovery_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.etat.base_url)
    }

    pub fn utilisateur(&self) -> &Utilisateur {
        &self.etat.utilisateur
    }

    /// Every call `/session/end` received, in order.
    pub fn fins_de_session(&self) -> Vec<FinDeSession> {
        self.etat.fins_de_session.lock().unwrap().clone()
    }

    /// Replaces the signing key by a new one under a new `kid`, and publishes only that one.
    pub fn changer_de_cle(&self) {
        *self.etat.cle.lock().unwrap() = nouvelle_cle();
    }
}

impl Drop for FournisseurOidc {
    fn drop(&mut self) {
        self.serveur.abort();
    }
}

fn nouvelle_cle() -> Cle {
    let privee = RsaPrivateKey::new(&mut OsRng, 2048).unwrap();
    Cle {
        kid: aleatoire(),
        encodage: EncodingKey::from_rsa_der(privee.to_pkcs1_der().unwrap().as_bytes()),
    }
}

/// 128 random bits, URL-safe.
fn aleatoire() -> String {
    let mut octets = [0u8; 16];
    OsRng.fill_bytes(&mut octets);
    URL_SAFE_NO_PAD.encode(octets)
}

fn refus(statut: StatusCode, erreur: &str) -> Response {
    (statut, Json(json!({ "error": erreur }))).into_response()
}

fn redirection(url: Url) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, String::from(url))]).into_response()
}

impl Etat {
    fn emetteur(&self) -> &str {
        self.reglages.emetteur.as_deref().unwrap_or(&self.base_url)
    }

    fn audience(&self) -> &str {
        self.reglages.audience.as_deref().unwrap_or(CLIENT_ID)
    }

    fn signer(&self, revendications: &Value) -> String {
        let cle = self.cle.lock().unwrap();
        let mut entete = Header::new(Algorithm::RS256);
        entete.kid = Some(cle.kid.clone());
        match self.reglages.signature {
            Signature::ClePubliee => encode(&entete, revendications, &cle.encodage).unwrap(),
            Signature::AutreCle => {
                encode(&entete, revendications, self.autre_cle.as_ref().unwrap()).unwrap()
            }
            Signature::SecretPartage => {
                entete.alg = Algorithm::HS256;
                let secret = EncodingKey::from_secret(CLIENT_SECRET.as_bytes());
                encode(&entete, revendications, &secret).unwrap()
            }
            Signature::Aucune => {
                let entete = json!({ "alg": "none", "typ": "JWT", "kid": cle.kid });
                format!(
                    "{}.{}.",
                    URL_SAFE_NO_PAD.encode(entete.to_string()),
                    URL_SAFE_NO_PAD.encode(revendications.to_string())
                )
            }
        }
    }
}

async fn decouverte(State(etat): State<Arc<Etat>>) -> Json<Value> {
    let base = &etat.base_url;
    Json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "userinfo_endpoint": format!("{base}/userinfo"),
        "jwks_uri": format!("{base}/jwks"),
        "end_session_endpoint": format!("{base}/session/end"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
        "scopes_supported": ["openid", "email", "given_name", "usual_name", "uid", "siret"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "userinfo_signing_alg_values_supported": ["RS256"],
    }))
}

/// Auto-approves the configured user and sends the browser back with a code.
async fn autoriser(
    State(etat): State<Arc<Etat>>,
    Query(requete): Query<HashMap<String, String>>,
) -> Response {
    let valeur = |nom: &str| requete.get(nom).map(String::as_str).unwrap_or_default();
    let probleme = if valeur("client_id") != CLIENT_ID {
        Some("client_id inconnu")
    } else if valeur("redirect_uri") != REDIRECT_URI {
        Some("redirect_uri non enregistrée")
    } else if valeur("response_type") != "code" {
        Some("response_type doit valoir code")
    } else if !valeur("scope").split(' ').any(|s| s == "openid") {
        Some("scope sans openid")
    } else if valeur("state").is_empty() || valeur("nonce").is_empty() {
        Some("state et nonce sont exigés")
    } else {
        None
    };
    if let Some(probleme) = probleme {
        return (StatusCode::BAD_REQUEST, probleme).into_response();
    }
    let code = aleatoire();
    etat.codes.lock().unwrap().insert(
        code.clone(),
        Autorisation {
            redirect_uri: valeur("redirect_uri").to_owned(),
            nonce: valeur("nonce").to_owned(),
        },
    );
    let mut retour = Url::parse(REDIRECT_URI).unwrap();
    retour
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", valeur("state"));
    redirection(retour)
}

async fn jeton(
    State(etat): State<Arc<Etat>>,
    Form(formulaire): Form<HashMap<String, String>>,
) -> Response {
    let valeur = |nom: &str| formulaire.get(nom).map(String::as_str).unwrap_or_default();
    if valeur("grant_type") != "authorization_code" {
        return refus(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    if valeur("client_id") != CLIENT_ID || valeur("client_secret") != CLIENT_SECRET {
        return refus(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    // Single use: the code is gone whatever happens next.
    let autorisation = etat.codes.lock().unwrap().remove(valeur("code"));
    let Some(autorisation) = autorisation.filter(|a| a.redirect_uri == valeur("redirect_uri"))
    else {
        return refus(StatusCode::BAD_REQUEST, "invalid_grant");
    };

    let maintenant = get_current_timestamp();
    let (iat, exp) = if etat.reglages.jeton_expire {
        (maintenant - 600, maintenant - 300)
    } else {
        (maintenant, maintenant + 60)
    };
    let mut revendications = json!({
        "iss": etat.emetteur(),
        "aud": etat.audience(),
        "sub": etat.utilisateur.sub,
        "iat": iat,
        "exp": exp,
        "nonce": etat.reglages.nonce.as_ref().unwrap_or(&autorisation.nonce),
        "idp_id": "fia1v2",
        "amr": ["pwd"],
    });
    if let Some(acr) = &etat.reglages.acr {
        revendications["acr"] = json!(acr);
    }
    let acces = aleatoire();
    etat.acces.lock().unwrap().insert(acces.clone());
    Json(json!({
        "access_token": acces,
        "id_token": etat.signer(&revendications),
        "token_type": "Bearer",
        "expires_in": 60,
    }))
    .into_response()
}

async fn infos(State(etat): State<Arc<Etat>>, entetes: HeaderMap) -> Response {
    let acces = entetes
        .get(header::AUTHORIZATION)
        .and_then(|valeur| valeur.to_str().ok())
        .and_then(|valeur| valeur.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !etat.acces.lock().unwrap().contains(acces) {
        return refus(StatusCode::UNAUTHORIZED, "invalid_token");
    }
    let utilisateur = &etat.utilisateur;
    let revendications = json!({
        "iss": etat.emetteur(),
        "aud": etat.audience(),
        "iat": get_current_timestamp(),
        "sub": etat.reglages.sujet_infos.as_ref().unwrap_or(&utilisateur.sub),
        "email": utilisateur.email,
        "given_name": utilisateur.given_name,
        "usual_name": utilisateur.usual_name,
        "uid": "1",
        "siret": "13002526500013",
        "idp_id": "fia1v2",
    });
    if etat.reglages.infos_en_json {
        Json(revendications).into_response()
    } else {
        (
            [(header::CONTENT_TYPE, "application/jwt; charset=utf-8")],
            etat.signer(&revendications),
        )
            .into_response()
    }
}

async fn cles(State(etat): State<Arc<Etat>>) -> Json<JwkSet> {
    let cle = etat.cle.lock().unwrap();
    let mut jwk = Jwk::from_encoding_key(&cle.encodage, Algorithm::RS256).unwrap();
    jwk.common.key_id = Some(cle.kid.clone());
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    Json(JwkSet { keys: vec![jwk] })
}

async fn fin_de_session(
    State(etat): State<Arc<Etat>>,
    Query(fin): Query<FinDeSession>,
) -> Response {
    etat.fins_de_session.lock().unwrap().push(fin.clone());
    if fin.post_logout_redirect_uri.as_deref() != Some(POST_LOGOUT_REDIRECT_URI) {
        return (
            StatusCode::BAD_REQUEST,
            "post_logout_redirect_uri non enregistrée",
        )
            .into_response();
    }
    let mut retour = Url::parse(POST_LOGOUT_REDIRECT_URI).unwrap();
    if let Some(state) = &fin.state {
        retour.query_pairs_mut().append_pair("state", state);
    }
    redirection(retour)
}
