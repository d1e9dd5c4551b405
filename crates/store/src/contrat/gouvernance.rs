//! Governance from the contract page: a new body (COPIL, comité technique…), its members, a
//! meeting of one with its agenda, attendance, minutes and decisions (a decision may name the
//! fiches-actions it concerns), and the removal of any of these.

use std::collections::HashMap;

use pilote_domain::IdContrat;
use pilote_domain::gouvernance::{Membre, NatureInstance, Reunion};

use super::historique::Changement;
use super::insertion::inserer_reunions;
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
    inserer_reunions(
        &mut tx,
        instance_id,
        rang,
        std::slice::from_ref(reunion),
        &fiches,
    )
    .await?;
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

/// The name of body `instance` of the contract; refuses one it does not have.
async fn instance_nommee(
    conn: &mut sqlx::AnyConnection,
    id: &IdContrat,
    instance: i64,
) -> Result<String, StoreError> {
    sqlx::query_scalar(
        "SELECT nom FROM instance WHERE id = $1 AND contrat_id = $2 AND perimetre = 'cls'",
    )
    .bind(instance)
    .bind(id.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::Invalid(format!("le contrat n'a pas d'instance n°{instance}")))
}

/// Adds a member (organisation, person, function) to body `instance`.
pub async fn ajouter_membre(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    instance: i64,
    membre: &Membre,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let organisation = membre.organisation.trim();
    if organisation.is_empty() {
        return Err(StoreError::Invalid(
            "indiquez l'organisation du membre".to_owned(),
        ));
    }
    let nom = instance_nommee(&mut tx, id, instance).await?;
    sqlx::query(
        "INSERT INTO membre (instance_id, rang, organisation, personne, fonction)
         VALUES ($1, (SELECT COALESCE(MAX(rang), -1) + 1 FROM membre WHERE instance_id = $1),
            $2, $3, $4)",
    )
    .bind(instance)
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

/// What may be removed from the governance, by identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    Instance(i64),
    Membre(i64),
    Reunion(i64),
}

impl std::str::FromStr for Element {
    type Err = String;

    /// `instance-4`, `membre-31`, `reunion-12`.
    fn from_str(texte: &str) -> Result<Self, Self::Err> {
        let erreur = || format!("élément de la gouvernance « {texte} » inconnu");
        match crate::contrat::designation(texte).ok_or_else(erreur)? {
            ("instance", i) => Ok(Element::Instance(i)),
            ("membre", i) => Ok(Element::Membre(i)),
            ("reunion", i) => Ok(Element::Reunion(i)),
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
    let changement = match element {
        Element::Instance(instance) => {
            let nom = instance_nommee(&mut tx, id, instance).await?;
            sqlx::query("DELETE FROM instance WHERE id = $1")
                .bind(instance)
                .execute(&mut *tx)
                .await?;
            Changement {
                champ: "instance".to_owned(),
                avant: Some(nom),
                apres: None,
            }
        }
        Element::Membre(e) | Element::Reunion(e) => {
            let (table, resume, quoi) = match element {
                Element::Membre(_) => ("membre", "organisation", "membre"),
                _ => ("reunion", "date", "réunion"),
            };
            let r = sqlx::query(&format!(
                "SELECT t.{resume} AS resume, i.nom FROM {table} t
                 JOIN instance i ON i.id = t.instance_id
                 WHERE t.id = $1 AND i.contrat_id = $2 AND i.perimetre = 'cls'"
            ))
            .bind(e)
            .bind(id.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| {
                StoreError::Invalid(format!(
                    "la gouvernance du contrat n'a pas cet élément ({quoi} n°{e}) : il a été \
                     retiré"
                ))
            })?;
            sqlx::query(&format!("DELETE FROM {table} WHERE id = $1"))
                .bind(e)
                .execute(&mut *tx)
                .await?;
            Changement {
                champ: format!("{quoi} de « {} »", text(&r, "nom")?),
                avant: Some(text(&r, "resume")?),
                apres: None,
            }
        }
    };
    conclure(tx, auteur, &[changement]).await
}
