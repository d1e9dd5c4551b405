//! Property tests of the kernel's readers of what a visitor sends: where to go after signing
//! in (`suite_locale`: always a path of this site, as a browser resolves it, whatever the
//! encoding), control characters in a form, the typed field readers, the `_csrf` field of a
//! multipart body and the list's query string. No panic; every refusal a non-empty French
//! message. Each property prints how many cases it ran.

use std::sync::atomic::{AtomicU32, Ordering};

use axum::http::HeaderValue;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use super::caracteres::champs_admissibles;
use super::liste::RequeteListe;
use super::page::suite_locale;
use super::saisie::{self, Saisies};
use super::visiteur::champ_multipart;

/// Cases per property: pure functions, fast.
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

/// Phrases of Rust's and serde's English that must never reach a visitor.
const ANGLAIS: [&str; 9] = [
    "expected",
    "invalid",
    "missing field",
    "unknown",
    "duplicate",
    "error",
    "failed",
    "cannot parse",
    "overflow",
];

/// A refusal is non-empty and French: outside the values it quotes « … », none of the words
/// of [`ANGLAIS`].
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
    // Whole words only: « invalide » is French.
    let mots: Vec<String> = hors_citations
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|m| !m.is_empty())
        .map(str::to_owned)
        .collect();
    let texte = format!(" {} ", mots.join(" "));
    for phrase in ANGLAIS {
        prop_assert!(
            !texte.contains(&format!(" {phrase} ")),
            "anglais (« {} ») dans : {}",
            phrase,
            message
        );
    }
    Ok(())
}

/// Any text, or text near what fields hold: numbers with signs, separators and exponents,
/// dates, huge numbers, control characters.
fn texte() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[-+0-9 ,.eE\u{a0}\u{202f}]{0,24}",
        "[0-9]{1,4}(-[0-9]{1,3}){0,3}",
        "[0-9]{18,40}",
        "-[0-9]{1,25}",
        "(inf|NaN|infinity|-inf|1e999|0x1F|1_000)",
        "[\\x00-\\x1f\\x7f \n0-9a-z]{0,16}",
    ]
}

/// Pieces of the addresses an attacker tries: slashes and backslashes in every encoding,
/// what browsers drop from an address (tab, line breaks), schemes, hosts, look-alike slashes.
fn morceau_d_adresse() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec![
            "/",
            "//",
            "\\",
            "/\\",
            "%2F",
            "%2f",
            "%5C",
            "%5c",
            "%252F",
            "\t",
            "\n",
            "\r",
            "%09",
            "%0A",
            "%0D",
            "%00",
            "\u{0}",
            " ",
            "%20",
            "evil.example",
            "@",
            ":",
            "?",
            "#",
            ".",
            "..",
            "http:",
            "https:",
            "javascript:",
            "data:",
            "\u{3000}",
            "\u{ff0f}",
            "\u{2215}",
            "\u{2044}",
            "\u{fe68}",
            "\u{a0}",
            "\u{200b}",
            "\u{202e}",
            "\u{85}",
            "\u{2028}",
            "%E2%80%A8",
            "%C0%AF",
            "%FF",
            "contrats",
            "caen-2019",
        ])
        .prop_map(str::to_owned),
        any::<String>(),
    ]
}

/// What the query string holds once decoded (the server decodes it once, invalid UTF-8
/// replaced).
fn decode(texte: &str) -> String {
    percent_decode(texte)
}

