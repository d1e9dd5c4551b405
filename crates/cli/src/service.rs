//! `pilote serve`: the web application, with its sign-in (passwords, OpenID Connect) and its
//! mail sender configured from flags or `PILOTE_*` variables.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::Args;
use pilote_store::{Store, demo, session};
use pilote_web::courriel::{Console, Dossier, Expediteur, Smtp};
use pilote_web::oidc::{ClientOidc, ConfigOidc};
use pilote_web::{AppState, app};

use crate::utilisateur;

#[derive(Args)]
pub struct Options {
    /// Address and port to listen on.
    #[arg(long, env = "PILOTE_LISTEN", default_value = "127.0.0.1:3000")]
    listen: SocketAddr,
    /// The address people reach Pilote at, for links in e-mails and OpenID Connect; with
    /// https://, cookies are `Secure` and `__Host-`, and HSTS is sent. Default: http://LISTEN.
    #[arg(long, env = "PILOTE_URL_PUBLIQUE")]
    url_publique: Option<String>,
    /// Loads the demo contracts (Caen, Creusot-Montceau, Soissons) missing from the database.
    #[arg(long)]
    demo: bool,
    /// Text shown in the page header.
    #[arg(long, env = "PILOTE_TITRE", default_value = "Pilote")]
    titre: String,
    /// On a database without any account, creates this administrator and prints a one-time
    /// password.
    #[arg(long, env = "PILOTE_ADMIN_EMAIL")]
    admin_email: Option<String>,
    /// OpenID Connect (ProConnect): the provider's discovery document.
    #[arg(long, env = "PILOTE_OIDC_DISCOVERY_URL", requires_all = ["oidc_client_id", "oidc_client_secret"])]
    oidc_discovery_url: Option<String>,
    #[arg(long, env = "PILOTE_OIDC_CLIENT_ID")]
    oidc_client_id: Option<String>,
    #[arg(long, env = "PILOTE_OIDC_CLIENT_SECRET", hide_env_values = true)]
    oidc_client_secret: Option<String>,
    /// Authentication levels (`acr`) accepted, checked on the server, e.g. ProConnect's
    /// two-factor levels; repeat the flag or separate with commas. None: any level.
    #[arg(long, env = "PILOTE_OIDC_ACR", value_delimiter = ',')]
    oidc_acr: Vec<String>,
    /// Scopes asked of the provider.
    #[arg(
        long,
        env = "PILOTE_OIDC_SCOPES",
        default_value = "openid email given_name usual_name uid"
    )]
    oidc_scopes: String,
    /// SMTP server for e-mail, e.g. smtps://utilisateur:motdepasse@smtp.example.fr or
    /// smtp://localhost:25. Without it, e-mail goes to --courriels-dossier, or to the console.
    #[arg(long, env = "PILOTE_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// Writes each e-mail as an .eml file in this folder instead of sending it.
    #[arg(long, env = "PILOTE_COURRIELS_DOSSIER", conflicts_with = "smtp_url")]
    courriels_dossier: Option<PathBuf>,
    /// The sender of e-mail.
    #[arg(
        long,
        env = "PILOTE_COURRIEL_EXPEDITEUR",
        default_value = "Pilote <pilote@localhost>"
    )]
    courriel_expediteur: String,
    /// Where the documents attached to fiches-actions are kept: a folder (`dossier:/chemin` or
    /// a plain path), or S3-compatible object storage
    /// (`s3://CLÉ:SECRET@hôte[:port]/bucket?region=…`).
    #[arg(
        long,
        env = "PILOTE_DOCUMENTS",
        default_value = "pilote-documents",
        hide_env_values = true
    )]
    documents: String,
}

impl Options {
    fn expediteur(&self) -> Result<Arc<dyn Expediteur>> {
        let de = &self.courriel_expediteur;
        Ok(match (&self.smtp_url, &self.courriels_dossier) {
            (Some(url), _) => Arc::new(Smtp::new(url, de).map_err(anyhow::Error::msg)?),
            (None, Some(dossier)) => {
                Arc::new(Dossier::new(dossier.clone(), de).map_err(anyhow::Error::msg)?)
            }
            (None, None) => Arc::new(Console),
        })
    }

    fn oidc(&self) -> Result<Option<ClientOidc>> {
        let Some(discovery_url) = &self.oidc_discovery_url else {
            return Ok(None);
        };
        let (Some(client_id), Some(client_secret)) =
            (&self.oidc_client_id, &self.oidc_client_secret)
        else {
            bail!("OpenID Connect : indiquez --oidc-client-id et --oidc-client-secret");
        };
        Ok(Some(ClientOidc::new(ConfigOidc {
            discovery_url: discovery_url.clone(),
            client_id: client_id.clone(),
            client_secret: client_secret.clone(),
            acr_exiges: self.oidc_acr.clone(),
            scopes: self.oidc_scopes.clone(),
        })))
    }
}

pub async fn servir(store: Store, options: Options) -> Result<()> {
    if let Some(email) = &options.admin_email {
        utilisateur::premier_administrateur(&store, email).await?;
    }
    if options.demo {
        let ecrits = demo::charger(&store)
            .await
            .context("chargement des contrats de démonstration")?;
        println!("Contrats de démonstration ajoutés : {}.", ecrits.len());
    }
    let expirees = session::purger(&store).await?;
    tracing::info!(expirees, "sessions expirées supprimées");
    let url_publique = options
        .url_publique
        .clone()
        .unwrap_or_else(|| format!("http://{}", options.listen));
    if !url_publique.starts_with("http://") && !url_publique.starts_with("https://") {
        bail!(
            "--url-publique « {url_publique} » : l'adresse doit commencer par http:// ou https://"
        );
    }
    let stockage = pilote_stockage::depuis_adresse(&options.documents)
        .map_err(|e| anyhow::anyhow!("--documents : {e}"))?;
    println!("Documents : {}", stockage.decrire());
    let state = AppState::new(
        store.clone(),
        options.titre.clone(),
        url_publique.clone(),
        options.oidc()?,
        options.expediteur()?,
        stockage,
    );
    let ecoute = tokio::net::TcpListener::bind(options.listen)
        .await
        .with_context(|| format!("impossible d'écouter sur {}", options.listen))?;
    println!(
        "Pilote répond sur {url_publique}/ (écoute {})",
        options.listen
    );
    axum::serve(
        ecoute,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(arret())
    .await?;
    // The journal's last reads are written before the connections close.
    store.close().await;
    Ok(())
}

/// Resolves when the server is asked to stop: Ctrl-C, or SIGTERM (systemd, containers).
async fn arret() {
    let terminer = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminer => {}
    }
}
