//! The rules every text of Pilote follows, typed in a form or read from an import alike: no
//! control character (line breaks and tabulations aside: a database may refuse one, and no
//! text needs one), at most [`LIBELLE_MAX`] characters for a name, a title or a label, and at
//! most [`TEXTE_MAX`] for any other text (a description, a note, a list typed one item per
//! line). A field is known by its name, the same in the forms and in the import; a workbook
//! carried back by a form in base64 is bounded by the form's size only.

use serde::Serialize;
use serde_json::Value;

/// The most characters of a name, a title or a label.
pub const LIBELLE_MAX: usize = 300;

/// The most characters of any other text.
pub const TEXTE_MAX: usize = 10_000;

/// The fields that hold a name, a title or a label, by their name in forms and in the import.
const LIBELLES: [&str; 21] = [
    "auteur",
    "contact",
    "email",
    "employeur",
    "financeur",
    "fonction",
    "intitule",
    "libelle",
    "lieu",
    "nature",
    "nom",
    "objet",
    "organisation",
    "personne",
    "poste",
    "presidence",
    "prenom",
    "representant",
    "telephone",
    "titre",
    "unite",
];

/// The field that carries a workbook back from its preview to its confirmation (in base64):
/// a file, not a text typed, bounded by the size of a form alone.
const CLASSEUR: &str = "classeur";

/// The most characters field `nom` may hold.
pub fn maximum(nom: &str) -> usize {
    if LIBELLES.contains(&nom) {
        LIBELLE_MAX
    } else if nom == CLASSEUR {
        usize::MAX
    } else {
        TEXTE_MAX
    }
}

/// Checks the text `valeur` of field `nom`; the refusal, in French, names the field as
/// `designation` (`le champ « titre »` → « le champ « titre » dépasse 300 caractères (312
/// caractères) : raccourcissez-le »).
pub fn verifier(designation: &str, nom: &str, valeur: &str) -> Result<(), String> {
    if let Some(c) = valeur
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(format!(
            "{designation} contient un caractère de contrôle (U+{:04X}) : retirez-le",
            u32::from(c)
        ));
    }
    let max = maximum(nom);
    // Counting stops past the limit: a huge text is not walked to its end.
    let n = valeur.chars().take(max.saturating_add(1)).count();
    if n > max {
        return Err(format!(
            "{designation} dépasse {max} caractères ({} caractères) : raccourcissez-le",
            valeur.chars().count()
        ));
    }
    Ok(())
}

/// Checks every text `valeur` holds, each by the name of the field it sits in (an item of a
/// list by the list's); the refusal names where, as a path (« axes › 2 › fiches_actions › 1 ›
/// titre »).
pub fn verifier_tout(valeur: &impl Serialize) -> Result<(), String> {
    // Serialising a domain value to JSON fails only on a map with non-text keys: none here.
    let Ok(arbre) = serde_json::to_value(valeur) else {
        return Ok(());
    };
    parcourir(&arbre, &mut Vec::new(), "")
}

fn parcourir(valeur: &Value, chemin: &mut Vec<String>, cle: &str) -> Result<(), String> {
    match valeur {
        Value::String(texte) => verifier(&format!("« {} »", chemin.join(" › ")), cle, texte),
        Value::Array(elements) => {
            for (i, element) in elements.iter().enumerate() {
                chemin.push((i + 1).to_string());
                let resultat = parcourir(element, chemin, cle);
                chemin.pop();
                resultat?;
            }
            Ok(())
        }
        Value::Object(champs) => {
            for (nom, element) in champs {
                chemin.push(nom.clone());
                let resultat = parcourir(element, chemin, nom);
                chemin.pop();
                resultat?;
            }
            Ok(())
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Fiche {
        titre: String,
        description: Option<String>,
        partenaires: Vec<String>,
    }

    #[derive(Serialize)]
    struct Axe {
        titre: String,
        fiches: Vec<Fiche>,
    }

    fn axe(titre: &str, description: &str) -> Axe {
        Axe {
            titre: "Accès aux soins".to_owned(),
            fiches: vec![
                Fiche {
                    titre: "Maison de santé".to_owned(),
                    description: None,
                    partenaires: vec!["CPAM".to_owned()],
                },
                Fiche {
                    titre: titre.to_owned(),
                    description: Some(description.to_owned()),
                    partenaires: vec![],
                },
            ],
        }
    }

    #[test]
    fn un_libelle_tient_en_300_caracteres_un_texte_en_10_000() {
        assert_eq!(maximum("titre"), LIBELLE_MAX);
        assert_eq!(maximum("description"), TEXTE_MAX);
        assert!(verifier("« titre »", "titre", &"é".repeat(300)).is_ok());
        assert_eq!(
            verifier("« titre »", "titre", &"é".repeat(301)).unwrap_err(),
            "« titre » dépasse 300 caractères (301 caractères) : raccourcissez-le"
        );
        assert!(verifier("note", "texte", &"a".repeat(10_000)).is_ok());
        assert!(verifier("note", "texte", &"a".repeat(10_001)).is_err());
    }

    #[test]
    fn un_caractere_de_controle_est_refuse_sauf_les_sauts_de_ligne() {
        assert!(verifier("note", "texte", "ligne 1\r\nligne 2\tsuite").is_ok());
        assert_eq!(
            verifier("« nom »", "nom", "Caen\0").unwrap_err(),
            "« nom » contient un caractère de contrôle (U+0000) : retirez-le"
        );
    }

    #[test]
    fn le_refus_d_un_ensemble_dit_ou() {
        assert!(verifier_tout(&axe("Prévention", "Ateliers")).is_ok());
        assert_eq!(
            verifier_tout(&axe(&"x".repeat(301), "Ateliers")).unwrap_err(),
            "« fiches › 2 › titre » dépasse 300 caractères (301 caractères) : raccourcissez-le"
        );
        assert!(
            verifier_tout(&axe("Prévention", "\u{7}"))
                .unwrap_err()
                .starts_with("« fiches › 2 › description » contient")
        );
    }
}
