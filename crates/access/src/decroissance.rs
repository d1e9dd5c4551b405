//! Distance decay (*décroissance*): the weight w(t) a resident gives to a doctor `t` minutes
//! away. Three shapes:
//!
//! - steps (*paliers*), DREES's default for the APL: 1 up to 10 min, 2/3 up to 15, 1/3 up
//!   to 20, nothing beyond;
//! - the plain 2SFCA: 1 up to a threshold, nothing beyond (one step);
//! - a gravity decay, continuous within its reach: (max(t, plateau) / plateau)^(−exposant).
//!
//! A step holds up to its bound included (t ≤ borne), as in PySAL's `access.weights.step_fn`.
//! Every shape has a reach (*portée*) beyond which w = 0: it bounds the neighbourhoods.

use crate::erreur::{ErreurParametre, positif};

/// A distance-decay function of travel time in minutes.
#[derive(Debug, Clone, PartialEq)]
pub struct Decroissance(Forme);

#[derive(Debug, Clone, PartialEq)]
enum Forme {
    /// (bound in minutes, weight), bounds strictly increasing.
    Paliers(Vec<(f64, f64)>),
    Gravitaire {
        exposant: f64,
        plateau: f64,
        portee: f64,
    },
}

impl Decroissance {
    /// DREES's steps for general practice: 1 (0–10 min), 2/3 (10–15), 1/3 (15–20), 0 beyond.
    pub fn drees() -> Self {
        Decroissance(Forme::Paliers(vec![
            (10.0, 1.0),
            (15.0, 2.0 / 3.0),
            (20.0, 1.0 / 3.0),
        ]))
    }

    /// Steps `(borne, poids)`: w(t) is the weight of the first step with t ≤ borne, 0 beyond
    /// the last. Bounds strictly increasing and positive, weights finite and ≥ 0.
    pub fn paliers(paliers: Vec<(f64, f64)>) -> Result<Self, ErreurParametre> {
        if paliers.is_empty() {
            return Err(ErreurParametre::new(
                "paliers",
                "il faut au moins un palier",
            ));
        }
        let mut precedente = 0.0;
        for &(borne, poids) in &paliers {
            positif("borne de palier", borne, true)?;
            positif("poids de palier", poids, false)?;
            if borne <= precedente {
                return Err(ErreurParametre::new(
                    "paliers",
                    "les bornes doivent croître strictement",
                ));
            }
            precedente = borne;
        }
        Ok(Decroissance(Forme::Paliers(paliers)))
    }

    /// The plain 2SFCA: weight 1 up to `seuil` minutes included, 0 beyond.
    pub fn deux_sfca(seuil: f64) -> Result<Self, ErreurParametre> {
        Decroissance::paliers(vec![(seuil, 1.0)])
    }

    /// Gravity: w(t) = (max(t, plateau) / plateau)^(−exposant) for t ≤ portee, 0 beyond.
    /// Weight 1 up to `plateau` minutes, then a continuous decline.
    pub fn gravitaire(exposant: f64, plateau: f64, portee: f64) -> Result<Self, ErreurParametre> {
        positif("exposant gravitaire", exposant, false)?;
        positif("plateau gravitaire", plateau, true)?;
        positif("portée gravitaire", portee, true)?;
        if plateau > portee {
            return Err(ErreurParametre::new(
                "plateau gravitaire",
                format!("le plateau ({plateau} min) dépasse la portée ({portee} min)"),
            ));
        }
        Ok(Decroissance(Forme::Gravitaire {
            exposant,
            plateau,
            portee,
        }))
    }

    /// The weight at `minutes` of travel (0 for a time that is not a number).
    pub fn poids(&self, minutes: f64) -> f64 {
        match &self.0 {
            // The first step holding `minutes`, found without branching (times fall on
            // either side of the bounds at random: branches would be mispredicted).
            Forme::Paliers(paliers) => {
                paliers.iter().rev().fold(
                    0.0,
                    |poids, &(borne, p)| {
                        if minutes <= borne { p } else { poids }
                    },
                )
            }
            Forme::Gravitaire {
                exposant,
                plateau,
                portee,
            } => {
                if minutes <= *portee {
                    (minutes.max(*plateau) / plateau).powf(-exposant)
                } else {
                    0.0
                }
            }
        }
    }

    /// The reach in minutes: w(t) = 0 for every t beyond it.
    pub fn portee(&self) -> f64 {
        match &self.0 {
            Forme::Paliers(paliers) => paliers.last().map_or(0.0, |&(borne, _)| borne),
            Forme::Gravitaire { portee, .. } => *portee,
        }
    }
}

impl Default for Decroissance {
    fn default() -> Self {
        Decroissance::drees()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn les_paliers_de_la_drees_tiennent_jusqu_a_leur_borne_incluse() {
        let w = Decroissance::drees();
        let attendus = [
            (0.0, 1.0),
            (10.0, 1.0),
            (10.5, 2.0 / 3.0),
            (15.0, 2.0 / 3.0),
            (15.01, 1.0 / 3.0),
            (20.0, 1.0 / 3.0),
            (20.01, 0.0),
            (f64::NAN, 0.0),
        ];
        for (minutes, poids) in attendus {
            assert_eq!(w.poids(minutes), poids, "{minutes} min");
        }
        assert_eq!(w.portee(), 20.0);
    }

    #[test]
    fn le_2sfca_simple_est_un_seul_palier() {
        let w = Decroissance::deux_sfca(30.0).unwrap();
        assert_eq!((w.poids(30.0), w.poids(30.1), w.portee()), (1.0, 0.0, 30.0));
        assert!(Decroissance::deux_sfca(-1.0).is_err());
        assert!(Decroissance::paliers(vec![(10.0, 1.0), (10.0, 0.5)]).is_err());
        assert!(Decroissance::paliers(vec![]).is_err());
    }

    #[test]
    fn la_gravite_decroit_continument_apres_le_plateau() {
        // exposant 2, plateau 5 min: w(10) = (10/5)^-2 = 1/4; w(20) = 4^-2 = 1/16.
        let w = Decroissance::gravitaire(2.0, 5.0, 20.0).unwrap();
        assert_eq!(w.poids(0.0), 1.0);
        assert_eq!(w.poids(5.0), 1.0);
        assert_eq!(w.poids(10.0), 0.25);
        assert_eq!(w.poids(20.0), 1.0 / 16.0);
        assert_eq!(w.poids(20.5), 0.0);
        assert!(Decroissance::gravitaire(1.0, 30.0, 20.0).is_err());
        assert!(Decroissance::gravitaire(1.0, 0.0, 20.0).is_err());
    }
}
