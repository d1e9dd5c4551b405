//! The archive's text (ADR 0017): JSON Lines, one JSON value a line, UTF-8.
//!
//! ```text
//! {"format":"pilote-sauvegarde","version":1,"pilote":"0.1.0","schema":13,"geographie":"…",…}
//! {"table":"contrat","colonnes":[["id","texte"],["nom","texte"],…],"dernier_identifiant":null}
//! ["caen-2019","Contrat local de santé de Caen",2,…]          one line per row
//! {"document":"contrats/caen-2019/fiches/1.1/…-cr.pdf","octets":48213}
//! "JVBERi0xLjcK…"                          the file in base64, 768 Kio a line
//! {"fin":{"lignes":1234,"documents":1,"sha256":"…"}}
//! ```
//!
//! The last line counts the rows and documents and gives the SHA-256 of every byte before
//! it: an archive cut short or altered is refused before anything it holds is kept.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufWriter};

use super::tables::Genre;
use crate::StoreError;

/// What the first line's `format` says.
pub(crate) const FORMAT: &str = "pilote-sauvegarde";
/// The version of the format this code writes and reads.
pub(crate) const VERSION_FORMAT: u32 = 1;
/// Bytes of a document per line (1 Mio once in base64).
pub(crate) const TRONCON: usize = 768 * 1024;
/// The longest line read: a row's texts, or a document's piece, are far shorter.
const LIGNE_MAX: usize = 64 * 1024 * 1024;

/// The first line: what made the archive, and what it needs to be restored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnTete {
    /// Always `pilote-sauvegarde`.
    pub format: String,
    /// The format's version (1).
    pub version: u32,
    /// The version of Pilote that wrote it.
    pub pilote: String,
    /// The last migration of the database it was taken from.
    pub schema: i64,
    /// The fingerprint of the official geography that database held.
    pub geographie: String,
    /// When it was taken (RFC 3339, UTC).
    pub date: String,
    /// Whether it holds the documents' files.
    pub documents: bool,
}

/// The line that opens a table's rows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SectionTable {
    pub table: String,
    /// Name and genre of each column, in the order of the rows' values.
    pub colonnes: Vec<(String, Genre)>,
    /// The last identifier the table's counter gave, if it has one.
    pub dernier_identifiant: Option<i64>,
}

/// The line that opens a document's pieces.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SectionDocument {
    /// The key it is stored under (the `reference` of its row).
    pub document: String,
    pub octets: u64,
}

/// What the last line says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Fin {
    pub lignes: u64,
    pub documents: u64,
    pub sha256: String,
}

#[derive(Serialize)]
struct LigneFin<'a> {
    fin: &'a Fin,
}

/// A line read after the header.
#[derive(Debug)]
pub(crate) enum Ligne {
    Table(SectionTable),
    Rangee(Vec<serde_json::Value>),
    Document(SectionDocument),
    Troncon(String),
    /// The last line, and the SHA-256 of what came before it as read.
    Fin(Fin, String),
}

fn erreur_ecriture(e: std::io::Error) -> StoreError {
    StoreError::Invalid(format!("écriture de la sauvegarde impossible : {e}"))
}

/// Writes the lines, keeping the SHA-256 of what it wrote.
pub(crate) struct Ecrivain<W: AsyncWrite + Unpin> {
    sortie: BufWriter<W>,
    empreinte: Sha256,
    tampon: Vec<u8>,
}

impl<W: AsyncWrite + Unpin> Ecrivain<W> {
    pub(crate) fn new(sortie: W) -> Self {
        Self {
            sortie: BufWriter::with_capacity(256 * 1024, sortie),
            empreinte: Sha256::new(),
            tampon: Vec::new(),
        }
    }

    /// Writes `valeur` as one line.
    pub(crate) async fn ligne(&mut self, valeur: &impl Serialize) -> Result<(), StoreError> {
        self.tampon.clear();
        serde_json::to_writer(&mut self.tampon, valeur)
            .map_err(|e| StoreError::Invalid(format!("ligne de sauvegarde impossible : {e}")))?;
        self.tampon.push(b'\n');
        self.empreinte.update(&self.tampon);
        self.sortie
            .write_all(&self.tampon)
            .await
            .map_err(erreur_ecriture)
    }

    /// Writes a document: its section, then its bytes in base64, a piece a line.
    pub(crate) async fn document(&mut self, cle: &str, octets: &[u8]) -> Result<(), StoreError> {
        self.ligne(&SectionDocument {
            document: cle.to_owned(),
            octets: octets.len() as u64,
        })
        .await?;
        for troncon in octets.chunks(TRONCON) {
            self.ligne(&STANDARD.encode(troncon)).await?;
        }
        Ok(())
    }

