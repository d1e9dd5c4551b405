-- Reminders by e-mail (issue 16). What is due is computed from the contracts; each message is
-- queued once under its reason (`cle`) and its address, so that a restart or a second instance
-- queues nothing again, then delivered, retried with a growing delay when the mail server
-- refuses, and shown to the administrator until it is sent.
CREATE TABLE courriel_sortant (
    cle TEXT NOT NULL,
    destinataire TEXT NOT NULL,
    contrat_id TEXT REFERENCES contrat (id) ON DELETE CASCADE,
    sujet TEXT NOT NULL,
    corps TEXT NOT NULL,
    etat TEXT NOT NULL DEFAULT 'a-envoyer' CHECK (etat IN ('a-envoyer', 'en-cours', 'envoye', 'echec')),
    tentatives BIGINT NOT NULL DEFAULT 0,
    prochain_essai BIGINT NOT NULL,
    derniere_erreur TEXT,
    cree_le BIGINT NOT NULL,
    envoye_le BIGINT,
    PRIMARY KEY (cle, destinataire)
);
CREATE INDEX courriel_sortant_etat ON courriel_sortant (etat, prochain_essai);

-- A contract's reminders: on or off, how many days ahead a deadline or a meeting is announced,
-- how often a missed deadline is recalled (0: once), and the coordinator's weekly digest.
-- A contract without a row has the defaults.
CREATE TABLE reglage_rappels (
    contrat_id TEXT PRIMARY KEY REFERENCES contrat (id) ON DELETE CASCADE,
    actif BIGINT NOT NULL DEFAULT 1 CHECK (actif IN (0, 1)),
    jours_avant BIGINT NOT NULL CHECK (jours_avant BETWEEN 1 AND 60),
    relance_jours BIGINT NOT NULL CHECK (relance_jours BETWEEN 0 AND 90),
    resume_hebdomadaire BIGINT NOT NULL DEFAULT 1 CHECK (resume_hebdomadaire IN (0, 1)),
    modifie_le BIGINT NOT NULL
);

-- A person's reminders: on or off, and how often a missed deadline is recalled to them (none:
-- as the contract says). The token of the unsubscribe link every message carries.
CREATE TABLE abonnement_rappels (
    utilisateur_id BIGINT PRIMARY KEY REFERENCES utilisateur (id) ON DELETE CASCADE,
    jeton TEXT NOT NULL UNIQUE,
    actif BIGINT NOT NULL DEFAULT 1 CHECK (actif IN (0, 1)),
    relance_jours BIGINT CHECK (relance_jours BETWEEN 0 AND 90),
    modifie_le BIGINT NOT NULL
);
