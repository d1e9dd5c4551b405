//! Accounts and role grants: create, list, grant, revoke, check a password, change it. A grant
//! names only things that exist (a contract, its fiche-action, a région or département of the
//! geography). A password given out rather than chosen (a new account's, a reset one) is
//! *provisoire*: it opens a session that must change it before anything else.

use pilote_domain::autorisation::{Perimetre, Role};
use pilote_domain::compte::{self, Email};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::journal;
use crate::ligne::{flag, int, opt_parse, opt_text, parse, text};
use crate::{Auteur, Store, StoreError, now};

/// An account as listed.
#[derive(Debug, Clone, Serialize)]
pub struct Compte {
    pub email: Email,
    pub nom: Option<String>,
    pub roles: Vec<Role>,
}

impl From<compte::ErreurCompte> for StoreError {
    fn from(e: compte::ErreurCompte) -> Self {
        StoreError::Invalid(e.to_string())
    }
}

/// Creates an account with a password its holder chose and roles, in one transaction;
/// refuses an address already taken, or a role naming something that does not exist. An
/// administration operation (the command line).
pub async fn creer(
    store: &Store,
    email: &Email,
    nom: Option<&str>,
    mot_de_passe: &str,
    roles: &[Role],
) -> Result<(), StoreError> {
    inserer_compte_cli(store, email, nom, mot_de_passe, roles, Creation::Choisi)
        .await
        .map(drop)
}

/// Creates an account as [`creer`] does, with a password issued for it: random, shown once to
/// whoever gives it to the person, and to be changed at the first sign-in. Returns it.
pub async fn creer_avec_mot_de_passe_provisoire(
    store: &Store,
    email: &Email,
    nom: Option<&str>,
    roles: &[Role],
) -> Result<String, StoreError> {
    let mot_de_passe = compte::mot_de_passe_aleatoire();
    inserer_compte_cli(
        store,
        email,
        nom,
        &mot_de_passe,
        roles,
        Creation::Provisoire,
    )
    .await?;
    Ok(mot_de_passe)
}

/// On a database without any account, creates `email` as administrator with a provisional
/// password, and returns it; `None` when accounts exist. Instances starting together on one
/// database create it once.
pub async fn creer_premier_administrateur(
    store: &Store,
    email: &Email,
) -> Result<Option<String>, StoreError> {
    let mot_de_passe = compte::mot_de_passe_aleatoire();
    let cree = inserer_compte_cli(
        store,
        email,
        None,
        &mot_de_passe,
        &[Role::Administrateur],
        Creation::Premier,
    )
    .await?;
    Ok(cree.then_some(mot_de_passe))
}

/// How an account is created.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Creation {
    /// With the password its holder chose.
    Choisi,
    /// With a provisional password, to be changed at the first sign-in.
    Provisoire,
    /// Provisional, and only on a database without any account.
    Premier,
}

async fn inserer_compte_cli(
    store: &Store,
    email: &Email,
    nom: Option<&str>,
    mot_de_passe: &str,
    roles: &[Role],
    creation: Creation,
) -> Result<bool, StoreError> {
    let empreinte = compte::empreinte(mot_de_passe)?;
    let auteur = Auteur::ligne_de_commande();
    let mut tx = store.ecriture(&auteur).await?;
    if creation == Creation::Premier {
        store.verrou_de_demarrage(&mut tx).await?;
        if sqlx::query("SELECT 1 FROM utilisateur")
            .fetch_optional(&mut *tx)
            .await?
            .is_some()
        {
            return Ok(false);
        }
    }
    let nouveau = NouveauCompte {
        email,
        nom,
        empreinte: Some(&empreinte),
        a_changer: creation != Creation::Choisi,
        roles,
    };
    inserer_compte(&mut tx, &auteur, &nouveau).await?;
    tx.commit().await?;
    store.compteur.oublier();
    Ok(true)
}

/// An account to insert.
pub(crate) struct NouveauCompte<'a> {
    pub email: &'a Email,
    pub nom: Option<&'a str>,
    /// The password's hash; `None` while the person has not chosen it (a link was sent).
    pub empreinte: Option<&'a str>,
    /// Whether the password was issued and must be changed at the first sign-in.
    pub a_changer: bool,
    pub roles: &'a [Role],
}

