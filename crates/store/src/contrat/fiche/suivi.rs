//! The follow-up of a fiche-action, item by item: steps of its calendar (added, marked done),
//! dated values of its indicators with their source, dated progress notes, attached documents
//! (the file itself is in the document storage, the row names its key), and the removal of
//! any of these or of a budget line or an indicator. Items are named by their position on
//! the page (from 1), which the version check keeps true.

use pilote_domain::IdContrat;
use pilote_domain::autorisation::Operation;
use pilote_domain::fiche_action::{Cible, Document, Etape, Mesure, Note};

use super::rang_suivant;
use crate::contrat::historique::Changement;
use crate::contrat::insertion::{
    inserer_documents, inserer_etapes, inserer_mesures, inserer_notes,
};
use crate::contrat::{Modification, autoriser, ouvrir_fiche};
use crate::journal::Auteur;
use crate::ligne::{opt_text, text};
use crate::{Store, StoreError};

/// An item of a fiche-action's follow-up, by its position (from 1) in its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    Etape(usize),
    LigneBudget(usize),
    Indicateur(usize),
    /// Value `.1` of indicator `.0`.
    Mesure(usize, usize),
    /// Target `.1` of indicator `.0`.
    Cible(usize, usize),
    Note(usize),
    Document(usize),
}

impl std::str::FromStr for Element {
    type Err = String;

    /// `etape-2`, `budget-1`, `indicateur-1`, `mesure-1-3`, `cible-1-2`, `note-2`,
    /// `document-1`.
    fn from_str(texte: &str) -> Result<Self, Self::Err> {
        let erreur = || format!("élément de la fiche-action « {texte} » inconnu");
        let position = |t: &str| {
            t.parse::<usize>()
                .ok()
                .filter(|p| *p >= 1)
                .ok_or_else(erreur)
        };
        let (genre, reste) = texte.split_once('-').ok_or_else(erreur)?;
        Ok(match genre {
            "etape" => Element::Etape(position(reste)?),
            "budget" => Element::LigneBudget(position(reste)?),
            "indicateur" => Element::Indicateur(position(reste)?),
            "note" => Element::Note(position(reste)?),
            "document" => Element::Document(position(reste)?),
            "mesure" | "cible" => {
                let (i, m) = reste.split_once('-').ok_or_else(erreur)?;
                let (i, m) = (position(i)?, position(m)?);
                if genre == "mesure" {
                    Element::Mesure(i, m)
                } else {
                    Element::Cible(i, m)
                }
            }
            _ => return Err(erreur()),
        })
    }
}

impl Element {
    /// Its table, the column holding its parent, and how the history names it.
    fn table(self) -> (&'static str, &'static str, String) {
        match self {
            Element::Etape(p) => ("etape", "fiche_id", format!("étape {p}")),
            Element::LigneBudget(p) => ("ligne_budget", "fiche_id", format!("ligne de budget {p}")),
            Element::Indicateur(p) => ("indicateur", "fiche_id", format!("indicateur {p}")),
            Element::Mesure(i, m) => (
                "mesure",
                "indicateur_id",
                format!("indicateur {i}, valeur {m}"),
            ),
            Element::Cible(i, c) => (
                "cible",
                "indicateur_id",
                format!("indicateur {i}, cible {c}"),
            ),
            Element::Note(p) => ("note", "fiche_id", format!("note {p}")),
            Element::Document(p) => ("document", "fiche_id", format!("document {p}")),
        }
    }
}

/// The `rang` of the item at `position` (from 1) among the rows of `table` under `parent`.
async fn rang_a(
    conn: &mut sqlx::AnyConnection,
    (table, colonne): (&str, &str),
    parent: i64,
    position: usize,
    quoi: &str,
) -> Result<i64, StoreError> {
    let rangs: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT rang FROM {table} WHERE {colonne} = $1 ORDER BY rang"
    ))
    .bind(parent)
    .fetch_all(&mut *conn)
    .await?;
    rangs
        .get(position.wrapping_sub(1))
        .copied()
        .ok_or_else(|| StoreError::Invalid(format!("la fiche-action n'a pas d'élément « {quoi} »")))
}

