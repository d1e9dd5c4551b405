//! The Conseil Local de Santé Mentale from its page: its name, launch and presentation (the
//! council created by its first save), its own axes, its bodies with their members, its events
//! (the Semaines d'information sur la santé mentale, trainings…), any of them removed, or the
//! council as a whole. Each save is one transaction based on the contract's version, recorded
//! in the history.

use std::collections::HashMap;

use pilote_domain::clsm::Evenement;
use pilote_domain::gouvernance::Instance;
use pilote_domain::strategie::Axe;
use pilote_domain::{DatePartielle, IdContrat};

use super::ecriture::{inserer_axes, inserer_instances};
use super::historique::{Changement, lignes};
use super::insertion::inserer_evenement;
use super::{absent, conclure, designation, ouvrir};
use crate::journal::Auteur;
use crate::ligne::{json, opt_text, text, to_json};
use crate::{Store, StoreError};

/// What the council's general form sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnTete {
    pub nom: String,
    pub lancement: Option<DatePartielle>,
    pub presentation: Vec<String>,
}

/// Creates the council of contract `id`, or changes its name, launch and presentation.
pub async fn enregistrer(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    nouvel: &EnTete,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let nom = nouvel.nom.trim();
    if nom.is_empty() {
        return Err(StoreError::Invalid(
            "indiquez le nom du conseil, par exemple « CLSM de Caen »".to_owned(),
        ));
    }
    let avant = sqlx::query("SELECT nom, lancement, presentation FROM clsm WHERE contrat_id = $1")
        .bind(id.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    let (nom_avant, lancement_avant, presentation_avant) = match &avant {
        Some(r) => (
            Some(text(r, "nom")?),
            opt_text(r, "lancement")?,
            lignes(&json::<Vec<String>>(r, "presentation")?),
        ),
        None => (None, None, None),
    };
    let changements: Vec<Changement> = [
        Changement::si_different("CLSM, nom", nom_avant, Some(nom.to_owned())),
        Changement::si_different(
            "CLSM, lancement",
            lancement_avant,
            nouvel.lancement.map(|d| d.to_string()),
        ),
        Changement::si_different(
            "CLSM, présentation",
            presentation_avant,
            lignes(&nouvel.presentation),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    let requete = if avant.is_some() {
        "UPDATE clsm SET nom = $2, lancement = $3, presentation = $4 WHERE contrat_id = $1"
    } else {
        "INSERT INTO clsm (contrat_id, nom, lancement, presentation) VALUES ($1, $2, $3, $4)"
    };
    sqlx::query(requete)
        .bind(id.as_str())
        .bind(nom)
        .bind(nouvel.lancement.map(|d| d.to_string()))
        .bind(to_json(&nouvel.presentation))
        .execute(&mut *tx)
        .await?;
    conclure(tx, auteur, &changements).await
}

/// Refuses a change to a council the contract does not have yet.
async fn exiger_le_conseil(tx: &mut sqlx::AnyConnection, id: &IdContrat) -> Result<(), StoreError> {
    let existe: Option<String> = sqlx::query_scalar("SELECT nom FROM clsm WHERE contrat_id = $1")
        .bind(id.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    existe.map(drop).ok_or_else(|| {
        StoreError::Invalid(
            "enregistrez d'abord le nom du conseil local de santé mentale".to_owned(),
        )
    })
}

/// Adds an axis of the council after its others (numbered from 1, apart from the contract's).
pub async fn ajouter_axe(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    titre: &str,
    description: Option<String>,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    exiger_le_conseil(&mut tx, id).await?;
    let titre = titre.trim();
    if titre.is_empty() {
        return Err(StoreError::Invalid("indiquez le titre de l'axe".to_owned()));
    }
    let numero: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(numero), 0) + 1 FROM axe WHERE contrat_id = $1 AND perimetre = 'clsm'",
    )
    .bind(id.as_str())
    .fetch_one(&mut *tx)
    .await?;
    let axe = Axe {
        id: None,
        numero: u16::try_from(numero).map_err(|_| StoreError::Invalid("trop d'axes".to_owned()))?,
        titre: titre.to_owned(),
        description,
        transversal: false,
        objectifs: Vec::new(),
        fiches_actions: Vec::new(),
    };
    inserer_axes(
        &mut tx,
        id.as_str(),
        "clsm",
        std::slice::from_ref(&axe),
        &mut HashMap::new(),
    )
    .await?;
    let changement = Changement {
        champ: format!("axe n°{numero} du CLSM"),
        avant: None,
        apres: Some(axe.titre),
    };
    conclure(tx, auteur, &[changement]).await
}

/// Adds a body of the council (its assembly, its steering committee…) with its members.
pub async fn ajouter_instance(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    instance: &Instance,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    exiger_le_conseil(&mut tx, id).await?;
    if instance.nom.trim().is_empty() {
        return Err(StoreError::Invalid(
            "indiquez le nom de l'instance".to_owned(),
        ));
    }
    let rang: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(rang), -1) + 1 FROM instance
         WHERE contrat_id = $1 AND perimetre = 'clsm'",
    )
    .bind(id.as_str())
    .fetch_one(&mut *tx)
    .await?;
    inserer_instances(
        &mut tx,
        id.as_str(),
        ("clsm", rang),
        std::slice::from_ref(instance),
        &HashMap::new(),
    )
    .await?;
    let membres: Vec<String> = instance
        .membres
        .iter()
        .map(|m| m.organisation.clone())
        .collect();
    let changement = Changement {
        champ: "instance du CLSM".to_owned(),
        avant: None,
        apres: Some(match lignes(&membres) {
            Some(m) => format!("{} ({})\n{m}", instance.nom, instance.nature.libelle()),
            None => format!("{} ({})", instance.nom, instance.nature.libelle()),
        }),
    };
    conclure(tx, auteur, &[changement]).await
}

