//! `/administration/comptes/{compte}`: one account as who manages it sees it (its roles and
//! over what, its last sign-in, its sessions, whether it is active), and what they may do to
//! it: grant a role, withdraw one, reset its password (a one-time link sent to the person, or
//! a provisional password shown once), end its sessions, deactivate or reactivate it. An
//! account the visitor does not see answers as one that does not exist; each form is read
//! only once the account is found visible.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use pilote_domain::autorisation::Role;
use pilote_store::StoreError;
use pilote_store::administration::{self, CompteGere, Secret};
use serde::Deserialize;

use super::{
    CHEMIN, FormulaireRole, autoriser, courriel_du_lien, envoyer, faute_du_store, premier_saisi,
    rendre, role_saisi,
};
use crate::AppState;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::{Champs, Chemin, Parametres};
use crate::noyau::page::{Entete, rediriger};
use crate::noyau::role::RoleAffiche;
use crate::noyau::saisie::{Refus, Saisies, refus, saisies_de, valeur};
use crate::noyau::visiteur::Visiteur;

/// What the page says at its top: a change made, a provisional password to give (shown this
/// once), or a failure (the e-mail that did not leave, a refusal).
pub struct Annonce {
    pub reussite: bool,
    pub texte: String,
    pub mot_de_passe: Option<String>,
    statut: StatusCode,
}

impl Annonce {
    /// A provisional password issued, to give to the person.
    pub fn provisoire(texte: &str, mot_de_passe: String) -> Self {
        Self {
            reussite: true,
            texte: texte.to_owned(),
            mot_de_passe: Some(mot_de_passe),
            statut: StatusCode::OK,
        }
    }

    /// The e-mail that could not leave (the change itself is made).
    pub fn echec(texte: String) -> Self {
        Self {
            reussite: false,
            texte,
            mot_de_passe: None,
            statut: StatusCode::BAD_GATEWAY,
        }
    }

    /// A refusal of the store, with its status.
    fn refus(texte: String, statut: StatusCode) -> Self {
        Self {
            reussite: false,
            texte,
            mot_de_passe: None,
            statut,
        }
    }

    /// The change `?fait=…` names, once redirected here.
    fn fait(code: &str) -> Option<Self> {
        let texte = match code {
            "cree" => {
                "Compte créé : la personne a reçu par courriel le lien pour choisir son mot de passe."
            }
            "role-ajoute" => "Cette adresse avait déjà un compte : le rôle lui est ajouté.",
            "role-attribue" => "Rôle attribué.",
            "role-retire" => "Rôle retiré.",
            "lien-envoye" => {
                "Mot de passe réinitialisé : l'ancien ne fonctionne plus, les sessions sont fermées, et la personne a reçu par courriel un lien pour en choisir un nouveau."
            }
            "sessions" => "Les sessions du compte sont fermées.",
            "desactive" => {
                "Compte désactivé : il ne peut plus se connecter, ses sessions sont fermées. Son historique reste au journal."
            }
            "reactive" => "Compte réactivé.",
            _ => return None,
        };
        Some(Self {
            reussite: true,
            texte: texte.to_owned(),
            mot_de_passe: None,
            statut: StatusCode::OK,
        })
    }
}

#[derive(Template)]
#[template(path = "administration/compte.html")]
struct Page {
    entete: Entete,
    csrf: String,
    compte: CompteGere,
    roles: Vec<(RoleAffiche, Option<String>)>,
    annonce: Option<Annonce>,
    formulaire: FormulaireRole,
    journal: bool,
}

impl Page {
    fn cree_le(&self) -> String {
        pilote_domain::donnees_de_reference::moment_en_lettres(&self.compte.cree_le)
    }

    fn adresse(&self) -> String {
        format!("{CHEMIN}/{}", self.compte.id)
    }

    /// The journal of this person's actions.
    fn lien_journal(&self) -> String {
        format!(
            "{}?personne={}",
            super::journal::CHEMIN,
            crate::noyau::liste::encoder(self.compte.email.as_str())
        )
    }
}

