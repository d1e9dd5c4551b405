//! Answers compressed once and served many times. What is the same for everyone (the public's
//! answers kept in memory, the vendored assets) is compressed the first time a browser asks for
//! an encoding, then served as is; everything else is compressed on the way out by
//! tower-http's layer, which leaves alone an answer that already has its `Content-Encoding`.

use std::io::Write;
use std::sync::OnceLock;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};

/// The encodings Pilote answers in, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codage {
    Brotli,
    Gzip,
    Identite,
}

impl Codage {
    /// The encoding the browser prefers among those Pilote offers, from its `Accept-Encoding`
    /// (weights honoured, `q=0` refusing an encoding; equal weights favour brotli).
    pub fn negocier(entetes: &HeaderMap) -> Self {
        let mut meilleur = (Self::Identite, 0.0_f32);
        for valeur in entetes.get_all(header::ACCEPT_ENCODING) {
            let Ok(valeur) = valeur.to_str() else {
                continue;
            };
            for element in valeur.split(',') {
                let mut parties = element.split(';');
                let nom = parties.next().unwrap_or_default().trim();
                let poids = parties
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                let codage = match nom.to_ascii_lowercase().as_str() {
                    "br" => Self::Brotli,
                    "gzip" | "x-gzip" => Self::Gzip,
                    _ => continue,
                };
                let prefere = poids > meilleur.1
                    || (poids == meilleur.1 && poids > 0.0 && codage == Self::Brotli);
                if poids > 0.0 && prefere {
                    meilleur = (codage, poids);
                }
            }
        }
        meilleur.0
    }

    /// The value of `Content-Encoding`, none for the identity.
    fn entete(self) -> Option<HeaderValue> {
        match self {
            Self::Brotli => Some(HeaderValue::from_static("br")),
            Self::Gzip => Some(HeaderValue::from_static("gzip")),
            Self::Identite => None,
        }
    }
}

/// Whether an answer of this type gains from compression: text, JSON, CSS, JavaScript, SVG.
pub fn compressible(type_mime: &str) -> bool {
    type_mime.starts_with("text/")
        || type_mime.starts_with("application/json")
        || type_mime.starts_with("application/javascript")
        || type_mime.starts_with("image/svg+xml")
}

/// A body with its compressed forms, each made at most once.
#[derive(Debug)]
pub struct Compresse {
    brut: Bytes,
    compressible: bool,
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
}

impl Compresse {
    pub fn new(brut: Bytes, type_mime: &str) -> Self {
        Self {
            compressible: compressible(type_mime) && brut.len() > 256,
            brut,
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
        }
    }

    /// The body as it is.
    pub fn brut(&self) -> &Bytes {
        &self.brut
    }

    /// The body in `codage` (or as it is if it does not gain from compression), with the
    /// `Content-Encoding` to send.
    pub fn en(&self, codage: Codage) -> (Bytes, Option<HeaderValue>) {
        let codage = if self.compressible {
            codage
        } else {
            Codage::Identite
        };
        let corps = match codage {
            Codage::Identite => self.brut.clone(),
            Codage::Gzip => self.gzip.get_or_init(|| gzip(&self.brut)).clone(),
            Codage::Brotli => self.brotli.get_or_init(|| brotli(&self.brut)).clone(),
        };
        (corps, codage.entete())
    }

    /// What it takes in memory.
    pub fn taille(&self) -> usize {
        self.brut.len()
            + self.gzip.get().map_or(0, Bytes::len)
            + self.brotli.get().map_or(0, Bytes::len)
    }
}

fn gzip(brut: &[u8]) -> Bytes {
    let mut encodeur = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    // Writing to a Vec cannot fail.
    let _ = encodeur.write_all(brut);
    Bytes::from(encodeur.finish().unwrap_or_default())
}

/// Brotli at quality 6: close to the best ratio on HTML and CSS for a small part of the time
/// quality 11 takes (the body is compressed once, while a browser waits).
fn brotli(brut: &[u8]) -> Bytes {
    let mut sortie = Vec::new();
    let parametres = brotli::enc::BrotliEncoderParams {
        quality: 6,
        ..Default::default()
    };
    let _ = brotli::BrotliCompress(&mut &brut[..], &mut sortie, &parametres);
    Bytes::from(sortie)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepte(valeur: &str) -> Codage {
        let mut entetes = HeaderMap::new();
        entetes.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(valeur).unwrap(),
        );
        Codage::negocier(&entetes)
    }

    #[test]
    fn le_navigateur_choisit_parmi_ce_que_pilote_offre() {
        assert_eq!(accepte("gzip, deflate, br, zstd"), Codage::Brotli);
        assert_eq!(accepte("gzip, deflate"), Codage::Gzip);
        assert_eq!(accepte("br;q=0, gzip"), Codage::Gzip);
        assert_eq!(accepte("br;q=0.5, gzip;q=0.8"), Codage::Gzip);
        assert_eq!(accepte("identity"), Codage::Identite);
        assert_eq!(accepte("gzip;q=0"), Codage::Identite);
        assert_eq!(Codage::negocier(&HeaderMap::new()), Codage::Identite);
    }

    #[test]
    fn les_formes_compressees_se_decompressent_en_l_original() {
        let texte = "<p>Contrat local de santé</p>\n".repeat(200);
        let corps = Compresse::new(Bytes::from(texte.clone()), "text/html; charset=utf-8");
        let (gz, entete) = corps.en(Codage::Gzip);
        assert_eq!(entete.unwrap(), "gzip");
        let mut lu = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut lu).unwrap();
        assert_eq!(lu, texte);
        let (br, entete) = corps.en(Codage::Brotli);
        assert_eq!(entete.unwrap(), "br");
        let mut lu = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut lu).unwrap();
        assert_eq!(lu, texte.as_bytes());
        assert!(br.len() < texte.len() / 10);
        let png = Compresse::new(Bytes::from(vec![0_u8; 4096]), "image/png");
        assert_eq!(png.en(Codage::Brotli).1, None);
    }
}
