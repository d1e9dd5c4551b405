#!/usr/bin/env bash
# Vendors the Système de design de l'État (DSFR) CSS from the npm package @gouvfr/dsfr, pinned
# below, into crates/web/assets/dsfr/ with its licence. The Marianne and Spectral fonts are
# reserved to State services: every @font-face rule is stripped, and Pilote sets system fonts.
# The SVG icons the stylesheet references are copied beside it. Needs Node.js and npm.
set -euo pipefail
VERSION=1.14.4
racine=$(cd "$(dirname "$0")/.." && pwd)
cible="$racine/crates/web/assets/dsfr"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npm install --no-audit --no-fund --silent --prefix "$tmp" "@gouvfr/dsfr@$VERSION"
dist="$tmp/node_modules/@gouvfr/dsfr/dist"
rm -rf "$cible"
mkdir -p "$cible"
node -e '
const fs = require("fs");
const [source, sortie] = process.argv.slice(1);
const css = fs.readFileSync(source, "utf8").replace(/@font-face\{[^}]*\}/g, "").replace(/\/\*# sourceMappingURL=[^*]*\*\//g, "");
if (/@font-face|\.woff/.test(css)) { console.error("une police subsiste"); process.exit(1); }
fs.writeFileSync(sortie, css);
' "$dist/dsfr.min.css" "$cible/dsfr.min.css"
grep -o 'url(icons/[^)]*)' "$cible/dsfr.min.css" | sed 's/^url(//; s/)$//' | sort -u | while read -r icone; do
  mkdir -p "$cible/$(dirname "$icone")"
  cp "$dist/$icone" "$cible/$icone"
done
cp "$tmp/node_modules/@gouvfr/dsfr/LICENSE.md" "$cible/LICENSE.md"
echo "@gouvfr/dsfr $VERSION (dist/dsfr.min.css sans @font-face, icônes référencées)" > "$cible/VERSION"
find "$cible" -type f | wc -l
du -sh "$cible"
