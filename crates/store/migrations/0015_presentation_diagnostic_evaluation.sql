-- What a CLS says that had no place (issue 12): who was present at the signature (JSON array
-- of {nom, fonction}); how and by whom a diagnostic was made and
-- what residents and professionals said; an indicator's theme; the coordinator post's status;
-- how exact a funding is; a fiche-action's assessment; an evaluation's nature,
-- recommendations and criteria; the contract's achievements.
ALTER TABLE contrat ADD COLUMN signature_presents TEXT NOT NULL DEFAULT '[]';
ALTER TABLE diagnostic ADD COLUMN methode TEXT;
ALTER TABLE diagnostic ADD COLUMN realise_par TEXT;
-- JSON array of texts.
ALTER TABLE diagnostic ADD COLUMN paroles TEXT NOT NULL DEFAULT '[]';
ALTER TABLE indicateur_diagnostic ADD COLUMN thematique TEXT;
ALTER TABLE coordination ADD COLUMN statut TEXT;
ALTER TABLE coordination ADD COLUMN depuis TEXT;
ALTER TABLE financement_coordination ADD COLUMN qualificatif TEXT;
ALTER TABLE fiche_action ADD COLUMN bilan_aboutissement TEXT;
ALTER TABLE fiche_action ADD COLUMN bilan_commentaire TEXT;
ALTER TABLE evaluation ADD COLUMN nature TEXT;
ALTER TABLE evenement ADD COLUMN nature TEXT;
-- JSON array of texts.
ALTER TABLE evaluation ADD COLUMN recommandations TEXT NOT NULL DEFAULT '[]';
-- JSON array of {critere, appreciation, commentaire}.
ALTER TABLE evaluation ADD COLUMN criteres TEXT NOT NULL DEFAULT '[]';

CREATE TABLE realisation (
    id {{id}},
    contrat_id TEXT NOT NULL REFERENCES contrat (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    titre TEXT NOT NULL,
    date TEXT,
    description TEXT,
    fiche_id BIGINT REFERENCES fiche_action (id) ON DELETE SET NULL
);
CREATE INDEX realisation_contrat ON realisation (contrat_id);
