-- Accounts administered in the browser (issue 16). An account is deactivated rather than
-- deleted, so that the journal keeps who did what; its last sign-in is shown to who manages
-- it. A password is chosen through a one-time link sent by e-mail: to a person whose account
-- was just created (« bienvenue »), or whose password was reset (« reinitialisation »); only
-- the link's fingerprint is kept.
ALTER TABLE utilisateur ADD COLUMN desactive_le BIGINT;
ALTER TABLE utilisateur ADD COLUMN derniere_connexion_le BIGINT;

CREATE TABLE lien_mot_de_passe (
    empreinte TEXT PRIMARY KEY,
    utilisateur_id BIGINT NOT NULL REFERENCES utilisateur (id) ON DELETE CASCADE,
    motif TEXT NOT NULL CHECK (motif IN ('bienvenue', 'reinitialisation')),
    emis_par BIGINT REFERENCES utilisateur (id) ON DELETE SET NULL,
    cree_le BIGINT NOT NULL,
    expire_le BIGINT NOT NULL,
    utilise_le BIGINT
);
CREATE INDEX lien_mot_de_passe_utilisateur ON lien_mot_de_passe (utilisateur_id);

-- The journal filtered by kind and by period, newest first.
CREATE INDEX journal_action ON journal (action, horodatage);
