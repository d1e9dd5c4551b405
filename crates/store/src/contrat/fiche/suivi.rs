//! The follow-up of a fiche-action, item by item: steps of its calendar (added, marked done),
//! dated values of its indicators with their source, dated progress notes, attached documents
//! (the file itself is in the document storage, the row names its key), and the removal of
//! any of these or of a budget line or an indicator. Items are named by their identifier,
//! which stays theirs whatever is added or removed around them; the history names them by
//! their place on the page at the time (« note 2 »).

use pilote_domain::IdContrat;
use pilote_domain::autorisation::Operation;
use pilote_domain::fiche_action::{Cible, Document, Etape, Mesure, Note};

use super::rang_suivant;
use crate::contrat::historique::Changement;
use crate::contrat::insertion::{
    DOCUMENTS_DE_FICHE, inserer_documents, inserer_etapes, inserer_mesures, inserer_notes,
};
use crate::contrat::{Modification, autoriser, ouvrir_fiche};
use crate::journal::Auteur;
use crate::ligne::{int, opt_text, text};
use crate::{Store, StoreError};
use sqlx::any::AnyRow;

/// An item of a fiche-action's follow-up, by its identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    Etape(i64),
    LigneBudget(i64),
    Indicateur(i64),
    Mesure(i64),
    Cible(i64),
    Note(i64),
    Document(i64),
}

impl std::str::FromStr for Element {
    type Err = String;

    /// `etape-17`, `budget-4`, `indicateur-9`, `mesure-31`, `cible-12`, `note-8`,
    /// `document-3`.
    fn from_str(texte: &str) -> Result<Self, Self::Err> {
        let erreur = || format!("élément de la fiche-action « {texte} » inconnu");
        let (genre, id) = crate::contrat::designation(texte).ok_or_else(erreur)?;
        Ok(match genre {
            "etape" => Element::Etape(id),
            "budget" => Element::LigneBudget(id),
            "indicateur" => Element::Indicateur(id),
            "mesure" => Element::Mesure(id),
            "cible" => Element::Cible(id),
            "note" => Element::Note(id),
            "document" => Element::Document(id),
            _ => return Err(erreur()),
        })
    }
}

impl Element {
    /// Its identifier, its table, and its kind as the history names it.
    fn ligne(self) -> (i64, &'static str, &'static str) {
        match self {
            Element::Etape(id) => (id, "etape", "étape"),
            Element::LigneBudget(id) => (id, "ligne_budget", "ligne de budget"),
            Element::Indicateur(id) => (id, "indicateur", "indicateur"),
            Element::Mesure(id) => (id, "mesure", "valeur"),
            Element::Cible(id) => (id, "cible", "cible"),
            Element::Note(id) => (id, "note", "note"),
            Element::Document(id) => (id, "document", "document"),
        }
    }
}

/// The row of `element` among the items of fiche-action row `fiche`, and how the history
/// names it: « note 2 », « indicateur 1, valeur 3 » (its place on the page now). Refuses an
/// item the fiche-action does not have.
async fn trouver(
    conn: &mut sqlx::AnyConnection,
    fiche: i64,
    element: Element,
) -> Result<(AnyRow, String), StoreError> {
    let (id, table, genre) = element.ligne();
    let requete = match element {
        Element::Mesure(_) | Element::Cible(_) => format!(
            "SELECT t.*,
                (SELECT COUNT(*) FROM {table} u
                 WHERE u.indicateur_id = t.indicateur_id AND u.rang <= t.rang) AS position,
                (SELECT COUNT(*) FROM indicateur j
                 WHERE j.fiche_id = i.fiche_id AND j.rang <= i.rang) AS position_indicateur
             FROM {table} t JOIN indicateur i ON i.id = t.indicateur_id
             WHERE t.id = $1 AND i.fiche_id = $2"
        ),
        _ => format!(
            "SELECT t.*,
                (SELECT COUNT(*) FROM {table} u
                 WHERE u.fiche_id = t.fiche_id AND u.rang <= t.rang) AS position
             FROM {table} t WHERE t.id = $1 AND t.fiche_id = $2"
        ),
    };
    let ligne = sqlx::query(&requete)
        .bind(id)
        .bind(fiche)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| {
            StoreError::Invalid(format!(
                "la fiche-action n'a pas cet élément ({genre} n°{id}) : il a été retiré"
            ))
        })?;
    let position = int(&ligne, "position")?;
    let nom = match element {
        Element::Mesure(_) | Element::Cible(_) => format!(
            "indicateur {}, {genre} {position}",
            int(&ligne, "position_indicateur")?
        ),
        _ => format!("{genre} {position}"),
    };
    Ok((ligne, nom))
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
        id: None,
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

