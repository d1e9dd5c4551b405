//! The order of the strategy tree: an axis, objective or fiche-action moves up or down among
//! its siblings, a fiche-action moves to another axis or objective, and the whole tree is
//! renumbered in the order shown (axes 1, 2, 3…, fiches-actions « axe.rang »). Moving keeps
//! numbers, so that what partners know an action by stays true until the coordinator
//! renumbers; renumbering carries the pilots' roles and pending invitations along.

use pilote_domain::IdContrat;

use super::element::{self, Element, fiche_numero, objectif};
use super::{Place, lieu, rang_de_fiche_suivant};
use crate::contrat::historique::{self, Changement};
use crate::contrat::{conclure, ouvrir};
use crate::journal::Auteur;
use crate::ligne::{int, opt_int, text};
use crate::{Store, StoreError};

/// Which way an element moves among its siblings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sens {
    Haut,
    Bas,
}

/// The first number « axe.k » not taken in contract `id`, from `k = depart`.
pub(super) async fn numero_libre(
    tx: &mut sqlx::AnyConnection,
    id: &IdContrat,
    axe: i64,
    depart: i64,
) -> Result<String, StoreError> {
    let mut k = depart;
    loop {
        let numero = format!("{axe}.{k}");
        let pris = sqlx::query("SELECT 1 FROM fiche_action WHERE contrat_id = $1 AND numero = $2")
            .bind(id.as_str())
            .bind(&numero)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if !pris {
            return Ok(numero);
        }
        k += 1;
    }
}

/// Swaps the element at `position` of `ordre` (row ids in order) with its neighbour on side
/// `sens`; `None` when there is none.
fn echanger(ordre: &mut [i64], position: usize, sens: Sens) -> Option<usize> {
    let voisin = match sens {
        Sens::Haut => position.checked_sub(1)?,
        Sens::Bas => Some(position + 1).filter(|v| *v < ordre.len())?,
    };
    ordre.swap(position, voisin);
    Some(voisin)
}

/// Moves `element` one place up or down among its siblings, based on version `lue`.
pub async fn deplacer(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    element: Element,
    sens: Sens,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let trouve = element.trouver(&mut tx, id).await?;
    let ligne = trouve.ligne;
    let bord = || {
        StoreError::Invalid(format!(
            "{} est déjà {} de sa liste",
            element.designation(&trouve.nom),
            if sens == Sens::Haut {
                "en tête"
            } else {
                "à la fin"
            }
        ))
    };
    let (avant, apres) = match element {
        Element::Axe(_) => {
            let mut axes: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM axe WHERE contrat_id = $1 AND perimetre = 'cls' ORDER BY numero",
            )
            .bind(id.as_str())
            .fetch_all(&mut *tx)
            .await?;
            let numeros: Vec<i64> = sqlx::query_scalar(
                "SELECT numero FROM axe WHERE contrat_id = $1 AND perimetre = 'cls' ORDER BY numero",
            )
            .bind(id.as_str())
            .fetch_all(&mut *tx)
            .await?;
            let position = axes.iter().position(|a| *a == ligne).ok_or_else(bord)?;
            let voisin = echanger(&mut axes, position, sens).ok_or_else(bord)?;
            // Numbers are unique: the two axes go through negative ones.
            for (a, n) in axes.iter().zip(&numeros) {
                sqlx::query("UPDATE axe SET numero = $1 WHERE id = $2")
                    .bind(-n)
                    .bind(a)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("UPDATE axe SET numero = -numero WHERE contrat_id = $1 AND numero < 0")
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?;
            (trouve.nom.clone(), format!("axe {}", numeros[voisin]))
        }
        Element::Objectif(o) => {
            let trouve = objectif(&mut tx, id, o).await?;
            let (axe_ligne, o) = (trouve.axe, trouve.ligne);
            let mut freres: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM objectif
                 WHERE axe_id = $1 AND (parent_id = $2 OR (parent_id IS NULL AND $2 IS NULL))
                 ORDER BY rang, id",
            )
            .bind(axe_ligne)
            .bind(o.parent)
            .fetch_all(&mut *tx)
            .await?;
            let rang = freres.iter().position(|f| *f == o.id).ok_or_else(bord)?;
            let voisin = echanger(&mut freres, rang, sens).ok_or_else(bord)?;
            for (r, f) in freres.iter().enumerate() {
                sqlx::query("UPDATE objectif SET rang = $1 WHERE id = $2")
                    .bind(r as i64)
                    .bind(f)
                    .execute(&mut *tx)
                    .await?;
            }
            (
                format!("rang {} parmi ses voisins", rang + 1),
                format!("rang {}", voisin + 1),
            )
        }
        Element::Fiche(_) => {
            let place = sqlx::query("SELECT axe_id, objectif_id FROM fiche_action WHERE id = $1")
                .bind(ligne)
                .fetch_one(&mut *tx)
                .await?;
            let freres = sqlx::query(
                "SELECT id, rang FROM fiche_action
                 WHERE axe_id = $1 AND (objectif_id = $2 OR (objectif_id IS NULL AND $2 IS NULL))
                 ORDER BY rang",
            )
            .bind(int(&place, "axe_id")?)
            .bind(opt_int(&place, "objectif_id")?)
            .fetch_all(&mut *tx)
            .await?;
            let mut ordre: Vec<i64> = freres
                .iter()
                .map(|r| int(r, "id"))
                .collect::<Result<_, _>>()?;
            let rangs: Vec<i64> = freres
                .iter()
                .map(|r| int(r, "rang"))
                .collect::<Result<_, _>>()?;
            let position = ordre.iter().position(|f| *f == ligne).ok_or_else(bord)?;
            let voisin = echanger(&mut ordre, position, sens).ok_or_else(bord)?;
            // The siblings keep the ranks they had between them, in their new order.
            for (f, r) in ordre.iter().zip(&rangs) {
                sqlx::query("UPDATE fiche_action SET rang = $1 WHERE id = $2")
                    .bind(r)
                    .bind(f)
                    .execute(&mut *tx)
                    .await?;
            }
            (
                format!("rang {} parmi ses voisines", position + 1),
                format!("rang {}", voisin + 1),
            )
        }
    };
    let changement = Changement {
        champ: format!("{}, ordre", trouve.nom),
        avant: Some(avant),
        apres: Some(apres),
    };
    conclure(tx, auteur, &[changement]).await
}

