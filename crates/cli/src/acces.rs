//! `pilote access compute | simulate`: medical accessibility (the APL indicator, DREES's
//! E2SFCA) from files, without the database. `compute` writes every commune's APL and prints
//! the summary figures; `simulate` replays changes of supply and lists the communes they move.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressBarIter, ProgressStyle};
use pilote_access::chargement::{
    Charge, Options, lire_communes, lire_offre, lire_rpps, lire_trajets,
};
use pilote_access::erreur::ErreurChargement;
use pilote_access::{
    Apl, Bilan, Communes, Conversion, Decroissance, Demande, Estimation, Offre, Scenario, Seuil,
    Trajets, Voisinage,
};

#[derive(Subcommand)]
pub enum CommandeAcces {
    /// Computes every commune's APL and writes `code_insee,apl,sous_dense` as CSV.
    Compute {
        #[command(flatten)]
        entrees: Entrees,
        /// Output CSV file.
        #[arg(long)]
        out: PathBuf,
    },
    /// Changes the supply of one or more communes and lists the communes whose APL moves.
    Simulate {
        #[command(flatten)]
        entrees: Entrees,
        /// CODE=+N or CODE=-N (N in the supply's unit); repeat for several communes.
        #[arg(long = "change", required = true, allow_hyphen_values = true)]
        changements: Vec<String>,
    },
}

