//! The counter of changes (`generation_donnees`): every change to a contract moves it in its
//! own transaction, and whatever is kept in memory (the public's answers, the fiches-actions
//! read for their pages) is served again only while it has not moved.
//!
//! Reading it is one query; at thousands of requests a second that query is most of the cost
//! of an answer kept in memory. So its value is itself kept for [`FRAICHEUR`]: a change made
//! by this instance forgets it as soon as it is committed (whoever made it, and everyone
//! after, reads the new state at once); a change made by another instance on the same
//! PostgreSQL database is seen by this one at most [`FRAICHEUR`] later.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use sqlx::AnyPool;

use crate::StoreError;

/// How long a value read from the database is trusted.
pub const FRAICHEUR: Duration = Duration::from_millis(50);

/// The counter as this instance last read it.
#[derive(Debug)]
pub(crate) struct Generation {
    etat: Mutex<Etat>,
}

#[derive(Debug)]
struct Etat {
    /// The value read, and when; `None` once a change of this instance made it old.
    lue: Option<(i64, Instant)>,
    /// Moves on with every change of this instance: a reading started before one is not kept.
    epoque: u64,
}

impl Generation {
    pub(crate) fn new() -> Self {
        Self {
            etat: Mutex::new(Etat {
                lue: None,
                epoque: 0,
            }),
        }
    }

    /// The counter: the value kept if it is fresh, otherwise the database's.
    pub(crate) async fn lire(&self, pool: &AnyPool) -> Result<i64, StoreError> {
        let epoque = {
            let etat = self.etat.lock().map_err(|_| empoisonne())?;
            if let Some((valeur, a)) = etat.lue
                && a.elapsed() < FRAICHEUR
            {
                return Ok(valeur);
            }
            etat.epoque
        };
        let valeur: i64 = sqlx::query_scalar("SELECT valeur FROM generation_donnees")
            .fetch_one(pool)
            .await?;
        let mut etat = self.etat.lock().map_err(|_| empoisonne())?;
        if etat.epoque == epoque {
            etat.lue = Some((valeur, Instant::now()));
        }
        Ok(valeur)
    }

    /// After a change of this instance is committed: the next reading asks the database.
    pub(crate) fn oublier(&self) {
        if let Ok(mut etat) = self.etat.lock() {
            etat.lue = None;
            etat.epoque += 1;
        }
    }
}

fn empoisonne() -> StoreError {
    StoreError::Corrupt("compteur des modifications inutilisable".to_owned())
}

#[cfg(test)]
mod tests {
    use sqlx::any::AnyPoolOptions;

    use super::*;

    #[tokio::test]
    async fn la_valeur_gardee_sert_jusqu_a_une_modification_de_cette_instance_ou_un_instant() {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        let fixer = |valeur: i64| {
            let pool = pool.clone();
            async move {
                sqlx::query("UPDATE generation_donnees SET valeur = $1")
                    .bind(valeur)
                    .execute(&pool)
                    .await
                    .unwrap();
            }
        };
        sqlx::query("CREATE TABLE generation_donnees (valeur INTEGER NOT NULL)")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO generation_donnees VALUES (1)")
            .execute(&pool)
            .await
            .unwrap();
        let generation = Generation::new();
        assert_eq!(generation.lire(&pool).await.unwrap(), 1);
        // Another instance's change: seen once the value kept is no longer fresh.
        fixer(2).await;
        assert_eq!(generation.lire(&pool).await.unwrap(), 1);
        tokio::time::sleep(FRAICHEUR + Duration::from_millis(10)).await;
        assert_eq!(generation.lire(&pool).await.unwrap(), 2);
        // This instance's change: seen at once.
        fixer(3).await;
        generation.oublier();
        assert_eq!(generation.lire(&pool).await.unwrap(), 3);
    }
}
