//! Sheets (`pilote_store::export::Feuille`) answered as a file to download: an XLSX or ODS
//! workbook, or one sheet as CSV, asked for by `?feuille=` and checked before anything is
//! read, with a French message naming the sheets there are.

use axum::response::Response;
use pilote_store::export::{self, Feuille};

use super::document::{TYPE_XLSX, fichier};
use super::erreur::AppError;

/// The formats a set of sheets is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Ods,
    Csv,
}

impl Format {
    pub const TOUS: [Format; 3] = [Format::Xlsx, Format::Ods, Format::Csv];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Ods => "ods",
            Format::Csv => "csv",
        }
    }

    /// The sheet a file of this format holds alone: for a CSV, `feuille` checked by
    /// [`feuille_demandee`]; none for a workbook, which holds them all.
    pub fn feuille<'a>(
        self,
        feuille: Option<&'a str>,
        codes: &[&str],
        exemple: &str,
    ) -> Result<Option<&'a str>, AppError> {
        match self {
            Format::Csv => feuille_demandee(feuille, codes, exemple).map(Some),
            Format::Xlsx | Format::Ods => Ok(None),
        }
    }

    fn type_mime(self) -> &'static str {
        match self {
            Format::Xlsx => TYPE_XLSX,
            Format::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// The sheet a CSV asks for (`feuille`, from `?feuille=`), one of `codes`: checked before
/// anything is read; a missing one is asked for with `exemple`.
fn feuille_demandee<'a>(
    feuille: Option<&'a str>,
    codes: &[&str],
    exemple: &str,
) -> Result<&'a str, AppError> {
    let possibles = || codes.join(", ");
    let Some(code) = feuille.map(str::trim).filter(|c| !c.is_empty()) else {
        return Err(AppError::BadRequest(format!(
            "Un fichier CSV contient une seule feuille : indiquez laquelle, par exemple \
             feuille={exemple} (feuilles possibles : {}).",
            possibles()
        )));
    };
    if codes.contains(&code) {
        Ok(code)
    } else {
        Err(AppError::BadRequest(format!(
            "Aucune feuille « {code} » : feuilles possibles : {}.",
            possibles()
        )))
    }
}

/// `feuilles` in `format`, as file `nom` (without its extension); a CSV holds sheet `code`
/// alone (see [`feuille_demandee`]), refused when `feuilles` lacks it (the reader may not
/// read it).
pub fn ecrire(
    feuilles: Vec<Feuille>,
    format: Format,
    code: Option<&str>,
    nom: &str,
) -> Result<Response, AppError> {
    let type_mime = format.type_mime();
    let extension = format.extension();
    match format {
        Format::Xlsx => fichier(
            &format!("{nom}.{extension}"),
            type_mime,
            export::xlsx::classeur(&feuilles),
        ),
        Format::Ods => fichier(
            &format!("{nom}.{extension}"),
            type_mime,
            export::ods::classeur(&feuilles),
        ),
        Format::Csv => {
            let codes: Vec<&str> = feuilles.iter().map(|f| f.code).collect();
            let code = feuille_demandee(code, &codes, "").map_err(|_| {
                AppError::BadRequest(format!(
                    "La feuille « {} » n'est exportée que pour qui lit tout le contrat \
                     (feuilles possibles : {}).",
                    code.unwrap_or_default(),
                    codes.join(", ")
                ))
            })?;
            let feuille = feuilles
                .into_iter()
                .find(|f| f.code == code)
                .expect("une feuille trouvée");
            fichier(
                &format!("{nom}-{}.{extension}", feuille.code),
                type_mime,
                Ok::<_, std::convert::Infallible>(export::csv::fichier(&feuille)),
            )
        }
    }
}
