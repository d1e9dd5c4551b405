#!/usr/bin/env bash
# End-to-end tests in a real browser: installs Debian's chromium if missing (never a browser
# downloaded by the test tool), the pinned npm packages of tests/e2e, builds and serves Pilote
# on a fresh SQLite database with an administrator and an ARS agent, and runs
# tests/e2e/parcours.mjs (the coordinator's path), tests/e2e/portail.mjs (a resident's, by
# keyboard, to the contract the first published) then tests/e2e/acceptation.mjs (a real CLS,
# ../shared/seeds/005, entered through the pages; it prints the actions counted).
# PILOTE_E2E_CAPTURES=DOSSIER keeps a screenshot of every page checked, at 1280 and 390 px.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null; then
  echo "Installation de chromium (paquet Debian)"
  sudo_si_besoin=""
  [ "$(id -u)" -ne 0 ] && sudo_si_besoin="sudo"
  $sudo_si_besoin apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_si_besoin apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error

cargo build --locked -p pilote-cli
pilote="${CARGO_TARGET_DIR:-target}/debug/pilote"
dossier=$(mktemp -d)
base="sqlite://$dossier/pilote.db"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"

admin=admin@e2e.pilote.fr
sortie=$("$pilote" --database-url "$base" user add "$admin" --nom "Administratrice E2E")
mdp=$(printf '%s\n' "$sortie" | grep -o '[A-Za-z0-9]\{20\}$' | tail -1)
"$pilote" --database-url "$base" user grant "$admin" administrateur >/dev/null
# The acceptance test's first-time coordinator: an agent of the ARS Occitanie.
ars=ars-occitanie@e2e.pilote.fr
sortie=$("$pilote" --database-url "$base" user add "$ars" --nom "Agent ARS Occitanie")
mdp_ars=$(printf '%s\n' "$sortie" | grep -o '[A-Za-z0-9]\{20\}$' | tail -1)
"$pilote" --database-url "$base" user grant "$ars" ars:region:76 >/dev/null
# A contract without a plan yet, for the plan imported from a spreadsheet.
cat >"$dossier/sans-plan.toml" <<'TOML'
id = "essai-sans-plan-2025"
nom = "CLS d'essai sans plan"
generation = 1
territoire = { communes = ["14118"] }
TOML
"$pilote" --database-url "$base" import "$dossier/sans-plan.toml" >/dev/null

"$pilote" --database-url "$base" serve --listen "127.0.0.1:$port" --url-publique "$url" \
  --courriels-dossier "$dossier/courriels" --documents "$dossier/documents" >"$dossier/serveur.log" 2>&1 &
serveur=$!
trap 'kill $serveur 2>/dev/null || true; rm -rf "$dossier"' EXIT
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "$url/connexion" 2>/dev/null && break
  sleep 0.2
done

export PILOTE_E2E_URL="$url" PILOTE_E2E_ADMIN="$admin" PILOTE_E2E_ADMIN_MDP="$mdp" \
  PILOTE_E2E_ARS="$ars" PILOTE_E2E_ARS_MDP="$mdp_ars" PILOTE_E2E_COURRIELS="$dossier/courriels" \
  PILOTE_E2E_BINAIRE="$pilote" PILOTE_E2E_BASE="$base"
for test in parcours portail acceptation; do
  echo "== tests/e2e/$test.mjs"
  node "tests/e2e/$test.mjs" || { echo "--- journal du serveur"; tail -50 "$dossier/serveur.log"; exit 1; }
done
