//! Sheets written as an XLSX workbook (rust_xlsxwriter): bold headers frozen on screen and
//! repeated on print, a filter on each column, amounts in euros, dates as dates.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::{Case, Feuille, instant};

/// The formats of headers, amounts, days and moments.
struct Formats {
    entete: Format,
    euros: Format,
    jour: Format,
    moment: Format,
}

fn ecrire(
    feuille: &mut Worksheet,
    (l, c): (u32, u16),
    case: &Case,
    f: &Formats,
) -> Result<(), XlsxError> {
    match case {
        Case::Vide => Ok(()),
        Case::Texte(t) => feuille.write_string(l, c, t).map(drop),
        Case::Nombre(n) => feuille.write_number(l, c, *n).map(drop),
        Case::Euros(m) => feuille
            .write_number_with_format(l, c, m.centimes() as f64 / 100.0, &f.euros)
            .map(drop),
        Case::Date(d) => match d.complete() {
            Some((a, m, j)) => {
                let date = ExcelDateTime::from_ymd(a, m, j)?;
                feuille
                    .write_datetime_with_format(l, c, date, &f.jour)
                    .map(drop)
            }
            None => feuille.write_string(l, c, d.en_saisie()).map(drop),
        },
        Case::Instant(s) => match instant(*s) {
            Some(((a, m, j), h, mi)) => {
                let moment = ExcelDateTime::from_ymd(a, m, j)?.and_hms(u16::from(h), mi, 0)?;
                feuille
                    .write_datetime_with_format(l, c, moment, &f.moment)
                    .map(drop)
            }
            None => Ok(()),
        },
    }
}

/// `feuilles` as an XLSX workbook.
pub fn classeur(feuilles: &[Feuille]) -> Result<Vec<u8>, XlsxError> {
    let mut classeur = Workbook::new();
    let formats = Formats {
        entete: Format::new().set_bold(),
        euros: Format::new().set_num_format("#,##0.00 \"€\""),
        jour: Format::new().set_num_format("dd/mm/yyyy"),
        moment: Format::new().set_num_format("dd/mm/yyyy hh:mm"),
    };
    for f in feuilles {
        let feuille = classeur.add_worksheet();
        feuille.set_name(f.nom)?;
        for (c, entete) in (0_u16..).zip(&f.colonnes) {
            feuille.write_string_with_format(0, c, *entete, &formats.entete)?;
            feuille.set_column_width(c, (entete.chars().count() + 6).max(12) as f64)?;
        }
        for (l, ligne) in (1_u32..).zip(&f.lignes) {
            for (c, case) in (0_u16..).zip(ligne) {
                ecrire(feuille, (l, c), case, &formats)?;
            }
        }
        feuille.set_freeze_panes(1, 0)?;
        feuille.set_repeat_rows(0, 0)?;
        let derniere = u16::try_from(f.colonnes.len().saturating_sub(1)).unwrap_or(0);
        feuille.autofilter(0, 0, u32::try_from(f.lignes.len()).unwrap_or(0), derniere)?;
    }
    classeur.save_to_buffer()
}
