//! Travel costs (*trajets*) between communes, in minutes, kept only up to a reach: from an
//! origin–destination table (a routing engine's export) or estimated from the centroids as
//! great-circle distance × detour factor ÷ speed.
//!
//! Either way a commune always reaches itself at cost 0, and the pairs are stored in
//! compressed sparse rows: for each origin, its destinations (each once).

use crate::commune::Communes;
use crate::erreur::{ErreurParametre, positif};
use crate::grille::Grille;

/// Mean Earth radius (IUGG), in km.
const RAYON_TERRESTRE_KM: f64 = 6_371.008_8;

/// How travel time is estimated from centroids: great-circle distance × `detour` ÷ speed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimation {
    detour: f64,
    vitesse_kmh: f64,
}

impl Default for Estimation {
    /// Detour factor 1.3 (roads are not straight), 70 km/h.
    fn default() -> Self {
        Estimation {
            detour: 1.3,
            vitesse_kmh: 70.0,
        }
    }
}

impl Estimation {
    /// A detour factor (≥ 1: a road is never shorter than the straight line) and a speed
    /// in km/h (> 0).
    pub fn new(detour: f64, vitesse_kmh: f64) -> Result<Self, ErreurParametre> {
        if !(detour.is_finite() && detour >= 1.0) {
            return Err(ErreurParametre::new(
                "facteur de détour",
                format!("{detour} : il doit valoir au moins 1"),
            ));
        }
        positif("vitesse", vitesse_kmh, true)?;
        Ok(Estimation {
            detour,
            vitesse_kmh,
        })
    }

    /// Estimated minutes between two points given in degrees.
    pub fn minutes(&self, lat_a: f64, lon_a: f64, lat_b: f64, lon_b: f64) -> f64 {
        self.minutes_entre(&vecteur(lat_a, lon_a), &vecteur(lat_b, lon_b))
    }

    fn minutes_entre(&self, a: &[f64; 3], b: &[f64; 3]) -> f64 {
        let angle = 2.0 * (corde_carree(a, b).sqrt() / 2.0).min(1.0).asin();
        angle * RAYON_TERRESTRE_KM * self.detour / self.vitesse_kmh * 60.0
    }

    /// The great-circle angle (radians) travelled in `minutes`.
    fn angle(&self, minutes: f64) -> f64 {
        minutes / 60.0 * self.vitesse_kmh / self.detour / RAYON_TERRESTRE_KM
    }
}

