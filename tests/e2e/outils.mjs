// What the end-to-end tests share: checks counted rather than thrown, axe-core on every page
// visited (serious and critical violations are failures), screenshots at a desktop's and a
// phone's width, htmx-aware clicks, sign-in, and the browser. The scripts are started by
// scripts/e2e.sh, which serves Pilote and gives the address and the accounts in the
// environment.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
export const BASE = process.env.PILOTE_E2E_URL;
export const ADMIN = { email: process.env.PILOTE_E2E_ADMIN, mdp: process.env.PILOTE_E2E_ADMIN_MDP };
const COURRIELS = process.env.PILOTE_E2E_COURRIELS;
/** A folder to keep a screenshot of every page checked, at 1280 and 390 px, if given. */
const CAPTURES = process.env.PILOTE_E2E_CAPTURES;

/**
 * The last e-mail sent to `adresse` that holds `contenant` (any, if none given), as text
 * (quoted-printable and UTF-8 undone).
 */
export function courrielRecu(adresse, contenant = "") {
  const textes = readdirSync(COURRIELS)
    .sort()
    .map((f) => readFileSync(join(COURRIELS, f), "utf8"))
    .map((t) =>
      Buffer.from(
        t.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))),
        "latin1",
      ).toString("utf8"),
    )
    .filter((t) => t.includes(`To: ${adresse}`) && t.includes(contenant));
  const dernier = textes.at(-1);
  if (!dernier) throw new Error(`aucun courriel pour ${adresse}`);
  return dernier;
}

/**
 * The link under `/chemin/` (`invitations`, `mot-de-passe`, `rappels/desinscription`) of the
 * last e-mail sent to `adresse`.
 */
export function lienRecu(adresse, chemin) {
  const lien = courrielRecu(adresse).match(new RegExp(`https?://\\S+/${chemin}/[0-9a-f]{64}`));
  if (!lien) throw new Error(`aucun lien /${chemin}/ pour ${adresse}`);
  return lien[0];
}

const echecs = [];
const pagesVerifiees = new Set();

export function verifier(condition, message) {
  if (!condition) {
    echecs.push(message);
    console.error(`ÉCHEC : ${message}`);
  }
}

/**
 * Chooses in `select` the option whose text holds `texte` (« Axe 2 — »): forms name the
 * strategy's elements by their identifier, which the test does not know in advance.
 */
export async function choisir(select, texte) {
  const valeur = await select.locator("option", { hasText: texte }).first().getAttribute("value");
  await select.selectOption(valeur);
}

/** Screenshots of the whole page at a desktop's and a phone's width, into CAPTURES. */
export async function capturer(page, nom) {
  if (!CAPTURES) return;
  const fichier = nom
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  const taille = page.viewportSize();
  for (const largeur of [1280, 390]) {
    await page.setViewportSize({ width: largeur, height: 900 });
    // The outermost elements wider than the screen (what a table scrolls inside it aside).
    const debords = await page.evaluate((l) => {
      if (document.documentElement.scrollWidth <= l) return [];
      const depasse = (e) => e && e.getBoundingClientRect().right > l + 1;
      return [...document.querySelectorAll("body *")]
        .filter((e) => depasse(e) && !depasse(e.parentElement))
        .map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${[...e.classList].join(".")}`)
        .slice(0, 6);
    }, largeur);
    // Said, not yet counted as a failure: one state of the presentation page still overflows.
    if (debords.length) console.log(`DÉBORD : ${nom} à ${largeur} px : ${debords.join(" | ")}`);
    await page.screenshot({ path: join(CAPTURES, `${fichier}-${largeur}.png`), fullPage: true });
  }
  await page.setViewportSize(taille);
}

/**
 * Whether a save went back to its section: the address confirms it (`?fait=section`; htmx
 * follows the redirect without its fragment) and the section's confirmation is on screen.
 */
export async function revenuA(page, section, confirmation) {
  const motif = section instanceof RegExp ? section : new RegExp(`\\?fait=${section}(#${section})?$`);
  verifier(motif.test(page.url()), `retour à ${page.url()} au lieu de la section ${section}`);
  const message = page.getByText(confirmation).first();
  const visible = await message.evaluate((e) => {
    const r = e.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  });
  verifier(visible, `confirmation « ${confirmation} » hors de l'écran après ${page.url()}`);
}

/** The text of `locator` as written (textContent: badges are shown in capitals). */
export async function texte(locator) {
  return (await locator.textContent()).replace(/\s+/g, " ");
}

/** axe-core on the page as it stands; serious and critical violations are failures. */
export async function accessibilite(page, nom) {
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
  await capturer(page, nom);
  console.log(`axe ${nom} : ${resultat.violations.length} violation(s), ${graves.length} grave(s)`);
}

/**
 * Clicks `element`, a link or button htmx swaps in place (hx-boost), and waits until the new
 * page has settled.
 */
export async function envoyer(element) {
  const page = element.page();
  await page.evaluate(() => {
    window.piloteRegle = new Promise((fini) =>
      document.addEventListener("htmx:afterSettle", () => fini(), { once: true }),
    );
  });
  await element.click();
  await page.evaluate(() => window.piloteRegle);
}

export async function connecter(page, compte) {
  await page.goto(`${BASE}/connexion`);
  await accessibilite(page, "connexion");
  await page.getByLabel("Adresse électronique", { exact: true }).fill(compte.email);
  await page.getByLabel("Mot de passe", { exact: true }).fill(compte.mdp);
  await envoyer(page.getByRole("button", { name: "Se connecter" }));
  if (page.url().includes("/compte/mot-de-passe")) {
    // A password given out by `pilote user add` is provisional: changed at first sign-in,
    // then on to the page asked for.
    await accessibilite(page, "changement du mot de passe provisoire");
    const nouveau = `${compte.mdp} choisi par moi`;
    await page.locator("#mot-de-passe-actuel").fill(compte.mdp);
    await page.locator("#mot-de-passe-nouveau").fill(nouveau);
    await page.locator("#mot-de-passe-confirmation").fill(nouveau);
    await page.getByRole("button", { name: "Changer de mot de passe" }).click();
    compte.mdp = nouveau;
  }
  await page.waitForURL(`${BASE}/`);
}

/** Debian's chromium, headless, quiet. */
export async function lancerNavigateur() {
  return chromium.launch({
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
}

/**
 * What a person does, counted, with an estimate of the time it takes a coordinator who types
 * or pastes from the text in front of them: a field 3 s plus a second per 10 characters (at
 * most 30 s: long texts are pasted), a box or a choice in a list 3 s, a button or a link 2 s
 * plus 3 s to read the page it leads to.
 */
export const gestes = { nombre: 0, secondes: 0 };

export async function saisir(champ, valeur) {
  await champ.fill(valeur);
  gestes.nombre += 1;
  gestes.secondes += 3 + Math.min(valeur.length / 10, 30);
}

export async function cocher(case_) {
  await case_.click();
  gestes.nombre += 1;
  gestes.secondes += 3;
}

export async function selectionner(liste, valeur) {
  await liste.selectOption(valeur);
  gestes.nombre += 1;
  gestes.secondes += 3;
}

export async function cliquer(element) {
  await envoyer(element);
  gestes.nombre += 1;
  gestes.secondes += 5;
}

/** The closing line of a script, and its exit status: 0 when every check passed. */
export function terminer() {
  console.log(`${pagesVerifiees.size} page(s) vérifiée(s) par axe-core, ${echecs.length} échec(s)`);
  process.exit(echecs.length === 0 ? 0 : 1);
}
