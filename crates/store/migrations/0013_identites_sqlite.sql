-- sqlite seulement
-- Stable identities on SQLite (ADR 0014): the columns migration 12 adds on PostgreSQL. SQLite
-- cannot add an auto-incremented key to a table, so each table is rebuilt with one, its rows
-- copied in their order.

CREATE TABLE etape_identifiee (
    id {{id}},
    fiche_id BIGINT NOT NULL REFERENCES fiche_action (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    libelle TEXT NOT NULL,
    echeance TEXT,
    faite BIGINT NOT NULL CHECK (faite IN (0, 1)),
    UNIQUE (fiche_id, rang)
);
INSERT INTO etape_identifiee (fiche_id, rang, libelle, echeance, faite)
    SELECT fiche_id, rang, libelle, echeance, faite FROM etape ORDER BY fiche_id, rang;
DROP TABLE etape;
ALTER TABLE etape_identifiee RENAME TO etape;

CREATE TABLE ligne_budget_identifiee (
    id {{id}},
    fiche_id BIGINT NOT NULL REFERENCES fiche_action (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    annee BIGINT NOT NULL,
    financeur TEXT NOT NULL,
    nature TEXT NOT NULL,
    previsionnel_centimes BIGINT CHECK (previsionnel_centimes >= 0),
    realise_centimes BIGINT CHECK (realise_centimes >= 0),
    UNIQUE (fiche_id, rang)
);
INSERT INTO ligne_budget_identifiee (fiche_id, rang, annee, financeur, nature, previsionnel_centimes, realise_centimes)
    SELECT fiche_id, rang, annee, financeur, nature, previsionnel_centimes, realise_centimes FROM ligne_budget ORDER BY fiche_id, rang;
DROP TABLE ligne_budget;
ALTER TABLE ligne_budget_identifiee RENAME TO ligne_budget;

CREATE TABLE cible_identifiee (
    id {{id}},
    indicateur_id BIGINT NOT NULL REFERENCES indicateur (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    annee BIGINT NOT NULL,
    valeur DOUBLE PRECISION NOT NULL,
    UNIQUE (indicateur_id, rang)
);
INSERT INTO cible_identifiee (indicateur_id, rang, annee, valeur)
    SELECT indicateur_id, rang, annee, valeur FROM cible ORDER BY indicateur_id, rang;
DROP TABLE cible;
ALTER TABLE cible_identifiee RENAME TO cible;

CREATE TABLE mesure_identifiee (
    id {{id}},
    indicateur_id BIGINT NOT NULL REFERENCES indicateur (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    date TEXT NOT NULL,
    valeur DOUBLE PRECISION NOT NULL,
    source TEXT,
    UNIQUE (indicateur_id, rang)
);
INSERT INTO mesure_identifiee (indicateur_id, rang, date, valeur, source)
    SELECT indicateur_id, rang, date, valeur, source FROM mesure ORDER BY indicateur_id, rang;
DROP TABLE mesure;
ALTER TABLE mesure_identifiee RENAME TO mesure;

CREATE TABLE note_identifiee (
    id {{id}},
    fiche_id BIGINT NOT NULL REFERENCES fiche_action (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    date TEXT NOT NULL,
    texte TEXT NOT NULL,
    auteur TEXT,
    UNIQUE (fiche_id, rang)
);
INSERT INTO note_identifiee (fiche_id, rang, date, texte, auteur)
    SELECT fiche_id, rang, date, texte, auteur FROM note ORDER BY fiche_id, rang;
DROP TABLE note;
ALTER TABLE note_identifiee RENAME TO note;

CREATE TABLE document_identifiee (
    id {{id}},
    fiche_id BIGINT NOT NULL REFERENCES fiche_action (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    titre TEXT NOT NULL,
    date TEXT,
    reference TEXT NOT NULL,
    UNIQUE (fiche_id, rang)
);
INSERT INTO document_identifiee (fiche_id, rang, titre, date, reference)
    SELECT fiche_id, rang, titre, date, reference FROM document ORDER BY fiche_id, rang;
DROP TABLE document;
ALTER TABLE document_identifiee RENAME TO document;

CREATE TABLE financement_coordination_identifiee (
    id {{id}},
    contrat_id TEXT NOT NULL REFERENCES coordination (contrat_id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    financeur TEXT NOT NULL,
    montant_centimes BIGINT,
    periode_debut BIGINT,
    periode_fin BIGINT,
    UNIQUE (contrat_id, rang)
);
INSERT INTO financement_coordination_identifiee (contrat_id, rang, financeur, montant_centimes, periode_debut, periode_fin)
    SELECT contrat_id, rang, financeur, montant_centimes, periode_debut, periode_fin FROM financement_coordination ORDER BY contrat_id, rang;
DROP TABLE financement_coordination;
ALTER TABLE financement_coordination_identifiee RENAME TO financement_coordination;

CREATE TABLE membre_identifiee (
    id {{id}},
    instance_id BIGINT NOT NULL REFERENCES instance (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    organisation TEXT NOT NULL,
    personne TEXT,
    fonction TEXT,
    UNIQUE (instance_id, rang)
);
INSERT INTO membre_identifiee (instance_id, rang, organisation, personne, fonction)
    SELECT instance_id, rang, organisation, personne, fonction FROM membre ORDER BY instance_id, rang;
DROP TABLE membre;
ALTER TABLE membre_identifiee RENAME TO membre;
