//! How pages name the elements of the strategy tree: by their kind and stable identifier
//! (`axe-12`, `objectif-40`, `fiche-311`), never by their number or position, which moving and
//! renumbering change. Sentences and the history name them as people know them now: « l'axe
//! 2 », « l'objectif 1.3 », « la fiche-action n°2.1 ».

use std::fmt;
use std::str::FromStr;

use pilote_domain::IdContrat;
use sqlx::AnyConnection;

use crate::StoreError;
use crate::ligne::{int, opt_int};

/// An element of the strategy tree, by its identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    Axe(i64),
    Objectif(i64),
    Fiche(i64),
}

impl fmt::Display for Element {
    /// The text form [`Element::from_str`] reads: `axe-12`, `objectif-40`, `fiche-311`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Element::Axe(id) => write!(f, "axe-{id}"),
            Element::Objectif(id) => write!(f, "objectif-{id}"),
            Element::Fiche(id) => write!(f, "fiche-{id}"),
        }
    }
}

impl FromStr for Element {
    type Err = String;

    fn from_str(texte: &str) -> Result<Self, Self::Err> {
        match crate::contrat::designation(texte) {
            Some(("axe", id)) => Ok(Element::Axe(id)),
            Some(("objectif", id)) => Ok(Element::Objectif(id)),
            Some(("fiche", id)) => Ok(Element::Fiche(id)),
            _ => Err(format!("élément de la stratégie « {texte} » inconnu")),
        }
    }
}

/// An element found in its contract: its row id, and how the history names it now.
#[derive(Debug, Clone)]
pub(super) struct Trouve {
    pub ligne: i64,
    pub nom: String,
}

impl Element {
    /// Finds the element in the strategy of contract `id` (not in that of its CLSM), or the
    /// French message saying it is not there.
    pub(super) async fn trouver(
        self,
        conn: &mut AnyConnection,
        id: &IdContrat,
    ) -> Result<Trouve, StoreError> {
        let (ligne, nom) = match self {
            Element::Axe(axe) => (axe, format!("axe {}", axe_numero(conn, id, axe).await?)),
            Element::Objectif(o) => {
                let o = objectif(conn, id, o).await?;
                (o.ligne.id, o.nom())
            }
            Element::Fiche(fiche) => (
                fiche,
                format!("fiche-action n°{}", fiche_numero(conn, id, fiche).await?),
            ),
        };
        Ok(Trouve { ligne, nom })
    }

    /// How a sentence names it, from its name in the history: « l'axe 2 », « la
    /// fiche-action n°2.1 ».
    pub(super) fn designation(self, nom: &str) -> String {
        match self {
            Element::Fiche(_) => format!("la {nom}"),
            _ => format!("l'{nom}"),
        }
    }
}

/// The number of axis `axe` (its row id) of contract `id`.
pub(super) async fn axe_numero(
    conn: &mut AnyConnection,
    id: &IdContrat,
    axe: i64,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "SELECT numero FROM axe WHERE id = $1 AND contrat_id = $2 AND perimetre = 'cls'",
    )
    .bind(axe)
    .bind(id.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::Invalid("cet axe n'existe pas dans la stratégie du contrat".into()))
}

/// The number of fiche-action `fiche` (its row id) of contract `id`, outside its CLSM.
pub(super) async fn fiche_numero(
    conn: &mut AnyConnection,
    id: &IdContrat,
    fiche: i64,
) -> Result<String, StoreError> {
    sqlx::query_scalar(
        "SELECT f.numero FROM fiche_action f JOIN axe a ON a.id = f.axe_id
         WHERE f.id = $1 AND f.contrat_id = $2 AND a.perimetre = 'cls'",
    )
    .bind(fiche)
    .bind(id.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| {
        StoreError::Invalid("cette fiche-action n'existe pas dans la stratégie du contrat".into())
    })
}

/// An objective as stored: its row id and parent.
#[derive(Debug, Clone, Copy)]
pub(super) struct LigneObjectif {
    pub id: i64,
    pub parent: Option<i64>,
}

/// The objectives of axis `axe_id`, depth first, in the order the contract page shows them.
pub(super) async fn objectifs(
    conn: &mut AnyConnection,
    axe_id: i64,
) -> Result<Vec<LigneObjectif>, StoreError> {
    let lignes: Vec<LigneObjectif> =
        sqlx::query("SELECT id, parent_id FROM objectif WHERE axe_id = $1 ORDER BY rang, id")
            .bind(axe_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| {
                Ok(LigneObjectif {
                    id: int(r, "id")?,
                    parent: opt_int(r, "parent_id")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
    fn parcourir(lignes: &[LigneObjectif], parent: Option<i64>, vue: &mut Vec<LigneObjectif>) {
        for l in lignes.iter().filter(|l| l.parent == parent) {
            vue.push(*l);
            parcourir(lignes, Some(l.id), vue);
        }
    }
    let mut vue = Vec::with_capacity(lignes.len());
    parcourir(&lignes, None, &mut vue);
    Ok(vue)
}

/// An objective found in its contract: its row, its axis, and its number as the page shows
/// it (« 1.3 »: its axis' number, its position in the axis' tree, depth first, from 1).
#[derive(Debug, Clone, Copy)]
pub(super) struct ObjectifTrouve {
    pub ligne: LigneObjectif,
    pub axe: i64,
    pub axe_numero: i64,
    pub position: usize,
}

impl ObjectifTrouve {
    /// How the history names it: « objectif 1.3 ».
    pub fn nom(&self) -> String {
        format!("objectif {}.{}", self.axe_numero, self.position)
    }
}

/// Objective `objectif` (its row id) of contract `id`.
pub(super) async fn objectif(
    conn: &mut AnyConnection,
    id: &IdContrat,
    objectif: i64,
) -> Result<ObjectifTrouve, StoreError> {
    let r = sqlx::query(
        "SELECT o.axe_id, a.numero FROM objectif o JOIN axe a ON a.id = o.axe_id
         WHERE o.id = $1 AND a.contrat_id = $2 AND a.perimetre = 'cls'",
    )
    .bind(objectif)
    .bind(id.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| {
        StoreError::Invalid("cet objectif n'existe pas dans la stratégie du contrat".into())
    })?;
    let axe = int(&r, "axe_id")?;
    let arbre = objectifs(conn, axe).await?;
    let position = arbre
        .iter()
        .position(|l| l.id == objectif)
        .ok_or_else(|| StoreError::Corrupt(format!("objectif {objectif} hors de son axe")))?;
    Ok(ObjectifTrouve {
        ligne: arbre[position],
        axe,
        axe_numero: int(&r, "numero")?,
        position: position + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn un_element_se_lit_comme_il_s_ecrit() {
        for element in [Element::Axe(2), Element::Objectif(13), Element::Fiche(211)] {
            assert_eq!(element.to_string().parse::<Element>(), Ok(element));
        }
        for mauvais in [
            "",
            "axe-",
            "axe-0",
            "axe-x",
            "objectif-1-0",
            "fiche-",
            "fiche-2.1",
            "note-3",
            "2",
        ] {
            assert!(mauvais.parse::<Element>().is_err(), "{mauvais}");
        }
    }
}
