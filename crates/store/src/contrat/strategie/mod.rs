//! The strategy tree of a contract, changed from its pages: axes, objectives (général,
//! spécifique, opérationnel) and fiches-actions are added, edited and removed here; their
//! order, attachment and numbering in [`ordre`]. Every change is one transaction, based on
//! the version the page was read at, recorded in the history.

mod element;
pub mod ordre;
pub mod plan;

use std::str::FromStr;

use pilote_domain::IdContrat;
use pilote_domain::champ::{LIBELLE_MAX, maximum};
use pilote_domain::strategie::NiveauObjectif;

pub use element::Element;
use element::{axe_numero, objectif};

use super::historique::{self, Changement};
use super::{conclure, ouvrir};
use crate::journal::Auteur;
use crate::{Store, StoreError};

/// A text of at most `max` characters, trimmed, or the French message saying it is missing or
/// too long.
fn texte(saisi: &str, quoi: &str, max: usize) -> Result<String, StoreError> {
    let texte = saisi.trim();
    match texte.chars().count() {
        0 => Err(StoreError::Invalid(format!("indiquez {quoi}"))),
        n if n > max => Err(StoreError::Invalid(format!(
            "{quoi} dépasse {max} caractères ({n})"
        ))),
        _ => Ok(texte.to_owned()),
    }
}

/// A title, within the length of every title ([`LIBELLE_MAX`]).
fn titre(saisi: &str, quoi: &str) -> Result<String, StoreError> {
    texte(saisi, &format!("le titre {quoi}"), LIBELLE_MAX)
}

/// What an axis says of itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AxeSaisi {
    pub titre: String,
    pub description: String,
    pub transversal: bool,
}

impl AxeSaisi {
    fn en_clair(&self) -> String {
        let mut texte = self.titre.clone();
        if self.transversal {
            texte.push_str(" (transversal)");
        }
        if !self.description.is_empty() {
            texte.push_str(&format!(" — {}", self.description));
        }
        texte
    }

    fn verifie(&self) -> Result<AxeSaisi, StoreError> {
        Ok(AxeSaisi {
            titre: titre(&self.titre, "de l'axe")?,
            description: match self.description.trim() {
                "" => String::new(),
                d => texte(d, "la description de l'axe", maximum("description"))?,
            },
            transversal: self.transversal,
        })
    }
}

/// Adds an axis after the others, based on version `lue`; returns its number.
pub async fn ajouter_axe(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    axe: &AxeSaisi,
) -> Result<i64, StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let axe = axe.verifie()?;
    let numero: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(numero), 0) + 1 FROM axe WHERE contrat_id = $1 AND perimetre = 'cls'",
    )
    .bind(id.as_str())
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO axe (contrat_id, perimetre, numero, titre, description, transversal)
         VALUES ($1, 'cls', $2, $3, $4, $5)",
    )
    .bind(id.as_str())
    .bind(numero)
    .bind(&axe.titre)
    .bind(Some(&axe.description).filter(|d| !d.is_empty()))
    .bind(i64::from(axe.transversal))
    .execute(&mut *tx)
    .await?;
    let changement = Changement {
        champ: format!("axe {numero}"),
        avant: None,
        apres: Some(axe.en_clair()),
    };
    conclure(tx, auteur, &[changement]).await?;
    Ok(numero)
}

/// Changes the title, description and transversal flag of axis `ligne` (its identifier).
pub async fn modifier_axe(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    ligne: i64,
    axe: &AxeSaisi,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let axe = axe.verifie()?;
    let numero = axe_numero(&mut tx, id, ligne).await?;
    let avant = sqlx::query("SELECT titre, description, transversal FROM axe WHERE id = $1")
        .bind(ligne)
        .fetch_one(&mut *tx)
        .await?;
    let avant = AxeSaisi {
        titre: crate::ligne::text(&avant, "titre")?,
        description: crate::ligne::opt_text(&avant, "description")?.unwrap_or_default(),
        transversal: crate::ligne::flag(&avant, "transversal")?,
    };
    sqlx::query("UPDATE axe SET titre = $1, description = $2, transversal = $3 WHERE id = $4")
        .bind(&axe.titre)
        .bind(Some(&axe.description).filter(|d| !d.is_empty()))
        .bind(i64::from(axe.transversal))
        .bind(ligne)
        .execute(&mut *tx)
        .await?;
    let changements: Vec<Changement> = Changement::si_different(
        &format!("axe {numero}"),
        Some(avant.en_clair()),
        Some(axe.en_clair()),
    )
    .into_iter()
    .collect();
    conclure(tx, auteur, &changements).await
}

/// Where a new objective or fiche-action goes, or where a fiche-action moves: directly on
/// an axis, or under an objective (by their identifiers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Axe(i64),
    Objectif(i64),
}

impl FromStr for Place {
    type Err = String;

