//! Times the engine on the files of `generer` (DREES steps) and writes its APL for comparison.
//!
//! ```text
//! cargo run --release -p pilote-access --example mesurer -- DOSSIER
//! ```
//!
//! Reads DOSSIER/communes.csv, offre.csv and od.csv; prints the times; writes
//! DOSSIER/apl_pilote.csv (`code_insee,apl`, full precision) and DOSSIER/mesures.txt
//! (`clé=valeur` lines for the benchmark script).

use std::error::Error;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use pilote_access::chargement::{Options, lire_communes, lire_offre, lire_trajets};
use pilote_access::scenario::Changement;
use pilote_access::{
    Apl, Conversion, Decroissance, Demande, Estimation, Scenario, Trajets, Voisinage,
};

const REPETITIONS: usize = 11;

/// The median duration of `repetitions` runs of `mesurer` on what `preparer` gives (not
/// timed), and the last result.
fn chronometrer<E, T>(
    repetitions: usize,
    mut preparer: impl FnMut() -> E,
    mut mesurer: impl FnMut(E) -> T,
) -> (Duration, T) {
    let mut durees = Vec::with_capacity(repetitions);
    let mut resultat = None;
    for _ in 0..repetitions {
        let entree = preparer();
        let debut = Instant::now();
        resultat = Some(std::hint::black_box(mesurer(entree)));
        durees.push(debut.elapsed());
    }
    durees.sort();
    (
        durees[durees.len() / 2],
        resultat.expect("au moins une répétition"),
    )
}

fn main() -> Result<(), Box<dyn Error>> {
    let dossier = std::env::args().nth(1).ok_or("usage : mesurer DOSSIER")?;
    let dossier = Path::new(&dossier);
    let ouvrir = |nom: &str| File::open(dossier.join(nom));
    let w = Decroissance::drees();

    let debut = Instant::now();
    let communes =
        lire_communes(ouvrir("communes.csv")?, "communes.csv", Options::default())?.donnees;
    let offre = lire_offre(
        ouvrir("offre.csv")?,
        "offre.csv",
        &communes,
        Conversion::CONSULTATIONS,
        Options::default(),
    )?
    .donnees;
    let lecture_communes = debut.elapsed();
    let debut = Instant::now();
    let table = lire_trajets(
        ouvrir("od.csv")?,
        "od.csv",
        &communes,
        w.portee(),
        Options::default(),
    )?
    .donnees;
    let lecture_od = debut.elapsed();
    let demande = Demande::population(&communes);
    let paires = table.paires();
    println!(
        "{} communes, {} paires ; lecture des communes et de l'offre {:.3} s, de la table origine–destination {:.3} s",
        communes.len(),
        paires,
        lecture_communes.as_secs_f64(),
        lecture_od.as_secs_f64()
    );

    // The loaded table is handed over to the engine, which turns it into weights in place: a
    // copy for each repetition, made before the clock starts.
    let (moteur_od, apl) = chronometrer(
        REPETITIONS,
        || table.clone(),
        |table| {
            let voisinage = Voisinage::new(table, &w);
            Apl::calculer(&voisinage, &demande, &offre)
        },
    );
    println!(
        "moteur sur la table origine–destination chargée (pondération, étapes 1 et 2) : {:.2} ms (médiane de {REPETITIONS})",
        moteur_od.as_secs_f64() * 1e3
    );
    let (moteur_centroides, apl_centroides) = chronometrer(
        REPETITIONS,
        || (),
        |()| {
            let trajets = Trajets::depuis_centroides(&communes, &Estimation::default(), w.portee());
            let voisinage = Voisinage::new(trajets, &w);
            Apl::calculer(&voisinage, &demande, &offre)
        },
    );
    println!(
        "moteur depuis les centroïdes (index spatial, temps, voisinage, APL) : {:.2} ms (médiane de {REPETITIONS})",
        moteur_centroides.as_secs_f64() * 1e3
    );
    let ecart = apl
        .valeurs()
        .iter()
        .zip(apl_centroides.valeurs())
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    println!("écart maximal entre les deux chemins : {ecart:e}");

    // Every commune in turn, one general practitioner more (5,000 consultations a year).
    let voisinage = Voisinage::new(table, &w);
    let debut = Instant::now();
    let scenario = Scenario::new(&communes, &voisinage, &offre, &apl);
    let preparation = debut.elapsed();
    let mut durees: Vec<Duration> = (0..communes.len())
        .map(|commune| {
            let changement = [Changement {
                commune,
                quantite: 5_000.0,
            }];
            chronometrer(5, || (), |()| scenario.simuler(&changement)).0
        })
        .collect();
    durees.sort();
    let (mediane, pire) = (durees[durees.len() / 2], durees[durees.len() - 1]);
    println!(
        "scénarios : préparation (voisinage lu par commune d'offre, une fois) {:.2} ms ; \
         une commune (+1 médecin) : médiane {:.1} µs, pire {:.1} µs sur {} communes",
        preparation.as_secs_f64() * 1e3,
        mediane.as_secs_f64() * 1e6,
        pire.as_secs_f64() * 1e6,
        durees.len()
    );

    let mut sortie = BufWriter::new(File::create(dossier.join("apl_pilote.csv"))?);
    writeln!(sortie, "code_insee,apl")?;
    for (code, a) in communes.codes().iter().zip(apl.valeurs()) {
        writeln!(sortie, "{code},{a}")?;
    }
    sortie.flush()?;
    std::fs::write(
        dossier.join("mesures.txt"),
        format!(
            "moteur_od_s={}\nmoteur_centroides_s={}\nlecture_od_s={}\nscenario_preparation_s={}\nscenario_median_s={}\nscenario_pire_s={}\npaires={}\n",
            moteur_od.as_secs_f64(),
            moteur_centroides.as_secs_f64(),
            lecture_od.as_secs_f64(),
            preparation.as_secs_f64(),
            mediane.as_secs_f64(),
            pire.as_secs_f64(),
            paires
        ),
    )?;
    Ok(())
}
