//! Governance from the contract page: a new body (COPIL, comité technique…) and a meeting of
//! one, with its agenda, attendance, minutes and decisions (a decision may name the
//! fiches-actions it concerns).

use std::collections::HashMap;

use pilote_domain::IdContrat;
use pilote_domain::autorisation::Operation;
use pilote_domain::gouvernance::{NatureInstance, Reunion};

use super::autoriser;
use super::ecriture::inserer_reunion;
use super::historique::{self, Changement};
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
    let mut tx = store.transaction(auteur).await?;
    autoriser(&mut tx, auteur, id, &Operation::Modifier).await?;
    let nom = nom.trim();
    if nom.is_empty() {
        return Err(StoreError::Invalid(
            "indiquez le nom de l'instance".to_owned(),
        ));
    }
    historique::verifier_version(&mut tx, id, lue).await?;
    sqlx::query(
        "INSERT INTO instance (contrat_id, perimetre, rang, nature, nom)
         VALUES ($1, 'cls', (SELECT COUNT(*) FROM instance WHERE contrat_id = $1), $2, $3)",
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
    historique::enregistrer(&mut tx, auteur, id, &format!("contrat {id}"), &[changement]).await?;
    tx.commit().await?;
    Ok(())
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
    let mut tx = store.transaction(auteur).await?;
    autoriser(&mut tx, auteur, id, &Operation::Modifier).await?;
    let instance_id: i64 = sqlx::query_scalar(
        "SELECT id FROM instance WHERE contrat_id = $1 AND perimetre = 'cls' AND nom = $2",
    )
    .bind(id.as_str())
    .bind(instance)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| StoreError::Invalid(format!("le contrat n'a pas d'instance « {instance} »")))?;
    historique::verifier_version(&mut tx, id, lue).await?;
    let rang: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reunion WHERE instance_id = $1")
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
    historique::enregistrer(&mut tx, auteur, id, &format!("contrat {id}"), &[changement]).await?;
    tx.commit().await?;
    Ok(())
}
