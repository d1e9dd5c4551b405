//! What-if scenarios (*scénarios*): a new maison de santé, a retiring doctor, a mobile team.
//!
//! D_j = Σ_k P_k · w(t_kj) does not depend on supply, so a change δ of the supply of `j`
//! moves R_j by δ / D_j and the APL of each commune `i` reaching `j` by w(t_ij) · δ / D_j.
//! A scenario thus reads only the column of each changed commune: nothing else is recomputed.

use thiserror::Error;

use crate::calcul::{Apl, Creuse, Voisinage, ratio};
use crate::classement::Seuil;
use crate::commune::Communes;
use crate::offre::Offre;

/// A scenario that cannot be played.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ErreurScenario {
    #[error("changement « {0} » illisible : écrivez CODE=+N ou CODE=-N (par exemple 14118=+2)")]
    Syntaxe(String),
    #[error("changement « {0} » : commune inconnue")]
    CommuneInconnue(String),
    #[error("l'offre de la commune {code} deviendrait négative ({offre} consultations par an)")]
    OffreNegative { code: String, offre: f64 },
}

/// A change of supply at one commune, in the unit the supply was given in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Changement {
    pub commune: usize,
    pub quantite: f64,
}

/// The APL of one commune before and after a scenario.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Effet {
    pub commune: usize,
    pub avant: f64,
    pub apres: f64,
}

impl Effet {
    /// True when the commune crosses `seuil`, one way or the other.
    pub fn change_de_classe(&self, seuil: Seuil) -> bool {
        seuil.sous_dense(self.avant) != seuil.sous_dense(self.apres)
    }
}

/// A computed APL, ready for scenarios; it keeps its own copy of what it was computed from,
/// so that a server holds it for as long as the data stands.
#[derive(Debug, Clone)]
pub struct Scenario {
    communes: Communes,
    /// Row `j`: the communes `i` reaching `j`, with w(t_ij).
    par_offre: Creuse,
    offre: Offre,
    apl: Apl,
}

impl Scenario {
    /// Scenarios on the APL `apl`, computed from `voisinage` and `offre`. Reads the
    /// neighbourhood once by supply commune (linear in the pairs); each scenario then costs
    /// only the pairs of the communes it changes.
    pub fn new(communes: &Communes, voisinage: &Voisinage, offre: &Offre, apl: &Apl) -> Self {
        Scenario {
            communes: communes.clone(),
            par_offre: voisinage.par_offre(),
            offre: offre.clone(),
            apl: apl.clone(),
        }
    }

    /// The communes, by index.
    pub fn communes(&self) -> &Communes {
        &self.communes
    }

    /// The APL the scenarios start from.
    pub fn apl(&self) -> &Apl {
        &self.apl
    }

    /// The supply the scenarios change.
    pub fn offre(&self) -> &Offre {
        &self.offre
    }

    /// Reads `CODE=+N`, `CODE=-N` or `CODE=N` (N in the supply's unit, decimal point or comma).
    pub fn changement(&self, texte: &str) -> Result<Changement, ErreurScenario> {
        let syntaxe = || ErreurScenario::Syntaxe(texte.to_owned());
        let (code, quantite) = texte.split_once('=').ok_or_else(syntaxe)?;
        let quantite: f64 = quantite
            .trim()
            .replace(',', ".")
            .parse()
            .ok()
            .filter(|q: &f64| q.is_finite())
            .ok_or_else(syntaxe)?;
        let commune = self
            .communes
            .indice(code.trim())
            .ok_or_else(|| ErreurScenario::CommuneInconnue(texte.to_owned()))?;
        Ok(Changement { commune, quantite })
    }

    /// The communes whose APL moves (each commune reaching a changed one), in index order.
    /// Several changes of one commune add up; the supply may not become negative.
    pub fn simuler(&self, changements: &[Changement]) -> Result<Vec<Effet>, ErreurScenario> {
        let conversion = self.offre.conversion();
        let mut par_commune: Vec<(usize, f64)> = changements
            .iter()
            .map(|c| (c.commune, conversion.consultations(c.quantite)))
            .collect();
        additionner(&mut par_commune);
        let mut deltas = Vec::new();
        for &(j, delta) in &par_commune {
            let avant = self.offre.consultations()[j];
            let apres = avant + delta;
            // Rounding may leave a hair below 0 when the whole supply is withdrawn.
            if apres < -1e-9 * avant.max(1.0) {
                return Err(ErreurScenario::OffreNegative {
                    code: self.communes.code(j).to_owned(),
                    offre: apres,
                });
            }
            let delta_ratio = ratio(apres.max(0.0) - avant, self.apl.demande_ponderee()[j]);
            if delta_ratio != 0.0 {
                deltas.extend(self.par_offre.rangee(j).map(|(i, w)| (i, w * delta_ratio)));
            }
        }
        additionner(&mut deltas);
        let apl = self.apl.valeurs();
        Ok(deltas
            .into_iter()
            .map(|(i, delta)| Effet {
                commune: i,
                avant: apl[i],
                apres: apl[i] + delta,
            })
            .collect())
    }
}

/// Sorts by commune and adds up the values of each commune.
fn additionner(valeurs: &mut Vec<(usize, f64)>) {
    valeurs.sort_by_key(|&(commune, _)| commune);
    valeurs.dedup_by(|suivant, garde| {
        let meme = suivant.0 == garde.0;
        if meme {
            garde.1 += suivant.1;
        }
        meme
    });
}