/// Inserts an account with its roles in the caller's transaction, journaled; refuses an
/// address already taken, or a role naming something that does not exist. Returns its id.
pub(crate) async fn inserer_compte(
    conn: &mut AnyConnection,
    auteur: &Auteur,
    nouveau: &NouveauCompte<'_>,
) -> Result<i64, StoreError> {
    let email = nouveau.email;
    if identifiant(conn, email).await?.is_some() {
        return Err(StoreError::Conflict(format!(
            "un compte « {email} » existe déjà"
        )));
    }
    let utilisateur: i64 = sqlx::query_scalar(
        "INSERT INTO utilisateur (email, nom, mot_de_passe, mot_de_passe_a_changer, cree_le)
         VALUES ($1, $2, $3, $4, $5)
         RETURNING id",
    )
    .bind(email.as_str())
    .bind(nouveau.nom)
    .bind(nouveau.empreinte)
    .bind(i64::from(nouveau.a_changer))
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    for role in nouveau.roles {
        inserer_attribution(conn, utilisateur, role).await?;
    }
    let roles: Vec<String> = nouveau.roles.iter().map(ToString::to_string).collect();
    let mut detail = if roles.is_empty() {
        "aucun rôle".to_owned()
    } else {
        format!("rôles : {}", roles.join(", "))
    };
    if nouveau.a_changer {
        detail.push_str(" ; mot de passe provisoire, à changer à la première connexion");
    } else if nouveau.empreinte.is_none() {
        detail.push_str(" ; lien envoyé pour choisir le mot de passe");
    }
    journal::ecrire(
        conn,
        auteur,
        "création",
        &format!("compte {email}"),
        Some(&detail),
    )
    .await?;
    Ok(utilisateur)
}

/// Every account with its roles, by address.
pub async fn lister(store: &Store) -> Result<Vec<Compte>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    let utilisateurs = sqlx::query("SELECT id, email, nom FROM utilisateur ORDER BY email")
        .fetch_all(&mut *conn)
        .await?;
    let mut comptes = Vec::with_capacity(utilisateurs.len());
    for u in &utilisateurs {
        comptes.push(Compte {
            email: parse(u, "email")?,
            nom: opt_text(u, "nom")?,
            roles: roles_de(&mut conn, int(u, "id")?).await?,
        });
    }
    Ok(comptes)
}

/// The roles an address holds (none for an unknown address).
pub async fn roles(store: &Store, email: &Email) -> Result<Vec<Role>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    match identifiant(&mut conn, email).await? {
        Some(id) => roles_de(&mut conn, id).await,
        None => Ok(Vec::new()),
    }
}

