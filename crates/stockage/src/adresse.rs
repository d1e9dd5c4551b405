//! Choosing the storage from one line of configuration (for the CLI and the configuration
//! file):
//!
//! - `dossier:/srv/pilote/documents`, `dossier:documents`, or simply a path
//!   (`/srv/pilote/documents`, `./documents`): a [`DossierLocal`];
//! - `s3://CLÉ_D_ACCÈS:CLÉ_SECRÈTE@hôte[:port]/compartiment[?region=eu-west-3][&https=false]`:
//!   an [`S3`] bucket, path-style, over HTTPS unless `https=false`; the region defaults to
//!   `us-east-1` (what MinIO and most compatible servers expect). Characters of the keys that
//!   are special in a URL (`/`, `+`, `@`, `:`…) are percent-encoded: `/` as `%2F`.
//!
//! Error messages show the address with its credentials masked.

use std::path::PathBuf;
use std::sync::Arc;

use percent_encoding::percent_decode_str;
use reqwest::Url;

use crate::{ConfigS3, DossierLocal, ErreurStockage, S3, Stockage};

/// A parsed storage address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Adresse {
    Dossier(PathBuf),
    S3(ConfigS3),
}

impl Adresse {
    pub fn analyser(adresse: &str) -> Result<Self, ErreurStockage> {
        let erreur = |raison: &str| ErreurStockage::Adresse {
            adresse: masquer(adresse),
            raison: raison.to_owned(),
        };
        if adresse.trim().is_empty() {
            return Err(erreur(
                "elle est vide (attendu « dossier:/chemin » ou « s3://… »)",
            ));
        }
        if let Some(chemin) = adresse.strip_prefix("dossier:") {
            // `dossier:///srv/x`, by habit of file URLs, is `/srv/x`.
            let chemin = chemin.strip_prefix("//").unwrap_or(chemin);
            if chemin.is_empty() {
                return Err(erreur("chemin du dossier manquant après « dossier: »"));
            }
            return Ok(Self::Dossier(PathBuf::from(chemin)));
        }
        if adresse.starts_with("s3://") {
            return analyser_s3(adresse).map(Self::S3).map_err(|e| erreur(&e));
        }
        if let Some((schema, _)) = adresse.split_once("://") {
            return Err(erreur(&format!(
                "schéma « {schema} » inconnu (attendu « dossier: » ou « s3:// »)"
            )));
        }
        Ok(Self::Dossier(PathBuf::from(adresse)))
    }

    /// The storage this address names. An S3 bucket is checked for form only: nothing is
    /// sent to the server.
    pub fn ouvrir(self) -> Result<Arc<dyn Stockage>, ErreurStockage> {
        Ok(match self {
            Self::Dossier(racine) => Arc::new(DossierLocal::new(racine)),
            Self::S3(config) => Arc::new(S3::new(config)?),
        })
    }
}

/// The storage named by `adresse` (see the module's documentation for the forms).
pub fn depuis_adresse(adresse: &str) -> Result<Arc<dyn Stockage>, ErreurStockage> {
    Adresse::analyser(adresse)?.ouvrir()
}

fn analyser_s3(adresse: &str) -> Result<ConfigS3, String> {
    let url = Url::parse(adresse).map_err(|e| format!("adresse S3 illisible ({e})"))?;
    let decoder = |texte: &str, nom: &str| {
        percent_decode_str(texte)
            .decode_utf8()
            .map(|t| t.into_owned())
            .map_err(|_| format!("{nom} mal encodée"))
    };
    let access_key = decoder(url.username(), "clé d'accès")?;
    if access_key.is_empty() {
        return Err("clé d'accès manquante (s3://CLÉ:SECRET@hôte/compartiment)".to_owned());
    }
    let secret_key = decoder(url.password().unwrap_or_default(), "clé secrète")?;
    if secret_key.is_empty() {
        return Err("clé secrète manquante (s3://CLÉ:SECRET@hôte/compartiment)".to_owned());
    }
    let hote = url.host_str().unwrap_or_default();
    if hote.is_empty() {
        return Err("hôte manquant".to_owned());
    }
    let bucket = url.path().trim_start_matches('/').trim_end_matches('/');
    if bucket.is_empty() {
        return Err("nom du compartiment manquant (s3://CLÉ:SECRET@hôte/compartiment)".to_owned());
    }
    if bucket.contains('/') {
        return Err(
            "le chemin ne doit contenir que le nom du compartiment, sans préfixe".to_owned(),
        );
    }
    let mut region = "us-east-1".to_owned();
    let mut https = true;
    for (nom, valeur) in url.query_pairs() {
        match &*nom {
            "region" => region = valeur.into_owned(),
            "https" => {
                https = match &*valeur {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(format!(
                            "https=« {valeur} » : attendu « true » ou « false »"
                        ));
                    }
                }
            }
            _ => {
                return Err(format!(
                    "paramètre « {nom} » inconnu (permis : region, https)"
                ));
            }
        }
    }
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let schema = if https { "https" } else { "http" };
    Ok(ConfigS3 {
        endpoint: format!("{schema}://{hote}{port}"),
        region,
        bucket: bucket.to_owned(),
        access_key,
        secret_key,
    })
}

