//! TOML and serde errors told in French: where (line, column, the key of that line) and what,
//! without the English of the parser. A message the domain wrote (a code INSEE refused, say)
//! is kept as it is; an English one this module does not know gives a general French message
//! rather than leaking through.

/// The French message of `erreur`, met while reading `contenu`; `syntaxe` when the text is not
/// even TOML (as opposed to TOML that does not describe a contract).
pub(super) fn message(erreur: &toml::de::Error, contenu: &str, syntaxe: bool) -> String {
    let lieu = erreur
        .span()
        .map(|span| lieu(contenu, span.start))
        .unwrap_or_default();
    let brut = erreur.message().trim();
    let quoi = if syntaxe {
        syntaxe_fr(brut)
    } else {
        donnee_fr(brut)
    };
    format!("{lieu}{quoi}")
}

/// « ligne 3, colonne 14 (clé « generation ») : », from a byte offset into `contenu`.
fn lieu(contenu: &str, octet: usize) -> String {
    let mut octet = octet.min(contenu.len());
    while !contenu.is_char_boundary(octet) {
        octet -= 1;
    }
    let avant = &contenu[..octet];
    let ligne = avant.matches('\n').count() + 1;
    let debut_ligne = avant.rfind('\n').map_or(0, |i| i + 1);
    let colonne = avant[debut_ligne..].chars().count() + 1;
    let texte_ligne = contenu[debut_ligne..].lines().next().unwrap_or_default();
    let cle = texte_ligne
        .split_once('=')
        .map(|(cle, _)| cle.trim().trim_matches(['"', '\'']))
        .filter(|cle| {
            !cle.is_empty()
                && cle.chars().count() <= 60
                && cle
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        });
    match cle {
        Some(cle) => format!("ligne {ligne}, colonne {colonne} (clé « {cle} ») : "),
        None => format!("ligne {ligne}, colonne {colonne} : "),
    }
}

/// A syntax error of the TOML text.
fn syntaxe_fr(brut: &str) -> String {
    // « unclosed table, expected `]` »: the fault, then what the parser expected.
    let premiere = brut.lines().next().unwrap_or_default();
    let premiere = premiere.split(", expected").next().unwrap_or_default();
    let precision = match premiere {
        "duplicate key" => "cette clé figure déjà plus haut dans la même table",
        "string values must be quoted" => "un texte s'écrit entre guillemets (\"…\")",
        "unclosed table" | "unclosed array table" => {
            "il manque le « ] » qui ferme l'en-tête de table"
        }
        "unclosed array" | "missing comma between array elements" => {
            "liste mal fermée ou éléments non séparés par des virgules"
        }
        "unclosed inline table" | "missing comma between key-value pairs" => {
            "table en ligne mal fermée ou éléments non séparés par des virgules"
        }
        "missing value" | "missing value for key" | "key with no value" => {
            "il manque une valeur après « = »"
        }
        "missing assignment between key-value pairs" | "invalid key-value pair" => {
            "une ligne s'écrit « clé = valeur »"
        }
        "extra assignment between key-value pairs" | "extra `=`" => "un « = » de trop",
        "invalid unquoted key" | "unquoted keys cannot be empty" => {
            "clé mal formée (lettres, chiffres, « _ » et « - », ou entre guillemets)"
        }
        "invalid basic string" | "invalid multi-line basic string" | "missing escaped value" => {
            "texte mal fermé ou séquence d'échappement (\\…) incorrecte"
        }
        "carriage return must be followed by newline" => "retour chariot isolé",
        "invalid comment character" => "caractère de contrôle interdit dans un commentaire",
        "recursion limit" | "cannot recurse further; max recursion depth met" => {
            "imbrication trop profonde"
        }
        "integer number overflowed" | "floating-point number overflowed" => "nombre trop grand",
        _ if premiere.contains("control character") || premiere.contains("invalid") => {
            "caractère ou valeur mal formés"
        }
        _ => "texte mal formé à cet endroit",
    };
    format!("le fichier n'est pas un TOML valable : {precision}")
}

