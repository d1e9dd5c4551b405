//! The fiche-action: one action of the contract, with its pilot, partners, publics, calendar,
//! budget, indicators, progress and notes.

use serde::{Deserialize, Serialize};

use crate::evaluation::BilanFiche;
use crate::organisation::Personne;
use crate::referentiel::{Public, Thematique};
use crate::{CodeInsee, DatePartielle, Montant, referentiel};

referentiel! {
    /// Where an action stands.
    StatutAction, "statut d'action" {
        AVenir = "a-venir", "À venir";
        EnCours = "en-cours", "En cours";
        Realisee = "realisee", "Réalisée";
        Reportee = "reportee", "Reportée";
        Abandonnee = "abandonnee", "Abandonnée";
    }
}

referentiel! {
    /// Operating or capital spending.
    NatureDepense, "nature de dépense" {
        Fonctionnement = "fonctionnement", "Fonctionnement";
        Investissement = "investissement", "Investissement";
    }
}

referentiel! {
    /// Whether an indicator follows the process (what was done) or the result (what changed).
    TypeIndicateur, "type d'indicateur" {
        Processus = "processus", "Indicateur de processus";
        Resultat = "resultat", "Indicateur de résultat";
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FicheAction {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// and addresses name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// As the contract numbers it: « 3 », « 2.1 », « A4 ».
    pub numero: String,
    pub titre: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contexte: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objectifs: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pilote: Option<Pilote>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partenaires: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub publics: Vec<Public>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thematiques: Vec<Thematique>,
    /// The communes it covers; empty means the whole territory of the contract.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub communes: Vec<CodeInsee>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debut: Option<DatePartielle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fin: Option<DatePartielle>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub etapes: Vec<Etape>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub budget: Vec<LigneBudget>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicateurs: Vec<Indicateur>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statut: Option<StatutAction>,
    /// Progress in percent, 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avancement: Option<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    /// What was done against what was planned, once assessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bilan: Option<BilanFiche>,
}

/// Who carries the action: an organisation and, where named, a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Pilote {
    pub organisation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personne: Option<Personne>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Etape {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// and addresses name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub libelle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub echeance: Option<DatePartielle>,
    #[serde(default)]
    pub faite: bool,
}

/// One budget line: a year, a funder, a kind of spending, planned and actual amounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LigneBudget {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// and addresses name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub annee: u16,
    pub financeur: String,
    pub nature: NatureDepense,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previsionnel: Option<Montant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realise: Option<Montant>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicateur {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// and addresses name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub libelle: String,
    #[serde(rename = "type")]
    pub type_indicateur: TypeIndicateur,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unite: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valeur_initiale: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cibles: Vec<Cible>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub valeurs: Vec<Mesure>,
}

/// The value an indicator should reach by a given year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Cible {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// and addresses name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub annee: u16,
    pub valeur: f64,
}

/// A dated measurement of an indicator, with where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Mesure {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// and addresses name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub date: DatePartielle,
    pub valeur: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A dated progress note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// and addresses name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub date: DatePartielle,
    pub texte: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auteur: Option<String>,
}

/// A document attached to an action: its title, date, and where the file is kept (a key in
/// Pilote's file storage, or an address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// and addresses name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub titre: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<DatePartielle>,
    /// Empty in the public projection (and then left out of the JSON).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reference: String,
    /// Published on purpose with the contract: the public sees it and downloads it; the
    /// others stay with those who read the whole contract.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub publie: bool,
}
