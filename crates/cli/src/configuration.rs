//! Pilote's one configuration: a typed [`Configuration`] whose every knob is read, from the
//! weakest to the strongest, from its default, a TOML file (`--config FICHIER` or
//! `PILOTE_CONFIG`), the environment (`PILOTE_` and the key in capitals) and the command line
//! (`--` and the key with hyphens). The keys are the same in the three: `delai_requete_secondes`
//! in the file is `PILOTE_DELAI_REQUETE_SECONDES` and `--delai-requete-secondes`. A key or a
//! value that is not right is an error naming it. `pilote config` prints the result, secrets
//! masked; `pilote.exemple.toml` at the repository's root holds every key with its default.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use clap::Args;
use serde::{Deserialize, Serialize};

/// Every knob of Pilote, with its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Configuration {
    // — Serving
    pub listen: SocketAddr,
    pub url_publique: Option<String>,
    pub titre: String,
    pub editeur: Option<String>,
    pub contact: Option<String>,
    pub hebergeur: Option<String>,
    pub admin_email: Option<String>,
    pub demo: bool,
    pub proxy_de_confiance: bool,
    // — Database
    pub database_url: String,
    pub connexions: u32,
    // — Documents
    pub documents: String,
    // — E-mail
    pub smtp_url: Option<String>,
    pub courriels_dossier: Option<PathBuf>,
    pub courriel_expediteur: String,
    // — OpenID Connect
    pub oidc_discovery_url: Option<String>,
    pub oidc_client_id: Option<String>,
    pub oidc_client_secret: Option<String>,
    pub oidc_acr: Vec<String>,
    pub oidc_scopes: String,
    // — Limits and timeouts
    pub formulaire_max_octets: u64,
    pub document_max_octets: u64,
    pub requetes_simultanees: u32,
    pub delai_entetes_secondes: u64,
    pub delai_requete_secondes: u64,
    // — Sessions and sign-in
    pub duree_session_heures: u32,
    pub echecs_connexion_permis: u32,
    pub fenetre_echecs_minutes: u32,
    pub blocage_minutes: u32,
    pub duree_invitation_jours: u32,
    // — Journal and logs
    pub journal_conservation_mois: u32,
    pub format_journaux: FormatJournaux,
    pub niveau_journaux: String,
}

/// How the server's logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FormatJournaux {
    /// One line of text per event, for a person reading a terminal.
    Texte,
    /// One JSON object per line, for a log collector.
    Json,
}

impl Default for Configuration {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            url_publique: None,
            titre: "Pilote".to_owned(),
            editeur: None,
            contact: None,
            hebergeur: None,
            admin_email: None,
            demo: false,
            proxy_de_confiance: false,
            database_url: "sqlite://pilote.db".to_owned(),
            connexions: 0,
            documents: "pilote-documents".to_owned(),
            smtp_url: None,
            courriels_dossier: None,
            courriel_expediteur: "Pilote <pilote@localhost>".to_owned(),
            oidc_discovery_url: None,
            oidc_client_id: None,
            oidc_client_secret: None,
            oidc_acr: Vec::new(),
            oidc_scopes: "openid email given_name usual_name uid".to_owned(),
            formulaire_max_octets: 1 << 20,
            document_max_octets: 20 << 20,
            requetes_simultanees: 512,
            delai_entetes_secondes: 20,
            delai_requete_secondes: 60,
            duree_session_heures: 12,
            echecs_connexion_permis: 5,
            fenetre_echecs_minutes: 15,
            blocage_minutes: 15,
            duree_invitation_jours: 7,
            journal_conservation_mois: pilote_store::journal::CONSERVATION_MOIS,
            format_journaux: FormatJournaux::Texte,
            niveau_journaux: "info,sqlx=warn".to_owned(),
        }
    }
}

