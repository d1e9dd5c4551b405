//! The diagnostics from the pages: one added or changed whole (title, date, description,
//! method, who made it, findings, what residents and professionals said), an indicator or a
//! document added to one, any of them removed. Each save is one transaction based on the
//! version read, recorded in the history.

use pilote_domain::IdContrat;
use pilote_domain::autorisation::Operation;
use pilote_domain::diagnostic::{Diagnostic, IndicateurDiagnostic};
use pilote_domain::fiche_action::Document;

use super::historique::{Changement, lignes};
use super::insertion::{
    DOCUMENTS_DE_DIAGNOSTIC, enfants, inserer_diagnostic, inserer_documents,
    inserer_indicateurs_diagnostic,
};
use super::{absent, autoriser, conclure, designation, lecture, ouvrir};
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
    let quoi = format!("diagnostic « {} »", avant.titre);
    let changements = Changement::entre(&quoi, en_clair(avant), en_clair(nouveau));
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

/// The title of diagnostic `diagnostic` of contract `id`, and the rank after the last of its
/// rows in `table` (its indicators, its documents).
async fn place_sous(
    tx: &mut sqlx::AnyConnection,
    id: &IdContrat,
    diagnostic: i64,
    table: &str,
) -> Result<(String, i64), StoreError> {
    let titre: String =
        sqlx::query_scalar("SELECT titre FROM diagnostic WHERE id = $1 AND contrat_id = $2")
            .bind(diagnostic)
            .bind(id.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| absent("diagnostic", diagnostic))?;
    let rang: i64 = sqlx::query_scalar(&format!(
        "SELECT COALESCE(MAX(rang), -1) + 1 FROM {table} WHERE diagnostic_id = $1"
    ))
    .bind(diagnostic)
    .fetch_one(&mut *tx)
    .await?;
    Ok((titre, rang))
}

/// Attaches a document, already deposited in the storage under `document.reference`, to
/// diagnostic `diagnostic`, after its others.
pub async fn ajouter_document(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    diagnostic: i64,
    document: &Document,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    if document.titre.trim().is_empty() {
        return Err(StoreError::Invalid(
            "indiquez le titre du document".to_owned(),
        ));
    }
    let (titre, rang) = place_sous(&mut tx, id, diagnostic, "document_diagnostic").await?;
    let lignes = enfants(diagnostic, rang, std::slice::from_ref(document));
    inserer_documents(&mut tx, DOCUMENTS_DE_DIAGNOSTIC, &lignes).await?;
    let changement = Changement {
        champ: format!("document du diagnostic « {titre} »"),
        avant: None,
        apres: Some(document.titre.clone()),
    };
    conclure(tx, auteur, &[changement]).await
}

/// Document `document` of one of contract `id`'s diagnostics, for those who read the whole
/// contract.
pub async fn document(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    document: i64,
) -> Result<Document, StoreError> {
    let mut tx = store.lecture(auteur).await?;
    autoriser(&mut tx, auteur, id, &Operation::LireTout).await?;
    let r = sqlx::query(
        "SELECT x.* FROM document_diagnostic x JOIN diagnostic d ON d.id = x.diagnostic_id
         WHERE x.id = $1 AND d.contrat_id = $2",
    )
    .bind(document)
    .bind(id.as_str())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("aucun document n°{document} pour ce contrat")))?;
    let document = lecture::document(&r)?;
    tx.commit().await?;
    Ok(document)
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
    let (titre, rang) = place_sous(&mut tx, id, diagnostic, "indicateur_diagnostic").await?;
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
    Document(i64),
}

impl std::str::FromStr for Element {
    type Err = String;

    /// `diagnostic-3`, `indicateur-12`, `document-4`.
    fn from_str(texte: &str) -> Result<Self, Self::Err> {
        let erreur = || format!("élément « {texte} » inconnu");
        match designation(texte).ok_or_else(erreur)? {
            ("diagnostic", n) => Ok(Element::Diagnostic(n)),
            ("indicateur", n) => Ok(Element::Indicateur(n)),
            ("document", n) => Ok(Element::Document(n)),
            _ => Err(erreur()),
        }
    }
}

/// Removes a diagnostic (with its indicators and documents), one indicator or one document;
/// returns the keys of the documents' files, for the caller to remove from the storage once
/// this is committed.
pub async fn retirer(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    element: Element,
) -> Result<Vec<String>, StoreError> {
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
        Element::Document(n) => (
            "SELECT x.titre AS resume, d.titre FROM document_diagnostic x
             JOIN diagnostic d ON d.id = x.diagnostic_id WHERE x.id = $1 AND d.contrat_id = $2",
            "DELETE FROM document_diagnostic WHERE id = $1",
            "document",
            n,
        ),
    };
    let r = sqlx::query(sql)
        .bind(n)
        .bind(id.as_str())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| absent(quoi, n))?;
    // The files of the documents that go.
    let fichiers = match element {
        Element::Diagnostic(_) => Some("diagnostic_id"),
        Element::Document(_) => Some("id"),
        Element::Indicateur(_) => None,
    };
    let fichiers: Vec<String> = match fichiers {
        Some(colonne) => {
            let sql = format!("SELECT reference FROM document_diagnostic WHERE {colonne} = $1");
            sqlx::query_scalar(&sql).bind(n).fetch_all(&mut *tx).await?
        }
        None => Vec::new(),
    };
    sqlx::query(supprimer).bind(n).execute(&mut *tx).await?;
    let champ = match element {
        Element::Diagnostic(_) => "diagnostic".to_owned(),
        Element::Indicateur(_) => format!("indicateur du diagnostic « {} »", text(&r, "titre")?),
        Element::Document(_) => format!("document du diagnostic « {} »", text(&r, "titre")?),
    };
    let changement = Changement {
        champ,
        avant: Some(text(&r, "resume")?),
        apres: None,
    };
    conclure(tx, auteur, &[changement]).await?;
    Ok(fichiers)
}
