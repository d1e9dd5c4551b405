// Acceptance: the public page of a real CLS (../shared/seeds/005_bassin_auterivain.txt — three
// communautés de communes south of Toulouse, signed in Carbonne on 4 February 2022, four axes,
// three priority actions for 2022) entered through the pages by a first-time coordinator, an
// agent of the ARS Occitanie: no import, no crafted request. Published, every fact of the page
// (listed below in our own words) is checked on the public page and in the API; axe-core runs
// on every page visited; the number of actions and the time they take are reported.
import {
  BASE,
  accessibilite,
  cliquer,
  cocher,
  connecter,
  gestes,
  lancerNavigateur,
  saisir,
  selectionner,
  terminer,
  texte,
  verifier,
} from "./outils.mjs";

const COMPTE = { email: process.env.PILOTE_E2E_ARS, mdp: process.env.PILOTE_E2E_ARS_MDP };
const ID = "sud-toulousain-2022";

/** The facts of the page, in our words: where the public page and the API must both say them. */
const FAITS = [
  "CC du Bassin Auterivain Haut-Garonnais",
  "CC Coeur de Garonne",
  "CC du Volvestre",
  "4 février 2022",
  "Carbonne",
  "améliorer la qualité de l'accès aux soins des territoires ruraux du sud toulousain",
  "réduire les inégalités territoriales et sociales de santé",
  "en concertation avec les acteurs",
  "Cathy Hoareau, vice-présidente de la communauté de communes du Bassin Auterivain",
  "Paul-Marie Blanc, président de Cœur de Garonne",
  "Karine Brun, vice-présidente du Volvestre",
  "Gérard Roujas, président du PETR Pays Sud Toulousain",
  "Jérôme Farlene, directeur de l'ARS Occitanie",
  "Accès aux droits et aux soins",
  "Vieillissement et handicap",
  "Santé mentale et addictions",
  "Prévention et promotion de comportements et d'un environnement favorables à la santé",
  "Sensibiliser à la santé environnementale et à la périnatalité",
  "Informer les professionnels de santé des opportunités d'installation",
  "Sensibiliser à la qualité de l'air intérieur",
];

