//! One sheet written as CSV, as French spreadsheets open it by a double click: UTF-8 with a
//! byte order mark, fields separated by semicolons, decimal commas, dates `JJ/MM/AAAA`.

use super::Feuille;

/// Sheet `feuille` as CSV.
pub fn fichier(feuille: &Feuille) -> Vec<u8> {
    let mut sortie = "\u{feff}".as_bytes().to_vec();
    {
        let mut ecrivain = ::csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(::csv::Terminator::CRLF)
            .from_writer(&mut sortie);
        // Writing to memory fails only on a record of another length: each line has its
        // sheet's columns.
        let _ = ecrivain.write_record(&feuille.colonnes);
        for ligne in &feuille.lignes {
            let _ = ecrivain.write_record(ligne.iter().map(|c| c.en_texte()));
        }
        let _ = ecrivain.flush();
    }
    sortie
}
