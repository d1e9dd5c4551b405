//! OpenID Connect client for ProConnect, the State's sign-in for public agents: authorization
//! code flow with `client_secret_post`, ID token and signed userinfo verified against the
//! provider's published keys.
//!
//! The discovery document is fetched once and kept; the key set is kept too and fetched again
//! when a token names a key it does not hold (key rotation).

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use jsonwebtoken::jwk::{
    AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm, PublicKeyUse,
};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header, errors::ErrorKind};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Response, Url};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// How long any call to the provider may take.
const DELAI: Duration = Duration::from_secs(10);
/// Tolerated clock skew between the provider and us, in seconds.
const DERIVE_HORLOGE: u64 = 30;
/// The only signature algorithms accepted: never `none`, never a shared secret.
const ALGORITHMES: [Algorithm; 2] = [Algorithm::RS256, Algorithm::ES256];

/// How Pilote is registered with the provider.
#[derive(Debug, Clone)]
pub struct ConfigOidc {
    /// e.g. `https://fca.integ01.dev-agentconnect.fr/api/v2/.well-known/openid-configuration`;
    /// the provider's issuer must be this URL less `/.well-known/openid-configuration`.
    pub discovery_url: String,
    pub client_id: String,
    pub client_secret: String,
    /// Empty: no requirement. Otherwise sent as `acr_values`, and the ID token's `acr` must be
    /// one of them.
    pub acr_exiges: Vec<String>,
    /// Usually `openid email given_name usual_name uid`.
    pub scopes: String,
}

/// Who signed in, as the provider vouches for it.
#[derive(Debug, Clone)]
pub struct IdentiteOidc {
    pub sujet: String,
    pub email: String,
    pub prenom: Option<String>,
    pub nom: Option<String>,
    pub acr: Option<String>,
    /// Kept for the sign-out (`id_token_hint`).
    pub id_token: String,
}

/// Why a sign-in failed. Messages are French and never carry a secret or a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErreurOidc {
    /// Network failure or timeout.
    Injoignable,
    /// An error status or a malformed answer; names the step.
    ReponseInvalide(&'static str),
    /// The token endpoint refused the code: unknown, expired or already used.
    CodeRefuse,
    JetonIdentiteInvalide(DefautJeton),
    InfosUtilisateurInvalides(DefautJeton),
    NonceInattendu,
    AcrInsuffisant,
    /// The userinfo answer is about someone else than the ID token.
    SujetIncoherent,
}

/// What is wrong with a signed token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefautJeton {
    /// Not a JWT, or claims of the wrong shape.
    Format,
    /// Plain JSON where a signed JWT was due.
    NonSigne,
    /// An algorithm outside RS256 and ES256, or one that does not fit the key.
    Algorithme,
    /// No published key has the token's `kid`.
    CleInconnue,
    Signature,
    Emetteur,
    Audience,
    Expire,
    /// `iat` in the future.
    EmisDansLeFutur,
    /// A mandatory claim is missing.
    Incomplet,
}

impl fmt::Display for DefautJeton {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DefautJeton::Format => "format",
            DefautJeton::NonSigne => "réponse non signée",
            DefautJeton::Algorithme => "algorithme refusé",
            DefautJeton::CleInconnue => "clé de signature inconnue",
            DefautJeton::Signature => "signature",
            DefautJeton::Emetteur => "émetteur",
            DefautJeton::Audience => "audience",
            DefautJeton::Expire => "expiré",
            DefautJeton::EmisDansLeFutur => "émis dans le futur",
            DefautJeton::Incomplet => "information obligatoire absente",
        })
    }
}

impl fmt::Display for ErreurOidc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErreurOidc::Injoignable => f.write_str("le fournisseur d'identité est injoignable"),
            ErreurOidc::ReponseInvalide(etape) => {
                write!(f, "réponse invalide du fournisseur d'identité ({etape})")
            }
            ErreurOidc::CodeRefuse => {
                f.write_str("le fournisseur d'identité a refusé le code d'autorisation")
            }
            ErreurOidc::JetonIdentiteInvalide(defaut) => {
                write!(f, "jeton d'identité invalide : {defaut}")
            }
            ErreurOidc::InfosUtilisateurInvalides(defaut) => {
                write!(f, "informations utilisateur invalides : {defaut}")
            }
            ErreurOidc::NonceInattendu => f.write_str("nonce inattendu"),
            ErreurOidc::AcrInsuffisant => {
                f.write_str("niveau d'authentification (acr) insuffisant")
            }
            ErreurOidc::SujetIncoherent => f.write_str(
                "les informations utilisateur ne concernent pas la personne authentifiée",
            ),
        }
    }
}