const navigateur = await lancerNavigateur();
const debut = Date.now();
try {
  const page = await (await navigateur.newContext({ locale: "fr-FR" })).newPage();
  await connecter(page, COMPTE);

  // The contract and its territory: three communautés de communes found by name, typed as a
  // person would (without accents, in lower case).
  await cliquer(page.getByRole("link", { name: "Tous les contrats", exact: true }));
  await cliquer(page.getByRole("link", { name: "Nouveau contrat" }));
  await saisir(page.locator("#identifiant"), ID);
  await saisir(page.locator("#nom"), "Contrat local de santé du Pays Sud Toulousain 2022-2025");
  await saisir(page.locator("#debut"), "2022");
  await saisir(page.locator("#fin"), "2025");
  await selectionner(page.locator("#statut"), "en-cours");
  for (const [recherche, nom] of [
    ["bassin auterivain", /^Ajouter CC du Bassin Auterivain/],
    ["coeur de garonne", /^Ajouter CC Coeur de Garonne/],
    ["volvestre", /^Ajouter CC du Volvestre/],
  ]) {
    await saisir(page.locator("#recherche"), recherche);
    await cliquer(page.getByRole("button", { name: "Chercher et calculer la population" }));
    await cliquer(page.getByRole("button", { name: nom }).first());
  }
  await accessibilite(page, "acceptation : territoire choisi");
  await cliquer(page.getByRole("button", { name: "Créer le contrat" }));
  await page.waitForURL(`${BASE}/contrats/${ID}/pilotage?fait=creation`);
  await accessibilite(page, "acceptation : pilotage");

  // What the contract is for.
  await cliquer(page.getByRole("link", { name: /^Présentation et diagnostic/ }));
  await saisir(
    page.locator("#presentation-presentation"),
    "Les communautés de communes du Bassin Auterivain, de Cœur de Garonne et du Volvestre " +
      "signent ensemble ce contrat pour améliorer la qualité de l'accès aux soins des " +
      "territoires ruraux du sud toulousain.\n\n" +
      "Elles s'engagent à réduire les inégalités territoriales et sociales de santé ; ce " +
      "dispositif national déploie un projet de santé sur chacun des territoires, en tenant " +
      "compte de leurs particularités.\n\n" +
      "Le plan d'action a été établi en concertation avec les acteurs, les " +
      "socio-professionnels du territoire, les élus et les familles.",
  );
  for (const t of ["acces-aux-soins", "acces-aux-droits", "sante-mentale", "addictions", "vieillissement", "sante-environnement"]) {
    await cocher(page.locator(`label[for="presentation-thematique-${t}"]`));
  }
  await cliquer(page.getByRole("button", { name: "Enregistrer la présentation" }));
  await accessibilite(page, "acceptation : présentation");

  // The signature: date, place, the three signatories and who was present.
  await page.goto(`${BASE}/contrats/${ID}/signature`);
  gestes.nombre += 1;
  gestes.secondes += 5;
  await saisir(page.locator("#signature-date"), "04/02/2022");
  await saisir(page.locator("#signature-lieu"), "Carbonne");
  await saisir(
    page.locator("#signature-presents"),
    "Gérard Roujas, président du PETR Pays Sud Toulousain\nJérôme Farlene, directeur de l'ARS Occitanie",
  );
  await cliquer(page.getByRole("button", { name: "Enregistrer la signature" }));
  for (const [organisation, representant] of [
    ["Communauté de communes du Bassin Auterivain", "Cathy Hoareau, vice-présidente de la communauté de communes du Bassin Auterivain"],
    ["Communauté de communes Cœur de Garonne", "Paul-Marie Blanc, président de Cœur de Garonne"],
    ["Communauté de communes du Volvestre", "Karine Brun, vice-présidente du Volvestre"],
  ]) {
    await saisir(page.locator("#partie-nom"), organisation);
    await selectionner(page.locator("#partie-nature"), "epci");
    await cocher(page.locator('label[for="partie-role-signataire"]'));
    await saisir(page.locator("#partie-representants"), representant);
    await cliquer(page.getByRole("button", { name: "Ajouter la partie" }));
  }
  await accessibilite(page, "acceptation : signature");

  // The plan for 2022-2025, and the priority actions for 2022 under their axes.
  await page.goto(`${BASE}/contrats/${ID}/strategie`);
  gestes.nombre += 1;
  gestes.secondes += 5;
  for (const titre of FAITS.slice(13, 17)) {
    await saisir(page.locator("#axe-titre"), titre);
    await cliquer(page.getByRole("button", { name: "Ajouter l'axe" }));
  }
  const actions = [
    ["Axe 4 —", FAITS[17]],
    ["Axe 1 —", FAITS[18]],
    ["Axe 4 —", FAITS[19]],
  ];
  for (const [axe, titre] of actions) {
    const place = page.locator("#fiche-place");
    await place.selectOption(await place.locator("option", { hasText: axe }).first().getAttribute("value"));
    gestes.nombre += 1;
    gestes.secondes += 3;
    await saisir(page.locator("#fiche-titre"), titre);
    await cliquer(page.getByRole("button", { name: "Ajouter la fiche-action" }));
  }
  await accessibilite(page, "acceptation : stratégie");
  // Each priority action starts in 2022.
  for (const numero of ["1.1", "4.1", "4.2"]) {
    await cliquer(page.getByRole("link", { name: new RegExp(`^Fiche-action n°${numero.replace(".", "\\.")} `) }));
    await saisir(page.locator(`[id="redaction-${numero}-debut"]`), "2022");
    await cliquer(page.getByRole("button", { name: "Enregistrer la fiche" }));
    await page.goto(`${BASE}/contrats/${ID}/strategie`);
    gestes.nombre += 1;
    gestes.secondes += 5;
  }

  // Published from the pilotage.
  await page.goto(`${BASE}/contrats/${ID}/pilotage`);
  await cliquer(page.getByRole("button", { name: "Publier le contrat" }));
  await accessibilite(page, "acceptation : publié");

  // What the public reads, and what the API gives.
  const publique = await (await navigateur.newContext({ locale: "fr-FR" })).newPage();
  await publique.goto(`${BASE}/contrats/${ID}`);
  await accessibilite(publique, "acceptation : page publique");
  const lu = await texte(publique.locator("main"));
  const api = await (await publique.request.get(`${BASE}/api/v1/contrats/${ID}`)).text();
  const json = JSON.parse(api);
  const rendu = JSON.stringify(json);
  for (const fait of FAITS) {
    verifier(lu.includes(fait), `la page publique ne dit pas « ${fait} »`);
    // The API gives a date in ISO form and a person as {nom, fonction}: a fact says the same
    // there once its parts are found, in that order.
    const enJson = fait === "4 février 2022" ? ["2022-02-04"] : fait.split(/, (?=[a-zé])/);
    let depuis = 0;
    const dit = enJson.every((partie) => {
      const i = rendu.indexOf(JSON.stringify(partie).slice(1, -1), depuis);
      depuis = i;
      return i >= 0;
    });
    verifier(dit, `l'API ne dit pas « ${fait} »`);
  }
  verifier(json.signature?.date === "2022-02-04", `date de signature de l'API : ${json.signature?.date}`);
  verifier(json.periode === "2022-2025", `période de l'API : ${json.periode}`);
  const epci = (json.territoire_resolu?.epci ?? []).map((e) => e.nom).join(", ");
  for (const nom of FAITS.slice(0, 3)) verifier(epci.includes(nom), `l'API ne résout pas ${nom} : ${epci}`);
  const debuts = (json.axes ?? []).flatMap((a) => a.fiches_actions ?? []).map((f) => f.debut);
  verifier(debuts.length === 3 && debuts.every((d) => d === "2022"), `actions prioritaires pour 2022 : ${debuts}`);
} finally {
  await navigateur.close();
}
const minutes = gestes.secondes / 60;
console.log(
  `acceptation : ${gestes.nombre} gestes, environ ${minutes.toFixed(1)} min de saisie estimées ` +
    `(${((Date.now() - debut) / 1000).toFixed(0)} s pour le navigateur piloté)`,
);
verifier(minutes < 15, `la saisie estimée dépasse 15 minutes (${minutes.toFixed(1)} min)`);
terminer();
