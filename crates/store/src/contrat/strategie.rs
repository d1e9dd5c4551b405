//! Growing a contract's strategy: a new axis at the end of the list, a new fiche-action at the
//! end of an axis, numbered after those already there (« 2.3 » for the third action of axis 2).

use pilote_domain::IdContrat;
use pilote_domain::autorisation::Operation;

use super::autoriser;
use super::historique::{self, Changement};
use crate::journal::Auteur;
use crate::ligne::int;
use crate::{Store, StoreError};

/// A title, trimmed, or the French message saying it is missing or too long.
fn titre(texte: &str, quoi: &str) -> Result<String, StoreError> {
    let titre = texte.trim();
    match titre.chars().count() {
        0 => Err(StoreError::Invalid(format!("indiquez le titre {quoi}"))),
        n if n > 300 => Err(StoreError::Invalid(format!(
            "le titre {quoi} dépasse 300 caractères ({n})"
        ))),
        _ => Ok(titre.to_owned()),
    }
}

/// Adds an axis after the others, based on version `lue`; returns its number.
pub async fn ajouter_axe(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    titre_axe: &str,
    transversal: bool,
) -> Result<i64, StoreError> {
    let mut tx = store.transaction(auteur).await?;
    autoriser(&mut tx, auteur, id, &Operation::Modifier).await?;
    let titre = titre(titre_axe, "de l'axe")?;
    historique::verifier_version(&mut tx, id, lue).await?;
    let numero: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(numero), 0) + 1 FROM axe WHERE contrat_id = $1 AND perimetre = 'cls'",
    )
    .bind(id.as_str())
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO axe (contrat_id, perimetre, numero, titre, transversal)
         VALUES ($1, 'cls', $2, $3, $4)",
    )
    .bind(id.as_str())
    .bind(numero)
    .bind(&titre)
    .bind(i64::from(transversal))
    .execute(&mut *tx)
    .await?;
    let changement = Changement {
        champ: format!("axe {numero}"),
        avant: None,
        apres: Some(if transversal {
            format!("{titre} (transversal)")
        } else {
            titre
        }),
    };
    historique::enregistrer(&mut tx, auteur, id, &format!("contrat {id}"), &[changement]).await?;
    tx.commit().await?;
    Ok(numero)
}

/// Adds a fiche-action at the end of axis `axe`, based on version `lue`; returns its number.
pub async fn ajouter_fiche(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    axe: i64,
    titre_fiche: &str,
) -> Result<String, StoreError> {
    let mut tx = store.transaction(auteur).await?;
    autoriser(&mut tx, auteur, id, &Operation::Modifier).await?;
    let titre = titre(titre_fiche, "de la fiche-action")?;
    historique::verifier_version(&mut tx, id, lue).await?;
    let axe_id: i64 = sqlx::query_scalar(
        "SELECT id FROM axe WHERE contrat_id = $1 AND perimetre = 'cls' AND numero = $2",
    )
    .bind(id.as_str())
    .bind(axe)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| StoreError::Invalid(format!("le contrat n'a pas d'axe n°{axe}")))?;
    let suivants = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM fiche_action WHERE axe_id = $1) AS dans_l_axe,
                (SELECT COALESCE(MAX(rang), -1) + 1 FROM fiche_action WHERE contrat_id = $2) AS rang",
    )
    .bind(axe_id)
    .bind(id.as_str())
    .fetch_one(&mut *tx)
    .await?;
    let mut rang_dans_l_axe = int(&suivants, "dans_l_axe")? + 1;
    let numero = loop {
        let numero = format!("{axe}.{rang_dans_l_axe}");
        let pris = sqlx::query("SELECT 1 FROM fiche_action WHERE contrat_id = $1 AND numero = $2")
            .bind(id.as_str())
            .bind(&numero)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if !pris {
            break numero;
        }
        rang_dans_l_axe += 1;
    };
    sqlx::query(
        "INSERT INTO fiche_action (contrat_id, axe_id, rang, numero, titre, objectifs, partenaires)
         VALUES ($1, $2, $3, $4, $5, '[]', '[]')",
    )
    .bind(id.as_str())
    .bind(axe_id)
    .bind(int(&suivants, "rang")?)
    .bind(&numero)
    .bind(&titre)
    .execute(&mut *tx)
    .await?;
    let changement = Changement {
        champ: format!("fiche-action n°{numero}"),
        avant: None,
        apres: Some(titre),
    };
    historique::enregistrer(&mut tx, auteur, id, &format!("contrat {id}"), &[changement]).await?;
    tx.commit().await?;
    Ok(numero)
}
