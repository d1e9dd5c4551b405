-- sqlite seulement
-- Stable identities on SQLite (ADR 0014) for the diagnostics' indicators, the evaluations and
-- the CLSM's events:
-- the columns migration 16 adds on PostgreSQL, each table rebuilt with its rows copied in
-- their order.

CREATE TABLE indicateur_diagnostic_identifie (
    id {{id}},
    diagnostic_id BIGINT NOT NULL REFERENCES diagnostic (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    libelle TEXT NOT NULL,
    valeur DOUBLE PRECISION NOT NULL,
    unite TEXT,
    annee BIGINT,
    departement DOUBLE PRECISION,
    region DOUBLE PRECISION,
    france DOUBLE PRECISION,
    source TEXT,
    thematique TEXT,
    UNIQUE (diagnostic_id, rang)
);
INSERT INTO indicateur_diagnostic_identifie (diagnostic_id, rang, libelle, valeur, unite, annee,
        departement, region, france, source, thematique)
    SELECT diagnostic_id, rang, libelle, valeur, unite, annee, departement, region, france,
        source, thematique
    FROM indicateur_diagnostic ORDER BY diagnostic_id, rang;
DROP TABLE indicateur_diagnostic;
ALTER TABLE indicateur_diagnostic_identifie RENAME TO indicateur_diagnostic;

CREATE TABLE evaluation_identifiee (
    id {{id}},
    contrat_id TEXT NOT NULL REFERENCES contrat (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    titre TEXT NOT NULL,
    date TEXT,
    synthese TEXT,
    constats TEXT NOT NULL,
    nature TEXT,
    recommandations TEXT NOT NULL DEFAULT '[]',
    criteres TEXT NOT NULL DEFAULT '[]',
    UNIQUE (contrat_id, rang)
);
INSERT INTO evaluation_identifiee (contrat_id, rang, titre, date, synthese, constats, nature,
        recommandations, criteres)
    SELECT contrat_id, rang, titre, date, synthese, constats, nature, recommandations, criteres
    FROM evaluation ORDER BY contrat_id, rang;
DROP TABLE evaluation;
ALTER TABLE evaluation_identifiee RENAME TO evaluation;

CREATE TABLE evenement_identifie (
    id {{id}},
    contrat_id TEXT NOT NULL REFERENCES clsm (contrat_id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    titre TEXT NOT NULL,
    date TEXT,
    description TEXT,
    nature TEXT,
    UNIQUE (contrat_id, rang)
);
INSERT INTO evenement_identifie (contrat_id, rang, titre, date, description, nature)
    SELECT contrat_id, rang, titre, date, description, nature
    FROM evenement ORDER BY contrat_id, rang;
DROP TABLE evenement;
ALTER TABLE evenement_identifie RENAME TO evenement;
