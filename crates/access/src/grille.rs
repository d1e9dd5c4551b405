//! A spatial index over the centroids: a uniform latitude/longitude grid whose cells are at
//! least as high and as wide as the search angle, so that every point within that angle of a
//! point lies in the 3×3 block of cells around it. Cells are numbered row by row and the
//! points sorted by cell: the three cells of one row are one contiguous run, found by binary
//! search. No pair is ever formed outside those blocks.
//!
//! Longitudes do not wrap around at ±180°: no two French communes within reach of each other
//! lie on both sides of that meridian (Wallis-et-Futuna and Polynesia are west of it, New
//! Caledonia far east).

/// The grid: points sorted by cell number.
pub(crate) struct Grille {
    lat0: f64,
    lon0: f64,
    pas_lat: f64,
    pas_lon: f64,
    lignes: u64,
    colonnes: u64,
    /// Cell number of each point, ascending.
    cellules: Vec<u64>,
    /// Point indices in the order of `cellules`.
    points: Vec<u32>,
}

impl Grille {
    /// Indexes the points (degrees) for searches within `angle` radians (great-circle).
    pub(crate) fn new(latitudes: &[f64], longitudes: &[f64], angle: f64) -> Self {
        let bornes = |valeurs: &[f64]| {
            valeurs
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(min, max), &v| {
                    (min.min(v), max.max(v))
                })
        };
        let (lat_min, lat_max) = bornes(latitudes);
        let (lon_min, lon_max) = bornes(longitudes);
        let latitude_extreme = lat_min.abs().max(lat_max.abs()).to_radians();
        // The widest longitude gap between two points within `angle` of each other, at the
        // latitude farthest from the equator: asin(sin δ / cos φ). Beyond the poles' reach, one
        // column spans everything.
        let sinus = angle.sin() / latitude_extreme.cos();
        let ecart_lon = if angle >= std::f64::consts::FRAC_PI_2 || !(0.0..1.0).contains(&sinus) {
            360.0
        } else {
            sinus.asin().to_degrees()
        };
        // A hair wider than needed against rounding; never so thin that the numbering
        // overflows (wider cells only mean more candidates, never fewer).
        let pas =
            |ecart: f64, etendue: f64| (ecart * (1.0 + 1e-6)).max(etendue / 1_000_000.0).max(1e-9);
        let pas_lat = pas(angle.to_degrees(), lat_max - lat_min);
        let pas_lon = pas(ecart_lon, lon_max - lon_min);
        let mut grille = Grille {
            lat0: lat_min,
            lon0: lon_min,
            pas_lat,
            pas_lon,
            lignes: 0,
            colonnes: 0,
            cellules: Vec::new(),
            points: Vec::new(),
        };
        if latitudes.is_empty() {
            return grille;
        }
        grille.lignes = grille.ligne(lat_max) + 1;
        grille.colonnes = grille.colonne(lon_max) + 1;
        let mut ordre: Vec<(u64, u32)> = latitudes
            .iter()
            .zip(longitudes)
            .enumerate()
            .map(|(i, (&lat, &lon))| {
                (
                    grille.ligne(lat) * grille.colonnes + grille.colonne(lon),
                    i as u32,
                )
            })
            .collect();
        ordre.sort_unstable();
        (grille.cellules, grille.points) = ordre.into_iter().unzip();
        grille
    }

    fn ligne(&self, lat: f64) -> u64 {
        ((lat - self.lat0) / self.pas_lat) as u64
    }

    fn colonne(&self, lon: f64) -> u64 {
        ((lon - self.lon0) / self.pas_lon) as u64
    }

    /// Calls `visiter` with the position (in the grid's order) of every point of the 3×3
    /// cells around (lat, lon), which must be one of the indexed points.
    pub(crate) fn candidats(&self, lat: f64, lon: f64, mut visiter: impl FnMut(usize)) {
        let (ligne, colonne) = (self.ligne(lat), self.colonne(lon));
        let colonne_min = colonne.saturating_sub(1);
        let colonne_max = (colonne + 1).min(self.colonnes - 1);
        for l in ligne.saturating_sub(1)..=(ligne + 1).min(self.lignes - 1) {
            let debut = self
                .cellules
                .partition_point(|&c| c < l * self.colonnes + colonne_min);
            let fin = self
                .cellules
                .partition_point(|&c| c <= l * self.colonnes + colonne_max);
            (debut..fin).for_each(&mut visiter);
        }
    }

    /// Point indices in the grid's order (what [`Grille::candidats`] positions refer to).
    pub(crate) fn points(&self) -> &[u32] {
        &self.points
    }
}