/// The values given on the command line or in the environment, as text: each is read with the
/// type of its key when the layers are merged, so that a wrong one is named in French.
#[derive(Debug, Default, Args, Serialize)]
pub struct Surcharges {
    /// Configuration file (TOML); see pilote.exemple.toml.
    #[arg(long, global = true, env = "PILOTE_CONFIG")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Address and port to listen on [127.0.0.1:3000].
    #[arg(long, global = true, env = "PILOTE_LISTEN")]
    listen: Option<String>,
    /// The address people reach Pilote at (https://… behind a proxy): links in e-mails, OpenID
    /// Connect, the origin check; with https://, cookies are `Secure` and HSTS is sent
    /// [http://LISTEN].
    #[arg(long, global = true, env = "PILOTE_URL_PUBLIQUE")]
    url_publique: Option<String>,
    /// Text shown in the page header [Pilote].
    #[arg(long, global = true, env = "PILOTE_TITRE")]
    titre: Option<String>,
    /// Who publishes the site, as the legal notices and the accessibility statement name
    /// them: « ARS Normandie, 2 place Jean Nouzille, 14000 Caen ».
    #[arg(long, global = true, env = "PILOTE_EDITEUR")]
    editeur: Option<String>,
    /// Where the public writes to about the site (an e-mail address or a page), given on the
    /// legal notices and the accessibility statement.
    #[arg(long, global = true, env = "PILOTE_CONTACT")]
    contact: Option<String>,
    /// Who hosts the site (name and address), given on the legal notices.
    #[arg(long, global = true, env = "PILOTE_HEBERGEUR")]
    hebergeur: Option<String>,
    /// On a database without any account, creates this administrator with a first password
    /// to change at first sign-in.
    #[arg(long, global = true, env = "PILOTE_ADMIN_EMAIL")]
    admin_email: Option<String>,
    /// Loads the demo contracts missing from the database.
    #[arg(long, global = true, env = "PILOTE_DEMO", num_args = 0..=1, default_missing_value = "true")]
    demo: Option<String>,
    /// Trusts `X-Forwarded-Proto`, `X-Forwarded-Host` and `X-Forwarded-For` (only behind a
    /// reverse proxy that sets them) [false].
    #[arg(long, global = true, env = "PILOTE_PROXY_DE_CONFIANCE", num_args = 0..=1, default_missing_value = "true")]
    proxy_de_confiance: Option<String>,
    /// Database: sqlite://FICHIER (created if absent) or postgres://UTILISATEUR@HÔTE/BASE
    /// [sqlite://pilote.db].
    #[arg(
        long,
        global = true,
        env = "PILOTE_DATABASE_URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
    /// Database connections kept open; 0: 8 on SQLite (for reads), 32 on PostgreSQL [0].
    #[arg(long, global = true, env = "PILOTE_CONNEXIONS")]
    connexions: Option<String>,
    /// Where documents are kept: a folder, or s3://CLÉ:SECRET@hôte[:port]/bucket?region=…
    /// [pilote-documents].
    #[arg(long, global = true, env = "PILOTE_DOCUMENTS", hide_env_values = true)]
    documents: Option<String>,
    /// SMTP server, e.g. smtps://utilisateur:motdepasse@smtp.example.fr; without it, e-mail
    /// goes to --courriels-dossier, or to the console.
    #[arg(long, global = true, env = "PILOTE_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// Writes each e-mail as an .eml file in this folder instead of sending it.
    #[arg(long, global = true, env = "PILOTE_COURRIELS_DOSSIER")]
    courriels_dossier: Option<String>,
    /// The sender of e-mail [Pilote <pilote@localhost>].
    #[arg(long, global = true, env = "PILOTE_COURRIEL_EXPEDITEUR")]
    courriel_expediteur: Option<String>,
    /// OpenID Connect (ProConnect): the provider's discovery document.
    #[arg(long, global = true, env = "PILOTE_OIDC_DISCOVERY_URL")]
    oidc_discovery_url: Option<String>,
    #[arg(long, global = true, env = "PILOTE_OIDC_CLIENT_ID")]
    oidc_client_id: Option<String>,
    #[arg(
        long,
        global = true,
        env = "PILOTE_OIDC_CLIENT_SECRET",
        hide_env_values = true
    )]
    oidc_client_secret: Option<String>,
    /// Authentication levels (`acr`) accepted, separated by commas; none: any level.
    #[arg(long, global = true, env = "PILOTE_OIDC_ACR")]
    oidc_acr: Option<String>,
    /// Scopes asked of the provider [openid email given_name usual_name uid].
    #[arg(long, global = true, env = "PILOTE_OIDC_SCOPES")]
    oidc_scopes: Option<String>,
    /// Largest form body, in bytes [1048576].
    #[arg(long, global = true, env = "PILOTE_FORMULAIRE_MAX_OCTETS")]
    formulaire_max_octets: Option<String>,
    /// Largest document, in bytes [20971520, 20 Mio].
    #[arg(long, global = true, env = "PILOTE_DOCUMENT_MAX_OCTETS")]
    document_max_octets: Option<String>,
    /// Requests served at once; past it, 503 with Retry-After [512].
    #[arg(long, global = true, env = "PILOTE_REQUETES_SIMULTANEES")]
    requetes_simultanees: Option<String>,
    /// Time a client has to send a request's headers, from the connection's opening or the
    /// end of the previous answer: it also closes idle keep-alive connections [20].
    #[arg(long, global = true, env = "PILOTE_DELAI_ENTETES_SECONDES")]
    delai_entetes_secondes: Option<String>,
    /// Time a request has to be answered, its body included [60].
    #[arg(long, global = true, env = "PILOTE_DELAI_REQUETE_SECONDES")]
    delai_requete_secondes: Option<String>,
    /// Lifetime of a session, in hours [12].
    #[arg(long, global = true, env = "PILOTE_DUREE_SESSION_HEURES")]
    duree_session_heures: Option<String>,
    /// Failed sign-ins allowed per address within the window before it is blocked [5].
    #[arg(long, global = true, env = "PILOTE_ECHECS_CONNEXION_PERMIS")]
    echecs_connexion_permis: Option<String>,
    /// The window failed sign-ins are counted over, in minutes [15].
    #[arg(long, global = true, env = "PILOTE_FENETRE_ECHECS_MINUTES")]
    fenetre_echecs_minutes: Option<String>,
    /// How long a blocked address stays blocked, in minutes [15].
    #[arg(long, global = true, env = "PILOTE_BLOCAGE_MINUTES")]
    blocage_minutes: Option<String>,
    /// Lifetime of an invitation, in days [7].
    #[arg(long, global = true, env = "PILOTE_DUREE_INVITATION_JOURS")]
    duree_invitation_jours: Option<String>,
    /// How long the journal is kept, in months of 30 days (purged daily by `serve`) [12].
    #[arg(long, global = true, env = "PILOTE_JOURNAL_CONSERVATION_MOIS")]
    journal_conservation_mois: Option<String>,
    /// Logs as `texte` or `json` [texte].
    #[arg(long, global = true, env = "PILOTE_FORMAT_JOURNAUX")]
    format_journaux: Option<String>,
    /// What is logged, as RUST_LOG says it (RUST_LOG wins) [info,sqlx=warn].
    #[arg(long, global = true, env = "PILOTE_NIVEAU_JOURNAUX")]
    niveau_journaux: Option<String>,
}

