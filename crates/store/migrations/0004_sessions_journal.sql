-- Sign-in, sessions, invitations and the journal. Times are Unix seconds (UTC) where they are
-- compared, RFC 3339 text where they are only shown. Tokens are never stored: only the
-- SHA-256 fingerprint of the ones that grant something.

-- A signed-in browser. `csrf` is the token its forms must send back; `id_token` is kept for
-- an OpenID Connect sign-out (id_token_hint).
CREATE TABLE session (
    empreinte TEXT PRIMARY KEY,
    utilisateur_id BIGINT NOT NULL REFERENCES utilisateur (id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    id_token TEXT,
    cree_le BIGINT NOT NULL,
    expire_le BIGINT NOT NULL
);
CREATE INDEX session_expire ON session (expire_le);

-- Failed password attempts per address (known or not, so that both behave alike).
CREATE TABLE tentative_connexion (
    cle TEXT PRIMARY KEY,
    echecs BIGINT NOT NULL,
    depuis BIGINT NOT NULL,
    bloque_jusqu_a BIGINT
);

-- An OpenID Connect sign-in under way: its `state` (fingerprint) and `nonce`, single-use.
CREATE TABLE demande_oidc (
    empreinte TEXT PRIMARY KEY,
    nonce TEXT NOT NULL,
    expire_le BIGINT NOT NULL
);

-- The provider's subject an account is bound to at its first OpenID Connect sign-in.
ALTER TABLE utilisateur ADD COLUMN oidc_sujet TEXT;

-- An invitation to a role on a contract, sent by e-mail; single-use, expiring.
CREATE TABLE invitation (
    empreinte TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    contrat_id TEXT NOT NULL REFERENCES contrat (id) ON DELETE CASCADE,
    invite_par BIGINT REFERENCES utilisateur (id) ON DELETE SET NULL,
    cree_le BIGINT NOT NULL,
    expire_le BIGINT NOT NULL,
    acceptee_le BIGINT
);

-- Who did what, when, from where: every change and every read of unpublished data, written
-- in the transaction of what it records.
CREATE TABLE journal (
    id {{id}},
    horodatage BIGINT NOT NULL,
    utilisateur_id BIGINT REFERENCES utilisateur (id) ON DELETE SET NULL,
    qui TEXT NOT NULL,
    origine TEXT NOT NULL,
    action TEXT NOT NULL,
    objet TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX journal_horodatage ON journal (horodatage);

-- The départements and régions a contract's territory lies in, derived from the territory
-- when the contract is written: what the authorization policy (and PostgreSQL's row-level
-- security) needs to know of a contract, in one indexed read.
CREATE TABLE contrat_portee (
    contrat_id TEXT NOT NULL REFERENCES contrat (id) ON DELETE CASCADE,
    departement TEXT NOT NULL,
    region TEXT NOT NULL,
    PRIMARY KEY (contrat_id, departement)
);
INSERT INTO contrat_portee (contrat_id, departement, region)
SELECT DISTINCT t.contrat_id, c.departement, c.region
FROM (
    SELECT contrat_id, code FROM contrat_commune
    UNION
    SELECT e.contrat_id, m.code FROM contrat_epci e JOIN commune m ON m.epci = e.epci
) t
JOIN commune c ON c.code = t.code;