/// The point on the unit sphere at (lat, lon) in degrees.
fn vecteur(lat: f64, lon: f64) -> [f64; 3] {
    let (lat, lon) = (lat.to_radians(), lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// Squared straight-line distance between two points of the unit sphere.
fn corde_carree(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let (x, y, z) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    x * x + y * y + z * z
}

/// Travel costs within reach, by origin.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajets {
    debuts: Vec<usize>,
    destinations: Vec<u32>,
    minutes: Vec<f64>,
}

impl Trajets {
    /// From `(origine, destination, minutes)` pairs between `communes` communes (indices
    /// below `communes`, minutes ≥ 0). Pairs beyond `portee` minutes are dropped; when a pair
    /// comes twice, the shorter time holds (the route a resident would take).
    ///
    /// # Panics
    /// When an index is not below `communes`.
    pub fn depuis_paires(
        communes: usize,
        paires: impl IntoIterator<Item = (usize, usize, f64)>,
        portee: f64,
    ) -> Self {
        let mut retenues: Vec<(u32, u32, f64)> = paires
            .into_iter()
            .filter(|&(o, d, minutes)| o != d && (0.0..=portee).contains(&minutes))
            .map(|(o, d, minutes)| (o as u32, d as u32, minutes))
            .collect();
        retenues.extend((0..communes as u32).map(|i| (i, i, 0.0)));
        // Counting sort by origin, then each (short) row by destination.
        let mut debuts = vec![0; communes + 1];
        for &(o, _, _) in &retenues {
            debuts[o as usize + 1] += 1;
        }
        for i in 0..communes {
            debuts[i + 1] += debuts[i];
        }
        let mut places = debuts.clone();
        let mut rangees = vec![(0u32, 0.0f64); retenues.len()];
        for (o, d, minutes) in retenues {
            rangees[places[o as usize]] = (d, minutes);
            places[o as usize] += 1;
        }
        let mut trajets = Trajets::avec_capacite(communes, rangees.len());
        for origine in 0..communes {
            let rangee = &mut rangees[debuts[origine]..debuts[origine + 1]];
            rangee.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            let mut precedente = None;
            for &(d, minutes) in rangee.iter() {
                if precedente != Some(d) {
                    trajets.destinations.push(d);
                    trajets.minutes.push(minutes);
                    precedente = Some(d);
                }
            }
            trajets.debuts.push(trajets.destinations.len());
        }
        trajets
    }

    /// Estimated from the centroids of `communes`, keeping the pairs within `portee` minutes.
    /// Candidates come from a grid index (3×3 cells around each commune), never from all
    /// pairs; each candidate is then measured exactly.
    pub fn depuis_centroides(communes: &Communes, estimation: &Estimation, portee: f64) -> Self {
        let (latitudes, longitudes) = (communes.latitudes(), communes.longitudes());
        let portee = portee.max(0.0);
        let angle = estimation.angle(portee);
        let grille = Grille::new(latitudes, longitudes, angle);
        let vecteurs: Vec<[f64; 3]> = grille
            .points()
            .iter()
            .map(|&i| vecteur(latitudes[i as usize], longitudes[i as usize]))
            .collect();
        // The cheap test on the squared chord, with a hair of slack; the exact time decides.
        let corde_max = 2.0 * (angle / 2.0).min(std::f64::consts::FRAC_PI_2).sin() * (1.0 + 1e-9);
        let corde_max_carree = corde_max * corde_max;
        let mut trajets = Trajets::avec_capacite(communes.len(), 0);
        for origine in 0..communes.len() {
            let ici = vecteur(latitudes[origine], longitudes[origine]);
            grille.candidats(latitudes[origine], longitudes[origine], |position| {
                let la = &vecteurs[position];
                if corde_carree(&ici, la) <= corde_max_carree {
                    let destination = grille.points()[position];
                    // A commune reaches itself at 0, even when two share a centroid.
                    let minutes = if destination as usize == origine {
                        0.0
                    } else {
                        estimation.minutes_entre(&ici, la)
                    };
                    if minutes <= portee {
                        trajets.destinations.push(destination);
                        trajets.minutes.push(minutes);
                    }
                }
            });
            trajets.debuts.push(trajets.destinations.len());
        }
        trajets
    }

    fn avec_capacite(communes: usize, paires: usize) -> Self {
        let mut debuts = Vec::with_capacity(communes + 1);
        debuts.push(0);
        Trajets {
            debuts,
            destinations: Vec::with_capacity(paires),
            minutes: Vec::with_capacity(paires),
        }
    }

    /// The rows' starts, the destinations and the minutes.
    pub(crate) fn en_parties(self) -> (Vec<usize>, Vec<u32>, Vec<f64>) {
        (self.debuts, self.destinations, self.minutes)
    }

    /// Number of communes (origins).
    pub fn communes(&self) -> usize {
        self.debuts.len() - 1
    }

    /// Number of stored pairs, the communes' pairs with themselves included.
    pub fn paires(&self) -> usize {
        self.destinations.len()
    }

    /// The destinations reached from `origine` and their minutes: in ascending index order
    /// from a table, in the grid's order from centroids.
    pub fn depuis(&self, origine: usize) -> (&[u32], &[f64]) {
        let plage = self.debuts[origine]..self.debuts[origine + 1];
        (&self.destinations[plage.clone()], &self.minutes[plage])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn un_degre_de_meridien_a_70_kmh_avec_detour() {
        // One degree of latitude = 6371.0088 × π/180 = 111.195 km; × 1.3 = 144.553 km;
        // at 70 km/h: 2.06505 h = 123.903 min.
        let minutes = Estimation::default().minutes(45.0, 2.0, 46.0, 2.0);
        assert!((minutes - 123.903).abs() < 1e-3, "{minutes}");
        assert!(Estimation::new(0.9, 70.0).is_err());
        assert!(Estimation::new(1.3, 0.0).is_err());
    }

    #[test]
    fn les_paires_gardent_le_plus_court_et_chaque_commune_s_atteint() {
        let trajets = Trajets::depuis_paires(
            3,
            [
                (0, 1, 12.0),
                (0, 1, 9.0),
                (1, 0, 9.0),
                (0, 2, 25.0),
                (2, 2, 4.0),
            ],
            20.0,
        );
        assert_eq!(trajets.depuis(0), (&[0, 1][..], &[0.0, 9.0][..]));
        assert_eq!(trajets.depuis(1), (&[0, 1][..], &[9.0, 0.0][..]));
        assert_eq!(trajets.depuis(2), (&[2][..], &[0.0][..]));
        assert_eq!(trajets.paires(), 5);
    }
}
