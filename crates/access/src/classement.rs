//! Classification (*classement*): a commune is under-served (*sous-dense*) when its APL falls
//! below a threshold, 2.5 consultations per inhabitant per year by default (DREES's reference
//! for general practice); the summary gives the population-weighted mean APL and the share of
//! the population below the threshold.

use crate::erreur::{ErreurParametre, positif};

/// The APL below which a commune is under-served.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seuil(f64);

impl Seuil {
    /// A threshold (finite, ≥ 0).
    pub fn new(apl: f64) -> Result<Self, ErreurParametre> {
        positif("seuil de sous-densité", apl, false).map(Seuil)
    }

    /// True when `apl` is strictly below the threshold.
    pub fn sous_dense(self, apl: f64) -> bool {
        apl < self.0
    }

    /// The threshold's value.
    pub fn valeur(self) -> f64 {
        self.0
    }
}

impl Default for Seuil {
    fn default() -> Self {
        Seuil(2.5)
    }
}

/// Summary figures of a computation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bilan {
    pub population: f64,
    /// Σ P_i · A_i / Σ P_i (0 when there is no population).
    pub apl_moyenne: f64,
    pub population_sous_dense: f64,
    pub communes_sous_denses: usize,
}

impl Bilan {
    /// Sums up `apl` against `populations` (same commune indices).
    pub fn new(apl: &[f64], populations: &[f64], seuil: Seuil) -> Self {
        let mut bilan = Bilan {
            population: 0.0,
            apl_moyenne: 0.0,
            population_sous_dense: 0.0,
            communes_sous_denses: 0,
        };
        let mut somme = 0.0;
        for (&a, &p) in apl.iter().zip(populations) {
            bilan.population += p;
            somme += p * a;
            if seuil.sous_dense(a) {
                bilan.population_sous_dense += p;
                bilan.communes_sous_denses += 1;
            }
        }
        if bilan.population > 0.0 {
            bilan.apl_moyenne = somme / bilan.population;
        }
        bilan
    }

    /// Share of the population (0 to 1) living in under-served communes.
    pub fn part_sous_dense(&self) -> f64 {
        if self.population > 0.0 {
            self.population_sous_dense / self.population
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn le_bilan_pondere_par_la_population() {
        // APL 1, 3, 2.5 for 100, 300, 600 inhabitants:
        // mean = (100 + 900 + 1500) / 1000 = 2.5; below 2.5: the first only (2.5 is not below).
        let bilan = Bilan::new(&[1.0, 3.0, 2.5], &[100.0, 300.0, 600.0], Seuil::default());
        assert_eq!(bilan.apl_moyenne, 2.5);
        assert_eq!(bilan.communes_sous_denses, 1);
        assert_eq!(bilan.part_sous_dense(), 0.1);
        assert!(Seuil::new(-1.0).is_err());
    }
}
