//! Reading a reference file against the geography: every line checked whole (codes known at
//! their level, coordinates on the globe, populations and values finite), a fault naming the
//! file, the line and the column — the same messages as the accessibility engine's loaders,
//! whose reader this is.

use std::collections::{BTreeSet, HashSet};
use std::io::Read;

use csv::ByteRecord;
use pilote_access::Communes;
use pilote_access::chargement::{Fichier, Options, lire_rpps, nombre, texte};
use pilote_access::erreur::{Colonne, ErreurChargement, Faute};
use pilote_domain::donnees_de_reference::Nature;

/// What the lines are checked against: the codes of the official geography, and for the RPPS
/// the communes whose centroids are loaded.
#[derive(Debug, Default)]
pub(crate) struct Contexte {
    pub communes: HashSet<String>,
    pub epci: HashSet<String>,
    pub departements: HashSet<String>,
    pub regions: HashSet<String>,
    pub centroides: Option<Communes>,
    pub annee_courante: u16,
}

/// A file's rows, ready to be stored.
#[derive(Debug)]
pub(crate) enum Contenu {
    Centroides(Vec<(String, f64, f64)>),
    Medecins(Vec<(String, f64)>),
    Qpv(Vec<Quartier>),
    Indicateurs(Vec<ValeurIndicateur>),
}