/// A value that does not fit what was expected, from serde's English (`missing field `x``,
/// `invalid type: …, expected …`): the TOML import's messages, and those of the web's forms
/// and query strings.
pub fn donnee_fr(brut: &str) -> String {
    if let Some(reste) = brut.strip_prefix("missing field ") {
        return format!("champ « {} » manquant", sans_accents_graves(reste));
    }
    if let Some(reste) = brut.strip_prefix("duplicate field ") {
        return format!("champ « {} » en double", sans_accents_graves(reste));
    }
    if let Some(reste) = brut.strip_prefix("unknown field ") {
        let (nom, possibles) = nom_et_possibles(reste);
        return match possibles {
            Some(possibles) => {
                format!("champ « {nom} » inconnu ici ; champs possibles : {possibles}")
            }
            None => format!("champ « {nom} » inconnu ici"),
        };
    }
    if let Some(reste) = brut.strip_prefix("unknown variant ") {
        let (nom, possibles) = nom_et_possibles(reste);
        return match possibles {
            Some(possibles) => {
                format!("valeur « {nom} » inconnue ; valeurs possibles : {possibles}")
            }
            None => format!("valeur « {nom} » inconnue"),
        };
    }
    for prefixe in ["invalid type: ", "invalid value: "] {
        if let Some((recu, attendu)) = brut
            .strip_prefix(prefixe)
            .and_then(|reste| reste.rsplit_once(", expected "))
        {
            return format!("{} attendu, {} trouvé", attendu_fr(attendu), recu_fr(recu));
        }
    }
    if let Some((nombre, attendu)) = brut
        .strip_prefix("invalid length ")
        .and_then(|reste| reste.split_once(", expected "))
    {
        return format!(
            "{nombre} élément(s) trouvé(s), {} attendu",
            attendu_fr(attendu)
        );
    }
    match brut {
        "integer number overflowed" | "floating-point number overflowed" => {
            return "nombre trop grand".to_owned();
        }
        "wanted string or table" => return "un texte ou une table attendu".to_owned(),
        _ => {}
    }
    if semble_anglais(brut) {
        "valeur refusée à cet endroit".to_owned()
    } else {
        brut.to_owned()
    }
}

/// `` `nom`, expected one of `a`, `b` `` → (`nom`, `a, b`).
fn nom_et_possibles(reste: &str) -> (String, Option<String>) {
    let (nom, possibles) = match reste.split_once(", expected ") {
        Some((nom, possibles)) => (nom, Some(possibles)),
        None => (reste.split(", there are no").next().unwrap_or(reste), None),
    };
    let possibles = possibles.map(|p| {
        p.split('`')
            .skip(1)
            .step_by(2)
            .collect::<Vec<_>>()
            .join(", ")
    });
    (
        sans_accents_graves(nom).to_owned(),
        possibles.filter(|p| !p.is_empty()),
    )
}

fn sans_accents_graves(texte: &str) -> &str {
    texte.trim().trim_matches('`')
}

/// What serde expected (a visitor's `expecting`), in French.
fn attendu_fr(attendu: &str) -> String {
    let attendu = attendu.trim();
    match attendu {
        "a string" | "a borrowed string" | "string" | "a character" | "char" => "un texte",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "an integer" => "un nombre entier",
        "u8" => "un nombre entier de 0 à 255",
        "u16" => "un nombre entier de 0 à 65535",
        "u32" | "u64" | "u128" | "usize" => "un nombre entier positif",
        "f32" | "f64" | "a float" => "un nombre",
        "a boolean" | "bool" => "true ou false",
        "a sequence" | "a tuple" => "une liste [ … ]",
        "a map" | "a table" => "une table",
        "option" | "unit" => "une valeur",
        _ if attendu.starts_with("struct ") || attendu.starts_with("a map") => "une table",
        _ if attendu.starts_with("a sequence") || attendu.starts_with("a tuple") => {
            "une liste [ … ]"
        }
        _ => "une valeur d'une autre forme",
    }
    .to_owned()
}