    /// Writes the last line with the SHA-256 of everything before it, and flushes.
    pub(crate) async fn finir(mut self, lignes: u64, documents: u64) -> Result<(), StoreError> {
        let fin = Fin {
            lignes,
            documents,
            sha256: hex(&self.empreinte.clone().finalize()),
        };
        self.ligne(&LigneFin { fin: &fin }).await?;
        self.sortie.flush().await.map_err(erreur_ecriture)?;
        self.sortie.shutdown().await.map_err(erreur_ecriture)
    }
}

fn hex(octets: &[u8]) -> String {
    octets.iter().map(|o| format!("{o:02x}")).collect()
}

/// Reads the lines, keeping their number and the SHA-256 of what it read.
pub(crate) struct Lecteur<R: AsyncBufRead + Unpin> {
    entree: R,
    empreinte: Sha256,
    /// The number of the last line read (from 1).
    pub numero: u64,
    tampon: Vec<u8>,
}

/// An archive that cannot be read at line `numero`.
pub(crate) fn illisible(numero: u64, raison: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!("sauvegarde illisible, ligne {numero} : {raison}"))
}

impl<R: AsyncBufRead + Unpin> Lecteur<R> {
    pub(crate) fn new(entree: R) -> Self {
        Self {
            entree,
            empreinte: Sha256::new(),
            numero: 0,
            tampon: Vec::new(),
        }
    }

    /// The next line's bytes (its end of line included), `false` at the end of the file.
    async fn brute(&mut self) -> Result<bool, StoreError> {
        self.tampon.clear();
        let numero = self.numero + 1;
        loop {
            let disponible = self
                .entree
                .fill_buf()
                .await
                .map_err(|e| illisible(numero, format!("lecture impossible ({e})")))?;
            if disponible.is_empty() {
                break;
            }
            if let Some(i) = disponible.iter().position(|o| *o == b'\n') {
                self.tampon.extend_from_slice(&disponible[..=i]);
                self.entree.consume(i + 1);
                break;
            }
            let n = disponible.len();
            self.tampon.extend_from_slice(disponible);
            self.entree.consume(n);
            if self.tampon.len() > LIGNE_MAX {
                return Err(illisible(numero, "ligne démesurément longue"));
            }
        }
        if self.tampon.is_empty() {
            return Ok(false);
        }
        self.numero = numero;
        if self.tampon.last() != Some(&b'\n') {
            return Err(StoreError::Invalid(format!(
                "sauvegarde tronquée : la ligne {numero} s'arrête avant sa fin ; rien n'a été \
                 restauré"
            )));
        }
        Ok(true)
    }

    /// The first line; refuses a file that is not an archive of this format.
    pub(crate) async fn en_tete(&mut self) -> Result<EnTete, StoreError> {
        let pas_une_sauvegarde = || {
            StoreError::Invalid(
                "ce fichier n'est pas une sauvegarde de Pilote (sa première ligne n'est pas \
                 l'en-tête d'une sauvegarde)"
                    .to_owned(),
            )
        };
        if !self.brute().await.map_err(|_| pas_une_sauvegarde())? {
            return Err(StoreError::Invalid(
                "le fichier est vide : ce n'est pas une sauvegarde de Pilote".to_owned(),
            ));
        }
        self.empreinte.update(&self.tampon);
        let valeur: serde_json::Value =
            serde_json::from_slice(&self.tampon).map_err(|_| pas_une_sauvegarde())?;
        if valeur.get("format").and_then(serde_json::Value::as_str) != Some(FORMAT) {
            return Err(pas_une_sauvegarde());
        }
        let version = valeur.get("version").and_then(serde_json::Value::as_u64);
        if version != Some(u64::from(VERSION_FORMAT)) {
            let version = version.map_or_else(|| "?".to_owned(), |v| v.to_string());
            return Err(StoreError::Invalid(format!(
                "sauvegarde au format {version}, que cette version de Pilote ne lit pas (elle \
                 lit le format {VERSION_FORMAT}) : restaurez-la avec la version de Pilote qui \
                 l'a faite"
            )));
        }
        serde_json::from_value(valeur).map_err(|e| illisible(1, format!("en-tête : {e}")))
    }

