//! The administration of people and roles in the browser (`/administration/comptes`): the
//! accounts a manager sees, listed and searched, one created ([`comptes`]); one account, its
//! roles granted and withdrawn, its password reset, its sessions ended, deactivated
//! ([`compte`]); and the journal, read and exported by administrators ([`journal`]). Who may do
//! what is the store's to decide (`pilote_store::administration`, on the domain's rule of
//! delegation); the pages offer only what the manager may do.

use askama::Template;
use axum::http::{Method, StatusCode};
use axum::routing::{get, post};
use pilote_domain::IdContrat;
use pilote_domain::administration::gere_des_comptes;
use pilote_domain::autorisation::{Perimetre, Role};
use pilote_domain::compte::Email;
use pilote_store::StoreError;
use pilote_store::administration::PremierMotDePasse;

use crate::AppState;
use crate::noyau::courriel::Courriel;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::saisie::{Faute, Refus, Saisies, valeur};
use crate::noyau::visiteur::{Visiteur, sans_session};

pub mod compte;
pub mod comptes;
pub mod journal;

/// The list's address.
pub const CHEMIN: &str = "/administration/comptes";

/// The routes of the administration of accounts and of the journal, with their policy.
pub(crate) fn routes() -> Routes {
    use Politique::*;
    vec![
        route(Method::GET, CHEMIN, Comptes, get(comptes::page)),
        route(Method::POST, CHEMIN, Comptes, post(comptes::creer)),
        route(
            Method::GET,
            "/administration/comptes/{compte}",
            Comptes,
            get(compte::page),
        ),
        route(
            Method::POST,
            "/administration/comptes/{compte}/roles",
            Comptes,
            post(compte::attribuer),
        ),
        route(
            Method::POST,
            "/administration/comptes/{compte}/roles/retrait",
            Comptes,
            post(compte::retirer),
        ),
        route(
            Method::POST,
            "/administration/comptes/{compte}/mot-de-passe",
            Comptes,
            post(compte::reinitialiser),
        ),
        route(
            Method::POST,
            "/administration/comptes/{compte}/sessions",
            Comptes,
            post(compte::fermer_les_sessions),
        ),
        route(
            Method::POST,
            "/administration/comptes/{compte}/activation",
            Comptes,
            post(compte::activer),
        ),
        route(
            Method::GET,
            journal::CHEMIN,
            Administration,
            get(journal::page),
        ),
        route(
            Method::GET,
            journal::CHEMIN_CSV,
            Administration,
            get(journal::csv),
        ),
    ]
}

/// Signed in with a role that manages accounts, or refused.
fn autoriser(visiteur: &Visiteur) -> Result<(), AppError> {
    if visiteur.session.is_none() {
        return Err(sans_session());
    }
    if gere_des_comptes(&visiteur.auteur.acteur) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Seuls un administrateur, un agent ARS ou un coordinateur gèrent des comptes."
                .to_owned(),
        ))
    }
}

/// The kinds of role a form offers, by code and label.
pub const NATURES: [(&str, &str); 7] = [
    ("pilote", "Pilote d'une fiche-action"),
    ("partenaire", "Partenaire d'un contrat"),
    ("coordinateur", "Coordinateur d'un contrat"),
    ("ars-departement", "Agent ARS d'un département"),
    ("ars-region", "Agent ARS d'une région"),
    ("ars-national", "Agent ARS national"),
    ("administrateur", "Administrateur de la plateforme"),
];

/// The kinds of role `visiteur` may offer at all: an administrator every one, an ARS agent
/// all but the administrator's, a coordinator those of a contract. The store decides on the
/// scope.
fn natures_offertes(visiteur: &Visiteur) -> Vec<(String, String)> {
    let roles = &visiteur.auteur.acteur.roles;
    let admin = roles.contains(&Role::Administrateur);
    let ars = roles.iter().any(|r| matches!(r, Role::AgentArs { .. }));
    NATURES
        .iter()
        .filter(|(code, _)| match *code {
            "administrateur" => admin,
            c if c.starts_with("ars") => admin || ars,
            _ => true,
        })
        .map(|(code, libelle)| ((*code).to_owned(), (*libelle).to_owned()))
        .collect()
}

/// What a form naming a role shows (the creation of an account, a grant): the kinds of role
/// offered, what was typed when it was refused, and else a coordinator's contract.
pub struct FormulaireRole {
    pub natures: Vec<(String, String)>,
    pub refus: Refus,
    /// The contract a coordinator's forms name by default: their first.
    contrat_par_defaut: String,
}

impl FormulaireRole {
    pub fn pour(visiteur: &Visiteur, refus: Refus) -> Self {
        Self {
            natures: natures_offertes(visiteur),
            refus,
            contrat_par_defaut: visiteur
                .auteur
                .acteur
                .roles
                .iter()
                .find_map(|r| match r {
                    Role::Coordinateur { contrat } => Some(contrat.to_string()),
                    _ => None,
                })
                .unwrap_or_default(),
        }
    }

    /// Field `nom` as typed, the coordinator's contract for the scope of a new form.
    pub fn saisie(&self, nom: &str) -> String {
        match self.refus.saisies.get(nom) {
            Some(v) => v.clone(),
            None if nom == "portee" => self.contrat_par_defaut.clone(),
            None => String::new(),
        }
    }

    pub fn erreur(&self, champ: &str) -> Option<&str> {
        self.refus.erreur_de(champ)
    }
}

/// « 4 décembre 2026 à 15 h 40 (UTC) », or « jamais ».
pub fn moment(secondes: &Option<i64>) -> String {
    secondes.map_or_else(|| "jamais".to_owned(), crate::noyau::en_lettres)
}

