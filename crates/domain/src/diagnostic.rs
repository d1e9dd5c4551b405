//! The diagnostic local de santé: a dated, shared picture of the territory's health — how and
//! by whom it was made, its indicators compared with the wider levels, its findings and what
//! residents and professionals said, the documents that report it.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::DatePartielle;
use crate::fiche_action::Document;
use crate::referentiel::Thematique;
use crate::territoire::{Territoire, TerritoireResolu};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Diagnostic {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub titre: String,
    /// When it was made or last updated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<DatePartielle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How it was made: statistics, interviews, questionnaires, walks through the territory…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub methode: Option<String>,
    /// Who made it: an observatory, a consultancy, the coordination itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realise_par: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicateurs: Vec<IndicateurDiagnostic>,
    /// Findings (« constats »).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constats: Vec<String>,
    /// What residents and professionals said, in their words or summed up.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paroles: Vec<String>,
    /// The documents that report it (the study, its summary…), kept as files in the
    /// document storage like a fiche-action's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
}

/// One indicator of the territory, compared with the wider levels where known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicateurDiagnostic {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub libelle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thematique: Option<Thematique>,
    pub valeur: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unite: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annee: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departement: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub france: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One value of an indicator table the administrator loaded as reference data: the level of
/// its territory (`commune`, `epci`, `departement`, `region`, `france`) and its code, the
/// indicator, the year, the value and where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct ValeurDeReference {
    pub niveau: String,
    pub code: String,
    pub indicateur: String,
    pub annee: u16,
    pub valeur: f64,
    pub source: String,
}

/// The levels a contract's territory is compared at: the territory itself when it is one
/// commune or one EPCI, its département and its région when it lies in only one, and France.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Echelons {
    /// Level and code.
    pub territoire: Option<(&'static str, String)>,
    pub departement: Option<String>,
    pub region: Option<String>,
}

impl Echelons {
    /// The levels of a territory as selected (`territoire`) and resolved (`resolu`).
    pub fn du_territoire(territoire: &Territoire, resolu: &TerritoireResolu) -> Self {
        let seul = |codes: BTreeSet<&String>| {
            let mut codes = codes.into_iter();
            match (codes.next(), codes.next()) {
                (Some(code), None) => Some(code.clone()),
                _ => None,
            }
        };
        Echelons {
            territoire: match (territoire.epci.as_slice(), territoire.communes.as_slice()) {
                ([epci], []) => Some(("epci", epci.to_string())),
                ([], [commune]) => Some(("commune", commune.to_string())),
                _ => None,
            },
            departement: seul(resolu.communes.iter().map(|c| &c.departement).collect()),
            region: seul(resolu.communes.iter().map(|c| &c.region).collect()),
        }
    }

    /// Whether a value of level `niveau` and code `code` tells of one of these levels.
    pub fn concerne(&self, niveau: &str, code: &str) -> bool {
        match niveau {
            "france" => true,
            "departement" => self.departement.as_deref() == Some(code),
            "region" => self.region.as_deref() == Some(code),
            _ => self
                .territoire
                .as_ref()
                .is_some_and(|(n, c)| *n == niveau && c == code),
        }
    }
}

/// A loaded indicator for one year, at the levels of a contract's territory.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicateurDeReference {
    pub indicateur: String,
    pub annee: u16,
    pub territoire: Option<f64>,
    pub departement: Option<f64>,
    pub region: Option<f64>,
    pub france: Option<f64>,
    /// The sources of its values, each once.
    pub source: String,
}

/// The indicators of `valeurs` known at one of `echelons`, by name, the latest year first.
pub fn indicateurs_de_reference(
    valeurs: &[ValeurDeReference],
    echelons: &Echelons,
) -> Vec<IndicateurDeReference> {
    let mut par_indicateur: BTreeMap<(&str, Reverse<u16>), IndicateurDeReference> = BTreeMap::new();
    for v in valeurs
        .iter()
        .filter(|v| echelons.concerne(&v.niveau, &v.code))
    {
        let i = par_indicateur
            .entry((v.indicateur.as_str(), Reverse(v.annee)))
            .or_insert_with(|| IndicateurDeReference {
                indicateur: v.indicateur.clone(),
                annee: v.annee,
                territoire: None,
                departement: None,
                region: None,
                france: None,
                source: String::new(),
            });
        let case = match v.niveau.as_str() {
            "france" => &mut i.france,
            "departement" => &mut i.departement,
            "region" => &mut i.region,
            _ => &mut i.territoire,
        };
        *case = Some(v.valeur);
        if !i.source.split(", ").any(|s| s == v.source) {
            if !i.source.is_empty() {
                i.source.push_str(", ");
            }
            i.source.push_str(&v.source);
        }
    }
    par_indicateur.into_values().collect()
}

