#!/usr/bin/env python3
"""Checks the modules' imports of every crate of the workspace (called by .ci/run).

1. No cycle between sibling modules of any crate: if `a` uses `b` (directly or through
   their sub-modules), `b` does not use `a`, at any depth of the module tree.
2. In the web crate, the kernel (`noyau`) imports no feature and no feature imports another:
   every top-level module other than `noyau` is a feature.

A module's imports are the `crate::…` and `super::…` paths its file names (outside its
`#[cfg(test)] mod tests`). The crate root (`lib.rs`, `main.rs`) composes the others and is
not checked. Exits 1 and names every offence in French.
"""
import os
import re
import sys

RACINE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def modules(src):
    """Every module of a crate: its path (a tuple of names) and its file."""
    trouves = {}
    for dossier, _, fichiers in os.walk(src):
        for f in fichiers:
            if f.endswith(".rs"):
                chemin = os.path.relpath(os.path.join(dossier, f), src)[:-3].split(os.sep)
                if chemin[-1] in ("lib", "main", "mod"):
                    chemin = chemin[:-1]
                trouves[tuple(chemin)] = os.path.join(dossier, f)
    return trouves


def imports(module, fichier, connus):
    """The modules `module` names, each as the longest known prefix of the path."""
    texte = open(fichier, encoding="utf-8").read()
    texte = re.sub(r"#\[cfg\(test\)\]\s*mod tests \{.*", "", texte, flags=re.S)
    cibles = set()
    for chemin in re.findall(r"\b((?:crate|super)(?:::\w+)+)", texte):
        parties = chemin.split("::")
        if parties[0] == "crate":
            cible = parties[1:]
        else:
            cible, i = list(module), 0
            while i < len(parties) and parties[i] == "super":
                cible, i = cible[:-1], i + 1
            cible += parties[i:]
        for k in range(len(cible), 0, -1):
            if tuple(cible[:k]) in connus:
                cibles.add(tuple(cible[:k]))
                break
    return cibles


def composantes(graphe):
    """The strongly connected components of more than one node (Tarjan)."""
    index, bas, pile, sur, resultat, compteur = {}, {}, [], set(), [], [0]

    def visiter(v):
        index[v] = bas[v] = compteur[0]
        compteur[0] += 1
        pile.append(v)
        sur.add(v)
        for w in sorted(graphe[v]):
            if w not in index:
                visiter(w)
                bas[v] = min(bas[v], bas[w])
            elif w in sur:
                bas[v] = min(bas[v], index[w])
        if bas[v] == index[v]:
            composante = []
            while True:
                w = pile.pop()
                sur.discard(w)
                composante.append(w)
                if w == v:
                    break
            if len(composante) > 1:
                resultat.append(sorted(composante))

    for v in sorted(graphe):
        if v not in index:
            visiter(v)
    return resultat


def nom(module):
    return "::".join(module) or "(racine)"


def verifier(crate, src):
    connus = modules(src)
    aretes = {m: imports(m, f, connus) for m, f in connus.items()}
    fautes = []
    for parent in sorted({m[:-1] for m in connus if m}):
        n = len(parent)
        enfants = {m for m in connus if len(m) == n + 1 and m[:n] == parent}
        graphe = {e: set() for e in enfants}
        for m, cibles in aretes.items():
            if len(m) <= n or m[:n] != parent:
                continue
            for c in cibles:
                if len(c) > n and c[:n] == parent and c[: n + 1] != m[: n + 1]:
                    graphe[m[: n + 1]].add(c[: n + 1])
        for composante in composantes(graphe):
            fautes.append(
                f"{crate} : cycle d'imports entre les modules "
                + ", ".join(nom(c) for c in composante)
            )
        if crate == "web" and not parent:
            for m, cibles in sorted(graphe.items()):
                for c in sorted(cibles):
                    if c != ("noyau",):
                        fautes.append(
                            f"web : le module {nom(m)} importe la fonctionnalité {nom(c)} "
                            "(le noyau n'importe aucune fonctionnalité, une fonctionnalité "
                            "n'importe que le noyau)"
                        )
    return fautes


def main():
    crates = os.path.join(RACINE, "crates")
    fautes = []
    for crate in sorted(os.listdir(crates)):
        src = os.path.join(crates, crate, "src")
        if os.path.isdir(src):
            fautes += verifier(crate, src)
    for faute in fautes:
        print(faute)
    if fautes:
        sys.exit(1)
    print(f"imports : aucun cycle dans {len(os.listdir(crates))} crates, fonctionnalités du web indépendantes")


if __name__ == "__main__":
    main()
