//! Pilote's medical accessibility engine: the APL indicator (*Accessibilité Potentielle
//! Localisée*, DREES), an enhanced two-step floating catchment area (E2SFCA), for every
//! commune of France in milliseconds. No web, no database: the CLI and the pages call it.
//!
//! The path of a computation:
//! 1. [`chargement`] reads the communes (centroid, population), the supply (or the RPPS
//!    extract) and, optionally, an origin–destination table of travel times;
//! 2. [`trajets`] keeps the pairs within reach, from that table or estimated from centroids
//!    through a grid index;
//! 3. [`calcul`] weighs them with a [`decroissance`] into a sparse neighbourhood and computes
//!    R_j = S_j / Σ_k P_k·w(t_kj), then A_i = Σ_j R_j·w(t_ij), with [`offre`] S and
//!    [`demande`] P;
//! 4. [`classement`] marks the under-served communes and sums up; [`scenario`] replays a
//!    change of supply on the communes it touches only.

pub mod calcul;
pub mod chargement;
pub mod classement;
pub mod commune;
pub mod decroissance;
pub mod demande;
pub mod erreur;
mod grille;
pub mod offre;
pub mod scenario;
pub mod trajets;

pub use calcul::{Apl, Voisinage};
pub use classement::{Bilan, Seuil};
pub use commune::Communes;
pub use decroissance::Decroissance;
pub use demande::Demande;
pub use offre::{Conversion, Offre};
pub use scenario::{Effet, Scenario};
pub use trajets::{Estimation, Trajets};
