//! The supply file: `code_insee`, `offre` (consultations per year, or another unit through a
//! [`Conversion`]). Several lines for one commune add up; communes absent have no supply.

use std::io::Read;

use super::{Charge, Fichier, Options, commune, nombre};
use crate::commune::Communes;
use crate::erreur::{ErreurChargement, Faute};
use crate::offre::{Conversion, Offre};

/// Reads the supply of `communes`; `nom` names the file in messages.
pub fn lire_offre(
    lecteur: impl Read,
    nom: &str,
    communes: &Communes,
    conversion: Conversion,
    options: Options,
) -> Result<Charge<Offre>, ErreurChargement> {
    let fichier = Fichier::csv(lecteur, nom, options)?;
    let code = fichier.colonne("code_insee")?;
    let quantite = fichier.colonne("offre")?;
    let mut offre = Offre::nulle(communes.len(), conversion);
    let lignes_sautees = fichier.parcourir(|e, ligne| {
        let (indice, valeur) = (
            commune(e, &code, ligne, communes)?,
            nombre(e, &quantite, ligne)?,
        );
        offre
            .ajouter(indice, valeur)
            .map_err(|erreur| Faute::champ(ligne, &quantite, erreur.raison))
    })?;
    Ok(Charge {
        donnees: offre,
        lignes_sautees,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn l_offre_s_additionne_par_commune_et_refuse_l_inconnu() {
        let mut communes = Communes::default();
        communes.ajouter("14118", 49.18, -0.37, 100.0).unwrap();
        communes.ajouter("14047", 49.2, -0.3, 100.0).unwrap();
        let lire = |texte: &str, sauter| {
            lire_offre(
                texte.as_bytes(),
                "offre.csv",
                &communes,
                Conversion::CONSULTATIONS,
                Options {
                    sauter_lignes_fautives: sauter,
                },
            )
        };
        let charge = lire(
            "code_insee,offre\n14118,1000\n14118,500.5\n99999,3\n14047,-2\n",
            true,
        )
        .unwrap();
        assert_eq!(charge.donnees.consultations(), &[1500.5, 0.0]);
        let fautes: Vec<String> = charge
            .lignes_sautees
            .iter()
            .map(|f| f.to_string())
            .collect();
        assert_eq!(
            fautes,
            [
                "ligne 4, colonne 1 « code_insee » : commune « 99999 » absente du fichier des communes",
                "ligne 5, colonne 2 « offre » : -2 n'est pas un nombre positif ou nul",
            ]
        );
        assert!(
            lire("code_insee,offre\n14118,\n", false)
                .unwrap_err()
                .to_string()
                .ends_with("ligne 2, colonne 2 « offre » : valeur manquante")
        );
    }
}
