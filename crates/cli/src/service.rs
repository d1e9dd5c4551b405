//! `pilote serve`: the web application, with its sign-in (passwords, OpenID Connect), its mail
//! sender and its limits, all from the [`Configuration`].

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use pilote_store::{Store, demo, journal, session};
use pilote_web::courriel::{Console, Dossier, Expediteur, Smtp};
use pilote_web::oidc::{ClientOidc, ConfigOidc};
use pilote_web::{AppState, app};

use crate::configuration::Configuration;
use crate::utilisateur;

pub(crate) fn expediteur(configuration: &Configuration) -> Result<Arc<dyn Expediteur>> {
    let de = &configuration.courriel_expediteur;
    Ok(
        match (&configuration.smtp_url, &configuration.courriels_dossier) {
            (Some(url), _) => Arc::new(Smtp::new(url, de).map_err(anyhow::Error::msg)?),
            (None, Some(dossier)) => {
                Arc::new(Dossier::new(dossier.clone(), de).map_err(anyhow::Error::msg)?)
            }
            (None, None) => Arc::new(Console),
        },
    )
}

fn oidc(configuration: &Configuration) -> Result<Option<ClientOidc>> {
    let Some(discovery_url) = &configuration.oidc_discovery_url else {
        return Ok(None);
    };
    let (Some(client_id), Some(client_secret)) = (
        &configuration.oidc_client_id,
        &configuration.oidc_client_secret,
    ) else {
        bail!("OpenID Connect : indiquez aussi oidc_client_id et oidc_client_secret");
    };
    Ok(Some(ClientOidc::new(ConfigOidc {
        discovery_url: discovery_url.clone(),
        client_id: client_id.clone(),
        client_secret: client_secret.clone(),
        acr_exiges: configuration.oidc_acr.clone(),
        scopes: configuration.oidc_scopes.clone(),
    })))
}

pub async fn servir(store: Store, configuration: &Configuration) -> Result<()> {
    if let Some(email) = &configuration.admin_email {
        utilisateur::premier_administrateur(&store, email).await?;
    }
    if configuration.demo {
        let ecrits = demo::charger(&store)
            .await
            .context("chargement des contrats de démonstration")?;
        println!("Contrats de démonstration ajoutés : {}.", ecrits.len());
    }
    let expirees = session::purger(&store).await?;
    tracing::info!(expirees, "sessions expirées supprimées");
    tokio::spawn(purger_le_journal(
        store.clone(),
        configuration.journal_conservation_mois,
    ));
    let listen = configuration.listen;
    let url_publique = url_publique(configuration)?;
    let stockage = pilote_stockage::depuis_adresse(&configuration.documents)
        .map_err(|e| anyhow::anyhow!("documents : {e}"))?;
    println!("Documents : {}", stockage.decrire());
    let limites = configuration.limites();
    let expediteur = expediteur(configuration)?;
    tokio::spawn(rappeler(
        store.clone(),
        expediteur.clone(),
        url_publique.clone(),
    ));
    let state = AppState::new(
        store.clone(),
        configuration.titre.clone(),
        url_publique.clone(),
        oidc(configuration)?,
        expediteur,
        stockage,
    )
    .avec_limites(limites)
    .avec_editeur(configuration.editeur());
    let ecoute = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("impossible d'écouter sur {listen}"))?;
    println!("Pilote répond sur {url_publique}/ (écoute {listen})");
    pilote_web::serveur::servir(ecoute, app(state), limites, arret()).await?;
    // The journal's last reads are written before the connections close.
    store.close().await;
    Ok(())
}

/// The address the site answers on for its visitors, for the links of the e-mails.
pub(crate) fn url_publique(configuration: &Configuration) -> Result<String> {
    let url = configuration
        .url_publique
        .clone()
        .unwrap_or_else(|| format!("http://{}", configuration.listen));
    if !url.starts_with("http://") && !url.starts_with("https://") {
        bail!("url_publique « {url} » : l'adresse doit commencer par http:// ou https://");
    }
    Ok(url)
}

/// Sends the reminders due, at start and then every hour; when several instances share one
/// PostgreSQL database, the one holding the lock does it.
async fn rappeler(store: Store, expediteur: Arc<dyn Expediteur>, url: String) {
    let mut chaque_heure = tokio::time::interval(Duration::from_secs(3_600));
    loop {
        chaque_heure.tick().await;
        match pilote_web::rappels::tournee(&store, &*expediteur, &url).await {
            Ok(Some(b)) => tracing::info!(
                mis_en_file = b.mis_en_file,
                envoyes = b.envoyes,
                reportes = b.reportes,
                echecs = b.echecs,
                "rappels"
            ),
            Ok(None) => tracing::info!("rappels : une autre instance les envoie"),
            Err(e) => tracing::error!(erreur = %e, "rappels"),
        }
    }
}

/// Deletes the journal's entries past their retention, at start and then every day.
async fn purger_le_journal(store: Store, mois: u32) {
    let mut chaque_jour = tokio::time::interval(Duration::from_secs(86_400));
    loop {
        chaque_jour.tick().await;
        match journal::purger(&store, mois.saturating_mul(30)).await {
            Ok(supprimees) => tracing::info!(supprimees, mois, "journal purgé"),
            Err(e) => tracing::error!(erreur = %e, "purge du journal"),
        }
    }
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
