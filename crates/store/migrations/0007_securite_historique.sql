-- postgres seulement
-- Row-level security of the history (ADR 0007): read by whoever reads the whole contract,
-- written by whoever changes any part of it.
ALTER TABLE historique ENABLE ROW LEVEL SECURITY;
CREATE POLICY lecture ON historique FOR SELECT USING (pilote_lit_tout(contrat_id));
CREATE POLICY creation ON historique FOR INSERT
    WITH CHECK (pilote_modifie_tout(contrat_id) OR pilote_pilote_dans(contrat_id));
