//! Supply (*offre*): what each commune offers, counted in consultations per year. Inputs in
//! another unit (full-time equivalents, head counts from the RPPS) go through a [`Conversion`]
//! into consultations, so that the APL reads, like DREES's, in consultations per inhabitant
//! and per year.

use crate::erreur::{ErreurParametre, positif};

/// Consultations per year for one unit of the input: 1 when the input already counts
/// consultations, e.g. 5,000 when it counts full-time general practitioners.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conversion(f64);

impl Conversion {
    /// The input counts consultations per year.
    pub const CONSULTATIONS: Conversion = Conversion(1.0);

    /// One unit of the input is worth `consultations_par_unite` consultations per year (> 0).
    pub fn par_unite(consultations_par_unite: f64) -> Result<Self, ErreurParametre> {
        positif("conversion de l'offre", consultations_par_unite, true).map(Conversion)
    }

    /// Consultations per year for `quantite` units.
    pub fn consultations(self, quantite: f64) -> f64 {
        quantite * self.0
    }
}

impl Default for Conversion {
    fn default() -> Self {
        Conversion::CONSULTATIONS
    }
}

/// Supply per commune index, in consultations per year.
#[derive(Debug, Clone, PartialEq)]
pub struct Offre {
    consultations: Vec<f64>,
    conversion: Conversion,
}

impl Offre {
    /// No supply anywhere, for `communes` communes; quantities added later go through
    /// `conversion`.
    pub fn nulle(communes: usize, conversion: Conversion) -> Self {
        Offre {
            consultations: vec![0.0; communes],
            conversion,
        }
    }

    /// Supply from one quantity per commune (in the unit of `conversion`).
    pub fn depuis_quantites(
        quantites: &[f64],
        conversion: Conversion,
    ) -> Result<Self, ErreurParametre> {
        let mut offre = Offre::nulle(quantites.len(), conversion);
        for (commune, &quantite) in quantites.iter().enumerate() {
            offre.ajouter(commune, quantite)?;
        }
        Ok(offre)
    }

    /// Adds `quantite` units (finite, ≥ 0) at `commune`: several lines for one commune add
    /// up (one line per practice is allowed).
    pub fn ajouter(&mut self, commune: usize, quantite: f64) -> Result<(), ErreurParametre> {
        positif("offre", quantite, false)?;
        self.consultations[commune] += self.conversion.consultations(quantite);
        Ok(())
    }

    /// Consultations per year, by commune index.
    pub fn consultations(&self) -> &[f64] {
        &self.consultations
    }

    /// The unit of the quantities this supply was built from (what-if changes use it too).
    pub fn conversion(&self) -> Conversion {
        self.conversion
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn les_etp_deviennent_des_consultations_et_les_lignes_s_additionnent() {
        let etp = Conversion::par_unite(5_000.0).unwrap();
        let mut offre = Offre::nulle(2, etp);
        offre.ajouter(1, 1.5).unwrap();
        offre.ajouter(1, 0.5).unwrap();
        assert_eq!(offre.consultations(), &[0.0, 10_000.0]);
        assert!(
            offre
                .ajouter(0, -1.0)
                .unwrap_err()
                .raison
                .contains("positif")
        );
        assert!(Conversion::par_unite(0.0).is_err());
        assert!(Offre::depuis_quantites(&[1.0, f64::NAN], etp).is_err());
    }
}