/// The row id of indicator `position` of fiche-action row `fiche`.
async fn indicateur_id(
    conn: &mut sqlx::AnyConnection,
    fiche: i64,
    position: usize,
) -> Result<i64, StoreError> {
    let rang = rang_a(
        conn,
        ("indicateur", "fiche_id"),
        fiche,
        position,
        &format!("indicateur {position}"),
    )
    .await?;
    Ok(
        sqlx::query_scalar("SELECT id FROM indicateur WHERE fiche_id = $1 AND rang = $2")
            .bind(fiche)
            .bind(rang)
            .fetch_one(&mut *conn)
            .await?,
    )
}

/// Records `changement` on fiche-action `numero` and commits.
async fn conclure(
    tx: Modification,
    auteur: &Auteur,
    numero: &str,
    changement: Changement,
) -> Result<(), StoreError> {
    let changement = Changement {
        champ: format!("fiche-action n°{numero}, {}", changement.champ),
        ..changement
    };
    crate::contrat::conclure(tx, auteur, &[changement]).await
}

/// A text that must be given, trimmed.
fn requis(texte: &str, message: &str) -> Result<String, StoreError> {
    Some(texte.trim().to_owned())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| StoreError::Invalid(message.to_owned()))
}

/// Adds a step at the end of the calendar of fiche-action `numero`.
pub async fn ajouter_etape(
    store: &Store,
    auteur: &Auteur,
    (id, numero): (&IdContrat, &str),
    lue: i64,
    etape: &Etape,
) -> Result<(), StoreError> {
    let (mut tx, fiche) = ouvrir_fiche(store, auteur, id, numero, lue).await?;
    let etape = Etape {
        libelle: requis(&etape.libelle, "indiquez le libellé de l'étape")?,
        ..etape.clone()
    };
    let rang = rang_suivant(&mut tx, "etape", fiche).await?;
    inserer_etapes(&mut tx, &[(fiche, rang, &etape)]).await?;
    let echeance = etape
        .echeance
        .map(|d| format!(" (échéance {d})"))
        .unwrap_or_default();
    let changement = Changement {
        champ: "étape".to_owned(),
        avant: None,
        apres: Some(format!("{}{echeance}", etape.libelle)),
    };
    conclure(tx, auteur, numero, changement).await
}

/// Marks step `position` of fiche-action `numero` done, or not done.
pub async fn marquer_etape(
    store: &Store,
    auteur: &Auteur,
    (id, numero): (&IdContrat, &str),
    lue: i64,
    position: usize,
    faite: bool,
) -> Result<(), StoreError> {
    let (mut tx, fiche) = ouvrir_fiche(store, auteur, id, numero, lue).await?;
    let rang = rang_a(
        &mut tx,
        ("etape", "fiche_id"),
        fiche,
        position,
        &format!("étape {position}"),
    )
    .await?;
    let libelle: String =
        sqlx::query_scalar("SELECT libelle FROM etape WHERE fiche_id = $1 AND rang = $2")
            .bind(fiche)
            .bind(rang)
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query("UPDATE etape SET faite = $1 WHERE fiche_id = $2 AND rang = $3")
        .bind(i64::from(faite))
        .bind(fiche)
        .bind(rang)
        .execute(&mut *tx)
        .await?;
    let etat = |f: bool| {
        Some(format!(
            "{libelle} : {}",
            if f { "faite" } else { "à faire" }
        ))
    };
    let changement = Changement {
        champ: format!("étape {position}"),
        avant: etat(!faite),
        apres: etat(faite),
    };
    conclure(tx, auteur, numero, changement).await
}

