#!/usr/bin/env python3
"""Helpers of scripts/bench-national.sh (standard library only).

  aide.py choisir DOSSIER     prints "ID<TAB>NUMERO<TAB>FICHES": the first contract of the
                              generated set (by file name), the number of its first
                              fiche-action (document order) and its count of fiches-actions.
  aide.py tableau DOSSIER     prints the table of one backend from DOSSIER/routes.tsv (key,
                              route, bytes, curl's HTTP status) and wrk's outputs
                              DOSSIER/KEY.{pilote,nginx,seul}.txt; exit status 3 when some
                              answer of Pilote was not a 200.
  aide.py comptes BASE CIBLE  adds one pilot's account per fiche-action (10,000 at national
                              scale, without password) to the database CIBLE (a SQLite file
                              for BASE sqlite, a PostgreSQL URL for postgres): the accounts
                              the administration's list reads.
"""

import os
import re
import sqlite3
import subprocess
import sys
import tomllib


def fiches(noeud):
    """The fiches-actions of the contract's axes, in document order (an axis, then its
    objectives and sub-objectives); not those of the CLSM, nor the numbers that decisions cite."""
    if isinstance(noeud, dict):
        for cle, valeur in noeud.items():
            if cle == "fiches_actions":
                yield from (f for f in valeur if isinstance(f, dict))
            elif cle in ("objectifs", "sous_objectifs"):
                yield from fiches(valeur)
    elif isinstance(noeud, list):
        for element in noeud:
            yield from fiches(element)


def choisir(dossier):
    noms = sorted(f for f in os.listdir(dossier) if f.endswith(".toml"))
    if not noms:
        sys.exit(f"aucun fichier .toml dans {dossier}")
    with open(os.path.join(dossier, noms[0]), "rb") as fichier:
        contrat = tomllib.load(fichier)
    liste = list(fiches(contrat.get("axes", [])))
    if not liste:
        sys.exit(f"{noms[0]} : aucune fiche-action")
    print(f"{contrat['id']}\t{liste[0]['numero']}\t{len(liste)}")


UNITES = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def duree_ms(texte):
    nombre, unite = re.fullmatch(r"([0-9.]+)([a-z]+)", texte).groups()
    return float(nombre) * UNITES[unite]