impl std::error::Error for ErreurOidc {}

const DECOUVERTE: &str = "document de découverte";
const CLES: &str = "clés publiques";
const JETON: &str = "échange du code";
const INFOS: &str = "informations utilisateur";

/// The OpenID Connect client; cheap to clone, clones share their cache.
#[derive(Debug, Clone)]
pub struct ClientOidc {
    config: Arc<ConfigOidc>,
    http: reqwest::Client,
    fournisseur: Arc<Mutex<Option<Arc<Fournisseur>>>>,
    cles: Arc<Mutex<Option<Arc<JwkSet>>>>,
}

/// The provider's endpoints, from its discovery document.
#[derive(Debug)]
struct Fournisseur {
    emetteur: String,
    autorisation: Url,
    jeton: Url,
    infos: Url,
    cles: Url,
    fin_session: Option<Url>,
}

#[derive(Deserialize)]
struct Decouverte {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    userinfo_endpoint: String,
    jwks_uri: String,
    end_session_endpoint: Option<String>,
}

#[derive(Deserialize)]
struct ReponseJeton {
    access_token: String,
    id_token: String,
    token_type: String,
}

#[derive(Deserialize)]
struct ErreurJeton {
    error: String,
}

#[derive(Deserialize)]
struct RevendicationsIdentite {
    sub: String,
    iat: u64,
    nonce: Option<String>,
    acr: Option<String>,
}

#[derive(Deserialize)]
struct RevendicationsInfos {
    sub: String,
    email: Option<String>,
    given_name: Option<String>,
    usual_name: Option<String>,
}

impl ClientOidc {
    pub fn new(config: ConfigOidc) -> Self {
        let http = reqwest::Client::builder()
            .timeout(DELAI)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("the TLS backend is compiled in");
        ClientOidc {
            config: Arc::new(config),
            http,
            fournisseur: Arc::default(),
            cles: Arc::default(),
        }
    }

    /// URL of the provider's authorization endpoint for the code flow.
    pub async fn adresse_autorisation(
        &self,
        redirect_uri: &str,
        state: &str,
        nonce: &str,
    ) -> Result<String, ErreurOidc> {
        let fournisseur = self.fournisseur().await?;
        let mut url = fournisseur.autorisation.clone();
        {
            let mut requete = url.query_pairs_mut();
            requete
                .append_pair("response_type", "code")
                .append_pair("client_id", &self.config.client_id)
                .append_pair("redirect_uri", redirect_uri)
                .append_pair("scope", &self.config.scopes)
                .append_pair("state", state)
                .append_pair("nonce", nonce);
            if !self.config.acr_exiges.is_empty() {
                requete.append_pair("acr_values", &self.config.acr_exiges.join(" "));
            }
        }
        Ok(url.into())
    }

    /// Exchanges the code for tokens, verifies the ID token, then reads the signed userinfo.
    pub async fn echanger(
        &self,
        code: &str,
        redirect_uri: &str,
        nonce_attendu: &str,
    ) -> Result<IdentiteOidc, ErreurOidc> {
        let fournisseur = self.fournisseur().await?;
        let jetons = self.jetons(&fournisseur, code, redirect_uri).await?;

        let identite: RevendicationsIdentite = self
            .verifier(
                &jetons.id_token,
                &fournisseur,
                &["iss", "aud", "sub", "exp"],
                ErreurOidc::JetonIdentiteInvalide,
            )
            .await?;
        if identite.iat > jsonwebtoken::get_current_timestamp() + DERIVE_HORLOGE {
            return Err(ErreurOidc::JetonIdentiteInvalide(
                DefautJeton::EmisDansLeFutur,
            ));
        }
        if identite.nonce.as_deref() != Some(nonce_attendu) {
            return Err(ErreurOidc::NonceInattendu);
        }
        let acr_exiges = &self.config.acr_exiges;
        if !acr_exiges.is_empty()
            && !identite
                .acr
                .as_ref()
                .is_some_and(|a| acr_exiges.contains(a))
        {
            return Err(ErreurOidc::AcrInsuffisant);
        }

        let infos = self.infos(&fournisseur, &jetons.access_token).await?;
        if infos.sub != identite.sub {
            return Err(ErreurOidc::SujetIncoherent);
        }
        let email =
            infos
                .email
                .filter(|e| !e.is_empty())
                .ok_or(ErreurOidc::InfosUtilisateurInvalides(
                    DefautJeton::Incomplet,
                ))?;
        Ok(IdentiteOidc {
            sujet: identite.sub,
            email,
            prenom: infos.given_name,
            nom: infos.usual_name,
            acr: identite.acr,
            id_token: jetons.id_token,
        })
    }

