-- Reference data loaded by the administrator (issue 14): public files never shipped with
-- Pilote. Each nature's current file is described in `donnees_de_reference` (its source and
-- vintage, shown wherever the data is used); a load replaces a nature's rows and its
-- description in one transaction, so that the previous vintage stays in use until the new
-- one is complete.
CREATE TABLE donnees_de_reference (
    nature TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    millesime INTEGER NOT NULL,
    fichier TEXT NOT NULL,
    lignes BIGINT NOT NULL,
    lignes_ecartees BIGINT NOT NULL,
    -- The first lines set aside, what was wrong with each, one per line.
    ecartees TEXT NOT NULL,
    charge_le TEXT NOT NULL,
    charge_par TEXT NOT NULL
);

-- A commune's chef-lieu (WGS84 degrees).
CREATE TABLE centroide_commune (
    code TEXT PRIMARY KEY,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL
);

-- General practitioners practising in a commune, from the RPPS extract: a practitioner of
-- several communes counts a share in each.
CREATE TABLE medecins_commune (
    code TEXT PRIMARY KEY,
    medecins DOUBLE PRECISION NOT NULL
);

-- A quartier prioritaire de la politique de la ville, one row per commune it lies in.
CREATE TABLE qpv (
    code TEXT NOT NULL,
    nom TEXT NOT NULL,
    commune TEXT NOT NULL,
    population BIGINT NOT NULL,
    PRIMARY KEY (code, commune)
);
CREATE INDEX qpv_commune ON qpv (commune);

-- A value of an indicator for a territory (`niveau`: commune, epci, departement, region,
-- france) and a year, for the diagnostics' comparisons.
CREATE TABLE indicateur_territorial (
    niveau TEXT NOT NULL,
    code TEXT NOT NULL,
    indicateur TEXT NOT NULL,
    annee INTEGER NOT NULL,
    valeur DOUBLE PRECISION NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (niveau, code, indicateur, annee)
);

-- The medical accessibility (APL) last computed from the loaded centroids and general
-- practitioners, with what it was computed from (`cle`: each input's load moment; `entrees`:
-- their sources and vintages), and each commune's value.
CREATE TABLE calcul_apl (
    cle TEXT NOT NULL,
    entrees TEXT NOT NULL,
    parametres TEXT NOT NULL,
    calcule_le TEXT NOT NULL,
    communes BIGINT NOT NULL,
    apl_moyenne DOUBLE PRECISION NOT NULL
);

CREATE TABLE apl_commune (
    code TEXT PRIMARY KEY,
    apl DOUBLE PRECISION NOT NULL,
    sous_dense INTEGER NOT NULL
);
