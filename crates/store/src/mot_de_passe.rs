//! A password changed by its holder, or issued again by an administrator. Either way the
//! former one stops opening anything: changing it closes the account's other sessions (whoever
//! knew the former one is signed out), a reset closes them all; and the counter of changes
//! moves, since sessions are kept in memory while it has not.

use pilote_domain::compte::{self, Email};
use pilote_domain::jeton::Jeton;
use sqlx::AnyConnection;

use crate::compte::{identifiant, sans_compte};
use crate::journal;
use crate::ligne::{opt_text, parse};
use crate::{Auteur, Store, StoreError};

/// What changing one's password gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changement {
    /// Changed; the account's other sessions were closed (this many).
    Fait { sessions_fermees: u64 },
    /// The current password given is not the account's: nothing changed.
    ActuelIncorrect,
}

/// Changes the password of the account `auteur` is signed in with, from session `session`:
/// the current one must be given, the new one meets the rule of every password
/// ([`compte::mot_de_passe_admis`]) and differs from it. The account's other sessions are
/// closed (whoever knew the former password is signed out), this one is kept; the password is
/// no longer to be changed. Journaled.
pub async fn changer(
    store: &Store,
    auteur: &Auteur,
    session: &Jeton,
    actuel: &str,
    nouveau: &str,
) -> Result<Changement, StoreError> {
    let utilisateur = auteur.compte.ok_or_else(sans_compte)?;
    compte::mot_de_passe_admis(nouveau)?;
    if nouveau == actuel {
        return Err(StoreError::Invalid(
            "le nouveau mot de passe doit être différent de l'actuel".to_owned(),
        ));
    }
    let r = sqlx::query("SELECT email, mot_de_passe FROM utilisateur WHERE id = $1")
        .bind(utilisateur)
        .fetch_optional(store.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound("ce compte n'existe plus".to_owned()))?;
    let email: Email = parse(&r, "email")?;
    let Some(ancienne) = opt_text(&r, "mot_de_passe")? else {
        return Err(StoreError::Invalid(
            "ce compte se connecte par ProConnect : il n'a pas de mot de passe à changer"
                .to_owned(),
        ));
    };
    // Both hashes are computed before the write begins, so that no writer waits for them.
    if !compte::verifier(actuel, &ancienne)? {
        return Ok(Changement::ActuelIncorrect);
    }
    let empreinte = compte::empreinte(nouveau)?;
    let mut tx = store.transaction_ecriture().await?;
    let change = sqlx::query(
        "UPDATE utilisateur SET mot_de_passe = $1, mot_de_passe_a_changer = 0
         WHERE id = $2 AND mot_de_passe = $3",
    )
    .bind(&empreinte)
    .bind(utilisateur)
    .bind(&ancienne)
    .execute(&mut *tx)
    .await?;
    if change.rows_affected() == 0 {
        // Changed meanwhile: the password given is no longer the account's.
        return Ok(Changement::ActuelIncorrect);
    }
    let fermees = fermer_sessions(&mut tx, utilisateur, Some(session)).await?;
    let detail = format!("mot de passe changé ; autres sessions fermées : {fermees}");
    journal::ecrire(
        &mut tx,
        auteur,
        "modification",
        &format!("compte {email}"),
        Some(&detail),
    )
    .await?;
    crate::avancer_generation(&mut tx).await?;
    tx.commit().await?;
    store.compteur.oublier();
    Ok(Changement::Fait {
        sessions_fermees: fermees,
    })
}

/// Issues a new password for an account (one forgotten, or feared known): random, to be
/// changed at the next sign-in; every session of the account is closed. Returns it. An
/// administration operation (the command line).
pub async fn reinitialiser(store: &Store, email: &Email) -> Result<String, StoreError> {
    let mot_de_passe = compte::mot_de_passe_aleatoire();
    let empreinte = compte::empreinte(&mot_de_passe)?;
    let auteur = Auteur::ligne_de_commande();
    let mut tx = store.ecriture(&auteur).await?;
    let utilisateur = identifiant(&mut tx, email)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("aucun compte « {email} »")))?;
    sqlx::query(
        "UPDATE utilisateur SET mot_de_passe = $1, mot_de_passe_a_changer = 1 WHERE id = $2",
    )
    .bind(&empreinte)
    .bind(utilisateur)
    .execute(&mut *tx)
    .await?;
    let fermees = fermer_sessions(&mut tx, utilisateur, None).await?;
    let detail = format!(
        "mot de passe réinitialisé (provisoire, à changer à la prochaine connexion) ; \
         sessions fermées : {fermees}"
    );
    journal::ecrire(
        &mut tx,
        &auteur,
        "modification",
        &format!("compte {email}"),
        Some(&detail),
    )
    .await?;
    crate::avancer_generation(&mut tx).await?;
    tx.commit().await?;
    store.compteur.oublier();
    Ok(mot_de_passe)
}

/// Closes every session of an account but `sauf`; returns how many went. The caller moves
/// the counter of changes (sessions are kept in memory while it has not moved).
async fn fermer_sessions(
    conn: &mut AnyConnection,
    utilisateur: i64,
    sauf: Option<&Jeton>,
) -> Result<u64, StoreError> {
    Ok(
        sqlx::query("DELETE FROM session WHERE utilisateur_id = $1 AND empreinte <> $2")
            .bind(utilisateur)
            .bind(sauf.map(Jeton::empreinte).unwrap_or_default())
            .execute(conn)
            .await?
            .rows_affected(),
    )
}