    /// The provider's sign-out URL, or `None` if it has no `end_session_endpoint`.
    pub async fn adresse_deconnexion(
        &self,
        id_token: &str,
        post_logout_redirect_uri: &str,
        state: &str,
    ) -> Result<Option<String>, ErreurOidc> {
        let fournisseur = self.fournisseur().await?;
        Ok(fournisseur.fin_session.clone().map(|mut url| {
            url.query_pairs_mut()
                .append_pair("id_token_hint", id_token)
                .append_pair("state", state)
                .append_pair("post_logout_redirect_uri", post_logout_redirect_uri);
            url.into()
        }))
    }

    async fn fournisseur(&self) -> Result<Arc<Fournisseur>, ErreurOidc> {
        if let Some(fournisseur) = verrou(&self.fournisseur).clone() {
            return Ok(fournisseur);
        }
        let url = Url::parse(&self.config.discovery_url)
            .map_err(|_| ErreurOidc::ReponseInvalide(DECOUVERTE))?;
        let reponse = self.http.get(url).send().await.map_err(injoignable)?;
        let document: Decouverte = json(succes(reponse, DECOUVERTE)?, DECOUVERTE).await?;
        // The issuer must be the discovery URL's prefix (OpenID Connect Discovery §4.3).
        let attendu = self
            .config
            .discovery_url
            .trim_end_matches("/.well-known/openid-configuration");
        if document.issuer.trim_end_matches('/') != attendu.trim_end_matches('/') {
            tracing::warn!(emetteur = %document.issuer, "émetteur étranger à l'adresse de découverte");
            return Err(ErreurOidc::ReponseInvalide(DECOUVERTE));
        }
        let adresse =
            |texte: &str| Url::parse(texte).map_err(|_| ErreurOidc::ReponseInvalide(DECOUVERTE));
        let fournisseur = Arc::new(Fournisseur {
            autorisation: adresse(&document.authorization_endpoint)?,
            jeton: adresse(&document.token_endpoint)?,
            infos: adresse(&document.userinfo_endpoint)?,
            cles: adresse(&document.jwks_uri)?,
            fin_session: document
                .end_session_endpoint
                .as_deref()
                .map(adresse)
                .transpose()?,
            emetteur: document.issuer,
        });
        *verrou(&self.fournisseur) = Some(fournisseur.clone());
        Ok(fournisseur)
    }