/// The role a form names (fields `nature`, `portee`, `fiche`), or the field at fault.
pub fn role_saisi(saisies: &Saisies) -> Result<Role, Faute> {
    let portee = valeur(saisies, "portee").trim();
    let fiche = valeur(saisies, "fiche").trim();
    let contrat = || {
        if portee.is_empty() {
            return Err((
                "portee",
                "Indiquez l'identifiant du contrat, par exemple « caen-2019 ».".to_owned(),
            ));
        }
        IdContrat::parse(portee).map_err(|e| {
            (
                "portee",
                format!("Identifiant de contrat « {portee} » invalide : {e}."),
            )
        })
    };
    let code = |quoi: &str, exemple: &str| {
        if portee.is_empty() {
            Err((
                "portee",
                format!("Indiquez le code {quoi}, par exemple « {exemple} »."),
            ))
        } else {
            Ok(portee.to_ascii_uppercase())
        }
    };
    Ok(match valeur(saisies, "nature") {
        "administrateur" => Role::Administrateur,
        "ars-national" => Role::AgentArs {
            perimetre: Perimetre::National,
        },
        "ars-region" => Role::AgentArs {
            perimetre: Perimetre::Region(code("de la région", "28")?),
        },
        "ars-departement" => Role::AgentArs {
            perimetre: Perimetre::Departement(code("du département", "14")?),
        },
        "coordinateur" => Role::Coordinateur {
            contrat: contrat()?,
        },
        "partenaire" => Role::Partenaire {
            contrat: contrat()?,
        },
        "pilote" if fiche.is_empty() => {
            contrat()?;
            return Err((
                "fiche",
                "Indiquez le numéro de la fiche-action que la personne pilotera.".to_owned(),
            ));
        }
        "pilote" => Role::PiloteAction {
            contrat: contrat()?,
            fiche: fiche.to_owned(),
        },
        autre => {
            return Err((
                "nature",
                format!("Rôle « {autre} » inconnu : choisissez-en un dans la liste."),
            ));
        }
    })
}

/// How the form asks the first password to be given (field `premier`).
pub fn premier_saisi(saisies: &Saisies) -> Result<PremierMotDePasse, Faute> {
    match valeur(saisies, "premier") {
        "lien" | "" => Ok(PremierMotDePasse::Lien),
        "provisoire" => Ok(PremierMotDePasse::Provisoire),
        autre => Err((
            "premier",
            format!(
                "Choix « {autre} » inconnu : un lien par courriel ou un mot de passe provisoire."
            ),
        )),
    }
}

/// A store's refusal of a form, said beside the field it concerns (the role's scope for a
/// role refused, the address for an account already there), with its status; a failure of
/// the server is no form's fault.
pub fn faute_du_store(e: StoreError) -> Result<(Faute, StatusCode), AppError> {
    let (statut, message) = match e {
        StoreError::Invalid(m) => (StatusCode::BAD_REQUEST, m),
        StoreError::NotFound(m) => (StatusCode::NOT_FOUND, m),
        StoreError::Refuse(m) => (StatusCode::FORBIDDEN, m),
        StoreError::Conflict(m) => (StatusCode::CONFLICT, m),
        autre => return Err(autre.into()),
    };
    let champ = if message.contains("fiche-action") {
        "fiche"
    } else if message.contains("compte") {
        "email"
    } else {
        "portee"
    };
    Ok(((champ, phrase(&message)), statut))
}

/// The e-mail carrying a link to choose one's password, for `email`.
pub fn courriel_du_lien(
    state: &AppState,
    visiteur: &Visiteur,
    email: &Email,
    lien: &str,
    bienvenue: Option<&Role>,
) -> Courriel {
    let (sujet, debut, duree) = match bienvenue {
        Some(role) => (
            format!("Votre compte sur {}", state.titre),
            format!(
                "{} vous a ouvert un compte sur {}, comme {}.",
                visiteur.auteur.qui,
                state.titre,
                role.libelle()
            ),
            format!("{} jours", state.store.reglages().duree_invitation / 86_400),
        ),
        None => (
            format!("Réinitialisation de votre mot de passe sur {}", state.titre),
            format!(
                "{} a réinitialisé votre mot de passe sur {} : l'ancien ne fonctionne plus.",
                visiteur.auteur.qui, state.titre
            ),
            format!("{} heures", pilote_store::administration::DUREE_LIEN / 3600),
        ),
    };
    Courriel {
        a: email.to_string(),
        sujet,
        corps: format!(
            "Bonjour,\n\n{debut}\n\nPour choisir votre mot de passe, ouvrez ce lien (valable \
             {duree}, une seule fois) :\n{lien}\n\nVotre identifiant est votre adresse : \
             {email}.\n\nSi vous n'attendiez pas ce message, ignorez-le.\n"
        ),
    }
}

/// Sends `courriel`; a failure is said in French, the link stays valid and can be sent again.
pub async fn envoyer(state: &AppState, courriel: Courriel) -> Result<(), String> {
    state.expediteur.envoyer(courriel).await.map_err(|e| {
        tracing::error!(erreur = %e, "envoi d'un lien de mot de passe");
        format!(
            "Le courriel n'a pas pu partir ({e}). Rien n'est perdu : renvoyez un lien depuis la \
             fiche du compte quand le serveur de courriel répondra, ou donnez un mot de passe \
             provisoire."
        )
    })
}

/// Renders `page` with `statut`.
pub fn rendre(
    page: impl Template,
    statut: StatusCode,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    Ok((statut, axum::response::Html(page.render()?)).into_response())
}
