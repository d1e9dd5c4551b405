//! Reading an archive back into an empty database: checked first (format, schema, geography,
//! emptiness), then every row written in one transaction, each table after those it refers to,
//! the identity counters set past every identifier the archive gave, the documents' files put
//! back; the transaction is committed only once the last line has vouched for everything
//! before it, and anything refused undoes it all (the files put back removed again).

use std::collections::{BTreeSet, HashSet};

use sqlx::AnyConnection;
use tokio::io::AsyncBufRead;

use super::archive::{self, Lecteur, Ligne, SectionTable, illisible};
use super::tables::{self, Genre, Table};
use super::{Bilan, Connexion, Fichiers, versions};
use crate::lot::{self, LOT, Valeur};
use crate::{Backend, Store, StoreError};

/// Loads the archive read from `entree` into the database, which must be empty (its
/// geography aside) and hold the geography and schema the archive was made with; with
/// `documents`, the archive's documents' files are put back there. Nothing is kept unless
/// everything is: an archive cut short, altered or refused half-way leaves the database as it
/// was. The planner's statistics are then refreshed.
#[tracing::instrument(skip_all)]
pub async fn restaurer<R: AsyncBufRead + Unpin + Send>(
    store: &Store,
    entree: R,
    documents: Option<&dyn Fichiers>,
) -> Result<Bilan, StoreError> {
    let mut lecteur = Lecteur::new(entree);
    let en_tete = lecteur.en_tete().await?;
    if en_tete.documents && documents.is_none() {
        return Err(StoreError::Invalid(
            "cette sauvegarde contient les fichiers des documents : indiquez le stockage où \
             les remettre"
                .to_owned(),
        ));
    }
    let mut connexion = Connexion::ouvrir(store, true).await?;
    let mut deposes = Vec::new();
    let resultat = async {
        let mut tx = connexion.commencer(store, true).await?;
        let mut chargement = Chargement {
            backend: store.backend,
            documents,
            deposes: &mut deposes,
            bilan: Bilan {
                en_tete,
                tables: Vec::new(),
                documents: 0,
                octets_documents: 0,
                documents_absents: Vec::new(),
            },
        };
        chargement.verifier_destination(&mut tx).await?;
        chargement.charger(&mut tx, &mut lecteur).await?;
        tx.commit().await?;
        Ok(chargement.bilan)
    }
    .await;
    connexion.fermer().await;
    match resultat {
        Ok(bilan) => {
            store.compteur.oublier();
            store.analyser().await;
            Ok(bilan)
        }
        Err(e) => {
            if let Some(fichiers) = documents {
                for cle in &deposes {
                    if let Err(erreur) = fichiers.supprimer(cle).await {
                        tracing::warn!(%cle, %erreur, "fichier remis puis laissé après l'échec");
                    }
                }
            }
            Err(e)
        }
    }
}

/// A restore under way.
struct Chargement<'a> {
    backend: Backend,
    documents: Option<&'a dyn Fichiers>,
    /// The files put back so far, removed again if the restore fails.
    deposes: &'a mut Vec<String>,
    bilan: Bilan,
}

/// A row's key and the key it refers to, in a table referring to itself (as JSON text).
type Reference = (String, Option<String>);

/// The rows of the table being read, waiting to be inserted.
struct TableEnCours {
    table: &'static Table,
    genres: Vec<Genre>,
    noms: Vec<String>,
    dernier_identifiant: Option<i64>,
    attente: Vec<Vec<Valeur>>,
    /// For a table referring to itself: each row's key and the key it refers to.
    references: Vec<Reference>,
    lignes: u64,
}

