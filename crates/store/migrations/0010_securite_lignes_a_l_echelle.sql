-- postgres seulement
-- Row-level security at national scale (ADR 0013). What a contract holds was readable when
-- `EXISTS (SELECT 1 FROM contrat k WHERE k.id = contrat_id)` held, the subquery filtered by the
-- contract's own policy; PostgreSQL planned it as a hashed subplan evaluating that policy for
-- every contract of the database, on every query (about 1 ms each at 500 contracts, 40 ms for
-- a contract page). The same check, in a function the planner cannot inline, looks up only
-- the contract of the rows read, through its primary key.
CREATE FUNCTION pilote_peut_lire(c text) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM contrat k WHERE k.id = c);
END
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['contrat_public', 'contrat_thematique', 'contrat_epci',
        'contrat_commune', 'partie', 'avenant', 'coordination', 'financement_coordination',
        'diagnostic', 'evaluation', 'axe', 'fiche_action', 'instance', 'clsm', 'evenement']
    LOOP
        EXECUTE format('ALTER POLICY lecture ON %I USING (pilote_peut_lire(contrat_id))', t);
    END LOOP;
END $$;

-- A fiche-action's change no longer moves the contract's version (it claims the fiche's own,
-- migration 0009): its pilots no longer change the contract's row.
ALTER POLICY modification ON contrat
    USING (pilote_modifie_tout(id))
    WITH CHECK (pilote_modifie_tout(id));
