//! A document on its way to the storage ([`Depot`]): written piece by piece to a temporary
//! file as it arrives, its size and SHA-256 computed on the way, so that no whole document is
//! ever held in memory — neither while it is received nor while it is sent to S3.

use std::io;
use std::path::Path;

use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;
use tokio::io::AsyncWriteExt;

use crate::ErreurStockage;
use crate::s3::hex;

/// The bytes of one document, in a temporary file removed when the deposit is dropped.
pub struct Depot {
    fichier: NamedTempFile,
    ecriture: tokio::fs::File,
    taille: u64,
    empreinte: Sha256,
}

impl std::fmt::Debug for Depot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Depot")
            .field("fichier", &self.fichier.path())
            .field("taille", &self.taille)
            .finish()
    }
}

impl Depot {
    /// An empty deposit in the system's temporary folder.
    pub fn nouveau() -> io::Result<Self> {
        let fichier = tempfile::Builder::new()
            .prefix("pilote-depot-")
            .tempfile()?;
        let ecriture = tokio::fs::File::from_std(fichier.reopen()?);
        Ok(Self {
            fichier,
            ecriture,
            taille: 0,
            empreinte: Sha256::new(),
        })
    }

    /// A deposit of bytes already in memory (a document read from a backup archive).
    pub async fn depuis_octets(octets: &[u8]) -> io::Result<Self> {
        let mut depot = Self::nouveau()?;
        depot.ecrire(octets).await?;
        Ok(depot)
    }

    /// Appends one piece.
    pub async fn ecrire(&mut self, morceau: &[u8]) -> io::Result<()> {
        self.ecriture.write_all(morceau).await?;
        self.empreinte.update(morceau);
        self.taille += morceau.len() as u64;
        Ok(())
    }

    /// The number of bytes written so far.
    pub fn taille(&self) -> u64 {
        self.taille
    }

    /// The bytes written, to be read from the start (a reference file checked before it is
    /// loaded); the temporary file is removed once the reader is dropped.
    pub async fn en_lecture(mut self) -> io::Result<impl io::Read + Send + 'static> {
        self.ecriture.flush().await?;
        Ok(self.fichier)
    }

    /// Flushes what was written to the file, for a storage to move or send it (the local
    /// folder also syncs it to disk before putting it in place; S3 needs no more).
    pub(crate) async fn terminer(mut self) -> Result<DepotTermine, ErreurStockage> {
        if let Err(source) = self.ecriture.flush().await {
            return Err(ErreurStockage::Temporaire {
                chemin: self.fichier.path().to_owned(),
                source,
            });
        }
        Ok(DepotTermine {
            fichier: self.fichier,
            taille: self.taille,
            empreinte: hex(&self.empreinte.finalize()),
        })
    }
}

/// A deposit whose bytes are all on disk.
pub(crate) struct DepotTermine {
    pub(crate) fichier: NamedTempFile,
    pub(crate) taille: u64,
    /// The lower-case hexadecimal SHA-256 of the bytes, as S3 signs it.
    pub(crate) empreinte: String,
}

impl DepotTermine {
    pub(crate) fn chemin(&self) -> &Path {
        self.fichier.path()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn ecrit_par_morceaux_et_compte() {
        let mut depot = Depot::nouveau().unwrap();
        depot.ecrire(b"abc").await.unwrap();
        depot.ecrire(b"").await.unwrap();
        depot.ecrire(b"def").await.unwrap();
        assert_eq!(depot.taille(), 6);
        let termine = depot.terminer().await.unwrap();
        assert_eq!(std::fs::read(termine.chemin()).unwrap(), b"abcdef");
        assert_eq!(termine.taille, 6);
        assert_eq!(
            termine.empreinte,
            "bef57ec7f53a6d40beb640a780a639c83bc29ac8a9816f1fc6c5c6dcd93c4721"
        );
        let chemin = termine.chemin().to_owned();
        drop(termine);
        assert!(!chemin.exists(), "le fichier temporaire est retiré");
    }
}