impl Configuration {
    /// The configuration: defaults, then the file named by `surcharges.config`, then the
    /// environment and the command line (already merged by clap, the command line winning).
    pub fn charger(surcharges: &Surcharges) -> Result<Self> {
        let mut table = toml::Table::new();
        if let Some(fichier) = &surcharges.config {
            table = lire_fichier(fichier)?;
        }
        let defauts = toml::Table::try_from(Self::default())?;
        let donnees = toml::Table::try_from(surcharges)?;
        for (cle, brut) in donnees {
            let toml::Value::String(brut) = brut else {
                continue;
            };
            let valeur = valeur_de_texte(&cle, &brut, defauts.get(&cle))?;
            table.insert(cle, valeur);
        }
        let texte = toml::to_string(&table)?;
        toml::from_str(&texte).map_err(|e| anyhow!(message(&e, &texte, "configuration")))
    }

    /// The configuration as TOML, with every secret masked.
    pub fn afficher(&self) -> Result<String> {
        let mut masquee = self.clone();
        masquee.database_url = masquer_url(&self.database_url);
        masquee.documents = masquer_url(&self.documents);
        masquee.smtp_url = self.smtp_url.as_deref().map(masquer_url);
        if masquee.oidc_client_secret.is_some() {
            masquee.oidc_client_secret = Some("***".to_owned());
        }
        let mut texte = String::new();
        let _ = writeln!(
            texte,
            "# Configuration effective de Pilote (défauts ← fichier ← environnement ← options)"
        );
        texte.push_str(&toml::to_string(&masquee)?);
        Ok(texte)
    }

