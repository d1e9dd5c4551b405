//! Changes to one fiche-action, open to its pilot as to those who change the whole contract.

use pilote_domain::IdContrat;
use pilote_domain::autorisation::Operation;
use pilote_domain::fiche_action::StatutAction;

use super::autoriser;
use super::historique::{self, Changement};
use crate::journal::Auteur;
use crate::ligne::{int, opt_int, opt_text};
use crate::{Store, StoreError};

/// Where an action stands: its status and progress in percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Avancement {
    pub statut: Option<StatutAction>,
    pub pourcentage: Option<u8>,
}

/// Records where fiche-action `numero` stands; a change (before → after) goes to the
/// contract's history and the journal, and moves its version on.
pub async fn avancer(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    numero: &str,
    avancement: Avancement,
) -> Result<(), StoreError> {
    if avancement.pourcentage.is_some_and(|p| p > 100) {
        return Err(StoreError::Invalid(
            "l'avancement est un pourcentage, de 0 à 100".to_owned(),
        ));
    }
    let mut tx = store.transaction(auteur).await?;
    autoriser(
        &mut tx,
        auteur,
        id,
        &Operation::ModifierFiche(numero.to_owned()),
    )
    .await?;
    let avant = sqlx::query(
        "SELECT id, statut, avancement FROM fiche_action WHERE contrat_id = $1 AND numero = $2",
    )
    .bind(id.as_str())
    .bind(numero)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        StoreError::NotFound(format!(
            "aucune fiche-action n°{numero} dans le contrat « {id} »"
        ))
    })?;
    let pourcentage = |p: Option<i64>| p.map(|p| format!("{p} %"));
    let changements: Vec<Changement> = [
        Changement::si_different(
            "statut",
            opt_text(&avant, "statut")?,
            avancement.statut.map(|s| s.code().to_owned()),
        ),
        Changement::si_different(
            "avancement",
            pourcentage(opt_int(&avant, "avancement")?),
            pourcentage(avancement.pourcentage.map(i64::from)),
        ),
    ]
    .into_iter()
    .flatten()
    .map(|c| Changement {
        champ: format!("fiche-action n°{numero}, {}", c.champ),
        ..c
    })
    .collect();
    if !changements.is_empty() {
        sqlx::query("UPDATE fiche_action SET statut = $1, avancement = $2 WHERE id = $3")
            .bind(avancement.statut.map(|s| s.code()))
            .bind(avancement.pourcentage.map(i64::from))
            .bind(int(&avant, "id")?)
            .execute(&mut *tx)
            .await?;
        let objet = format!("contrat {id}, fiche-action n°{numero}");
        historique::enregistrer(&mut tx, auteur, id, &objet, &changements).await?;
    }
    tx.commit().await?;
    Ok(())
}
