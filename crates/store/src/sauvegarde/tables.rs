//! What a backup holds: the tables, in an order where each comes after those it refers to, and
//! those it leaves out with the reason; their columns and types, and the counters that give
//! identifiers, read from the schema itself so that a migration's new column travels with
//! no change here.

use sqlx::{AnyConnection, Row};

use crate::lot::Valeur;
use crate::{Backend, StoreError};

/// A table the archive holds. `auto_reference` names a column referring to another row of the
/// same table and the column it refers to (a contract's previous generation, an objective's
/// parent): its rows are restored each after the one it names.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Table {
    pub nom: &'static str,
    pub auto_reference: Option<(&'static str, &'static str)>,
}

const fn table(nom: &'static str) -> Table {
    Table {
        nom,
        auto_reference: None,
    }
}

/// Every table the archive holds, each after those its foreign keys point at (checked by a
/// test against the schema: a table the schema gains and this list forgets makes every backup
/// fail, naming it, rather than leave it out).
pub(crate) const TABLES: &[Table] = &[
    table("organisation"),
    table("utilisateur"),
    Table {
        nom: "contrat",
        auto_reference: Some(("precedent", "id")),
    },
    table("contrat_portee"),
    table("contrat_public"),
    table("contrat_thematique"),
    table("contrat_epci"),
    table("contrat_commune"),
    table("partie"),
    table("representant"),
    table("avenant"),
    table("coordination"),
    table("financement_coordination"),
    table("diagnostic"),
    table("indicateur_diagnostic"),
    table("document_diagnostic"),
    table("evaluation"),
    table("axe"),
    Table {
        nom: "objectif",
        auto_reference: Some(("parent_id", "id")),
    },
    table("fiche_action"),
    table("fiche_public"),
    table("fiche_thematique"),
    table("fiche_commune"),
    table("etape"),
    table("ligne_budget"),
    table("indicateur"),
    table("cible"),
    table("mesure"),
    table("note"),
    table("document"),
    table("instance"),
    table("membre"),
    table("reunion"),
    table("decision"),
    table("decision_fiche"),
    table("realisation"),
    table("texte_rapport"),
    table("clsm"),
    table("evenement"),
    table("attribution"),
    table("invitation"),
    table("lien_mot_de_passe"),
    table("reglage_rappels"),
    table("abonnement_rappels"),
    table("courriel_sortant"),
    table("historique"),
    table("journal"),
    table("tentative_connexion"),
    table("generation_donnees"),
    table("donnees_de_reference"),
    table("centroide_commune"),
    table("medecins_commune"),
    table("qpv"),
    table("indicateur_territorial"),
];

/// The table whose one row the migrations write: replaced by the archive's rather than
/// counted when the target is checked for emptiness.
pub(crate) const COMPTEUR_DE_CHANGEMENTS: &str = "generation_donnees";

/// The tables left out, and why.
pub(crate) const HORS_ARCHIVE: &[(&str, &str)] = &[
    (
        "region",
        "géographie officielle, rechargée de l'extrait embarqué",
    ),
    (
        "departement",
        "géographie officielle, rechargée de l'extrait embarqué",
    ),
    (
        "epci",
        "géographie officielle, rechargée de l'extrait embarqué",
    ),
    (
        "commune",
        "géographie officielle, rechargée de l'extrait embarqué",
    ),
    (
        "calcul_apl",
        "recalculé depuis les données de référence, qui sont archivées",
    ),
    (
        "apl_commune",
        "recalculée depuis les données de référence, qui sont archivées",
    ),
    (
        "geographie_version",
        "version notée dans l'en-tête de l'archive",
    ),
    (
        "schema_migration",
        "version notée dans l'en-tête de l'archive",
    ),
    (
        "session",
        "les sessions ne se sauvegardent pas : on se reconnecte",
    ),
    (
        "demande_oidc",
        "connexions OpenID Connect en cours, éphémères",
    ),
];

