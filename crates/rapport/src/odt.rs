//! A report as an OpenDocument text (ODT 1.3), for those who must edit it further in
//! LibreOffice or Word: its headings as headings (the outline and the table of contents
//! follow them), paragraphs, lists, tables with their header line, and its charts as SVG
//! pictures with their text alternative.

use std::fmt::Write as _;

use pilote_opendocument::{ESPACES, Fichier, ZipError, echapper, paquet};

use crate::document::{Bloc, Document, Tableau};

const STYLES: &str = r##"<office:styles>
<style:default-style style:family="paragraph"><style:paragraph-properties fo:margin-bottom="0.2cm"/><style:text-properties style:font-name="Liberation Serif" fo:font-family="'Liberation Serif'" fo:font-size="11pt" fo:language="fr" fo:country="FR"/></style:default-style>
<style:style style:name="Standard" style:family="paragraph" style:class="text"/>
<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard" style:class="text"><style:paragraph-properties fo:text-align="justify"/></style:style>
<style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Text_20_body" style:class="text"><style:paragraph-properties fo:margin-top="0.5cm" fo:margin-bottom="0.25cm" fo:keep-with-next="always"/><style:text-properties fo:color="#000091" fo:font-weight="bold"/></style:style>
<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="1" style:class="text"><style:paragraph-properties fo:break-before="page"/><style:text-properties fo:font-size="18pt"/></style:style>
<style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="2" style:class="text"><style:text-properties fo:font-size="14pt"/></style:style>
<style:style style:name="Heading_20_3" style:display-name="Heading 3" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="3" style:class="text"><style:text-properties fo:font-size="12pt"/></style:style>
<style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard" style:class="chapter"><style:paragraph-properties fo:margin-top="4cm"/><style:text-properties fo:color="#000091" fo:font-size="28pt" fo:font-weight="bold"/></style:style>
<style:style style:name="Subtitle" style:family="paragraph" style:parent-style-name="Standard" style:class="chapter"><style:text-properties fo:font-size="16pt"/></style:style>
<style:style style:name="Caption" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:text-properties fo:font-size="9pt" fo:font-style="italic"/></style:style>
<style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:text-properties fo:font-weight="bold" fo:font-size="9pt"/></style:style>
<style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:text-properties fo:font-size="9pt"/></style:style>
</office:styles>"##;

const AUTOMATIQUES: &str = r##"<office:automatic-styles>
<style:style style:name="Tableau" style:family="table"><style:table-properties style:width="17cm" table:align="margins" fo:margin-bottom="0.2cm"/></style:style>
<style:style style:name="CelluleEntete" style:family="table-cell"><style:table-cell-properties fo:padding="0.08cm" fo:border-bottom="1pt solid #000091"/></style:style>
<style:style style:name="Cellule" style:family="table-cell"><style:table-cell-properties fo:padding="0.08cm" fo:border-bottom="0.5pt solid #cdcdcd"/></style:style>
<style:style style:name="Nombre" style:family="paragraph" style:parent-style-name="Table_20_Contents"><style:paragraph-properties fo:text-align="end"/></style:style>
<style:style style:name="Cadre" style:family="graphic"><style:graphic-properties style:wrap="none" style:vertical-pos="top" style:horizontal-pos="center" style:horizontal-rel="paragraph"/></style:style>
<style:style style:name="Saut" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:break-before="page"/></style:style>
</office:automatic-styles>"##;

fn tableau(xml: &mut String, t: &Tableau) {
    let colonnes = t.entetes.len().max(1);
    let _ = write!(
        xml,
        "<table:table table:style-name=\"Tableau\"><table:table-column table:number-columns-repeated=\"{colonnes}\"/><table:table-header-rows><table:table-row>"
    );
    for e in &t.entetes {
        let _ = write!(
            xml,
            "<table:table-cell table:style-name=\"CelluleEntete\" office:value-type=\"string\"><text:p text:style-name=\"Table_20_Heading\">{}</text:p></table:table-cell>",
            echapper(e)
        );
    }
    xml.push_str("</table:table-row></table:table-header-rows>");
    for ligne in &t.lignes {
        xml.push_str("<table:table-row>");
        for i in 0..colonnes {
            let style = if t.nombres.get(i).copied().unwrap_or(false) {
                "Nombre"
            } else {
                "Table_20_Contents"
            };
            let _ = write!(
                xml,
                "<table:table-cell table:style-name=\"Cellule\" office:value-type=\"string\"><text:p text:style-name=\"{style}\">{}</text:p></table:table-cell>",
                echapper(ligne.get(i).map_or("", String::as_str))
            );
        }
        xml.push_str("</table:table-row>");
    }
    let _ = write!(
        xml,
        "</table:table><text:p text:style-name=\"Caption\">{}</text:p>",
        echapper(&t.legende)
    );
}

