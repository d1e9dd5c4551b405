//! « Mon compte » (`/compte`): who the signed-in person is, the roles they hold and over what,
//! the form to change their password, and signing out of every session at once. The form
//! also stands alone (`/compte/mot-de-passe`), where a provisional password sends its holder
//! before anything else (the rule lives beside the change itself, in `mot_de_passe`).

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use pilote_domain::rappel::Reglage;
use pilote_store::compte::{self, MonCompte};
use pilote_store::journal::Entree;
use pilote_store::rappel::{self, Abonnement, relance_en_mots};
use pilote_store::session;
use serde::Deserialize;

use crate::AppState;
use crate::noyau::erreur::AppError;
use crate::noyau::extraction::{Champs, Parametres};
use crate::noyau::page::{Entete, rediriger, suite_locale};
use crate::noyau::role::RoleAffiche;
use crate::noyau::saisie::Refus;
use crate::noyau::visiteur::{Visiteur, sans_session};

/// The account page's address.
pub const CHEMIN: &str = "/compte";
/// The address of the password form alone.
pub const CHEMIN_MOT_DE_PASSE: &str = "/compte/mot-de-passe";
/// The address of the form of one's reminders.
pub const CHEMIN_RAPPELS: &str = "/compte/rappels";
/// The address of what Pilote holds about the person, to download.
pub const CHEMIN_DONNEES: &str = "/compte/donnees.json";
/// The journal's entries of one's actions the page shows; the download holds them all.
const ACTIVITE: u32 = 10;
/// The journal's entries of one's actions a download holds at most.
const ACTIVITE_TELECHARGEE: u32 = 100_000;

#[derive(Template)]
#[template(path = "compte/compte.html")]
struct PageCompte {
    entete: Entete,
    compte: MonCompte,
    roles: Vec<RoleAffiche>,
    refus: Refus,
    /// Where the password form goes on once done: none here (it comes back to this page).
    suite: Option<String>,
    fait: Option<&'static str>,
    /// The journal's latest entries of their actions, each with its moment in words.
    activite: Vec<(String, Entree)>,
    /// How long the journal is kept, in months.
    conservation_mois: u32,
    /// Their reminders by e-mail.
    rappels: Abonnement,
}

impl PageCompte {
    /// The page of `visiteur`'s account, its password form refused with `refus`.
    async fn nouvelle(
        state: &AppState,
        visiteur: &Visiteur,
        refus: Refus,
        fait: Option<&'static str>,
    ) -> Result<Self, AppError> {
        let compte = compte::lire_le_sien(&state.store, &visiteur.auteur).await?;
        Ok(Self {
            entete: visiteur.entete(state),
            roles: compte.roles.iter().map(RoleAffiche::de).collect(),
            compte,
            refus,
            suite: None,
            fait,
            activite: activite(state, visiteur).await?,
            conservation_mois: state.store.reglages().conservation_journal_mois,
            rappels: rappel::abonnement(&state.store, &visiteur.auteur).await?,
        })
    }

    /// The recall frequencies offered, « as each contract says » first.
    fn relances(&self) -> Vec<(String, String)> {
        std::iter::once((String::new(), "Selon chaque contrat".to_owned()))
            .chain(
                Reglage::RELANCES_PROPOSEES
                    .iter()
                    .map(|j| (j.to_string(), relance_en_mots(*j))),
            )
            .collect()
    }

    fn relance_choisie(&self) -> String {
        self.rappels
            .relance_jours
            .map(|j| j.to_string())
            .unwrap_or_default()
    }
}

/// The latest entries of the journal about `visiteur`'s actions.
async fn activite(
    state: &AppState,
    visiteur: &Visiteur,
) -> Result<Vec<(String, Entree)>, AppError> {
    Ok(
        compte::donnees_personnelles(&state.store, &visiteur.auteur, ACTIVITE)
            .await?
            .journal
            .into_iter()
            .map(|e| (crate::noyau::en_lettres(e.horodatage), e))
            .collect(),
    )
}

#[derive(Template)]
#[template(path = "compte/mot_de_passe.html")]
struct PageMotDePasse {
    entete: Entete,
    /// Sent here by a provisional password: the page says why.
    force: bool,
    /// Whether the account signs in with a password (one bound to ProConnect may have none).
    mot_de_passe: bool,
    refus: Refus,
    suite: Option<String>,
}

