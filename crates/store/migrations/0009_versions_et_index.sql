-- Versions per part and the indexes of national scale (ADR 0013).

-- Each fiche-action has its own version, claimed by every change to it (its pilot's saves
-- and the coordinator's alike), so that saving one action never makes the open forms of
-- another stale. The contract's `version` now counts the changes of its own parts (general
-- facts, strategy, signature, governance, publication).
ALTER TABLE fiche_action ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- The fiche-action a history row belongs to (NULL: the contract's own parts); its `version`
-- is then the fiche's. No foreign key: the history of a removed action stays.
ALTER TABLE historique ADD COLUMN fiche_id BIGINT;
CREATE INDEX historique_fiche ON historique (fiche_id, version);

-- Every column a page joins or looks up on has an index (checked with EXPLAIN on the national
-- set); the primary keys already cover (parent, rang) lookups.
CREATE INDEX axe_contrat ON axe (contrat_id);
CREATE INDEX objectif_parent ON objectif (parent_id);
CREATE INDEX fiche_action_objectif ON fiche_action (objectif_id);
CREATE INDEX decision_fiche_fiche ON decision_fiche (fiche_id);
CREATE INDEX contrat_portee_departement ON contrat_portee (departement);
CREATE INDEX contrat_portee_region ON contrat_portee (region);
CREATE INDEX commune_departement ON commune (departement);
CREATE INDEX session_utilisateur ON session (utilisateur_id);
CREATE INDEX invitation_contrat ON invitation (contrat_id);
CREATE INDEX journal_utilisateur ON journal (utilisateur_id);

-- What the list of contracts shows of a territory, derived from it when it is written (as
-- `contrat_portee` is), so that the list reads no geography: the population and the number
-- of communes. NULL until computed: the store fills them at start-up for the contracts that
-- predate this migration, and again after a new geography extract.
ALTER TABLE contrat ADD COLUMN population BIGINT;
ALTER TABLE contrat ADD COLUMN nombre_communes BIGINT;

-- A counter moved on after every committed change of what the public may read (contracts,
-- their parts, the geography): the web layer keeps the public's answers in memory and serves
-- them again while it has not moved. One row.
CREATE TABLE generation_donnees (valeur BIGINT NOT NULL);
INSERT INTO generation_donnees (valeur) VALUES (0);
