//! `pilote bench-geographie`: loads the official geography into fresh SQLite databases and
//! prints the times, so that the start-up cost is measured, not asserted.

use std::time::Duration;

use anyhow::Result;
use pilote_store::{Store, geographie};

pub async fn geographie(repetitions: usize) -> Result<()> {
    let debut = std::time::Instant::now();
    let extrait = geographie::extrait()?;
    println!(
        "Lecture de l'extrait : {} communes, {} EPCI en {:.3} s",
        extrait.communes.len(),
        extrait.epci.len(),
        debut.elapsed().as_secs_f64()
    );
    let mut durees: Vec<Duration> = Vec::with_capacity(repetitions);
    for i in 1..=repetitions.max(1) {
        let dossier = tempfile::tempdir()?;
        let store = Store::open(&format!(
            "sqlite://{}",
            dossier.path().join("bench.db").display()
        ))
        .await?;
        let chargement = pilote_store::charger_geographie(&store).await?;
        store.close().await;
        println!("essai {i} : {:.3} s", chargement.duree.as_secs_f64());
        durees.push(chargement.duree);
    }
    durees.sort();
    println!(
        "chargement de la géographie (SQLite, base neuve) : min {:.3} s, médiane {:.3} s, max {:.3} s",
        durees[0].as_secs_f64(),
        durees[durees.len() / 2].as_secs_f64(),
        durees[durees.len() - 1].as_secs_f64()
    );
    Ok(())
}