/// The page the password form was sent from, shown again with `refus`: the form alone when
/// it came with a `suite` (the change page), the account page otherwise.
pub(crate) async fn afficher(
    state: &AppState,
    visiteur: &Visiteur,
    suite: Option<String>,
    refus: Refus,
    statut: StatusCode,
) -> Result<Response, AppError> {
    let html = match suite {
        Some(suite) => {
            let compte = compte::lire_le_sien(&state.store, &visiteur.auteur).await?;
            PageMotDePasse {
                entete: visiteur.entete(state),
                force: compte.mot_de_passe_a_changer,
                mot_de_passe: compte.mot_de_passe,
                refus,
                suite: Some(suite),
            }
            .render()?
        }
        None => PageCompte::nouvelle(state, visiteur, refus, None)
            .await?
            .render()?,
    };
    Ok((statut, Html(html)).into_response())
}

#[derive(Deserialize)]
pub struct Fait {
    fait: Option<String>,
}

/// `GET /compte`
pub async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Parametres(q): Parametres<Fait>,
) -> Result<Response, AppError> {
    if visiteur.session.is_none() {
        return Err(sans_session());
    }
    let fait = match q.fait.as_deref() {
        Some("mot-de-passe") => {
            Some("Votre mot de passe est changé. Vos autres sessions ont été fermées.")
        }
        Some("mot-de-passe-choisi") => {
            Some("Votre mot de passe est enregistré : vous êtes connecté(e).")
        }
        Some("rappels") => Some("Vos rappels sont réglés."),
        _ => None,
    };
    let page = PageCompte::nouvelle(&state, &visiteur, Refus::default(), fait).await?;
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize)]
pub struct Suite {
    suite: Option<String>,
}

/// `GET /compte/mot-de-passe`: the form alone, then on to `suite`.
pub async fn page_mot_de_passe(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Parametres(q): Parametres<Suite>,
) -> Result<Response, AppError> {
    if visiteur.session.is_none() {
        return Err(sans_session());
    }
    let suite = suite_locale(q.suite.as_deref());
    afficher(
        &state,
        &visiteur,
        Some(suite),
        Refus::default(),
        StatusCode::OK,
    )
    .await
}

/// `GET /compte/donnees.json`: everything Pilote holds about the signed-in person (their
/// account, roles, sessions, and the journal's entries of their actions), to download.
pub async fn donnees(
    State(state): State<AppState>,
    visiteur: Visiteur,
) -> Result<Response, AppError> {
    if visiteur.session.is_none() {
        return Err(sans_session());
    }
    let donnees =
        compte::donnees_personnelles(&state.store, &visiteur.auteur, ACTIVITE_TELECHARGEE).await?;
    Ok((
        [(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"mes-donnees-pilote.json\"",
        )],
        Json(donnees),
    )
        .into_response())
}

/// `POST /compte/sessions`: « Se déconnecter de toutes les sessions », this one included
/// (a browser left signed in elsewhere, a computer lost).
pub async fn fermer_toutes(
    State(state): State<AppState>,
    visiteur: Visiteur,
) -> Result<Response, AppError> {
    if visiteur.session.is_none() {
        return Err(sans_session());
    }
    session::fermer_toutes(&state.store, &visiteur.auteur).await?;
    let cookies = state.cookies;
    Ok(rediriger("/", [cookies.effacer(&cookies.session())]))
}

#[derive(Deserialize)]
pub struct FormRappels {
    #[serde(default)]
    actif: String,
    #[serde(default)]
    relance: String,
}

/// `POST /compte/rappels`: the signed-in person's reminders, on or off, and how often a
/// missed deadline is recalled to them.
pub async fn regler_les_rappels(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Champs(f): Champs<FormRappels>,
) -> Result<Response, AppError> {
    if visiteur.session.is_none() {
        return Err(sans_session());
    }
    let relance_jours = match f.relance.trim() {
        "" => None,
        r => Some(
            r.parse::<u16>()
                .ok()
                .filter(|j| Reglage::RELANCES_PROPOSEES.contains(j))
                .ok_or_else(|| {
                    AppError::BadRequest(format!(
                        "Fréquence de rappel « {r} » inconnue : choisissez-en une dans la liste."
                    ))
                })?,
        ),
    };
    let abonnement = Abonnement {
        actif: f.actif == "oui",
        relance_jours,
    };
    rappel::abonner(&state.store, &visiteur.auteur, &abonnement).await?;
    Ok(rediriger("/compte?fait=rappels#rappels", []))
}
