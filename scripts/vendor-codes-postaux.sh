#!/usr/bin/env bash
# Vendors the postal codes of the communes from the npm package codes-postaux, pinned below
# (code under the MIT licence, © Base Adresse Nationale; data made from INSEE's code officiel
# géographique and the DGFiP's FIMOCT, Licence Ouverte), into
# crates/store/geographie/codes_postaux.tsv: one line per postal code and commune, sorted.
# The portal finds a commune by its postal code with it. Needs Node.js and npm.
set -euo pipefail
VERSION=4.1.2
racine=$(cd "$(dirname "$0")/.." && pwd)
cible="$racine/crates/store/geographie"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npm install --no-audit --no-fund --silent --prefix "$tmp" "codes-postaux@$VERSION"
paquet="$tmp/node_modules/codes-postaux"
test "$(node -p "require('$paquet/package.json').license")" = MIT
node - "$paquet/codes-postaux.json" "$cible/codes_postaux.tsv" <<'JS'
const { readFileSync, writeFileSync } = require("node:fs");
const [source, sortie] = process.argv.slice(2);
const paires = new Set();
for (const e of JSON.parse(readFileSync(source, "utf8"))) {
  if (!/^[0-9]{5}$/.test(e.codePostal) || !/^[0-9][0-9AB][0-9]{3}$/.test(e.codeCommune)) {
    throw new Error(`ligne inattendue : ${JSON.stringify(e)}`);
  }
  paires.add(`${e.codePostal}\t${e.codeCommune}`);
}
const lignes = [...paires].sort();
writeFileSync(sortie, "code_postal\tcommune\n" + lignes.join("\n") + "\n");
console.log(`${lignes.length} codes postaux et communes écrits dans ${sortie}`);
JS
cp "$paquet/LICENSE" "$cible/LICENCE-codes-postaux"
{
  echo "paquet npm : codes-postaux $VERSION (licence MIT, © Base Adresse Nationale)"
  echo "données : INSEE (code officiel géographique) et DGFiP (FIMOCT), Licence Ouverte / Etalab"
  echo "extrait le : $(date +%F) par scripts/vendor-codes-postaux.sh"
} > "$cible/SOURCE-codes-postaux"