    /// The store's settings.
    pub fn reglages_store(&self) -> pilote_store::Reglages {
        let minutes = |m: u32| i64::from(m) * 60;
        pilote_store::Reglages {
            connexions: (self.connexions > 0).then_some(self.connexions),
            duree_session: i64::from(self.duree_session_heures) * 3600,
            echecs_permis: i64::from(self.echecs_connexion_permis),
            fenetre_echecs: minutes(self.fenetre_echecs_minutes),
            blocage: minutes(self.blocage_minutes),
            duree_invitation: i64::from(self.duree_invitation_jours) * 86_400,
            conservation_journal_mois: self.journal_conservation_mois,
        }
    }

    /// Who publishes and hosts the site, for its legal pages.
    pub fn editeur(&self) -> pilote_web::Editeur {
        pilote_web::Editeur {
            nom: self.editeur.clone(),
            contact: self.contact.clone(),
            hebergeur: self.hebergeur.clone(),
        }
    }

    /// The web server's limits and timeouts.
    pub fn limites(&self) -> pilote_web::Limites {
        pilote_web::Limites {
            formulaire_max: usize::try_from(self.formulaire_max_octets).unwrap_or(usize::MAX),
            document_max: usize::try_from(self.document_max_octets).unwrap_or(usize::MAX),
            requetes_simultanees: self.requetes_simultanees as usize,
            delai_entetes: Duration::from_secs(self.delai_entetes_secondes),
            delai_requete: Duration::from_secs(self.delai_requete_secondes),
            proxy_de_confiance: self.proxy_de_confiance,
        }
    }
}

fn lire_fichier(fichier: &Path) -> Result<toml::Table> {
    let nom = fichier.display().to_string();
    let texte = std::fs::read_to_string(fichier)
        .map_err(|e| anyhow!("fichier de configuration {nom} illisible : {e}"))?;
    // Read once as the whole structure, for the line and the key of a mistake.
    toml::from_str::<Configuration>(&texte).map_err(|e| anyhow!(message(&e, &texte, &nom)))?;
    Ok(toml::from_str(&texte)?)
}

/// A value given as text (command line, environment), read with the type of its key.
fn valeur_de_texte(cle: &str, brut: &str, defaut: Option<&toml::Value>) -> Result<toml::Value> {
    let nom = format!(
        "--{} / PILOTE_{}",
        cle.replace('_', "-"),
        cle.to_uppercase()
    );
    Ok(match defaut {
        Some(toml::Value::Integer(_)) => match brut.trim().parse::<i64>() {
            Ok(n) if n >= 0 => toml::Value::Integer(n),
            _ => bail!("{nom} : « {brut} » n'est pas un nombre entier positif"),
        },
        Some(toml::Value::Boolean(_)) => match brut.trim().to_lowercase().as_str() {
            "true" | "oui" | "1" => toml::Value::Boolean(true),
            "false" | "non" | "0" => toml::Value::Boolean(false),
            _ => bail!("{nom} : « {brut} » n'est ni true ni false"),
        },
        Some(toml::Value::Array(_)) => toml::Value::Array(
            brut.split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| toml::Value::String(v.to_owned()))
                .collect(),
        ),
        _ => toml::Value::String(brut.to_owned()),
    })
}

