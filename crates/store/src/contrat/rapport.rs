//! What the coordinator writes for a contract's reports: the introduction and the conclusion
//! of an annual report or of the evaluation report, read with the contract (they are part of
//! the published report) and written by who changes the contract whole, as every change: the
//! version read claimed, the change kept in the history.

use pilote_domain::IdContrat;
use pilote_domain::autorisation::Operation;
use pilote_domain::rapport::TypeRapport;
use sqlx::AnyConnection;

use super::historique::Changement;
use super::{autoriser, conclure, ouvrir};
use crate::journal::Auteur;
use crate::ligne::opt_text;
use crate::{Store, StoreError};

/// A report's texts; `None` where nothing is written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextesRapport {
    pub introduction: Option<String>,
    pub conclusion: Option<String>,
}

async fn textes(
    conn: &mut AnyConnection,
    id: &IdContrat,
    rapport: TypeRapport,
) -> Result<TextesRapport, StoreError> {
    let ligne = sqlx::query(
        "SELECT introduction, conclusion FROM texte_rapport WHERE contrat_id = $1 AND rapport = $2",
    )
    .bind(id.as_str())
    .bind(rapport.code())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match ligne {
        Some(l) => TextesRapport {
            introduction: opt_text(&l, "introduction")?,
            conclusion: opt_text(&l, "conclusion")?,
        },
        None => TextesRapport::default(),
    })
}

/// The texts of report `rapport` of contract `id`, for `auteur`, who may read the contract.
pub async fn lire(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    rapport: TypeRapport,
) -> Result<TextesRapport, StoreError> {
    let mut tx = store.lecture(auteur).await?;
    autoriser(&mut tx, auteur, id, &Operation::LirePublie).await?;
    let lus = textes(&mut tx, id, rapport).await?;
    tx.commit().await?;
    Ok(lus)
}

/// Saves `nouveaux` as the texts of report `rapport` of contract `id`, based on version `lue`
/// of the contract (a stale one is refused with what changed since); an empty text is none.
pub async fn enregistrer(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    rapport: TypeRapport,
    nouveaux: &TextesRapport,
) -> Result<(), StoreError> {
    let mut modification = ouvrir(store, auteur, id, Some(lue)).await?;
    let avant = textes(&mut modification, id, rapport).await?;
    let rempli = |t: &Option<String>| {
        t.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    let apres = TextesRapport {
        introduction: rempli(&nouveaux.introduction),
        conclusion: rempli(&nouveaux.conclusion),
    };
    sqlx::query("DELETE FROM texte_rapport WHERE contrat_id = $1 AND rapport = $2")
        .bind(id.as_str())
        .bind(rapport.code())
        .execute(&mut *modification)
        .await?;
    if apres != TextesRapport::default() {
        sqlx::query(
            "INSERT INTO texte_rapport (contrat_id, rapport, introduction, conclusion) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id.as_str())
        .bind(rapport.code())
        .bind(apres.introduction.clone())
        .bind(apres.conclusion.clone())
        .execute(&mut *modification)
        .await?;
    }
    let changements: Vec<Changement> = [
        Changement::si_different(
            &format!("introduction du {rapport}"),
            avant.introduction,
            apres.introduction,
        ),
        Changement::si_different(
            &format!("conclusion du {rapport}"),
            avant.conclusion,
            apres.conclusion,
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    conclure(modification, auteur, &changements).await
}
