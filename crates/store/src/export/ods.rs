//! Sheets written as an OpenDocument spreadsheet (ODS 1.3, as LibreOffice writes them):
//! typed cells (floats, amounts in euros as currency, dates), bold headers frozen on screen
//! (the view settings) and repeated on print (header rows), a filter on each sheet's columns
//! (a database range per sheet).

use std::fmt::Write as _;

use pilote_opendocument::{ESPACES, Fichier, ZipError, echapper, paquet};

use super::{Case, Feuille, instant};
use crate::import::tableur::lettre;

const STYLES: &str = r#"<office:automatic-styles>
<number:currency-style style:name="N_EUR"><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1" number:grouping="true"/><number:text> </number:text><number:currency-symbol number:language="fr" number:country="FR">€</number:currency-symbol></number:currency-style>
<number:date-style style:name="N_JOUR"><number:day number:style="long"/><number:text>/</number:text><number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/></number:date-style>
<number:date-style style:name="N_MOMENT"><number:day number:style="long"/><number:text>/</number:text><number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/><number:text> </number:text><number:hours number:style="long"/><number:text>:</number:text><number:minutes number:style="long"/></number:date-style>
<style:style style:name="co" style:family="table-column"><style:table-column-properties style:column-width="3.6cm"/></style:style>
<style:style style:name="entete" style:family="table-cell"><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="euros" style:family="table-cell" style:data-style-name="N_EUR"/>
<style:style style:name="jour" style:family="table-cell" style:data-style-name="N_JOUR"/>
<style:style style:name="moment" style:family="table-cell" style:data-style-name="N_MOMENT"/>
</office:automatic-styles>"#;

fn cellule(xml: &mut String, case: &Case) {
    let texte = echapper(&case.en_texte());
    let _ = match case {
        Case::Vide => write!(xml, "<table:table-cell/>"),
        Case::Texte(_) => write!(
            xml,
            "<table:table-cell office:value-type=\"string\"><text:p>{texte}</text:p></table:table-cell>"
        ),
        Case::Nombre(n) => write!(
            xml,
            "<table:table-cell office:value-type=\"float\" office:value=\"{n}\"><text:p>{texte}</text:p></table:table-cell>"
        ),
        Case::Euros(m) => {
            let c = m.centimes();
            write!(
                xml,
                "<table:table-cell table:style-name=\"euros\" office:value-type=\"currency\" office:currency=\"EUR\" office:value=\"{}.{:02}\"><text:p>{} €</text:p></table:table-cell>",
                c / 100,
                c % 100,
                texte
            )
        }
        Case::Date(d) => match d.complete() {
            Some((a, m, j)) => write!(
                xml,
                "<table:table-cell table:style-name=\"jour\" office:value-type=\"date\" office:date-value=\"{a:04}-{m:02}-{j:02}\"><text:p>{texte}</text:p></table:table-cell>"
            ),
            None => write!(
                xml,
                "<table:table-cell office:value-type=\"string\"><text:p>{texte}</text:p></table:table-cell>"
            ),
        },
        Case::Instant(s) => match instant(*s) {
            Some(((a, m, j), h, mi)) => write!(
                xml,
                "<table:table-cell table:style-name=\"moment\" office:value-type=\"date\" office:date-value=\"{a:04}-{m:02}-{j:02}T{h:02}:{mi:02}:00\"><text:p>{texte}</text:p></table:table-cell>"
            ),
            None => write!(xml, "<table:table-cell/>"),
        },
    };
}

fn contenu(feuilles: &[Feuille]) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content {ESPACES} office:version=\"1.3\">{STYLES}<office:body><office:spreadsheet>"
    );
    let mut plages = String::new();
    for (n, f) in feuilles.iter().enumerate() {
        let _ = write!(
            xml,
            "<table:table table:name=\"{}\"><table:table-column table:style-name=\"co\" table:number-columns-repeated=\"{}\"/><table:table-header-rows><table:table-row>",
            echapper(f.nom),
            f.colonnes.len().max(1)
        );
        for c in &f.colonnes {
            let _ = write!(
                xml,
                "<table:table-cell table:style-name=\"entete\" office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>",
                echapper(c)
            );
        }
        xml.push_str("</table:table-row></table:table-header-rows>");
        for ligne in &f.lignes {
            xml.push_str("<table:table-row>");
            for case in ligne {
                cellule(&mut xml, case);
            }
            xml.push_str("</table:table-row>");
        }
        xml.push_str("</table:table>");
        let nom = format!("'{}'", f.nom.replace('\'', "''"));
        let _ = write!(
            plages,
            "<table:database-range table:name=\"__Anonymous_Sheet_DB__{n}\" table:target-range-address=\"{}.A1:{}.{}{}\" table:display-filter-buttons=\"true\"/>",
            echapper(&nom),
            echapper(&nom),
            lettre(f.colonnes.len().saturating_sub(1)),
            f.lignes.len() + 1
        );
    }
    let _ = write!(
        xml,
        "<table:database-ranges>{plages}</table:database-ranges></office:spreadsheet></office:body></office:document-content>"
    );
    xml
}

/// The view settings: the header line of each sheet frozen.
fn reglages(feuilles: &[Feuille]) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-settings {ESPACES} office:version=\"1.3\"><office:settings><config:config-item-set config:name=\"ooo:view-settings\"><config:config-item-map-indexed config:name=\"Views\"><config:config-item-map-entry><config:config-item config:name=\"ViewId\" config:type=\"string\">view1</config:config-item><config:config-item-map-named config:name=\"Tables\">"
    );
    for f in feuilles {
        let _ = write!(
            xml,
            "<config:config-item-map-entry config:name=\"{}\"><config:config-item config:name=\"VerticalSplitMode\" config:type=\"short\">2</config:config-item><config:config-item config:name=\"VerticalSplitPosition\" config:type=\"int\">1</config:config-item><config:config-item config:name=\"ActiveSplitRange\" config:type=\"short\">2</config:config-item><config:config-item config:name=\"PositionTop\" config:type=\"int\">0</config:config-item><config:config-item config:name=\"PositionBottom\" config:type=\"int\">1</config:config-item></config:config-item-map-entry>",
            echapper(f.nom)
        );
    }
    xml.push_str("</config:config-item-map-named></config:config-item-map-entry></config:config-item-map-indexed></config:config-item-set></office:settings></office:document-settings>");
    xml
}

/// `feuilles` as an ODS document.
pub fn classeur(feuilles: &[Feuille]) -> Result<Vec<u8>, ZipError> {
    paquet(
        "application/vnd.oasis.opendocument.spreadsheet",
        vec![
            Fichier {
                chemin: "content.xml".to_owned(),
                type_mime: "text/xml",
                octets: contenu(feuilles).into_bytes(),
            },
            Fichier {
                chemin: "settings.xml".to_owned(),
                type_mime: "text/xml",
                octets: reglages(feuilles).into_bytes(),
            },
        ],
    )
}
