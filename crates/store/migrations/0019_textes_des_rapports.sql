-- What the coordinator writes for a contract's reports (issue 13): the introduction and the
-- conclusion of the annual report of a year (`annuel-2025`) or of the evaluation report
-- (`evaluation`); the rest of a report is made from the contract's data.
CREATE TABLE texte_rapport (
    contrat_id TEXT NOT NULL REFERENCES contrat (id) ON DELETE CASCADE,
    rapport TEXT NOT NULL,
    introduction TEXT,
    conclusion TEXT,
    PRIMARY KEY (contrat_id, rapport)
);
