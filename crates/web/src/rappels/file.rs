//! The queue of e-mails as administrators watch it (`/administration/courriels`): the messages
//! not sent, waiting for their next try with the mail server's last refusal, interrupted (a
//! server stopped while sending: it may have gone), or failed after every try; a failed or
//! interrupted one is sent again on demand. Nothing refused by the mail server is lost silently.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use pilote_domain::administration::lit_le_journal;
use pilote_store::StoreError;
use pilote_store::rappel::{self, Etat, Sortant, TENTATIVES};
use serde::Deserialize;

use crate::AppState;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::{Champs, Parametres};
use crate::noyau::page::{Entete, rediriger};
use crate::noyau::saisie::Fait;
use crate::noyau::visiteur::{Visiteur, administrateur};

pub const CHEMIN: &str = "/administration/courriels";
pub const CHEMIN_RENVOI: &str = "/administration/courriels/renvoi";

/// One message as the page lists it.
pub struct Ligne {
    pub sortant: Sortant,
    /// Its state, in a word, for its badge.
    pub etat: &'static str,
    pub badge: &'static str,
    /// What its state means, in a sentence.
    pub precision: String,
    pub cree: String,
    /// Whether it may be sent again now.
    pub renvoyable: bool,
}

#[derive(Template)]
#[template(path = "rappels/file.html")]
struct Page {
    entete: Entete,
    csrf: String,
    lignes: Vec<Ligne>,
    envoyes_30_jours: i64,
    fait: bool,
}

/// Signed in as an administrator, or refused.
fn autoriser(visiteur: &Visiteur) -> Result<(), AppError> {
    administrateur(visiteur, lit_le_journal, "voit la file des courriels")
}

fn ligne(sortant: Sortant, maintenant: i64) -> Ligne {
    let essai = crate::noyau::en_lettres(sortant.prochain_essai);
    let (etat, badge, precision, renvoyable) = if sortant.interrompu(maintenant) {
        (
            "Interrompu",
            "fr-badge--warning",
            format!(
                "L'envoi a commencé le {essai} sans aboutir : le courriel est peut-être parti. \
                 Vérifiez avant de le renvoyer."
            ),
            true,
        )
    } else {
        match sortant.etat {
            Etat::AEnvoyer if sortant.tentatives == 0 => (
                "À envoyer",
                "fr-badge--info",
                "Part au prochain passage, dans l'heure.".to_owned(),
                false,
            ),
            Etat::AEnvoyer => (
                "Reporté",
                "fr-badge--warning",
                format!(
                    "Nouvel essai le {essai} (essai {} sur {TENTATIVES}).",
                    sortant.tentatives + 1
                ),
                false,
            ),
            Etat::EnCours => (
                "En cours",
                "fr-badge--info",
                "En cours d'envoi.".to_owned(),
                false,
            ),
            Etat::Echec => (
                "Abandonné",
                "fr-badge--error",
                format!(
                    "Refusé {} fois par le serveur de courriel.",
                    sortant.tentatives
                ),
                true,
            ),
            Etat::Envoye => ("Envoyé", "fr-badge--success", String::new(), false),
        }
    };
    Ligne {
        etat,
        badge,
        precision,
        cree: crate::noyau::en_lettres(sortant.cree_le),
        renvoyable,
        sortant,
    }
}

/// `GET /administration/courriels`
pub async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Parametres(q): Parametres<Fait>,
) -> Result<Response, AppError> {
    autoriser(&visiteur)?;
    let file = rappel::file(&state.store, &visiteur.auteur).await?;
    let maintenant = time::OffsetDateTime::now_utc().unix_timestamp();
    let page = Page {
        entete: visiteur.entete(&state),
        csrf: visiteur.csrf.clone(),
        lignes: file
            .en_attente
            .into_iter()
            .map(|s| ligne(s, maintenant))
            .collect(),
        envoyes_30_jours: file.envoyes_30_jours,
        fait: q.fait.as_deref() == Some("renvoi"),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize)]
pub struct FormRenvoi {
    #[serde(default)]
    cle: String,
    #[serde(default)]
    destinataire: String,
}

/// `POST /administration/courriels/renvoi`: a failed or interrupted message queued again.
pub async fn renvoyer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Champs(f): Champs<FormRenvoi>,
) -> Result<Response, AppError> {
    autoriser(&visiteur)?;
    if f.cle.trim().is_empty() || f.destinataire.trim().is_empty() {
        return Err(AppError::BadRequest(
            "Indiquez le courriel à renvoyer : sa clé et son destinataire, comme la liste les \
             donne."
                .to_owned(),
        ));
    }
    match rappel::renvoyer(&state.store, &visiteur.auteur, &f.cle, &f.destinataire).await {
        Ok(()) => Ok(rediriger(&format!("{CHEMIN}?fait=renvoi"), [])),
        Err(StoreError::Conflict(m)) => Err(AppError::Conflict(phrase(&m))),
        Err(e) => Err(e.into()),
    }
}
