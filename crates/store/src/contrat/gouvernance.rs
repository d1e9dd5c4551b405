//! Governance from the contract page: a new body (COPIL, comité technique…), its members, a
//! meeting of one with its agenda, attendance, minutes and decisions (a decision may name the
//! fiches-actions it concerns), and the removal of any of these.

use std::collections::HashMap;

use pilote_domain::IdContrat;
use pilote_domain::gouvernance::{Membre, NatureInstance, Reunion};

use super::historique::Changement;
use super::insertion::inserer_reunion;
use super::{conclure, ouvrir};
use crate::journal::Auteur;
use crate::ligne::{int, text};
use crate::{Store, StoreError};

/// Adds a governance body, based on version `lue`.
pub async fn ajouter_instance(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    nature: NatureInstance,
    nom: &str,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let nom = nom.trim();
    if nom.is_empty() {
        return Err(StoreError::Invalid(
            "indiquez le nom de l'instance".to_owned(),
        ));
    }
    sqlx::query(
        "INSERT INTO instance (contrat_id, perimetre, rang, nature, nom)
         VALUES ($1, 'cls', (SELECT COALESCE(MAX(rang), -1) + 1 FROM instance WHERE contrat_id = $1),
            $2, $3)",
    )
    .bind(id.as_str())
    .bind(nature.code())
    .bind(nom)
    .execute(&mut *tx)
    .await?;
    let changement = Changement {
        champ: "instance".to_owned(),
        avant: None,
        apres: Some(format!("{nom} ({})", nature.libelle())),
    };
    conclure(tx, auteur, &[changement]).await
}

/// Records a meeting of the body named `instance`, based on version `lue`. Refuses an unknown
/// body and a decision naming a fiche-action the contract does not have.
pub async fn ajouter_reunion(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    instance: &str,
    reunion: &Reunion,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let instance_id: i64 = sqlx::query_scalar(
        "SELECT id FROM instance WHERE contrat_id = $1 AND perimetre = 'cls' AND nom = $2",
    )
    .bind(id.as_str())
    .bind(instance)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| StoreError::Invalid(format!("le contrat n'a pas d'instance « {instance} »")))?;
    let rang: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(rang), -1) + 1 FROM reunion WHERE instance_id = $1",
    )
    .bind(instance_id)
    .fetch_one(&mut *tx)
    .await?;
    let mut fiches = HashMap::new();
    for r in sqlx::query("SELECT numero, id FROM fiche_action WHERE contrat_id = $1")
        .bind(id.as_str())
        .fetch_all(&mut *tx)
        .await?
    {
        fiches.insert(text(&r, "numero")?, int(&r, "id")?);
    }
    inserer_reunion(&mut tx, instance_id, rang, reunion, &fiches).await?;
    let changement = Changement {
        champ: format!("réunion de « {instance} »"),
        avant: None,
        apres: Some(format!(
            "{}{} — {} décision(s)",
            reunion.date,
            reunion
                .lieu
                .as_deref()
                .map(|l| format!(", {l}"))
                .unwrap_or_default(),
            reunion.decisions.len()
        )),
    };
    conclure(tx, auteur, &[changement]).await
}

/// The row id of body `position` (from 1) of the contract, in the order shown.
async fn instance_a(
    conn: &mut sqlx::AnyConnection,
    id: &IdContrat,
    position: usize,
) -> Result<(i64, String), StoreError> {
    let lignes = sqlx::query(
        "SELECT id, nom FROM instance WHERE contrat_id = $1 AND perimetre = 'cls' ORDER BY rang, id",
    )
    .bind(id.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let r = lignes.get(position.wrapping_sub(1)).ok_or_else(|| {
        StoreError::Invalid(format!("le contrat n'a pas d'instance n°{position}"))
    })?;
    Ok((int(r, "id")?, text(r, "nom")?))
}

/// Adds a member (organisation, person, function) to body `instance` (from 1).
pub async fn ajouter_membre(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    instance: usize,
    membre: &Membre,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let organisation = membre.organisation.trim();
    if organisation.is_empty() {
        return Err(StoreError::Invalid(
            "indiquez l'organisation du membre".to_owned(),
        ));
    }
    let (instance_id, nom) = instance_a(&mut tx, id, instance).await?;
    sqlx::query(
        "INSERT INTO membre (instance_id, rang, organisation, personne, fonction)
         VALUES ($1, (SELECT COALESCE(MAX(rang), -1) + 1 FROM membre WHERE instance_id = $1),
            $2, $3, $4)",
    )
    .bind(instance_id)
    .bind(organisation)
    .bind(membre.personne.as_deref())
    .bind(membre.fonction.as_deref())
    .execute(&mut *tx)
    .await?;
    let mut apres = organisation.to_owned();
    for detail in [&membre.personne, &membre.fonction].into_iter().flatten() {
        apres.push_str(&format!(", {detail}"));
    }
    let changement = Changement {
        champ: format!("membre de « {nom} »"),
        avant: None,
        apres: Some(apres),
    };
    conclure(tx, auteur, &[changement]).await
}

/// What may be removed from the governance, by position (from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    Instance(usize),
    /// Member `.1` of body `.0`.
    Membre(usize, usize),
    /// Meeting `.1` of body `.0`.
    Reunion(usize, usize),
}

impl std::str::FromStr for Element {
    type Err = String;

    /// `instance-1`, `membre-1-2`, `reunion-1-3`.
    fn from_str(texte: &str) -> Result<Self, Self::Err> {
        let erreur = || format!("élément de la gouvernance « {texte} » inconnu");
        let n = |t: &str| {
            t.parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(erreur)
        };
        let parties: Vec<&str> = texte.split('-').collect();
        match parties.as_slice() {
            ["instance", i] => Ok(Element::Instance(n(i)?)),
            ["membre", i, m] => Ok(Element::Membre(n(i)?, n(m)?)),
            ["reunion", i, r] => Ok(Element::Reunion(n(i)?, n(r)?)),
            _ => Err(erreur()),
        }
    }
}

/// Removes a body (with its members and meetings), a member or a meeting.
pub async fn retirer(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    element: Element,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let (instance, enfant) = match element {
        Element::Instance(i) => (i, None),
        Element::Membre(i, m) => (i, Some(("membre", "organisation", m, "membre"))),
        Element::Reunion(i, r) => (i, Some(("reunion", "date", r, "réunion"))),
    };
    let (instance_id, nom) = instance_a(&mut tx, id, instance).await?;
    let changement = match enfant {
        None => {
            sqlx::query("DELETE FROM instance WHERE id = $1")
                .bind(instance_id)
                .execute(&mut *tx)
                .await?;
            Changement {
                champ: "instance".to_owned(),
                avant: Some(nom),
                apres: None,
            }
        }
        Some((table, resume, position, quoi)) => {
            let lignes = sqlx::query(&format!(
                "SELECT rang, {resume} AS resume FROM {table} WHERE instance_id = $1 ORDER BY rang"
            ))
            .bind(instance_id)
            .fetch_all(&mut *tx)
            .await?;
            let r = lignes.get(position.wrapping_sub(1)).ok_or_else(|| {
                StoreError::Invalid(format!("« {nom} » n'a pas de {quoi} n°{position}"))
            })?;
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE instance_id = $1 AND rang = $2"
            ))
            .bind(instance_id)
            .bind(int(r, "rang")?)
            .execute(&mut *tx)
            .await?;
            Changement {
                champ: format!("{quoi} de « {nom} »"),
                avant: Some(text(r, "resume")?),
                apres: None,
            }
        }
    };
    conclure(tx, auteur, &[changement]).await
}