impl Contenu {
    pub(crate) fn len(&self) -> usize {
        match self {
            Contenu::Centroides(v) => v.len(),
            Contenu::Medecins(v) => v.len(),
            Contenu::Qpv(v) => v.len(),
            Contenu::Indicateurs(v) => v.len(),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Quartier {
    pub code: String,
    pub nom: String,
    pub commune: String,
    pub population: i64,
}

#[derive(Debug)]
pub(crate) struct ValeurIndicateur {
    pub niveau: &'static str,
    pub code: String,
    pub indicateur: String,
    pub annee: i64,
    pub valeur: f64,
    pub source: String,
}

/// Reads `lecteur` as a file of `nature` named `nom`; `source` is the indicators' source when
/// their file has no column for it.
pub(crate) fn lire(
    nature: Nature,
    lecteur: impl Read,
    nom: &str,
    options: Options,
    contexte: &Contexte,
    source: &str,
) -> Result<(Contenu, Vec<Faute>), ErreurChargement> {
    match nature {
        Nature::Centroides => centroides(Fichier::csv(lecteur, nom, options)?, contexte),
        Nature::Rpps => medecins(lecteur, nom, options, contexte),
        Nature::Qpv => quartiers(Fichier::csv(lecteur, nom, options)?, contexte),
        Nature::Indicateurs => indicateurs(Fichier::csv(lecteur, nom, options)?, contexte, source),
    }
}

fn centroides<R: Read>(
    fichier: Fichier<R>,
    contexte: &Contexte,
) -> Result<(Contenu, Vec<Faute>), ErreurChargement> {
    let (code, lat, lon) = (
        fichier.colonne("code_insee")?,
        fichier.colonne("lat")?,
        fichier.colonne("lon")?,
    );
    let mut vus = HashSet::new();
    let mut lignes = Vec::new();
    let ecartees = fichier.parcourir(|e, ligne| {
        let commune = commune(e, &code, ligne, contexte, &mut vus)?;
        let latitude = borne(e, &lat, ligne, 90.0)?;
        let longitude = borne(e, &lon, ligne, 180.0)?;
        lignes.push((commune, latitude, longitude));
        Ok(())
    })?;
    Ok((Contenu::Centroides(lignes), ecartees))
}

fn medecins(
    lecteur: impl Read,
    nom: &str,
    options: Options,
    contexte: &Contexte,
) -> Result<(Contenu, Vec<Faute>), ErreurChargement> {
    let communes = contexte
        .centroides
        .as_ref()
        .expect("the RPPS is read once the centroids are loaded");
    let charge = lire_rpps(lecteur, nom, communes, options)?;
    let lignes = communes
        .codes()
        .iter()
        .zip(&charge.donnees.medecins_par_commune)
        .filter(|(_, medecins)| **medecins > 0.0)
        .map(|(code, medecins)| (code.clone(), *medecins))
        .collect();
    Ok((Contenu::Medecins(lignes), charge.lignes_sautees))
}

fn quartiers<R: Read>(
    fichier: Fichier<R>,
    contexte: &Contexte,
) -> Result<(Contenu, Vec<Faute>), ErreurChargement> {
    let (code, nom, commune_qpv, population) = (
        fichier.colonne("code_qpv")?,
        fichier.colonne("nom")?,
        fichier.colonne("code_insee")?,
        fichier.colonne("population")?,
    );
    let mut vus = HashSet::new();
    let mut lignes = Vec::new();
    let ecartees = fichier.parcourir(|e, ligne| {
        let quartier = identifiant(e, &code, ligne)?;
        let libelle = obligatoire(e, &nom, ligne)?;
        let commune = connu(e, &commune_qpv, ligne, &contexte.communes, "commune")?;
        let habitants = entier(e, &population, ligne)?;
        if !vus.insert((quartier.clone(), commune.clone())) {
            return Err(Faute::champ(
                ligne,
                &code,
                format!("le quartier « {quartier} » est déjà listé pour la commune {commune}"),
            ));
        }
        lignes.push(Quartier {
            code: quartier,
            nom: libelle,
            commune,
            population: habitants,
        });
        Ok(())
    })?;
    Ok((Contenu::Qpv(lignes), ecartees))
}

fn indicateurs<R: Read>(
    fichier: Fichier<R>,
    contexte: &Contexte,
    source_du_fichier: &str,
) -> Result<(Contenu, Vec<Faute>), ErreurChargement> {
    let (niveau, code, indicateur, annee, valeur) = (
        fichier.colonne("niveau")?,
        fichier.colonne("code")?,
        fichier.colonne("indicateur")?,
        fichier.colonne("annee")?,
        fichier.colonne("valeur")?,
    );
    let source = fichier.colonne_optionnelle("source");
    let mut vus = BTreeSet::new();
    let mut lignes = Vec::new();
    let ecartees = fichier.parcourir(|e, ligne| {
        let (echelon, territoires) = match texte(e, &niveau, ligne)? {
            "commune" => ("commune", Some(&contexte.communes)),
            "epci" => ("epci", Some(&contexte.epci)),
            "departement" => ("departement", Some(&contexte.departements)),
            "region" => ("region", Some(&contexte.regions)),
            "france" => ("france", None),
            autre => {
                return Err(Faute::champ(
                    ligne,
                    &niveau,
                    format!(
                        "niveau « {autre} » inconnu ; valeurs possibles : commune, epci, \
                         departement, region, france"
                    ),
                ));
            }
        };
        let territoire = match territoires {
            Some(codes) => connu(e, &code, ligne, codes, echelon)?,
            None => match texte(e, &code, ligne)? {
                "FR" => "FR".to_owned(),
                autre => {
                    return Err(Faute::champ(
                        ligne,
                        &code,
                        format!("code « {autre} » : la France s'écrit FR"),
                    ));
                }
            },
        };
        let nom = obligatoire(e, &indicateur, ligne)?;
        let an = entier(e, &annee, ligne)?;
        if !(1900..=i64::from(contexte.annee_courante)).contains(&an) {
            return Err(Faute::champ(
                ligne,
                &annee,
                format!(
                    "année {an} : attendue de 1900 à {}",
                    contexte.annee_courante
                ),
            ));
        }
        let nombre = nombre(e, &valeur, ligne)?;
        let origine = match &source {
            Some(colonne) if !texte(e, colonne, ligne)?.is_empty() => {
                texte(e, colonne, ligne)?.to_owned()
            }
            _ => source_du_fichier.to_owned(),
        };
        if !vus.insert((echelon, territoire.clone(), nom.clone(), an)) {
            return Err(Faute::ligne(
                ligne,
                format!("« {nom} » de {territoire} en {an} est déjà donné plus haut"),
            ));
        }
        lignes.push(ValeurIndicateur {
            niveau: echelon,
            code: territoire,
            indicateur: nom,
            annee: an,
            valeur: nombre,
            source: origine,
        });
        Ok(())
    })?;
    Ok((Contenu::Indicateurs(lignes), ecartees))
}

/// A commune code of the geography, not yet seen in the file.
fn commune(
    e: &ByteRecord,
    colonne: &Colonne,
    ligne: u64,
    contexte: &Contexte,
    vus: &mut HashSet<String>,
) -> Result<String, Faute> {
    let code = connu(e, colonne, ligne, &contexte.communes, "commune")?;
    if vus.insert(code.clone()) {
        Ok(code)
    } else {
        Err(Faute::champ(
            ligne,
            colonne,
            format!("la commune « {code} » est déjà listée"),
        ))
    }
}

/// A code of `codes` (the geography's `echelon`).
fn connu(
    e: &ByteRecord,
    colonne: &Colonne,
    ligne: u64,
    codes: &HashSet<String>,
    echelon: &str,
) -> Result<String, Faute> {
    let code = texte(e, colonne, ligne)?;
    if codes.contains(code) {
        Ok(code.to_owned())
    } else if code.is_empty() {
        Err(Faute::champ(ligne, colonne, "code manquant"))
    } else {
        Err(Faute::champ(
            ligne,
            colonne,
            format!("code « {code} » inconnu de la géographie officielle ({echelon})"),
        ))
    }
}

/// A coordinate in degrees, within ±`limite`.
fn borne(e: &ByteRecord, colonne: &Colonne, ligne: u64, limite: f64) -> Result<f64, Faute> {
    let valeur = nombre(e, colonne, ligne)?;
    if valeur.abs() <= limite {
        Ok(valeur)
    } else {
        Err(Faute::champ(
            ligne,
            colonne,
            format!("{valeur} est hors des bornes (de -{limite} à {limite} degrés)"),
        ))
    }
}

/// A whole number, at least 0.
fn entier(e: &ByteRecord, colonne: &Colonne, ligne: u64) -> Result<i64, Faute> {
    let valeur = nombre(e, colonne, ligne)?;
    if valeur >= 0.0 && valeur.fract() == 0.0 && valeur < 1e15 {
        Ok(valeur as i64)
    } else {
        Err(Faute::champ(
            ligne,
            colonne,
            format!("{valeur} n'est pas un nombre entier positif ou nul"),
        ))
    }
}

/// A text that may not be empty, of at most 200 characters.
fn obligatoire(e: &ByteRecord, colonne: &Colonne, ligne: u64) -> Result<String, Faute> {
    match texte(e, colonne, ligne)? {
        "" => Err(Faute::champ(ligne, colonne, "valeur manquante")),
        long if long.chars().count() > 200 => Err(Faute::champ(
            ligne,
            colonne,
            "texte de plus de 200 caractères",
        )),
        valeur => Ok(valeur.to_owned()),
    }
}

/// An identifier: letters, digits and dashes, 30 characters at most.
fn identifiant(e: &ByteRecord, colonne: &Colonne, ligne: u64) -> Result<String, Faute> {
    let code = obligatoire(e, colonne, ligne)?;
    if code.len() <= 30 && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Ok(code)
    } else {
        Err(Faute::champ(
            ligne,
            colonne,
            format!("code « {code} » : lettres, chiffres et tirets seulement, 30 au plus"),
        ))
    }
}
