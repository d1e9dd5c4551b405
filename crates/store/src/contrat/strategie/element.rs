//! How pages name the elements of the strategy tree: an axis by its number, an objective by
//! its axis and its position in the axis' tree (depth first, from 1), a fiche-action by its
//! number. Positions are those of the version the page was read at: every change of the tree
//! moves the version on, so a save based on an older page is refused before they are used.

use std::fmt;
use std::str::FromStr;

use pilote_domain::IdContrat;
use sqlx::AnyConnection;

use crate::StoreError;
use crate::ligne::{int, opt_int};

/// An element of the strategy tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Element {
    Axe(i64),
    Objectif { axe: i64, position: usize },
    Fiche(String),
}

impl fmt::Display for Element {
    /// The text form [`Element::from_str`] reads: `axe-2`, `objectif-2-3`, `fiche-2.1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Element::Axe(n) => write!(f, "axe-{n}"),
            Element::Objectif { axe, position } => write!(f, "objectif-{axe}-{position}"),
            Element::Fiche(numero) => write!(f, "fiche-{numero}"),
        }
    }
}

impl FromStr for Element {
    type Err = String;

    fn from_str(texte: &str) -> Result<Self, Self::Err> {
        let erreur = || format!("élément de la stratégie « {texte} » inconnu");
        let nombre = |t: &str| t.parse::<i64>().ok().filter(|n| *n >= 1);
        if let Some(n) = texte.strip_prefix("axe-") {
            return nombre(n).map(Element::Axe).ok_or_else(erreur);
        }
        if let Some(reste) = texte.strip_prefix("objectif-") {
            let (axe, position) = reste.split_once('-').ok_or_else(erreur)?;
            return match (nombre(axe), nombre(position)) {
                (Some(axe), Some(position)) => Ok(Element::Objectif {
                    axe,
                    position: usize::try_from(position).map_err(|_| erreur())?,
                }),
                _ => Err(erreur()),
            };
        }
        match texte.strip_prefix("fiche-") {
            Some(numero) if !numero.is_empty() => Ok(Element::Fiche(numero.to_owned())),
            _ => Err(erreur()),
        }
    }
}

impl Element {
    /// How a sentence names it: « l'axe 2 », « l'objectif 1.3 », « la fiche-action n°2.1 ».
    pub fn designation(&self) -> String {
        match self {
            Element::Fiche(_) => format!("la {}", self.en_clair()),
            _ => format!("l'{}", self.en_clair()),
        }
    }

    /// How the history names it.
    pub fn en_clair(&self) -> String {
        match self {
            Element::Axe(n) => format!("axe {n}"),
            Element::Objectif { axe, position } => format!("objectif {axe}.{position}"),
            Element::Fiche(numero) => format!("fiche-action n°{numero}"),
        }
    }
}

/// The row id of axis `numero` of contract `id`.
pub(super) async fn axe_id(
    conn: &mut AnyConnection,
    id: &IdContrat,
    numero: i64,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "SELECT id FROM axe WHERE contrat_id = $1 AND perimetre = 'cls' AND numero = $2",
    )
    .bind(id.as_str())
    .bind(numero)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::Invalid(format!("le contrat n'a pas d'axe n°{numero}")))
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

/// Objective `position` (from 1) of axis `axe` of contract `id`: its axis' row id and itself.
pub(super) async fn objectif(
    conn: &mut AnyConnection,
    id: &IdContrat,
    axe: i64,
    position: usize,
) -> Result<(i64, LigneObjectif), StoreError> {
    let axe_id = axe_id(conn, id, axe).await?;
    let ligne = objectifs(conn, axe_id)
        .await?
        .get(position.wrapping_sub(1))
        .copied()
        .ok_or_else(|| {
            StoreError::Invalid(format!("l'axe {axe} n'a pas d'objectif n°{axe}.{position}"))
        })?;
    Ok((axe_id, ligne))
}

/// The row id of fiche-action `numero` of contract `id`.
pub(super) async fn fiche_id(
    conn: &mut AnyConnection,
    id: &IdContrat,
    numero: &str,
) -> Result<i64, StoreError> {
    sqlx::query_scalar("SELECT id FROM fiche_action WHERE contrat_id = $1 AND numero = $2")
        .bind(id.as_str())
        .bind(numero)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| {
            StoreError::Invalid(format!("le contrat n'a pas de fiche-action n°{numero}"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn un_element_se_lit_comme_il_s_ecrit() {
        for element in [
            Element::Axe(2),
            Element::Objectif {
                axe: 1,
                position: 3,
            },
            Element::Fiche("2.1".to_owned()),
        ] {
            assert_eq!(element.to_string().parse::<Element>(), Ok(element));
        }
        for mauvais in [
            "",
            "axe-",
            "axe-0",
            "axe-x",
            "objectif-1",
            "objectif-1-0",
            "fiche-",
            "2.1",
        ] {
            assert!(mauvais.parse::<Element>().is_err(), "{mauvais}");
        }
    }
}
