//! The web crate's integration tests, one binary: the real router over real databases, page by
//! page, the authorization matrix, sign-in and one's account, OpenID Connect against a
//! provider served here.

mod acces_aux_soins;
mod administration;
mod annuaire;
mod clsm;
mod compte;
mod concurrence;
mod connexion;
mod creation;
mod donnees_de_reference;
mod donnees_ouvertes;
mod evaluation;
mod fiche;
mod gouvernance;
mod matrice;
mod oidc;
mod pages_et_api;
mod plan;
mod portail;
mod portefeuille;
mod presentation;
mod proconnect;
mod rappels;
mod renouvellement;
mod restitution;
mod robustesse;
mod signature;
mod strategie;
mod support;
