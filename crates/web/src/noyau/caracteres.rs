//! What no text of Pilote holds.

/// Refuses a form with a control character in a field (a NUL, say), line breaks and
/// tabulations aside: no text of Pilote holds one, and a database may refuse to store it.
pub fn sans_caractere_de_controle<'a>(
    champs: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> Result<(), String> {
    for (nom, valeur) in champs {
        if let Some(c) = valeur
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(format!(
                "Le champ « {nom} » contient un caractère de contrôle (U+{:04X}) : retirez-le.",
                u32::from(c)
            ));
        }
    }
    Ok(())
}
