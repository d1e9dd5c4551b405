//! Multi-row INSERT statements: a bulk write (the official geography, an import) sends one
//! statement per batch of rows instead of one per row.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyConnection};

use crate::StoreError;

/// Rows per multi-row INSERT. SQLite looks `$N` parameter names up linearly while preparing,
/// so a statement's cost grows with the square of its parameters: 100 rows (800 parameters)
/// load the communes 3× faster than 500 (measured with `pilote bench-geographie`).
pub(crate) const LOT: usize = 100;

/// A value bound in a bulk insert.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Valeur {
    Texte(Option<String>),
    Entier(Option<i64>),
    Reel(Option<f64>),
}

/// Inserts into `table` (its name and column list, `"etape (fiche_id, rang, …)"`) a row per
/// item of `lignes`, in batches of [`LOT`] rows, each followed by `conflit` (an ON CONFLICT
/// clause or "").
pub(crate) async fn inserer<T>(
    conn: &mut AnyConnection,
    table: &str,
    conflit: &str,
    lignes: &[T],
    valeurs: impl Fn(&T) -> Vec<Valeur>,
) -> Result<(), StoreError> {
    inserer_et_lire(conn, table, conflit, lignes, valeurs)
        .await
        .map(drop)
}

/// As [`inserer`], `suite` being a RETURNING clause: the rows it gives, in no particular
/// order (return a column that tells them apart, `rang` say).
pub(crate) async fn inserer_et_lire<T>(
    conn: &mut AnyConnection,
    table: &str,
    suite: &str,
    lignes: &[T],
    valeurs: impl Fn(&T) -> Vec<Valeur>,
) -> Result<Vec<AnyRow>, StoreError> {
    let postgres = en_postgres(conn);
    let mut lues = Vec::new();
    for lot in lignes.chunks(LOT) {
        let rangs: Vec<Vec<Valeur>> = lot.iter().map(&valeurs).collect();
        let mut n = 0;
        let tuples: Vec<String> = rangs
            .iter()
            .map(|rang| {
                let parametres: Vec<String> = rang
                    .iter()
                    .map(|valeur| {
                        n += 1;
                        match valeur {
                            Valeur::Reel(_) => parametre_reel(postgres, n),
                            _ => format!("${n}"),
                        }
                    })
                    .collect();
                format!("({})", parametres.join(", "))
            })
            .collect();
        let sql = format!("INSERT INTO {table} VALUES {} {suite}", tuples.join(", "));
        let mut query = sqlx::query(&sql);
        for valeur in rangs.into_iter().flatten() {
            query = match valeur {
                Valeur::Texte(t) => query.bind(t),
                Valeur::Entier(n) => query.bind(n),
                Valeur::Reel(x) => lier_reel(query, postgres, x),
            };
        }
        lues.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(lues)
}

/// Whether `conn` is a PostgreSQL connection.
pub(crate) fn en_postgres(conn: &AnyConnection) -> bool {
    conn.backend_name() == "PostgreSQL"
}

/// Parameter `n`, a real number. sqlx 0.8.6's `Any` driver declares a NULL `f64` as a
/// PostgreSQL `float4`, and the prepared statement keeps that type: a later non-NULL `f64`
/// bound to it is then refused (« incorrect binary data format »). On PostgreSQL a real goes
/// as text, cast back in SQL (exact: Rust writes the shortest text that reads back the same).
pub(crate) fn parametre_reel(postgres: bool, n: usize) -> String {
    if postgres {
        format!("CAST(${n} AS DOUBLE PRECISION)")
    } else {
        format!("${n}")
    }
}

/// Binds real `x` to a parameter written by [`parametre_reel`].
pub(crate) fn lier_reel<'q>(
    query: Query<'q, Any, AnyArguments<'q>>,
    postgres: bool,
    x: Option<f64>,
) -> Query<'q, Any, AnyArguments<'q>> {
    if postgres {
        query.bind(x.map(|v| v.to_string()))
    } else {
        query.bind(x)
    }
}

/// `$first, $first+1, …` for `count` parameters.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}
