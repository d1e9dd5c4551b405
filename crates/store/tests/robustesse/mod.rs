//! Property tests of the TOML import's reading (`import::lire`): arbitrary text and
//! mutations of valid contract files (lines deleted, duplicated, swapped or replaced, a cut,
//! values of the wrong type, control characters and NUL, huge texts) never make it panic, and
//! every refusal is a French message naming the file, without the parser's English or its
//! drawing of the faulty line. Each property prints how many cases it ran.

use std::sync::atomic::{AtomicU32, Ordering};

use pilote_store::{StoreError, demo, import};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Cases per property.
const CAS: u32 = 500;

/// Runs `propriete` on `CAS` values of `strategie` and prints how many cases it tried.
fn essayer<S: Strategy>(
    nom: &str,
    strategie: S,
    propriete: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let compte = AtomicU32::new(0);
    let mut executeur = TestRunner::new(Config {
        cases: CAS,
        failure_persistence: None,
        ..Config::default()
    });
    let issue = executeur.run(&strategie, |valeur| {
        compte.fetch_add(1, Ordering::Relaxed);
        propriete(valeur)
    });
    if let Err(e) = issue {
        panic!("{nom} : {e}");
    }
    println!("{nom} : {} cas essayés", compte.load(Ordering::Relaxed));
}

/// Phrases of the TOML parser's and serde's English that must never reach a coordinator.
const ANGLAIS: [&str; 18] = [
    "expected",
    "invalid",
    "missing",
    "unknown",
    "duplicate",
    "unexpected",
    "overflow",
    "wanted",
    "must be",
    "cannot",
    "found",
    "value",
    "key",
    "field",
    "variant",
    "string",
    "toml parse error",
    "error",
];

/// A refusal of document `nom`: it names the document, and outside the values it quotes
/// « … » it holds none of [`ANGLAIS`] and no drawing of the faulty line (`|`, `^`).
fn refus_francais(nom: &str, erreur: &StoreError) -> Result<(), TestCaseError> {
    let StoreError::Invalid(message) = erreur else {
        return Err(TestCaseError::fail(format!("refus inattendu : {erreur:?}")));
    };
    let propre = message
        .strip_prefix(&format!("{nom} : "))
        .ok_or_else(|| TestCaseError::fail(format!("le fichier n'est pas nommé : {message}")))?;
    prop_assert!(!propre.trim().is_empty(), "message vide");
    let mut hors_citations = String::new();
    let mut profondeur = 0usize;
    for c in propre.chars() {
        match c {
            '«' => profondeur += 1,
            '»' => profondeur = profondeur.saturating_sub(1),
            _ if profondeur == 0 => hors_citations.push(c),
            _ => {}
        }
    }
    let mots: Vec<String> = hors_citations
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_owned)
        .collect();
    let phrase = mots.join(" ");
    for anglais in ANGLAIS {
        prop_assert!(
            !format!(" {phrase} ").contains(&format!(" {anglais} ")),
            "anglais (« {} ») dans : {}",
            anglais,
            message
        );
    }
    prop_assert!(
        !hors_citations.contains(" | ") && !hors_citations.contains('^'),
        "dessin de l'analyseur dans : {}",
        message
    );
    Ok(())
}

/// Valid contract files: the complete model and the demo contracts.
fn modeles() -> Vec<&'static str> {
    let mut modeles = vec![include_str!("../contrat_complet.toml")];
    modeles.extend(demo::FICHIERS.iter().map(|(_, texte)| *texte));
    modeles
}

/// Values of every wrong kind, written in TOML.
fn valeur_fautive() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("42".to_owned()),
        Just("-1".to_owned()),
        Just("99999999999999999999".to_owned()),
        Just("1e400".to_owned()),
        Just("nan".to_owned()),
        Just("-inf".to_owned()),
        Just("3.5".to_owned()),
        Just("true".to_owned()),
        Just("\"\"".to_owned()),
        Just("\"texte\"".to_owned()),
        Just("[]".to_owned()),
        Just("[1, \"a\"]".to_owned()),
        Just("{}".to_owned()),
        Just("{ a = 1 }".to_owned()),
        Just("1979-05-27T07:32:00Z".to_owned()),
        Just("07:32:00".to_owned()),
        Just("\"\\u0000\"".to_owned()),
        Just("\"a\\u0007b\"".to_owned()),
        Just("\"\"\"\nsur\nplusieurs lignes\"\"\"".to_owned()),
        (1usize..100_000).prop_map(|n| format!("\"{}\"", "é".repeat(n))),
        any::<String>().prop_map(|s| format!("{s:?}")),
        any::<String>(),
    ]
}