    /// The next line after the header; `None` at the end of the file.
    pub(crate) async fn suivante(&mut self) -> Result<Option<Ligne>, StoreError> {
        if !self.brute().await? {
            return Ok(None);
        }
        let numero = self.numero;
        let valeur: serde_json::Value = serde_json::from_slice(&self.tampon).map_err(|e| {
            illisible(
                numero,
                format!("ce n'est pas du JSON ({e}) : le fichier est abîmé"),
            )
        })?;
        fn section<T: serde::de::DeserializeOwned>(
            valeur: serde_json::Value,
            quoi: &str,
            numero: u64,
        ) -> Result<T, StoreError> {
            serde_json::from_value(valeur).map_err(|e| illisible(numero, format!("{quoi} : {e}")))
        }
        let ligne = match valeur {
            serde_json::Value::Array(valeurs) => Ligne::Rangee(valeurs),
            serde_json::Value::String(troncon) => Ligne::Troncon(troncon),
            serde_json::Value::Object(mut champs) => {
                if let Some(fin) = champs.remove("fin") {
                    let calculee = hex(&self.empreinte.clone().finalize());
                    return Ok(Some(Ligne::Fin(section(fin, "fin", numero)?, calculee)));
                } else if champs.contains_key("table") {
                    Ligne::Table(section(champs.into(), "table", numero)?)
                } else if champs.contains_key("document") {
                    Ligne::Document(section(champs.into(), "document", numero)?)
                } else {
                    return Err(illisible(numero, "ligne d'un genre inconnu"));
                }
            }
            _ => return Err(illisible(numero, "ligne d'un genre inconnu")),
        };
        self.empreinte.update(&self.tampon);
        Ok(Some(ligne))
    }
}

/// A document's piece decoded.
pub(crate) fn decoder(numero: u64, troncon: &str) -> Result<Vec<u8>, StoreError> {
    STANDARD
        .decode(troncon)
        .map_err(|e| illisible(numero, format!("morceau de document mal codé ({e})")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en_tete() -> EnTete {
        EnTete {
            format: FORMAT.to_owned(),
            version: VERSION_FORMAT,
            pilote: "0.1.0".to_owned(),
            schema: 13,
            geographie: "abc".to_owned(),
            date: "2025-01-01T00:00:00Z".to_owned(),
            documents: true,
        }
    }

    async fn ecrite() -> Vec<u8> {
        let mut sortie = Vec::new();
        let mut ecrivain = Ecrivain::new(&mut sortie);
        ecrivain.ligne(&en_tete()).await.unwrap();
        ecrivain
            .ligne(&SectionTable {
                table: "note".to_owned(),
                colonnes: vec![("id".to_owned(), Genre::Entier)],
                dernier_identifiant: Some(4),
            })
            .await
            .unwrap();
        ecrivain.ligne(&vec![serde_json::json!(3)]).await.unwrap();
        let octets: Vec<u8> = (0..=255u8).cycle().take(TRONCON + 10).collect();
        ecrivain.document("a/b.pdf", &octets).await.unwrap();
        ecrivain.finir(1, 1).await.unwrap();
        sortie
    }

    async fn lire_tout(octets: &[u8]) -> Result<Vec<Ligne>, StoreError> {
        let mut lecteur = Lecteur::new(octets);
        assert_eq!(lecteur.en_tete().await?, en_tete());
        let mut lignes = Vec::new();
        while let Some(ligne) = lecteur.suivante().await? {
            lignes.push(ligne);
        }
        Ok(lignes)
    }

    #[tokio::test]
    async fn une_archive_se_relit_et_son_empreinte_concorde() {
        let lignes = lire_tout(&ecrite().await).await.unwrap();
        assert_eq!(lignes.len(), 6, "{lignes:?}");
        let Some(Ligne::Fin(fin, calculee)) = lignes.last() else {
            panic!("{lignes:?}")
        };
        assert_eq!(&fin.sha256, calculee);
        let morceaux: Vec<u8> = lignes
            .iter()
            .filter_map(|l| match l {
                Ligne::Troncon(t) => Some(decoder(0, t).unwrap()),
                _ => None,
            })
            .flatten()
            .collect();
        assert_eq!(morceaux.len(), TRONCON + 10);
    }

    #[tokio::test]
    async fn une_archive_abimee_ou_coupee_se_signale() {
        let archive = ecrite().await;
        let coupee = &archive[..archive.len() - 5];
        let erreur = lire_tout(coupee).await.unwrap_err().to_string();
        assert!(erreur.contains("tronquée"), "{erreur}");

        let mut alteree = archive.clone();
        // The row `[3]` becomes `[7]`: still JSON, no longer what was written.
        let position = alteree.windows(2).position(|o| o == b"\n[").unwrap();
        alteree[position + 2] = b'7';
        let lignes = lire_tout(&alteree).await.unwrap();
        let Some(Ligne::Fin(fin, calculee)) = lignes.last() else {
            panic!()
        };
        assert_ne!(&fin.sha256, calculee);

        let erreur = lire_tout(b"PK\x03\x04 binaire\n").await.unwrap_err();
        assert!(
            erreur.to_string().contains("pas une sauvegarde"),
            "{erreur}"
        );
        let erreur = lire_tout(b"").await.unwrap_err();
        assert!(erreur.to_string().contains("vide"), "{erreur}");
        let erreur = lire_tout(b"{\"format\":\"pilote-sauvegarde\",\"version\":9}\n")
            .await
            .unwrap_err();
        assert!(erreur.to_string().contains("format 9"), "{erreur}");
    }
}
