//! Loaders (*chargement*) of the input files: communes, supply, origin–destination times (CSV)
//! and general practitioners from the RPPS public extract (pipe-separated text).
//!
//! A bad line stops the load with an error naming the file, the line (the header is line 1)
//! and the column: nothing is computed on partial input. With
//! [`Options::sauter_lignes_fautives`], bad lines are set aside instead and returned in
//! [`Charge::lignes_sautees`], so that the caller reports them. A line is taken whole or not
//! at all. CSV files may use commas or semicolons (found from the header), a decimal point or
//! comma; extra columns are ignored.
//!
//! [`Fichier`] and the field readers ([`texte`], [`nombre`]) are public so that other loaders
//! of Pilote (the reference data the administrator loads) name their faults the same way.

mod communes;
mod offre;
mod rpps;
mod trajets;

use std::io::{BufRead, BufReader, Read};

use csv::ByteRecord;

use crate::erreur::{Colonne, ErreurChargement, Faute};

pub use communes::lire_communes;
pub use offre::lire_offre;
pub use rpps::{Recensement, lire_rpps};
pub use trajets::lire_trajets;

/// How strict a load is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Set bad lines aside (and report them) instead of refusing the file.
    pub sauter_lignes_fautives: bool,
}

/// What a load produced, and the lines it set aside.
#[derive(Debug, Clone)]
pub struct Charge<T> {
    pub donnees: T,
    pub lignes_sautees: Vec<Faute>,
}

/// An input file being read, its header known.
pub struct Fichier<R: Read> {
    nom: String,
    lecteur: csv::Reader<BufReader<R>>,
    en_tete: Vec<String>,
    options: Options,
}

impl<R: Read> Fichier<R> {
    /// A CSV file: comma-separated, or semicolon-separated when its first line has more
    /// semicolons than commas (a spreadsheet saved in French).
    pub fn csv(lecteur: R, nom: &str, options: Options) -> Result<Self, ErreurChargement> {
        let mut lecteur = BufReader::new(lecteur);
        let debut = lecteur
            .fill_buf()
            .map_err(|cause| ErreurChargement::Lecture {
                fichier: nom.to_owned(),
                cause,
            })?;
        let premiere_ligne = debut.split(|&b| b == b'\n').next().unwrap_or_default();
        let compter = |separateur| premiere_ligne.iter().filter(|&&b| b == separateur).count();
        let separateur = if compter(b';') > compter(b',') {
            b';'
        } else {
            b','
        };
        Fichier::ouvrir(
            csv::ReaderBuilder::new()
                .delimiter(separateur)
                .from_reader(lecteur),
            nom,
            options,
        )
    }

    /// A pipe-separated text without quoting (the RPPS extracts).
    fn barres(lecteur: R, nom: &str, options: Options) -> Result<Self, ErreurChargement> {
        Fichier::ouvrir(
            csv::ReaderBuilder::new()
                .delimiter(b'|')
                .quoting(false)
                .from_reader(BufReader::new(lecteur)),
            nom,
            options,
        )
    }

    fn ouvrir(
        mut lecteur: csv::Reader<BufReader<R>>,
        nom: &str,
        options: Options,
    ) -> Result<Self, ErreurChargement> {
        let en_tete = lecteur
            .byte_headers()
            .map_err(|e| erreur_csv(e, nom))?
            .iter()
            .map(|champ| String::from_utf8_lossy(champ.trim_ascii()).into_owned())
            .collect();
        Ok(Fichier {
            nom: nom.to_owned(),
            lecteur,
            en_tete,
            options,
        })
    }

    /// The column named `nom` (exactly, after trimming).
    pub fn colonne_optionnelle(&self, nom: &str) -> Option<Colonne> {
        self.en_tete.iter().position(|c| c == nom).map(|i| Colonne {
            numero: i + 1,
            nom: nom.to_owned(),
        })
    }

    /// The column named `nom`, required.
    pub fn colonne(&self, nom: &str) -> Result<Colonne, ErreurChargement> {
        self.colonne_optionnelle(nom)
            .ok_or_else(|| self.faute_en_tete(format!("colonne « {nom} » absente")))
    }