/// One change to a contract file's lines.
#[derive(Debug, Clone)]
enum Mutation {
    Supprimer(usize),
    Dupliquer(usize),
    Echanger(usize, usize),
    Remplacer(usize, String),
    /// The value of a `clé = valeur` line replaced.
    Valeur(usize, String),
    /// A character slipped in at a position (a control character, a NUL, a quote…).
    Inserer(usize, char),
    /// The text cut at a position.
    Couper(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let caractere = prop_oneof![
        Just('\0'),
        Just('\u{7}'),
        Just('\r'),
        Just('\u{1b}'),
        Just('\u{7f}'),
        Just('"'),
        Just('\''),
        Just('='),
        Just('['),
        Just(']'),
        Just('{'),
        Just('#'),
        Just('\\'),
        Just('\u{feff}'),
        any::<char>(),
    ];
    prop_oneof![
        any::<usize>().prop_map(Mutation::Supprimer),
        any::<usize>().prop_map(Mutation::Dupliquer),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Echanger(a, b)),
        (any::<usize>(), any::<String>()).prop_map(|(i, s)| Mutation::Remplacer(i, s)),
        (any::<usize>(), valeur_fautive()).prop_map(|(i, v)| Mutation::Valeur(i, v)),
        (any::<usize>(), valeur_fautive()).prop_map(|(i, v)| Mutation::Valeur(i, v)),
        (any::<usize>(), caractere).prop_map(|(i, c)| Mutation::Inserer(i, c)),
        any::<usize>().prop_map(Mutation::Couper),
    ]
}

/// `modele` changed by `mutations`.
fn muter(modele: &str, mutations: &[Mutation]) -> String {
    let mut lignes: Vec<String> = modele.lines().map(str::to_owned).collect();
    let mut texte_coupe: Option<(usize, Option<char>)> = None;
    for m in mutations {
        let n = lignes.len().max(1);
        match m {
            Mutation::Supprimer(i) if !lignes.is_empty() => {
                lignes.remove(i % n);
            }
            Mutation::Dupliquer(i) if !lignes.is_empty() => {
                let ligne = lignes[i % n].clone();
                lignes.insert(i % n, ligne);
            }
            Mutation::Echanger(a, b) if !lignes.is_empty() => lignes.swap(a % n, b % n),
            Mutation::Remplacer(i, s) if !lignes.is_empty() => lignes[i % n] = s.clone(),
            Mutation::Valeur(i, v) => {
                // The i-th `clé = valeur` line, counted among those only.
                let affectations: Vec<usize> = (0..lignes.len())
                    .filter(|&k| lignes[k].contains(" = "))
                    .collect();
                if !affectations.is_empty() {
                    let k = affectations[i % affectations.len()];
                    let cle = lignes[k].split(" = ").next().unwrap_or_default().to_owned();
                    lignes[k] = format!("{cle} = {v}");
                }
            }
            Mutation::Inserer(i, c) => texte_coupe = Some((*i, Some(*c))),
            Mutation::Couper(i) => texte_coupe = Some((*i, None)),
            _ => {}
        }
    }
    let mut texte = lignes.join("\n");
    if let Some((i, quoi)) = texte_coupe {
        let mut position = i % (texte.len() + 1);
        while !texte.is_char_boundary(position) {
            position -= 1;
        }
        match quoi {
            Some(c) => texte.insert(position, c),
            None => texte.truncate(position),
        }
    }
    texte
}

#[test]
fn les_modeles_se_lisent() {
    for modele in modeles() {
        import::lire("modele.toml", modele).unwrap();
    }
}

#[test]
fn un_texte_quelconque_est_refuse_en_francais() {
    let texte = prop_oneof![
        any::<String>(),
        // Text that looks like TOML: keys, tables, values of every kind.
        proptest::collection::vec(
            prop_oneof![
                "[a-z_]{1,12} = ".prop_map(|s| s.to_owned()),
                Just("[[axes]]\n".to_owned()),
                Just("[territoire]\n".to_owned()),
                Just("[[axes.fiches_actions]]\n".to_owned()),
                Just("id = \"essai-2020\"\n".to_owned()),
                Just("nom = \"Essai\"\n".to_owned()),
                Just("generation = 1\n".to_owned()),
                Just("territoire = { communes = [\"14118\"] }\n".to_owned()),
                valeur_fautive().prop_map(|v| format!("{v}\n")),
                any::<String>(),
            ],
            0..12,
        )
        .prop_map(|morceaux| morceaux.concat()),
    ];
    essayer("import::lire, texte quelconque", texte, |texte| {
        if let Err(e) = import::lire("essai.toml", &texte) {
            refus_francais("essai.toml", &e)?;
        }
        Ok(())
    });
}

#[test]
fn un_fichier_de_contrat_abime_est_refuse_en_francais() {
    let modeles = modeles();
    let strategie = (
        0..modeles.len(),
        proptest::collection::vec(mutation(), 1..4),
    );
    essayer(
        "import::lire, fichier de contrat abîmé",
        strategie,
        |(m, mutations)| {
            let texte = muter(modeles[m], &mutations);
            if let Err(e) = import::lire("abime.toml", &texte) {
                refus_francais("abime.toml", &e)?;
            }
            Ok(())
        },
    );
}
