//! Accounts administered by those who manage them (the browser's administration pages and the
//! command line alike): listed and searched, created, roles granted and withdrawn, deactivated
//! and reactivated, their sessions ended, their password reset. Every operation asks the rule
//! of delegation ([`pilote_domain::administration`]) with the scope of the roles concerned, in
//! the transaction that writes, and journals what it did. The command line acts as an
//! administrator ([`Auteur::ligne_de_commande`]): the same functions, the same checks, the same
//! journal.

use std::collections::{BTreeSet, HashMap};

use pilote_domain::IdContrat;
use pilote_domain::administration::{PorteeDuRole, gere_le_compte, peut_attribuer, voit_le_compte};
use pilote_domain::autorisation::{Operation, Perimetre, PorteeContrat, Role, peut};
use pilote_domain::compte::{self as regles, Email};
use pilote_domain::jeton::Jeton;
use serde::Serialize;
use sqlx::AnyConnection;

use crate::compte::{RoleTenu, identifiant, inserer_attribution, role, roles_de};
use crate::ligne::{flag, int, opt_int, opt_text, parse, text};
use crate::mot_de_passe::{Motif, emettre_lien, fermer_sessions};
use crate::{Auteur, Store, StoreError, horloge, journal};

/// An account as the list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CompteListe {
    pub id: i64,
    pub email: Email,
    pub nom: Option<String>,
    pub roles: Vec<Role>,
    /// Unix seconds.
    pub derniere_connexion: Option<i64>,
    pub actif: bool,
}

/// What the list of accounts is narrowed to, and which page of it is shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recherche {
    /// Words looked for in the address and the name, case aside.
    pub texte: Option<String>,
    /// From 1.
    pub page: usize,
    pub par_page: usize,
}

/// One page of the accounts the manager sees.
#[derive(Debug, Clone, Serialize)]
pub struct PageDeComptes {
    pub comptes: Vec<CompteListe>,
    /// How many accounts match, on every page.
    pub total: usize,
}

/// One account, as who manages it sees it.
#[derive(Debug, Clone, Serialize)]
pub struct CompteGere {
    pub id: i64,
    pub email: Email,
    pub nom: Option<String>,
    /// RFC 3339.
    pub cree_le: String,
    pub derniere_connexion: Option<i64>,
    /// Unix seconds; `None` for an active account.
    pub desactive_le: Option<i64>,
    /// Whether it signs in with a password (none while a link waits to be used, or for an
    /// account bound to ProConnect only).
    pub mot_de_passe: bool,
    /// Its live sessions.
    pub sessions: i64,
    pub roles: Vec<RoleGere>,
    /// Whether the manager acts on the account as a whole (deactivates it, resets its
    /// password, ends its sessions).
    pub gere: bool,
    /// Whether it is the manager's own account (which they do not deactivate here).
    pub soi_meme: bool,
}

/// A role held, and whether the manager may withdraw it.
#[derive(Debug, Clone, Serialize)]
pub struct RoleGere {
    pub tenu: RoleTenu,
    pub retirable: bool,
}

/// What creating an account in the browser did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Creation {
    /// A new account, which gets the secret given.
    Cree { id: i64 },
    /// The address had an account already: the role is added to it, the secret is not used.
    RoleAjoute { id: i64 },
}

/// What gives an account its next password: a provisional one, shown once to the manager and
/// changed at the first sign-in, or the token of a one-time link to choose it. Made before the
/// write (the password hashed, the token drawn), so that no writer waits for them.
#[derive(Debug)]
pub enum Secret {
    Provisoire(String),
    Lien(Jeton),
}

impl Secret {
    /// A fresh secret of the kind asked for.
    pub fn nouveau(premier: PremierMotDePasse) -> Self {
        match premier {
            PremierMotDePasse::Provisoire => Secret::Provisoire(regles::mot_de_passe_aleatoire()),
            PremierMotDePasse::Lien => Secret::Lien(Jeton::nouveau()),
        }
    }

    /// The provisional password's hash; `None` for a link.
    fn empreinte(&self) -> Result<Option<String>, StoreError> {
        match self {
            Secret::Provisoire(mot_de_passe) => Ok(Some(regles::empreinte(mot_de_passe)?)),
            Secret::Lien(_) => Ok(None),
        }
    }

    /// Records the link in the caller's transaction, if it is one.
    async fn emettre(
        &self,
        conn: &mut AnyConnection,
        auteur: &Auteur,
        compte: i64,
        motif: Motif,
        duree: i64,
    ) -> Result<(), StoreError> {
        match self {
            Secret::Lien(jeton) => emettre_lien(conn, auteur, compte, motif, duree, jeton).await,
            Secret::Provisoire(_) => Ok(()),
        }
    }
}

