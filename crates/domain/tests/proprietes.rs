//! Property tests of every parser of the domain: whatever the text, no panic; a refusal is a
//! non-empty French message; an accepted value reads back the same from its text form. Each
//! property prints how many cases it ran.

use std::sync::atomic::{AtomicU32, Ordering};

use pilote_domain::autorisation::Role;
use pilote_domain::compte::Email;
use pilote_domain::jeton::Jeton;
use pilote_domain::referentiel::{Public, Thematique};
use pilote_domain::{CodeInsee, DatePartielle, IdContrat, Montant, Periode, Siren};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Cases per property: the parsers are pure and fast.
const CAS: u32 = 1000;

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

/// Phrases of serde's and Rust's English that must never reach a coordinator.
const ANGLAIS: [&str; 12] = [
    "expected",
    "invalid type",
    "invalid value",
    "invalid digit",
    "missing field",
    "unknown field",
    "unknown variant",
    "duplicate",
    "parse error",
    "too large",
    "overflow",
    "error",
];

/// A refusal is non-empty and French: outside the values it quotes « … », none of [`ANGLAIS`].
fn francais(message: &str) -> Result<(), TestCaseError> {
    prop_assert!(!message.trim().is_empty(), "message vide");
    let mut hors_citations = String::new();
    let mut profondeur = 0usize;
    for c in message.chars() {
        match c {
            '«' => profondeur += 1,
            '»' => profondeur = profondeur.saturating_sub(1),
            _ if profondeur == 0 => hors_citations.push(c),
            _ => {}
        }
    }
    let minuscules = hors_citations.to_lowercase();
    for phrase in ANGLAIS {
        prop_assert!(
            !minuscules.contains(phrase),
            "anglais (« {} ») dans : {}",
            phrase,
            message
        );
    }
    Ok(())
}

/// Any text, or text near the parsers' forms: digits, separators, letters of codes, signs,
/// long numbers, control characters.
fn texte() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{0,12}",
        "[0-9AaBb ]{0,7}",
        "[-+0-9 ,.e€\u{a0}\u{202f}]{0,24}",
        "[0-9]{1,4}(-[0-9]{1,3}){0,3}",
        "[0-9]{1,5} ?[-–/à]{0,2} ?[0-9]{0,5}",
        "[a-z0-9-]{0,70}",
        "[a-zA-Z0-9._@-]{0,20}",
        "[a-z:0-9.-]{0,30}",
        "[\\x00-\\x1f\\x7f 0-9a-z]{0,16}",
        "[0-9]{18,40}",
    ]
}

/// Checks one parser: no panic (a panic fails the test), a French refusal, and an accepted
/// value read back the same from its text.
fn verifier<T: std::fmt::Display + PartialEq + std::fmt::Debug, E: std::fmt::Display>(
    lire: impl Fn(&str) -> Result<T, E>,
    entree: &str,
) -> Result<(), TestCaseError> {
    match lire(entree) {
        Ok(valeur) => {
            let relue = lire(&valeur.to_string());
            prop_assert!(
                relue.as_ref().is_ok_and(|r| *r == valeur),
                "« {} » lu {:?}, relu autrement",
                entree,
                valeur
            );
        }
        Err(e) => francais(&e.to_string())?,
    }
    Ok(())
}

#[test]
fn code_insee() {
    essayer("CodeInsee::parse", texte(), |t| {
        verifier(CodeInsee::parse, &t)
    });
}

#[test]
fn siren() {
    essayer("Siren::parse", texte(), |t| verifier(Siren::parse, &t));
}

#[test]
fn montant() {
    essayer("Montant::parse", texte(), |t| verifier(Montant::parse, &t));
    essayer(
        "Montant::depuis_centimes",
        any::<i64>(),
        |c| match Montant::depuis_centimes(c) {
            Ok(m) => verifier(Montant::parse, &m.to_string()),
            Err(e) => francais(&e.to_string()),
        },
    );
}

#[test]
fn date_partielle() {
    essayer("DatePartielle::parse", texte(), |t| {
        verifier(DatePartielle::parse, &t)
    });
}

#[test]
fn periode() {
    essayer("Periode::parse", texte(), |t| verifier(Periode::parse, &t));
}

#[test]
fn identifiant_de_contrat() {
    essayer("IdContrat::parse", texte(), |t| {
        verifier(IdContrat::parse, &t)
    });
}

#[test]
fn compte_et_roles() {
    essayer("Email::parse", texte(), |t| verifier(Email::parse, &t));
    essayer("Role::parse", texte(), |t| verifier(Role::parse, &t));
    essayer("Jeton::lire", texte(), |t| {
        if let Some(jeton) = Jeton::lire(&t) {
            prop_assert!(Jeton::lire(jeton.as_str()).is_some());
        }
        Ok(())
    });
}

/// The reference lists read their codes (their text is the label, not the code).
#[test]
fn referentiels() {
    essayer("Public::parse, Thematique::parse", texte(), |t| {
        match Public::parse(&t) {
            Ok(p) => prop_assert_eq!(Public::parse(p.code()), Ok(p)),
            Err(e) => francais(&e)?,
        }
        match Thematique::parse(&t) {
            Ok(p) => prop_assert_eq!(Thematique::parse(p.code()), Ok(p)),
            Err(e) => francais(&e)?,
        }
        Ok(())
    });
}

/// Every value read from a JSON string (the API's and the import's way in) is refused in
/// French, never with serde's English.
#[test]
fn depuis_json() {
    essayer("serde_json vers les types du domaine", texte(), |t| {
        let json = serde_json::to_string(&t).unwrap();
        for message in [
            serde_json::from_str::<CodeInsee>(&json).err(),
            serde_json::from_str::<Siren>(&json).err(),
            serde_json::from_str::<Montant>(&json).err(),
            serde_json::from_str::<DatePartielle>(&json).err(),
            serde_json::from_str::<Periode>(&json).err(),
            serde_json::from_str::<IdContrat>(&json).err(),
        ]
        .into_iter()
        .flatten()
        {
            // serde_json appends « at line 1 column N »: the message proper comes before.
            let texte = message.to_string();
            let propre = texte
                .rsplit_once(" at line ")
                .map_or(texte.as_str(), |(m, _)| m);
            francais(propre)?;
        }
        Ok(())
    });
}