/// How the history names the place of fiche-action `fiche`.
async fn place_en_clair(
    tx: &mut sqlx::AnyConnection,
    id: &IdContrat,
    fiche: i64,
) -> Result<String, StoreError> {
    let r = sqlx::query("SELECT axe_id, objectif_id FROM fiche_action WHERE id = $1")
        .bind(fiche)
        .fetch_one(&mut *tx)
        .await?;
    let place = match opt_int(&r, "objectif_id")? {
        Some(objectif) => Place::Objectif(objectif),
        None => Place::Axe(int(&r, "axe_id")?),
    };
    Ok(lieu(tx, id, place).await?.nom)
}

/// Moves fiche-action `fiche` (its identifier) to the end of `place`, keeping its number.
pub async fn rattacher(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    fiche: i64,
    place: Place,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let numero = fiche_numero(&mut tx, id, fiche).await?;
    let lieu = lieu(&mut tx, id, place).await?;
    let avant = place_en_clair(&mut tx, id, fiche).await?;
    let rang = rang_de_fiche_suivant(&mut tx, id).await?;
    sqlx::query("UPDATE fiche_action SET axe_id = $1, objectif_id = $2, rang = $3 WHERE id = $4")
        .bind(lieu.axe)
        .bind(lieu.objectif)
        .bind(rang)
        .bind(fiche)
        .execute(&mut *tx)
        .await?;
    let changements: Vec<Changement> = Changement::si_different(
        &format!("fiche-action n°{numero}, place"),
        Some(avant),
        Some(lieu.nom),
    )
    .into_iter()
    .collect();
    conclure(tx, auteur, &changements).await
}

