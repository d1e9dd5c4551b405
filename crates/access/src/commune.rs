//! The communes of a computation: code, centroid and population, each at an index (`0..n`)
//! that every other structure of the engine (supply, demand, neighbourhoods) shares.
//!
//! Codes are opaque text here: the engine computes as well on INSEE codes as on IRIS or on
//! synthetic identifiers; checking that a code is a real INSEE code is the caller's business.

use std::collections::HashMap;

/// The field of a commune that breaks a rule (see [`CommuneInvalide`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Champ {
    Code,
    Latitude,
    Longitude,
    Population,
}

/// Why a commune was refused, and which of its fields is at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneInvalide {
    pub champ: Champ,
    pub motif: String,
}

/// A code as a key of the index: short codes (up to 15 bytes, every INSEE code) held inline,
/// so that a lookup reads no other memory (an origin–destination table makes millions).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Cle {
    Courte(u128),
    Longue(Box<str>),
}

impl Cle {
    fn de(code: &str) -> Cle {
        let octets = code.as_bytes();
        if octets.len() < 16 {
            let mut cle = [0u8; 16];
            cle[..octets.len()].copy_from_slice(octets);
            cle[15] = octets.len() as u8;
            Cle::Courte(u128::from_le_bytes(cle))
        } else {
            Cle::Longue(code.into())
        }
    }
}

/// The set of communes, in the order they were added.
#[derive(Debug, Clone, Default)]
pub struct Communes {
    codes: Vec<String>,
    index: HashMap<Cle, u32>,
    latitudes: Vec<f64>,
    longitudes: Vec<f64>,
    populations: Vec<f64>,
}

impl Communes {
    /// Adds a commune and returns its index. The code must be new and not empty; latitude in
    /// [-90, 90] and longitude in [-180, 180] degrees (WGS84); population finite and ≥ 0.
    pub fn ajouter(
        &mut self,
        code: &str,
        latitude: f64,
        longitude: f64,
        population: f64,
    ) -> Result<usize, CommuneInvalide> {
        let refus = |champ, motif: String| Err(CommuneInvalide { champ, motif });
        if code.is_empty() {
            return refus(Champ::Code, "le code de la commune est vide".into());
        }
        let cle = Cle::de(code);
        if self.index.contains_key(&cle) {
            return refus(
                Champ::Code,
                format!("la commune « {code} » est déjà listée"),
            );
        }
        if !(-90.0..=90.0).contains(&latitude) {
            return refus(
                Champ::Latitude,
                format!("la latitude {latitude} sort de [-90, 90]"),
            );
        }
        if !(-180.0..=180.0).contains(&longitude) {
            return refus(
                Champ::Longitude,
                format!("la longitude {longitude} sort de [-180, 180]"),
            );
        }
        if !(population.is_finite() && population >= 0.0) {
            return refus(
                Champ::Population,
                format!("la population {population} n'est pas un nombre positif ou nul"),
            );
        }
        let indice = self.codes.len();
        let Ok(valeur) = u32::try_from(indice) else {
            return refus(Champ::Code, "plus de 4 milliards de communes".into());
        };
        self.index.insert(cle, valeur);
        self.codes.push(code.to_owned());
        self.latitudes.push(latitude);
        self.longitudes.push(longitude);
        self.populations.push(population);
        Ok(indice)
    }

    /// Number of communes.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// True when no commune was added.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The index of the commune with this code.
    pub fn indice(&self, code: &str) -> Option<usize> {
        self.index.get(&Cle::de(code)).map(|&i| i as usize)
    }

    /// The code of the commune at `indice`.
    pub fn code(&self, indice: usize) -> &str {
        &self.codes[indice]
    }

    /// Codes, by index.
    pub fn codes(&self) -> &[String] {
        &self.codes
    }

    /// Centroid latitudes in degrees, by index.
    pub fn latitudes(&self) -> &[f64] {
        &self.latitudes
    }

    /// Centroid longitudes in degrees, by index.
    pub fn longitudes(&self) -> &[f64] {
        &self.longitudes
    }

    /// Populations, by index.
    pub fn populations(&self) -> &[f64] {
        &self.populations
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn une_commune_fautive_nomme_son_champ() {
        let mut communes = Communes::default();
        assert_eq!(communes.ajouter("14118", 49.18, -0.37, 105_000.0), Ok(0));
        let champ = |r: Result<usize, CommuneInvalide>| r.unwrap_err().champ;
        assert_eq!(
            champ(communes.ajouter("14118", 49.0, 0.0, 1.0)),
            Champ::Code
        );
        assert_eq!(champ(communes.ajouter("", 49.0, 0.0, 1.0)), Champ::Code);
        assert_eq!(
            champ(communes.ajouter("a", 91.0, 0.0, 1.0)),
            Champ::Latitude
        );
        assert_eq!(
            champ(communes.ajouter("a", 0.0, f64::NAN, 1.0)),
            Champ::Longitude
        );
        assert_eq!(
            champ(communes.ajouter("a", 0.0, 0.0, -1.0)),
            Champ::Population
        );
        assert_eq!(communes.len(), 1);
        assert_eq!(communes.indice("14118"), Some(0));
        assert_eq!(communes.code(0), "14118");
        let long = "un-code-de-plus-de-quinze-octets";
        assert_eq!(communes.ajouter(long, 0.0, 0.0, 1.0), Ok(1));
        assert_eq!(communes.indice(long), Some(1));
        assert_eq!(communes.indice("un-code-de-plus"), None);
        assert_eq!(communes.indice("1411"), None);
    }
}
