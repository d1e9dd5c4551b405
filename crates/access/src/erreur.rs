//! The engine's errors. A fault in an input file names its line and column; a parameter out of
//! range names itself. Messages are French: they reach coordinators as they are.

use std::fmt;

use thiserror::Error;

/// A column of an input file: its position (from 1) and its name in the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Colonne {
    pub numero: usize,
    pub nom: String,
}

/// What is wrong with one line of an input file (the header is line 1), and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Faute {
    pub ligne: u64,
    /// `None` when the whole line is at fault (wrong number of fields, missing header column).
    pub colonne: Option<Colonne>,
    pub motif: String,
}

impl Faute {
    /// A fault in one field.
    pub fn champ(ligne: u64, colonne: &Colonne, motif: impl Into<String>) -> Self {
        Faute {
            ligne,
            colonne: Some(colonne.clone()),
            motif: motif.into(),
        }
    }

    /// A fault of the whole line.
    pub fn ligne(ligne: u64, motif: impl Into<String>) -> Self {
        Faute {
            ligne,
            colonne: None,
            motif: motif.into(),
        }
    }
}

impl fmt::Display for Faute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.colonne {
            Some(colonne) => write!(
                f,
                "ligne {}, colonne {} « {} » : {}",
                self.ligne, colonne.numero, colonne.nom, self.motif
            ),
            None => write!(f, "ligne {} : {}", self.ligne, self.motif),
        }
    }
}

/// An input file that cannot be loaded.
#[derive(Debug, Error)]
pub enum ErreurChargement {
    #[error("{fichier}, {faute}")]
    Faute { fichier: String, faute: Faute },
    /// The file cannot be read; the system's reason is told in French (`cause` keeps it).
    #[error("{fichier} : lecture impossible ({})", motif_io(.cause))]
    Lecture {
        fichier: String,
        cause: std::io::Error,
    },
}

/// Why a file cannot be read, in French (the system's message is English).
fn motif_io(cause: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let motif = match cause.kind() {
        ErrorKind::NotFound => "fichier introuvable",
        ErrorKind::PermissionDenied => "accès refusé",
        ErrorKind::IsADirectory => "c'est un dossier, pas un fichier",
        ErrorKind::InvalidData => "contenu illisible",
        ErrorKind::UnexpectedEof => "fichier tronqué",
        ErrorKind::OutOfMemory => "mémoire insuffisante",
        _ => "erreur d'entrée-sortie",
    };
    match cause.raw_os_error() {
        Some(code) => format!("{motif}, code système {code}"),
        None => motif.to_owned(),
    }
}

/// A parameter of the computation outside its domain (a negative speed, steps out of order…).
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{parametre} : {raison}")]
pub struct ErreurParametre {
    pub parametre: &'static str,
    pub raison: String,
}

impl ErreurParametre {
    pub(crate) fn new(parametre: &'static str, raison: impl Into<String>) -> Self {
        ErreurParametre {
            parametre,
            raison: raison.into(),
        }
    }
}

/// Checks that `valeur` is a finite number, strictly positive when `strict`, else at least 0.
pub(crate) fn positif(
    parametre: &'static str,
    valeur: f64,
    strict: bool,
) -> Result<f64, ErreurParametre> {
    let valide = valeur.is_finite() && if strict { valeur > 0.0 } else { valeur >= 0.0 };
    if valide {
        Ok(valeur)
    } else if strict {
        Err(ErreurParametre::new(
            parametre,
            format!("{valeur} n'est pas un nombre strictement positif"),
        ))
    } else {
        Err(ErreurParametre::new(
            parametre,
            format!("{valeur} n'est pas un nombre positif ou nul"),
        ))
    }
}
