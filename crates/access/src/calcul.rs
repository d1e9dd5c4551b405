//! The APL computation (E2SFCA), two sweeps over a sparse neighbourhood:
//!
//! 1. for each commune `j` offering care, the demand weighted by distance
//!    D_j = Σ_k P_k · w(t_kj), and the supply-to-demand ratio R_j = S_j / D_j;
//! 2. for each commune `i` where people live, A_i = Σ_j R_j · w(t_ij).
//!
//! The weights w(t_ij) > 0 are stored once, in compressed sparse rows by resident commune
//! `i`: both steps read them in order and touch only pairs within reach. The scenarios read
//! them by supply commune, from a transposed copy they build once.

use crate::decroissance::Decroissance;
use crate::demande::Demande;
use crate::offre::Offre;
use crate::trajets::Trajets;

/// Compressed sparse rows: row `r` holds `indices[debuts[r]..debuts[r + 1]]` and their weights.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Creuse {
    debuts: Vec<usize>,
    indices: Vec<u32>,
    poids: Vec<f64>,
}

impl Creuse {
    fn rangees(&self) -> usize {
        self.debuts.len() - 1
    }

    pub(crate) fn rangee(&self, r: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let plage = self.debuts[r]..self.debuts[r + 1];
        self.indices[plage.clone()]
            .iter()
            .zip(&self.poids[plage])
            .map(|(&i, &w)| (i as usize, w))
    }

    /// The same matrix read by columns (a counting sort: linear in the pairs).
    pub(crate) fn transposee(&self) -> Creuse {
        let mut debuts = vec![0; self.rangees() + 1];
        for &c in &self.indices {
            debuts[c as usize + 1] += 1;
        }
        for c in 0..self.rangees() {
            debuts[c + 1] += debuts[c];
        }
        let mut places = debuts.clone();
        let mut indices = vec![0; self.indices.len()];
        let mut poids = vec![0.0; self.poids.len()];
        for r in 0..self.rangees() {
            for (c, w) in self.rangee(r) {
                indices[places[c]] = r as u32;
                poids[places[c]] = w;
                places[c] += 1;
            }
        }
        Creuse {
            debuts,
            indices,
            poids,
        }
    }
}

/// Who reaches whom, with which weight: for each commune `i` where people live, the
/// communes `j` whose supply they reach with w(t_ij) > 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Voisinage(Creuse);

impl Voisinage {
    /// Weighs every travel time with `decroissance`, dropping the pairs weighted 0. The
    /// travel times become the weights in place: no copy of the pairs.
    pub fn new(trajets: Trajets, decroissance: &Decroissance) -> Self {
        let (mut debuts, mut indices, mut poids) = trajets.en_parties();
        let (mut gardees, mut debut) = (0, 0);
        for fin_de_rangee in debuts.iter_mut().skip(1) {
            let fin = *fin_de_rangee;
            for p in debut..fin {
                let w = decroissance.poids(poids[p]);
                if w > 0.0 {
                    indices[gardees] = indices[p];
                    poids[gardees] = w;
                    gardees += 1;
                }
            }
            debut = fin;
            *fin_de_rangee = gardees;
        }
        indices.truncate(gardees);
        poids.truncate(gardees);
        Voisinage(Creuse {
            debuts,
            indices,
            poids,
        })
    }

    /// Number of communes.
    pub fn communes(&self) -> usize {
        self.0.rangees()
    }

    /// Number of pairs with a weight > 0.
    pub fn paires(&self) -> usize {
        self.0.indices.len()
    }

    /// The supply communes `j` that residents of `i` reach, with w(t_ij).
    pub fn offres_de(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.0.rangee(i)
    }

    /// The same pairs by supply commune: row `j` lists the communes `i` reaching `j`.
    pub(crate) fn par_offre(&self) -> Creuse {
        self.0.transposee()
    }
}

/// The APL of every commune, with the intermediate figures of step 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Apl {
    demande_ponderee: Vec<f64>,
    ratios: Vec<f64>,
    valeurs: Vec<f64>,
}

impl Apl {
    /// Computes the APL. Supply no one can reach (D_j = 0) is left out: R_j = 0.
    ///
    /// # Panics
    /// When `demande`, `offre` and `voisinage` do not count the same communes.
    pub fn calculer(voisinage: &Voisinage, demande: &Demande, offre: &Offre) -> Self {
        let (population, consultations) = (demande.valeurs(), offre.consultations());
        let communes = voisinage.communes();
        assert!(
            population.len() == communes && consultations.len() == communes,
            "demande ({}), offre ({}) et voisinage ({communes}) doivent compter les mêmes communes",
            population.len(),
            consultations.len()
        );
        // Step 1 as a scatter over the rows: D (one number per commune) stays in cache.
        let mut demande_ponderee = vec![0.0; communes];
        for (k, &p) in population.iter().enumerate() {
            if p != 0.0 {
                for (j, w) in voisinage.offres_de(k) {
                    demande_ponderee[j] += p * w;
                }
            }
        }
        let ratios: Vec<f64> = consultations
            .iter()
            .zip(&demande_ponderee)
            .map(|(&s, &d)| ratio(s, d))
            .collect();
        let valeurs = (0..communes)
            .map(|i| voisinage.offres_de(i).map(|(j, w)| ratios[j] * w).sum())
            .collect();
        Apl {
            demande_ponderee,
            ratios,
            valeurs,
        }
    }

    /// A_i, by commune index: consultations per inhabitant per year when the supply counts
    /// consultations per year.
    pub fn valeurs(&self) -> &[f64] {
        &self.valeurs
    }

    /// D_j = Σ_k P_k · w(t_kj), by commune index: it does not depend on supply.
    pub fn demande_ponderee(&self) -> &[f64] {
        &self.demande_ponderee
    }

    /// R_j = S_j / D_j, by commune index.
    pub fn ratios(&self) -> &[f64] {
        &self.ratios
    }
}

/// S / D, or 0 when no one reaches the supply.
pub(crate) fn ratio(offre: f64, demande_ponderee: f64) -> f64 {
    if demande_ponderee > 0.0 {
        offre / demande_ponderee
    } else {
        0.0
    }
}