/// Adds a dated value, with its source, to indicator `indicateur` (from 1) of fiche-action
/// `numero`.
pub async fn ajouter_mesure(
    store: &Store,
    auteur: &Auteur,
    (id, numero): (&IdContrat, &str),
    lue: i64,
    indicateur: usize,
    mesure: &Mesure,
) -> Result<(), StoreError> {
    let (mut tx, fiche) = ouvrir_fiche(store, auteur, id, numero, lue).await?;
    if !mesure.valeur.is_finite() {
        return Err(StoreError::Invalid(
            "la valeur mesurée n'est pas un nombre".to_owned(),
        ));
    }
    let indicateur_id = indicateur_id(&mut tx, fiche, indicateur).await?;
    let rang: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(rang), -1) + 1 FROM mesure WHERE indicateur_id = $1",
    )
    .bind(indicateur_id)
    .fetch_one(&mut *tx)
    .await?;
    inserer_mesures(&mut tx, &[(indicateur_id, rang, mesure)]).await?;
    let source = mesure
        .source
        .as_ref()
        .map(|s| format!(" (source : {s})"))
        .unwrap_or_default();
    let changement = Changement {
        champ: format!("indicateur {indicateur}, valeur"),
        avant: None,
        apres: Some(format!("{} au {}{source}", mesure.valeur, mesure.date)),
    };
    conclure(tx, auteur, numero, changement).await
}

/// Adds a target for a year to indicator `indicateur` (from 1) of fiche-action `numero`; a
/// year has one target.
pub async fn ajouter_cible(
    store: &Store,
    auteur: &Auteur,
    (id, numero): (&IdContrat, &str),
    lue: i64,
    indicateur: usize,
    cible: &Cible,
) -> Result<(), StoreError> {
    let (mut tx, fiche) = ouvrir_fiche(store, auteur, id, numero, lue).await?;
    if !cible.valeur.is_finite() {
        return Err(StoreError::Invalid(
            "la valeur cible n'est pas un nombre".to_owned(),
        ));
    }
    let indicateur_id = indicateur_id(&mut tx, fiche, indicateur).await?;
    let deja: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM cible WHERE indicateur_id = $1 AND annee = $2")
            .bind(indicateur_id)
            .bind(i64::from(cible.annee))
            .fetch_optional(&mut *tx)
            .await?;
    if deja.is_some() {
        return Err(StoreError::Invalid(format!(
            "l'indicateur a déjà une cible pour {} : retirez-la d'abord",
            cible.annee
        )));
    }
    sqlx::query(
        "INSERT INTO cible (indicateur_id, rang, annee, valeur)
         VALUES ($1, (SELECT COALESCE(MAX(rang), -1) + 1 FROM cible WHERE indicateur_id = $1), $2, $3)",
    )
    .bind(indicateur_id)
    .bind(i64::from(cible.annee))
    .bind(cible.valeur)
    .execute(&mut *tx)
    .await?;
    let changement = Changement {
        champ: format!("indicateur {indicateur}, cible"),
        avant: None,
        apres: Some(format!("{} en {}", cible.valeur, cible.annee)),
    };
    conclure(tx, auteur, numero, changement).await
}

/// Adds a dated progress note to fiche-action `numero`.
pub async fn ajouter_note(
    store: &Store,
    auteur: &Auteur,
    (id, numero): (&IdContrat, &str),
    lue: i64,
    note: &Note,
) -> Result<(), StoreError> {
    let (mut tx, fiche) = ouvrir_fiche(store, auteur, id, numero, lue).await?;
    let note = Note {
        texte: requis(&note.texte, "écrivez la note")?,
        ..note.clone()
    };
    let rang = rang_suivant(&mut tx, "note", fiche).await?;
    inserer_notes(&mut tx, &[(fiche, rang, &note)]).await?;
    let changement = Changement {
        champ: "note".to_owned(),
        avant: None,
        apres: Some(format!("{} — {}", note.date, note.texte)),
    };
    conclure(tx, auteur, numero, changement).await
}

