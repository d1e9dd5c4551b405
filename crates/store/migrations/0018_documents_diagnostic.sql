-- The documents of a diagnostic (the study, its summary…): files in the document storage,
-- named by their key, as a fiche-action's documents are. Like those and the diagnostic's
-- indicators, the store reaches these rows only through their diagnostic (row-level security
-- is on the tables that name a contract).
CREATE TABLE document_diagnostic (
    id {{id}},
    diagnostic_id BIGINT NOT NULL REFERENCES diagnostic (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    titre TEXT NOT NULL,
    date TEXT,
    reference TEXT NOT NULL,
    UNIQUE (diagnostic_id, rang)
);