/// A reading error of the configuration in French, naming the key (and the line of the file).
fn message(erreur: &toml::de::Error, texte: &str, source: &str) -> String {
    let brut = erreur.message();
    let ligne_et_cle = erreur.span().map(|portee| {
        let ligne = texte[..portee.start.min(texte.len())].matches('\n').count() + 1;
        let cle = texte
            .lines()
            .nth(ligne - 1)
            .and_then(|l| l.split_once('='))
            .map(|(c, _)| c.trim().to_owned());
        (ligne, cle)
    });
    let explication = if let Some(reste) = brut.strip_prefix("unknown field `") {
        let inconnue = reste.split('`').next().unwrap_or_default();
        format!("clé inconnue « {inconnue} » (voir pilote.exemple.toml pour les clés possibles)")
    } else if brut.starts_with("invalid type") {
        let attendu = brut.rsplit("expected ").next().unwrap_or_default();
        format!(
            "valeur d'un type inattendu (attendu : {})",
            en_francais(attendu)
        )
    } else if brut.starts_with("unknown variant") {
        let possibles = brut.rsplit("expected ").next().unwrap_or_default();
        format!(
            "valeur inconnue (possibles : {})",
            possibles.replace("one of ", "")
        )
    } else if brut.contains("socket address") {
        "adresse d'écoute incorrecte, attendu par exemple 127.0.0.1:3000".to_owned()
    } else {
        format!("valeur incorrecte ({brut})")
    };
    match ligne_et_cle {
        Some((ligne, Some(cle))) if source != "configuration" => {
            format!("{source}, ligne {ligne}, clé « {cle} » : {explication}")
        }
        Some((_, Some(cle))) => format!("configuration, clé « {cle} » : {explication}"),
        Some((ligne, None)) => format!("{source}, ligne {ligne} : {explication}"),
        None => format!("{source} : {explication}"),
    }
}

/// serde's names of the expected types, in French.
fn en_francais(attendu: &str) -> String {
    match attendu {
        "a boolean" => "true ou false".to_owned(),
        "a string" => "un texte entre guillemets".to_owned(),
        "a sequence" => "une liste entre crochets".to_owned(),
        "socket address" => "une adresse telle que 127.0.0.1:3000".to_owned(),
        a if a.starts_with("u32") || a.starts_with("u64") || a.contains("integer") => {
            "un nombre entier positif".to_owned()
        }
        autre => autre.to_owned(),
    }
}

