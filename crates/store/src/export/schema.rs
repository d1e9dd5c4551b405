//! The Table Schema (Frictionless Data, specs.frictionlessdata.io/table-schema) of a sheet
//! published as CSV ([`super::csv`]): each column with its name, its type — `number` when
//! every value is a number or an amount (written with a decimal comma), `string` otherwise
//! (dates may be partial: « 03/2025 », « 2025 ») —, the empty value as missing. The
//! version names the shape of Pilote's sheets: raised when a column is added, renamed or
//! removed (a snapshot test shows it).

use serde_json::{Value, json};

use super::{Case, Feuille};

/// The version of the sheets' shape.
pub const VERSION: &str = "1.0.0";

/// The licence of every file published as open data, as its deed names it, and the deed.
pub const LICENCE: &str = "Licence Ouverte / Open Licence version 2.0";
pub const LICENCE_URL: &str = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/";

/// The Table Schema of `feuille`.
pub fn schema(feuille: &Feuille) -> Value {
    let champs: Vec<Value> = feuille
        .colonnes
        .iter()
        .enumerate()
        .map(|(i, nom)| {
            let mut valeurs = feuille
                .lignes
                .iter()
                .filter_map(|l| l.get(i))
                .filter(|c| **c != Case::Vide)
                .peekable();
            let nombre = valeurs.peek().is_some()
                && valeurs.all(|c| matches!(c, Case::Nombre(_) | Case::Euros(_)));
            let mut champ = json!({ "name": nom, "title": nom });
            if nombre {
                champ["type"] = json!("number");
                champ["decimalChar"] = json!(",");
            } else {
                champ["type"] = json!("string");
            }
            champ
        })
        .collect();
    json!({
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "name": feuille.code,
        "title": feuille.nom,
        "version": VERSION,
        "licenses": [{
            "name": "etalab-2.0",
            "title": LICENCE,
            "path": LICENCE_URL
        }],
        "missingValues": [""],
        "fields": champs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn une_colonne_de_nombres_est_un_nombre_les_autres_du_texte() {
        let feuille = Feuille {
            nom: "Budget",
            code: "budget",
            colonnes: vec!["Financeur", "Prévisionnel", "Vide"],
            lignes: vec![
                vec![Case::texte("CPAM"), Case::Nombre(12.5), Case::Vide],
                vec![Case::texte("ARS"), Case::Vide, Case::Vide],
            ],
        };
        let s = schema(&feuille);
        assert_eq!(s["name"], "budget");
        assert_eq!(s["fields"][0]["type"], "string");
        assert_eq!(s["fields"][1]["type"], "number");
        assert_eq!(s["fields"][1]["decimalChar"], ",");
        assert_eq!(s["fields"][2]["type"], "string", "nothing known: text");
        assert_eq!(s["licenses"][0]["name"], "etalab-2.0");
    }
}
