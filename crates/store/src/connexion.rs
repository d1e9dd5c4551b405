//! Signing in: by password, with a temporary lockout after repeated failures, and by OpenID
//! Connect, whose requests under way (`state`, `nonce`) are kept here so that any instance can
//! receive the provider's answer, and used once.

use pilote_domain::compte::Email;
use pilote_domain::jeton::Jeton;
use sqlx::Row;

use crate::compte::{self, identifiant};
use crate::journal::{self, Auteur};
use crate::ligne::{int, opt_int, opt_text, text};
use crate::{Store, StoreError, horloge};

/// By default, failures allowed within [`FENETRE`] before the address is locked for
/// [`BLOCAGE`] (see [`crate::Reglages`]).
pub const ECHECS_PERMIS: i64 = 5;
pub const FENETRE: i64 = 15 * 60;
pub const BLOCAGE: i64 = 15 * 60;
/// How long the provider has to send a sign-in back.
const DUREE_DEMANDE_OIDC: i64 = 10 * 60;

/// What a sign-in attempt gives.
#[derive(Debug)]
pub enum Issue {
    /// Signed in: the session's token, for the cookie.
    Ouverte(Jeton),
    /// Unknown address or wrong password: the two are never told apart.
    Refusee,
    /// Too many failures on this address: no password is checked for this many seconds.
    Bloquee { secondes: i64 },
}

/// Signs in with an address and a password. An unknown address and a known one count failures
/// and lock alike, so that the answers tell nothing about which addresses have accounts.
///
/// An attempt is counted before its password is checked, in one statement that reads the
/// count back: however many attempts arrive at once, at most [`ECHECS_PERMIS`] passwords are
/// checked per address and window; the others are answered as locked. A success clears the
/// count.
pub async fn par_mot_de_passe(
    store: &Store,
    adresse: &str,
    mot_de_passe: &str,
    origine: &str,
) -> Result<Issue, StoreError> {
    let cle = adresse.trim().to_lowercase();
    let maintenant = horloge();
    let tentative = sqlx::query(
        "INSERT INTO tentative_connexion (cle, echecs, depuis, bloque_jusqu_a)
         VALUES ($1, 1, $2, NULL)
         ON CONFLICT (cle) DO UPDATE SET
             echecs = CASE WHEN tentative_connexion.bloque_jusqu_a > $2
                           THEN tentative_connexion.echecs
                           WHEN tentative_connexion.depuis > $3
                           THEN tentative_connexion.echecs + 1 ELSE 1 END,
             depuis = CASE WHEN tentative_connexion.bloque_jusqu_a > $2
                             OR tentative_connexion.depuis > $3
                           THEN tentative_connexion.depuis ELSE $2 END,
             bloque_jusqu_a = CASE WHEN tentative_connexion.bloque_jusqu_a > $2
                                   THEN tentative_connexion.bloque_jusqu_a END
         RETURNING echecs, bloque_jusqu_a",
    )
    .bind(&cle)
    .bind(maintenant)
    .bind(maintenant - store.reglages().fenetre_echecs)
    .fetch_one(store.ecrivain())
    .await?;
    let bloquer = || async {
        sqlx::query("UPDATE tentative_connexion SET bloque_jusqu_a = $1 WHERE cle = $2")
            .bind(maintenant + store.reglages().blocage)
            .bind(&cle)
            .execute(store.ecrivain())
            .await
    };
    // A failed attempt is journaled as who it claimed to be, off the request's path.
    let echec = |action, detail: String| {
        let auteur = Auteur {
            qui: cle.chars().take(254).collect(),
            ..Auteur::public(origine)
        };
        store
            .lectures
            .consigner_action(&auteur, action, "session".to_owned(), Some(detail));
    };
    if let Some(jusqu_a) = opt_int(&tentative, "bloque_jusqu_a")?
        && jusqu_a > maintenant
    {
        echec("connexion bloquée", "par mot de passe".to_owned());
        return Ok(Issue::Bloquee {
            secondes: jusqu_a - maintenant,
        });
    }
    let rang = int(&tentative, "echecs")?;
    if rang > store.reglages().echecs_permis {
        bloquer().await?;
        echec("connexion bloquée", "par mot de passe".to_owned());
        return Ok(Issue::Bloquee {
            secondes: store.reglages().blocage,
        });
    }
    let compte = match Email::parse(&cle) {
        Ok(email) => compte::authentifier(store, &email, mot_de_passe).await?,
        Err(_) => None,
    };
    let Some(compte) = compte else {
        if rang == store.reglages().echecs_permis {
            bloquer().await?;
        }
        echec(
            "échec de connexion",
            format!("par mot de passe, essai n°{rang}"),
        );
        return Ok(Issue::Refusee);
    };
    let mut tx = store.transaction_ecriture().await?;
    sqlx::query("DELETE FROM tentative_connexion WHERE cle = $1")
        .bind(&cle)
        .execute(&mut *tx)
        .await?;
    let auteur = auteur_du_compte(&mut tx, compte, origine).await?;
    let jeton = crate::session::ouvrir(
        &mut tx,
        store.reglages().duree_session,
        compte,
        None,
        &auteur,
        "par mot de passe",
    )
    .await?;
    tx.commit().await?;
    Ok(Issue::Ouverte(jeton))
}

