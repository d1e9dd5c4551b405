// The coordinator's path through Pilote in a real browser (Debian's chromium driven by
// playwright-core), with axe-core run on every page visited: any serious or critical
// violation fails the run. Started by scripts/e2e.sh, which serves Pilote and gives the
// address and the accounts in the environment.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const BASE = process.env.PILOTE_E2E_URL;
const ADMIN = { email: process.env.PILOTE_E2E_ADMIN, mdp: process.env.PILOTE_E2E_ADMIN_MDP };

const echecs = [];
const pagesVerifiees = new Set();

function verifier(condition, message) {
  if (!condition) {
    echecs.push(message);
    console.error(`ÉCHEC : ${message}`);
  }
}

/** axe-core on the page as it stands; serious and critical violations are failures. */
async function accessibilite(page, nom) {
  await page.evaluate(AXE);
  const resultat = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ["violations"] }),
  );
  const graves = resultat.violations.filter((v) => ["serious", "critical"].includes(v.impact));
  for (const v of graves) {
    const cibles = v.nodes.map((n) => n.target.join(" ")).join(" | ");
    verifier(false, `${nom} : ${v.id} (${v.impact}) — ${v.help} — ${cibles}`);
  }
  pagesVerifiees.add(nom);
  console.log(`axe ${nom} : ${resultat.violations.length} violation(s), ${graves.length} grave(s)`);
}

async function connecter(page, compte) {
  await page.goto(`${BASE}/connexion`);
  await accessibilite(page, "connexion");
  await page.getByLabel("Adresse électronique", { exact: true }).fill(compte.email);
  await page.getByLabel("Mot de passe", { exact: true }).fill(compte.mdp);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL(`${BASE}/`);
}

const navigateur = await chromium.launch({
  executablePath: process.env.PILOTE_E2E_CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
try {
  // axe is evaluated through the DevTools protocol, which the CSP does not govern.
  const contexte = await navigateur.newContext({ locale: "fr-FR" });
  const page = await contexte.newPage();

  await page.goto(`${BASE}/`);
  await accessibilite(page, "accueil (public)");

  await connecter(page, ADMIN);
  await accessibilite(page, "accueil (connecté)");
  await page.getByRole("link", { name: "Nouveau contrat" }).click();
  await accessibilite(page, "nouveau contrat");

  // A first attempt with faults: the form comes back with the messages and what was typed.
  await page.locator("#identifiant").fill("CLS Essai");
  await page.getByRole("button", { name: "Créer le contrat" }).click();
  await accessibilite(page, "nouveau contrat (erreurs)");
  verifier(
    (await page.locator("#nom-erreur").innerText()) === "Indiquez le nom du contrat.",
    "message du nom absent",
  );
  verifier(
    (await page.locator("#nom").getAttribute("aria-describedby")) === "nom-erreur",
    "message non relié au champ",
  );
  verifier((await page.locator("#identifiant").inputValue()) === "CLS Essai", "saisie perdue");
  verifier(
    (await page.locator("#identifiant").getAttribute("aria-invalid")) === "true",
    "champ fautif non signalé",
  );

  // A CLS over two EPCI (Caen la Mer, Creusot-Montceau).
  await page.locator("#identifiant").fill("essai-deux-epci-2025");
  await page.locator("#nom").fill("CLS d'essai sur deux EPCI");
  await page.locator("#debut").fill("2025");
  await page.locator("#fin").fill("2029");
  await page.locator("#statut").selectOption("en-elaboration");
  await page.locator("#epci").fill("200065597 247100290");
  await page.getByRole("button", { name: "Créer le contrat" }).click();
  await page.waitForURL(`${BASE}/contrats/essai-deux-epci-2025?fait=creation`);
  await accessibilite(page, "contrat créé");
  verifier(await page.getByText("Le contrat est créé, non publié.").isVisible(), "confirmation absente");
  const territoire = await page.locator("#territoire").innerText();
  verifier(territoire.includes("Caen la Mer") || territoire.includes("CU Caen"), `EPCI de Caen absent : ${territoire}`);

  // A change of status, seen in the history.
  await page.getByRole("link", { name: "Modifier le contrat" }).click();
  await accessibilite(page, "modifier le contrat");
  await page.locator("#statut").selectOption("signe");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await page.waitForURL(/fait=modification/);
  verifier(
    await page.getByText("Les modifications sont enregistrées.").isVisible(),
    "confirmation de modification absente",
  );
  await page.getByText("Historique des modifications").click();
  await accessibilite(page, "contrat modifié (historique ouvert)");
  const historique = await page
    .getByRole("table", { name: "Modifications du contrat, les plus récentes d'abord" })
    .innerText();
  verifier(historique.includes("Signé"), `historique sans le changement de statut : ${historique}`);

  // The strategy: three axes (one transversal), five fiches-actions.
  for (const [titre, transversal] of [
    ["Accès aux soins", false],
    ["Prévention et promotion de la santé", false],
    ["Mobilité", true],
  ]) {
    await page.locator("#axe-titre").fill(titre);
    if (transversal) await page.locator('label[for="axe-transversal"]').click();
    await page.getByRole("button", { name: "Ajouter l'axe" }).click();
    await page.waitForURL(/fait=strategie/);
  }
  for (const [axe, titre] of [
    ["1", "Accueillir les internes en médecine"],
    ["1", "Ouvrir une maison de santé pluriprofessionnelle"],
    ["2", "Dépister les cancers"],
    ["2", "Prévenir les addictions des jeunes"],
    ["3", "Transport solidaire vers les soins"],
  ]) {
    await page.locator("#fiche-axe").selectOption(axe);
    await page.locator("#fiche-titre").fill(titre);
    await page.getByRole("button", { name: "Ajouter la fiche-action" }).click();
    await page.waitForURL(/fait=strategie/);
  }
  await accessibilite(page, "contrat avec sa stratégie");
  for (const numero of ["1.1", "1.2", "2.1", "2.2", "3.1"]) {
    verifier(
      (await page.locator(`[id="fiche-${numero}"]`).count()) === 1,
      `fiche-action n°${numero} absente`,
    );
  }

  // Publication, then the public sees it.
  await page.getByRole("button", { name: "Publier le contrat" }).click();
  await page.waitForURL(/fait=publication/);
  await accessibilite(page, "contrat publié");
  const publique = await (await navigateur.newContext()).newPage();
  const reponse = await publique.goto(`${BASE}/contrats/essai-deux-epci-2025`);
  verifier(reponse.status() === 200, `le public ne lit pas le contrat publié (${reponse.status()})`);

  // Sign-out.
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await page.waitForURL(`${BASE}/`);
  verifier(await page.getByRole("link", { name: "Se connecter" }).isVisible(), "toujours connecté");
} finally {
  await navigateur.close();
}

console.log(`${pagesVerifiees.size} page(s) vérifiée(s) par axe-core, ${echecs.length} échec(s)`);
process.exit(echecs.length === 0 ? 0 : 1);
