//! Evaluation from the pages: a fiche-action's assessment (what was done against what was
//! planned), the contract's evaluations added or changed whole (nature, date, synthesis,
//! findings, recommendations, the five criteria), its achievements; removals. Each save is one
//! transaction based on the contract's version, recorded in the history.

use pilote_domain::IdContrat;
use pilote_domain::evaluation::{BilanFiche, Evaluation};
use pilote_domain::realisation::Realisation;

use super::historique::{Changement, lignes};
use super::insertion::{inserer_evaluation, inserer_realisation};
use super::{absent, conclure, designation, lecture, ouvrir};
use crate::journal::Auteur;
use crate::ligne::{opt_text, text, to_json};
use crate::{Store, StoreError};

fn bilan_en_clair(bilan: &BilanFiche) -> String {
    match &bilan.commentaire {
        Some(c) => format!("{} — {c}", bilan.aboutissement.libelle()),
        None => bilan.aboutissement.libelle().to_owned(),
    }
}

/// Records the assessment of fiche-action `fiche` (its identifier), or clears it (`None`).
pub async fn evaluer_fiche(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    fiche: i64,
    bilan: Option<&BilanFiche>,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let r = sqlx::query(
        "SELECT numero, bilan_aboutissement, bilan_commentaire FROM fiche_action
         WHERE id = $1 AND contrat_id = $2",
    )
    .bind(fiche)
    .bind(id.as_str())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| absent("fiche-action", fiche))?;
    let avant = match opt_text(&r, "bilan_aboutissement")? {
        Some(code) => Some(bilan_en_clair(&BilanFiche {
            aboutissement: pilote_domain::evaluation::Aboutissement::parse(&code)
                .map_err(StoreError::Corrupt)?,
            commentaire: opt_text(&r, "bilan_commentaire")?,
        })),
        None => None,
    };
    let changements: Vec<Changement> = Changement::si_different(
        &format!("bilan de la fiche-action n°{}", text(&r, "numero")?),
        avant,
        bilan.map(bilan_en_clair),
    )
    .into_iter()
    .collect();
    if !changements.is_empty() {
        sqlx::query(
            "UPDATE fiche_action SET bilan_aboutissement = $1, bilan_commentaire = $2
             WHERE id = $3",
        )
        .bind(bilan.map(|b| b.aboutissement.code()))
        .bind(bilan.and_then(|b| b.commentaire.as_deref()))
        .bind(fiche)
        .execute(&mut *tx)
        .await?;
    }
    conclure(tx, auteur, &changements).await
}

/// The fields of an evaluation the history follows, in words.
fn en_clair(e: &Evaluation) -> Vec<(String, Option<String>)> {
    let mut champs = vec![
        ("titre".to_owned(), Some(e.titre.clone())),
        (
            "nature".to_owned(),
            e.nature.map(|n| n.libelle().to_owned()),
        ),
        ("date".to_owned(), e.date.map(|d| d.en_toutes_lettres())),
        ("synthèse".to_owned(), e.synthese.clone()),
        ("constats".to_owned(), lignes(&e.constats)),
        ("recommandations".to_owned(), lignes(&e.recommandations)),
    ];
    for critere in pilote_domain::evaluation::Critere::TOUS {
        let jugement = e.jugement(*critere).map(|j| {
            let appreciation = j
                .appreciation
                .map(|a| a.libelle())
                .unwrap_or("sans appréciation");
            match &j.commentaire {
                Some(c) => format!("{appreciation} — {c}"),
                None => appreciation.to_owned(),
            }
        });
        champs.push((critere.libelle().to_lowercase(), jugement));
    }
    champs
}