/// The journal's view of an account signing in.
pub(crate) async fn auteur_du_compte(
    conn: &mut sqlx::AnyConnection,
    compte: i64,
    origine: &str,
) -> Result<Auteur, StoreError> {
    let email: String = sqlx::query("SELECT email FROM utilisateur WHERE id = $1")
        .bind(compte)
        .fetch_one(&mut *conn)
        .await?
        .try_get("email")?;
    Ok(Auteur {
        compte: Some(compte),
        qui: email,
        ..Auteur::public(origine)
    })
}

/// Records an OpenID Connect sign-in under way; returns its `state` and `nonce`.
pub async fn demander_oidc(store: &Store) -> Result<(Jeton, Jeton), StoreError> {
    let (state, nonce) = (Jeton::nouveau(), Jeton::nouveau());
    sqlx::query("INSERT INTO demande_oidc (empreinte, nonce, expire_le) VALUES ($1, $2, $3)")
        .bind(state.empreinte())
        .bind(nonce.as_str())
        .bind(horloge() + DUREE_DEMANDE_OIDC)
        .execute(store.ecrivain())
        .await?;
    Ok((state, nonce))
}

/// Takes back the request a `state` names, once: the `nonce` it was sent with, or `None` for
/// an unknown, expired or already used `state` (a forged or replayed answer).
pub async fn reprendre_oidc(store: &Store, state: &str) -> Result<Option<String>, StoreError> {
    let Some(state) = Jeton::lire(state) else {
        return Ok(None);
    };
    sqlx::query("DELETE FROM demande_oidc WHERE empreinte = $1 AND expire_le > $2 RETURNING nonce")
        .bind(state.empreinte())
        .bind(horloge())
        .fetch_optional(store.ecrivain())
        .await?
        .map(|r| text(&r, "nonce"))
        .transpose()
}

/// What an OpenID provider vouches for.
#[derive(Debug, Clone, Copy)]
pub struct IdentiteFournie<'a> {
    pub email: &'a Email,
    pub sujet: &'a str,
    /// First and last name, to name an account that has no name yet.
    pub nom: Option<&'a str>,
    /// The authentication level, for the journal.
    pub acr: Option<&'a str>,
    pub id_token: &'a str,
}

/// Signs in the account an OpenID Connect identity belongs to: the account of that address,
/// bound at its first such sign-in to the provider's subject, which must match afterwards.
/// `None` when no account has this address, it is deactivated, or it is bound to another
/// subject.
pub async fn par_oidc(
    store: &Store,
    identite: IdentiteFournie<'_>,
    origine: &str,
) -> Result<Option<Jeton>, StoreError> {
    let IdentiteFournie {
        email,
        sujet,
        nom,
        acr,
        id_token,
    } = identite;
    let mut tx = store.transaction_ecriture().await?;
    let Some(compte) = identifiant(&mut tx, email).await? else {
        return Ok(None);
    };
    let Some(ligne) =
        sqlx::query("SELECT oidc_sujet FROM utilisateur WHERE id = $1 AND desactive_le IS NULL")
            .bind(compte)
            .fetch_optional(&mut *tx)
            .await?
    else {
        // A deactivated account signs in no more.
        return Ok(None);
    };
    let lie: Option<String> = opt_text(&ligne, "oidc_sujet")?;
    let auteur = auteur_du_compte(&mut tx, compte, origine).await?;
    match lie {
        Some(lie) if lie != sujet => return Ok(None),
        Some(_) => {}
        None => {
            sqlx::query(
                "UPDATE utilisateur SET oidc_sujet = $1, nom = COALESCE(nom, $2) WHERE id = $3",
            )
            .bind(sujet)
            .bind(nom)
            .bind(compte)
            .execute(&mut *tx)
            .await?;
            journal::ecrire(
                &mut tx,
                &auteur,
                "modification",
                &format!("compte {email}"),
                Some("lié à une identité OpenID Connect"),
            )
            .await?;
            // The account's other sessions, kept in memory, carry its name.
            crate::avancer_generation(&mut tx).await?;
        }
    }
    let comment = format!(
        "par OpenID Connect (niveau {})",
        acr.unwrap_or("non précisé")
    );
    let jeton = crate::session::ouvrir(
        &mut tx,
        store.reglages().duree_session,
        compte,
        Some(id_token),
        &auteur,
        &comment,
    )
    .await?;
    tx.commit().await?;
    store.compteur.oublier();
    Ok(Some(jeton))
}
