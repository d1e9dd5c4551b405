//! Sessions, stored in the database so that several instances of the application serve the
//! same people. The browser holds a random token; the database keeps its fingerprint, the
//! account, the CSRF token its forms must send back and, after an OpenID Connect sign-in, the
//! ID token that sign-out hands back to the provider.

use std::sync::Arc;

use pilote_domain::autorisation::{Acteur, Role};
use pilote_domain::compte::Email;
use pilote_domain::jeton::Jeton;
use sqlx::AnyConnection;

use crate::compte;
use crate::journal::{self, Auteur};
use crate::ligne::{flag, int, opt_text, parse, text};
use crate::{Store, StoreError, horloge};

/// How long a session lasts from sign-in by default: a working day.
pub const DUREE: i64 = 12 * 3600;

/// A live session, as each request finds it.
#[derive(Debug, Clone)]
pub struct Session {
    pub compte: i64,
    pub email: Email,
    pub nom: Option<String>,
    pub roles: Vec<Role>,
    pub csrf: String,
    pub id_token: Option<String>,
    /// The account's password was issued, not chosen: it must be changed before anything else.
    pub mot_de_passe_a_changer: bool,
}

impl Session {
    /// The person behind it, for the policy and the journal.
    pub fn auteur(&self, origine: &str) -> Auteur {
        Auteur {
            acteur: Acteur {
                roles: self.roles.clone(),
            },
            compte: Some(self.compte),
            qui: self.email.to_string(),
            origine: origine.to_owned(),
        }
    }
}

/// Opens a session for an account inside the caller's transaction (with the journal entry of
/// the sign-in); returns the token for the cookie.
pub(crate) async fn ouvrir(
    conn: &mut AnyConnection,
    duree: i64,
    compte: i64,
    id_token: Option<&str>,
    auteur: &Auteur,
    comment: &str,
) -> Result<Jeton, StoreError> {
    let jeton = Jeton::nouveau();
    let maintenant = horloge();
    sqlx::query(
        "INSERT INTO session (empreinte, utilisateur_id, csrf, id_token, cree_le, expire_le)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(jeton.empreinte())
    .bind(compte)
    .bind(Jeton::nouveau().as_str())
    .bind(id_token)
    .bind(maintenant)
    .bind(maintenant + duree)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE utilisateur SET derniere_connexion_le = $1 WHERE id = $2")
        .bind(maintenant)
        .bind(compte)
        .execute(&mut *conn)
        .await?;
    journal::ecrire(conn, auteur, "connexion", "session", Some(comment)).await?;
    Ok(jeton)
}

/// The live session a cookie's token opens, if any (an unknown, expired or closed one opens
/// none); the account's roles are read afresh, so a revoked role stops at the next request.
/// Kept in memory while the counter of changes has not moved: closing a session, granting or
/// withdrawing a role, changing a password move it.
pub async fn trouver(store: &Store, jeton: &Jeton) -> Result<Option<Session>, StoreError> {
    let maintenant = horloge();
    let empreinte = jeton.empreinte();
    // The counter before the data: what is kept under it is never older than it.
    let generation = store.generation().await?;
    if let Some(gardee) = store.sessions.lire(&empreinte, generation)
        && gardee.expire_le > maintenant
    {
        return Ok(Some(gardee.session.clone()));
    }
    // One query: the session, its account, and one row per role (none: one row, no role).
    let lignes = sqlx::query(
        "SELECT s.utilisateur_id, s.csrf, s.id_token, s.expire_le, u.email, u.nom,
                u.mot_de_passe_a_changer, a.role, a.niveau, a.code, a.contrat_id, a.fiche
         FROM session s JOIN utilisateur u ON u.id = s.utilisateur_id
         LEFT JOIN attribution_lue a ON a.utilisateur_id = s.utilisateur_id
         WHERE s.empreinte = $1 AND s.expire_le > $2 AND u.desactive_le IS NULL
         ORDER BY a.attribue_le, a.role",
    )
    .bind(&empreinte)
    .bind(maintenant)
    .fetch_all(store.pool())
    .await?;
    let Some(r) = lignes.first() else {
        return Ok(None);
    };
    let roles = lignes
        .iter()
        .filter(|l| opt_text(l, "role").is_ok_and(|role| role.is_some()))
        .map(compte::role)
        .collect::<Result<_, _>>()?;
    let session = Session {
        compte: int(r, "utilisateur_id")?,
        email: parse(r, "email")?,
        nom: opt_text(r, "nom")?,
        roles,
        csrf: text(r, "csrf")?,
        id_token: opt_text(r, "id_token")?,
        mot_de_passe_a_changer: flag(r, "mot_de_passe_a_changer")?,
    };
    let gardee = SessionGardee {
        session: session.clone(),
        expire_le: int(r, "expire_le")?,
    };
    store
        .sessions
        .garder(empreinte, generation, Arc::new(gardee));
    Ok(Some(session))
}

/// A session kept in memory, with its end.
#[derive(Debug)]
pub(crate) struct SessionGardee {
    session: Session,
    expire_le: i64,
}

/// Closes a session (sign-out), with its journal entry; returns its ID token, if any.
pub async fn fermer(
    store: &Store,
    jeton: &Jeton,
    auteur: &Auteur,
) -> Result<Option<String>, StoreError> {
    let mut tx = store.transaction_ecriture().await?;
    let id_token = sqlx::query("DELETE FROM session WHERE empreinte = $1 RETURNING id_token")
        .bind(jeton.empreinte())
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| opt_text(&r, "id_token"))
        .transpose()?
        .flatten();
    journal::ecrire(&mut tx, auteur, "déconnexion", "session", None).await?;
    // Sessions are kept in memory while the counter of changes has not moved.
    crate::avancer_generation(&mut tx).await?;
    tx.commit().await?;
    store.compteur.oublier();
    Ok(id_token)
}

/// Closes every session of the account `auteur` is signed in with, the current one included
/// (« se déconnecter partout »: a browser left signed in elsewhere), with its journal entry;
/// returns how many went.
pub async fn fermer_toutes(store: &Store, auteur: &Auteur) -> Result<u64, StoreError> {
    let Some(compte) = auteur.compte else {
        return Ok(0);
    };
    let mut tx = store.transaction_ecriture().await?;
    let fermees = sqlx::query("DELETE FROM session WHERE utilisateur_id = $1")
        .bind(compte)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let detail = format!("toutes les sessions du compte ({fermees})");
    journal::ecrire(&mut tx, auteur, "déconnexion", "session", Some(&detail)).await?;
    // Sessions are kept in memory while the counter of changes has not moved.
    crate::avancer_generation(&mut tx).await?;
    tx.commit().await?;
    store.compteur.oublier();
    Ok(fermees)
}

/// Deletes expired sessions and sign-in requests; returns how many sessions went.
pub async fn purger(store: &Store) -> Result<u64, StoreError> {
    let maintenant = horloge();
    sqlx::query("DELETE FROM demande_oidc WHERE expire_le <= $1")
        .bind(maintenant)
        .execute(store.ecrivain())
        .await?;
    Ok(sqlx::query("DELETE FROM session WHERE expire_le <= $1")
        .bind(maintenant)
        .execute(store.ecrivain())
        .await?
        .rows_affected())
}
