#!/usr/bin/env bash
# Benchmark of the accessibility engine (APL, E2SFCA with DREES's steps) against PySAL's
# `access` package, side by side on the same inputs:
#   - France: the real centroids and populations of ../shared/data/communes_centroides.csv
#     (when present) with a generated supply, and every pair within 20 minutes;
#   - a synthetic case of 100,000 communes.
# For each: Pilote's engine on the same cost table, from the centroids, a one-commune
# what-if; the `pilote access` command end to end; `access`'s Access.two_stage_fca on the same
# table with the same step weights; both times, their ratio and the largest difference.
#
# Usage: scripts/bench-access.sh [WORKDIR]   (default: $CARGO_TARGET_DIR or target, /bench-access)
# Needs python3.11 and PyPI for the virtual environment (created once in WORKDIR/venv).
set -euo pipefail

cd "$(dirname "$0")/.."
CIBLE=${CARGO_TARGET_DIR:-target}
TRAVAIL=${1:-$CIBLE/bench-access}
CENTROIDES=${CENTROIDES:-../shared/data/communes_centroides.csv}
# Pinned: the versions this benchmark was written against.
PAQUETS_PYTHON="access==1.1.10.post3 pandas==3.1.1 numpy==2.4.6"

echo "== (a) construction (release)"
cargo build --release --quiet -p pilote-cli
cargo build --release --quiet -p pilote-access --examples
PILOTE=$CIBLE/release/pilote
EXEMPLES=$CIBLE/release/examples

echo "== (b) génération des entrées"
mkdir -p "$TRAVAIL"
CAS=()
if [[ -f $CENTROIDES ]]; then
  "$EXEMPLES/generer" france "$CENTROIDES" "$TRAVAIL/france"
  CAS+=(france)
else
  echo "$CENTROIDES absent : pas de cas France"
fi
"$EXEMPLES/generer" synthetique 100000 "$TRAVAIL/synthetique"
CAS+=(synthetique)

echo "== (d) environnement Python ($PAQUETS_PYTHON)"
if [[ ! -x $TRAVAIL/venv/bin/python ]]; then
  python3.11 -m venv "$TRAVAIL/venv"
  "$TRAVAIL/venv/bin/pip" install --quiet --disable-pip-version-check $PAQUETS_PYTHON
fi
cat > "$TRAVAIL/comparer.py" <<'PYTHON'
"""PySAL's access on the files of `generer`, against Pilote's APL and timings."""
import sys
import time
from importlib.metadata import version

import numpy as np
import pandas as pd
from access import Access, weights

dossier = sys.argv[1]
mesures = dict(l.strip().split("=") for l in open(f"{dossier}/mesures.txt") if "=" in l)
texte = {"dtype": {"code_insee": str, "origine": str, "destination": str}}
debut = time.perf_counter()
communes = pd.read_csv(f"{dossier}/communes.csv", **texte)
offre = pd.read_csv(f"{dossier}/offre.csv", **texte)
od = pd.read_csv(f"{dossier}/od.csv", **texte)
lecture = time.perf_counter() - debut
acces = Access(
    demand_df=communes, demand_index="code_insee", demand_value="population",
    supply_df=offre, supply_index="code_insee", supply_value="offre",
    cost_df=od, cost_origin="origine", cost_dest="destination", cost_name="minutes",
)
# DREES's steps, held up to their bound included (step_fn: cost <= bound).
paliers = weights.step_fn({10: 1, 15: 2 / 3, 20: 1 / 3})
debut = time.perf_counter()
resultat = acces.two_stage_fca(name="apl", weight_fn=paliers)
pysal = time.perf_counter() - debut

apl_pysal = resultat["apl_offre"]
pilote = pd.read_csv(f"{dossier}/apl_pilote.csv", **texte).set_index("code_insee")["apl"]
ecart = (apl_pysal.reindex(pilote.index) - pilote).abs().max(skipna=False)
moteur = float(mesures["moteur_od_s"])
centroides = float(mesures["moteur_centroides_s"])
pire_scenario = float(mesures["scenario_pire_s"])
rapport = pysal / moteur
print(f"  {len(communes)} communes, {len(od)} paires à 20 min ou moins")
print(f"  PySAL access {version('access')} two_stage_fca (table chargée) : {pysal:.3f} s "
      f"(lecture pandas des CSV : {lecture:.2f} s)")
print(f"  Pilote, même table de temps (chargée)          : {moteur * 1e3:.2f} ms "
      f"(lecture du CSV : {float(mesures['lecture_od_s']):.2f} s)")
print(f"  rapport PySAL / Pilote                         : {rapport:.0f}×  (objectif ≥ 100×)")
print(f"  écart absolu maximal entre les deux APL        : {ecart:.3e}  (objectif < 1e-9)")
print(f"  Pilote depuis les centroïdes (tout le calcul)  : {centroides * 1e3:.1f} ms  (objectif < 1 s)")
print(f"  Pilote, scénario à une commune (pire cas)      : {pire_scenario * 1e6:.1f} µs  (objectif < 1 ms)")
echecs = [nom for nom, tenu in [
    ("rapport ≥ 100×", rapport >= 100),
    ("écart < 1e-9", bool(ecart < 1e-9)),
    ("centroïdes < 1 s", centroides < 1),
    ("scénario < 1 ms", pire_scenario < 1e-3),
] if not tenu]
print("  objectifs : " + ("tous tenus" if not echecs else "manqués : " + ", ".join(echecs)))
sys.exit(1 if not bool(ecart < 1e-9) else 0)
PYTHON

echo "== (c) mesures"
for cas in "${CAS[@]}"; do
  dossier=$TRAVAIL/$cas
  echo "--- $cas : moteur Pilote"
  "$EXEMPLES/mesurer" "$dossier"
  echo "--- $cas : commande pilote access, de bout en bout (lecture des fichiers comprise)"
  for od in "" "--od $dossier/od.csv"; do
    debut=$(date +%s%N)
    # shellcheck disable=SC2086
    "$PILOTE" access compute --communes "$dossier/communes.csv" --supply "$dossier/offre.csv" \
      $od --out "$dossier/apl_commande.csv" | sed 's/^/  /'
    echo "  => ${od:+avec --od : }$(( ($(date +%s%N) - debut) / 1000000 )) ms au total"
  done
  premiere=$(sed -n 2p "$dossier/offre.csv" | cut -d, -f1)
  "$PILOTE" access simulate --communes "$dossier/communes.csv" --supply "$dossier/offre.csv" \
    --change "$premiere=+5000" | grep -E '^Scénario' | sed "s/^/  $premiere +5000 : /"
  echo "--- $cas : PySAL access, côte à côte"
  "$TRAVAIL/venv/bin/python" "$TRAVAIL/comparer.py" "$dossier"
done
