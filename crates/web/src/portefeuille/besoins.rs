//! Where the next contract is needed, in the portfolio: the communes no contract covers that
//! are under-served (their APL, from [`crate::noyau::acces_medical`]) or hold a QPV (the list the
//! administrator loaded), the most populated first, their EPCI, a map by département, and the
//! same as sheets of the portfolio's exports. What the reference data does not yet say is said.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use pilote_domain::besoins::{Besoin, BesoinEpci, Indices, besoins, qpv_par_commune};
use pilote_domain::donnees_de_reference::Nature;
use pilote_domain::portefeuille::{CommuneDuPortefeuille, GeographieDuPortefeuille};
use pilote_rapport::carte::{self, Classe, Dessin, NUANCIER, Point, Zone};
use pilote_store::acces_medical::AccesMedical;
use pilote_store::donnees_de_reference;

use crate::AppState;
use crate::noyau::acces_medical::Situation;
use crate::noyau::erreur::AppError;
use pilote_store::export::{Case, Feuille};

/// What the reference data tells of the communes' needs.
pub struct Donnees {
    apl: Option<Arc<AccesMedical>>,
    qpv_charges: bool,
    qpv: Option<HashMap<String, (u32, u64)>>,
    /// Where each figure comes from, or what is missing, in sentences.
    pub mentions: Vec<String>,
    /// Identifies this state of the data, for what is kept under it.
    pub cle: String,
}

/// Reads the state of the APL and of the QPV list (not the list itself: [`Donnees::lire_qpv`]).
pub async fn donnees(state: &AppState) -> Result<Donnees, AppError> {
    let mut mentions = Vec::new();
    let situation = state.acces.situation(&state.store).await?;
    let (apl, etat) = match situation {
        Situation::Pret(acces) => {
            mentions.push(format!(
                "APL calculée le {} à partir des {}.",
                pilote_domain::donnees_de_reference::moment_en_lettres(&acces.calcule_le),
                acces.entrees.mention()
            ));
            let cle = acces.calcule_le.clone();
            (Some(acces), cle)
        }
        Situation::EnCours { precedent, .. } => {
            mentions.push(
                "L'APL est en cours de calcul : rechargez la page dans quelques secondes."
                    .to_owned(),
            );
            (precedent, "en cours".to_owned())
        }
        Situation::Manque(natures) => {
            mentions.push(format!(
                "L'APL n'est pas calculée : il manque les {} (page « Données de référence »).",
                natures
                    .iter()
                    .map(|n| n.libelle().to_lowercase())
                    .collect::<Vec<_>>()
                    .join(" et les ")
            ));
            (None, "manque".to_owned())
        }
        Situation::Echec(motif) => {
            mentions.push(format!("Le calcul de l'APL a échoué : {motif}."));
            (None, "échec".to_owned())
        }
    };
    let jeux = state.acces.jeux(&state.store).await?;
    let qpv_charges = match jeux.iter().find(|j| j.nature == Nature::Qpv) {
        Some(jeu) => {
            mentions.push(format!("Quartiers prioritaires : {}.", jeu.mention()));
            true
        }
        None => {
            mentions.push(
                "La liste des quartiers prioritaires n'est pas chargée (page « Données de \
                 référence »)."
                    .to_owned(),
            );
            false
        }
    };
    let cle = format!(
        "{etat} {}",
        jeux.iter()
            .map(|j| j.charge_le.as_str())
            .collect::<String>()
    );
    Ok(Donnees {
        apl,
        qpv_charges,
        qpv: None,
        mentions,
        cle,
    })
}

impl Donnees {
    /// Reads the QPV of each commune, when loaded: only for what is made anew, the page's
    /// content being kept under [`Donnees::cle`].
    pub async fn lire_qpv(&mut self, state: &AppState) -> Result<(), AppError> {
        if self.qpv_charges {
            self.qpv = Some(qpv_par_commune(
                &donnees_de_reference::qpv(&state.store).await?,
            ));
        }
        Ok(())
    }

