-- Official geography (INSEE code officiel géographique), loaded from the extract shipped in
-- crates/store/geographie/ and replaced as a whole when its version changes.

CREATE TABLE region (
    code TEXT PRIMARY KEY,
    nom TEXT NOT NULL
);

CREATE TABLE departement (
    code TEXT PRIMARY KEY,
    nom TEXT NOT NULL,
    region TEXT NOT NULL REFERENCES region (code)
);

-- EPCI à fiscalité propre, identified by their SIREN.
CREATE TABLE epci (
    code TEXT PRIMARY KEY,
    nom TEXT NOT NULL,
    nature TEXT NOT NULL
);

-- Every kind of commune: a commune déléguée may share its code with its commune actuelle,
-- hence the key on (code, type_commune). `parent` is the enclosing commune of an
-- arrondissement, commune déléguée or associée, whose population it already counts.
CREATE TABLE commune (
    code TEXT NOT NULL,
    type_commune TEXT NOT NULL,
    nom TEXT NOT NULL,
    departement TEXT NOT NULL,
    region TEXT NOT NULL,
    epci TEXT REFERENCES epci (code),
    parent TEXT,
    population BIGINT,
    PRIMARY KEY (code, type_commune)
);
CREATE INDEX commune_epci ON commune (epci);

-- The version of the extract loaded (one row at most).
CREATE TABLE geographie_version (
    version TEXT NOT NULL,
    chargee_le TEXT NOT NULL
);