/// The text of `document`, and its charts (file name, SVG).
fn contenu(document: &Document) -> (String, Vec<(String, Vec<u8>)>) {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content {ESPACES} office:version=\"1.3\">{AUTOMATIQUES}<office:body><office:text>"
    );
    let _ = write!(
        xml,
        "<text:p text:style-name=\"Subtitle\">Contrat local de santé</text:p><text:p text:style-name=\"Title\">{}</text:p><text:p text:style-name=\"Subtitle\">{}</text:p>",
        echapper(&document.titre),
        echapper(&document.contrat)
    );
    for m in &document.mentions {
        let _ = write!(xml, "<text:p>{}</text:p>", echapper(m));
    }
    let mut images = Vec::new();
    for bloc in &document.blocs {
        match bloc {
            Bloc::Titre { niveau, texte } => {
                let _ = write!(
                    xml,
                    "<text:h text:style-name=\"Heading_20_{niveau}\" text:outline-level=\"{niveau}\">{}</text:h>",
                    echapper(texte)
                );
            }
            Bloc::Paragraphe(texte) => {
                for p in texte.split("\n\n").filter(|p| !p.trim().is_empty()) {
                    let _ = write!(
                        xml,
                        "<text:p text:style-name=\"Text_20_body\">{}</text:p>",
                        echapper(p.trim())
                    );
                }
            }
            Bloc::Liste(items) => {
                xml.push_str("<text:list>");
                for item in items {
                    let _ = write!(
                        xml,
                        "<text:list-item><text:p>{}</text:p></text:list-item>",
                        echapper(item)
                    );
                }
                xml.push_str("</text:list>");
            }
            Bloc::Chiffres(chiffres) => {
                let t = Tableau {
                    legende: "Chiffres clés".to_owned(),
                    entetes: vec!["Chiffre".to_owned(), "Ce qu'il compte".to_owned()],
                    lignes: chiffres
                        .iter()
                        .map(|(v, l)| vec![v.clone(), l.clone()])
                        .collect(),
                    nombres: vec![true, false],
                };
                tableau(&mut xml, &t);
            }
            Bloc::Tableau(t) => tableau(&mut xml, t),
            Bloc::Figure { svg, alt, legende } => {
                let nom = format!("Pictures/graphique-{}.svg", images.len() + 1);
                let _ = write!(
                    xml,
                    "<text:p text:style-name=\"Standard\"><draw:frame draw:style-name=\"Cadre\" text:anchor-type=\"as-char\" svg:width=\"14cm\" svg:height=\"{:.2}cm\"><draw:image xlink:href=\"{nom}\" xlink:type=\"simple\" xlink:show=\"embed\" xlink:actuate=\"onLoad\"/><svg:title>{}</svg:title><svg:desc>{}</svg:desc></draw:frame></text:p><text:p text:style-name=\"Caption\">{}</text:p>",
                    14.0 * hauteur_relative(svg),
                    echapper(legende),
                    echapper(alt),
                    echapper(legende)
                );
                images.push((nom, svg.clone().into_bytes()));
            }
        }
    }
    xml.push_str("</office:text></office:body></office:document-content>");
    (xml, images)
}

/// The height of an SVG chart over its width, from its `viewBox`.
fn hauteur_relative(svg: &str) -> f64 {
    let vue = svg
        .split("viewBox=\"")
        .nth(1)
        .and_then(|reste| reste.split('"').next())
        .unwrap_or("0 0 4 3");
    let nombres: Vec<f64> = vue.split(' ').filter_map(|n| n.parse().ok()).collect();
    match nombres[..] {
        [_, _, l, h] if l > 0.0 => h / l,
        _ => 0.75,
    }
}

/// `document` as an ODT file.
pub fn odt(document: &Document) -> Result<Vec<u8>, ZipError> {
    let (texte, images) = contenu(document);
    let styles = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-styles {ESPACES} office:version=\"1.3\">{STYLES}</office:document-styles>"
    );
    let meta = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-meta {ESPACES} office:version=\"1.3\"><office:meta><dc:title>{}</dc:title><dc:language>fr-FR</dc:language><meta:generator>Pilote</meta:generator></office:meta></office:document-meta>",
        echapper(&document.titre_complet())
    );
    let xml = |chemin: &str, texte: String| Fichier {
        chemin: chemin.to_owned(),
        type_mime: "text/xml",
        octets: texte.into_bytes(),
    };
    let mut fichiers = vec![
        xml("content.xml", texte),
        xml("styles.xml", styles),
        xml("meta.xml", meta),
    ];
    fichiers.extend(images.into_iter().map(|(chemin, octets)| Fichier {
        chemin,
        type_mime: "image/svg+xml",
        octets,
    }));
    paquet("application/vnd.oasis.opendocument.text", fichiers)
}
