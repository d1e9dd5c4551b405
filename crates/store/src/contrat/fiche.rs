//! Changes to one fiche-action, open to its pilot as to those who change the whole contract.

use pilote_domain::IdContrat;
use pilote_domain::autorisation::Operation;
use pilote_domain::fiche_action::StatutAction;

use super::autoriser;
use crate::journal::{self, Auteur};
use crate::ligne::{int, opt_int, opt_text};
use crate::{Store, StoreError, now};

/// Where an action stands: its status and progress in percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Avancement {
    pub statut: Option<StatutAction>,
    pub pourcentage: Option<u8>,
}

/// Records where fiche-action `numero` stands; the change (before → after) is journaled and
/// the contract's version moves on.
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
    let decrire = |statut: Option<String>, pourcentage: Option<i64>| {
        format!(
            "{} {}",
            statut.as_deref().unwrap_or("sans statut"),
            pourcentage.map_or("—".to_owned(), |p| format!("{p} %"))
        )
    };
    let detail = format!(
        "{} → {}",
        decrire(opt_text(&avant, "statut")?, opt_int(&avant, "avancement")?),
        decrire(
            avancement.statut.map(|s| s.code().to_owned()),
            avancement.pourcentage.map(i64::from)
        )
    );
    sqlx::query("UPDATE fiche_action SET statut = $1, avancement = $2 WHERE id = $3")
        .bind(avancement.statut.map(|s| s.code()))
        .bind(avancement.pourcentage.map(i64::from))
        .bind(int(&avant, "id")?)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE contrat SET version = version + 1, modifie_le = $1 WHERE id = $2")
        .bind(now())
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
    journal::ecrire(
        &mut tx,
        auteur,
        "modification",
        &format!("contrat {id}, fiche-action n°{numero}"),
        Some(&detail),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
