//! The APL engine's integration tests, one binary: hand-computed cases and properties against a
//! naive reference.

mod calcul;
mod proprietes;
mod robustesse;
