//! Medical accessibility inside Pilote: the APL of every commune computed by
//! `pilote_access` from the reference data the administrator loaded (the communes' centroids,
//! their population in the official geography, the general practitioners of the RPPS), kept
//! ready for what-if scenarios, summed up by département, région and France, and stored with
//! what it was computed from.
//!
//! Parameters: DREES's distance decay (1 up to 10 minutes, 2/3 up to 15, 1/3 up to 20), times
//! estimated from the centroids (as the crow flies × 1.3 at 70 km/h), a practitioner worth
//! [`CONSULTATIONS_PAR_MEDECIN`] consultations a year, under-served below
//! [`SEUIL_SOUS_DENSITE`].

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use pilote_access::{
    Apl, Bilan, Communes, Conversion, Decroissance, Demande, Estimation, Offre, Scenario, Seuil,
    Trajets, Voisinage,
};
use pilote_domain::donnees_de_reference::{JeuDeDonnees, Nature};
use sqlx::Row;

use crate::donnees_de_reference::communes_situees;
use crate::lot::{Valeur, inserer};
use crate::{Store, StoreError};

/// Consultations a year one general practitioner offers (an order of magnitude of a liberal
/// practitioner's yearly activity): the supply's unit is the head count of the RPPS.
pub const CONSULTATIONS_PAR_MEDECIN: f64 = 4_500.0;

/// Consultations a year per inhabitant below which a commune is under-served (DREES).
pub const SEUIL_SOUS_DENSITE: f64 = 2.5;

/// The parameters, as recorded with the result and shown beside it.
pub const PARAMETRES: &str = "E2SFCA de la DREES (1 jusqu'à 10 min, 2/3 jusqu'à 15, 1/3 \
    jusqu'à 20), trajets estimés depuis les centroïdes (vol d'oiseau × 1,3 à 70 km/h), \
    4 500 consultations par an par médecin généraliste, sous-densité sous 2,5 consultations \
    par habitant et par an";

/// The loaded files an APL is computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entrees {
    pub centroides: JeuDeDonnees,
    pub medecins: JeuDeDonnees,
}

impl Entrees {
    /// What identifies them: each file's load moment.
    pub fn cle(&self) -> String {
        format!("{} {}", self.centroides.charge_le, self.medecins.charge_le)
    }

    /// « Centroïdes : IGN, millésime 2026 ; médecins : RPPS, millésime 2026 ».
    pub fn mention(&self) -> String {
        format!(
            "centroïdes des communes : {} ; médecins généralistes : {}",
            self.centroides.mention(),
            self.medecins.mention()
        )
    }
}

/// The inputs among the files `jeux` loaded, or the natures still missing.
pub fn entrees_de(jeux: &[JeuDeDonnees]) -> Result<Entrees, Vec<Nature>> {
    let trouver = |nature| jeux.iter().find(|j| j.nature == nature).cloned();
    match (trouver(Nature::Centroides), trouver(Nature::Rpps)) {
        (Some(centroides), Some(medecins)) => Ok(Entrees {
            centroides,
            medecins,
        }),
        (centroides, _) => Err([Nature::Centroides, Nature::Rpps]
            .into_iter()
            .filter(|n| *n == Nature::Rpps || centroides.is_none())
            .collect()),
    }
}

/// Where a computation stands, for those who wait for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Etape {
    Lecture,
    Trajets,
    Apl,
    Enregistrement,
}

impl Etape {
    pub fn libelle(&self) -> &'static str {
        match self {
            Etape::Lecture => "lecture des communes et des médecins",
            Etape::Trajets => "estimation des trajets entre communes",
            Etape::Apl => "calcul de l'APL de chaque commune",
            Etape::Enregistrement => "enregistrement du résultat",
        }
    }

    /// Its rank, from 1, of [`Etape::TOTAL`].
    pub fn rang(&self) -> usize {
        *self as usize + 1
    }

    pub const TOTAL: usize = 4;
}

