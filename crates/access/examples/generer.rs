//! Generates the benchmark's inputs: `communes.csv`, `offre.csv` and `od.csv` (every pair
//! within 20 minutes, estimated from the centroids with the default detour and speed, each
//! commune with itself at 0).
//!
//! ```text
//! cargo run --release -p pilote-access --example generer -- france COMMUNES.csv DOSSIER
//! cargo run --release -p pilote-access --example generer -- synthetique 100000 DOSSIER
//! ```
//!
//! `france` keeps the real centroids and populations of COMMUNES.csv (`code_insee`, `lat`,
//! `lon`, `population…`) and draws the supply; `synthetique` draws N communes over a
//! 1,250 km square with France's density of communes. Draws are seeded: same files every run.

use std::error::Error;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use pilote_access::chargement::{Options, lire_communes};
use pilote_access::{Communes, Decroissance, Estimation, Trajets};

type Resultat<T> = Result<T, Box<dyn Error>>;

/// SplitMix64: a small, seeded generator, enough for test data.
struct Tirage(u64);

impl Tirage {
    fn suivant(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn uniforme(&mut self) -> f64 {
        (self.suivant() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn main() -> Resultat<()> {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let (communes, dossier) = match arguments.as_slice() {
        [cas, source, dossier] if cas == "france" => {
            let charge = lire_communes(File::open(source)?, source, Options::default())?;
            (charge.donnees, dossier)
        }
        [cas, nombre, dossier] if cas == "synthetique" => (synthetiques(nombre.parse()?)?, dossier),
        _ => {
            return Err(
                "usage : generer france COMMUNES.csv DOSSIER | generer synthetique N DOSSIER"
                    .into(),
            );
        }
    };
    let dossier = Path::new(dossier);
    std::fs::create_dir_all(dossier)?;
    ecrire_communes(&communes, &dossier.join("communes.csv"))?;
    ecrire_offre(&communes, &dossier.join("offre.csv"))?;
    let paires = ecrire_od(&communes, &dossier.join("od.csv"))?;
    println!(
        "{} : {} communes, {} habitants, {} paires à 20 min ou moins (soi-même compris)",
        dossier.display(),
        communes.len(),
        communes.populations().iter().sum::<f64>(),
        paires
    );
    Ok(())
}

/// `n` communes uniformly over about 1,250 × 1,250 km around 45.6° N (France counts some
/// 35,000 communes on 550,000 km²; 100,000 at that density take 1.6 million km²), with a
/// skewed population: most small, a few towns.
fn synthetiques(n: usize) -> Resultat<Communes> {
    let mut tirage = Tirage(2024);
    let mut communes = Communes::default();
    for i in 0..n {
        let lat = 40.0 + 11.25 * tirage.uniforme();
        let lon = -5.0 + 17.0 * tirage.uniforme();
        let population = (300.0 * (-(1.0 - tirage.uniforme()).ln()).powi(3)).round();
        communes
            .ajouter(&format!("S{i:06}"), lat, lon, population)
            .map_err(|e| e.motif)?;
    }
    Ok(communes)
}

fn ecrire_communes(communes: &Communes, chemin: &Path) -> Resultat<()> {
    let mut sortie = BufWriter::new(File::create(chemin)?);
    writeln!(sortie, "code_insee,lat,lon,population")?;
    for i in 0..communes.len() {
        writeln!(
            sortie,
            "{},{},{},{}",
            communes.code(i),
            communes.latitudes()[i],
            communes.longitudes()[i],
            communes.populations()[i]
        )?;
    }
    Ok(sortie.flush()?)
}

/// Supply drawn around France's one general practitioner per 1,100 inhabitants, only where
/// people live, each practitioner giving 4,000 to 6,000 consultations a year; listed for
/// every commune (0 where none).
fn ecrire_offre(communes: &Communes, chemin: &Path) -> Resultat<()> {
    let mut tirage = Tirage(35);
    let mut sortie = BufWriter::new(File::create(chemin)?);
    writeln!(sortie, "code_insee,offre")?;
    for (code, &population) in communes.codes().iter().zip(communes.populations()) {
        let attendus = population / 1_100.0 * (0.3 + 1.4 * tirage.uniforme());
        let mut medecins = attendus.floor();
        if tirage.uniforme() < attendus.fract() {
            medecins += 1.0;
        }
        let consultations: f64 = (0..medecins as usize)
            .map(|_| (4_000.0 + 2_000.0 * tirage.uniforme()).round())
            .sum();
        writeln!(sortie, "{code},{consultations}")?;
    }
    Ok(sortie.flush()?)
}

/// Every pair within DREES's 20 minutes, estimated from the centroids; returns their count.
fn ecrire_od(communes: &Communes, chemin: &Path) -> Resultat<usize> {
    let portee = Decroissance::drees().portee();
    let trajets = Trajets::depuis_centroides(communes, &Estimation::default(), portee);
    let mut sortie = BufWriter::new(File::create(chemin)?);
    writeln!(sortie, "origine,destination,minutes")?;
    for origine in 0..communes.len() {
        let (destinations, minutes) = trajets.depuis(origine);
        for (&d, t) in destinations.iter().zip(minutes) {
            // `{}` writes the shortest text that reads back to the same f64.
            writeln!(
                sortie,
                "{},{},{t}",
                communes.code(origine),
                communes.code(d as usize)
            )?;
        }
    }
    sortie.flush()?;
    Ok(trajets.paires())
}