/// Marks step `etape` of fiche-action `numero` done, or not done.
pub async fn marquer_etape(
    store: &Store,
    auteur: &Auteur,
    (id, numero): (&IdContrat, &str),
    lue: i64,
    etape: i64,
    faite: bool,
) -> Result<(), StoreError> {
    let (mut tx, fiche) = ouvrir_fiche(store, auteur, id, numero, lue).await?;
    let (ligne, nom) = trouver(&mut tx, fiche, Element::Etape(etape)).await?;
    let libelle = text(&ligne, "libelle")?;
    sqlx::query("UPDATE etape SET faite = $1 WHERE id = $2")
        .bind(i64::from(faite))
        .bind(etape)
        .execute(&mut *tx)
        .await?;
    let etat = |f: bool| {
        Some(format!(
            "{libelle} : {}",
            if f { "faite" } else { "à faire" }
        ))
    };
    let changement = Changement {
        champ: nom,
        avant: etat(!faite),
        apres: etat(faite),
    };
    conclure(tx, auteur, numero, changement).await
}

/// Adds a dated value, with its source, to indicator `indicateur` of fiche-action `numero`.
pub async fn ajouter_mesure(
    store: &Store,
    auteur: &Auteur,
    (id, numero): (&IdContrat, &str),
    lue: i64,
    indicateur: i64,
    mesure: &Mesure,
) -> Result<(), StoreError> {
    let (mut tx, fiche) = ouvrir_fiche(store, auteur, id, numero, lue).await?;
    if !mesure.valeur.is_finite() {
        return Err(StoreError::Invalid(
            "la valeur mesurée n'est pas un nombre".to_owned(),
        ));
    }
    let (_, nom) = trouver(&mut tx, fiche, Element::Indicateur(indicateur)).await?;
    let rang: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(rang), -1) + 1 FROM mesure WHERE indicateur_id = $1",
    )
    .bind(indicateur)
    .fetch_one(&mut *tx)
    .await?;
    inserer_mesures(&mut tx, &[(indicateur, rang, mesure)]).await?;
    let source = mesure
        .source
        .as_ref()
        .map(|s| format!(" (source : {s})"))
        .unwrap_or_default();
    let changement = Changement {
        champ: format!("{nom}, valeur"),
        avant: None,
        apres: Some(format!("{} au {}{source}", mesure.valeur, mesure.date)),
    };
    conclure(tx, auteur, numero, changement).await
}

/// Adds a target for a year to indicator `indicateur` of fiche-action `numero`; a year has one
/// target.
pub async fn ajouter_cible(
    store: &Store,
    auteur: &Auteur,
    (id, numero): (&IdContrat, &str),
    lue: i64,
    indicateur: i64,
    cible: &Cible,
) -> Result<(), StoreError> {
    let (mut tx, fiche) = ouvrir_fiche(store, auteur, id, numero, lue).await?;
    if !cible.valeur.is_finite() {
        return Err(StoreError::Invalid(
            "la valeur cible n'est pas un nombre".to_owned(),
        ));
    }
    let (_, nom) = trouver(&mut tx, fiche, Element::Indicateur(indicateur)).await?;
    let deja: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM cible WHERE indicateur_id = $1 AND annee = $2")
            .bind(indicateur)
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
    .bind(indicateur)
    .bind(i64::from(cible.annee))
    .bind(cible.valeur)
    .execute(&mut *tx)
    .await?;
    let changement = Changement {
        champ: format!("{nom}, cible"),
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
        id: None,
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
        id: None,
        titre: requis(&document.titre, "indiquez le titre du document")?,
        ..document.clone()
    };
    let rang = rang_suivant(&mut tx, "document", fiche).await?;
    inserer_documents(&mut tx, DOCUMENTS_DE_FICHE, &[(fiche, rang, &document)]).await?;
    let changement = Changement {
        champ: "document".to_owned(),
        avant: None,
        apres: Some(document.titre.clone()),
    };
    conclure(tx, auteur, numero, changement).await
}

/// Document `document` of fiche-action `numero`, for those who read the whole contract.
pub async fn document(
    store: &Store,
    auteur: &Auteur,
    (id, numero): (&IdContrat, &str),
    document: i64,
) -> Result<Document, StoreError> {
    let mut tx = store.lecture(auteur).await?;
    autoriser(&mut tx, auteur, id, &Operation::LireTout).await?;
    let r = sqlx::query(
        "SELECT d.titre, d.date, d.reference, d.publie FROM document d
         JOIN fiche_action f ON f.id = d.fiche_id
         WHERE d.id = $1 AND f.contrat_id = $2 AND f.numero = $3",
    )
    .bind(document)
    .bind(id.as_str())
    .bind(numero)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        StoreError::NotFound(format!(
            "aucun document n°{document} pour la fiche-action n°{numero}"
        ))
    })?;
    let document = Document {
        id: Some(document),
        titre: text(&r, "titre")?,
        date: crate::ligne::opt_parse(&r, "date")?,
        reference: text(&r, "reference")?,
        publie: int(&r, "publie")? != 0,
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
    let (ligne, nom) = trouver(&mut tx, fiche, element).await?;
    let (id_element, table, _) = element.ligne();
    let resume = match element {
        Element::Etape(_) | Element::Indicateur(_) => "libelle",
        Element::LigneBudget(_) => "financeur",
        Element::Mesure(_) => "date",
        Element::Cible(_) => "annee",
        Element::Note(_) => "texte",
        Element::Document(_) => "titre",
    };
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
    sqlx::query(&format!("DELETE FROM {table} WHERE id = $1"))
        .bind(id_element)
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
