-- Contracts and everything they hold. Lists of free text that are never queried on their own
-- (paragraphs, agenda items…) are JSON arrays in TEXT columns; everything one may filter or
-- join on (territory, publics, themes, actions, budget, indicators) has its own table.
-- Children are ordered by `rang` and go with their contract (ON DELETE CASCADE).
-- {{id}} stands for the dialect's auto-increment primary key (see migration.rs).

CREATE TABLE contrat (
    id TEXT PRIMARY KEY,
    nom TEXT NOT NULL,
    generation BIGINT NOT NULL CHECK (generation >= 1),
    -- 1 when the public may read it.
    publie BIGINT NOT NULL CHECK (publie IN (0, 1)),
    precedent TEXT REFERENCES contrat (id),
    statut TEXT,
    periode_debut BIGINT,
    periode_fin BIGINT,
    duree_annees BIGINT,
    demarche_lancee TEXT,
    signature_date TEXT,
    signature_lieu TEXT,
    presentation TEXT NOT NULL,
    priorites TEXT NOT NULL,
    enjeux TEXT NOT NULL,
    quartiers_prioritaires TEXT NOT NULL,
    fiches_actions_annoncees BIGINT,
    source_titre TEXT,
    source_mise_a_jour TEXT,
    -- Incremented by every change, for optimistic concurrency.
    version BIGINT NOT NULL DEFAULT 1,
    cree_le TEXT NOT NULL,
    modifie_le TEXT NOT NULL
);
CREATE INDEX contrat_precedent ON contrat (precedent);

