//! Demand (*demande*): the population each commune puts on the doctors around it. Raw
//! population by default; optionally standardised by age, as DREES does, by weighting the
//! population of each age band with that band's relative use of general practice.

use crate::commune::Communes;
use crate::erreur::{ErreurParametre, positif};

/// Weights per age band (finite, ≥ 0), in the order of the bands of the populations.
#[derive(Debug, Clone, PartialEq)]
pub struct PoidsParAge(Vec<f64>);

impl PoidsParAge {
    /// One weight per age band, e.g. the band's consultations per head relative to the
    /// national mean.
    pub fn new(poids: Vec<f64>) -> Result<Self, ErreurParametre> {
        if poids.is_empty() {
            return Err(ErreurParametre::new(
                "poids par âge",
                "il faut au moins une tranche d'âge",
            ));
        }
        for &p in &poids {
            positif("poids par âge", p, false)?;
        }
        Ok(PoidsParAge(poids))
    }
}

/// Demand per commune index.
#[derive(Debug, Clone, PartialEq)]
pub struct Demande(Vec<f64>);

impl Demande {
    /// The raw population of each commune.
    pub fn population(communes: &Communes) -> Self {
        Demande(communes.populations().to_vec())
    }

    /// Any demand per commune (finite, ≥ 0).
    pub fn depuis_valeurs(valeurs: Vec<f64>) -> Result<Self, ErreurParametre> {
        for &v in &valeurs {
            positif("demande", v, false)?;
        }
        Ok(Demande(valeurs))
    }

    /// Age-standardised demand: for each commune, Σ_b population_b × poids_b over the age
    /// bands `b`. `tranches[commune]` holds that commune's population per band.
    pub fn standardisee(
        tranches: &[Vec<f64>],
        poids: &PoidsParAge,
    ) -> Result<Self, ErreurParametre> {
        let valeurs = tranches
            .iter()
            .map(|populations| {
                if populations.len() != poids.0.len() {
                    return Err(ErreurParametre::new(
                        "population par âge",
                        format!(
                            "{} tranches d'âge pour {} poids",
                            populations.len(),
                            poids.0.len()
                        ),
                    ));
                }
                populations
                    .iter()
                    .zip(&poids.0)
                    .try_fold(0.0, |somme, (&p, &w)| {
                        Ok(somme + positif("population par âge", p, false)? * w)
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Demande(valeurs))
    }

    /// Demand by commune index.
    pub fn valeurs(&self) -> &[f64] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn la_demande_standardisee_pondere_chaque_tranche() {
        // Two bands (under 75, 75 and over) weighted 1 and 2:
        // commune 0: 100 × 1 + 50 × 2 = 200; commune 1: 10 × 1 + 0 × 2 = 10.
        let poids = PoidsParAge::new(vec![1.0, 2.0]).unwrap();
        let demande = Demande::standardisee(&[vec![100.0, 50.0], vec![10.0, 0.0]], &poids).unwrap();
        assert_eq!(demande.valeurs(), &[200.0, 10.0]);
        assert!(Demande::standardisee(&[vec![1.0]], &poids).is_err());
        assert!(Demande::standardisee(&[vec![1.0, -1.0]], &poids).is_err());
        assert!(PoidsParAge::new(vec![]).is_err());
        assert!(Demande::depuis_valeurs(vec![f64::INFINITY]).is_err());
    }
}