/// Inserts one grant after checking that what it names exists, and moves the counter of
/// changes (the sessions kept in memory carry their roles).
pub(crate) async fn inserer_attribution(
    conn: &mut AnyConnection,
    utilisateur: i64,
    role: &Role,
) -> Result<(), StoreError> {
    let fiche = verifier_cible(conn, role).await?;
    let (nature, niveau, code, contrat) = colonnes(role);
    sqlx::query(
        "INSERT INTO attribution (utilisateur_id, role, niveau, code, contrat_id, fiche_id, attribue_le)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(utilisateur)
    .bind(nature)
    .bind(niveau)
    .bind(code)
    .bind(contrat)
    .bind(fiche)
    .bind(now())
    .execute(&mut *conn)
    .await?;
    crate::avancer_generation(conn).await
}

/// Deletes one grant; whether the account held it.
pub(crate) async fn supprimer_attribution(
    conn: &mut AnyConnection,
    utilisateur: i64,
    role: &Role,
) -> Result<bool, StoreError> {
    let (nature, niveau, code, contrat) = colonnes(role);
    let fiche = match role {
        Role::PiloteAction { fiche, .. } => Some(fiche.as_str()),
        _ => None,
    };
    let retire = sqlx::query(
        "DELETE FROM attribution WHERE utilisateur_id = $1 AND role = $2
           AND COALESCE(niveau, '') = $3 AND COALESCE(code, '') = $4
           AND COALESCE(contrat_id, '') = $5
           AND COALESCE(fiche_id, 0) = COALESCE((SELECT id FROM fiche_action
                 WHERE contrat_id = $5 AND numero = $6), 0)",
    )
    .bind(utilisateur)
    .bind(nature)
    .bind(niveau.unwrap_or_default())
    .bind(code.unwrap_or_default())
    .bind(contrat.unwrap_or_default())
    .bind(fiche.unwrap_or_default())
    .execute(conn)
    .await?;
    Ok(retire.rows_affected() > 0)
}

/// Checks a password, returning the account it opens; `None` alike for an unknown address and
/// a wrong password, in the same time (an unknown address is checked against a decoy hash),
/// so that nothing tells them apart.
pub async fn authentifier(
    store: &Store,
    email: &Email,
    mot_de_passe: &str,
) -> Result<Option<i64>, StoreError> {
    // A deactivated account signs in no more, and says so no more than a wrong password.
    let compte = sqlx::query(
        "SELECT id, mot_de_passe FROM utilisateur WHERE email = $1 AND desactive_le IS NULL",
    )
    .bind(email.as_str())
    .fetch_optional(store.pool())
    .await?
    .map(|r| Ok::<_, StoreError>((int(&r, "id")?, opt_text(&r, "mot_de_passe")?)))
    .transpose()?;
    static LEURRE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let leurre = || {
        LEURRE.get_or_init(|| {
            compte::empreinte(&compte::mot_de_passe_aleatoire()).unwrap_or_default()
        })
    };
    match compte {
        Some((id, Some(empreinte))) => {
            Ok(compte::verifier(mot_de_passe, &empreinte)?.then_some(id))
        }
        // Unknown, or an account that signs in through OpenID Connect only.
        _ => {
            compte::verifier(mot_de_passe, leurre())?;
            Ok(None)
        }
    }
}

/// The signed-in person's own account, for their page.
#[derive(Debug, Clone, Serialize)]
pub struct MonCompte {
    pub email: Email,
    pub nom: Option<String>,
    pub roles: Vec<RoleTenu>,
    /// Whether it signs in with a password (an account bound to OpenID Connect may have none).
    pub mot_de_passe: bool,
    /// Whether its password was issued and must be changed before anything else.
    pub mot_de_passe_a_changer: bool,
    /// Its live sessions, this one included.
    pub sessions: i64,
}

/// A role held, with the names of what it names, as people call them.
#[derive(Debug, Clone, Serialize)]
pub struct RoleTenu {
    pub role: Role,
    /// The région's, département's or contract's name (`None` where the role names none, or
    /// the holder may not read it).
    pub portee: Option<String>,
    /// A pilot's fiche-action title.
    pub fiche: Option<String>,
}

/// The account `auteur` is signed in with, read with their roles (row-level security
/// included: the names of what they may not read are left out).
pub async fn lire_le_sien(store: &Store, auteur: &Auteur) -> Result<MonCompte, StoreError> {
    let compte = auteur.compte.ok_or_else(sans_compte)?;
    let mut conn = store.lecture(auteur).await?;
    let r = sqlx::query(
        "SELECT u.email, u.nom,
                CAST(CASE WHEN u.mot_de_passe IS NULL THEN 0 ELSE 1 END AS BIGINT)
                    AS a_un_mot_de_passe,
                u.mot_de_passe_a_changer,
                (SELECT COUNT(*) FROM session s
                 WHERE s.utilisateur_id = u.id AND s.expire_le > $2) AS sessions
         FROM utilisateur u WHERE u.id = $1",
    )
    .bind(compte)
    .bind(crate::horloge())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::NotFound("ce compte n'existe plus".to_owned()))?;
    Ok(MonCompte {
        email: parse(&r, "email")?,
        nom: opt_text(&r, "nom")?,
        mot_de_passe: flag(&r, "a_un_mot_de_passe")?,
        mot_de_passe_a_changer: flag(&r, "mot_de_passe_a_changer")?,
        sessions: int(&r, "sessions")?,
        roles: roles_tenus(&mut conn, compte).await?,
    })
}