CREATE TABLE contrat_public (
    contrat_id TEXT NOT NULL REFERENCES contrat (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (contrat_id, rang)
);

CREATE TABLE contrat_thematique (
    contrat_id TEXT NOT NULL REFERENCES contrat (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (contrat_id, rang)
);

-- The territory as picked: whole EPCI and individual communes.
CREATE TABLE contrat_epci (
    contrat_id TEXT NOT NULL REFERENCES contrat (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    epci TEXT NOT NULL REFERENCES epci (code),
    PRIMARY KEY (contrat_id, rang)
);

CREATE TABLE contrat_commune (
    contrat_id TEXT NOT NULL REFERENCES contrat (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (contrat_id, rang)
);

CREATE TABLE partie (
    id {{id}},
    contrat_id TEXT NOT NULL REFERENCES contrat (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    organisation_nom TEXT NOT NULL,
    organisation_nature TEXT NOT NULL,
    organisation_siren TEXT,
    -- JSON array of role codes.
    roles TEXT NOT NULL
);
CREATE INDEX partie_contrat ON partie (contrat_id);

CREATE TABLE representant (
    partie_id BIGINT NOT NULL REFERENCES partie (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    nom TEXT NOT NULL,
    fonction TEXT,
    PRIMARY KEY (partie_id, rang)
);

CREATE TABLE avenant (
    contrat_id TEXT NOT NULL REFERENCES contrat (id) ON DELETE CASCADE,
    numero BIGINT NOT NULL,
    date TEXT,
    objet TEXT NOT NULL,
    PRIMARY KEY (contrat_id, numero)
);

CREATE TABLE coordination (
    contrat_id TEXT PRIMARY KEY REFERENCES contrat (id) ON DELETE CASCADE,
    poste TEXT NOT NULL,
    personne_nom TEXT,
    personne_fonction TEXT,
    employeur TEXT
);

CREATE TABLE financement_coordination (
    contrat_id TEXT NOT NULL REFERENCES coordination (contrat_id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    financeur TEXT NOT NULL,
    montant_centimes BIGINT,
    periode_debut BIGINT,
    periode_fin BIGINT,
    PRIMARY KEY (contrat_id, rang)
);

CREATE TABLE diagnostic (
    id {{id}},
    contrat_id TEXT NOT NULL REFERENCES contrat (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    titre TEXT NOT NULL,
    date TEXT,
    description TEXT,
    constats TEXT NOT NULL
);
CREATE INDEX diagnostic_contrat ON diagnostic (contrat_id);

CREATE TABLE indicateur_diagnostic (
    diagnostic_id BIGINT NOT NULL REFERENCES diagnostic (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    libelle TEXT NOT NULL,
    valeur DOUBLE PRECISION NOT NULL,
    unite TEXT,
    annee BIGINT,
    departement DOUBLE PRECISION,
    region DOUBLE PRECISION,
    france DOUBLE PRECISION,
    source TEXT,
    PRIMARY KEY (diagnostic_id, rang)
);

CREATE TABLE evaluation (
    contrat_id TEXT NOT NULL REFERENCES contrat (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    titre TEXT NOT NULL,
    date TEXT,
    synthese TEXT,
    constats TEXT NOT NULL,
    PRIMARY KEY (contrat_id, rang)
);

-- Axes of the contract (perimetre 'cls') or of its CLSM ('clsm').
CREATE TABLE axe (
    id {{id}},
    contrat_id TEXT NOT NULL REFERENCES contrat (id) ON DELETE CASCADE,
    perimetre TEXT NOT NULL CHECK (perimetre IN ('cls', 'clsm')),
    numero BIGINT NOT NULL,
    titre TEXT NOT NULL,
    description TEXT,
    transversal BIGINT NOT NULL CHECK (transversal IN (0, 1)),
    UNIQUE (contrat_id, perimetre, numero)
);

CREATE TABLE objectif (
    id {{id}},
    axe_id BIGINT NOT NULL REFERENCES axe (id) ON DELETE CASCADE,
    parent_id BIGINT REFERENCES objectif (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    niveau TEXT NOT NULL,
    libelle TEXT NOT NULL
);
CREATE INDEX objectif_axe ON objectif (axe_id);

CREATE TABLE fiche_action (
    id {{id}},
    contrat_id TEXT NOT NULL REFERENCES contrat (id) ON DELETE CASCADE,
    axe_id BIGINT NOT NULL REFERENCES axe (id) ON DELETE CASCADE,
    objectif_id BIGINT REFERENCES objectif (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    numero TEXT NOT NULL,
    titre TEXT NOT NULL,
    contexte TEXT,
    objectifs TEXT NOT NULL,
    description TEXT,
    pilote_organisation TEXT,
    pilote_nom TEXT,
    pilote_fonction TEXT,
    partenaires TEXT NOT NULL,
    debut TEXT,
    fin TEXT,
    statut TEXT,
    avancement BIGINT CHECK (avancement BETWEEN 0 AND 100),
    UNIQUE (contrat_id, numero)
);
CREATE INDEX fiche_action_axe ON fiche_action (axe_id);

CREATE TABLE fiche_public (
    fiche_id BIGINT NOT NULL REFERENCES fiche_action (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (fiche_id, rang)
);

CREATE TABLE fiche_thematique (
    fiche_id BIGINT NOT NULL REFERENCES fiche_action (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (fiche_id, rang)
);

-- The communes an action covers when it does not cover the whole territory.
CREATE TABLE fiche_commune (
    fiche_id BIGINT NOT NULL REFERENCES fiche_action (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (fiche_id, rang)
);

CREATE TABLE etape (
    fiche_id BIGINT NOT NULL REFERENCES fiche_action (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    libelle TEXT NOT NULL,
    echeance TEXT,
    faite BIGINT NOT NULL CHECK (faite IN (0, 1)),
    PRIMARY KEY (fiche_id, rang)
);

CREATE TABLE ligne_budget (
    fiche_id BIGINT NOT NULL REFERENCES fiche_action (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    annee BIGINT NOT NULL,
    financeur TEXT NOT NULL,
    nature TEXT NOT NULL,
    previsionnel_centimes BIGINT CHECK (previsionnel_centimes >= 0),
    realise_centimes BIGINT CHECK (realise_centimes >= 0),
    PRIMARY KEY (fiche_id, rang)
);

CREATE TABLE indicateur (
    id {{id}},
    fiche_id BIGINT NOT NULL REFERENCES fiche_action (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    libelle TEXT NOT NULL,
    type_indicateur TEXT NOT NULL,
    unite TEXT,
    valeur_initiale DOUBLE PRECISION
);
CREATE INDEX indicateur_fiche ON indicateur (fiche_id);

CREATE TABLE cible (
    indicateur_id BIGINT NOT NULL REFERENCES indicateur (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    annee BIGINT NOT NULL,
    valeur DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (indicateur_id, rang)
);

CREATE TABLE mesure (
    indicateur_id BIGINT NOT NULL REFERENCES indicateur (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    date TEXT NOT NULL,
    valeur DOUBLE PRECISION NOT NULL,
    source TEXT,
    PRIMARY KEY (indicateur_id, rang)
);

CREATE TABLE note (
    fiche_id BIGINT NOT NULL REFERENCES fiche_action (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    date TEXT NOT NULL,
    texte TEXT NOT NULL,
    auteur TEXT,
    PRIMARY KEY (fiche_id, rang)
);

CREATE TABLE document (
    fiche_id BIGINT NOT NULL REFERENCES fiche_action (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    titre TEXT NOT NULL,
    date TEXT,
    reference TEXT NOT NULL,
    PRIMARY KEY (fiche_id, rang)
);

-- Governance bodies of the contract (perimetre 'cls') or of its CLSM ('clsm').
CREATE TABLE instance (
    id {{id}},
    contrat_id TEXT NOT NULL REFERENCES contrat (id) ON DELETE CASCADE,
    perimetre TEXT NOT NULL CHECK (perimetre IN ('cls', 'clsm')),
    rang BIGINT NOT NULL,
    nature TEXT NOT NULL,
    nom TEXT NOT NULL,
    description TEXT,
    presidence TEXT
);
CREATE INDEX instance_contrat ON instance (contrat_id);

CREATE TABLE membre (
    instance_id BIGINT NOT NULL REFERENCES instance (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    organisation TEXT NOT NULL,
    personne TEXT,
    fonction TEXT,
    PRIMARY KEY (instance_id, rang)
);

CREATE TABLE reunion (
    id {{id}},
    instance_id BIGINT NOT NULL REFERENCES instance (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    date TEXT NOT NULL,
    lieu TEXT,
    ordre_du_jour TEXT NOT NULL,
    presents TEXT NOT NULL,
    compte_rendu TEXT
);
CREATE INDEX reunion_instance ON reunion (instance_id);

CREATE TABLE decision (
    id {{id}},
    reunion_id BIGINT NOT NULL REFERENCES reunion (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    texte TEXT NOT NULL
);
CREATE INDEX decision_reunion ON decision (reunion_id);

CREATE TABLE decision_fiche (
    decision_id BIGINT NOT NULL REFERENCES decision (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    fiche_id BIGINT NOT NULL REFERENCES fiche_action (id) ON DELETE CASCADE,
    PRIMARY KEY (decision_id, rang),
    UNIQUE (decision_id, fiche_id)
);

CREATE TABLE clsm (
    contrat_id TEXT PRIMARY KEY REFERENCES contrat (id) ON DELETE CASCADE,
    nom TEXT NOT NULL,
    lancement TEXT,
    presentation TEXT NOT NULL
);

CREATE TABLE evenement (
    contrat_id TEXT NOT NULL REFERENCES clsm (contrat_id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,
    titre TEXT NOT NULL,
    date TEXT,
    description TEXT,
    PRIMARY KEY (contrat_id, rang)
);