/// How a column's values are written in the archive, whatever the backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Genre {
    Entier,
    Reel,
    Texte,
}

impl Genre {
    /// The genre of a column declared `declare` (SQLite's declared type, PostgreSQL's
    /// `data_type`).
    fn depuis(declare: &str, table: &str, colonne: &str) -> Result<Self, StoreError> {
        let declare_maj = declare.to_ascii_uppercase();
        if declare_maj.contains("INT") {
            Ok(Self::Entier)
        } else if ["DOUBLE", "REAL", "FLOA", "NUMERIC"]
            .iter()
            .any(|t| declare_maj.contains(t))
        {
            Ok(Self::Reel)
        } else if declare_maj.contains("TEXT") || declare_maj.contains("CHAR") {
            Ok(Self::Texte)
        } else {
            Err(StoreError::Invalid(format!(
                "la colonne {table}.{colonne} est de type « {declare} », que la sauvegarde ne \
                 sait pas écrire"
            )))
        }
    }

    /// The value read from `row` at `i` as it goes in the archive.
    pub(crate) fn lire(
        self,
        row: &sqlx::any::AnyRow,
        i: usize,
    ) -> Result<serde_json::Value, StoreError> {
        use serde_json::Value;
        Ok(match self {
            Self::Entier => row
                .try_get::<Option<i64>, _>(i)?
                .map_or(Value::Null, Value::from),
            Self::Texte => row
                .try_get::<Option<String>, _>(i)?
                .map_or(Value::Null, Value::from),
            Self::Reel => {
                // A SQLite column of real affinity may still hand back an integer.
                let reel = match row.try_get::<Option<f64>, _>(i) {
                    Ok(x) => x,
                    Err(_) => row.try_get::<Option<i64>, _>(i)?.map(|n| n as f64),
                };
                match reel {
                    None => Value::Null,
                    Some(x) => serde_json::Number::from_f64(x)
                        .map(Value::Number)
                        .ok_or_else(|| {
                            StoreError::Corrupt(format!("nombre réel non représentable : {x}"))
                        })?,
                }
            }
        })
    }

    /// The archive's `valeur` as bound in an insert; `None` when it is not of this genre.
    pub(crate) fn valeur(self, valeur: &serde_json::Value) -> Option<Valeur> {
        use serde_json::Value;
        Some(match (self, valeur) {
            (Self::Entier, Value::Null) => Valeur::Entier(None),
            (Self::Entier, Value::Number(n)) => Valeur::Entier(Some(n.as_i64()?)),
            (Self::Reel, Value::Null) => Valeur::Reel(None),
            (Self::Reel, Value::Number(n)) => Valeur::Reel(Some(n.as_f64()?)),
            (Self::Texte, Value::Null) => Valeur::Texte(None),
            (Self::Texte, Value::String(s)) => Valeur::Texte(Some(s.clone())),
            _ => return None,
        })
    }

    /// How a person is told what a column expects.
    pub(crate) fn attendu(self) -> &'static str {
        match self {
            Self::Entier => "un nombre entier",
            Self::Reel => "un nombre",
            Self::Texte => "du texte",
        }
    }
}

/// A column as the schema declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Colonne {
    pub nom: String,
    pub genre: Genre,
}

/// The base tables of the schema (views and the backend's own tables aside).
pub(crate) async fn du_schema(
    conn: &mut AnyConnection,
    backend: Backend,
) -> Result<Vec<String>, StoreError> {
    let sql = match backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT CAST(tablename AS TEXT) FROM pg_tables WHERE schemaname = current_schema()
             ORDER BY tablename"
        }
    };
    Ok(sqlx::query_scalar(sql).fetch_all(conn).await?)
}

