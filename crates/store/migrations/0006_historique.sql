-- A contract's history: every change, field by field, with the version it produced, who made
-- it and when; what the contract page shows, and what a save based on a stale version is told.
CREATE TABLE historique (
    id {{id}},
    contrat_id TEXT NOT NULL REFERENCES contrat (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    horodatage BIGINT NOT NULL,
    qui TEXT NOT NULL,
    champ TEXT NOT NULL,
    avant TEXT,
    apres TEXT
);
CREATE INDEX historique_contrat ON historique (contrat_id, version);
