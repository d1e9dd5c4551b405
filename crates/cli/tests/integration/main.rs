//! The command line's integration tests, one binary: `pilote` run as a person would.

mod acces;
mod commande;
mod donnees;
mod instances;
mod sauvegarde;
