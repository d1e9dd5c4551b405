//! A password changed by its holder, issued again by who manages the account, or chosen by
//! its holder through a one-time link sent to them (a new account's, a reset one). Either way the
//! former one stops opening anything: changing it closes the account's other sessions (whoever
//! knew the former one is signed out), a reset closes them all; and the counter of changes
//! moves, since sessions are kept in memory while it has not.

use pilote_domain::compte::{self, Email};
use pilote_domain::jeton::Jeton;
use sqlx::AnyConnection;

use crate::compte::sans_compte;
use crate::journal;
use crate::ligne::{int, opt_text, parse, text};
use crate::{Auteur, Store, StoreError, horloge};

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

/// Why a link to choose one's password was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motif {
    /// The account was just created.
    Bienvenue,
    /// Its password was reset.
    Reinitialisation,
}

impl Motif {
    fn code(self) -> &'static str {
        match self {
            Motif::Bienvenue => "bienvenue",
            Motif::Reinitialisation => "reinitialisation",
        }
    }
}

/// A live link, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LienOuvert {
    pub email: Email,
    pub motif: Motif,
}

/// Records the one-time link of token `jeton` for account `compte` to choose its password,
/// valid `duree` seconds; the account's earlier links stop working.
pub(crate) async fn emettre_lien(
    conn: &mut AnyConnection,
    auteur: &Auteur,
    compte: i64,
    motif: Motif,
    duree: i64,
    jeton: &Jeton,
) -> Result<(), StoreError> {
    let maintenant = horloge();
    sqlx::query(
        "UPDATE lien_mot_de_passe SET expire_le = $1
         WHERE utilisateur_id = $2 AND utilise_le IS NULL AND expire_le > $1",
    )
    .bind(maintenant)
    .bind(compte)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO lien_mot_de_passe (empreinte, utilisateur_id, motif, emis_par, cree_le,
            expire_le)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(jeton.empreinte())
    .bind(compte)
    .bind(motif.code())
    .bind(auteur.compte)
    .bind(maintenant)
    .bind(maintenant + duree)
    .execute(conn)
    .await?;
    Ok(())
}

/// The live link a token opens: unused, unexpired, its account active; `None` alike otherwise.
pub async fn consulter_lien(store: &Store, jeton: &str) -> Result<Option<LienOuvert>, StoreError> {
    let Some(jeton) = Jeton::lire(jeton) else {
        return Ok(None);
    };
    let Some(r) = sqlx::query(
        "SELECT u.email, l.motif FROM lien_mot_de_passe l
         JOIN utilisateur u ON u.id = l.utilisateur_id
         WHERE l.empreinte = $1 AND l.utilise_le IS NULL AND l.expire_le > $2
           AND u.desactive_le IS NULL",
    )
    .bind(jeton.empreinte())
    .bind(horloge())
    .fetch_optional(store.pool())
    .await?
    else {
        return Ok(None);
    };
    Ok(Some(LienOuvert {
        email: parse(&r, "email")?,
        motif: if text(&r, "motif")? == Motif::Bienvenue.code() {
            Motif::Bienvenue
        } else {
            Motif::Reinitialisation
        },
    }))
}

/// Sets the password chosen through a link, once: the link is used up, the account's sessions
/// are closed and one is opened here (its token returned). `None` for an unknown, expired or
/// used link, or a deactivated account. A password refused by the rule leaves the link as it
/// was. Journaled.
pub async fn choisir_par_lien(
    store: &Store,
    jeton: &str,
    mot_de_passe: &str,
    origine: &str,
) -> Result<Option<Jeton>, StoreError> {
    let Some(jeton) = Jeton::lire(jeton) else {
        return Ok(None);
    };
    // Hashed before the write begins (and refused there if the rule is not met).
    let empreinte = compte::empreinte(mot_de_passe)?;
    let mut tx = store.transaction_ecriture().await?;
    let maintenant = horloge();
    let pris = sqlx::query(
        "UPDATE lien_mot_de_passe SET utilise_le = $1
         WHERE empreinte = $2 AND utilise_le IS NULL AND expire_le > $1
           AND utilisateur_id IN (SELECT id FROM utilisateur WHERE desactive_le IS NULL)",
    )
    .bind(maintenant)
    .bind(jeton.empreinte())
    .execute(&mut *tx)
    .await?;
    if pris.rows_affected() == 0 {
        return Ok(None);
    }
    let r = sqlx::query(
        "SELECT u.id, u.email FROM lien_mot_de_passe l
         JOIN utilisateur u ON u.id = l.utilisateur_id WHERE l.empreinte = $1",
    )
    .bind(jeton.empreinte())
    .fetch_one(&mut *tx)
    .await?;
    let (utilisateur, email): (i64, Email) = (int(&r, "id")?, parse(&r, "email")?);
    sqlx::query(
        "UPDATE utilisateur SET mot_de_passe = $1, mot_de_passe_a_changer = 0 WHERE id = $2",
    )
    .bind(&empreinte)
    .bind(utilisateur)
    .execute(&mut *tx)
    .await?;
    let fermees = fermer_sessions(&mut tx, utilisateur, None).await?;
    let auteur = crate::connexion::auteur_du_compte(&mut tx, utilisateur, origine).await?;
    journal::ecrire(
        &mut tx,
        &auteur,
        "modification",
        &format!("compte {email}"),
        Some(&format!(
            "mot de passe choisi par lien à usage unique ; sessions fermées : {fermees}"
        )),
    )
    .await?;
    let session = crate::session::ouvrir(
        &mut tx,
        store.reglages().duree_session,
        utilisateur,
        None,
        &auteur,
        "par lien de mot de passe",
    )
    .await?;
    crate::avancer_generation(&mut tx).await?;
    tx.commit().await?;
    store.compteur.oublier();
    Ok(Some(session))
}

/// Closes every session of an account but `sauf`; returns how many went. The caller moves
/// the counter of changes (sessions are kept in memory while it has not moved).
pub(crate) async fn fermer_sessions(
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