/// Adds an event of the council after the others.
pub async fn ajouter_evenement(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    evenement: &Evenement,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    exiger_le_conseil(&mut tx, id).await?;
    if evenement.titre.trim().is_empty() {
        return Err(StoreError::Invalid(
            "indiquez le titre de l'événement".to_owned(),
        ));
    }
    let rang: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(rang), -1) + 1 FROM evenement WHERE contrat_id = $1",
    )
    .bind(id.as_str())
    .fetch_one(&mut *tx)
    .await?;
    inserer_evenement(&mut tx, id.as_str(), rang, evenement).await?;
    let mut apres = evenement.titre.clone();
    if let Some(d) = evenement.date {
        apres.push_str(&format!(" ({})", d.en_toutes_lettres()));
    }
    let changement = Changement {
        champ: "événement du CLSM".to_owned(),
        avant: None,
        apres: Some(apres),
    };
    conclure(tx, auteur, &[changement]).await
}

/// What may be removed from the council's page, by identifier; `Conseil` the whole council.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    Conseil,
    Axe(i64),
    Instance(i64),
    Evenement(i64),
}

impl std::str::FromStr for Element {
    type Err = String;

    /// `clsm`, `axe-3`, `instance-2`, `evenement-5`.
    fn from_str(texte: &str) -> Result<Self, Self::Err> {
        let erreur = || format!("élément « {texte} » inconnu");
        if texte == "clsm" {
            return Ok(Element::Conseil);
        }
        match designation(texte).ok_or_else(erreur)? {
            ("axe", n) => Ok(Element::Axe(n)),
            ("instance", n) => Ok(Element::Instance(n)),
            ("evenement", n) => Ok(Element::Evenement(n)),
            _ => Err(erreur()),
        }
    }
}

/// Removes an axis, a body (with its members) or an event of the council, or the council with
/// all it holds.
pub async fn retirer(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    element: Element,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let (lire, supprimer, quoi, n) = match element {
        Element::Conseil => {
            let nom: String = sqlx::query_scalar("SELECT nom FROM clsm WHERE contrat_id = $1")
                .bind(id.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::Invalid("le contrat n'a pas de CLSM".to_owned()))?;
            for sql in [
                "DELETE FROM axe WHERE contrat_id = $1 AND perimetre = 'clsm'",
                "DELETE FROM instance WHERE contrat_id = $1 AND perimetre = 'clsm'",
                "DELETE FROM clsm WHERE contrat_id = $1",
            ] {
                sqlx::query(sql).bind(id.as_str()).execute(&mut *tx).await?;
            }
            let changement = Changement {
                champ: "CLSM".to_owned(),
                avant: Some(nom),
                apres: None,
            };
            return conclure(tx, auteur, &[changement]).await;
        }
        Element::Axe(n) => (
            "SELECT titre AS resume FROM axe WHERE id = $1 AND contrat_id = $2 AND perimetre = 'clsm'",
            "DELETE FROM axe WHERE id = $1",
            "axe du CLSM",
            n,
        ),
        Element::Instance(n) => (
            "SELECT nom AS resume FROM instance
             WHERE id = $1 AND contrat_id = $2 AND perimetre = 'clsm'",
            "DELETE FROM instance WHERE id = $1",
            "instance du CLSM",
            n,
        ),
        Element::Evenement(n) => (
            "SELECT titre AS resume FROM evenement WHERE id = $1 AND contrat_id = $2",
            "DELETE FROM evenement WHERE id = $1",
            "événement du CLSM",
            n,
        ),
    };
    let r = sqlx::query(lire)
        .bind(n)
        .bind(id.as_str())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| absent(quoi, n))?;
    sqlx::query(supprimer).bind(n).execute(&mut *tx).await?;
    let changement = Changement {
        champ: quoi.to_owned(),
        avant: Some(text(&r, "resume")?),
        apres: None,
    };
    conclure(tx, auteur, &[changement]).await
}