/// How an account is to get its first password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PremierMotDePasse {
    /// Issued, shown once to the manager, to be changed at the first sign-in.
    Provisoire,
    /// Chosen by the person through a link sent to them.
    Lien,
}

/// The scopes the rule of delegation needs: every contract's the manager may read (read under
/// their rights: one they may not read is one they grant nothing on), every département's
/// région. Read once per request (some thousands of rows at national scale).
struct Portees {
    contrats: HashMap<String, PorteeContrat>,
    regions: HashMap<String, String>,
}

impl Portees {
    async fn lire(conn: &mut AnyConnection) -> Result<Self, StoreError> {
        let mut contrats: HashMap<String, PorteeContrat> = HashMap::new();
        for r in sqlx::query(
            "SELECT c.id, c.publie, p.departement, p.region
             FROM contrat c LEFT JOIN contrat_portee p ON p.contrat_id = c.id",
        )
        .fetch_all(&mut *conn)
        .await?
        {
            let id: IdContrat = parse(&r, "id")?;
            let portee = contrats
                .entry(id.as_str().to_owned())
                .or_insert_with(|| PorteeContrat {
                    id,
                    publie: false,
                    departements: BTreeSet::new(),
                    regions: BTreeSet::new(),
                });
            portee.publie = flag(&r, "publie")?;
            if let (Some(d), Some(reg)) = (opt_text(&r, "departement")?, opt_text(&r, "region")?) {
                portee.departements.insert(d);
                portee.regions.insert(reg);
            }
        }
        let regions = sqlx::query("SELECT code, region FROM departement")
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| Ok((text(r, "code")?, text(r, "region")?)))
            .collect::<Result<_, StoreError>>()?;
        Ok(Self { contrats, regions })
    }

    /// The scope of `role`; a contract missing from the map (removed meanwhile) covers nothing.
    fn de(&self, role: &Role) -> PorteeDuRole {
        match role {
            Role::Administrateur => PorteeDuRole::Plateforme,
            Role::AgentArs { perimetre } => PorteeDuRole::Ars {
                region_du_departement: match perimetre {
                    Perimetre::Departement(d) => self.regions.get(d).cloned(),
                    _ => None,
                },
                perimetre: perimetre.clone(),
            },
            Role::Coordinateur { contrat }
            | Role::Partenaire { contrat }
            | Role::PiloteAction { contrat, .. } => {
                PorteeDuRole::Contrat(self.contrats.get(contrat.as_str()).cloned().unwrap_or_else(
                    || PorteeContrat {
                        id: contrat.clone(),
                        publie: false,
                        departements: BTreeSet::new(),
                        regions: BTreeSet::new(),
                    },
                ))
            }
        }
    }

    fn de_tous(&self, roles: &[Role]) -> Vec<PorteeDuRole> {
        roles.iter().map(|r| self.de(r)).collect()
    }
}

/// The account of an address, or « aucun compte » (for the command line, which names accounts
/// by address).
pub async fn compte_de(store: &Store, email: &Email) -> Result<i64, StoreError> {
    let mut conn = store.pool().acquire().await?;
    identifiant(&mut conn, email)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("aucun compte « {email} »")))
}

/// The accounts `auteur` sees ([`voit_le_compte`]) matching `recherche`, by address, one page.
pub async fn lister(
    store: &Store,
    auteur: &Auteur,
    recherche: &Recherche,
) -> Result<PageDeComptes, StoreError> {
    // Under the manager's rights: a contract they may not read is one they grant nothing on.
    let mut conn = store.lecture(auteur).await?;
    let portees = Portees::lire(&mut conn).await?;
    let motif = recherche
        .texte
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(journal::motif_like);
    let lignes = sqlx::query(
        "SELECT u.id, u.email, u.nom, u.derniere_connexion_le, u.desactive_le,
                a.role, a.niveau, a.code, a.contrat_id, a.fiche
         FROM utilisateur u LEFT JOIN attribution_lue a ON a.utilisateur_id = u.id
         WHERE $1 = '' OR LOWER(u.email) LIKE $1 ESCAPE '\\'
            OR LOWER(COALESCE(u.nom, '')) LIKE $1 ESCAPE '\\'
         ORDER BY u.email, a.attribue_le, a.role",
    )
    .bind(motif.unwrap_or_default())
    .fetch_all(&mut *conn)
    .await?;
    let mut comptes: Vec<CompteListe> = Vec::new();
    for r in &lignes {
        let id = int(r, "id")?;
        if comptes.last().is_none_or(|c| c.id != id) {
            comptes.push(CompteListe {
                id,
                email: parse(r, "email")?,
                nom: opt_text(r, "nom")?,
                roles: Vec::new(),
                derniere_connexion: opt_int(r, "derniere_connexion_le")?,
                actif: opt_int(r, "desactive_le")?.is_none(),
            });
        }
        if opt_text(r, "role")?.is_some()
            && let Some(compte) = comptes.last_mut()
        {
            compte.roles.push(role(r)?);
        }
    }
    comptes.retain(|c| voit_le_compte(&auteur.acteur, &portees.de_tous(&c.roles)));
    let total = comptes.len();
    let par_page = recherche.par_page.max(1);
    let debut = recherche.page.saturating_sub(1) * par_page;
    Ok(PageDeComptes {
        comptes: comptes.into_iter().skip(debut).take(par_page).collect(),
        total,
    })
}

