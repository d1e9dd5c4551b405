-- The partners directory, shared across contracts: each organisation (ARS, préfecture, CPAM,
-- collectivités, hospitals, associations…) is kept once, by SIREN where known, else by name
-- and kind; a contract's parties point at it, with their roles on that contract.
CREATE TABLE organisation (
    id {{id}},
    nom TEXT NOT NULL,
    nature TEXT NOT NULL,
    siren TEXT UNIQUE,
    cree_le TEXT NOT NULL
);
CREATE UNIQUE INDEX organisation_nom_nature ON organisation (nom, nature);

INSERT INTO organisation (nom, nature, siren, cree_le)
SELECT organisation_nom, organisation_nature, MAX(organisation_siren), MIN(c.cree_le)
FROM partie JOIN contrat c ON c.id = partie.contrat_id
GROUP BY organisation_nom, organisation_nature;

ALTER TABLE partie ADD COLUMN organisation_id BIGINT REFERENCES organisation (id);
UPDATE partie SET organisation_id = (
    SELECT o.id FROM organisation o
    WHERE o.nom = partie.organisation_nom AND o.nature = partie.organisation_nature
);
CREATE INDEX partie_organisation ON partie (organisation_id);
ALTER TABLE partie DROP COLUMN organisation_nom;
ALTER TABLE partie DROP COLUMN organisation_nature;
ALTER TABLE partie DROP COLUMN organisation_siren;