    /// A fault of the header (line 1), with the columns found.
    pub fn faute_en_tete(&self, motif: String) -> ErreurChargement {
        ErreurChargement::Faute {
            fichier: self.nom.clone(),
            faute: Faute::ligne(
                1,
                format!("{motif} ; colonnes trouvées : {}", self.en_tete.join(", ")),
            ),
        }
    }

    /// Hands every data line to `traiter`, which checks it whole before taking it. A bad line
    /// stops the load, or is set aside when the options say so.
    pub fn parcourir(
        mut self,
        mut traiter: impl FnMut(&ByteRecord, u64) -> Result<(), Faute>,
    ) -> Result<Vec<Faute>, ErreurChargement> {
        let mut enregistrement = ByteRecord::new();
        let mut sautees = Vec::new();
        loop {
            let faute = match self.lecteur.read_byte_record(&mut enregistrement) {
                Ok(false) => return Ok(sautees),
                Ok(true) => {
                    let ligne = enregistrement.position().map_or(0, |p| p.line());
                    match traiter(&enregistrement, ligne) {
                        Ok(()) => continue,
                        Err(faute) => faute,
                    }
                }
                Err(erreur) => match erreur.kind() {
                    csv::ErrorKind::UnequalLengths {
                        pos,
                        expected_len,
                        len,
                    } => Faute::ligne(
                        pos.as_ref().map_or(0, |p| p.line()),
                        format!("la ligne compte {len} champ(s), l'en-tête {expected_len}"),
                    ),
                    _ => return Err(erreur_csv(erreur, &self.nom)),
                },
            };
            if !self.options.sauter_lignes_fautives {
                return Err(ErreurChargement::Faute {
                    fichier: self.nom,
                    faute,
                });
            }
            sautees.push(faute);
        }
    }
}

/// A CSV error that is not about one line: the file cannot be read. The CSV reader's own
/// English is kept out of the message (its kinds other than a failed read cannot occur on
/// records read as bytes).
fn erreur_csv(erreur: csv::Error, nom: &str) -> ErreurChargement {
    let texte = erreur.to_string();
    ErreurChargement::Lecture {
        fichier: nom.to_owned(),
        cause: match erreur.into_kind() {
            csv::ErrorKind::Io(cause) => cause,
            _ => std::io::Error::new(std::io::ErrorKind::InvalidData, texte),
        },
    }
}

/// The bytes of a field, without the spaces around (trimmed here rather than by the CSV
/// reader, whose trimming copies every record).
fn octets<'e>(enregistrement: &'e ByteRecord, colonne: &Colonne) -> &'e [u8] {
    enregistrement
        .get(colonne.numero - 1)
        .unwrap_or_default()
        .trim_ascii()
}

/// The text of a field, which must be UTF-8.
pub fn texte<'e>(
    enregistrement: &'e ByteRecord,
    colonne: &Colonne,
    ligne: u64,
) -> Result<&'e str, Faute> {
    std::str::from_utf8(octets(enregistrement, colonne)).map_err(|_| {
        Faute::champ(
            ligne,
            colonne,
            "texte illisible (le fichier doit être en UTF-8)",
        )
    })
}

/// A number, with a decimal point or comma.
pub fn nombre(enregistrement: &ByteRecord, colonne: &Colonne, ligne: u64) -> Result<f64, Faute> {
    let texte = texte(enregistrement, colonne, ligne)?;
    let lu = match texte.parse::<f64>() {
        Ok(valeur) => Some(valeur),
        Err(_) => texte.replace(',', ".").parse().ok(),
    };
    match lu {
        Some(valeur) if valeur.is_finite() => Ok(valeur),
        _ if texte.is_empty() => Err(Faute::champ(ligne, colonne, "valeur manquante")),
        _ => Err(Faute::champ(
            ligne,
            colonne,
            format!("« {texte} » n'est pas un nombre"),
        )),
    }
}

/// A commune code of a field, that must be in `communes`.
fn commune(
    enregistrement: &ByteRecord,
    colonne: &Colonne,
    ligne: u64,
    communes: &crate::commune::Communes,
) -> Result<usize, Faute> {
    let code = texte(enregistrement, colonne, ligne)?;
    communes.indice(code).ok_or_else(|| {
        Faute::champ(
            ligne,
            colonne,
            format!("commune « {code} » absente du fichier des communes"),
        )
    })
}