    /// What is known of commune `code`.
    fn indices(&self, code: &str) -> Indices {
        let apl = self.apl.as_ref().and_then(|acces| {
            let situees = acces.communes_de(code);
            (!situees.is_empty()).then(|| {
                let bilan = acces.bilan(&situees);
                (bilan.apl_moyenne, acces.seuil.sous_dense(bilan.apl_moyenne))
            })
        });
        let (qpv, population_qpv) = self
            .qpv
            .as_ref()
            .and_then(|q| q.get(code).copied())
            .unwrap_or_default();
        Indices {
            apl,
            qpv,
            population_qpv,
        }
    }

    /// The map of the communes in need, the [`COMMUNES_SUR_LA_CARTE`] most populated (those
    /// of metropolitan France among them), as discs by population and reason; none when the
    /// APL (hence the centroids) is not there.
    pub fn carte_des_communes(&self, besoins: &[Besoin]) -> Option<String> {
        let acces = self.apl.as_ref()?;
        let communes = acces.scenario.communes();
        let points: Vec<Point> = besoins
            .iter()
            .take(COMMUNES_SUR_LA_CARTE)
            .filter_map(|b| {
                let situees = acces.communes_de(&b.commune.code);
                let n = situees.len() as f64;
                (n > 0.0).then(|| Point {
                    latitude: situees
                        .iter()
                        .map(|&i| communes.latitudes()[i])
                        .sum::<f64>()
                        / n,
                    longitude: situees
                        .iter()
                        .map(|&i| communes.longitudes()[i])
                        .sum::<f64>()
                        / n,
                    population: b.commune.population as f64,
                    classe: match (b.sous_dense(), b.indices.qpv > 0) {
                        (true, true) => 2,
                        (true, false) => 1,
                        _ => 0,
                    },
                    titre: format!(
                        "{} ({}) : {} habitants, {}",
                        b.commune.nom,
                        b.commune.code,
                        pilote_domain::montant::milliers(b.commune.population),
                        match (b.sous_dense(), b.indices.qpv) {
                            (true, 0) => "sous-dense".to_owned(),
                            (true, q) => format!("sous-dense, {q} QPV"),
                            (false, q) => format!("{q} QPV"),
                        }
                    ),
                })
            })
            .filter(|p| carte::sur_la_carte(p.latitude, p.longitude))
            .collect();
        let classes: Vec<Classe> = [
            ("Quartier prioritaire", NUANCIER[0]),
            ("Sous-dense", NUANCIER[2]),
            ("Sous-dense et quartier prioritaire", NUANCIER[4]),
        ]
        .into_iter()
        .map(|(libelle, couleur)| Classe {
            libelle: libelle.to_owned(),
            couleur,
        })
        .collect();
        (!points.is_empty()).then(|| {
            carte::carte(
                "carte-besoins-communes",
                "Communes sans contrat sous-denses ou avec un quartier prioritaire",
                &format!(
                    "Les {} communes de métropole dans le besoin les plus peuplées, en disques \
                     proportionnels à leur population, coloriés selon le besoin ; elles sont, \
                     avec celles d'outre-mer, dans le tableau qui suit.",
                    points.len()
                ),
                Dessin {
                    zones: &[],
                    points: &points,
                    etiquettes: &[],
                    classes: &classes,
                },
            )
        })
    }

    /// The needs among `non_couvertes`.
    pub fn besoins<'a>(
        &self,
        geographie: &GeographieDuPortefeuille,
        non_couvertes: &[&'a CommuneDuPortefeuille],
    ) -> (Vec<Besoin<'a>>, Vec<BesoinEpci>) {
        besoins(geographie, non_couvertes, |code| self.indices(code))
    }
}

/// How many communes in need the map of communes draws at most (the most populated).
pub const COMMUNES_SUR_LA_CARTE: usize = 500;

