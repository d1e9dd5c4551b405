// Writes Pilote's compact geography extract (TSV files) from the JSON data of the npm package
// @etalab/decoupage-administratif. Usage: node extraire.mjs DOSSIER_DU_PAQUET DOSSIER_DE_SORTIE VERSION
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [paquet, sortie, version] = process.argv.slice(2);
if (!paquet || !sortie || !version) {
  console.error("usage : node extraire.mjs DOSSIER_DU_PAQUET DOSSIER_DE_SORTIE VERSION");
  process.exit(2);
}
const lire = (nom) => JSON.parse(readFileSync(join(paquet, "data", nom), "utf8"));

function ecrire(nom, entetes, lignes) {
  lignes.sort((a, b) => (a[0] + "\t" + a[2]).localeCompare(b[0] + "\t" + b[2]));
  for (const ligne of lignes) {
    for (const champ of ligne) {
      if (/[\t\n\r]/.test(String(champ))) throw new Error(`${nom} : tabulation ou saut de ligne dans « ${champ} »`);
    }
  }
  const texte = [entetes, ...lignes].map((l) => l.join("\t")).join("\n") + "\n";
  writeFileSync(join(sortie, nom), texte);
  return lignes.length;
}

const regions = lire("regions.json");
const departements = lire("departements.json");
const epci = lire("epci.json");
const communes = lire("communes.json");

const epciDeCommune = new Map();
for (const e of epci) for (const m of e.membres) epciDeCommune.set(m.code, e.code);

const cles = new Set();
const lignesCommunes = communes.map((c) => {
  const cle = `${c.code}\t${c.type}`;
  if (cles.has(cle)) throw new Error(`commune en double : ${cle}`);
  cles.add(cle);
  const actuelle = c.type === "commune-actuelle";
  return [
    c.code,
    c.nom,
    c.type,
    c.departement ?? "",
    c.region ?? "",
    actuelle ? (epciDeCommune.get(c.code) ?? "") : "",
    actuelle ? "" : (c.commune ?? c.chefLieu ?? ""),
    c.population ?? "",
  ];
});

const comptes = {
  "regions.tsv": ecrire("regions.tsv", ["code", "nom"], regions.map((r) => [r.code, r.nom])),
  "departements.tsv": ecrire("departements.tsv", ["code", "nom", "region"], departements.map((d) => [d.code, d.nom, d.region])),
  "epci.tsv": ecrire("epci.tsv", ["code", "nom", "type"], epci.map((e) => [e.code, e.nom, e.type])),
  "communes.tsv": ecrire("communes.tsv", ["code", "nom", "type", "departement", "region", "epci", "parent", "population"], lignesCommunes),
};

writeFileSync(
  join(sortie, "SOURCE"),
  [
    `paquet npm : @etalab/decoupage-administratif ${version} (licence MIT)`,
    "données : INSEE, code officiel géographique et populations légales (Licence Ouverte / Etalab)",
    `extrait le : ${new Date().toISOString().slice(0, 10)} par scripts/geographie/regenerer.sh`,
    ...Object.entries(comptes).map(([f, n]) => `${f} : ${n} lignes`),
    "",
  ].join("\n"),
);
console.log(comptes);
