#!/usr/bin/env bash
# Vendors the Système de design de l'État (DSFR) CSS from the npm package @gouvfr/dsfr, pinned
# below, into crates/web/assets/dsfr/ with its licence. The Marianne and Spectral fonts are
# reserved to State services: every @font-face rule is stripped, and Pilote sets system fonts.
# The SVG icons the stylesheet references are copied beside it. Of the icon utility stylesheet
# (dist/utility/icons/icons.min.css, 355 KB for some 1,500 icons), only the rules of the
# `fr-icon-*` classes the templates use are kept, in dsfr/icones.min.css: run this script again
# after using a new icon (a test of crates/web says so). Needs Node.js and npm.
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
# The icon classes of the templates, then their rules, inside @media blocks as well.
grep -rhoE 'fr-icon-[a-z0-9-]+' "$racine/crates/web/templates" | sort -u > "$tmp/icones"
node -e '
const fs = require("fs");
const [source, liste, sortie] = process.argv.slice(1);
const utilisees = new Set(fs.readFileSync(liste, "utf8").split("\n").filter(Boolean));
const css = fs.readFileSync(source, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
function blocs(texte) {
  const sortie = [];
  let i = 0;
  for (;;) {
    const ouvrante = texte.indexOf("{", i);
    if (ouvrante < 0) return sortie;
    let profondeur = 1, j = ouvrante + 1;
    while (profondeur > 0) { if (texte[j] === "{") profondeur++; else if (texte[j] === "}") profondeur--; j++; }
    sortie.push([texte.slice(i, ouvrante).trim(), texte.slice(ouvrante + 1, j - 1)]);
    i = j;
  }
}
function garder(texte) {
  return blocs(texte).map(([prelude, corps]) => {
    if (prelude.startsWith("@")) {
      const dedans = garder(corps);
      return dedans ? `${prelude}{${dedans}}` : "";
    }
    const selecteurs = prelude.split(",").filter((s) => {
      const classe = s.match(/\.(fr-icon-[a-z0-9-]+)/);
      return classe && utilisees.has(classe[1]);
    });
    return selecteurs.length ? `${selecteurs.join(",")}{${corps}}` : "";
  }).join("");
}
const gardees = garder(css).replace(/url\(\.\.\/\.\.\/icons\//g, "url(icons/");
for (const icone of utilisees) {
  if (!gardees.includes(`.${icone}:`)) { console.error(`icône inconnue du DSFR : ${icone}`); process.exit(1); }
}
fs.writeFileSync(sortie, "/* DSFR (MIT, voir LICENSE.md) : règles des icônes utilisées par Pilote */\n" + gardees + "\n");
' "$dist/utility/icons/icons.min.css" "$tmp/icones" "$cible/icones.min.css"
cat "$cible/dsfr.min.css" "$cible/icones.min.css" | grep -o 'url(icons/[^)]*)' | sed 's/^url(//; s/)$//' | sort -u | while read -r icone; do
  mkdir -p "$cible/$(dirname "$icone")"
  cp "$dist/$icone" "$cible/$icone"
done
cp "$tmp/node_modules/@gouvfr/dsfr/LICENSE.md" "$cible/LICENSE.md"
echo "@gouvfr/dsfr $VERSION (dist/dsfr.min.css sans @font-face ; icones.min.css : les règles de dist/utility/icons/icons.min.css des icônes utilisées ; icônes référencées)" > "$cible/VERSION"
find "$cible" -type f | wc -l
du -sh "$cible"