/// What serde received (its `Unexpected`), in French.
fn recu_fr(recu: &str) -> String {
    let recu = recu.trim();
    let valeur = |prefixe: &str| {
        recu.strip_prefix(prefixe)
            .map(|v| v.trim().trim_matches(['`', '"']).to_owned())
    };
    if let Some(v) = valeur("string ") {
        return format!("le texte « {v} »");
    }
    if let Some(v) = valeur("integer ") {
        return format!("le nombre entier {v}");
    }
    if let Some(v) = valeur("floating point ") {
        return format!("le nombre {v}");
    }
    if let Some(v) = valeur("boolean ") {
        return format!("la valeur {v}");
    }
    if let Some(v) = valeur("character ") {
        return format!("le caractère « {v} »");
    }
    match recu {
        "sequence" => "une liste",
        "map" => "une table",
        "unit value" | "unit" => "une valeur vide",
        "Option value" => "une valeur facultative",
        _ => "une valeur d'une autre forme",
    }
    .to_owned()
}

/// Words of the parser's English, looked for outside the values quoted « … » in a message.
const MOTS_ANGLAIS: [&str; 16] = [
    "expected",
    "invalid",
    "missing",
    "unknown",
    "duplicate",
    "unexpected",
    "overflowed",
    "wanted",
    "must",
    "cannot",
    "found",
    "value",
    "key",
    "field",
    "variant",
    "string",
];

/// Whether `message` speaks the parser's English.
pub(crate) fn semble_anglais(message: &str) -> bool {
    hors_guillemets(message)
        .split(|c: char| !c.is_alphanumeric())
        .any(|mot| MOTS_ANGLAIS.contains(&mot.to_lowercase().as_str()))
}

/// `message` without what it quotes between « and ».
fn hors_guillemets(message: &str) -> String {
    let mut reste = String::new();
    let mut profondeur = 0usize;
    for c in message.chars() {
        match c {
            '«' => profondeur += 1,
            '»' => profondeur = profondeur.saturating_sub(1),
            _ if profondeur == 0 => reste.push(c),
            _ => {}
        }
    }
    reste
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lire(contenu: &str) -> String {
        match toml::from_str::<toml::Table>(contenu) {
            Err(e) => message(&e, contenu, true),
            Ok(_) => panic!("{contenu} devait être refusé"),
        }
    }

    #[test]
    fn une_erreur_de_syntaxe_donne_la_ligne_et_la_raison() {
        assert_eq!(
            lire("id = \"a\"\nnom = x\n"),
            "ligne 2, colonne 7 (clé « nom ») : le fichier n'est pas un TOML valable : \
             un texte s'écrit entre guillemets (\"…\")"
        );
        assert!(lire("a = 1\na = 2\n").contains("figure déjà"));
        assert!(lire("[x\n").ends_with("il manque le « ] » qui ferme l'en-tête de table"));
        assert!(lire("a = \"\\q\"").contains("séquence d'échappement"));
    }

    #[test]
    fn les_messages_de_serde_sont_traduits() {
        assert_eq!(
            donnee_fr("invalid type: string \"deux\", expected u8"),
            "un nombre entier de 0 à 255 attendu, le texte « deux » trouvé"
        );
        assert_eq!(donnee_fr("missing field `nom`"), "champ « nom » manquant");
        assert_eq!(
            donnee_fr("unknown field `titr`, expected `numero` or `titre`"),
            "champ « titr » inconnu ici ; champs possibles : numero, titre"
        );
        assert_eq!(
            donnee_fr("code INSEE invalide « 20004 » : la Corse"),
            "code INSEE invalide « 20004 » : la Corse"
        );
        assert_eq!(
            donnee_fr("something unexpected went wrong"),
            "valeur refusée à cet endroit"
        );
    }

    #[test]
    fn l_anglais_se_reconnait_hors_des_valeurs_citees() {
        assert!(semble_anglais("invalid type: map"));
        assert!(!semble_anglais(
            "SIREN invalide « missing value » : 9 chiffres"
        ));
        assert!(!semble_anglais("code INSEE invalide « 1 » : trop court"));
    }
}