impl Chargement<'_> {
    /// Refuses a database of another schema or geography than the archive's, or that holds
    /// anything already; then clears the counter of changes the migrations wrote, replaced
    /// by the archive's.
    async fn verifier_destination(&self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        let en_tete = &self.bilan.en_tete;
        let (schema, geographie) = versions(conn).await?;
        if en_tete.schema != schema {
            return Err(StoreError::Invalid(format!(
                "la sauvegarde vient d'une base au schéma n°{} (Pilote {}), cette base est au \
                 schéma n°{schema} : restaurez-la avec la version de Pilote qui l'a faite, qui \
                 mettra ensuite la base à jour en démarrant",
                en_tete.schema, en_tete.pilote
            )));
        }
        if en_tete.geographie != geographie {
            return Err(StoreError::Invalid(format!(
                "la sauvegarde a été faite avec la géographie officielle « {} », cette version \
                 de Pilote charge « {geographie} » : restaurez-la avec la version de Pilote qui \
                 l'a faite (Pilote {})",
                en_tete.geographie, en_tete.pilote
            )));
        }
        let mut remplies = Vec::new();
        for table in tables::TABLES {
            if table.nom == tables::COMPTEUR_DE_CHANGEMENTS {
                continue;
            }
            let sql = format!("SELECT 1 FROM {} LIMIT 1", table.nom);
            if sqlx::query(&sql)
                .fetch_optional(&mut *conn)
                .await?
                .is_some()
            {
                remplies.push(table.nom);
            }
        }
        if !remplies.is_empty() {
            return Err(StoreError::Invalid(format!(
                "la base de destination n'est pas vide (elle a déjà des lignes dans {}) : une \
                 sauvegarde se restaure dans une base neuve ; rien n'a été restauré",
                remplies.join(", ")
            )));
        }
        sqlx::query(&format!("DELETE FROM {}", tables::COMPTEUR_DE_CHANGEMENTS))
            .execute(conn)
            .await?;
        Ok(())
    }

    async fn charger<R: AsyncBufRead + Unpin>(
        &mut self,
        conn: &mut AnyConnection,
        lecteur: &mut Lecteur<R>,
    ) -> Result<(), StoreError> {
        let mut courante: Option<TableEnCours> = None;
        let mut vues: Vec<&'static Table> = Vec::new();
        loop {
            let Some(ligne) = lecteur.suivante().await? else {
                return Err(StoreError::Invalid(format!(
                    "sauvegarde tronquée : sa dernière ligne manque (le fichier s'arrête après \
                     la ligne {}) ; rien n'a été restauré",
                    lecteur.numero
                )));
            };
            let numero = lecteur.numero;
            match ligne {
                Ligne::Table(section) => {
                    self.terminer(conn, courante.take()).await?;
                    let table = self.ouvrir_table(conn, section, &vues, numero).await?;
                    vues.push(table.table);
                    courante = Some(table);
                }
                Ligne::Rangee(valeurs) => {
                    let Some(table) = courante.as_mut() else {
                        return Err(illisible(
                            numero,
                            "une ligne de données hors de toute table",
                        ));
                    };
                    table.ajouter(&valeurs, numero)?;
                    if table.table.auto_reference.is_none() && table.attente.len() >= LOT {
                        inserer(conn, table).await?;
                    }
                }
                Ligne::Document(section) => {
                    self.terminer(conn, courante.take()).await?;
                    self.document(lecteur, section, numero).await?;
                }
                Ligne::Troncon(_) => {
                    return Err(illisible(
                        numero,
                        "un morceau de document hors de tout document",
                    ));
                }
                Ligne::Fin(fin, calculee) => {
                    self.terminer(conn, courante.take()).await?;
                    if fin.sha256 != calculee {
                        return Err(StoreError::Invalid(
                            "sauvegarde altérée : son empreinte SHA-256 ne correspond pas à son \
                             contenu (fichier abîmé ou modifié) ; rien n'a été restauré"
                                .to_owned(),
                        ));
                    }
                    if fin.lignes != self.bilan.lignes() || fin.documents != self.bilan.documents {
                        return Err(StoreError::Invalid(format!(
                            "sauvegarde incohérente : sa fin annonce {} lignes et {} documents, \
                             elle en contient {} et {} ; rien n'a été restauré",
                            fin.lignes,
                            fin.documents,
                            self.bilan.lignes(),
                            self.bilan.documents
                        )));
                    }
                    if lecteur.suivante().await?.is_some() {
                        return Err(illisible(
                            lecteur.numero,
                            "du contenu suit la fin de la sauvegarde",
                        ));
                    }
                    break;
                }
            }
        }
        let manquantes: Vec<&str> = tables::TABLES
            .iter()
            .filter(|t| !vues.iter().any(|v| v.nom == t.nom))
            .map(|t| t.nom)
            .collect();
        if !manquantes.is_empty() {
            return Err(StoreError::Invalid(format!(
                "sauvegarde incomplète : il y manque la table {} ; rien n'a été restauré",
                manquantes.join(", ")
            )));
        }
        Ok(())
    }

    /// Checks a table's section against the database: a table the archive holds, once, with
    /// the columns the schema gives it.
    async fn ouvrir_table(
        &self,
        conn: &mut AnyConnection,
        section: SectionTable,
        vues: &[&'static Table],
        numero: u64,
    ) -> Result<TableEnCours, StoreError> {
        let nom = section.table;
        let Some(table) = tables::TABLES.iter().find(|t| t.nom == nom) else {
            return Err(illisible(numero, format!("table « {nom} » inconnue")));
        };
        if vues.iter().any(|v| v.nom == nom) {
            return Err(illisible(
                numero,
                format!("la table {nom} figure deux fois"),
            ));
        }
        let schema = tables::colonnes(conn, self.backend, table.nom).await?;
        let attendues: BTreeSet<&str> = schema.iter().map(|c| c.nom.as_str()).collect();
        let lues: BTreeSet<&str> = section.colonnes.iter().map(|(n, _)| n.as_str()).collect();
        if attendues != lues || lues.len() != section.colonnes.len() {
            return Err(illisible(
                numero,
                format!(
                    "la table {nom} a les colonnes ({}) au lieu de celles de cette version de \
                     Pilote ({})",
                    section
                        .colonnes
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    attendues.into_iter().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        let mut genres = Vec::new();
        for (colonne, genre) in &section.colonnes {
            let attendu = schema.iter().find(|c| &c.nom == colonne).map(|c| c.genre);
            if attendu != Some(*genre) {
                return Err(illisible(
                    numero,
                    format!("la colonne {nom}.{colonne} n'a pas le type de cette version"),
                ));
            }
            genres.push(*genre);
        }
        Ok(TableEnCours {
            table,
            genres,
            noms: section.colonnes.into_iter().map(|(n, _)| n).collect(),
            dernier_identifiant: section.dernier_identifiant,
            attente: Vec::new(),
            references: Vec::new(),
            lignes: 0,
        })
    }

    /// Inserts what is left of `table`, sets its identity counter, and counts it.
    async fn terminer(
        &mut self,
        conn: &mut AnyConnection,
        table: Option<TableEnCours>,
    ) -> Result<(), StoreError> {
        let Some(mut table) = table else {
            return Ok(());
        };
        if table.table.auto_reference.is_some() {
            inserer_dans_l_ordre(conn, &mut table).await?;
        } else {
            inserer(conn, &mut table).await?;
        }
        if let Some(colonne) = tables::identite(conn, self.backend, table.table.nom).await? {
            tables::reprendre_compteur(
                conn,
                self.backend,
                table.table.nom,
                &colonne,
                table.dernier_identifiant,
            )
            .await?;
        }
        self.bilan
            .tables
            .push((table.table.nom.to_owned(), table.lignes));
        Ok(())
    }

    /// Reads a document's pieces and puts its file back.
    async fn document<R: AsyncBufRead + Unpin>(
        &mut self,
        lecteur: &mut Lecteur<R>,
        section: archive::SectionDocument,
        numero: u64,
    ) -> Result<(), StoreError> {
        let Some(fichiers) = self.documents else {
            return Err(illisible(
                numero,
                "un document dans une sauvegarde annoncée sans documents",
            ));
        };
        let cle = section.document;
        let mut octets = Vec::new();
        while (octets.len() as u64) < section.octets {
            match lecteur.suivante().await? {
                Some(Ligne::Troncon(troncon)) => {
                    octets.extend(archive::decoder(lecteur.numero, &troncon)?);
                }
                _ => {
                    return Err(illisible(
                        lecteur.numero,
                        format!("le document « {cle} » s'arrête avant sa fin"),
                    ));
                }
            }
        }
        if octets.len() as u64 != section.octets {
            return Err(illisible(
                lecteur.numero,
                format!("le document « {cle} » dépasse la taille annoncée"),
            ));
        }
        let taille = octets.len() as u64;
        fichiers
            .deposer(&cle, octets)
            .await
            .map_err(|e| StoreError::Invalid(format!("document « {cle} » non remis : {e}")))?;
        self.deposes.push(cle);
        self.bilan.documents += 1;
        self.bilan.octets_documents += taille;
        Ok(())
    }
}

impl TableEnCours {
    /// Takes a row, each value checked against its column's type.
    fn ajouter(&mut self, valeurs: &[serde_json::Value], numero: u64) -> Result<(), StoreError> {
        let nom = self.table.nom;
        if valeurs.len() != self.genres.len() {
            return Err(illisible(
                numero,
                format!(
                    "{} valeurs pour les {} colonnes de la table {nom}",
                    valeurs.len(),
                    self.genres.len()
                ),
            ));
        }
        let rangee = valeurs
            .iter()
            .zip(&self.genres)
            .zip(&self.noms)
            .map(|((valeur, genre), colonne)| {
                genre.valeur(valeur).ok_or_else(|| {
                    illisible(
                        numero,
                        format!("{nom}.{colonne} attend {}, pas {valeur}", genre.attendu()),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if let Some((colonne, cle)) = self.table.auto_reference {
            let position = |n: &str| self.noms.iter().position(|c| c == n);
            let (Some(i), Some(j)) = (position(cle), position(colonne)) else {
                return Err(illisible(numero, format!("{nom} sans {cle} ni {colonne}")));
            };
            let reference = (!valeurs[j].is_null()).then(|| valeurs[j].to_string());
            self.references.push((valeurs[i].to_string(), reference));
        }
        self.attente.push(rangee);
        self.lignes += 1;
        Ok(())
    }

    /// `table (colonne, …)` as an INSERT names it.
    fn insertion(&self) -> String {
        format!("{} ({})", self.table.nom, self.noms.join(", "))
    }
}

/// Inserts the rows waiting.
async fn inserer(conn: &mut AnyConnection, table: &mut TableEnCours) -> Result<(), StoreError> {
    let rangees = std::mem::take(&mut table.attente);
    lot::inserer(conn, &table.insertion(), "", &rangees, Clone::clone).await
}

/// Inserts the rows of a table referring to itself, each after the row it names.
async fn inserer_dans_l_ordre(
    conn: &mut AnyConnection,
    table: &mut TableEnCours,
) -> Result<(), StoreError> {
    let presentes: HashSet<String> = table.references.iter().map(|(c, _)| c.clone()).collect();
    let mut faites: HashSet<String> = HashSet::new();
    let mut restantes: Vec<(Vec<Valeur>, Reference)> = std::mem::take(&mut table.attente)
        .into_iter()
        .zip(std::mem::take(&mut table.references))
        .collect();
    while !restantes.is_empty() {
        let (pretes, attente): (Vec<_>, Vec<_>) =
            restantes.into_iter().partition(|(_, (_, reference))| {
                reference
                    .as_ref()
                    .is_none_or(|r| faites.contains(r) || !presentes.contains(r))
            });
        if pretes.is_empty() {
            return Err(StoreError::Invalid(format!(
                "sauvegarde incohérente : des lignes de la table {} se désignent mutuellement",
                table.table.nom
            )));
        }
        let (rangees, cles): (Vec<_>, Vec<_>) = pretes.into_iter().unzip();
        lot::inserer(conn, &table.insertion(), "", &rangees, Clone::clone).await?;
        faites.extend(cles.into_iter().map(|(c, _)| c));
        restantes = attente;
    }
    Ok(())
}