/// An APL computed, ready for scenarios.
#[derive(Debug)]
pub struct AccesMedical {
    pub entrees: Entrees,
    pub scenario: Scenario,
    pub seuil: Seuil,
    pub calcule_le: String,
    pub duree: Duration,
    /// By commune index: its name, département and région.
    pub noms: Vec<String>,
    pub territoires: Vec<(String, String)>,
    pub departements: HashMap<String, Bilan>,
    pub regions: HashMap<String, Bilan>,
    /// The names of the départements and of the régions, by code.
    pub noms_departements: HashMap<String, String>,
    pub noms_regions: HashMap<String, String>,
    pub france: Bilan,
    /// The communes situated under a commune without a centroid of its own (Paris, Lyon,
    /// Marseille by their arrondissements), by the commune's code.
    pub arrondissements: HashMap<String, Vec<usize>>,
}

impl AccesMedical {
    /// The indices of the communes that stand for `code`: itself when situated, else its
    /// arrondissements.
    pub fn communes_de(&self, code: &str) -> Vec<usize> {
        match self.scenario.communes().indice(code) {
            Some(i) => vec![i],
            None => self.arrondissements.get(code).cloned().unwrap_or_default(),
        }
    }

    /// The summary of the communes `indices`.
    pub fn bilan(&self, indices: &[usize]) -> Bilan {
        let apl = self.scenario.apl().valeurs();
        let populations = self.scenario.communes().populations();
        let (a, p): (Vec<f64>, Vec<f64>) =
            indices.iter().map(|&i| (apl[i], populations[i])).unzip();
        Bilan::new(&a, &p, self.seuil)
    }
}

/// Computes the APL from `entrees`, telling each step to `etape`, and stores the result
/// unless another instance stored this one already.
pub async fn calculer(
    store: &Store,
    entrees: Entrees,
    etape: impl Fn(Etape) + Send + Sync + 'static,
) -> Result<AccesMedical, StoreError> {
    let debut = Instant::now();
    etape(Etape::Lecture);
    let communes = communes_situees(store).await?;
    let medecins: Vec<(String, f64)> =
        sqlx::query_as("SELECT code, medecins FROM medecins_commune")
            .fetch_all(store.pool())
            .await?;
    let geographie: Vec<Situee> =
        sqlx::query_as("SELECT code, nom, type_commune, departement, region, parent FROM commune")
            .fetch_all(store.pool())
            .await?;
    let noms = |sql| async move {
        let paires: Vec<(String, String)> = sqlx::query_as(sql).fetch_all(store.pool()).await?;
        Ok::<HashMap<String, String>, StoreError>(paires.into_iter().collect())
    };
    let noms_departements = noms("SELECT code, nom FROM departement").await?;
    let noms_regions = noms("SELECT code, nom FROM region").await?;
    let etape = Arc::new(etape);
    let suivre = Arc::clone(&etape);
    let mut acces = tokio::task::spawn_blocking(move || {
        calculer_en_memoire(communes, &medecins, &geographie, entrees, |e| suivre(e))
    })
    .await
    .map_err(|e| StoreError::Invalid(format!("calcul de l'APL interrompu : {e}")))??;
    acces.noms_departements = noms_departements;
    acces.noms_regions = noms_regions;
    etape(Etape::Enregistrement);
    enregistrer(store, &acces).await?;
    acces.duree = debut.elapsed();
    Ok(acces)
}

/// A commune of the geography: code, name, kind, département, région, enclosing commune.
type Situee = (String, String, String, String, String, Option<String>);