fn percent_decode(texte: &str) -> String {
    let octets = texte.as_bytes();
    let mut sortie = Vec::with_capacity(octets.len());
    let mut i = 0;
    while i < octets.len() {
        let hex = |o: u8| char::from(o).to_digit(16);
        match (octets[i], octets.get(i + 1), octets.get(i + 2)) {
            (b'%', Some(&a), Some(&b)) if hex(a).is_some() && hex(b).is_some() => {
                sortie.push((hex(a).unwrap_or(0) * 16 + hex(b).unwrap_or(0)) as u8);
                i += 3;
            }
            (o, _, _) => {
                sortie.push(o);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&sortie).into_owned()
}

/// `suite` as a browser follows it from a page of `https://pilote.example`: the same site.
fn meme_site(suite: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        suite.starts_with('/') && !suite.starts_with("//") && !suite.starts_with("/\\"),
        "« {:?} » n'est pas un chemin local",
        suite
    );
    prop_assert!(
        HeaderValue::from_str(suite).is_ok(),
        "« {:?} » ne tient pas dans un en-tête Location",
        suite
    );
    let base = url::Url::parse("https://pilote.example/contrats/caen-2019").unwrap();
    let suivie = base
        .join(suite)
        .map_err(|e| TestCaseError::fail(format!("{suite:?} illisible : {e}")))?;
    prop_assert_eq!(suivie.scheme(), "https");
    prop_assert_eq!(suivie.host_str(), Some("pilote.example"), "{:?}", suite);
    prop_assert_eq!(suivie.port(), None);
    prop_assert!(suivie.username().is_empty() && suivie.password().is_none());
    Ok(())
}

#[test]
fn la_suite_reste_toujours_sur_le_site() {
    let proposee = proptest::collection::vec(morceau_d_adresse(), 0..8).prop_map(|m| m.concat());
    essayer("suite_locale", proposee, |brute| {
        for proposee in [brute.clone(), decode(&brute), decode(&decode(&brute))] {
            let suite = suite_locale(Some(&proposee));
            meme_site(&suite)?;
            let encodee: String = proposee
                .chars()
                .map(|c| {
                    if c.is_ascii() && c != ' ' {
                        c.to_string()
                    } else {
                        c.to_string().bytes().map(|o| format!("%{o:02X}")).collect()
                    }
                })
                .collect();
            prop_assert!(
                suite == encodee || suite == "/",
                "{:?} → {:?}",
                proposee,
                suite
            );
            prop_assert!(suite.is_ascii(), "{:?}", suite);
        }
        meme_site(&suite_locale(None))
    });
}

#[test]
fn un_caractere_de_controle_est_refuse_en_francais() {
    let champs = proptest::collection::vec((texte(), texte()), 0..6);
    essayer("champs_admissibles", champs, |champs| {
        let interdit = |c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t');
        let fautif = champs.iter().find(|(_, v)| v.chars().any(interdit));
        match champs_admissibles(champs.iter().map(|(n, v)| (n, v))) {
            Ok(()) => prop_assert!(fautif.is_none(), "{:?} accepté", fautif),
            Err(message) => {
                let (nom, _) = fautif.ok_or_else(|| TestCaseError::fail("refus sans raison"))?;
                prop_assert!(message.contains(&format!("« {nom} »")), "{}", message);
                prop_assert!(message.contains("(U+"), "{}", message);
                francais(&message)?;
            }
        }
        Ok(())
    });
}

#[test]
fn les_lecteurs_de_champs_ne_paniquent_pas_et_refusent_en_francais() {
    let noms = proptest::sample::select(vec!["date", "annee", "nombre", "montant", "lignes"]);
    let paires = proptest::collection::vec((noms.prop_map(str::to_owned), texte()), 0..8);
    essayer("lecteurs de champs (saisie)", paires, |paires| {
        let saisies: Saisies = saisie::saisies_de(paires);
        for nom in ["date", "annee", "nombre", "montant", "lignes"] {
            prop_assert_eq!(
                saisie::valeur(&saisies, nom),
                saisie::valeur(&saisies, nom).trim()
            );
        }
        match saisie::date(&saisies, "date") {
            Ok(_) => {}
            Err((champ, message)) => {
                prop_assert_eq!(champ, "date");
                francais(&message)?;
            }
        }
        match saisie::annee(&saisies, "annee") {
            Ok(annee) => prop_assert!(annee.is_none_or(|a| (1900..=2200).contains(&a))),
            Err((_, message)) => francais(&message)?,
        }
        match saisie::nombre(&saisies, "nombre") {
            Ok(nombre) => prop_assert!(nombre.is_none_or(f64::is_finite)),
            Err((_, message)) => francais(&message)?,
        }
        if let Err((_, message)) = saisie::montant(&saisies, "montant") {
            francais(&message)?;
        }
        for ligne in saisie::lignes(&saisies, "lignes") {
            prop_assert!(!ligne.is_empty() && ligne == ligne.trim());
        }
        Ok(())
    });
}

#[test]
fn le_jeton_d_un_envoi_de_fichier_se_trouve_sans_panique() {
    let corps = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300),
        (texte(), any::<String>(), any::<bool>()).prop_map(|(avant, valeur, fin)| {
            let mut corps = avant.into_bytes();
            corps.extend_from_slice(b"name=\"_csrf\"\r\n\r\n");
            corps.extend_from_slice(valeur.as_bytes());
            if fin {
                corps.extend_from_slice(b"\r\n--fin--");
            }
            corps
        }),
    ];
    essayer("champ_multipart", corps, |corps| {
        if let Some(valeur) = champ_multipart(&corps, "_csrf") {
            prop_assert!(!valeur.contains("\r\n"));
        }
        Ok(())
    });
}

#[test]
fn la_requete_de_la_liste_est_refusee_en_francais() {
    let parametre = proptest::option::of(prop_oneof![
        texte(),
        Just("0".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("en-cours".to_owned()),
        Just("2A".to_owned()),
    ]);
    let requete = (
        parametre.clone(),
        parametre.clone(),
        parametre.clone(),
        parametre.clone(),
        parametre.clone(),
        parametre,
    );
    essayer("RequeteListe::filtre", requete, |(r, d, s, t, p, n)| {
        let requete = RequeteListe {
            region: r,
            departement: d,
            statut: s,
            texte: t,
            page: p,
            par_page: n,
        };
        match requete.filtre() {
            Ok(filtre) => prop_assert!(
                filtre.page >= 1
                    && (1..=pilote_store::contrat::Filtre::PAR_PAGE_MAX).contains(&filtre.par_page)
            ),
            Err(message) => francais(&message)?,
        }
        Ok(())
    });
}