/// Account `id` for who sees it; « aucun compte » alike for one that does not exist and one
/// they do not see.
pub async fn lire(store: &Store, auteur: &Auteur, id: i64) -> Result<CompteGere, StoreError> {
    let mut conn = store.lecture(auteur).await?;
    let portees = Portees::lire(&mut conn).await?;
    let (email, roles) = visible(&mut conn, &portees, auteur, id).await?;
    let r = sqlx::query(
        "SELECT u.nom, u.cree_le, u.derniere_connexion_le, u.desactive_le,
                CAST(CASE WHEN u.mot_de_passe IS NULL THEN 0 ELSE 1 END AS BIGINT)
                    AS a_un_mot_de_passe,
                (SELECT COUNT(*) FROM session s
                 WHERE s.utilisateur_id = u.id AND s.expire_le > $2) AS sessions
         FROM utilisateur u WHERE u.id = $1",
    )
    .bind(id)
    .bind(horloge())
    .fetch_one(&mut *conn)
    .await?;
    let tenus = crate::compte::roles_tenus(&mut conn, id).await?;
    Ok(CompteGere {
        id,
        email,
        nom: opt_text(&r, "nom")?,
        cree_le: text(&r, "cree_le")?,
        derniere_connexion: opt_int(&r, "derniere_connexion_le")?,
        desactive_le: opt_int(&r, "desactive_le")?,
        mot_de_passe: flag(&r, "a_un_mot_de_passe")?,
        sessions: int(&r, "sessions")?,
        gere: gere_le_compte(&auteur.acteur, &portees.de_tous(&roles)),
        soi_meme: auteur.compte == Some(id),
        roles: tenus
            .into_iter()
            .map(|tenu| RoleGere {
                retirable: peut_attribuer(&auteur.acteur, &portees.de(&tenu.role)),
                tenu,
            })
            .collect(),
    })
}

