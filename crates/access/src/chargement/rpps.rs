//! General practitioners from the public extract of the RPPS directory
//! (`PS_LibreAcces_Personne_activite_*.txt`, pipe-separated, one line per activity).
//!
//! Reading of the extract (columns by header name, codes rather than labels, so that the
//! file's encoding does not matter):
//! - a doctor has `Code profession` 10 (*Médecin*);
//! - a general practitioner has `Code savoir-faire` SM26 (*Qualifié en Médecine Générale*),
//!   SM53 (*Spécialiste en Médecine Générale*) or SM54 (*Médecine Générale*);
//! - the activity's place is `Code commune (coord. structure)` (INSEE code), the person
//!   `Identifiant PP`; lines without a commune (no current place of activity) are left out.
//!
//! Each general practitioner counts once, shared equally among the distinct communes where
//! they practise (two practices, one half each), so that the total is a head count.

use std::collections::BTreeMap;
use std::io::Read;

use super::{Charge, Fichier, Options, texte};
use crate::commune::Communes;
use crate::erreur::{ErreurChargement, Faute};

/// `Code profession` of doctors.
const MEDECIN: &str = "10";
/// `Code savoir-faire` of general practice.
const MEDECINE_GENERALE: [&str; 3] = ["SM26", "SM53", "SM54"];

/// General practitioners counted per commune.
#[derive(Debug, Clone, PartialEq)]
pub struct Recensement {
    /// By commune index: practitioners (a share for those practising in several communes).
    pub medecins_par_commune: Vec<f64>,
    /// Practitioners with at least one activity in a listed commune.
    pub medecins: usize,
    /// Activities in communes absent from the communes file (another territory, a former
    /// code): their shares are not counted.
    pub activites_hors_communes: usize,
}

/// Reads the RPPS extract and counts the general practitioners of `communes`; `nom` names
/// the file in messages.
pub fn lire_rpps(
    lecteur: impl Read,
    nom: &str,
    communes: &Communes,
    options: Options,
) -> Result<Charge<Recensement>, ErreurChargement> {
    let fichier = Fichier::barres(lecteur, nom, options)?;
    let identifiant = fichier.colonne("Identifiant PP")?;
    let profession = fichier.colonne("Code profession")?;
    let savoir_faire = fichier.colonne("Code savoir-faire")?;
    let commune = fichier.colonne("Code commune (coord. structure)")?;
    // Each practitioner's distinct communes.
    let mut lieux: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let lignes_sautees = fichier.parcourir(|e, ligne| {
        let generaliste = texte(e, &profession, ligne)? == MEDECIN
            && MEDECINE_GENERALE.contains(&texte(e, &savoir_faire, ligne)?);
        let code = texte(e, &commune, ligne)?;
        if !generaliste || code.is_empty() {
            return Ok(());
        }
        let personne = texte(e, &identifiant, ligne)?;
        if personne.is_empty() {
            return Err(Faute::champ(ligne, &identifiant, "identifiant manquant"));
        }
        let communes_de = lieux.entry(personne.to_owned()).or_default();
        if !communes_de.iter().any(|c| c == code) {
            communes_de.push(code.to_owned());
        }
        Ok(())
    })?;
    let mut recensement = Recensement {
        medecins_par_commune: vec![0.0; communes.len()],
        medecins: 0,
        activites_hors_communes: 0,
    };
    for codes in lieux.values() {
        let part = 1.0 / codes.len() as f64;
        let mut compte = false;
        for code in codes {
            match communes.indice(code) {
                Some(i) => {
                    recensement.medecins_par_commune[i] += part;
                    compte = true;
                }
                None => recensement.activites_hors_communes += 1,
            }
        }
        recensement.medecins += usize::from(compte);
    }
    Ok(Charge {
        donnees: recensement,
        lignes_sautees,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN_TETE: &str = "Type d'identifiant PP|Identifiant PP|Identification nationale PP|Code profession|Libellé profession|Code catégorie professionnelle|Code savoir-faire|Libellé savoir-faire|Code postal (coord. structure)|Code commune (coord. structure)|Libellé commune (coord. structure)|\n";

    #[test]
    fn les_generalistes_sont_comptes_par_commune_et_partages() {
        let mut communes = Communes::default();
        communes.ajouter("14118", 49.18, -0.37, 100.0).unwrap();
        communes.ajouter("14047", 49.2, -0.3, 100.0).unwrap();
        let extrait = format!(
            "{EN_TETE}\
             8|10001|810001|10|Médecin|C|SM54|Médecine Générale|14000|14118|Caen|\n\
             8|10002|810002|10|Médecin|C|SM53|Spécialiste en Médecine Générale|14000|14118|Caen|\n\
             8|10002|810002|10|Médecin|C|SM53|Spécialiste en Médecine Générale|14200|14047|Bayeux|\n\
             8|10002|810002|10|Médecin|C|SM53|Spécialiste en Médecine Générale|14000|14118|Caen|\n\
             8|10003|810003|10|Médecin|C|SM26|Qualifié en Médecine Générale|75001|75101|Paris 1er|\n\
             8|10004|810004|10|Médecin|C|SM26|Qualifié en Médecine Générale|14000|14118|Caen|\n\
             8|10004|810004|10|Médecin|C|SM26|Qualifié en Médecine Générale|75001|75101|Paris 1er|\n\
             8|10005|810005|10|Médecin|C|SM02|Anesthésie-réanimation|14000|14118|Caen|\n\
             8|10006|810006|60|Infirmier|C|||14000|14118|Caen|\n\
             8|10007|810007|10|Médecin|C|SM54|Médecine Générale||||\n\
             8|10008|810008|10|Médecin|C|SM54|Médecine Générale|14000|14118|Caen\n"
        );
        // Caen: 10001 (1) + 10002 (1/2: Caen and Bayeux) + 10004 (1/2: Caen and Paris) = 2;
        // Bayeux: 10002 (1/2). 10003 practises outside; 10005, 10006 are not GPs; 10007 has
        // no place; the last line lacks a field.
        let charge = lire_rpps(
            extrait.as_bytes(),
            "rpps.txt",
            &communes,
            Options {
                sauter_lignes_fautives: true,
            },
        )
        .unwrap();
        assert_eq!(charge.donnees.medecins_par_commune, vec![2.0, 0.5]);
        assert_eq!(charge.donnees.medecins, 3);
        assert_eq!(charge.donnees.activites_hors_communes, 2);
        assert_eq!(
            charge.lignes_sautees[0].to_string(),
            "ligne 12 : la ligne compte 11 champ(s), l'en-tête 12"
        );
    }
}