/// Account `id`'s page, with `annonce` and the grant form's `refus`.
async fn afficher_avec(
    state: &AppState,
    visiteur: &Visiteur,
    id: i64,
    annonce: Option<Annonce>,
    refus: Refus,
    statut: StatusCode,
) -> Result<Response, AppError> {
    let compte = administration::lire(&state.store, &visiteur.auteur, id).await?;
    let roles = compte
        .roles
        .iter()
        .map(|r| {
            (
                RoleAffiche::de(&r.tenu),
                r.retirable.then(|| r.tenu.role.to_string()),
            )
        })
        .collect();
    let statut = annonce.as_ref().map_or(statut, |a| a.statut);
    let page = Page {
        entete: visiteur.entete(state),
        csrf: visiteur.csrf.clone(),
        compte,
        roles,
        annonce,
        formulaire: FormulaireRole::pour(visiteur, refus),
        journal: pilote_domain::administration::lit_le_journal(&visiteur.auteur.acteur),
    };
    rendre(page, statut)
}

/// Account `id`'s page with `annonce`.
pub async fn afficher(
    state: &AppState,
    visiteur: &Visiteur,
    id: i64,
    annonce: Annonce,
) -> Result<Response, AppError> {
    afficher_avec(
        state,
        visiteur,
        id,
        Some(annonce),
        Refus::default(),
        StatusCode::OK,
    )
    .await
}

/// The account number in the path; a malformed one names no account.
fn numero(brut: &str) -> Result<i64, AppError> {
    brut.parse()
        .map_err(|_| AppError::NotFound(format!("Aucun compte n°{brut}.")))
}

/// The account the path names, once the visitor is found to manage accounts and to see it.
async fn cible(state: &AppState, visiteur: &Visiteur, brut: &str) -> Result<i64, AppError> {
    autoriser(visiteur)?;
    let id = numero(brut)?;
    administration::lire(&state.store, &visiteur.auteur, id).await?;
    Ok(id)
}

/// Where a change goes back to: the account's page, saying what was done.
fn fait(id: i64, code: &str) -> Response {
    rediriger(&format!("{CHEMIN}/{id}?fait={code}"), [])
}

/// The account's page saying why the store refused a change; a failure of the server stays one.
async fn refuse(
    state: &AppState,
    visiteur: &Visiteur,
    id: i64,
    e: StoreError,
) -> Result<Response, AppError> {
    let ((_, message), statut) = faute_du_store(e)?;
    afficher(state, visiteur, id, Annonce::refus(message, statut)).await
}

#[derive(Deserialize)]
pub struct Requete {
    fait: Option<String>,
}

