//! Reminders by e-mail: the run that queues what the contracts call for and sends the queue
//! ([`tournee`], every hour by the server and by `pilote rappels`), a contract's settings
//! ([`reglage`]), the unsubscribe link every message carries ([`desinscription`]), and the
//! queue as the administrator watches it ([`file`]). What is due is the domain's rule
//! (`pilote_domain::rappel`); the queue, its keys and its claims are the store's
//! (`pilote_store::rappel`), so that a reason goes once to an address whatever the restarts
//! and the instances.

use axum::http::Method;
use axum::routing::{get, post};
use pilote_store::rappel::{self, Etat, Prevu, Verrou};
use pilote_store::{Store, StoreError};

use crate::noyau::courriel::{Courriel, Expediteur};
use crate::noyau::route::{Politique, Routes, route};

pub mod desinscription;
pub mod file;
pub mod reglage;

/// The routes of the reminders, with their policy.
pub(crate) fn routes() -> Routes {
    use Politique::*;
    vec![
        route(
            Method::GET,
            reglage::CHEMIN,
            ModifierContrat,
            get(reglage::page),
        ),
        route(
            Method::POST,
            reglage::CHEMIN,
            ModifierContrat,
            post(reglage::regler),
        ),
        route(
            Method::GET,
            desinscription::CHEMIN,
            Desinscription,
            get(desinscription::page),
        ),
        route(
            Method::POST,
            desinscription::CHEMIN,
            Desinscription,
            post(desinscription::desinscrire),
        ),
        route(Method::GET, file::CHEMIN, Administration, get(file::page)),
        route(
            Method::POST,
            file::CHEMIN_RENVOI,
            Administration,
            post(file::renvoyer),
        ),
    ]
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bilan {
    /// Messages queued by this run.
    pub mis_en_file: u64,
    pub envoyes: u64,
    /// Refused by the mail server, to be tried again later.
    pub reportes: u64,
    /// Refused for the last time: left failed for the administrator.
    pub echecs: u64,
}

/// What a run would queue today, the links starting with `url`: nothing is written.
pub async fn a_blanc(store: &Store, url: &str) -> Result<Vec<Prevu>, StoreError> {
    rappel::prevoir(store, crate::noyau::aujourdhui(), url).await
}

/// Queues the reminders due today and sends the queue through `expediteur`, the links
/// starting with `url`. `None` when another instance holds the lock (it does the work).
pub async fn tournee(
    store: &Store,
    expediteur: &dyn Expediteur,
    url: &str,
) -> Result<Option<Bilan>, StoreError> {
    let Some(verrou) = Verrou::prendre(store).await? else {
        return Ok(None);
    };
    let bilan = async {
        let prevus = a_blanc(store, url).await?;
        let mis_en_file = rappel::mettre_en_file(store, &prevus).await?;
        Ok::<_, StoreError>(Bilan {
            mis_en_file,
            ..envoyer_la_file(store, expediteur).await?
        })
    }
    .await;
    verrou.rendre().await?;
    bilan.map(Some)
}

/// Sends the messages due, lot after lot. A lot the mail server refused whole ends the run:
/// the server is likely down, the rest waits for the next run.
async fn envoyer_la_file(store: &Store, expediteur: &dyn Expediteur) -> Result<Bilan, StoreError> {
    let mut bilan = Bilan::default();
    loop {
        let lot = rappel::a_envoyer(store).await?;
        if lot.is_empty() {
            return Ok(bilan);
        }
        let mut partis = 0;
        for sortant in &lot {
            let courriel = Courriel {
                a: sortant.destinataire.clone(),
                sujet: sortant.sujet.clone(),
                corps: sortant.corps.clone(),
            };
            match expediteur.envoyer(courriel).await {
                Ok(()) => {
                    rappel::envoye(store, sortant).await?;
                    partis += 1;
                }
                Err(erreur) => {
                    tracing::warn!(cle = %sortant.cle, erreur = %erreur, "rappel non envoyé");
                    match rappel::echoue(store, sortant, &erreur).await? {
                        Etat::Echec => bilan.echecs += 1,
                        _ => bilan.reportes += 1,
                    }
                }
            }
        }
        bilan.envoyes += partis;
        if partis == 0 {
            return Ok(bilan);
        }
    }
}
