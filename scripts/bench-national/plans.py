#!/usr/bin/env python3
"""The query plans of Pilote's reads on the national set (called by scripts/bench-national.sh).

  plans.py sqlite FICHIER CONTRAT
  plans.py postgres URL CONTRAT

Runs EXPLAIN on the queries a contract's page, a fiche-action's page, a session and the list
of contracts make (the store's own SQL, with contract CONTRAT and its first fiche-action), on
SQLite (`EXPLAIN QUERY PLAN`, standard library) or on PostgreSQL (psql, as the application's
role `pilote_application` with a coordinator's roles set, so that the plans include row-level
security). Prints one line per query and, for any full scan of a table of more than
GRANDE_TABLE rows, the plan; exit status 4 if there was one.
"""

import re
import sqlite3
import subprocess
import sys

GRANDE_TABLE = 5000

# (name, SQL with :contrat and :fiche), as the store reads them.
REQUETES = [
    ("contrat", "SELECT * FROM contrat WHERE id = :contrat"),
    ("portée", "SELECT * FROM contrat_portee WHERE contrat_id = :contrat"),
    ("suivants", "SELECT id, nom, generation FROM contrat WHERE precedent = :contrat"),
    ("axes", "SELECT * FROM axe WHERE contrat_id = :contrat ORDER BY numero"),
    ("objectifs", "SELECT o.* FROM objectif o JOIN axe a ON a.id = o.axe_id "
                  "WHERE a.contrat_id = :contrat ORDER BY o.rang, o.id"),
    ("fiches", "SELECT f.* FROM fiche_action f WHERE f.contrat_id = :contrat ORDER BY f.rang"),
    ("fiche par numéro", "SELECT id FROM fiche_action WHERE contrat_id = :contrat AND numero = '1'"),
] + [
    (f"{table} du contrat", f"SELECT t.* FROM {table} t JOIN fiche_action f ON f.id = t.fiche_id "
                            f"WHERE f.contrat_id = :contrat ORDER BY t.fiche_id, t.rang")
    for table in ["fiche_public", "fiche_thematique", "fiche_commune", "etape", "ligne_budget",
                  "indicateur", "note", "document"]
] + [
    (f"{table} de la fiche", f"SELECT t.* FROM {table} t JOIN fiche_action f ON f.id = t.fiche_id "
                             f"WHERE f.id = :fiche ORDER BY t.fiche_id, t.rang")
    for table in ["etape", "ligne_budget", "indicateur", "note", "document"]
] + [
    (f"{table} du contrat", f"SELECT t.* FROM {table} t JOIN indicateur i ON i.id = t.indicateur_id "
                            f"JOIN fiche_action f ON f.id = i.fiche_id "
                            f"WHERE f.contrat_id = :contrat ORDER BY t.indicateur_id, t.rang")
    for table in ["cible", "mesure"]
] + [
    ("parties", "SELECT p.id, p.roles, o.nom FROM partie p JOIN organisation o "
                "ON o.id = p.organisation_id WHERE p.contrat_id = :contrat ORDER BY p.rang"),
    ("représentants", "SELECT r.* FROM representant r JOIN partie p ON p.id = r.partie_id "
                      "WHERE p.contrat_id = :contrat ORDER BY r.partie_id, r.rang"),
    ("réunions", "SELECT r.* FROM reunion r JOIN instance i ON i.id = r.instance_id "
                 "WHERE i.contrat_id = :contrat"),
    ("décisions", "SELECT d.* FROM decision d JOIN reunion r ON r.id = d.reunion_id "
                  "JOIN instance i ON i.id = r.instance_id WHERE i.contrat_id = :contrat"),
    ("décisions et fiches", "SELECT df.decision_id, df.fiche_id FROM decision_fiche df "
                            "JOIN fiche_action f ON f.id = df.fiche_id WHERE f.contrat_id = :contrat"),
    ("historique", "SELECT * FROM historique WHERE contrat_id = :contrat ORDER BY version DESC"),
    ("historique de la fiche", "SELECT * FROM historique WHERE fiche_id = :fiche ORDER BY version DESC"),
    ("communes des EPCI", "SELECT c.* FROM commune c JOIN contrat_epci t ON t.epci = c.epci "
                           "WHERE t.contrat_id = :contrat"),
    ("session", "SELECT s.utilisateur_id, u.email, a.role FROM session s "
                "JOIN utilisateur u ON u.id = s.utilisateur_id "
                "LEFT JOIN attribution_lue a ON a.utilisateur_id = s.utilisateur_id "
                "WHERE s.empreinte = 'x' AND s.expire_le > 0"),
    ("compteur", "SELECT valeur FROM generation_donnees"),
]