/// Adds evaluation `nouvelle` after the others (`evaluation` `None`), or changes evaluation
/// `evaluation` of contract `id` to say what `nouvelle` says, based on version `lue`; returns
/// its identifier.
pub async fn enregistrer(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    evaluation: Option<i64>,
    nouvelle: &Evaluation,
) -> Result<i64, StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    if nouvelle.titre.trim().is_empty() {
        return Err(StoreError::Invalid(
            "indiquez le titre de l'évaluation".to_owned(),
        ));
    }
    nouvelle.verifier().map_err(StoreError::Invalid)?;
    let actuel = lecture::lire(&mut tx, id).await?.contrat;
    let Some(evaluation_id) = evaluation else {
        let rang = i64::try_from(actuel.evaluations.len()).unwrap_or(i64::MAX);
        let cree = inserer_evaluation(&mut tx, id.as_str(), rang, nouvelle).await?;
        let changement = Changement {
            champ: "évaluation".to_owned(),
            avant: None,
            apres: Some(nouvelle.titre.clone()),
        };
        conclure(tx, auteur, &[changement]).await?;
        return Ok(cree);
    };
    let avant = actuel
        .evaluations
        .iter()
        .find(|e| e.id == Some(evaluation_id))
        .ok_or_else(|| absent("évaluation", evaluation_id))?;
    let quoi = format!("évaluation « {} »", avant.titre);
    let changements = Changement::entre(&quoi, en_clair(avant), en_clair(nouvelle));
    if !changements.is_empty() {
        sqlx::query(
            "UPDATE evaluation SET titre = $1, nature = $2, date = $3, synthese = $4,
                constats = $5, recommandations = $6, criteres = $7
             WHERE id = $8",
        )
        .bind(nouvelle.titre.trim())
        .bind(nouvelle.nature.map(|n| n.code()))
        .bind(nouvelle.date.map(|d| d.to_string()))
        .bind(nouvelle.synthese.as_deref())
        .bind(to_json(&nouvelle.constats))
        .bind(to_json(&nouvelle.recommandations))
        .bind(to_json(&nouvelle.criteres))
        .bind(evaluation_id)
        .execute(&mut *tx)
        .await?;
    }
    conclure(tx, auteur, &changements).await?;
    Ok(evaluation_id)
}

/// Adds achievement `realisation` after the others; its fiche-action, when named, must be the
/// contract's. Returns its identifier.
pub async fn ajouter_realisation(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    realisation: &Realisation,
) -> Result<i64, StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    if realisation.titre.trim().is_empty() {
        return Err(StoreError::Invalid(
            "indiquez ce qui a été réalisé".to_owned(),
        ));
    }
    let fiche = match &realisation.fiche {
        Some(numero) => Some(
            sqlx::query_scalar::<_, i64>(
                "SELECT id FROM fiche_action WHERE contrat_id = $1 AND numero = $2",
            )
            .bind(id.as_str())
            .bind(numero)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| {
                StoreError::Invalid(format!("le contrat n'a pas de fiche-action n°{numero}"))
            })?,
        ),
        None => None,
    };
    let rang: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(rang), -1) + 1 FROM realisation WHERE contrat_id = $1",
    )
    .bind(id.as_str())
    .fetch_one(&mut *tx)
    .await?;
    let cree = inserer_realisation(&mut tx, id.as_str(), rang, realisation, fiche).await?;
    let mut apres = realisation.titre.trim().to_owned();
    if let Some(d) = realisation.date {
        apres.push_str(&format!(" ({})", d.en_toutes_lettres()));
    }
    if let Some(n) = &realisation.fiche {
        apres.push_str(&format!(", fiche-action n°{n}"));
    }
    let changement = Changement {
        champ: "réalisation".to_owned(),
        avant: None,
        apres: Some(apres),
    };
    conclure(tx, auteur, &[changement]).await?;
    Ok(cree)
}

/// What may be removed from the evaluation page, by identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    Evaluation(i64),
    Realisation(i64),
}

impl std::str::FromStr for Element {
    type Err = String;

    /// `evaluation-2`, `realisation-5`.
    fn from_str(texte: &str) -> Result<Self, Self::Err> {
        let erreur = || format!("élément « {texte} » inconnu");
        match designation(texte).ok_or_else(erreur)? {
            ("evaluation", n) => Ok(Element::Evaluation(n)),
            ("realisation", n) => Ok(Element::Realisation(n)),
            _ => Err(erreur()),
        }
    }
}

/// Removes an evaluation or an achievement.
pub async fn retirer(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    element: Element,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let (table, champ, n) = match element {
        Element::Evaluation(n) => ("evaluation", "évaluation", n),
        Element::Realisation(n) => ("realisation", "réalisation", n),
    };
    let titre: String = sqlx::query_scalar(&format!(
        "SELECT titre FROM {table} WHERE id = $1 AND contrat_id = $2"
    ))
    .bind(n)
    .bind(id.as_str())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| absent(champ, n))?;
    sqlx::query(&format!("DELETE FROM {table} WHERE id = $1"))
        .bind(n)
        .execute(&mut *tx)
        .await?;
    let changement = Changement {
        champ: champ.to_owned(),
        avant: Some(titre),
        apres: None,
    };
    conclure(tx, auteur, &[changement]).await
}