/// The inputs and parameters of a computation.
#[derive(Args)]
pub struct Entrees {
    /// Communes CSV: code_insee, lat, lon, population (or a single population_… column).
    #[arg(long)]
    communes: PathBuf,
    /// Supply CSV: code_insee, offre (consultations per year, or units of
    /// --consultations-per-unit).
    #[arg(long, required_unless_present = "rpps", conflicts_with = "rpps")]
    supply: Option<PathBuf>,
    /// Supply from the RPPS public extract (PS_LibreAcces_Personne_activite): general
    /// practitioners per commune, converted with --consultations-per-unit.
    #[arg(long, requires = "consultations_per_unit")]
    rpps: Option<PathBuf>,
    /// Consultations per year for one unit of supply (e.g. per full-time practitioner);
    /// 1 by default, that is, supply counted in consultations.
    #[arg(long)]
    consultations_per_unit: Option<f64>,
    /// Origin–destination CSV (origine, destination, minutes); without it, times are
    /// estimated from the centroids.
    #[arg(long)]
    od: Option<PathBuf>,
    /// Detour factor of the estimate from centroids.
    #[arg(long, default_value_t = 1.3, conflicts_with = "od")]
    detour: f64,
    /// Speed of the estimate from centroids, in km/h.
    #[arg(long, default_value_t = 70.0, conflicts_with = "od")]
    speed_kmh: f64,
    /// Distance decay.
    #[arg(long, value_enum, default_value_t = Methode::Drees)]
    decay: Methode,
    /// Reach in minutes of the plain 2SFCA and of the gravity decay.
    #[arg(long, default_value_t = 20.0)]
    reach_minutes: f64,
    /// Exponent of the gravity decay.
    #[arg(long, default_value_t = 1.0)]
    gravity_exponent: f64,
    /// Minutes up to which the gravity decay weighs 1.
    #[arg(long, default_value_t = 5.0)]
    gravity_plateau_minutes: f64,
    /// APL below which a commune is under-served.
    #[arg(long, default_value_t = 2.5)]
    threshold: f64,
    /// Set bad lines aside (and list them) instead of refusing the file.
    #[arg(long)]
    skip_bad_rows: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Methode {
    /// DREES's steps: 1 up to 10 min, 2/3 up to 15, 1/3 up to 20.
    Drees,
    /// Plain 2SFCA: 1 up to --reach-minutes.
    #[value(name = "2sfca")]
    DeuxSfca,
    /// Gravity: (max(t, plateau) / plateau)^-exponent up to --reach-minutes.
    Gravity,
}

pub fn executer(commande: CommandeAcces) -> Result<()> {
    match commande {
        CommandeAcces::Compute { entrees, out } => {
            let calcul = calculer(&entrees)?;
            ecrire(&out, &calcul).with_context(|| format!("écriture de {}", out.display()))?;
            println!(
                "APL de {} communes écrite dans {}.",
                calcul.communes.len(),
                out.display()
            );
            Ok(())
        }
        CommandeAcces::Simulate {
            entrees,
            changements,
        } => simuler(&calculer(&entrees)?, &changements),
    }
}

/// A computed APL and what it was computed from.
struct Calcul {
    communes: Communes,
    offre: Offre,
    voisinage: Voisinage,
    apl: Apl,
    seuil: Seuil,
}

fn calculer(entrees: &Entrees) -> Result<Calcul> {
    let options = Options {
        sauter_lignes_fautives: entrees.skip_bad_rows,
    };
    let seuil = Seuil::new(entrees.threshold)?;
    let decroissance = match entrees.decay {
        Methode::Drees => Decroissance::drees(),
        Methode::DeuxSfca => Decroissance::deux_sfca(entrees.reach_minutes)?,
        Methode::Gravity => Decroissance::gravitaire(
            entrees.gravity_exponent,
            entrees.gravity_plateau_minutes,
            entrees.reach_minutes,
        )?,
    };
    let conversion = match entrees.consultations_per_unit {
        Some(consultations) => Conversion::par_unite(consultations)?,
        None => Conversion::CONSULTATIONS,
    };
    let estimation = Estimation::new(entrees.detour, entrees.speed_kmh)?;

    let communes = charger(&entrees.communes, |lecteur, nom| {
        lire_communes(lecteur, nom, options)
    })?;
    if communes.is_empty() {
        bail!("{} : aucune commune", entrees.communes.display());
    }
    let offre = match (&entrees.supply, &entrees.rpps) {
        (Some(chemin), _) => charger(chemin, |lecteur, nom| {
            lire_offre(lecteur, nom, &communes, conversion, options)
        })?,
        (None, Some(chemin)) => {
            let recensement = charger(chemin, |lecteur, nom| {
                lire_rpps(lecteur, nom, &communes, options)
            })?;
            println!(
                "RPPS : {} médecins généralistes exerçant dans ces communes{}.",
                recensement.medecins,
                match recensement.activites_hors_communes {
                    0 => String::new(),
                    n => format!(" ; {n} lieu(x) d'exercice hors de ces communes non comptés"),
                }
            );
            Offre::depuis_quantites(&recensement.medecins_par_commune, conversion)?
        }
        (None, None) => bail!("indiquez l'offre : --supply ou --rpps"),
    };
    let debut = Instant::now();
    let (trajets, origine) = match &entrees.od {
        Some(chemin) => {
            let trajets = charger(chemin, |lecteur, nom| {
                lire_trajets(lecteur, nom, &communes, decroissance.portee(), options)
            })?;
            (trajets, format!("lus dans {}", chemin.display()))
        }
        None => (
            Trajets::depuis_centroides(&communes, &estimation, decroissance.portee()),
            format!(
                "estimés depuis les centroïdes (détour {}, {} km/h)",
                entrees.detour, entrees.speed_kmh
            ),
        ),
    };
    let (paires, pour_trajets) = (trajets.paires(), debut.elapsed());
    let debut = Instant::now();
    let voisinage = Voisinage::new(trajets, &decroissance);
    let apl = Apl::calculer(&voisinage, &Demande::population(&communes), &offre);
    println!(
        "{} communes ; {paires} trajets à {} min ou moins {origine} en {} ; APL calculée en {}.",
        communes.len(),
        decroissance.portee(),
        duree(pour_trajets),
        duree(debut.elapsed())
    );
    let bilan = Bilan::new(apl.valeurs(), communes.populations(), seuil);
    println!(
        "APL moyenne pondérée par la population : {:.3} ; sous le seuil de {} : {} commune(s), {:.1} % de la population ({:.0} habitants sur {:.0}).",
        bilan.apl_moyenne,
        seuil.valeur(),
        bilan.communes_sous_denses,
        100.0 * bilan.part_sous_dense(),
        bilan.population_sous_dense,
        bilan.population
    );
    Ok(Calcul {
        communes,
        offre,
        voisinage,
        apl,
        seuil,
    })
}

/// Loads one file behind a progress bar (shown on a terminal only) and lists the lines set
/// aside.
/// Opens the file at `chemin` with its name and a progress bar of its size (shown on a
/// terminal only).
pub fn ouvrir(chemin: &Path) -> Result<(String, File, ProgressBar)> {
    let nom = chemin.display().to_string();
    let fichier = File::open(chemin).with_context(|| format!("ouverture de {nom}"))?;
    let taille = fichier.metadata().map(|m| m.len()).unwrap_or_default();
    let barre = ProgressBar::new(taille)
        .with_message(nom.clone())
        .with_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} ({eta})")?
                .progress_chars("=> "),
        );
    Ok((nom, fichier, barre))
}

