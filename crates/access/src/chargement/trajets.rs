//! The origin–destination file: `origine`, `destination` (commune codes) and `minutes` from
//! the first to the second, e.g. exported from a routing engine. Only the pairs within the
//! decay's reach are kept; see [`Trajets::depuis_paires`] for duplicates and self-pairs.

use std::io::Read;

use super::{Charge, Fichier, Options, commune, nombre, octets};
use crate::commune::Communes;
use crate::erreur::{ErreurChargement, Faute};
use crate::trajets::Trajets;

/// Reads the travel times between `communes`, keeping those up to `portee` minutes; `nom`
/// names the file in messages.
pub fn lire_trajets(
    lecteur: impl Read,
    nom: &str,
    communes: &Communes,
    portee: f64,
    options: Options,
) -> Result<Charge<Trajets>, ErreurChargement> {
    let fichier = Fichier::csv(lecteur, nom, options)?;
    let origine = fichier.colonne("origine")?;
    let destination = fichier.colonne("destination")?;
    let minutes = fichier.colonne("minutes")?;
    let mut paires = Vec::new();
    // Tables usually list one origin's destinations in a row: its lookup is kept.
    let mut origine_precedente: (Vec<u8>, usize) = (Vec::new(), 0);
    let lignes_sautees = fichier.parcourir(|e, ligne| {
        let code = octets(e, &origine);
        let indice_origine = if !code.is_empty() && code == origine_precedente.0 {
            origine_precedente.1
        } else {
            let indice = commune(e, &origine, ligne, communes)?;
            origine_precedente = (code.to_vec(), indice);
            indice
        };
        let paire = (
            indice_origine,
            commune(e, &destination, ligne, communes)?,
            nombre(e, &minutes, ligne)?,
        );
        if paire.2 < 0.0 {
            return Err(Faute::champ(
                ligne,
                &minutes,
                format!("{} : un temps de trajet ne peut être négatif", paire.2),
            ));
        }
        if paire.2 <= portee {
            paires.push(paire);
        }
        Ok(())
    })?;
    Ok(Charge {
        donnees: Trajets::depuis_paires(communes.len(), paires, portee),
        lignes_sautees,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn les_temps_au_dela_de_la_portee_sont_ecartes() {
        let mut communes = Communes::default();
        communes.ajouter("a", 0.0, 0.0, 1.0).unwrap();
        communes.ajouter("b", 0.0, 0.0, 1.0).unwrap();
        let charge = lire_trajets(
            "origine,destination,minutes\na,b,12.5\nb,a,25\n".as_bytes(),
            "od.csv",
            &communes,
            20.0,
            Options::default(),
        )
        .unwrap();
        assert_eq!(charge.donnees.depuis(0), (&[0, 1][..], &[0.0, 12.5][..]));
        assert_eq!(charge.donnees.depuis(1), (&[1][..], &[0.0][..]));
        let erreur = lire_trajets(
            "origine,destination,minutes\na,b,-1\n".as_bytes(),
            "od.csv",
            &communes,
            20.0,
            Options::default(),
        )
        .unwrap_err();
        assert_eq!(
            erreur.to_string(),
            "od.csv, ligne 2, colonne 3 « minutes » : -1 : un temps de trajet ne peut être négatif"
        );
    }
}
