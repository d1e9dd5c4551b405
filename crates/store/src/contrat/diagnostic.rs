//! The diagnostics from the pages: one added or changed whole (title, date, description,
//! method, who made it, findings, what residents and professionals said), an indicator added
//! to one, either removed. Each save is one transaction based on the version read, recorded
//! in the history.

use pilote_domain::IdContrat;
use pilote_domain::diagnostic::{Diagnostic, IndicateurDiagnostic};

use super::historique::{Changement, lignes};
use super::insertion::{enfants, inserer_diagnostic, inserer_indicateurs_diagnostic};
use super::{absent, conclure, designation, lecture, ouvrir};
use crate::journal::Auteur;
use crate::ligne::{text, to_json};
use crate::{Store, StoreError};

/// The fields of a diagnostic the history follows, in words.
fn en_clair(d: &Diagnostic) -> [(&'static str, Option<String>); 7] {
    [
        ("titre", Some(d.titre.clone())),
        ("date", d.date.map(|d| d.en_toutes_lettres())),
        ("description", d.description.clone()),
        ("méthode", d.methode.clone()),
        ("réalisé par", d.realise_par.clone()),
        ("constats", lignes(&d.constats)),
        (
            "paroles d'habitants et de professionnels",
            lignes(&d.paroles),
        ),
    ]
}

/// Adds diagnostic `nouveau` after the others (`diagnostic` `None`) or changes diagnostic
/// `diagnostic` of contract `id` to say what `nouveau` says (its indicators are kept), based on
/// version `lue`; returns its identifier.
pub async fn enregistrer(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    diagnostic: Option<i64>,
    nouveau: &Diagnostic,
) -> Result<i64, StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    if nouveau.titre.trim().is_empty() {
        return Err(StoreError::Invalid(
            "indiquez le titre du diagnostic".to_owned(),
        ));
    }
    let actuel = lecture::lire(&mut tx, id).await?.contrat;
    let Some(diagnostic_id) = diagnostic else {
        let rang = i64::try_from(actuel.diagnostics.len()).unwrap_or(i64::MAX);
        let sans_indicateurs = Diagnostic {
            indicateurs: Vec::new(),
            ..nouveau.clone()
        };
        let cree = inserer_diagnostic(&mut tx, id.as_str(), rang, &sans_indicateurs).await?;
        let changement = Changement {
            champ: "diagnostic".to_owned(),
            avant: None,
            apres: Some(nouveau.titre.clone()),
        };
        conclure(tx, auteur, &[changement]).await?;
        return Ok(cree);
    };
    let avant = actuel
        .diagnostics
        .iter()
        .find(|d| d.id == Some(diagnostic_id))
        .ok_or_else(|| absent("diagnostic", diagnostic_id))?;
    let changements: Vec<Changement> = en_clair(avant)
        .into_iter()
        .zip(en_clair(nouveau))
        .filter_map(|((champ, avant_), (_, apres))| {
            Changement::si_different(
                &format!("diagnostic « {} », {champ}", avant.titre),
                avant_,
                apres,
            )
        })
        .collect();
    if !changements.is_empty() {
        sqlx::query(
            "UPDATE diagnostic SET titre = $1, date = $2, description = $3, methode = $4,
                realise_par = $5, constats = $6, paroles = $7
             WHERE id = $8",
        )
        .bind(nouveau.titre.trim())
        .bind(nouveau.date.map(|d| d.to_string()))
        .bind(nouveau.description.as_deref())
        .bind(nouveau.methode.as_deref())
        .bind(nouveau.realise_par.as_deref())
        .bind(to_json(&nouveau.constats))
        .bind(to_json(&nouveau.paroles))
        .bind(diagnostic_id)
        .execute(&mut *tx)
        .await?;
    }
    conclure(tx, auteur, &changements).await?;
    Ok(diagnostic_id)
}

/// Adds indicator `indicateur` after the others of diagnostic `diagnostic`.
pub async fn ajouter_indicateur(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    diagnostic: i64,
    indicateur: &IndicateurDiagnostic,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    if indicateur.libelle.trim().is_empty() {
        return Err(StoreError::Invalid(
            "indiquez le libellé de l'indicateur".to_owned(),
        ));
    }
    let titre: String =
        sqlx::query_scalar("SELECT titre FROM diagnostic WHERE id = $1 AND contrat_id = $2")
            .bind(diagnostic)
            .bind(id.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| absent("diagnostic", diagnostic))?;
    let rang: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(rang), -1) + 1 FROM indicateur_diagnostic WHERE diagnostic_id = $1",
    )
    .bind(diagnostic)
    .fetch_one(&mut *tx)
    .await?;
    inserer_indicateurs_diagnostic(
        &mut tx,
        &enfants(diagnostic, rang, std::slice::from_ref(indicateur)),
    )
    .await?;
    let mut apres = format!("{} : {}", indicateur.libelle, indicateur.valeur);
    if let Some(u) = &indicateur.unite {
        apres.push_str(&format!(" {u}"));
    }
    if let Some(a) = indicateur.annee {
        apres.push_str(&format!(" ({a})"));
    }
    let changement = Changement {
        champ: format!("indicateur du diagnostic « {titre} »"),
        avant: None,
        apres: Some(apres),
    };
    conclure(tx, auteur, &[changement]).await
}

/// What may be removed from the diagnostics, by identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    Diagnostic(i64),
    Indicateur(i64),
}

impl std::str::FromStr for Element {
    type Err = String;

    /// `diagnostic-3`, `indicateur-12`.
    fn from_str(texte: &str) -> Result<Self, Self::Err> {
        let erreur = || format!("élément « {texte} » inconnu");
        match designation(texte).ok_or_else(erreur)? {
            ("diagnostic", n) => Ok(Element::Diagnostic(n)),
            ("indicateur", n) => Ok(Element::Indicateur(n)),
            _ => Err(erreur()),
        }
    }
}

/// Removes a diagnostic (with its indicators) or one indicator.
pub async fn retirer(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    element: Element,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let (sql, supprimer, quoi, n) = match element {
        Element::Diagnostic(n) => (
            "SELECT titre AS resume, titre FROM diagnostic WHERE id = $1 AND contrat_id = $2",
            "DELETE FROM diagnostic WHERE id = $1",
            "diagnostic",
            n,
        ),
        Element::Indicateur(n) => (
            "SELECT i.libelle AS resume, d.titre FROM indicateur_diagnostic i
             JOIN diagnostic d ON d.id = i.diagnostic_id WHERE i.id = $1 AND d.contrat_id = $2",
            "DELETE FROM indicateur_diagnostic WHERE id = $1",
            "indicateur",
            n,
        ),
    };
    let r = sqlx::query(sql)
        .bind(n)
        .bind(id.as_str())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| absent(quoi, n))?;
    sqlx::query(supprimer).bind(n).execute(&mut *tx).await?;
    let champ = match element {
        Element::Diagnostic(_) => "diagnostic".to_owned(),
        Element::Indicateur(_) => format!("indicateur du diagnostic « {} »", text(&r, "titre")?),
    };
    let changement = Changement {
        champ,
        avant: Some(text(&r, "resume")?),
        apres: None,
    };
    conclure(tx, auteur, &[changement]).await
}