fn charger<T>(
    chemin: &Path,
    lire: impl FnOnce(ProgressBarIter<File>, &str) -> Result<Charge<T>, ErreurChargement>,
) -> Result<T> {
    let (nom, fichier, barre) = ouvrir(chemin)?;
    let charge = lire(barre.wrap_read(fichier), &nom);
    barre.finish_and_clear();
    let charge = charge?;
    if !charge.lignes_sautees.is_empty() {
        eprintln!(
            "{nom} : {} ligne(s) fautive(s) sautée(s) :",
            charge.lignes_sautees.len()
        );
        for faute in &charge.lignes_sautees {
            eprintln!("  {faute}");
        }
    }
    Ok(charge.donnees)
}

fn ecrire(chemin: &Path, calcul: &Calcul) -> Result<()> {
    let mut sortie = csv::Writer::from_path(chemin)?;
    sortie.write_record(["code_insee", "apl", "sous_dense"])?;
    for (code, &apl) in calcul.communes.codes().iter().zip(calcul.apl.valeurs()) {
        sortie.write_record([
            code.as_str(),
            &apl.to_string(),
            if calcul.seuil.sous_dense(apl) {
                "true"
            } else {
                "false"
            },
        ])?;
    }
    sortie.flush()?;
    Ok(())
}

fn simuler(calcul: &Calcul, changements: &[String]) -> Result<()> {
    let scenario = Scenario::new(
        &calcul.communes,
        &calcul.voisinage,
        &calcul.offre,
        &calcul.apl,
    );
    let changements = changements
        .iter()
        .map(|texte| scenario.changement(texte))
        .collect::<Result<Vec<_>, _>>()?;
    let debut = Instant::now();
    let effets = scenario.simuler(&changements)?;
    let ecoule = debut.elapsed();
    println!(
        "Scénario : {} commune(s) touchée(s), recalculées en {}.",
        effets.len(),
        duree(ecoule)
    );
    let classe = |apl| {
        if calcul.seuil.sous_dense(apl) {
            "sous-dense"
        } else {
            "-"
        }
    };
    println!(
        "{:<10} {:>12} {:>12} {:>12}  classe",
        "code_insee", "APL avant", "APL après", "écart"
    );
    for effet in &effets {
        println!(
            "{:<10} {:>12.4} {:>12.4} {:>+12.4}  {}{}",
            calcul.communes.code(effet.commune),
            effet.avant,
            effet.apres,
            effet.apres - effet.avant,
            classe(effet.avant),
            if effet.change_de_classe(calcul.seuil) {
                format!(" → {}", classe(effet.apres))
            } else {
                String::new()
            }
        );
    }
    let bascules: Vec<String> = effets
        .iter()
        .filter(|e| e.change_de_classe(calcul.seuil))
        .map(|e| {
            format!(
                "{} ({})",
                calcul.communes.code(e.commune),
                if calcul.seuil.sous_dense(e.apres) {
                    "devient sous-dense"
                } else {
                    "sort de la sous-densité"
                }
            )
        })
        .collect();
    if bascules.is_empty() {
        println!("Aucune commune ne change de classe.");
    } else {
        println!(
            "Changements de classe : {} commune(s) : {}.",
            bascules.len(),
            bascules.join(", ")
        );
    }
    Ok(())
}

/// A duration in the unit that reads best.
fn duree(duree: Duration) -> String {
    let secondes = duree.as_secs_f64();
    if secondes >= 1.0 {
        format!("{secondes:.2} s")
    } else if secondes >= 1e-3 {
        format!("{:.1} ms", secondes * 1e3)
    } else {
        format!("{:.1} µs", secondes * 1e6)
    }
}
