pub mod fournisseur_oidc;
