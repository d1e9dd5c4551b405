//! The default storage: a folder on the server's disk, one file per document at the path its
//! key names below the root. A deposit's temporary file, flushed to disk, is renamed over the
//! destination (or, on another file system, copied to a `.depot-*` file beside it first), so
//! that a reader never sees a half written document and a crash leaves at worst a stray
//! `.depot-*` file (no key can name it: key segments never start with a dot). The MIME type
//! is not kept: the database has it.

use std::io;
use std::path::{Component, Path, PathBuf};

use crate::depot::DepotTermine;
use crate::{Cle, Depot, ErreurStockage, Futur, Stockage};

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

/// Puts the deposit's file at `chemin`, flushed to disk first: renamed there when both are on
/// one file system, otherwise copied to a temporary file beside `chemin`, flushed, then
/// renamed over it.
fn placer(depot: DepotTermine, chemin: &Path) -> io::Result<()> {
    let dossier = chemin
        .parent()
        .ok_or_else(|| io::Error::other("chemin sans dossier parent"))?;
    std::fs::create_dir_all(dossier)?;
    depot.fichier.as_file().sync_all()?;
    let source = match depot.fichier.persist(chemin) {
        Ok(_) => return Ok(()),
        Err(e) if e.error.kind() == io::ErrorKind::CrossesDevices => e.file,
        Err(e) => return Err(e.error),
    };
    let mut temporaire = tempfile::Builder::new()
        .prefix(".depot-")
        .tempfile_in(dossier)?;
    io::copy(&mut source.reopen()?, &mut temporaire)?;
    temporaire.as_file().sync_all()?;
    temporaire.persist(chemin).map_err(|e| e.error)?;
    Ok(())
}

impl Stockage for DossierLocal {
    fn deposer<'a>(&'a self, cle: &'a Cle, depot: Depot, _type_mime: &'a str) -> Futur<'a, ()> {
        Box::pin(async move {
            let chemin = self.chemin(cle)?;
            let depot = depot.terminer().await?;
            en_tache("d'écrire", chemin, move |chemin| placer(depot, chemin)).await
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

    async fn depot(octets: &[u8]) -> Depot {
        Depot::depuis_octets(octets).await.unwrap()
    }

    /// The names of the files in `dossier`.
    fn noms(dossier: &Path) -> Vec<String> {
        std::fs::read_dir(dossier)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect()
    }

    #[tokio::test]
    async fn depose_lit_remplace_et_supprime() {
        let dossier = tempfile::tempdir().unwrap();
        let stockage = DossierLocal::new(dossier.path().join("documents"));
        let cle = Cle::nouvelle("caen-2019", "2.1", "Compte rendu.pdf").unwrap();

        stockage
            .deposer(&cle, depot(b"version 1").await, "application/pdf")
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
            .deposer(
                &cle,
                depot(b"version 2, plus longue").await,
                "application/pdf",
            )
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
                .deposer(&cle("a/b/doc.txt"), depot(&[1, 2, 3]).await, "text/plain")
                .await
                .unwrap();
        }
        assert_eq!(noms(&dossier.path().join("a/b")), ["doc.txt"]);
    }

    /// A folder on another file system than the temporary files (`/dev/shm`, a tmpfs, where
    /// there is one): the deposit is copied, and still leaves no temporary file behind.
    #[cfg(unix)]
    #[tokio::test]
    async fn un_dossier_sur_un_autre_systeme_de_fichiers_recoit_une_copie() {
        use std::os::unix::fs::MetadataExt;
        let peripherique = |chemin: &Path| std::fs::metadata(chemin).map(|m| m.dev()).ok();
        let autre = Path::new("/dev/shm");
        if peripherique(autre).is_none()
            || peripherique(autre) == peripherique(&std::env::temp_dir())
        {
            eprintln!("pas de /dev/shm distinct du dossier temporaire : copie non essayée");
            return;
        }
        let dossier = tempfile::tempdir_in(autre).unwrap();
        let stockage = DossierLocal::new(dossier.path());
        stockage
            .deposer(&cle("a/doc.txt"), depot(b"copie").await, "text/plain")
            .await
            .unwrap();
        assert_eq!(stockage.lire(&cle("a/doc.txt")).await.unwrap(), b"copie");
        assert_eq!(noms(&dossier.path().join("a")), ["doc.txt"]);
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
            .deposer(&cle("a"), depot(&[1]).await, "text/plain")
            .await
            .unwrap();
        // « a » is a file, so « a/b » cannot be created below it.
        let erreur = stockage
            .deposer(&cle("a/b"), depot(&[2]).await, "text/plain")
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
