//! S3-compatible object storage (AWS S3, MinIO, Garage, Ceph RGW, Scaleway, OVHcloud…), for
//! deployments with several application servers. A small client of three calls (PUT, GET,
//! DELETE of an object, plus the creation of a bucket), with path-style addresses
//! (`{endpoint}/{bucket}/{key}`, which every compatible server accepts) signed by hand with
//! AWS Signature V4 ([`sigv4`]); see ADR 0009 for why not an SDK.

mod sigv4;

use std::fmt;
use std::time::Duration;

use reqwest::header::{
    AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderMap, HeaderName, HeaderValue,
};
use reqwest::{Method, StatusCode, Url};

pub(crate) use sigv4::hex;
use sigv4::{Horodatage, Identite, RequeteASigner, encoder_chemin, sha256_hex};

use crate::{Cle, Depot, ErreurStockage, Futur, Stockage};

/// The settings of an S3 bucket. `endpoint` is the server's base address
/// (`https://s3.fr-par.scw.cloud`, `http://127.0.0.1:9000`), without the bucket.
#[derive(Clone, PartialEq, Eq)]
pub struct ConfigS3 {
    pub endpoint: String,
    pub region: String,
    pub bucket: String,
    pub access_key: String,
    pub secret_key: String,
}

impl fmt::Debug for ConfigS3 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigS3")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("bucket", &self.bucket)
            .field("access_key", &self.access_key)
            .field("secret_key", &"***")
            .finish()
    }
}

/// Documents in an S3 bucket.
#[derive(Debug)]
pub struct S3 {
    config: ConfigS3,
    /// `scheme://host[:port]`, without a trailing slash.
    base: String,
    /// The `Host` header, as signed.
    hote: String,
    client: reqwest::Client,
}

