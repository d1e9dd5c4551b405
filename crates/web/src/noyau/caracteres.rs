//! What a form's text may hold: the domain's rules for every text ([`pilote_domain::champ`]:
//! no control character, a name or a title within 300 characters, any other text within
//! 10,000), applied to each field sent, before anything is read from it.

use pilote_domain::champ;

use super::erreur::phrase;

/// Refuses a form whose field breaks the rules, naming the first one in French.
pub fn champs_admissibles<'a>(
    champs: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> Result<(), String> {
    for (nom, valeur) in champs {
        champ::verifier(&format!("le champ « {nom} »"), nom, valeur).map_err(|e| phrase(&e))?;
    }
    Ok(())
}
