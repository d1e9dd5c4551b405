//! Governance from the contract page: a new body (COPIL, comité technique…) and a meeting of
//! one, with its agenda, attendance, minutes and decisions (a decision may name the
//! fiches-actions it concerns).

use pilote_domain::IdContrat;
use pilote_domain::autorisation::Operation;
use pilote_domain::gouvernance::{NatureInstance, Reunion};

use super::autoriser;
use super::historique::{self, Changement};
use crate::journal::Auteur;
use crate::ligne::to_json;
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
    let reunion_id: i64 = sqlx::query_scalar(
        "INSERT INTO reunion (instance_id, rang, date, lieu, ordre_du_jour, presents, compte_rendu)
         VALUES ($1, (SELECT COUNT(*) FROM reunion WHERE instance_id = $1), $2, $3, $4, $5, $6)
         RETURNING id",
    )
    .bind(instance_id)
    .bind(reunion.date.to_string())
    .bind(reunion.lieu.as_deref())
    .bind(to_json(&reunion.ordre_du_jour))
    .bind(to_json(&reunion.presents))
    .bind(reunion.compte_rendu.as_deref())
    .fetch_one(&mut *tx)
    .await?;
    for (rang, decision) in reunion.decisions.iter().enumerate() {
        let decision_id: i64 = sqlx::query_scalar(
            "INSERT INTO decision (reunion_id, rang, texte) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(reunion_id)
        .bind(rang as i64)
        .bind(&decision.texte)
        .fetch_one(&mut *tx)
        .await?;
        for (rang, numero) in decision.fiches_actions.iter().enumerate() {
            let fiche: i64 = sqlx::query_scalar(
                "SELECT id FROM fiche_action WHERE contrat_id = $1 AND numero = $2",
            )
            .bind(id.as_str())
            .bind(numero)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| {
                StoreError::Invalid(format!(
                    "la décision « {} » cite la fiche-action n°{numero}, que le contrat n'a pas",
                    decision.texte
                ))
            })?;
            sqlx::query(
                "INSERT INTO decision_fiche (decision_id, rang, fiche_id) VALUES ($1, $2, $3)",
            )
            .bind(decision_id)
            .bind(rang as i64)
            .bind(fiche)
            .execute(&mut *tx)
            .await?;
        }
    }
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