pub(crate) async fn roles_tenus(
    conn: &mut AnyConnection,
    utilisateur: i64,
) -> Result<Vec<RoleTenu>, StoreError> {
    sqlx::query(
        "SELECT a.role, a.niveau, a.code, a.contrat_id, a.fiche,
                COALESCE(r.nom, d.nom, c.nom) AS portee, f.titre AS fiche_titre
         FROM attribution_lue a
         LEFT JOIN region r ON a.niveau = 'region' AND r.code = a.code
         LEFT JOIN departement d ON a.niveau = 'departement' AND d.code = a.code
         LEFT JOIN contrat c ON c.id = a.contrat_id
         LEFT JOIN fiche_action f ON f.id = a.fiche_id
         WHERE a.utilisateur_id = $1 ORDER BY a.attribue_le, a.role",
    )
    .bind(utilisateur)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok(RoleTenu {
            role: role(r)?,
            portee: opt_text(r, "portee")?,
            fiche: opt_text(r, "fiche_titre")?,
        })
    })
    .collect()
}

pub(crate) fn sans_compte() -> StoreError {
    StoreError::Refuse("seule une personne connectée a un compte à elle".to_owned())
}

/// The account of an address, if any.
pub(crate) async fn identifiant(
    conn: &mut AnyConnection,
    email: &Email,
) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query("SELECT id FROM utilisateur WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(conn)
        .await?
        .map(|r| r.try_get::<i64, _>("id"))
        .transpose()?)
}

pub(crate) async fn roles_de(
    conn: &mut AnyConnection,
    utilisateur: i64,
) -> Result<Vec<Role>, StoreError> {
    sqlx::query(
        "SELECT role, niveau, code, contrat_id, fiche FROM attribution_lue
         WHERE utilisateur_id = $1 ORDER BY attribue_le, role",
    )
    .bind(utilisateur)
    .fetch_all(conn)
    .await?
    .iter()
    .map(role)
    .collect()
}

/// A role as `attribution_lue` gives it.
pub(crate) fn role(r: &AnyRow) -> Result<Role, StoreError> {
    let corrompu = || {
        StoreError::Corrupt(format!(
            "attribution « {} »",
            text(r, "role").unwrap_or_default()
        ))
    };
    let contrat = || opt_parse(r, "contrat_id")?.ok_or_else(corrompu);
    Ok(match text(r, "role")?.as_str() {
        "administrateur" => Role::Administrateur,
        "ars" => {
            let code = opt_text(r, "code")?;
            let perimetre = match (opt_text(r, "niveau")?.as_deref(), code) {
                (Some("national"), _) => Perimetre::National,
                (Some("region"), Some(c)) => Perimetre::Region(c),
                (Some("departement"), Some(c)) => Perimetre::Departement(c),
                _ => return Err(corrompu()),
            };
            Role::AgentArs { perimetre }
        }
        "coordinateur" => Role::Coordinateur {
            contrat: contrat()?,
        },
        "partenaire" => Role::Partenaire {
            contrat: contrat()?,
        },
        "pilote" => Role::PiloteAction {
            contrat: contrat()?,
            fiche: opt_text(r, "fiche")?.ok_or_else(corrompu)?,
        },
        _ => return Err(corrompu()),
    })
}

type Colonnes<'a> = (
    &'static str,
    Option<&'static str>,
    Option<&'a str>,
    Option<&'a str>,
);

fn colonnes(role: &Role) -> Colonnes<'_> {
    match role {
        Role::Administrateur => ("administrateur", None, None, None),
        Role::AgentArs {
            perimetre: Perimetre::National,
        } => ("ars", Some("national"), None, None),
        Role::AgentArs {
            perimetre: Perimetre::Region(c),
        } => ("ars", Some("region"), Some(c), None),
        Role::AgentArs {
            perimetre: Perimetre::Departement(c),
        } => ("ars", Some("departement"), Some(c), None),
        Role::Coordinateur { contrat } => ("coordinateur", None, None, Some(contrat.as_str())),
        Role::Partenaire { contrat } => ("partenaire", None, None, Some(contrat.as_str())),
        Role::PiloteAction { contrat, .. } => ("pilote", None, None, Some(contrat.as_str())),
    }
}