/// Renumbers the contract's axes 1, 2, 3… in their order and its fiches-actions « axe.k » in
/// the order shown (those on the axis itself, then those of its objectives, depth first). The
/// pilots' roles and pending invitations follow their action's new number.
pub async fn renumeroter(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    // Every action may change number: the forms open on their pages become stale, whichever
    // fiche their number now names.
    let inedite = historique::version_fiche_inedite(&mut tx, id).await?;
    sqlx::query("UPDATE fiche_action SET version = $1 WHERE contrat_id = $2")
        .bind(inedite)
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
    let mut changements = Vec::new();
    let axes = sqlx::query(
        "SELECT id, numero FROM axe WHERE contrat_id = $1 AND perimetre = 'cls' ORDER BY numero",
    )
    .bind(id.as_str())
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query("UPDATE axe SET numero = -numero WHERE contrat_id = $1 AND perimetre = 'cls'")
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
    let mut fiches_renumerotees = Vec::new();
    for (i, axe) in axes.iter().enumerate() {
        let (ligne, ancien, nouveau) = (int(axe, "id")?, int(axe, "numero")?, i as i64 + 1);
        sqlx::query("UPDATE axe SET numero = $1 WHERE id = $2")
            .bind(nouveau)
            .bind(ligne)
            .execute(&mut *tx)
            .await?;
        if ancien != nouveau {
            changements.push(Changement {
                champ: format!("axe {ancien}, numéro"),
                avant: Some(ancien.to_string()),
                apres: Some(nouveau.to_string()),
            });
        }
        // The order shown: actions on the axis itself, then those of its objectives.
        let mut ordre: Vec<(i64, String)> = Vec::new();
        let sur_l_axe = sqlx::query(
            "SELECT id, numero FROM fiche_action WHERE axe_id = $1 AND objectif_id IS NULL
             ORDER BY rang",
        )
        .bind(ligne)
        .fetch_all(&mut *tx)
        .await?;
        for r in &sur_l_axe {
            ordre.push((int(r, "id")?, text(r, "numero")?));
        }
        for o in element::objectifs(&mut tx, ligne).await? {
            for r in sqlx::query(
                "SELECT id, numero FROM fiche_action WHERE objectif_id = $1 ORDER BY rang",
            )
            .bind(o.id)
            .fetch_all(&mut *tx)
            .await?
            {
                ordre.push((int(&r, "id")?, text(&r, "numero")?));
            }
        }
        for (k, (fiche, ancien)) in ordre.into_iter().enumerate() {
            let nouveau = format!("{nouveau}.{}", k + 1);
            if ancien != nouveau {
                fiches_renumerotees.push((fiche, ancien, nouveau));
            }
        }
    }
    // A number given to an action of the CLSM stays with it.
    for (_, ancien, nouveau) in &fiches_renumerotees {
        let pris: Option<i64> = sqlx::query_scalar(
            "SELECT f.id FROM fiche_action f JOIN axe a ON a.id = f.axe_id
             WHERE f.contrat_id = $1 AND f.numero = $2 AND a.perimetre = 'clsm'",
        )
        .bind(id.as_str())
        .bind(nouveau)
        .fetch_optional(&mut *tx)
        .await?;
        if pris.is_some() {
            return Err(StoreError::Invalid(format!(
                "le numéro {nouveau} (pour la fiche-action n°{ancien}) est celui d'une \
                 fiche-action du conseil local de santé mentale"
            )));
        }
    }
    // Numbers are unique: every renumbered action goes through a temporary « ~ » form first.
    // Grants and invitations name the action by its identifier and follow it.
    for (fiche, ancien, nouveau) in &fiches_renumerotees {
        sqlx::query("UPDATE fiche_action SET numero = $1 WHERE id = $2")
            .bind(format!("~{nouveau}"))
            .bind(fiche)
            .execute(&mut *tx)
            .await?;
        changements.push(Changement {
            champ: format!("fiche-action n°{ancien}, numéro"),
            avant: Some(ancien.clone()),
            apres: Some(nouveau.clone()),
        });
    }
    sqlx::query(
        "UPDATE fiche_action SET numero = substr(numero, 2)
         WHERE contrat_id = $1 AND numero LIKE '~%'",
    )
    .bind(id.as_str())
    .execute(&mut *tx)
    .await?;
    if changements.is_empty() {
        return Err(StoreError::Invalid(
            "la numérotation suit déjà l'ordre de la stratégie".to_owned(),
        ));
    }
    conclure(tx, auteur, &changements).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn un_element_s_echange_avec_son_voisin_dans_la_liste() {
        let mut ordre = vec![10, 20, 30];
        assert_eq!(echanger(&mut ordre, 1, Sens::Haut), Some(0));
        assert_eq!(ordre, [20, 10, 30]);
        assert_eq!(echanger(&mut ordre, 1, Sens::Bas), Some(2));
        assert_eq!(ordre, [20, 30, 10]);
        assert_eq!(echanger(&mut ordre, 0, Sens::Haut), None);
        assert_eq!(echanger(&mut ordre, 2, Sens::Bas), None);
        assert_eq!(ordre, [20, 30, 10]);
    }
}
