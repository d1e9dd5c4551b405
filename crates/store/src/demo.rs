//! The demo contracts (`demo/*.toml` at the repository root), embedded in the binary so that
//! `pilote serve --demo` works from anywhere.

use pilote_domain::IdContrat;
use pilote_domain::contrat::Contrat;

use crate::import::{self, SiPresent};
use crate::{Store, StoreError};

/// (file name, content), previous generations before the ones that follow them.
pub const FICHIERS: &[(&str, &str)] = &[
    (
        "caen-2014.toml",
        include_str!("../../../demo/caen-2014.toml"),
    ),
    (
        "caen-2019.toml",
        include_str!("../../../demo/caen-2019.toml"),
    ),
    (
        "creusot-montceau.toml",
        include_str!("../../../demo/creusot-montceau.toml"),
    ),
    (
        "soissons-2013.toml",
        include_str!("../../../demo/soissons-2013.toml"),
    ),
    (
        "soissons-2019.toml",
        include_str!("../../../demo/soissons-2019.toml"),
    ),
];

/// Reads every demo file.
pub fn contrats() -> Result<Vec<Contrat>, StoreError> {
    FICHIERS
        .iter()
        .map(|(nom, contenu)| import::lire(nom, contenu))
        .collect()
}

/// Writes the demo contracts that the database does not hold yet; returns those written.
pub async fn charger(store: &Store) -> Result<Vec<IdContrat>, StoreError> {
    import::importer(store, &contrats()?, SiPresent::Ignorer).await
}
