//! Invitations: a person invited by e-mail to a role on a contract. The link carries a random
//! token whose fingerprint is stored; it opens once, before it expires.

use pilote_domain::IdContrat;
use pilote_domain::autorisation::{Operation, Role};
use pilote_domain::compte::{self as regles, Email};
use pilote_domain::jeton::Jeton;

use crate::compte::{identifiant, inserer_attribution, roles_de};
use crate::contrat::autoriser;
use crate::journal::{self, Auteur};
use crate::ligne::parse;
use crate::{Store, StoreError, horloge, now};

/// How long an invitation link stays valid by default.
pub const DUREE: i64 = 7 * 86_400;

/// A live invitation, as its link shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub email: Email,
    pub role: Role,
    pub contrat: IdContrat,
    /// Whether the address already has an account (which must then be signed in to accept).
    pub compte_existant: bool,
}

/// How the invited person takes the invitation up.
#[derive(Debug)]
pub enum Acceptation<'a> {
    /// No account yet: one is created with this name and password.
    NouveauCompte {
        nom: Option<&'a str>,
        mot_de_passe: &'a str,
    },
    /// Signed in already, as this account (it must be the invited address).
    Connecte { compte: i64, email: &'a Email },
}

/// The contract a role is held on, for the roles one may be invited to.
fn contrat_du_role(role: &Role) -> Option<&IdContrat> {
    match role {
        Role::Coordinateur { contrat }
        | Role::Partenaire { contrat }
        | Role::PiloteAction { contrat, .. } => Some(contrat),
        Role::Administrateur | Role::AgentArs { .. } => None,
    }
}

/// Invites `email` to `role` on the role's contract, which `auteur` must be allowed to change;
/// returns the token for the link. Refuses a role on no contract and one naming a fiche-action
/// that does not exist.
pub async fn inviter(
    store: &Store,
    auteur: &Auteur,
    email: &Email,
    role: &Role,
) -> Result<Jeton, StoreError> {
    let contrat = contrat_du_role(role).ok_or_else(|| {
        StoreError::Invalid(format!(
            "le rôle {role} ne s'attribue pas par invitation : seulement coordinateur, \
             partenaire ou pilote d'une fiche-action d'un contrat"
        ))
    })?;
    let mut tx = store.ecriture(auteur).await?;
    autoriser(&mut tx, auteur, contrat, &Operation::Modifier).await?;
    let fiche = crate::compte::verifier_cible(&mut tx, role).await?;
    let jeton = Jeton::nouveau();
    let maintenant = horloge();
    sqlx::query(
        "INSERT INTO invitation (empreinte, email, role, contrat_id, fiche_id, invite_par, cree_le,
            expire_le)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(jeton.empreinte())
    .bind(email.as_str())
    .bind(role.to_string())
    .bind(contrat.as_str())
    .bind(fiche)
    .bind(auteur.compte)
    .bind(maintenant)
    .bind(maintenant + store.reglages().duree_invitation)
    .execute(&mut *tx)
    .await?;
    journal::ecrire(
        &mut tx,
        auteur,
        "invitation",
        &format!("contrat {contrat}"),
        Some(&format!("{email} invité comme {role}")),
    )
    .await?;
    tx.commit().await?;
    Ok(jeton)
}

/// The live invitation a link's token opens; `None` alike for an unknown, expired or used one.
pub async fn consulter(store: &Store, jeton: &str) -> Result<Option<Invitation>, StoreError> {
    let Some(jeton) = Jeton::lire(jeton) else {
        return Ok(None);
    };
    let mut conn = store.pool().acquire().await?;
    let Some(r) = sqlx::query(
        "SELECT email, role, contrat_id FROM invitation_lue
         WHERE empreinte = $1 AND acceptee_le IS NULL AND expire_le > $2",
    )
    .bind(jeton.empreinte())
    .bind(horloge())
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let email: Email = parse(&r, "email")?;
    Ok(Some(Invitation {
        compte_existant: identifiant(&mut conn, &email).await?.is_some(),
        role: Role::parse(&crate::ligne::text(&r, "role")?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        contrat: parse(&r, "contrat_id")?,
        email,
    }))
}

/// Takes an invitation up, once, in one transaction: the account (created if need be) gets the
/// role and the person is signed in; returns the session's token. `None` for an unknown,
/// expired or used invitation. Nothing is kept of a refused attempt (an address that has an
/// account but is not the one signed in, a password too short…): the link still works.
pub async fn accepter(
    store: &Store,
    jeton: &str,
    acceptation: Acceptation<'_>,
    origine: &str,
) -> Result<Option<Jeton>, StoreError> {
    let Some(jeton) = Jeton::lire(jeton) else {
        return Ok(None);
    };
    let mut tx = store.transaction_ecriture().await?;
    let pris = sqlx::query(
        "UPDATE invitation SET acceptee_le = $1
         WHERE empreinte = $2 AND acceptee_le IS NULL AND expire_le > $1",
    )
    .bind(horloge())
    .bind(jeton.empreinte())
    .execute(&mut *tx)
    .await?;
    if pris.rows_affected() == 0 {
        return Ok(None);
    }
    let r = sqlx::query("SELECT email, role FROM invitation_lue WHERE empreinte = $1")
        .bind(jeton.empreinte())
        .fetch_one(&mut *tx)
        .await?;
    let email: Email = parse(&r, "email")?;
    let role = Role::parse(&crate::ligne::text(&r, "role")?)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    // What the grant names is checked with the rights it gives.
    store
        .porter_roles(&mut tx, std::slice::from_ref(&role))
        .await?;
    let existant = identifiant(&mut tx, &email).await?;
    let compte = match (acceptation, existant) {
        (
            Acceptation::Connecte {
                compte,
                email: connecte,
            },
            Some(existant),
        ) if connecte == &email && compte == existant => compte,
        (Acceptation::Connecte { .. }, _) => {
            return Err(StoreError::Refuse(format!(
                "cette invitation est adressée à {email} : connectez-vous avec ce compte"
            )));
        }
        (Acceptation::NouveauCompte { .. }, Some(_)) => {
            return Err(StoreError::Conflict(format!(
                "un compte existe déjà pour {email} : connectez-vous, puis rouvrez le lien"
            )));
        }
        (Acceptation::NouveauCompte { nom, mot_de_passe }, None) => {
            sqlx::query_scalar(
                "INSERT INTO utilisateur (email, nom, mot_de_passe, cree_le)
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(email.as_str())
            .bind(nom.filter(|n| !n.trim().is_empty()))
            .bind(regles::empreinte(mot_de_passe)?)
            .bind(now())
            .fetch_one(&mut *tx)
            .await?
        }
    };
    if !roles_de(&mut tx, compte).await?.contains(&role) {
        inserer_attribution(&mut tx, compte, &role).await?;
    }
    let auteur = Auteur {
        compte: Some(compte),
        qui: email.to_string(),
        ..Auteur::public(origine)
    };
    journal::ecrire(
        &mut tx,
        &auteur,
        "invitation acceptée",
        &format!("compte {email}"),
        Some(&format!("rôle {role}")),
    )
    .await?;
    let session = crate::session::ouvrir(
        &mut tx,
        store.reglages().duree_session,
        compte,
        None,
        &auteur,
        "par invitation",
    )
    .await?;
    tx.commit().await?;
    store.compteur.oublier();
    Ok(Some(session))
}