    /// An axis or an objective as forms name them (`axe-12`, `objectif-40`).
    fn from_str(texte: &str) -> Result<Self, Self::Err> {
        match texte.parse::<Element>()? {
            Element::Axe(axe) => Ok(Place::Axe(axe)),
            Element::Objectif(objectif) => Ok(Place::Objectif(objectif)),
            Element::Fiche(_) => Err("choisissez un axe ou un objectif".to_owned()),
        }
    }
}

/// A place found in the contract.
struct Lieu {
    axe: i64,
    axe_numero: i64,
    objectif: Option<i64>,
    /// How the history names it: « axe 2 », « axe 2, objectif 2.3 ».
    nom: String,
}

async fn lieu(
    tx: &mut sqlx::AnyConnection,
    id: &IdContrat,
    place: Place,
) -> Result<Lieu, StoreError> {
    Ok(match place {
        Place::Axe(axe) => {
            let numero = axe_numero(tx, id, axe).await?;
            Lieu {
                axe,
                axe_numero: numero,
                objectif: None,
                nom: format!("axe {numero}"),
            }
        }
        Place::Objectif(o) => {
            let o = objectif(tx, id, o).await?;
            Lieu {
                axe: o.axe,
                axe_numero: o.axe_numero,
                objectif: Some(o.ligne.id),
                nom: format!("axe {}, {}", o.axe_numero, o.nom()),
            }
        }
    })
}

/// The level of an objective placed under `parent`: strictly below it (a specific objective
/// under a general one, an operational one under either).
async fn niveau_sous(
    tx: &mut sqlx::AnyConnection,
    parent: Option<i64>,
    niveau: NiveauObjectif,
) -> Result<(), StoreError> {
    let Some(parent) = parent else {
        return Ok(());
    };
    let code: String = sqlx::query_scalar("SELECT niveau FROM objectif WHERE id = $1")
        .bind(parent)
        .fetch_one(&mut *tx)
        .await?;
    let du_parent = NiveauObjectif::parse(&code).map_err(StoreError::Corrupt)?;
    if niveau <= du_parent {
        return Err(StoreError::Invalid(format!(
            "un objectif placé sous un « {} » doit être d'un niveau inférieur (pas « {} »)",
            du_parent.libelle().to_lowercase(),
            niveau.libelle().to_lowercase()
        )));
    }
    Ok(())
}

/// Adds an objective at the end of its place, based on version `lue`.
pub async fn ajouter_objectif(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    place: Place,
    niveau: NiveauObjectif,
    libelle: &str,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let libelle = texte(libelle, "le libellé de l'objectif", maximum("libelle"))?;
    let lieu = lieu(&mut tx, id, place).await?;
    let (axe, parent) = (lieu.axe, lieu.objectif);
    niveau_sous(&mut tx, parent, niveau).await?;
    let rang: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(rang), -1) + 1 FROM objectif
         WHERE axe_id = $1 AND (parent_id = $2 OR (parent_id IS NULL AND $2 IS NULL))",
    )
    .bind(axe)
    .bind(parent)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO objectif (axe_id, parent_id, rang, niveau, libelle) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(axe)
    .bind(parent)
    .bind(rang)
    .bind(niveau.code())
    .bind(&libelle)
    .execute(&mut *tx)
    .await?;
    let changement = Changement {
        champ: format!("axe {}, objectif", lieu.axe_numero),
        avant: None,
        apres: Some(format!("{} : {libelle}", niveau.libelle())),
    };
    conclure(tx, auteur, &[changement]).await
}

/// Changes the level and wording of objective `objectif` (its identifier).
pub async fn modifier_objectif(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    objectif_id: i64,
    niveau: NiveauObjectif,
    libelle: &str,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let libelle = texte(libelle, "le libellé de l'objectif", maximum("libelle"))?;
    let trouve = objectif(&mut tx, id, objectif_id).await?;
    let ligne = trouve.ligne;
    niveau_sous(&mut tx, ligne.parent, niveau).await?;
    let en_dessous =
        sqlx::query_scalar::<_, String>("SELECT niveau FROM objectif WHERE parent_id = $1")
            .bind(ligne.id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .filter_map(|c| NiveauObjectif::parse(c).ok())
            .any(|n| n <= niveau);
    if en_dessous {
        return Err(StoreError::Invalid(format!(
            "l'objectif a des sous-objectifs d'un niveau égal ou supérieur à « {} »",
            niveau.libelle().to_lowercase()
        )));
    }
    let avant = sqlx::query("SELECT niveau, libelle FROM objectif WHERE id = $1")
        .bind(ligne.id)
        .fetch_one(&mut *tx)
        .await?;
    let en_clair = |niveau: &str, libelle: &str| {
        let niveau = NiveauObjectif::parse(niveau).map_or(niveau, |n| n.libelle());
        format!("{niveau} : {libelle}")
    };
    let avant = en_clair(
        &crate::ligne::text(&avant, "niveau")?,
        &crate::ligne::text(&avant, "libelle")?,
    );
    sqlx::query("UPDATE objectif SET niveau = $1, libelle = $2 WHERE id = $3")
        .bind(niveau.code())
        .bind(&libelle)
        .bind(ligne.id)
        .execute(&mut *tx)
        .await?;
    let changements: Vec<Changement> = Changement::si_different(
        &trouve.nom(),
        Some(avant),
        Some(en_clair(niveau.code(), &libelle)),
    )
    .into_iter()
    .collect();
    conclure(tx, auteur, &changements).await
}

/// The next `rang` of fiches-actions in contract `id`: after all the others.
async fn rang_de_fiche_suivant(
    tx: &mut sqlx::AnyConnection,
    id: &IdContrat,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE(MAX(rang), -1) + 1 FROM fiche_action WHERE contrat_id = $1",
    )
    .bind(id.as_str())
    .fetch_one(&mut *tx)
    .await?)
}

