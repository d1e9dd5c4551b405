//! What the contract says of itself: its presentation (several paragraphs), its priority
//! publics and themes, the number of fiches-actions it announces when the text details only
//! some. One save based on the version read, recorded in the history field by field.

use pilote_domain::IdContrat;
use pilote_domain::referentiel::{Public, Thematique};

use super::historique::Changement;
use super::insertion::inserer_publics_et_thematiques;
use super::{conclure, lecture, ouvrir};
use crate::journal::Auteur;
use crate::{Store, StoreError};

/// What the presentation form sets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Presentation {
    pub paragraphes: Vec<String>,
    pub publics: Vec<Public>,
    pub thematiques: Vec<Thematique>,
    pub fiches_actions_annoncees: Option<u16>,
}

fn libelles<T: std::fmt::Display>(valeurs: &[T]) -> Option<String> {
    (!valeurs.is_empty()).then(|| {
        valeurs
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// Saves `nouvelle` on contract `id`, based on version `lue`.
pub async fn presenter(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    nouvelle: &Presentation,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let avant = lecture::lire(&mut tx, id).await?.contrat;
    let paragraphes: Vec<String> = nouvelle
        .paragraphes
        .iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    let changements: Vec<Changement> = [
        Changement::si_different(
            "présentation",
            (!avant.presentation.is_empty()).then(|| avant.presentation.join("\n\n")),
            (!paragraphes.is_empty()).then(|| paragraphes.join("\n\n")),
        ),
        Changement::si_different(
            "publics prioritaires",
            libelles(&avant.publics_prioritaires),
            libelles(&nouvelle.publics),
        ),
        Changement::si_different(
            "thématiques",
            libelles(&avant.thematiques),
            libelles(&nouvelle.thematiques),
        ),
        Changement::si_different(
            "fiches-actions annoncées",
            avant.fiches_actions_annoncees.map(|n| n.to_string()),
            nouvelle.fiches_actions_annoncees.map(|n| n.to_string()),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    if changements.is_empty() {
        return conclure(tx, auteur, &[]).await;
    }
    sqlx::query(
        "UPDATE contrat SET presentation = $1, fiches_actions_annoncees = $2 WHERE id = $3",
    )
    .bind(crate::ligne::to_json(&paragraphes))
    .bind(nouvelle.fiches_actions_annoncees.map(i64::from))
    .bind(id.as_str())
    .execute(&mut *tx)
    .await?;
    for table in ["contrat_public", "contrat_thematique"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE contrat_id = $1"))
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
    }
    inserer_publics_et_thematiques(
        &mut tx,
        id.as_str(),
        &nouvelle.publics,
        &nouvelle.thematiques,
    )
    .await?;
    conclure(tx, auteur, &changements).await
}