/// A URL without its password or secret key, for messages and `pilote config`.
pub fn masquer_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(debut), Some(arobase)) if arobase > debut => {
            let identite = &url[debut + 3..arobase];
            let utilisateur = identite.split(':').next().unwrap_or_default();
            format!("{}{utilisateur}:***{}", &url[..debut + 3], &url[arobase..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fichier(contenu: &str) -> (tempfile::TempDir, Surcharges) {
        let dossier = tempfile::tempdir().unwrap();
        let chemin = dossier.path().join("pilote.toml");
        std::fs::write(&chemin, contenu).unwrap();
        let surcharges = Surcharges {
            config: Some(chemin),
            ..Surcharges::default()
        };
        (dossier, surcharges)
    }

    #[test]
    fn le_fichier_d_exemple_donne_chaque_cle_avec_son_defaut() {
        let exemple = include_str!("../../../pilote.exemple.toml");
        let lue: Configuration = toml::from_str(exemple).unwrap();
        assert_eq!(lue, Configuration::default());
        // Every key is written in it, optional ones commented out.
        let cles = toml::Table::try_from(Surcharges::default()).unwrap();
        assert!(cles.is_empty());
        for cle in [
            "listen",
            "url_publique",
            "admin_email",
            "smtp_url",
            "courriels_dossier",
            "oidc_client_secret",
            "delai_entetes_secondes",
            "niveau_journaux",
        ] {
            assert!(
                exemple.contains(&format!("\n{cle} =")) || exemple.contains(&format!("# {cle} =")),
                "{cle}"
            );
        }
    }

    #[test]
    fn chaque_couche_l_emporte_sur_la_precedente() {
        let (_dossier, mut surcharges) =
            fichier("titre = \"ARS Normandie\"\nconnexions = 4\ndelai_requete_secondes = 30\n");
        let lue = Configuration::charger(&surcharges).unwrap();
        assert_eq!(lue.titre, "ARS Normandie");
        assert_eq!(lue.connexions, 4);
        assert_eq!(lue.listen, Configuration::default().listen);
        surcharges.connexions = Some("16".to_owned());
        surcharges.oidc_acr = Some("eidas2, eidas3".to_owned());
        surcharges.demo = Some("true".to_owned());
        let lue = Configuration::charger(&surcharges).unwrap();
        assert_eq!(lue.connexions, 16);
        assert_eq!(lue.delai_requete_secondes, 30);
        assert_eq!(lue.oidc_acr, ["eidas2", "eidas3"]);
        assert!(lue.demo);
        assert_eq!(lue.reglages_store().connexions, Some(16));
    }

    #[test]
    fn une_cle_ou_une_valeur_fausse_est_nommee() {
        let (_d, surcharges) = fichier("titre = \"x\"\ndelai_requete = 30\n");
        let erreur = Configuration::charger(&surcharges).unwrap_err().to_string();
        assert!(
            erreur.contains("ligne 2") && erreur.contains("clé inconnue « delai_requete »"),
            "{erreur}"
        );
        let (_d, surcharges) = fichier("connexions = \"beaucoup\"\n");
        let erreur = Configuration::charger(&surcharges).unwrap_err().to_string();
        assert!(
            erreur.contains("clé « connexions »") && erreur.contains("nombre entier"),
            "{erreur}"
        );
        let (_d, surcharges) = fichier("format_journaux = \"xml\"\n");
        let erreur = Configuration::charger(&surcharges).unwrap_err().to_string();
        assert!(
            erreur.contains("texte") && erreur.contains("json"),
            "{erreur}"
        );
        let surcharges = Surcharges {
            delai_requete_secondes: Some("une minute".to_owned()),
            ..Surcharges::default()
        };
        let erreur = Configuration::charger(&surcharges).unwrap_err().to_string();
        assert!(
            erreur.contains("--delai-requete-secondes / PILOTE_DELAI_REQUETE_SECONDES"),
            "{erreur}"
        );
        let surcharges = Surcharges {
            listen: Some("partout".to_owned()),
            ..Surcharges::default()
        };
        let erreur = Configuration::charger(&surcharges).unwrap_err().to_string();
        assert!(
            erreur.contains("« listen »") && erreur.contains("127.0.0.1:3000"),
            "{erreur}"
        );
        let surcharges = Surcharges {
            config: Some(PathBuf::from("/nulle/part.toml")),
            ..Surcharges::default()
        };
        let erreur = Configuration::charger(&surcharges).unwrap_err().to_string();
        assert!(erreur.contains("/nulle/part.toml illisible"), "{erreur}");
    }

    #[test]
    fn les_secrets_sont_masques() {
        let configuration = Configuration {
            database_url: "postgres://pilote:motdepasse@db/pilote".to_owned(),
            documents: "s3://CLE:SECRET@minio:9000/docs".to_owned(),
            smtp_url: Some("smtps://moi:secret@smtp.example.fr".to_owned()),
            oidc_client_secret: Some("tres-secret".to_owned()),
            ..Configuration::default()
        };
        let texte = configuration.afficher().unwrap();
        for secret in ["motdepasse", "SECRET", "secret@", "tres-secret"] {
            assert!(!texte.contains(secret), "{secret} dans\n{texte}");
        }
        assert!(texte.contains("postgres://pilote:***@db/pilote"), "{texte}");
    }
}