/// Refuses a role naming a région, département, contract or fiche-action that does not exist;
/// returns the identifier of the fiche-action a pilot's role names.
pub(crate) async fn verifier_cible(
    conn: &mut AnyConnection,
    role: &Role,
) -> Result<Option<i64>, StoreError> {
    let (requete, valeurs, absent): (&str, Vec<&str>, String) = match role {
        Role::Administrateur
        | Role::AgentArs {
            perimetre: Perimetre::National,
        } => return Ok(None),
        Role::AgentArs {
            perimetre: Perimetre::Region(c),
        } => (
            "SELECT CAST(NULL AS BIGINT) AS id FROM region WHERE code = $1",
            vec![c],
            format!("aucune région de code « {c} »"),
        ),
        Role::AgentArs {
            perimetre: Perimetre::Departement(c),
        } => (
            "SELECT CAST(NULL AS BIGINT) AS id FROM departement WHERE code = $1",
            vec![c],
            format!("aucun département de code « {c} »"),
        ),
        Role::Coordinateur { contrat } | Role::Partenaire { contrat } => (
            "SELECT CAST(NULL AS BIGINT) AS id FROM contrat WHERE id = $1",
            vec![contrat.as_str()],
            format!("aucun contrat « {contrat} »"),
        ),
        Role::PiloteAction { contrat, fiche } => (
            "SELECT id FROM fiche_action WHERE contrat_id = $1 AND numero = $2",
            vec![contrat.as_str(), fiche],
            format!("aucune fiche-action n°{fiche} dans le contrat « {contrat} »"),
        ),
    };
    let mut query = sqlx::query(requete);
    for valeur in valeurs {
        query = query.bind(valeur);
    }
    match query.fetch_optional(conn).await? {
        Some(ligne) => crate::ligne::opt_int(&ligne, "id"),
        None => Err(StoreError::Invalid(absent)),
    }
}

/// What Pilote holds about a person (the right of access of the GDPR): their account, their
/// roles, their sessions, and the journal's entries of their actions.
#[derive(Debug, Clone, Serialize)]
pub struct DonneesPersonnelles {
    pub email: Email,
    pub nom: Option<String>,
    /// RFC 3339.
    pub cree_le: String,
    /// Unix seconds.
    pub derniere_connexion: Option<i64>,
    pub roles: Vec<Role>,
    /// Each live session: opened, ends (Unix seconds).
    pub sessions: Vec<(i64, i64)>,
    /// Newest first.
    pub journal: Vec<journal::Entree>,
}

/// Everything Pilote holds about the person `auteur` is signed in as; at most `entrees` entries
/// of the journal, newest first.
pub async fn donnees_personnelles(
    store: &Store,
    auteur: &Auteur,
    entrees: u32,
) -> Result<DonneesPersonnelles, StoreError> {
    let compte = auteur.compte.ok_or_else(sans_compte)?;
    let mut conn = store.pool().acquire().await?;
    let r = sqlx::query(
        "SELECT email, nom, cree_le, derniere_connexion_le FROM utilisateur WHERE id = $1",
    )
    .bind(compte)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::NotFound("ce compte n'existe plus".to_owned()))?;
    let sessions = sqlx::query(
        "SELECT cree_le, expire_le FROM session WHERE utilisateur_id = $1 AND expire_le > $2
         ORDER BY cree_le",
    )
    .bind(compte)
    .bind(crate::horloge())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|s| Ok((int(s, "cree_le")?, int(s, "expire_le")?)))
    .collect::<Result<_, StoreError>>()?;
    let roles = roles_de(&mut conn, compte).await?;
    drop(conn);
    let filtre = journal::Filtre {
        compte: Some(compte),
        ..journal::Filtre::default()
    };
    Ok(DonneesPersonnelles {
        email: parse(&r, "email")?,
        nom: opt_text(&r, "nom")?,
        cree_le: text(&r, "cree_le")?,
        derniere_connexion: crate::ligne::opt_int(&r, "derniere_connexion_le")?,
        roles,
        sessions,
        journal: journal::chercher(store, &filtre, entrees)
            .await?
            .into_iter()
            .map(|(_, e)| e)
            .collect(),
    })
}
