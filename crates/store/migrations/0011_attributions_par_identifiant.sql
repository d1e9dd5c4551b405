-- Stable identities (ADR 0014): a pilot's grant and a pilot's invitation name the fiche-action
-- by its identifier, not by its number. Renumbering the strategy leaves them alone; removing
-- the fiche-action removes them (ON DELETE CASCADE).
ALTER TABLE attribution ADD COLUMN fiche_id BIGINT REFERENCES fiche_action (id) ON DELETE CASCADE;
UPDATE attribution SET fiche_id = (
    SELECT f.id FROM fiche_action f
    WHERE f.contrat_id = attribution.contrat_id AND f.numero = attribution.fiche
) WHERE role = 'pilote';
DELETE FROM attribution WHERE role = 'pilote' AND fiche_id IS NULL;
ALTER TABLE attribution DROP COLUMN fiche;
CREATE INDEX attribution_fiche ON attribution (fiche_id);

-- `role` keeps the text form the invitation was sent with; for a pilot, `invitation_lue`
-- gives it with the fiche-action's current number.
ALTER TABLE invitation ADD COLUMN fiche_id BIGINT REFERENCES fiche_action (id) ON DELETE CASCADE;
UPDATE invitation SET fiche_id = (
    SELECT f.id FROM fiche_action f WHERE invitation.role = 'pilote:' || f.contrat_id || ':' || f.numero
) WHERE role LIKE 'pilote:%';
DELETE FROM invitation WHERE role LIKE 'pilote:%' AND fiche_id IS NULL;
CREATE INDEX invitation_fiche ON invitation (fiche_id);

-- Grants and invitations with the current number of the fiche-action they name. On PostgreSQL
-- a view reads with its owner's rights: the number is found before the person's roles are
-- known (signing in, opening an invitation link), when row-level security would hide the
-- fiche-action of an unpublished contract.
CREATE VIEW attribution_lue AS
    SELECT a.utilisateur_id, a.role, a.niveau, a.code, a.contrat_id, a.fiche_id,
           f.numero AS fiche, a.attribue_le
    FROM attribution a LEFT JOIN fiche_action f ON f.id = a.fiche_id;
CREATE VIEW invitation_lue AS
    SELECT i.empreinte, i.email, i.contrat_id, i.expire_le, i.acceptee_le, i.fiche_id,
           CASE WHEN i.fiche_id IS NULL THEN i.role
                ELSE 'pilote:' || i.contrat_id || ':' || f.numero END AS role
    FROM invitation i LEFT JOIN fiche_action f ON f.id = i.fiche_id;