    async fn jetons(
        &self,
        fournisseur: &Fournisseur,
        code: &str,
        redirect_uri: &str,
    ) -> Result<ReponseJeton, ErreurOidc> {
        let formulaire = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("client_id", &self.config.client_id),
            ("client_secret", &self.config.client_secret),
        ];
        let reponse = self
            .http
            .post(fournisseur.jeton.clone())
            .form(&formulaire)
            .send()
            .await
            .map_err(injoignable)?;
        let statut = reponse.status();
        if !statut.is_success() {
            let erreur = reponse.json::<ErreurJeton>().await.ok().map(|e| e.error);
            tracing::warn!(%statut, erreur, "échange du code refusé");
            return Err(if erreur.as_deref() == Some("invalid_grant") {
                ErreurOidc::CodeRefuse
            } else {
                ErreurOidc::ReponseInvalide(JETON)
            });
        }
        let jetons: ReponseJeton = json(reponse, JETON).await?;
        if !jetons.token_type.eq_ignore_ascii_case("bearer") {
            return Err(ErreurOidc::ReponseInvalide(JETON));
        }
        Ok(jetons)
    }

    /// The userinfo answer, which must be a JWT signed by the provider.
    async fn infos(
        &self,
        fournisseur: &Fournisseur,
        access_token: &str,
    ) -> Result<RevendicationsInfos, ErreurOidc> {
        let reponse = self
            .http
            .get(fournisseur.infos.clone())
            .bearer_auth(access_token)
            .header(ACCEPT, "application/jwt")
            .send()
            .await
            .map_err(injoignable)?;
        let reponse = succes(reponse, INFOS)?;
        let signee = reponse
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|valeur| valeur.to_str().ok())
            .and_then(|valeur| valeur.split(';').next())
            .is_some_and(|type_| type_.trim().eq_ignore_ascii_case("application/jwt"));
        if !signee {
            return Err(ErreurOidc::InfosUtilisateurInvalides(DefautJeton::NonSigne));
        }
        let jwt = reponse.text().await.map_err(injoignable)?;
        self.verifier(
            jwt.trim(),
            fournisseur,
            &["iss", "aud", "sub"],
            ErreurOidc::InfosUtilisateurInvalides,
        )
        .await
    }

    /// Checks a JWT's signature, issuer, audience and dates, and returns its claims.
    async fn verifier<T: DeserializeOwned>(
        &self,
        jwt: &str,
        fournisseur: &Fournisseur,
        exigees: &[&str],
        invalide: fn(DefautJeton) -> ErreurOidc,
    ) -> Result<T, ErreurOidc> {
        let entete = decode_header(jwt).map_err(|_| invalide(DefautJeton::Format))?;
        if !ALGORITHMES.contains(&entete.alg) {
            return Err(invalide(DefautJeton::Algorithme));
        }
        let kid = entete.kid.ok_or(invalide(DefautJeton::CleInconnue))?;
        let jwk = self
            .cle(fournisseur, &kid)
            .await?
            .ok_or(invalide(DefautJeton::CleInconnue))?;
        if !convient(&jwk, entete.alg) {
            return Err(invalide(DefautJeton::Algorithme));
        }
        let cle = DecodingKey::from_jwk(&jwk).map_err(|_| ErreurOidc::ReponseInvalide(CLES))?;

        let mut validation = Validation::new(entete.alg);
        validation.leeway = DERIVE_HORLOGE;
        validation.set_issuer(&[&fournisseur.emetteur]);
        validation.set_audience(&[&self.config.client_id]);
        validation.set_required_spec_claims(exigees);
        decode::<T>(jwt, &cle, &validation)
            .map(|donnees| donnees.claims)
            .map_err(|e| {
                invalide(match e.kind() {
                    ErrorKind::InvalidSignature => DefautJeton::Signature,
                    ErrorKind::InvalidIssuer => DefautJeton::Emetteur,
                    ErrorKind::InvalidAudience => DefautJeton::Audience,
                    ErrorKind::ExpiredSignature => DefautJeton::Expire,
                    ErrorKind::MissingRequiredClaim(_) => DefautJeton::Incomplet,
                    ErrorKind::InvalidAlgorithm | ErrorKind::InvalidKeyFormat => {
                        DefautJeton::Algorithme
                    }
                    _ => DefautJeton::Format,
                })
            })
    }

    /// The published key named `kid`, fetching the key set again if the kept one lacks it.
    async fn cle(&self, fournisseur: &Fournisseur, kid: &str) -> Result<Option<Jwk>, ErreurOidc> {
        let gardees = verrou(&self.cles).clone();
        if let Some(jwk) = gardees.as_ref().and_then(|cles| cles.find(kid)) {
            return Ok(Some(jwk.clone()));
        }
        let reponse = self
            .http
            .get(fournisseur.cles.clone())
            .send()
            .await
            .map_err(injoignable)?;
        let cles: Arc<JwkSet> = Arc::new(json(succes(reponse, CLES)?, CLES).await?);
        *verrou(&self.cles) = Some(cles.clone());
        Ok(cles.find(kid).cloned())
    }
}

/// Whether a published key may verify a token signed with `alg`.
fn convient(jwk: &Jwk, alg: Algorithm) -> bool {
    let (famille, nom) = match (&jwk.algorithm, alg) {
        (AlgorithmParameters::RSA(_), Algorithm::RS256) => (true, KeyAlgorithm::RS256),
        (AlgorithmParameters::EllipticCurve(ec), Algorithm::ES256) => {
            (ec.curve == EllipticCurve::P256, KeyAlgorithm::ES256)
        }
        _ => return false,
    };
    famille
        && jwk.common.key_algorithm.is_none_or(|a| a == nom)
        && jwk
            .common
            .public_key_use
            .as_ref()
            .is_none_or(|usage| *usage == PublicKeyUse::Signature)
}

/// The cache's content; a panic elsewhere cannot leave it half-written.
fn verrou<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn injoignable(e: reqwest::Error) -> ErreurOidc {
    tracing::warn!(erreur = %e, "fournisseur d'identité injoignable");
    ErreurOidc::Injoignable
}

fn succes(reponse: Response, etape: &'static str) -> Result<Response, ErreurOidc> {
    let statut = reponse.status();
    if statut.is_success() {
        Ok(reponse)
    } else {
        tracing::warn!(%statut, etape, "réponse en erreur du fournisseur d'identité");
        Err(ErreurOidc::ReponseInvalide(etape))
    }
}

async fn json<T: DeserializeOwned>(
    reponse: Response,
    etape: &'static str,
) -> Result<T, ErreurOidc> {
    reponse.json().await.map_err(|e| {
        if e.is_timeout() {
            injoignable(e)
        } else {
            tracing::warn!(erreur = %e, etape, "réponse illisible du fournisseur d'identité");
            ErreurOidc::ReponseInvalide(etape)
        }
    })
}
