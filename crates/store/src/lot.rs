//! Multi-row INSERT statements: a bulk write (the official geography, an import) sends one
//! statement per batch of rows instead of one per row.

use sqlx::AnyConnection;

use crate::StoreError;

/// Rows per multi-row INSERT. SQLite looks `$N` parameter names up linearly while preparing,
/// so a statement's cost grows with the square of its parameters: 100 rows (800 parameters)
/// load the communes 3× faster than 500 (measured with `pilote bench-geographie`).
pub(crate) const LOT: usize = 100;

/// A value bound in a bulk insert.
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
    for lot in lignes.chunks(LOT) {
        let rangs: Vec<Vec<Valeur>> = lot.iter().map(&valeurs).collect();
        let largeur = rangs.first().map_or(0, Vec::len);
        let tuples: Vec<String> = (0..rangs.len())
            .map(|i| format!("({})", placeholders(i * largeur + 1, largeur)))
            .collect();
        let sql = format!("INSERT INTO {table} VALUES {} {conflit}", tuples.join(", "));
        let mut query = sqlx::query(&sql);
        for valeur in rangs.into_iter().flatten() {
            query = match valeur {
                Valeur::Texte(t) => query.bind(t),
                Valeur::Entier(n) => query.bind(n),
                Valeur::Reel(x) => query.bind(x),
            };
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// `$first, $first+1, …` for `count` parameters.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}
