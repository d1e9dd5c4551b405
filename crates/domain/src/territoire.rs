//! A contract's territory: the EPCI and communes it was drawn from, and the resolved set of
//! communes with its population.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::geographie::{Commune, Epci, TypeCommune};
use crate::{CodeInsee, Siren};

/// What the coordinator picks: whole EPCI and/or individual communes (INSEE codes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Territoire {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub epci: Vec<Siren>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub communes: Vec<CodeInsee>,
    /// Names of the quartiers prioritaires de la politique de la ville it holds, where known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quartiers_prioritaires: Vec<String>,
}

/// A selected code that the official geography does not know.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ErreurTerritoire {
    #[error("EPCI inconnu dans la géographie officielle : SIREN {0}")]
    EpciInconnu(Siren),
    #[error("commune inconnue dans la géographie officielle : code INSEE {0}")]
    CommuneInconnue(CodeInsee),
    #[error("le territoire est vide : choisissez au moins un EPCI ou une commune")]
    Vide,
}

/// The territory as the official geography resolves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TerritoireResolu {
    pub epci: Vec<Epci>,
    /// Every commune of the territory, sorted by code, each once.
    pub communes: Vec<Commune>,
    /// Sum of the communes' populations, a commune inside another selected one (an
    /// arrondissement of Paris within Paris) counted once through its parent.
    pub population: u64,
}

impl TerritoireResolu {
    /// Builds the resolved territory from what the geography returned for a selection:
    /// `epci_trouves` (the selected EPCI that exist), and `communes_trouvees` (the full
    /// communes of those EPCI plus every commune of any kind bearing a selected code).
    /// Fails, naming the code, when a selected EPCI or commune is unknown.
    pub fn composer(
        selection: &Territoire,
        epci_trouves: Vec<Epci>,
        communes_trouvees: Vec<Commune>,
    ) -> Result<Self, ErreurTerritoire> {
        if selection.epci.is_empty() && selection.communes.is_empty() {
            return Err(ErreurTerritoire::Vide);
        }
        if let Some(inconnu) = selection
            .epci
            .iter()
            .find(|code| !epci_trouves.iter().any(|e| &e.code == *code))
        {
            return Err(ErreurTerritoire::EpciInconnu(inconnu.clone()));
        }
        if let Some(inconnue) = selection
            .communes
            .iter()
            .find(|code| !communes_trouvees.iter().any(|c| &c.code == *code))
        {
            return Err(ErreurTerritoire::CommuneInconnue(inconnue.clone()));
        }
        // One entry per code: a commune déléguée sharing its code with the full commune gives
        // way to it.
        let mut communes: Vec<Commune> = Vec::with_capacity(communes_trouvees.len());
        let mut triees = communes_trouvees;
        triees.sort_by(|a, b| {
            (&a.code, a.type_commune != TypeCommune::Actuelle)
                .cmp(&(&b.code, b.type_commune != TypeCommune::Actuelle))
        });
        for commune in triees {
            if communes
                .last()
                .is_none_or(|derniere| derniere.code != commune.code)
            {
                communes.push(commune);
            }
        }
        let codes: BTreeSet<&CodeInsee> = communes.iter().map(|c| &c.code).collect();
        let population = communes
            .iter()
            .filter(|c| c.parent.as_ref().is_none_or(|p| !codes.contains(p)))
            .filter_map(|c| c.population)
            .sum();
        let mut epci = epci_trouves;
        epci.sort_by(|a, b| a.code.cmp(&b.code));
        epci.dedup_by(|a, b| a.code == b.code);
        Ok(Self {
            epci,
            communes,
            population,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commune(code: &str, type_commune: TypeCommune, parent: Option<&str>, pop: u64) -> Commune {
        Commune {
            code: CodeInsee::parse(code).unwrap(),
            nom: format!("Commune {code}"),
            type_commune,
            departement: CodeInsee::parse(code).unwrap().departement().to_owned(),
            region: "00".to_owned(),
            epci: None,
            parent: parent.map(|p| CodeInsee::parse(p).unwrap()),
            population: Some(pop),
        }
    }

    fn selection(epci: &[&str], communes: &[&str]) -> Territoire {
        Territoire {
            epci: epci.iter().map(|s| Siren::parse(s).unwrap()).collect(),
            communes: communes
                .iter()
                .map(|s| CodeInsee::parse(s).unwrap())
                .collect(),
            quartiers_prioritaires: vec![],
        }
    }

    #[test]
    fn additionne_les_populations_sans_doubler_les_arrondissements() {
        let paris = commune("75056", TypeCommune::Actuelle, None, 2_100_000);
        let premier = commune(
            "75101",
            TypeCommune::ArrondissementMunicipal,
            Some("75056"),
            15_000,
        );
        let caen = commune("14118", TypeCommune::Actuelle, None, 106_000);
        let t = TerritoireResolu::composer(
            &selection(&[], &["75056", "75101", "14118"]),
            vec![],
            vec![paris, premier, caen],
        )
        .unwrap();
        assert_eq!(t.population, 2_206_000);
        assert_eq!(t.communes.len(), 3);
    }

    #[test]
    fn un_arrondissement_seul_compte_pour_lui_meme() {
        let premier = commune(
            "13201",
            TypeCommune::ArrondissementMunicipal,
            Some("13055"),
            40_000,
        );
        let t =
            TerritoireResolu::composer(&selection(&[], &["13201"]), vec![], vec![premier]).unwrap();
        assert_eq!(t.population, 40_000);
    }

    #[test]
    fn une_commune_deleguee_de_meme_code_cede_la_place() {
        let deleguee = commune("14118", TypeCommune::Deleguee, Some("14118"), 0);
        let actuelle = commune("14118", TypeCommune::Actuelle, None, 106_000);
        let t = TerritoireResolu::composer(
            &selection(&[], &["14118"]),
            vec![],
            vec![deleguee, actuelle],
        )
        .unwrap();
        assert_eq!(t.communes.len(), 1);
        assert_eq!(t.communes[0].type_commune, TypeCommune::Actuelle);
        assert_eq!(t.population, 106_000);
    }

    #[test]
    fn nomme_le_code_inconnu() {
        let erreur = TerritoireResolu::composer(
            &selection(&[], &["14118", "14999"]),
            vec![],
            vec![commune("14118", TypeCommune::Actuelle, None, 1)],
        )
        .unwrap_err();
        assert_eq!(
            erreur.to_string(),
            "commune inconnue dans la géographie officielle : code INSEE 14999"
        );
        let erreur = TerritoireResolu::composer(&selection(&["247100290"], &[]), vec![], vec![])
            .unwrap_err();
        assert!(erreur.to_string().contains("247100290"));
        assert_eq!(
            TerritoireResolu::composer(&selection(&[], &[]), vec![], vec![]).unwrap_err(),
            ErreurTerritoire::Vide
        );
    }
}