/// The address with the credentials of an URL replaced by `***`.
fn masquer(adresse: &str) -> String {
    if let Some((schema, reste)) = adresse.split_once("://") {
        let autorite = reste.split(['/', '?']).next().unwrap_or_default();
        if let Some((_, hote)) = autorite.rsplit_once('@') {
            let suite = &reste[autorite.len()..];
            return format!("{schema}://***@{hote}{suite}");
        }
    }
    adresse.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s3(adresse: &str) -> ConfigS3 {
        match Adresse::analyser(adresse).unwrap() {
            Adresse::S3(config) => config,
            autre => panic!("{autre:?}"),
        }
    }

    fn raison(adresse: &str) -> String {
        Adresse::analyser(adresse).unwrap_err().to_string()
    }

    #[test]
    fn un_chemin_ou_dossier_designe_un_dossier_local() {
        for (adresse, chemin) in [
            ("dossier:/srv/pilote/documents", "/srv/pilote/documents"),
            ("dossier:///srv/pilote/documents", "/srv/pilote/documents"),
            ("dossier:documents", "documents"),
            ("/srv/pilote/documents", "/srv/pilote/documents"),
            ("./documents", "./documents"),
        ] {
            assert_eq!(
                Adresse::analyser(adresse).unwrap(),
                Adresse::Dossier(PathBuf::from(chemin))
            );
        }
        assert_eq!(
            depuis_adresse("dossier:/srv/docs").unwrap().decrire(),
            "dossier local /srv/docs"
        );
    }

    #[test]
    fn une_adresse_s3_complete() {
        assert_eq!(
            s3(
                "s3://AKIAEXEMPLE:wJal%2FK7%2BMDENG@s3.eu-west-3.amazonaws.com/pilote-caen?region=eu-west-3"
            ),
            ConfigS3 {
                endpoint: "https://s3.eu-west-3.amazonaws.com".to_owned(),
                region: "eu-west-3".to_owned(),
                bucket: "pilote-caen".to_owned(),
                access_key: "AKIAEXEMPLE".to_owned(),
                secret_key: "wJal/K7+MDENG".to_owned(),
            }
        );
        let minio = s3("s3://minio:minio-secret@127.0.0.1:9000/documents/?https=false");
        assert_eq!(minio.endpoint, "http://127.0.0.1:9000");
        assert_eq!(minio.region, "us-east-1");
        assert_eq!(minio.bucket, "documents");
        assert_eq!(
            depuis_adresse("s3://a:b@127.0.0.1:9000/documents?https=false")
                .unwrap()
                .decrire(),
            "S3 http://127.0.0.1:9000/documents"
        );
    }

    #[test]
    fn les_erreurs_nomment_ce_qui_manque_sans_montrer_le_secret() {
        for (adresse, attendu) in [
            ("", "elle est vide"),
            ("dossier:", "chemin du dossier manquant"),
            ("ftp://serveur/x", "schéma « ftp » inconnu"),
            ("s3://hote/compartiment", "clé d'accès manquante"),
            ("s3://cle@hote/compartiment", "clé secrète manquante"),
            ("s3://cle:secret@hote", "nom du compartiment manquant"),
            ("s3://cle:secret@hote/a/b", "que le nom du compartiment"),
            ("s3://cle:secret@hote/a?https=non", "https=« non »"),
            (
                "s3://cle:secret@hote/a?zone=x",
                "paramètre « zone » inconnu",
            ),
        ] {
            let message = raison(adresse);
            assert!(
                message.starts_with("adresse de stockage invalide"),
                "{message}"
            );
            assert!(message.contains(attendu), "{adresse} : {message}");
            assert!(!message.contains("secret@"), "{message}");
        }
        assert_eq!(
            raison("s3://cle:secret@hote/a?zone=x"),
            "adresse de stockage invalide « s3://***@hote/a?zone=x » : paramètre « zone » \
             inconnu (permis : region, https)"
        );
        let erreur = depuis_adresse("s3://cle:secret@hote/A_B").unwrap_err();
        assert!(
            erreur.to_string().contains("compartiment « A_B »"),
            "{erreur}"
        );
    }
}
