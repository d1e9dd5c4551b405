pub mod application;
pub mod fournisseur_oidc;