def lire_wrk(chemin):
    """Requests/sec, p50 and p99 (ms), count of non-2xx/3xx answers and socket errors."""
    if not os.path.exists(chemin):
        return None
    with open(chemin, encoding="utf-8", errors="replace") as fichier:
        texte = fichier.read()
    mesure = {"rps": None, "p50": None, "p99": None, "requetes": 0, "non2xx": 0, "erreurs": 0,
              "connexions": None, "duree_ms": None}
    if m := re.search(r"^Requests/sec:\s+([0-9.]+)", texte, re.M):
        mesure["rps"] = float(m.group(1))
    for centile in ("50", "99"):
        if m := re.search(rf"^\s+{centile}(?:\.000)?%\s+([0-9.]+[a-z]+)", texte, re.M):
            mesure["p" + centile] = duree_ms(m.group(1))
    if m := re.search(r"^\s+(\d+) requests in ([0-9.]+[a-z]+),", texte, re.M):
        mesure["requetes"] = int(m.group(1))
        mesure["duree_ms"] = duree_ms(m.group(2))
    if m := re.search(r"(\d+) connections", texte):
        mesure["connexions"] = int(m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", texte):
        mesure["non2xx"] = int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", texte):
        mesure["erreurs"] = sum(int(x) for x in m.groups())
    return mesure


def ms(valeur):
    if valeur is None:
        return "?"
    return f"{valeur:.2f} ms" if valeur < 100 else f"{valeur:.0f} ms"


def rps(valeur):
    if valeur is None:
        return "?"
    return f"{valeur:.1f}" if valeur < 100 else f"{valeur:.0f}"


def tableau(dossier):
    entetes = ["route", "octets", "Pilote req/s", "Pilote p50", "Pilote p99",
               "nginx req/s", "Pilote/nginx", "p50 seul", "réponses"]
    lignes = []
    notes = []
    anomalies = 0
    with open(os.path.join(dossier, "routes.tsv"), encoding="utf-8") as fichier:
        for ligne in fichier:
            cle, route, octets, code = ligne.rstrip("\n").split("\t")
            pilote = lire_wrk(os.path.join(dossier, f"{cle}.pilote.txt"))
            nginx = lire_wrk(os.path.join(dossier, f"{cle}.nginx.txt"))
            seul = lire_wrk(os.path.join(dossier, f"{cle}.seul.txt"))
            rapport = "?"
            if pilote and nginx and pilote["rps"] and nginx["rps"]:
                pourcent = 100 * pilote["rps"] / nginx["rps"]
                rapport = f"{pourcent:.1f} %" if pourcent >= 1 else f"{pourcent:.2f} %"
            # Every answer of Pilote must be a 200 (the bytes were checked once with curl; wrk
            # counts the answers outside 2xx/3xx, and the socket errors and timeouts).
            defauts = [] if code == "200" else [f"curl : HTTP {code}"]
            for nom, mesure in (("charge", pilote), ("seul", seul)):
                if mesure is None or mesure["rps"] is None:
                    defauts.append(f"{nom} : pas de mesure")
                    continue
                if mesure["non2xx"]:
                    defauts.append(f"{nom} : {mesure['non2xx']}/{mesure['requetes']} non-2xx/3xx")
                if mesure["erreurs"]:
                    defauts.append(f"{nom} : {mesure['erreurs']} erreurs de socket")
            if nginx and (nginx["non2xx"] or nginx["erreurs"]):
                defauts.append(f"nginx : {nginx['non2xx']} non-2xx/3xx, {nginx['erreurs']} erreurs")
            anomalies += bool(defauts)
            # wrk counts only the requests that complete: when the queue of N connections takes
            # longer than the run to drain, the slowest requests are missing from the centiles.
            if pilote and pilote["rps"] and pilote["connexions"] and pilote["duree_ms"]:
                attente = pilote["connexions"] / pilote["rps"]
                if attente * 1e3 > pilote["duree_ms"] / 2:
                    notes.append(f"{route} : {pilote['connexions']} connexions / {pilote['rps']:.1f} req/s "
                                 f"= {attente:.1f} s d'attente pour une mesure de "
                                 f"{pilote['duree_ms'] / 1e3:.0f} s : p50 et p99 sous-estimés "
                                 "(allonger BENCH_DUREE)")
            lignes.append([
                route, octets,
                rps(pilote and pilote["rps"]), ms(pilote and pilote["p50"]),
                ms(pilote and pilote["p99"]), rps(nginx and nginx["rps"]), rapport,
                ms(seul and seul["p50"]),
                (f"toutes 200 ({sum(m['requetes'] for m in (pilote, seul))} requêtes)"
                 if not defauts else "; ".join(defauts)),
            ])
    largeurs = [max(len(str(x)) for x in colonne) for colonne in zip(entetes, *lignes)]
    droite = {1, 2, 3, 4, 5, 6, 7}

    def formater(valeurs):
        return "  ".join(str(v).rjust(l) if i in droite else str(v).ljust(l)
                         for i, (v, l) in enumerate(zip(valeurs, largeurs))).rstrip()

    print(formater(entetes))
    print(formater(["-" * l for l in largeurs]))
    for ligne in lignes:
        print(formater(ligne))
    for note in notes:
        print("note : " + note)
    return anomalies


def comptes(base, cible):
    requetes = [
        "INSERT INTO utilisateur (email, nom, cree_le) "
        "SELECT 'pilote-' || id || '@banc.example.fr', 'Pilote ' || id, '2026-01-01T00:00:00Z' "
        "FROM fiche_action",
        "INSERT INTO attribution (utilisateur_id, role, contrat_id, fiche_id, attribue_le) "
        "SELECT u.id, 'pilote', f.contrat_id, f.id, '2026-01-01T00:00:00Z' FROM fiche_action f "
        "JOIN utilisateur u ON u.email = 'pilote-' || f.id || '@banc.example.fr'",
    ]
    if base == "sqlite":
        with sqlite3.connect(cible) as connexion:
            for requete in requetes:
                connexion.execute(requete)
        n = sqlite3.connect(cible).execute("SELECT COUNT(*) FROM utilisateur").fetchone()[0]
    else:
        script = "\n".join(r + ";" for r in requetes) + "\nSELECT COUNT(*) FROM utilisateur;"
        n = subprocess.run(["psql", cible, "-At", "-v", "ON_ERROR_STOP=1"], input=script,
                           capture_output=True, text=True, check=True).stdout.split()[-1]
    print(f"  comptes : {n}")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "comptes":
        comptes(sys.argv[2], sys.argv[3])
        return
    if len(sys.argv) != 3 or sys.argv[1] not in ("choisir", "tableau"):
        sys.exit(__doc__)
    if sys.argv[1] == "choisir":
        choisir(sys.argv[2])
    else:
        # Exit status 3 when some answer of Pilote was not a 200, for the caller to report.
        sys.exit(3 if tableau(sys.argv[2]) else 0)


if __name__ == "__main__":
    main()