/// The address and roles of account `id`, if `auteur` sees it.
async fn visible(
    conn: &mut AnyConnection,
    portees: &Portees,
    auteur: &Auteur,
    id: i64,
) -> Result<(Email, Vec<Role>), StoreError> {
    let absent = || StoreError::NotFound(format!("aucun compte n°{id}"));
    let email: Email = parse(
        &sqlx::query("SELECT email FROM utilisateur WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(absent)?,
        "email",
    )?;
    let roles = roles_de(conn, id).await?;
    if voit_le_compte(&auteur.acteur, &portees.de_tous(&roles)) {
        Ok((email, roles))
    } else {
        Err(absent())
    }
}

/// Account `id`'s address, once `auteur` is found to act on it as a whole.
async fn gere(
    conn: &mut AnyConnection,
    auteur: &Auteur,
    id: i64,
    quoi: &str,
) -> Result<Email, StoreError> {
    let portees = Portees::lire(conn).await?;
    let (email, roles) = visible(conn, &portees, auteur, id).await?;
    if gere_le_compte(&auteur.acteur, &portees.de_tous(&roles)) {
        Ok(email)
    } else {
        Err(StoreError::Refuse(format!(
            "vous ne pouvez pas {quoi} de {email} : ce compte tient des rôles que vous ne \
             détenez pas"
        )))
    }
}

/// Refuses a role `auteur` may not grant, or naming something that does not exist; a role on
/// a contract they may not read is refused as if the contract did not exist.
async fn verifier_delegation(
    conn: &mut AnyConnection,
    auteur: &Auteur,
    role: &Role,
) -> Result<(), StoreError> {
    let portees = Portees::lire(conn).await?;
    let portee = portees.de(role);
    if let PorteeDuRole::Contrat(contrat) = &portee
        && (!portees.contrats.contains_key(contrat.id.as_str())
            || !peut(&auteur.acteur, &Operation::LirePublie, contrat))
    {
        return Err(StoreError::NotFound(format!(
            "aucun contrat « {} »",
            contrat.id
        )));
    }
    crate::compte::verifier_cible(conn, role).await?;
    if peut_attribuer(&auteur.acteur, &portee) {
        Ok(())
    } else {
        Err(StoreError::Refuse(format!(
            "vous ne pouvez pas attribuer ni retirer le rôle {} : nul n'attribue plus que ce \
             qu'il détient",
            role.libelle()
        )))
    }
}

/// Grants `role` to account `id`; refuses a role `auteur` may not grant, one naming something
/// that does not exist, and one already held. Journaled.
pub async fn attribuer(
    store: &Store,
    auteur: &Auteur,
    id: i64,
    role: &Role,
) -> Result<(), StoreError> {
    let mut tx = store.ecriture(auteur).await?;
    let email = email_de(&mut tx, id).await?;
    verifier_delegation(&mut tx, auteur, role).await?;
    // The account's row claimed first: two grants of one role at once are one saved, one
    // refused as held already (SQLite's write transactions are one at a time already).
    sqlx::query("UPDATE utilisateur SET email = email WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if roles_de(&mut tx, id).await?.contains(role) {
        return Err(StoreError::Conflict(format!(
            "« {email} » a déjà le rôle {role}"
        )));
    }
    inserer_attribution(&mut tx, id, role).await?;
    valider(tx, store, auteur, &email, &format!("rôle {role} attribué")).await
}

/// Withdraws `role` from account `id`; refuses a role `auteur` may not grant, and one the
/// account does not hold. Journaled.
pub async fn retirer(
    store: &Store,
    auteur: &Auteur,
    id: i64,
    role: &Role,
) -> Result<(), StoreError> {
    let mut tx = store.ecriture(auteur).await?;
    let email = email_de(&mut tx, id).await?;
    verifier_delegation(&mut tx, auteur, role).await?;
    if !crate::compte::supprimer_attribution(&mut tx, id, role).await? {
        return Err(StoreError::NotFound(format!(
            "« {email} » n'a pas le rôle {role}"
        )));
    }
    valider(tx, store, auteur, &email, &format!("rôle {role} retiré")).await
}

/// Creates an account for `email` with `role`, its first password given by `secret`; when the
/// address has an account already, the role is added to it. Refuses a role `auteur` may not
/// grant. One transaction, journaled.
pub async fn creer(
    store: &Store,
    auteur: &Auteur,
    email: &Email,
    nom: Option<&str>,
    role: &Role,
    secret: &Secret,
) -> Result<Creation, StoreError> {
    let empreinte = secret.empreinte()?;
    let mut tx = store.ecriture(auteur).await?;
    verifier_delegation(&mut tx, auteur, role).await?;
    if let Some(id) = identifiant(&mut tx, email).await? {
        drop(tx);
        attribuer(store, auteur, id, role).await?;
        return Ok(Creation::RoleAjoute { id });
    }
    let nom = nom.map(str::trim).filter(|n| !n.is_empty());
    let nouveau = crate::compte::NouveauCompte {
        email,
        nom,
        empreinte: empreinte.as_deref(),
        a_changer: empreinte.is_some(),
        roles: std::slice::from_ref(role),
    };
    let id = crate::compte::inserer_compte(&mut tx, auteur, &nouveau).await?;
    let duree = store.reglages().duree_invitation;
    secret
        .emettre(&mut tx, auteur, id, Motif::Bienvenue, duree)
        .await?;
    tx.commit().await?;
    store.compteur.oublier();
    Ok(Creation::Cree { id })
}

/// Deactivates account `id` (`actif` false: it signs in no more, its sessions are closed) or
/// reactivates it. `auteur` must act on the account as a whole, and not on their own. Journaled.
pub async fn activer(
    store: &Store,
    auteur: &Auteur,
    id: i64,
    actif: bool,
) -> Result<(), StoreError> {
    let mut tx = store.ecriture(auteur).await?;
    let quoi = if actif {
        "réactiver le compte"
    } else {
        "désactiver le compte"
    };
    let email = gere(&mut tx, auteur, id, quoi).await?;
    if auteur.compte == Some(id) {
        return Err(StoreError::Refuse(
            "vous ne pouvez pas désactiver votre propre compte".to_owned(),
        ));
    }
    let change = sqlx::query(if actif {
        "UPDATE utilisateur SET desactive_le = NULL WHERE id = $1 AND desactive_le IS NOT NULL"
    } else {
        "UPDATE utilisateur SET desactive_le = $2 WHERE id = $1 AND desactive_le IS NULL"
    })
    .bind(id)
    .bind(horloge())
    .execute(&mut *tx)
    .await?;
    if change.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!(
            "le compte {email} est déjà {}",
            if actif { "actif" } else { "désactivé" }
        )));
    }
    let detail = if actif {
        "compte réactivé".to_owned()
    } else {
        let fermees = fermer_sessions(&mut tx, id, None).await?;
        format!("compte désactivé ; sessions fermées : {fermees}")
    };
    valider(tx, store, auteur, &email, &detail).await
}