/// `GET /administration/comptes/{compte}`
pub async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(brut): Chemin<String>,
    Parametres(q): Parametres<Requete>,
) -> Result<Response, AppError> {
    autoriser(&visiteur)?;
    let id = numero(&brut)?;
    let annonce = q.fait.as_deref().and_then(Annonce::fait);
    afficher_avec(
        &state,
        &visiteur,
        id,
        annonce,
        Refus::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /administration/comptes/{compte}/roles`: a role granted.
pub async fn attribuer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(brut): Chemin<String>,
    Champs(paires): Champs<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let id = cible(&state, &visiteur, &brut).await?;
    let saisies: Saisies = saisies_de(paires);
    let ((champ, message), statut) = match role_saisi(&saisies) {
        Err(faute) => (faute, StatusCode::BAD_REQUEST),
        Ok(role) => {
            match administration::attribuer(&state.store, &visiteur.auteur, id, &role).await {
                Ok(()) => return Ok(fait(id, "role-attribue#roles")),
                Err(e) => faute_du_store(e)?,
            }
        }
    };
    let refus = Refus {
        message,
        ..refus("role", champ, saisies)
    };
    afficher_avec(&state, &visiteur, id, None, refus, statut).await
}

#[derive(Deserialize)]
pub struct FormRetrait {
    #[serde(default)]
    role: String,
}

/// `POST /administration/comptes/{compte}/roles/retrait`: a role withdrawn (field `role`, its
/// text form).
pub async fn retirer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(brut): Chemin<String>,
    Champs(f): Champs<FormRetrait>,
) -> Result<Response, AppError> {
    let id = cible(&state, &visiteur, &brut).await?;
    let role = Role::parse(&f.role).map_err(|e| AppError::BadRequest(phrase(&e.to_string())))?;
    match administration::retirer(&state.store, &visiteur.auteur, id, &role).await {
        Ok(()) => Ok(fait(id, "role-retire#roles")),
        Err(e) => refuse(&state, &visiteur, id, e).await,
    }
}

/// `POST /administration/comptes/{compte}/mot-de-passe`: the password reset (field `premier`:
/// `lien`, a one-time link sent to the person; `provisoire`, a password shown once).
pub async fn reinitialiser(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(brut): Chemin<String>,
    Champs(paires): Champs<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let id = cible(&state, &visiteur, &brut).await?;
    let saisies = saisies_de(paires);
    if valeur(&saisies, "premier").is_empty() {
        return Err(AppError::BadRequest(
            "Choisissez comment la personne aura son nouveau mot de passe : un lien par \
             courriel ou un mot de passe provisoire."
                .to_owned(),
        ));
    }
    let premier = premier_saisi(&saisies).map_err(|(_, m)| AppError::BadRequest(m))?;
    let secret = Secret::nouveau(premier);
    let email =
        match administration::reinitialiser(&state.store, &visiteur.auteur, id, &secret).await {
            Ok(email) => email,
            Err(e) => return refuse(&state, &visiteur, id, e).await,
        };
    match secret {
        Secret::Provisoire(mot_de_passe) => {
            let annonce = Annonce::provisoire(
                "Mot de passe réinitialisé : l'ancien ne fonctionne plus et les sessions sont fermées.",
                mot_de_passe,
            );
            afficher(&state, &visiteur, id, annonce).await
        }
        Secret::Lien(jeton) => {
            let lien = format!("{}/mot-de-passe/{}", state.url_publique, jeton.as_str());
            let courriel = courriel_du_lien(&state, &visiteur, &email, &lien, None);
            match envoyer(&state, courriel).await {
                Ok(()) => Ok(fait(id, "lien-envoye")),
                Err(m) => {
                    let texte = format!(
                        "Mot de passe réinitialisé : l'ancien ne fonctionne plus et les \
                         sessions sont fermées. {m}"
                    );
                    afficher(&state, &visiteur, id, Annonce::echec(texte)).await
                }
            }
        }
    }
}

/// `POST /administration/comptes/{compte}/sessions`: every session of the account ended.
pub async fn fermer_les_sessions(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(brut): Chemin<String>,
) -> Result<Response, AppError> {
    let id = cible(&state, &visiteur, &brut).await?;
    match administration::fermer_les_sessions(&state.store, &visiteur.auteur, id).await {
        Ok(_) => Ok(fait(id, "sessions")),
        Err(e) => refuse(&state, &visiteur, id, e).await,
    }
}

#[derive(Deserialize)]
pub struct FormActivation {
    #[serde(default)]
    etat: String,
}

/// `POST /administration/comptes/{compte}/activation`: the account deactivated
/// (`etat=desactive`) or reactivated (`etat=actif`).
pub async fn activer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(brut): Chemin<String>,
    Champs(f): Champs<FormActivation>,
) -> Result<Response, AppError> {
    let id = cible(&state, &visiteur, &brut).await?;
    let (actif, code) = match f.etat.as_str() {
        "actif" => (true, "reactive"),
        "desactive" => (false, "desactive"),
        autre => {
            return Err(AppError::BadRequest(format!(
                "État « {autre} » inconnu : « actif » ou « desactive »."
            )));
        }
    };
    match administration::activer(&state.store, &visiteur.auteur, id, actif).await {
        Ok(()) => Ok(fait(id, code)),
        Err(e) => refuse(&state, &visiteur, id, e).await,
    }
}
