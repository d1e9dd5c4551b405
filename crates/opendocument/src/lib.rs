//! OpenDocument packages as Pilote writes them (spreadsheets of the exports, texts of the
//! reports): a zip whose first entry is its media type, uncompressed, then its manifest
//! listing every file, then the files; and XML text made safe.

use std::fmt::Write as _;
use std::io::{Cursor, Write};

use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};

pub use zip::result::ZipError;

/// The namespaces the documents' XML uses.
pub const ESPACES: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0""#;

/// Text made safe in XML (content and attribute values), its line breaks as OpenDocument
/// writes them.
pub fn echapper(texte: &str) -> String {
    let mut sortie = String::with_capacity(texte.len());
    for c in texte.chars() {
        match c {
            '&' => sortie.push_str("&amp;"),
            '<' => sortie.push_str("&lt;"),
            '>' => sortie.push_str("&gt;"),
            '"' => sortie.push_str("&quot;"),
            '\n' => sortie.push_str("<text:line-break/>"),
            '\r' => {}
            c => sortie.push(c),
        }
    }
    sortie
}

/// One file of a package: its path, its media type, its bytes.
pub struct Fichier {
    pub chemin: String,
    pub type_mime: &'static str,
    pub octets: Vec<u8>,
}

/// A package of media type `type_mime` (`application/vnd.oasis.opendocument.text`…) holding
/// `fichiers`, with its manifest.
pub fn paquet(type_mime: &str, fichiers: Vec<Fichier>) -> Result<Vec<u8>, ZipError> {
    let mut manifeste = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.3\"><manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.3\" manifest:media-type=\"{type_mime}\"/>"
    );
    for f in &fichiers {
        let _ = write!(
            manifeste,
            "<manifest:file-entry manifest:full-path=\"{}\" manifest:media-type=\"{}\"/>",
            echapper(&f.chemin),
            f.type_mime
        );
    }
    manifeste.push_str("</manifest:manifest>");
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file(
        "mimetype",
        SimpleFileOptions::default().compression_method(CompressionMethod::Stored),
    )?;
    zip.write_all(type_mime.as_bytes())?;
    let compresse = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    zip.start_file("META-INF/manifest.xml", compresse)?;
    zip.write_all(manifeste.as_bytes())?;
    for f in fichiers {
        zip.start_file(f.chemin, compresse)?;
        zip.write_all(&f.octets)?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn le_type_vient_d_abord_sans_compression_puis_le_manifeste() {
        let octets = paquet(
            "application/vnd.oasis.opendocument.text",
            vec![Fichier {
                chemin: "content.xml".to_owned(),
                type_mime: "text/xml",
                octets: b"<x/>".to_vec(),
            }],
        )
        .unwrap();
        // A local file header, then the name « mimetype » at offset 30, its bytes stored.
        assert_eq!(&octets[30..38], b"mimetype");
        assert_eq!(&octets[38..77], b"application/vnd.oasis.opendocument.text");
        let mut archive = zip::ZipArchive::new(Cursor::new(octets)).unwrap();
        let mut manifeste = String::new();
        std::io::Read::read_to_string(
            &mut archive.by_name("META-INF/manifest.xml").unwrap(),
            &mut manifeste,
        )
        .unwrap();
        assert!(manifeste.contains("manifest:full-path=\"content.xml\""));
        assert_eq!(
            echapper("a<b & \"c\"\n"),
            "a&lt;b &amp; &quot;c&quot;<text:line-break/>"
        );
    }
}
