-- postgres seulement
-- Row-level security: the database's own copy of the authorization policy
-- (pilote_domain::autorisation), a second layer behind the store's checks. The application's
-- queries run as the role `pilote_application` (the store switches to it on every connection);
-- each transaction hands it the actor's roles in the setting `pilote.roles`, one per line, in
-- their text form (administrateur, ars:national, ars:region:28, ars:departement:14,
-- coordinateur:ID, partenaire:ID, pilote:ID:FICHE). No setting, no roles: the public.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pilote_application') THEN
        CREATE ROLE pilote_application NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL; -- created meanwhile by a concurrent migration of another database
END $$;

DO $$
BEGIN
    IF NOT pg_has_role(current_user, 'pilote_application', 'MEMBER') THEN
        EXECUTE format('GRANT pilote_application TO %I', current_user);
    END IF;
END $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO pilote_application;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO pilote_application;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO pilote_application;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO pilote_application;

CREATE FUNCTION pilote_roles() RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(string_to_array(nullif(current_setting('pilote.roles', true), ''), E'\n'), '{}')
$$;

-- Administrators, ARS agents whose scope covers the contract, its coordinators.
CREATE FUNCTION pilote_modifie_tout(c text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM unnest(pilote_roles()) AS r
        WHERE r IN ('administrateur', 'ars:national', 'coordinateur:' || c)
           OR EXISTS (
                SELECT 1 FROM contrat_portee p
                WHERE p.contrat_id = c
                  AND r IN ('ars:region:' || p.region, 'ars:departement:' || p.departement)
           )
    )
$$;

-- Whether the actor pilots a fiche-action of the contract.
CREATE FUNCTION pilote_pilote_dans(c text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM unnest(pilote_roles()) AS r WHERE starts_with(r, 'pilote:' || c || ':'))
$$;

-- Everything, unpublished parts included: partners and pilots too.
CREATE FUNCTION pilote_lit_tout(c text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT pilote_modifie_tout(c) OR 'partenaire:' || c = ANY (pilote_roles()) OR pilote_pilote_dans(c)
$$;

CREATE FUNCTION pilote_modifie_fiche(c text, numero text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT pilote_modifie_tout(c) OR 'pilote:' || c || ':' || numero = ANY (pilote_roles())
$$;

-- A contract: read if published or with a role on it; created by administrators and ARS
-- agents; changed by who changes it whole, and by its pilots (a fiche's change moves the
-- contract's version on).
ALTER TABLE contrat ENABLE ROW LEVEL SECURITY;
CREATE POLICY lecture ON contrat FOR SELECT USING (publie = 1 OR pilote_lit_tout(id));
CREATE POLICY creation ON contrat FOR INSERT WITH CHECK (
    EXISTS (SELECT 1 FROM unnest(pilote_roles()) AS r
            WHERE r = 'administrateur' OR starts_with(r, 'ars:'))
);
CREATE POLICY modification ON contrat FOR UPDATE
    USING (pilote_modifie_tout(id) OR pilote_pilote_dans(id))
    WITH CHECK (pilote_modifie_tout(id) OR pilote_pilote_dans(id));
CREATE POLICY suppression ON contrat FOR DELETE USING (pilote_modifie_tout(id));

-- What a contract holds: seen with the contract (the subquery is itself filtered by the
-- contract's policy), written by who changes the contract whole.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['contrat_public', 'contrat_thematique', 'contrat_epci',
        'contrat_commune', 'partie', 'avenant', 'coordination', 'financement_coordination',
        'diagnostic', 'evaluation', 'axe', 'fiche_action', 'instance', 'clsm', 'evenement']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY lecture ON %I FOR SELECT
                USING (EXISTS (SELECT 1 FROM contrat k WHERE k.id = contrat_id))', t);
        EXECUTE format(
            'CREATE POLICY creation ON %I FOR INSERT WITH CHECK (pilote_modifie_tout(contrat_id))', t);
        EXECUTE format(
            'CREATE POLICY suppression ON %I FOR DELETE USING (pilote_modifie_tout(contrat_id))', t);
        IF t <> 'fiche_action' THEN
            EXECUTE format(
                'CREATE POLICY modification ON %I FOR UPDATE
                    USING (pilote_modifie_tout(contrat_id)) WITH CHECK (pilote_modifie_tout(contrat_id))', t);
        END IF;
    END LOOP;
END $$;

-- A fiche-action: changed by its pilot as well.
CREATE POLICY modification ON fiche_action FOR UPDATE
    USING (pilote_modifie_fiche(contrat_id, numero))
    WITH CHECK (pilote_modifie_fiche(contrat_id, numero));