fn calculer_en_memoire(
    communes: Communes,
    medecins: &[(String, f64)],
    geographie: &[Situee],
    entrees: Entrees,
    etape: impl Fn(Etape),
) -> Result<AccesMedical, StoreError> {
    let parametre = |e: pilote_access::erreur::ErreurParametre| StoreError::Invalid(e.to_string());
    let conversion = Conversion::par_unite(CONSULTATIONS_PAR_MEDECIN).map_err(parametre)?;
    let mut quantites = vec![0.0; communes.len()];
    for (code, nombre) in medecins {
        if let Some(i) = communes.indice(code) {
            quantites[i] += nombre;
        }
    }
    let offre = Offre::depuis_quantites(&quantites, conversion).map_err(parametre)?;
    etape(Etape::Trajets);
    let decroissance = Decroissance::drees();
    let estimation = Estimation::new(1.3, 70.0).map_err(parametre)?;
    let trajets = Trajets::depuis_centroides(&communes, &estimation, decroissance.portee());
    let voisinage = Voisinage::new(trajets, &decroissance);
    etape(Etape::Apl);
    let apl = Apl::calculer(&voisinage, &Demande::population(&communes), &offre);
    let seuil = Seuil::new(SEUIL_SOUS_DENSITE).map_err(parametre)?;
    let scenario = Scenario::new(&communes, &voisinage, &offre, &apl);

    let mut territoires = vec![(String::new(), String::new()); communes.len()];
    let mut noms = vec![String::new(); communes.len()];
    let mut arrondissements: HashMap<String, Vec<usize>> = HashMap::new();
    for (code, nom, genre, departement, region, parent) in geographie {
        let Some(i) = communes.indice(code) else {
            continue;
        };
        if territoires[i].0.is_empty() || genre == "commune-actuelle" {
            territoires[i] = (departement.clone(), region.clone());
            noms[i] = nom.clone();
        }
        if let (Some(parent), "arrondissement-municipal") = (parent, genre.as_str())
            && communes.indice(parent).is_none()
        {
            arrondissements.entry(parent.clone()).or_default().push(i);
        }
    }
    let regrouper = |cle: fn(&(String, String)) -> &String| {
        let mut groupes: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, t) in territoires.iter().enumerate() {
            groupes.entry(cle(t).clone()).or_default().push(i);
        }
        groupes
    };
    let mut acces = AccesMedical {
        entrees,
        seuil,
        calcule_le: crate::now(),
        duree: Duration::ZERO,
        departements: HashMap::new(),
        regions: HashMap::new(),
        noms_departements: HashMap::new(),
        noms_regions: HashMap::new(),
        france: Bilan::new(apl.valeurs(), communes.populations(), seuil),
        territoires: Vec::new(),
        noms,
        arrondissements,
        scenario,
    };
    acces.departements = regrouper(|t| &t.0)
        .into_iter()
        .map(|(code, indices)| (code, acces.bilan(&indices)))
        .collect();
    acces.regions = regrouper(|t| &t.1)
        .into_iter()
        .map(|(code, indices)| (code, acces.bilan(&indices)))
        .collect();
    acces.territoires = territoires;
    Ok(acces)
}

/// Every commune's stored APL, by code.
pub async fn stockee(store: &Store) -> Result<Vec<(String, f64)>, StoreError> {
    Ok(
        sqlx::query_as("SELECT code, apl FROM apl_commune ORDER BY code")
            .fetch_all(store.pool())
            .await?,
    )
}

/// Stores every commune's APL and what it was computed from, in one transaction, unless the
/// stored result already comes from these inputs.
async fn enregistrer(store: &Store, acces: &AccesMedical) -> Result<(), StoreError> {
    let cle = acces.entrees.cle();
    let mut tx = store.transaction_ecriture().await?;
    let stockee: Option<String> = sqlx::query("SELECT cle FROM calcul_apl")
        .fetch_optional(&mut *tx)
        .await?
        .map(|row| row.try_get("cle"))
        .transpose()?;
    if stockee.as_deref() == Some(cle.as_str()) {
        tx.rollback().await?;
        return Ok(());
    }
    sqlx::query("DELETE FROM apl_commune")
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM calcul_apl")
        .execute(&mut *tx)
        .await?;
    let communes = acces.scenario.communes();
    let lignes: Vec<(&String, f64)> = communes
        .codes()
        .iter()
        .zip(acces.scenario.apl().valeurs().iter().copied())
        .collect();
    inserer(
        &mut tx,
        "apl_commune (code, apl, sous_dense)",
        "",
        &lignes,
        |(code, apl)| {
            vec![
                Valeur::Texte(Some((*code).clone())),
                Valeur::Reel(Some(*apl)),
                Valeur::Entier(Some(i64::from(acces.seuil.sous_dense(*apl)))),
            ]
        },
    )
    .await?;
    sqlx::query(
        "INSERT INTO calcul_apl (cle, entrees, parametres, calcule_le, communes, apl_moyenne)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&cle)
    .bind(acces.entrees.mention())
    .bind(PARAMETRES)
    .bind(&acces.calcule_le)
    .bind(communes.len() as i64)
    .bind(acces.france.apl_moyenne)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