def sqlite(fichier, contrat):
    base = sqlite3.connect(fichier)
    fiche = base.execute("SELECT MIN(id) FROM fiche_action WHERE contrat_id = ?",
                         (contrat,)).fetchone()[0]
    tailles = {t: base.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
               for (t,) in base.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    plans = {}
    for nom, sql in REQUETES:
        lignes = base.execute("EXPLAIN QUERY PLAN " + sql,
                              {"contrat": contrat, "fiche": fiche}).fetchall()
        plans[nom] = [ligne[3] for ligne in lignes]
    # « SCAN t » (t a table or its alias) is a full scan, unless it goes through an index.
    alias = alias_des_requetes()
    def balayages(nom, plan):
        for detail in plan:
            m = re.match(r"SCAN (\w+)(?! USING (COVERING )?INDEX)", detail)
            if m and "USING" not in detail:
                yield alias[nom].get(m.group(1), m.group(1))
    return verdict(plans, tailles, balayages)


def postgres(url, contrat):
    def psql(script):
        return subprocess.run(["psql", url, "-At", "-v", "ON_ERROR_STOP=1"], input=script,
                              capture_output=True, text=True, check=True).stdout
    fiche = psql(f"SELECT MIN(id) FROM fiche_action WHERE contrat_id = '{contrat}';").strip()
    tailles = {}
    for ligne in psql("SELECT relname, reltuples::bigint FROM pg_class "
                      "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace;").splitlines():
        table, n = ligne.split("|")
        tailles[table] = int(n)
    script = ["BEGIN;", "SET LOCAL ROLE pilote_application;",
              f"SELECT set_config('pilote.roles', 'coordinateur:{contrat}', true);"]
    for nom, sql in REQUETES:
        sql = sql.replace(":contrat", f"'{contrat}'").replace(":fiche", fiche)
        script += [f"\\echo ==== {nom}", f"EXPLAIN {sql};"]
    script.append("ROLLBACK;")
    plans, courant = {}, None
    for ligne in psql("\n".join(script)).splitlines():
        if ligne.startswith("==== "):
            courant = ligne[5:]
            plans[courant] = []
        elif courant and ligne != "ROLLBACK":
            plans[courant].append(ligne)
    def balayages(_nom, plan):
        for ligne in plan:
            m = re.search(r"Seq Scan on (\w+)", ligne)
            if m:
                yield m.group(1)
    return verdict(plans, tailles, balayages)


def alias_des_requetes():
    """For each query, its aliases and the tables they stand for (`FROM etape t`)."""
    mots = {"ON", "WHERE", "JOIN", "LEFT", "ORDER", "GROUP"}
    resultat = {}
    for nom, sql in REQUETES:
        resultat[nom] = {a: t for t, a in re.findall(r"(?:FROM|JOIN) (\w+) (\w+)", sql)
                         if a.upper() not in mots}
    return resultat


def verdict(plans, tailles, balayages):
    fautes = 0
    for nom, plan in plans.items():
        grandes = sorted({t for t in balayages(nom, plan) if tailles.get(t, 0) > GRANDE_TABLE})
        if grandes:
            fautes += 1
            print(f"  plan {nom:<28} parcours complet de {', '.join(grandes)} :")
            for ligne in plan:
                print(f"      {ligne}")
        else:
            print(f"  plan {nom:<28} index")
    print(f"  plans : {len(plans)} requêtes, {fautes} parcours complet(s) d'une table de plus de "
          f"{GRANDE_TABLE} lignes")
    return 4 if fautes else 0


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("sqlite", "postgres"):
        sys.exit(__doc__)
    sys.exit((sqlite if sys.argv[1] == "sqlite" else postgres)(sys.argv[2], sys.argv[3]))
