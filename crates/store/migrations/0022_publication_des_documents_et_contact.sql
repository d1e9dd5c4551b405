-- What a contract shows its residents (issue 15): the documents its coordination publishes on
-- purpose (the public reads the others' titles nowhere and downloads none), and where to write
-- to the coordination (an e-mail address or a web page).
ALTER TABLE document ADD COLUMN publie BIGINT NOT NULL DEFAULT 0 CHECK (publie IN (0, 1));
ALTER TABLE document_diagnostic ADD COLUMN publie BIGINT NOT NULL DEFAULT 0 CHECK (publie IN (0, 1));
ALTER TABLE coordination ADD COLUMN contact TEXT;
