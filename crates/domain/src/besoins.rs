//! Where the next contract is needed (*besoins*): among the communes of a scope that no
//! contract covers, those whose access to general practitioners is under-served or that hold
//! a quartier prioritaire (QPV), the most populated first, and their EPCI summed up.

use std::collections::{BTreeMap, HashMap};

use crate::portefeuille::{CommuneDuPortefeuille, GeographieDuPortefeuille};

/// What is known of one commune's need, from the reference data loaded.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Indices {
    /// Its APL, when computed, and whether it is under the threshold.
    pub apl: Option<(f64, bool)>,
    /// Its QPV, and their population in it.
    pub qpv: u32,
    pub population_qpv: u64,
}

/// An APL as pages write it: two decimals, a decimal comma (« 2,31 »).
pub fn apl_en_lettres(apl: f64) -> String {
    format!("{apl:.2}").replace('.', ",")
}

/// An uncovered commune in need.
#[derive(Debug, Clone, PartialEq)]
pub struct Besoin<'a> {
    pub commune: &'a CommuneDuPortefeuille,
    pub indices: Indices,
}

impl Besoin<'_> {
    pub fn sous_dense(&self) -> bool {
        self.indices.apl.is_some_and(|(_, sous_dense)| sous_dense)
    }
}

/// An EPCI's uncovered communes in need, summed up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BesoinEpci {
    pub code: String,
    pub nom: String,
    pub communes: usize,
    pub population: u64,
    pub population_sous_dense: u64,
    pub population_qpv: u64,
}

/// The communes of `non_couvertes` in need (under-served or with a QPV), the most populated
/// first (they come so), and their EPCI, the most populated first.
pub fn besoins<'a>(
    geographie: &GeographieDuPortefeuille,
    non_couvertes: &[&'a CommuneDuPortefeuille],
    indices: impl Fn(&str) -> Indices,
) -> (Vec<Besoin<'a>>, Vec<BesoinEpci>) {
    let communes: Vec<Besoin<'a>> = non_couvertes
        .iter()
        .map(|c| Besoin {
            commune: c,
            indices: indices(&c.code),
        })
        .filter(|b| b.sous_dense() || b.indices.qpv > 0)
        .collect();
    let mut par_epci: BTreeMap<&str, BesoinEpci> = BTreeMap::new();
    for b in &communes {
        let Some(code) = b.commune.epci.as_deref() else {
            continue;
        };
        let epci = par_epci.entry(code).or_insert_with(|| BesoinEpci {
            code: code.to_owned(),
            nom: geographie.epci.get(code).cloned().unwrap_or_default(),
            communes: 0,
            population: 0,
            population_sous_dense: 0,
            population_qpv: 0,
        });
        epci.communes += 1;
        epci.population += b.commune.population;
        if b.sous_dense() {
            epci.population_sous_dense += b.commune.population;
        }
        epci.population_qpv += b.indices.population_qpv;
    }
    let mut epci: Vec<BesoinEpci> = par_epci.into_values().collect();
    epci.sort_by(|a, b| b.population.cmp(&a.population).then(a.code.cmp(&b.code)));
    (communes, epci)
}

/// The QPV of each commune, from its (commune, population) rows.
pub fn qpv_par_commune(lignes: &[(String, i64)]) -> HashMap<String, (u32, u64)> {
    let mut par_commune: HashMap<String, (u32, u64)> = HashMap::new();
    for (commune, population) in lignes {
        let entree = par_commune.entry(commune.clone()).or_default();
        entree.0 += 1;
        entree.1 += population.max(&0).unsigned_abs();
    }
    par_commune
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commune(code: &str, epci: Option<&str>, population: u64) -> CommuneDuPortefeuille {
        CommuneDuPortefeuille {
            code: code.to_owned(),
            nom: format!("Commune {code}"),
            departement: "14".to_owned(),
            region: "28".to_owned(),
            epci: epci.map(str::to_owned),
            population,
        }
    }

    #[test]
    fn seules_les_communes_sous_denses_ou_avec_qpv_sont_retenues_et_leurs_epci_sommes() {
        let communes = [
            commune("14001", Some("E1"), 9_000),
            commune("14002", Some("E1"), 5_000),
            commune("14003", Some("E2"), 3_000),
            commune("14004", None, 1_000),
        ];
        let non_couvertes: Vec<&CommuneDuPortefeuille> = communes.iter().collect();
        let geographie = GeographieDuPortefeuille {
            epci: BTreeMap::from([("E1".to_owned(), "CC Une".to_owned())]),
            ..GeographieDuPortefeuille::default()
        };
        let qpv = qpv_par_commune(&[("14002".into(), 1_200), ("14002".into(), 300)]);
        let (liste, epci) = besoins(&geographie, &non_couvertes, |code| Indices {
            apl: Some((if code == "14001" { 1.9 } else { 3.1 }, code == "14001")),
            qpv: qpv.get(code).map_or(0, |q| q.0),
            population_qpv: qpv.get(code).map_or(0, |q| q.1),
        });
        let codes: Vec<&str> = liste.iter().map(|b| b.commune.code.as_str()).collect();
        assert_eq!(
            codes,
            ["14001", "14002"],
            "ni 14003 ni 14004 : servies, sans QPV"
        );
        assert_eq!(liste[1].indices.qpv, 2);
        assert_eq!(
            epci,
            [BesoinEpci {
                code: "E1".into(),
                nom: "CC Une".into(),
                communes: 2,
                population: 14_000,
                population_sous_dense: 9_000,
                population_qpv: 1_500,
            }]
        );
    }
}