/// Attaches a document, already deposited in the storage under `document.reference`, to
/// fiche-action `numero`.
pub async fn ajouter_document(
    store: &Store,
    auteur: &Auteur,
    (id, numero): (&IdContrat, &str),
    lue: i64,
    document: &Document,
) -> Result<(), StoreError> {
    let (mut tx, fiche) = ouvrir_fiche(store, auteur, id, numero, lue).await?;
    let document = Document {
        titre: requis(&document.titre, "indiquez le titre du document")?,
        ..document.clone()
    };
    let rang = rang_suivant(&mut tx, "document", fiche).await?;
    inserer_documents(&mut tx, &[(fiche, rang, &document)]).await?;
    let changement = Changement {
        champ: "document".to_owned(),
        avant: None,
        apres: Some(document.titre.clone()),
    };
    conclure(tx, auteur, numero, changement).await
}

/// Document `position` (from 1) of fiche-action `numero`, for those who read the whole
/// contract.
pub async fn document(
    store: &Store,
    auteur: &Auteur,
    (id, numero): (&IdContrat, &str),
    position: usize,
) -> Result<Document, StoreError> {
    let mut tx = store.lecture(auteur).await?;
    autoriser(&mut tx, auteur, id, &Operation::LireTout).await?;
    let absent = || {
        StoreError::NotFound(format!(
            "aucun document n°{position} pour la fiche-action n°{numero}"
        ))
    };
    let fiche: i64 =
        sqlx::query_scalar("SELECT id FROM fiche_action WHERE contrat_id = $1 AND numero = $2")
            .bind(id.as_str())
            .bind(numero)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(absent)?;
    let lignes = sqlx::query(
        "SELECT titre, date, reference FROM document WHERE fiche_id = $1 ORDER BY rang",
    )
    .bind(fiche)
    .fetch_all(&mut *tx)
    .await?;
    let r = lignes.get(position.wrapping_sub(1)).ok_or_else(absent)?;
    let document = Document {
        titre: text(r, "titre")?,
        date: crate::ligne::opt_parse(r, "date")?,
        reference: text(r, "reference")?,
    };
    tx.commit().await?;
    Ok(document)
}

/// Removes `element` from fiche-action `numero`; for a document, returns the key of its file,
/// for the caller to remove from the storage once this is committed.
pub async fn retirer(
    store: &Store,
    auteur: &Auteur,
    (id, numero): (&IdContrat, &str),
    lue: i64,
    element: Element,
) -> Result<Option<String>, StoreError> {
    let (mut tx, fiche) = ouvrir_fiche(store, auteur, id, numero, lue).await?;
    let (table, colonne, nom) = element.table();
    let (parent, position) = match element {
        Element::Mesure(i, m) | Element::Cible(i, m) => {
            (indicateur_id(&mut tx, fiche, i).await?, m)
        }
        Element::Etape(p)
        | Element::LigneBudget(p)
        | Element::Indicateur(p)
        | Element::Note(p)
        | Element::Document(p) => (fiche, p),
    };
    let rang = rang_a(&mut tx, (table, colonne), parent, position, &nom).await?;
    let resume = match element {
        Element::Etape(_) => "libelle",
        Element::LigneBudget(_) => "financeur",
        Element::Indicateur(_) => "libelle",
        Element::Mesure(..) => "date",
        Element::Cible(..) => "annee",
        Element::Note(_) => "texte",
        Element::Document(_) => "titre",
    };
    let ligne = sqlx::query(&format!(
        "SELECT * FROM {table} WHERE {colonne} = $1 AND rang = $2"
    ))
    .bind(parent)
    .bind(rang)
    .fetch_one(&mut *tx)
    .await?;
    let avant = match element {
        Element::Cible(..) => format!(
            "{} en {}",
            crate::ligne::float(&ligne, "valeur")?,
            crate::ligne::int(&ligne, resume)?
        ),
        _ => text(&ligne, resume)?,
    };
    let cle = match element {
        Element::Document(_) => opt_text(&ligne, "reference")?,
        _ => None,
    };
    sqlx::query(&format!(
        "DELETE FROM {table} WHERE {colonne} = $1 AND rang = $2"
    ))
    .bind(parent)
    .bind(rang)
    .execute(&mut *tx)
    .await?;
    let changement = Changement {
        champ: nom,
        avant: Some(avant),
        apres: None,
    };
    conclure(tx, auteur, numero, changement).await?;
    Ok(cle)
}