/// Adds a fiche-action at the end of its place, based on version `lue`; returns its number,
/// the first free one of its axis (« 2.3 » for the third action of axis 2).
pub async fn ajouter_fiche(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    place: Place,
    titre_fiche: &str,
) -> Result<String, StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let titre = titre(titre_fiche, "de la fiche-action")?;
    let lieu = lieu(&mut tx, id, place).await?;
    let dans_l_axe: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM fiche_action WHERE axe_id = $1")
        .bind(lieu.axe)
        .fetch_one(&mut *tx)
        .await?;
    let numero = ordre::numero_libre(&mut tx, id, lieu.axe_numero, dans_l_axe + 1).await?;
    let rang = rang_de_fiche_suivant(&mut tx, id).await?;
    let version = historique::version_fiche_inedite(&mut tx, id).await?;
    sqlx::query(
        "INSERT INTO fiche_action
             (contrat_id, axe_id, objectif_id, rang, numero, titre, objectifs, partenaires,
              version)
         VALUES ($1, $2, $3, $4, $5, $6, '[]', '[]', $7)",
    )
    .bind(id.as_str())
    .bind(lieu.axe)
    .bind(lieu.objectif)
    .bind(rang)
    .bind(&numero)
    .bind(&titre)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    let changement = Changement {
        champ: format!("fiche-action n°{numero}"),
        avant: None,
        apres: Some(titre),
    };
    conclure(tx, auteur, &[changement]).await?;
    Ok(numero)
}

/// Removes an element of the strategy tree. An axis or an objective is removed only when
/// empty (its fiches-actions and sub-objectives moved or removed first), so that no action
/// goes with it unnoticed; a fiche-action goes with all it holds, and its pilots lose their
/// role on it.
pub async fn supprimer(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    element: Element,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let trouve = element.trouver(&mut tx, id).await?;
    let pas_vide = || {
        StoreError::Invalid(format!(
            "{} contient des {} ou des fiches-actions : déplacez-les ou supprimez-les d'abord",
            element.designation(&trouve.nom),
            if matches!(element, Element::Axe(_)) {
                "objectifs"
            } else {
                "sous-objectifs"
            }
        ))
    };
    let (table, titre) = match element {
        Element::Axe(axe) => {
            let contenu: i64 = sqlx::query_scalar(
                "SELECT (SELECT COUNT(*) FROM objectif WHERE axe_id = $1)
                      + (SELECT COUNT(*) FROM fiche_action WHERE axe_id = $1)",
            )
            .bind(axe)
            .fetch_one(&mut *tx)
            .await?;
            if contenu > 0 {
                return Err(pas_vide());
            }
            ("axe", "titre")
        }
        Element::Objectif(objectif) => {
            let contenu: i64 = sqlx::query_scalar(
                "SELECT (SELECT COUNT(*) FROM objectif WHERE parent_id = $1)
                      + (SELECT COUNT(*) FROM fiche_action WHERE objectif_id = $1)",
            )
            .bind(objectif)
            .fetch_one(&mut *tx)
            .await?;
            if contenu > 0 {
                return Err(pas_vide());
            }
            ("objectif", "libelle")
        }
        // Its pilots' grants and invitations go with it (ON DELETE CASCADE).
        Element::Fiche(_) => ("fiche_action", "titre"),
    };
    let avant: String = sqlx::query_scalar(&format!("SELECT {titre} FROM {table} WHERE id = $1"))
        .bind(trouve.ligne)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query(&format!("DELETE FROM {table} WHERE id = $1"))
        .bind(trouve.ligne)
        .execute(&mut *tx)
        .await?;
    let changement = Changement {
        champ: trouve.nom,
        avant: Some(avant),
        apres: None,
    };
    conclure(tx, auteur, &[changement]).await
}