/// The classes of the map: population of the communes in need.
const CLASSES: [(&str, u64); 5] = [
    ("Aucune commune dans le besoin", 0),
    ("Moins de 10 000 habitants", 1),
    ("De 10 000 à 50 000", 10_000),
    ("De 50 000 à 200 000", 50_000),
    ("200 000 et plus", 200_000),
];

/// The map of the départements by population of the communes in need, for those of
/// `departements` (code, name).
pub fn carte(departements: &[(String, String)], besoins: &[Besoin]) -> String {
    let mut par_departement: BTreeMap<&str, u64> = BTreeMap::new();
    for b in besoins {
        *par_departement.entry(&b.commune.departement).or_default() += b.commune.population;
    }
    let classes: Vec<Classe> = CLASSES
        .iter()
        .zip(NUANCIER)
        .map(|((libelle, _), couleur)| Classe {
            libelle: (*libelle).to_owned(),
            couleur,
        })
        .collect();
    let zones: Vec<Zone> = departements
        .iter()
        .map(|(code, nom)| {
            let population = par_departement.get(code.as_str()).copied().unwrap_or(0);
            Zone {
                code: code.clone(),
                classe: CLASSES
                    .iter()
                    .rposition(|(_, seuil)| population >= *seuil)
                    .unwrap_or(0),
                titre: format!(
                    "{nom} ({code}) : {} habitants dans des communes sans contrat dans le besoin",
                    pilote_domain::montant::milliers(population)
                ),
            }
        })
        .collect();
    carte::carte(
        "carte-besoins",
        "Population des communes sans contrat sous-denses ou avec un quartier prioritaire, par département",
        "Carte des départements coloriés en 5 classes ; les communes sont dans le tableau qui suit.",
        Dessin {
            zones: &zones,
            points: &[],
            etiquettes: &[],
            classes: &classes,
        },
    )
}

/// The needs as the portfolio's sheets: the communes, then their EPCI.
pub fn feuilles(besoins: &[Besoin], epci: &[BesoinEpci], codes: [&'static str; 2]) -> [Feuille; 2] {
    let entier = |n: u64| Case::Nombre(n as f64);
    let communes = Feuille {
        nom: "Besoins (communes)",
        code: codes[0],
        colonnes: vec![
            "Code INSEE",
            "Commune",
            "Département",
            "EPCI",
            "Population",
            "APL",
            "Sous-dense",
            "QPV",
            "Population en QPV",
        ],
        lignes: besoins
            .iter()
            .map(|b| {
                vec![
                    Case::texte(b.commune.code.as_str()),
                    Case::texte(b.commune.nom.as_str()),
                    Case::texte(b.commune.departement.as_str()),
                    Case::texte(b.commune.epci.as_deref().unwrap_or_default()),
                    entier(b.commune.population),
                    Case::nombre(b.indices.apl.map(|(apl, _)| (apl * 100.0).round() / 100.0)),
                    Case::texte(match b.indices.apl {
                        Some((_, true)) => "oui",
                        Some((_, false)) => "non",
                        None => "",
                    }),
                    entier(b.indices.qpv.into()),
                    entier(b.indices.population_qpv),
                ]
            })
            .collect(),
    };
    let epci = Feuille {
        nom: "Besoins (EPCI)",
        code: codes[1],
        colonnes: vec![
            "SIREN",
            "EPCI",
            "Communes sans contrat dans le besoin",
            "Population",
            "Population sous-dense",
            "Population en QPV",
        ],
        lignes: epci
            .iter()
            .map(|e| {
                vec![
                    Case::texte(e.code.as_str()),
                    Case::texte(e.nom.as_str()),
                    entier(e.communes as u64),
                    entier(e.population),
                    entier(e.population_sous_dense),
                    entier(e.population_qpv),
                ]
            })
            .collect(),
    };
    [communes, epci]
}
