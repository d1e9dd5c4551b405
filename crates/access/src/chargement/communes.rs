//! The communes file: `code_insee`, `lat`, `lon` (WGS84 degrees) and the population, in a
//! column `population` or, failing that, the single column whose name starts with
//! `population` (`population_2021`…).

use std::io::Read;

use super::{Charge, Fichier, Options, nombre, texte};
use crate::commune::{Champ, Communes};
use crate::erreur::{Colonne, ErreurChargement, Faute};

/// Reads the communes; `nom` names the file in messages.
pub fn lire_communes(
    lecteur: impl Read,
    nom: &str,
    options: Options,
) -> Result<Charge<Communes>, ErreurChargement> {
    let fichier = Fichier::csv(lecteur, nom, options)?;
    let code = fichier.colonne("code_insee")?;
    let lat = fichier.colonne("lat")?;
    let lon = fichier.colonne("lon")?;
    let population = colonne_population(&fichier)?;
    let mut communes = Communes::default();
    let lignes_sautees = fichier.parcourir(|e, ligne| {
        let valeurs = (
            texte(e, &code, ligne)?,
            nombre(e, &lat, ligne)?,
            nombre(e, &lon, ligne)?,
            nombre(e, &population, ligne)?,
        );
        communes
            .ajouter(valeurs.0, valeurs.1, valeurs.2, valeurs.3)
            .map(drop)
            .map_err(|refus| {
                let colonne = match refus.champ {
                    Champ::Code => &code,
                    Champ::Latitude => &lat,
                    Champ::Longitude => &lon,
                    Champ::Population => &population,
                };
                Faute::champ(ligne, colonne, refus.motif)
            })
    })?;
    Ok(Charge {
        donnees: communes,
        lignes_sautees,
    })
}

fn colonne_population<R: Read>(fichier: &Fichier<R>) -> Result<Colonne, ErreurChargement> {
    if let Some(colonne) = fichier.colonne_optionnelle("population") {
        return Ok(colonne);
    }
    let candidates: Vec<&String> = fichier
        .en_tete
        .iter()
        .filter(|c| c.starts_with("population"))
        .collect();
    match candidates[..] {
        [seule] => fichier.colonne(seule),
        [] => Err(fichier.faute_en_tete("colonne « population » absente".into())),
        _ => Err(fichier.faute_en_tete(format!(
            "plusieurs colonnes de population ({}) : nommez « population » celle à retenir",
            candidates
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lire(texte: &str, sauter: bool) -> Result<Charge<Communes>, ErreurChargement> {
        lire_communes(
            texte.as_bytes(),
            "communes.csv",
            Options {
                sauter_lignes_fautives: sauter,
            },
        )
    }

    #[test]
    fn le_fichier_reel_se_lit_avec_sa_colonne_population_2021() {
        let charge = lire(
            "code_insee,nom,departement,lat,lon,population_2021\n\
             01001,Abergement-Clémenciat,01,46.1517,4.9306,832\n\
             2A004,Ajaccio,2A,41.9267,8.7369,\"71 361\"\n",
            true,
        )
        .unwrap();
        assert_eq!(charge.donnees.codes(), &["01001".to_owned()]);
        assert_eq!(charge.donnees.populations(), &[832.0]);
        assert_eq!(
            charge.lignes_sautees[0].to_string(),
            "ligne 3, colonne 6 « population_2021 » : « 71 361 » n'est pas un nombre"
        );
    }

    #[test]
    fn une_ligne_fautive_refuse_le_fichier_en_nommant_ligne_et_colonne() {
        let erreur = lire(
            "code_insee;lat;lon;population\n14118;49,18;-0,37;105000\n14047;49,2;abc;1\n",
            false,
        )
        .unwrap_err();
        assert_eq!(
            erreur.to_string(),
            "communes.csv, ligne 3, colonne 3 « lon » : « abc » n'est pas un nombre"
        );
        let erreur = lire("code_insee,lat,lon,population\n1,0,0,1\n1,0,0,2\n", false)
            .unwrap_err()
            .to_string();
        assert!(
            erreur.contains("ligne 3, colonne 1 « code_insee » : la commune « 1 » est déjà listée"),
            "{erreur}"
        );
        let erreur = lire("code_insee,lat,lon,population\n1,0,0\n", false)
            .unwrap_err()
            .to_string();
        assert!(
            erreur.contains("ligne 2 : la ligne compte 3 champ(s), l'en-tête 4"),
            "{erreur}"
        );
    }

    #[test]
    fn un_tableur_enregistre_en_francais_se_lit_aussi() {
        // Byte order mark, semicolons, decimal commas.
        let charge = lire(
            "\u{feff}code_insee;lat;lon;population\n14118;49,18;-0,37;105000\n",
            false,
        )
        .unwrap();
        assert_eq!(charge.donnees.codes(), &["14118".to_owned()]);
        assert_eq!(charge.donnees.latitudes(), &[49.18]);
    }

    #[test]
    fn l_en_tete_doit_nommer_une_seule_population() {
        let erreur = lire(
            "code_insee,lat,lon,population_2020,population_2021\n",
            false,
        )
        .unwrap_err()
        .to_string();
        assert!(
            erreur.contains("ligne 1 : plusieurs colonnes de population"),
            "{erreur}"
        );
        let erreur = lire("code_insee,lat,population\n", false)
            .unwrap_err()
            .to_string();
        assert_eq!(
            erreur,
            "communes.csv, ligne 1 : colonne « lon » absente ; colonnes trouvées : code_insee, lat, population"
        );
    }
}
