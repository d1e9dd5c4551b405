//! The default storage: a folder on the server's disk, one file per document at the path its
//! key names below the root. A deposit writes a temporary file in the destination folder,
//! flushes it to disk and renames it over the destination, so that a reader never sees a half
//! written document and a crash leaves at worst a stray `.depot-*` file (no key can name it:
//! key segments never start with a dot). The MIME type is not kept: the database has it.

use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use crate::{Cle, ErreurStockage, Futur, Stockage};

/// Documents in a local folder, created on the first deposit.
#[derive(Debug, Clone)]
pub struct DossierLocal {
    racine: PathBuf,
}

impl DossierLocal {
    pub fn new(racine: impl Into<PathBuf>) -> Self {
        Self {
            racine: racine.into(),
        }
    }

    pub fn racine(&self) -> &Path {
        &self.racine
    }

    /// The file of `cle`. A [`Cle`] is a relative path of plain segments; checking the
    /// components again keeps that promise local to this function.
    fn chemin(&self, cle: &Cle) -> Result<PathBuf, ErreurStockage> {
        let relatif = Path::new(cle.as_str());
        if !relatif
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
        {
            return Err(ErreurStockage::CleInvalide {
                cle: cle.to_string(),
                raison: "elle sortirait du dossier de stockage",
            });
        }
        Ok(self.racine.join(relatif))
    }
}

/// Runs blocking file-system work off the async workers.
async fn en_tache<T: Send + 'static>(
    operation: &'static str,
    chemin: PathBuf,
    travail: impl FnOnce(&Path) -> io::Result<T> + Send + 'static,
) -> Result<T, ErreurStockage> {
    let chemin_tache = chemin.clone();
    let resultat = tokio::task::spawn_blocking(move || travail(&chemin_tache))
        .await
        .unwrap_or_else(|e| Err(io::Error::other(e)));
    resultat.map_err(|source| ErreurStockage::Fichier {
        operation,
        chemin,
        source,
    })
}

fn ecrire_atomiquement(chemin: &Path, octets: &[u8]) -> io::Result<()> {
    let dossier = chemin
        .parent()
        .ok_or_else(|| io::Error::other("chemin sans dossier parent"))?;
    std::fs::create_dir_all(dossier)?;
    let mut temporaire = tempfile::Builder::new()
        .prefix(".depot-")
        .tempfile_in(dossier)?;
    temporaire.write_all(octets)?;
    temporaire.as_file().sync_all()?;
    temporaire.persist(chemin).map_err(|e| e.error)?;
    Ok(())
}

impl Stockage for DossierLocal {
    fn deposer<'a>(&'a self, cle: &'a Cle, octets: Vec<u8>, _type_mime: &'a str) -> Futur<'a, ()> {
        Box::pin(async move {
            let chemin = self.chemin(cle)?;
            en_tache("d'écrire", chemin, move |chemin| {
                ecrire_atomiquement(chemin, &octets)
            })
            .await
        })
    }

    fn lire<'a>(&'a self, cle: &'a Cle) -> Futur<'a, Vec<u8>> {
        Box::pin(async move {
            let chemin = self.chemin(cle)?;
            match en_tache("de lire", chemin, |chemin| std::fs::read(chemin)).await {
                Err(ErreurStockage::Fichier { source, .. })
                    if source.kind() == io::ErrorKind::NotFound =>
                {
                    Err(ErreurStockage::Introuvable {
                        cle: cle.to_string(),
                    })
                }
                autre => autre,
            }
        })
    }

    fn supprimer<'a>(&'a self, cle: &'a Cle) -> Futur<'a, ()> {
        Box::pin(async move {
            let chemin = self.chemin(cle)?;
            en_tache(
                "de supprimer",
                chemin,
                |chemin| match std::fs::remove_file(chemin) {
                    Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
                    autre => autre,
                },
            )
            .await
        })
    }

    fn decrire(&self) -> String {
        format!("dossier local {}", self.racine.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cle(valeur: &str) -> Cle {
        Cle::parse(valeur).unwrap()
    }

    #[tokio::test]
    async fn depose_lit_remplace_et_supprime() {
        let dossier = tempfile::tempdir().unwrap();
        let stockage = DossierLocal::new(dossier.path().join("documents"));
        let cle = Cle::nouvelle("caen-2019", "2.1", "Compte rendu.pdf").unwrap();

        stockage
            .deposer(&cle, b"version 1".to_vec(), "application/pdf")
            .await
            .unwrap();
        assert_eq!(stockage.lire(&cle).await.unwrap(), b"version 1");
        assert!(
            dossier
                .path()
                .join("documents")
                .join(cle.as_str())
                .is_file()
        );

        stockage
            .deposer(&cle, b"version 2, plus longue".to_vec(), "application/pdf")
            .await
            .unwrap();
        assert_eq!(
            stockage.lire(&cle).await.unwrap(),
            b"version 2, plus longue"
        );

        stockage.supprimer(&cle).await.unwrap();
        let erreur = stockage.lire(&cle).await.unwrap_err();
        assert!(
            matches!(&erreur, ErreurStockage::Introuvable { cle: c } if c == cle.as_str()),
            "{erreur}"
        );
        assert!(erreur.to_string().starts_with("document introuvable"));
        stockage.supprimer(&cle).await.unwrap();
    }

    #[tokio::test]
    async fn ne_laisse_aucun_fichier_temporaire() {
        let dossier = tempfile::tempdir().unwrap();
        let stockage = DossierLocal::new(dossier.path());
        for _ in 0..3 {
            stockage
                .deposer(&cle("a/b/doc.txt"), vec![1, 2, 3], "text/plain")
                .await
                .unwrap();
        }
        let noms: Vec<_> = std::fs::read_dir(dossier.path().join("a/b"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(noms, ["doc.txt"]);
    }

    #[tokio::test]
    async fn un_document_absent_est_introuvable_et_sa_suppression_sans_effet() {
        let dossier = tempfile::tempdir().unwrap();
        let stockage = DossierLocal::new(dossier.path());
        assert!(matches!(
            stockage.lire(&cle("jamais/depose.pdf")).await,
            Err(ErreurStockage::Introuvable { .. })
        ));
        stockage.supprimer(&cle("jamais/depose.pdf")).await.unwrap();
    }

    #[tokio::test]
    async fn une_erreur_de_disque_nomme_le_fichier() {
        let dossier = tempfile::tempdir().unwrap();
        let stockage = DossierLocal::new(dossier.path());
        stockage
            .deposer(&cle("a"), vec![1], "text/plain")
            .await
            .unwrap();
        // « a » is a file, so « a/b » cannot be created below it.
        let erreur = stockage
            .deposer(&cle("a/b"), vec![2], "text/plain")
            .await
            .unwrap_err();
        assert!(matches!(erreur, ErreurStockage::Fichier { .. }), "{erreur}");
        assert!(
            erreur
                .to_string()
                .starts_with("dossier local : impossible d"),
            "{erreur}"
        );
    }

    #[test]
    fn les_cles_qui_sortiraient_du_dossier_sont_refusees_avant_tout_acces() {
        assert!(Cle::parse("../x").is_err());
        assert!(Cle::parse("/x").is_err());
        let stockage = DossierLocal::new("/srv/pilote/documents");
        assert_eq!(
            stockage.chemin(&cle("contrats/x/doc.pdf")).unwrap(),
            Path::new("/srv/pilote/documents/contrats/x/doc.pdf")
        );
        assert_eq!(stockage.decrire(), "dossier local /srv/pilote/documents");
    }
}
