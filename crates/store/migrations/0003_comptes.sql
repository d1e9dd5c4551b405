-- Accounts and the roles they hold. A role's scope is spread over typed columns, so that
-- "who coordinates this contract" or "which agents cover this région" are plain queries (and,
-- later, row-level security policies).

CREATE TABLE utilisateur (
    id {{id}},
    email TEXT NOT NULL UNIQUE,
    nom TEXT,
    -- Argon2id PHC string; NULL for an account that signs in through OpenID Connect only.
    mot_de_passe TEXT,
    cree_le TEXT NOT NULL
);

-- role: administrateur | ars | coordinateur | pilote | partenaire.
-- ars: niveau national | region | departement, with code for the last two.
-- coordinateur, partenaire: contrat_id; pilote: contrat_id and fiche (its number).
CREATE TABLE attribution (
    utilisateur_id BIGINT NOT NULL REFERENCES utilisateur (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('administrateur', 'ars', 'coordinateur', 'pilote', 'partenaire')),
    niveau TEXT CHECK (niveau IN ('national', 'region', 'departement')),
    code TEXT,
    contrat_id TEXT REFERENCES contrat (id) ON DELETE CASCADE,
    fiche TEXT,
    attribue_le TEXT NOT NULL
);
CREATE INDEX attribution_utilisateur ON attribution (utilisateur_id);
CREATE INDEX attribution_contrat ON attribution (contrat_id);