/// Ends every session of account `id` (a computer lost, a person gone); returns how many went.
/// Journaled.
pub async fn fermer_les_sessions(
    store: &Store,
    auteur: &Auteur,
    id: i64,
) -> Result<u64, StoreError> {
    let mut tx = store.ecriture(auteur).await?;
    let email = gere(&mut tx, auteur, id, "fermer les sessions").await?;
    let fermees = fermer_sessions(&mut tx, id, None).await?;
    valider(
        tx,
        store,
        auteur,
        &email,
        &format!("sessions fermées : {fermees}"),
    )
    .await?;
    Ok(fermees)
}

/// Resets the password of account `id` to what `secret` gives: the current one stops opening
/// anything and every session is closed. Returns the account's address. Journaled.
pub async fn reinitialiser(
    store: &Store,
    auteur: &Auteur,
    id: i64,
    secret: &Secret,
) -> Result<Email, StoreError> {
    let empreinte = secret.empreinte()?;
    let mut tx = store.ecriture(auteur).await?;
    let email = gere(&mut tx, auteur, id, "réinitialiser le mot de passe").await?;
    sqlx::query(
        "UPDATE utilisateur SET mot_de_passe = $1, mot_de_passe_a_changer = $2 WHERE id = $3",
    )
    .bind(empreinte.as_deref())
    .bind(i64::from(empreinte.is_some()))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let fermees = fermer_sessions(&mut tx, id, None).await?;
    secret
        .emettre(&mut tx, auteur, id, Motif::Reinitialisation, DUREE_LIEN)
        .await?;
    let comment = match secret {
        Secret::Provisoire(_) => "provisoire, à changer à la prochaine connexion",
        Secret::Lien(_) => "lien à usage unique envoyé",
    };
    let detail = format!("mot de passe réinitialisé ({comment}) ; sessions fermées : {fermees}");
    valider(tx, store, auteur, &email, &detail).await?;
    Ok(email)
}

/// Grants a role to the account of `email`, as the command line does (an administrator).
pub async fn attribuer_par_adresse(
    store: &Store,
    email: &Email,
    role: &Role,
) -> Result<(), StoreError> {
    let id = compte_de(store, email).await?;
    attribuer(store, &Auteur::ligne_de_commande(), id, role).await
}

/// Withdraws a role from the account of `email`, as the command line does.
pub async fn retirer_par_adresse(
    store: &Store,
    email: &Email,
    role: &Role,
) -> Result<(), StoreError> {
    let id = compte_de(store, email).await?;
    retirer(store, &Auteur::ligne_de_commande(), id, role).await
}

/// Issues a new provisional password for the account of `email`, as the command line does
/// (every session closed); returns it.
pub async fn reinitialiser_par_adresse(store: &Store, email: &Email) -> Result<String, StoreError> {
    let id = compte_de(store, email).await?;
    let mot_de_passe = regles::mot_de_passe_aleatoire();
    let secret = Secret::Provisoire(mot_de_passe.clone());
    reinitialiser(store, &Auteur::ligne_de_commande(), id, &secret).await?;
    Ok(mot_de_passe)
}

/// How long a password reset link stays valid.
pub const DUREE_LIEN: i64 = 2 * 86_400;

/// The address of account `id`, or « aucun compte ».
async fn email_de(conn: &mut AnyConnection, id: i64) -> Result<Email, StoreError> {
    let r = sqlx::query("SELECT email FROM utilisateur WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("aucun compte n°{id}")))?;
    parse(&r, "email")
}

/// Ends a change to account `email`: its journal entry, the counter of changes moved (the
/// sessions kept in memory carry their account's roles and state), the commit.
async fn valider(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    store: &Store,
    auteur: &Auteur,
    email: &Email,
    detail: &str,
) -> Result<(), StoreError> {
    journal::ecrire(
        &mut tx,
        auteur,
        "modification",
        &format!("compte {email}"),
        Some(detail),
    )
    .await?;
    crate::avancer_generation(&mut tx).await?;
    tx.commit().await?;
    store.compteur.oublier();
    Ok(())
}
