//! Property tests of the loaders (communes, supply, origin–destination times, RPPS extract):
//! whatever the bytes — arbitrary, or rows near the expected forms with wrong numbers, unknown
//! communes, missing or extra fields, quotes, invalid UTF-8, a read that fails half-way —, no
//! panic, and every refusal or line set aside is a French message. Each property prints how
//! many cases it ran.

use std::io::Read;
use std::sync::atomic::{AtomicU32, Ordering};

use pilote_access::chargement::{Options, lire_communes, lire_offre, lire_rpps, lire_trajets};
use pilote_access::{Communes, Conversion};
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

/// Phrases of the CSV reader's and the system's English that must never reach a coordinator.
const ANGLAIS: [&str; 10] = [
    "error",
    "expected",
    "found record",
    "invalid",
    "record",
    "previous",
    "os error",
    "no such file",
    "directory",
    "utf-8 error",
];

/// A message is non-empty and French: outside the values it quotes « … », none of [`ANGLAIS`].
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

/// A field: a number in some form, a commune code, nothing, garbage, invalid UTF-8.
fn champ() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"14118".to_vec()),
        Just(b"14047".to_vec()),
        Just(b"99999".to_vec()),
        Just(Vec::new()),
        Just(b"49.18".to_vec()),
        Just(b"-0,37".to_vec()),
        Just(b"\"71 361\"".to_vec()),
        Just(b"1e400".to_vec()),
        Just(b"NaN".to_vec()),
        Just(b"-inf".to_vec()),
        Just(b"-5".to_vec()),
        Just(b"\"a;b,c\"".to_vec()),
        Just(b"\"non ferm\xc3\xa9".to_vec()),
        Just(b"\xff\xfe\xc3".to_vec()),
        Just(b"10".to_vec()),
        Just(b"SM54".to_vec()),
        any::<f64>().prop_map(|x| x.to_string().into_bytes()),
        "[0-9]{1,30}".prop_map(String::into_bytes),
        any::<String>().prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..12),
    ]
}

/// A file near one the loaders expect: a header from `colonnes` (some dropped, some added),
/// rows of fields, separated by `separateur`, lines ended by LF or CRLF.
fn fichier(colonnes: &'static [&'static str], separateur: u8) -> impl Strategy<Value = Vec<u8>> {
    let en_tete = proptest::collection::vec(
        prop_oneof![
            4 => proptest::sample::select(colonnes).prop_map(|c| c.as_bytes().to_vec()),
            1 => champ(),
        ],
        0..colonnes.len() + 2,
    );
    let ligne = proptest::collection::vec(champ(), 0..colonnes.len() + 2);
    (
        en_tete,
        proptest::collection::vec(ligne, 0..20),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(move |(en_tete, lignes, crlf, bom)| {
            let fin: &[u8] = if crlf { b"\r\n" } else { b"\n" };
            let mut octets = if bom {
                "\u{feff}".as_bytes().to_vec()
            } else {
                Vec::new()
            };
            for ligne in std::iter::once(en_tete).chain(lignes) {
                octets.extend(ligne.join(&separateur));
                octets.extend_from_slice(fin);
            }
            octets
        })
}

/// Arbitrary bytes, or a file near the expected one with commas, semicolons or pipes.
fn octets(colonnes: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..400),
        fichier(colonnes, b','),
        fichier(colonnes, b';'),
        fichier(colonnes, b'|'),
    ]
}

/// A reader that fails after `reste` bytes, as a disk or a network share may.
struct Defaillant {
    octets: Vec<u8>,
    position: usize,
    reste: usize,
}

impl Read for Defaillant {
    fn read(&mut self, tampon: &mut [u8]) -> std::io::Result<usize> {
        if self.reste == 0 {
            return Err(std::io::Error::other("disk on fire"));
        }
        let n = tampon
            .len()
            .min(self.reste)
            .min(self.octets.len() - self.position);
        tampon[..n].copy_from_slice(&self.octets[self.position..self.position + n]);
        self.position += n;
        self.reste -= n;
        Ok(n)
    }
}

fn communes_connues() -> Communes {
    let mut communes = Communes::default();
    communes.ajouter("14118", 49.18, -0.37, 105_000.0).unwrap();
    communes.ajouter("14047", 49.2, -0.3, 13_000.0).unwrap();
    communes
}

/// Checks a load's result: a refusal in French, and every line set aside in French.
fn verifier<T>(
    resultat: Result<pilote_access::chargement::Charge<T>, pilote_access::erreur::ErreurChargement>,
) -> Result<(), TestCaseError> {
    match resultat {
        Ok(charge) => {
            for faute in &charge.lignes_sautees {
                francais(&faute.to_string())?;
            }
            Ok(())
        }
        Err(e) => francais(&e.to_string()),
    }
}

const COMMUNES: &[&str] = &["code_insee", "lat", "lon", "population", "population_2021"];
const OFFRE: &[&str] = &["code_insee", "offre"];
const TRAJETS: &[&str] = &["origine", "destination", "minutes"];
const RPPS: &[&str] = &[
    "Identifiant PP",
    "Code profession",
    "Code savoir-faire",
    "Code commune (coord. structure)",
];

#[test]
fn les_communes() {
    essayer(
        "lire_communes",
        (octets(COMMUNES), any::<bool>()),
        |(o, sauter)| {
            let options = Options {
                sauter_lignes_fautives: sauter,
            };
            verifier(lire_communes(o.as_slice(), "communes.csv", options))
        },
    );
}

#[test]
fn l_offre() {
    let communes = communes_connues();
    essayer(
        "lire_offre",
        (octets(OFFRE), any::<bool>()),
        |(o, sauter)| {
            let options = Options {
                sauter_lignes_fautives: sauter,
            };
            verifier(lire_offre(
                o.as_slice(),
                "offre.csv",
                &communes,
                Conversion::CONSULTATIONS,
                options,
            ))
        },
    );
}

#[test]
fn les_trajets() {
    let communes = communes_connues();
    essayer(
        "lire_trajets",
        (octets(TRAJETS), any::<bool>(), 0.0..120.0f64),
        |(o, sauter, portee)| {
            let options = Options {
                sauter_lignes_fautives: sauter,
            };
            verifier(lire_trajets(
                o.as_slice(),
                "trajets.csv",
                &communes,
                portee,
                options,
            ))
        },
    );
}

#[test]
fn l_extrait_rpps() {
    let communes = communes_connues();
    essayer("lire_rpps", (octets(RPPS), any::<bool>()), |(o, sauter)| {
        let options = Options {
            sauter_lignes_fautives: sauter,
        };
        verifier(lire_rpps(o.as_slice(), "rpps.txt", &communes, options))
    });
}

#[test]
fn une_lecture_qui_echoue_est_dite_en_francais() {
    essayer(
        "lecture défaillante",
        (octets(COMMUNES), 0usize..600),
        |(octets, reste)| {
            let lecteur = Defaillant {
                octets,
                position: 0,
                reste,
            };
            verifier(lire_communes(lecteur, "communes.csv", Options::default()))
        },
    );
}