/// The indicator of `liste` named `libelle` (case and surrounding blanks aside), for year
/// `annee` when given, else its latest year.
pub fn indicateur_de_reference<'a>(
    liste: &'a [IndicateurDeReference],
    libelle: &str,
    annee: Option<u16>,
) -> Option<&'a IndicateurDeReference> {
    let libelle = libelle.trim().to_lowercase();
    liste
        .iter()
        .find(|i| i.indicateur.to_lowercase() == libelle && annee.is_none_or(|a| a == i.annee))
}

impl IndicateurDiagnostic {
    /// Fills what was left blank — the comparisons, the year, the source — from the loaded
    /// indicator `reference`; what was typed stays.
    pub fn completer(&mut self, reference: &IndicateurDeReference) {
        self.departement = self.departement.or(reference.departement);
        self.region = self.region.or(reference.region);
        self.france = self.france.or(reference.france);
        self.annee = self.annee.or(Some(reference.annee));
        if self.source.is_none() {
            self.source = Some(reference.source.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geographie::{Commune, TypeCommune};

    fn valeur(niveau: &str, code: &str, indicateur: &str, annee: u16, v: f64) -> ValeurDeReference {
        ValeurDeReference {
            niveau: niveau.into(),
            code: code.into(),
            indicateur: indicateur.into(),
            annee,
            valeur: v,
            source: format!("Source {niveau}"),
        }
    }

    fn commune(code: &str, departement: &str, region: &str) -> Commune {
        Commune {
            code: code.parse().unwrap(),
            nom: code.into(),
            type_commune: TypeCommune::Actuelle,
            departement: departement.into(),
            region: region.into(),
            epci: None,
            parent: None,
            population: None,
        }
    }

    #[test]
    fn les_echelons_sont_ceux_d_un_territoire_d_un_seul_tenant() {
        let une_commune = Territoire {
            communes: vec!["14118".parse().unwrap()],
            ..Territoire::default()
        };
        let resolu = TerritoireResolu {
            epci: vec![],
            communes: vec![commune("14118", "14", "28")],
            population: 0,
        };
        let echelons = Echelons::du_territoire(&une_commune, &resolu);
        assert_eq!(echelons.territoire, Some(("commune", "14118".to_owned())));
        assert_eq!(echelons.departement.as_deref(), Some("14"));
        // Two départements: none compared, the région still.
        let deux = TerritoireResolu {
            epci: vec![],
            communes: vec![commune("14118", "14", "28"), commune("50129", "50", "28")],
            population: 0,
        };
        let deux_communes = Territoire {
            communes: vec!["14118".parse().unwrap(), "50129".parse().unwrap()],
            ..Territoire::default()
        };
        let echelons = Echelons::du_territoire(&deux_communes, &deux);
        assert_eq!(echelons.territoire, None);
        assert_eq!(echelons.departement, None);
        assert_eq!(echelons.region.as_deref(), Some("28"));
    }

    #[test]
    fn un_indicateur_charge_complete_ce_qui_est_laisse_vide() {
        let echelons = Echelons {
            territoire: Some(("commune", "14118".into())),
            departement: Some("14".into()),
            region: Some("28".into()),
        };
        let valeurs = vec![
            valeur("commune", "14118", "Médecins pour 10 000 hab.", 2023, 9.1),
            valeur("departement", "14", "Médecins pour 10 000 hab.", 2023, 8.0),
            // Another département: not this territory's.
            valeur("departement", "50", "Médecins pour 10 000 hab.", 2023, 6.5),
            valeur("france", "FR", "Médecins pour 10 000 hab.", 2023, 8.4),
            valeur("france", "FR", "Médecins pour 10 000 hab.", 2021, 8.7),
            valeur("region", "11", "Part des 75 ans et plus", 2023, 8.0),
        ];
        let liste = indicateurs_de_reference(&valeurs, &echelons);
        assert_eq!(liste.len(), 2, "{liste:?}");
        let recent = indicateur_de_reference(&liste, "  médecins POUR 10 000 hab. ", None).unwrap();
        assert_eq!(
            (
                recent.annee,
                recent.territoire,
                recent.departement,
                recent.region,
                recent.france
            ),
            (2023, Some(9.1), Some(8.0), None, Some(8.4))
        );
        assert_eq!(
            recent.source,
            "Source commune, Source departement, Source france"
        );
        assert_eq!(
            indicateur_de_reference(&liste, "Médecins pour 10 000 hab.", Some(2021))
                .map(|i| i.france),
            Some(Some(8.7))
        );
        assert!(indicateur_de_reference(&liste, "Part des 75 ans et plus", None).is_none());
        let mut saisi = IndicateurDiagnostic {
            id: None,
            libelle: "Médecins pour 10 000 hab.".into(),
            thematique: None,
            valeur: 9.0,
            unite: None,
            annee: None,
            departement: Some(7.9),
            region: None,
            france: None,
            source: None,
        };
        saisi.completer(recent);
        assert_eq!(
            (saisi.departement, saisi.france, saisi.annee),
            (Some(7.9), Some(8.4), Some(2023))
        );
        assert_eq!(saisi.source.as_deref(), Some(recent.source.as_str()));
    }
}
