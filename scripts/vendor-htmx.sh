#!/usr/bin/env bash
# Vendors htmx from the npm package htmx.org, pinned below, into crates/web/assets/htmx/ with
# its licence (Zero-Clause BSD). Pages work without it; it makes forms and links swap the page
# in place (hx-boost) and the territory picker answer as one types. Needs Node.js and npm.
set -euo pipefail
VERSION=2.0.11
racine=$(cd "$(dirname "$0")/.." && pwd)
cible="$racine/crates/web/assets/htmx"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npm install --no-audit --no-fund --silent --prefix "$tmp" "htmx.org@$VERSION"
paquet="$tmp/node_modules/htmx.org"
rm -rf "$cible"
mkdir -p "$cible"
cp "$paquet/dist/htmx.min.js" "$cible/htmx.min.js"
cp "$paquet/LICENSE" "$cible/LICENSE"
echo "htmx.org $VERSION (dist/htmx.min.js)" > "$cible/VERSION"
ls -l "$cible"
