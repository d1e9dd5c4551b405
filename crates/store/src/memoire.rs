//! Read models kept in memory with the counter of changes they were read at
//! ([`crate::Store::generation`], one indexed read of one row): served again while that counter
//! has not moved, after the same policy check as a read from the database. Every change to a
//! contract moves the counter in its own transaction, whichever instance makes it, so several
//! instances on one PostgreSQL database stay true. A memory holds a bounded number of entries;
//! past it, it starts afresh.
//!
//! What is kept must not depend on who read it (on PostgreSQL, row-level security filters rows
//! by the reader's roles): a fiche-action's page, read by someone allowed to change it, holds
//! the fiche, its contract's name and scope and the communes of its territory, the same for
//! all of them. A contract's page is not kept: its lineage names other contracts, which each
//! reader may or may not see.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// Values by key, each with the counter of changes it was read at.
#[derive(Debug)]
pub(crate) struct Memoire<K, V> {
    entrees: Mutex<HashMap<K, (i64, Arc<V>)>>,
    max: usize,
}

impl<K: Eq + Hash, V> Memoire<K, V> {
    /// A memory of at most `max` entries.
    pub(crate) fn new(max: usize) -> Self {
        Self {
            entrees: Mutex::new(HashMap::new()),
            max,
        }
    }

    /// The value kept for `cle` if it was read at `generation`.
    pub(crate) fn lire(&self, cle: &K, generation: i64) -> Option<Arc<V>> {
        let entrees = self.entrees.lock().ok()?;
        entrees
            .get(cle)
            .filter(|(lue_a, _)| *lue_a == generation)
            .map(|(_, valeur)| Arc::clone(valeur))
    }

    /// Keeps `valeur`, read at `generation`, for `cle`.
    pub(crate) fn garder(&self, cle: K, generation: i64, valeur: Arc<V>) {
        let Ok(mut entrees) = self.entrees.lock() else {
            return;
        };
        if entrees.len() >= self.max {
            entrees.clear();
        }
        entrees.insert(cle, (generation, valeur));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn une_valeur_ne_sert_qu_a_la_generation_ou_elle_fut_lue() {
        let memoire: Memoire<&str, u8> = Memoire::new(2);
        memoire.garder("a", 7, Arc::new(1));
        assert_eq!(memoire.lire(&"a", 7).as_deref(), Some(&1));
        assert_eq!(memoire.lire(&"a", 8), None);
        assert_eq!(memoire.lire(&"b", 7), None);
        // Full: it starts afresh.
        memoire.garder("b", 7, Arc::new(2));
        memoire.garder("c", 7, Arc::new(3));
        assert_eq!(memoire.lire(&"a", 7), None);
        assert_eq!(memoire.lire(&"c", 7).as_deref(), Some(&3));
    }
}