impl S3 {
    /// Checks the settings; nothing is sent to the server yet.
    pub fn new(config: ConfigS3) -> Result<Self, ErreurStockage> {
        let invalide = |raison: String| Err(ErreurStockage::Configuration(raison));
        let endpoint = match Url::parse(&config.endpoint) {
            Ok(url) => url,
            Err(e) => return invalide(format!("adresse du serveur « {} » : {e}", config.endpoint)),
        };
        if !matches!(endpoint.scheme(), "http" | "https")
            || endpoint.path() != "/"
            || endpoint.query().is_some()
            || endpoint.fragment().is_some()
            || !endpoint.username().is_empty()
        {
            return invalide(format!(
                "adresse du serveur « {} » : attendu http(s)://hôte[:port], sans chemin ni \
                 identifiants",
                config.endpoint
            ));
        }
        let Some(hote) = endpoint.host_str() else {
            return invalide(format!(
                "adresse du serveur « {} » sans hôte",
                config.endpoint
            ));
        };
        let hote = match endpoint.port() {
            Some(port) => format!("{hote}:{port}"),
            None => hote.to_owned(),
        };
        if config.region.is_empty()
            || !config
                .region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return invalide(format!(
                "région « {} » : minuscules, chiffres et tirets attendus (us-east-1, fr-par…)",
                config.region
            ));
        }
        if !bucket_valide(&config.bucket) {
            return invalide(format!(
                "compartiment « {} » : 3 à 63 minuscules, chiffres, points ou tirets, \
                 commençant et finissant par une lettre ou un chiffre",
                config.bucket
            ));
        }
        if config.access_key.is_empty() || config.secret_key.is_empty() {
            return invalide("clé d'accès ou clé secrète vide".to_owned());
        }
        let client = reqwest::Client::builder()
            // A redirection means a wrong region or endpoint: report it, do not follow it
            // (the signature would not match anyway).
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(300))
            .build()
            .map_err(|e| ErreurStockage::Configuration(format!("client HTTP : {e}")))?;
        Ok(Self {
            base: format!("{}://{hote}", endpoint.scheme()),
            hote,
            config,
            client,
        })
    }

    pub fn config(&self) -> &ConfigS3 {
        &self.config
    }

    /// Creates the bucket (in the configured region); a bucket that already exists and
    /// belongs to these credentials is fine. For first installs and tests: production
    /// buckets are usually created with the provider's tools.
    pub async fn creer_bucket(&self) -> Result<(), ErreurStockage> {
        const OPERATION: &str = "la création du compartiment";
        let corps = if self.config.region == "us-east-1" {
            Vec::new()
        } else {
            format!(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
                 <LocationConstraint>{}</LocationConstraint></CreateBucketConfiguration>",
                self.config.region
            )
            .into_bytes()
        };
        let reponse = self
            .envoyer(Method::PUT, None, Corps::octets(corps), None, OPERATION)
            .await?;
        match reponse {
            Reponse { statut, .. } if statut.is_success() => Ok(()),
            Reponse { ref code, .. } if code.as_deref() == Some("BucketAlreadyOwnedByYou") => {
                Ok(())
            }
            autre => Err(autre.en_erreur(OPERATION, &self.config.bucket)),
        }
    }

    /// Signs and sends one request for the bucket (`cle` absent) or one of its objects.
    async fn envoyer(
        &self,
        methode: Method,
        cle: Option<&Cle>,
        corps: Corps,
        type_mime: Option<&str>,
        operation: &'static str,
    ) -> Result<Reponse, ErreurStockage> {
        let cible = cle.map_or(self.config.bucket.as_str(), Cle::as_str);
        let chemin = match cle {
            Some(cle) => encoder_chemin(&format!("/{}/{cle}", self.config.bucket)),
            None => encoder_chemin(&format!("/{}", self.config.bucket)),
        };
        let horodatage = Horodatage::maintenant();
        let mut entetes = vec![
            ("host", self.hote.as_str()),
            ("x-amz-content-sha256", corps.empreinte.as_str()),
            ("x-amz-date", horodatage.as_str()),
        ];
        if let Some(type_mime) = type_mime {
            entetes.push(("content-type", type_mime));
        }
        let autorisation = sigv4::autorisation(
            &Identite {
                access_key: &self.config.access_key,
                secret_key: &self.config.secret_key,
                region: &self.config.region,
                service: "s3",
            },
            &horodatage,
            &RequeteASigner {
                methode: methode.as_str(),
                chemin: &chemin,
                requete: "",
                entetes: &entetes,
                empreinte_corps: &corps.empreinte,
            },
        );
        let mut en_tetes = HeaderMap::new();
        for (nom, valeur) in entetes {
            let valeur = HeaderValue::from_str(valeur)
                .map_err(|_| ErreurStockage::TypeMime(valeur.to_owned()))?;
            let nom = match nom {
                "host" => HOST,
                "content-type" => CONTENT_TYPE,
                autre => HeaderName::from_static(autre),
            };
            en_tetes.insert(nom, valeur);
        }
        // Told, not signed: a streamed body has no length of its own, and S3 wants one.
        en_tetes.insert(CONTENT_LENGTH, HeaderValue::from(corps.longueur));
        en_tetes.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&autorisation).map_err(|_| {
                ErreurStockage::Configuration(
                    "la clé d'accès contient des caractères interdits dans un en-tête HTTP"
                        .to_owned(),
                )
            })?,
        );
        let reseau = |e: reqwest::Error| ErreurStockage::Reseau {
            operation,
            cible: cible.to_owned(),
            cause: causes(&e),
        };
        let reponse = self
            .client
            .request(methode, format!("{}{chemin}", self.base))
            .headers(en_tetes)
            .body(corps.contenu)
            .send()
            .await
            .map_err(reseau)?;
        let statut = reponse.status();
        let corps = reponse.bytes().await.map_err(reseau)?.to_vec();
        let code = (!statut.is_success())
            .then(|| entre_balises(&corps, "Code"))
            .flatten();
        Ok(Reponse {
            statut,
            corps,
            code,
        })
    }
}

/// The body of a request, with what its signature needs to know of it.
struct Corps {
    contenu: reqwest::Body,
    longueur: u64,
    /// The lower-case hexadecimal SHA-256 of the body.
    empreinte: String,
}

impl Corps {
    fn octets(octets: Vec<u8>) -> Self {
        Self {
            longueur: octets.len() as u64,
            empreinte: sha256_hex(&octets),
            contenu: octets.into(),
        }
    }

    fn vide() -> Self {
        Self::octets(Vec::new())
    }

    /// A deposit, streamed from its file.
    async fn depot(depot: Depot) -> Result<Self, ErreurStockage> {
        let depot = depot.terminer().await?;
        // The open file keeps its bytes readable once the deposit's name is removed.
        let lecture = tokio::fs::File::open(depot.chemin())
            .await
            .map_err(|source| ErreurStockage::Temporaire {
                chemin: depot.chemin().to_owned(),
                source,
            })?;
        Ok(Self {
            contenu: reqwest::Body::from(lecture),
            longueur: depot.taille,
            empreinte: depot.empreinte,
        })
    }
}

