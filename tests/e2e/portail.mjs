// A resident's path through the public portal in a real browser, by keyboard alone: the
// skip link, the search of a commune with its suggestions, the commune's page, its contract
// (published by tests/e2e/parcours.mjs, run before); the other portal pages; the home at
// 390 px without a horizontal scroll. axe-core on every page (outils.mjs).
import { BASE, accessibilite, lancerNavigateur, terminer, texte, verifier } from "./outils.mjs";

/** Presses Tab until `condition` (evaluated in the page) holds; false after `max` presses. */
async function tabulerJusqua(page, condition, max = 40) {
  for (let i = 0; i < max; i += 1) {
    if (await page.evaluate(condition)) return true;
    await page.keyboard.press("Tab");
  }
  return page.evaluate(condition);
}

const navigateur = await lancerNavigateur();
try {
  const page = await (await navigateur.newContext({ locale: "fr-FR" })).newPage();
  await page.goto(`${BASE}/`);
  await accessibilite(page, "portail : accueil");

  // The first stop of the keyboard is the skip link to the content.
  await page.keyboard.press("Tab");
  verifier(
    (await page.evaluate(() => document.activeElement?.textContent?.trim())) === "Contenu",
    "le premier arrêt du clavier n'est pas le lien d'évitement « Contenu »",
  );
  verifier(
    await tabulerJusqua(page, () => document.activeElement?.id === "recherche-commune"),
    "le champ de recherche de la commune n'est pas atteint au clavier",
  );
  await page.keyboard.type("caen", { delay: 50 });
  await page.waitForFunction(
    () => [...document.querySelectorAll("#suggestions-communes option")].some((o) => o.value === "Caen (14118)"),
    null,
    { timeout: 5000 },
  );
  await page.keyboard.press("Enter");
  await page.waitForURL(`${BASE}/communes/14118`);
  await accessibilite(page, "portail : commune couverte");
  const commune = await texte(page.locator("main"));
  verifier(commune.includes("CLS d'essai sur deux EPCI"), "le contrat publié de Caen n'est pas sur sa page");

  // On to the contract, by keyboard: its card's link.
  verifier(
    await tabulerJusqua(page, () => document.activeElement?.getAttribute("href")?.startsWith("/contrats/essai")),
    "le lien du contrat n'est pas atteint au clavier",
  );
  await page.keyboard.press("Enter");
  await page.waitForURL(`${BASE}/contrats/essai-deux-epci-2025`);
  await accessibilite(page, "contrat (public, depuis sa commune)");

  // Several communes, none, a commune without a contract: each says so.
  await page.goto(`${BASE}/communes?q=saint-lo`);
  await accessibilite(page, "portail : communes trouvées");
  verifier((await texte(page.locator("table"))).includes("Saint-Lô"), "Saint-Lô n'est pas trouvée");
  await page.goto(`${BASE}/communes?q=zzqqzz`);
  await accessibilite(page, "portail : aucune commune");
  await page.goto(`${BASE}/communes/13055`);
  await accessibilite(page, "portail : commune sans contrat");
  verifier(
    (await texte(page.locator("main"))).includes("Aucun contrat local de santé publié ne couvre Marseille"),
    "Marseille : l'absence de contrat n'est pas dite",
  );
  for (const [chemin, nom] of [
    ["/accessibilite", "portail : déclaration d'accessibilité"],
    ["/mentions-legales", "portail : mentions légales"],
    ["/contrats", "liste des contrats (public)"],
    ["/donnees", "portail : données ouvertes"],
    ["/api", "documentation de l'API"],
  ]) {
    await page.goto(`${BASE}${chemin}`);
    await accessibilite(page, nom);
  }

  // On a phone: nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  for (const chemin of ["/", "/communes/14118", "/api"]) {
    await page.goto(`${BASE}${chemin}`);
    const largeur = await page.evaluate(() => document.documentElement.scrollWidth);
    verifier(largeur <= 390, `${chemin} déborde à 390 px (${largeur} px)`);
  }
} finally {
  await navigateur.close();
}

terminer();