/// Refuses a schema holding a table that is neither archived nor left out knowingly.
pub(crate) async fn verifier_schema(
    conn: &mut AnyConnection,
    backend: Backend,
) -> Result<(), StoreError> {
    let oubliees: Vec<String> = du_schema(conn, backend)
        .await?
        .into_iter()
        .filter(|t| !TABLES.iter().any(|p| p.nom == t) && !HORS_ARCHIVE.iter().any(|(h, _)| h == t))
        .collect();
    if oubliees.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "la sauvegarde ne prévoit pas la table {} : rien n'est écrit (cette version de \
             Pilote est à corriger)",
            oubliees.join(", ")
        )))
    }
}

/// The columns of `table` in the schema's order.
pub(crate) async fn colonnes(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
) -> Result<Vec<Colonne>, StoreError> {
    let sql = match backend {
        Backend::Sqlite => "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
        Backend::Postgres => {
            "SELECT CAST(column_name AS TEXT), CAST(data_type AS TEXT)
             FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1
             ORDER BY ordinal_position"
        }
    };
    let lues: Vec<(String, String)> = sqlx::query_as(sql).bind(table).fetch_all(conn).await?;
    if lues.is_empty() {
        return Err(StoreError::Invalid(format!(
            "la table {table} est absente de la base"
        )));
    }
    lues.into_iter()
        .map(|(nom, declare)| {
            Ok(Colonne {
                genre: Genre::depuis(&declare, table, &nom)?,
                nom,
            })
        })
        .collect()
}

/// The column of `table` whose values a counter gives (`id`), if it has one.
pub(crate) async fn identite(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
) -> Result<Option<String>, StoreError> {
    let sql = match backend {
        Backend::Sqlite => {
            // INTEGER PRIMARY KEY AUTOINCREMENT: the key is the rowid, counted in sqlite_sequence.
            "SELECT name FROM pragma_table_info($1)
             WHERE pk = 1 AND upper(type) = 'INTEGER'
               AND (SELECT sql FROM sqlite_master WHERE name = $1) LIKE '%AUTOINCREMENT%'"
        }
        Backend::Postgres => {
            "SELECT CAST(column_name AS TEXT) FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 AND is_identity = 'YES'"
        }
    };
    Ok(sqlx::query_scalar(sql)
        .bind(table)
        .fetch_optional(conn)
        .await?)
}

/// The last identifier the counter of `table`'s column `colonne` gave, if it gave any: the
/// rows removed since included, so that a restored database never gives one twice.
pub(crate) async fn dernier_identifiant(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
    colonne: &str,
) -> Result<Option<i64>, StoreError> {
    let valeur: Option<Option<i64>> = match backend {
        Backend::Sqlite => {
            sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = $1")
                .bind(table)
                .fetch_optional(conn)
                .await?
        }
        Backend::Postgres => {
            sqlx::query_scalar(
                "SELECT s.last_value FROM pg_sequences s
                 WHERE format('%I.%I', s.schemaname, s.sequencename)
                     = pg_get_serial_sequence($1, $2)",
            )
            .bind(table)
            .bind(colonne)
            .fetch_optional(conn)
            .await?
        }
    };
    Ok(valeur.flatten().filter(|n| *n > 0))
}

