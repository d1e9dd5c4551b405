-- postgres seulement
-- Row-level security for the reports' texts, as for every table holding a contract's part
-- (migrations 5, 10 and 16): read with the contract, written by who changes it whole.
ALTER TABLE texte_rapport ENABLE ROW LEVEL SECURITY;
CREATE POLICY lecture ON texte_rapport FOR SELECT USING (pilote_peut_lire(contrat_id));
CREATE POLICY creation ON texte_rapport FOR INSERT WITH CHECK (pilote_modifie_tout(contrat_id));
CREATE POLICY suppression ON texte_rapport FOR DELETE USING (pilote_modifie_tout(contrat_id));
CREATE POLICY modification ON texte_rapport FOR UPDATE
    USING (pilote_modifie_tout(contrat_id)) WITH CHECK (pilote_modifie_tout(contrat_id));
