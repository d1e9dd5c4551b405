//! Searching as people type: case, accents and punctuation aside.

/// `texte` folded for comparison: lower case, French accents and ligatures removed, every run
/// of characters other than letters and digits (hyphens, apostrophes, spaces) made one space.
pub fn replier(texte: &str) -> String {
    let mut replie = String::with_capacity(texte.len());
    let mut espace = true;
    for c in texte.chars().flat_map(char::to_lowercase) {
        let sans_accent: &str = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => "a",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => "o",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            'œ' => "oe",
            'æ' => "ae",
            c if c.is_alphanumeric() => {
                replie.push(c);
                espace = false;
                continue;
            }
            _ => {
                if !espace {
                    replie.push(' ');
                    espace = true;
                }
                continue;
            }
        };
        replie.push_str(sans_accent);
        espace = false;
    }
    if replie.ends_with(' ') {
        replie.pop();
    }
    replie
}

#[cfg(test)]
mod tests {
    use super::replier;

    #[test]
    fn accents_casse_et_ponctuation_ne_comptent_pas() {
        assert_eq!(replier("Saint-Étienne"), "saint etienne");
        assert_eq!(replier("  CŒUR  d'Ostrevent "), "coeur d ostrevent");
        assert_eq!(replier("Creusot–Montceau 2019"), "creusot montceau 2019");
        assert_eq!(replier(""), "");
    }
}