/// Sets the counter of `table`'s column `colonne` so that the next identifier it gives comes
/// after `dernier` and after every identifier the table holds.
pub(crate) async fn reprendre_compteur(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
    colonne: &str,
    dernier: Option<i64>,
) -> Result<(), StoreError> {
    let plus_grand: Option<i64> =
        sqlx::query_scalar(&format!("SELECT MAX({colonne}) FROM {table}"))
            .fetch_one(&mut *conn)
            .await?;
    let Some(valeur) = dernier.max(plus_grand).filter(|n| *n > 0) else {
        return Ok(());
    };
    match backend {
        Backend::Sqlite => {
            sqlx::query("DELETE FROM sqlite_sequence WHERE name = $1")
                .bind(table)
                .execute(&mut *conn)
                .await?;
            sqlx::query("INSERT INTO sqlite_sequence (name, seq) VALUES ($1, $2)")
                .bind(table)
                .bind(valeur)
                .execute(conn)
                .await?;
        }
        Backend::Postgres => {
            sqlx::query("SELECT setval(pg_get_serial_sequence($1, $2), $3)")
                .bind(table)
                .bind(colonne)
                .bind(valeur)
                .fetch_one(conn)
                .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    async fn base() -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        let pool = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        crate::migration::migrate(&pool, Backend::Sqlite)
            .await
            .unwrap();
        pool
    }

    /// Every table of the schema is archived or left out knowingly, none both, none twice.
    #[tokio::test]
    async fn chaque_table_du_schema_est_sauvegardee_ou_exclue() {
        let pool = base().await;
        let mut conn = pool.acquire().await.unwrap();
        let schema: BTreeSet<String> = du_schema(&mut conn, Backend::Sqlite)
            .await
            .unwrap()
            .into_iter()
            .collect();
        let prevues: Vec<&str> = TABLES
            .iter()
            .map(|t| t.nom)
            .chain(HORS_ARCHIVE.iter().map(|(t, _)| *t))
            .collect();
        let uniques: BTreeSet<String> = prevues.iter().map(|t| (*t).to_owned()).collect();
        assert_eq!(uniques.len(), prevues.len(), "une table figure deux fois");
        assert_eq!(schema, uniques);
        verifier_schema(&mut conn, Backend::Sqlite).await.unwrap();
    }

    /// Each archived table comes after every table its foreign keys point at (the geography
    /// being there before a restore begins), and a reference to itself is declared.
    #[tokio::test]
    async fn les_tables_suivent_l_ordre_des_cles_etrangeres() {
        let pool = base().await;
        let mut conn = pool.acquire().await.unwrap();
        for (rang, table) in TABLES.iter().enumerate() {
            let cibles: Vec<(String, String)> =
                sqlx::query_as(r#"SELECT "table", "from" FROM pragma_foreign_key_list($1)"#)
                    .bind(table.nom)
                    .fetch_all(&mut *conn)
                    .await
                    .unwrap();
            for (cible, colonne) in cibles {
                if cible == table.nom {
                    assert_eq!(
                        table.auto_reference.map(|(c, _)| c),
                        Some(colonne.as_str()),
                        "{} se désigne elle-même par {colonne}",
                        table.nom
                    );
                    continue;
                }
                let avant = TABLES[..rang].iter().any(|t| t.nom == cible);
                let geographie = HORS_ARCHIVE
                    .iter()
                    .any(|(t, raison)| *t == cible && raison.starts_with("géographie"));
                assert!(
                    avant || geographie,
                    "{} désigne {cible}, pas avant elle",
                    table.nom
                );
            }
        }
    }

    /// Columns are typed from the schema; the counters are those of the identity columns.
    #[tokio::test]
    async fn colonnes_et_compteurs_se_lisent_du_schema() {
        let pool = base().await;
        let mut conn = pool.acquire().await.unwrap();
        let note = colonnes(&mut conn, Backend::Sqlite, "note").await.unwrap();
        let genres: Vec<(&str, Genre)> = note.iter().map(|c| (c.nom.as_str(), c.genre)).collect();
        assert!(genres.contains(&("id", Genre::Entier)));
        assert!(genres.contains(&("texte", Genre::Texte)));
        let cible = colonnes(&mut conn, Backend::Sqlite, "cible").await.unwrap();
        assert!(
            cible
                .iter()
                .any(|c| c.nom == "valeur" && c.genre == Genre::Reel)
        );
        for (table, attendu) in [
            ("note", Some("id")),
            ("contrat", None),
            ("journal", Some("id")),
            ("attribution", None),
        ] {
            assert_eq!(
                identite(&mut conn, Backend::Sqlite, table)
                    .await
                    .unwrap()
                    .as_deref(),
                attendu,
                "{table}"
            );
        }
        assert!(Genre::depuis("BOOLEAN", "t", "c").is_err());
    }
}