/// Bucket names as S3 restricts them (DNS-compatible).
fn bucket_valide(bucket: &str) -> bool {
    let octets = bucket.as_bytes();
    (3..=63).contains(&octets.len())
        && octets
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-'))
        && octets[0].is_ascii_alphanumeric()
        && octets[octets.len() - 1].is_ascii_alphanumeric()
}

/// An error and all its causes, « a : b : c ».
fn causes(erreur: &(dyn std::error::Error + 'static)) -> String {
    let mut texte = erreur.to_string();
    let mut source = erreur.source();
    while let Some(cause) = source {
        texte.push_str(" : ");
        texte.push_str(&cause.to_string());
        source = cause.source();
    }
    texte
}

/// What the server answered; `code` is the S3 `<Code>` of an error answer.
struct Reponse {
    statut: StatusCode,
    corps: Vec<u8>,
    code: Option<String>,
}

impl Reponse {
    /// Whether the answer means "no such object" (and not "no such bucket", which is a
    /// configuration error).
    fn introuvable(&self) -> bool {
        self.statut == StatusCode::NOT_FOUND && self.code.as_deref() != Some("NoSuchBucket")
    }

    fn en_erreur(self, operation: &'static str, cible: &str) -> ErreurStockage {
        let mut detail = String::new();
        if let Some(code) = &self.code {
            detail.push(' ');
            detail.push_str(code);
        }
        if let Some(message) = entre_balises(&self.corps, "Message") {
            detail.push_str(" : ");
            detail.push_str(&message);
        }
        if let Some(indice) = self.code.as_deref().and_then(indice) {
            detail.push_str(" ; ");
            detail.push_str(indice);
        }
        ErreurStockage::S3 {
            operation,
            cible: cible.to_owned(),
            statut: self.statut.as_u16(),
            detail,
        }
    }
}

/// A French hint for the error codes a misconfiguration produces.
fn indice(code: &str) -> Option<&'static str> {
    Some(match code {
        "SignatureDoesNotMatch" => "la clé secrète ne correspond pas à la clé d'accès",
        "InvalidAccessKeyId" => "clé d'accès inconnue de ce serveur",
        "AccessDenied" => "ces identifiants n'ont pas les droits nécessaires",
        "NoSuchBucket" => "le compartiment n'existe pas",
        "RequestTimeTooSkewed" => "l'horloge de ce serveur est décalée",
        "AuthorizationHeaderMalformed"
        | "PermanentRedirect"
        | "IllegalLocationConstraintException" => "vérifier la région et l'adresse du serveur",
        _ => return None,
    })
}

/// The text of the first `<balise>…</balise>` of an XML answer, entities decoded; a plain
/// search, S3 error bodies being flat.
fn entre_balises(corps: &[u8], balise: &str) -> Option<String> {
    let texte = std::str::from_utf8(corps).ok()?;
    let ouverture = format!("<{balise}>");
    let debut = texte.find(&ouverture)? + ouverture.len();
    let fin = debut + texte[debut..].find(&format!("</{balise}>"))?;
    let valeur = texte[debut..fin]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    (!valeur.trim().is_empty()).then(|| valeur.trim().to_owned())
}

