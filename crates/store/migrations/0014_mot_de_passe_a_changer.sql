-- A password given out rather than chosen (by `pilote user add`, `serve --admin-email`, a
-- reset) must be changed at the first sign-in: the flag is set when the password is issued
-- and cleared when the person chooses their own. Accounts that exist already keep theirs
-- as is (nothing tells an issued password from a chosen one).
ALTER TABLE utilisateur ADD COLUMN mot_de_passe_a_changer BIGINT NOT NULL DEFAULT 0
    CHECK (mot_de_passe_a_changer IN (0, 1));

-- (Every session of an account is found through `session_utilisateur`, migration 9: signing
-- out everywhere and a changed password close them in one statement.)