impl Stockage for S3 {
    fn deposer<'a>(&'a self, cle: &'a Cle, depot: Depot, type_mime: &'a str) -> Futur<'a, ()> {
        Box::pin(async move {
            const OPERATION: &str = "le dépôt de";
            let corps = Corps::depot(depot).await?;
            let reponse = self
                .envoyer(Method::PUT, Some(cle), corps, Some(type_mime), OPERATION)
                .await?;
            if reponse.statut.is_success() {
                Ok(())
            } else {
                Err(reponse.en_erreur(OPERATION, cle.as_str()))
            }
        })
    }

    fn lire<'a>(&'a self, cle: &'a Cle) -> Futur<'a, Vec<u8>> {
        Box::pin(async move {
            const OPERATION: &str = "la lecture de";
            let reponse = self
                .envoyer(Method::GET, Some(cle), Corps::vide(), None, OPERATION)
                .await?;
            if reponse.statut.is_success() {
                Ok(reponse.corps)
            } else if reponse.introuvable() {
                Err(ErreurStockage::Introuvable {
                    cle: cle.to_string(),
                })
            } else {
                Err(reponse.en_erreur(OPERATION, cle.as_str()))
            }
        })
    }

    fn supprimer<'a>(&'a self, cle: &'a Cle) -> Futur<'a, ()> {
        Box::pin(async move {
            const OPERATION: &str = "la suppression de";
            let reponse = self
                .envoyer(Method::DELETE, Some(cle), Corps::vide(), None, OPERATION)
                .await?;
            if reponse.statut.is_success() || reponse.introuvable() {
                Ok(())
            } else {
                Err(reponse.en_erreur(OPERATION, cle.as_str()))
            }
        })
    }

    fn decrire(&self) -> String {
        format!("S3 {}/{}", self.base, self.config.bucket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ConfigS3 {
        ConfigS3 {
            endpoint: "https://s3.fr-par.scw.cloud".to_owned(),
            region: "fr-par".to_owned(),
            bucket: "pilote-documents".to_owned(),
            access_key: "SCWEXAMPLE".to_owned(),
            secret_key: "tres-secret".to_owned(),
        }
    }

    #[test]
    fn decrit_sans_secret() {
        let s3 = S3::new(config()).unwrap();
        assert_eq!(
            s3.decrire(),
            "S3 https://s3.fr-par.scw.cloud/pilote-documents"
        );
        assert!(!format!("{s3:?}").contains("tres-secret"));
        let local = S3::new(ConfigS3 {
            endpoint: "http://127.0.0.1:9000/".to_owned(),
            ..config()
        })
        .unwrap();
        assert_eq!(local.hote, "127.0.0.1:9000");
        assert_eq!(local.decrire(), "S3 http://127.0.0.1:9000/pilote-documents");
    }

    #[test]
    fn refuse_une_configuration_fausse_en_nommant_le_champ() {
        let cas = [
            (
                ConfigS3 {
                    endpoint: "ftp://x".to_owned(),
                    ..config()
                },
                "adresse du serveur",
            ),
            (
                ConfigS3 {
                    endpoint: "https://x/chemin".to_owned(),
                    ..config()
                },
                "sans chemin",
            ),
            (
                ConfigS3 {
                    region: "Paris".to_owned(),
                    ..config()
                },
                "région « Paris »",
            ),
            (
                ConfigS3 {
                    bucket: "Mes_Documents".to_owned(),
                    ..config()
                },
                "compartiment « Mes_Documents »",
            ),
            (
                ConfigS3 {
                    secret_key: String::new(),
                    ..config()
                },
                "clé secrète vide",
            ),
        ];
        for (config, attendu) in cas {
            let erreur = S3::new(config).unwrap_err().to_string();
            assert!(erreur.starts_with("configuration S3 invalide"), "{erreur}");
            assert!(erreur.contains(attendu), "{erreur}");
        }
    }

    #[test]
    fn lit_le_code_et_le_message_d_une_erreur_s3() {
        let corps = br#"<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key &amp; signing method.</Message><RequestId>1</RequestId></Error>"#;
        let reponse = Reponse {
            statut: StatusCode::FORBIDDEN,
            corps: corps.to_vec(),
            code: entre_balises(corps, "Code"),
        };
        assert!(!reponse.introuvable());
        assert_eq!(
            reponse.en_erreur("la lecture de", "a/b.pdf").to_string(),
            "S3 : le serveur a refusé la lecture de « a/b.pdf » (HTTP 403 SignatureDoesNotMatch : \
             The request signature we calculated does not match the signature you provided. \
             Check your key & signing method. ; la clé secrète ne correspond pas à la clé \
             d'accès)"
        );
        let sans_corps = Reponse {
            statut: StatusCode::BAD_GATEWAY,
            corps: Vec::new(),
            code: None,
        };
        assert_eq!(
            sans_corps.en_erreur("le dépôt de", "a").to_string(),
            "S3 : le serveur a refusé le dépôt de « a » (HTTP 502)"
        );
    }

    #[test]
    fn un_compartiment_absent_n_est_pas_un_document_absent() {
        let reponse = |code: Option<&str>| Reponse {
            statut: StatusCode::NOT_FOUND,
            corps: Vec::new(),
            code: code.map(str::to_owned),
        };
        assert!(reponse(Some("NoSuchKey")).introuvable());
        assert!(reponse(None).introuvable());
        assert!(!reponse(Some("NoSuchBucket")).introuvable());
    }
}
