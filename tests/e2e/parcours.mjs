// The coordinator's path through Pilote in a real browser (Debian's chromium driven by
// playwright-core), with axe-core run on every page visited: any serious or critical
// violation fails the run (the shared tools are in outils.mjs).
import { execFileSync } from "node:child_process";
import {
  ADMIN,
  BASE,
  accessibilite,
  choisir,
  connecter,
  courrielRecu,
  envoyer,
  lancerNavigateur,
  lienRecu,
  revenuA,
  terminer,
  texte,
  verifier,
} from "./outils.mjs";

const navigateur = await lancerNavigateur();
try {
  // axe is evaluated through the DevTools protocol, which the CSP does not govern.
  const contexte = await navigateur.newContext({ locale: "fr-FR" });
  const page = await contexte.newPage();

  await page.goto(`${BASE}/`);
  await accessibilite(page, "accueil (public)");

  await connecter(page, ADMIN);
  await page.goto(`${BASE}/compte`);
  await accessibilite(page, "mon compte");
  verifier(
    (await page.locator("main").textContent()).includes("Administrateur"),
    "« Mon compte » nomme le rôle d'administrateur",
  );
  await page.goto(`${BASE}/`);
  await accessibilite(page, "accueil (connecté)");
  await envoyer(page.getByRole("link", { name: "Tous les contrats publiés" }));
  await accessibilite(page, "liste des contrats (connecté)");
  await envoyer(page.getByRole("link", { name: "Nouveau contrat" }));
  await accessibilite(page, "nouveau contrat");

  // A first attempt with faults: the form comes back with the messages and what was typed.
  await page.locator("#identifiant").fill("CLS Essai");
  await envoyer(page.getByRole("button", { name: "Créer le contrat" }));
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

  // The territory picker: a search by name gives the codes, the population is computed.
  await page.locator("#epci").fill("200065597");
  await page.locator("#recherche").fill("Creusot");
  await envoyer(page.getByRole("button", { name: "Chercher et calculer la population" }));
  await accessibilite(page, "nouveau contrat (recherche de territoire)");
  const resultats = await page.getByRole("table", { name: /Résultats de la recherche/ }).innerText();
  verifier(resultats.includes("247100290"), `EPCI du Creusot non trouvé : ${resultats}`);
  verifier(await page.getByText(/Territoire choisi : CU Caen la Mer — \d+ commune/).isVisible(), "population non calculée ou territoire non nommé");
  // A result is added with a click, the population computed again.
  await envoyer(page.getByRole("button", { name: /^Ajouter CU Creusot|^Ajouter .*Creusot/ }).first());
  await page.waitForFunction(() => document.querySelector("#epci").value.includes("247100290"));
  verifier(
    (await page.locator("#epci").inputValue()) === "200065597 247100290",
    `EPCI non ajouté : ${await page.locator("#epci").inputValue()}`,
  );

  // A CLS over two EPCI (Caen la Mer, Creusot-Montceau).
  await page.locator("#identifiant").fill("essai-deux-epci-2025");
  await page.locator("#nom").fill("CLS d'essai sur deux EPCI");
  await page.locator("#debut").fill("2025");
  await page.locator("#fin").fill("2029");
  await page.locator("#statut").selectOption("en-elaboration");
  await envoyer(page.getByRole("button", { name: "Créer le contrat" }));
  // A new contract opens on its pilotage: what is missing before publication is listed.
  await page.waitForURL(`${BASE}/contrats/essai-deux-epci-2025/pilotage?fait=creation`);
  await accessibilite(page, "pilotage du contrat créé");
  verifier(await page.getByText("Le contrat est créé, non publié.").isVisible(), "confirmation absente");
  verifier(
    (await page.locator("#publication").innerText()).includes("le diagnostic local de santé"),
    "le diagnostic manquant n'est pas signalé avant publication",
  );
  await envoyer(page.getByRole("link", { name: /^Page du contrat/ }));
  await accessibilite(page, "contrat créé");
  const territoire = await page.locator("#territoire").innerText();
  verifier(territoire.includes("Caen la Mer") || territoire.includes("CU Caen"), `EPCI de Caen absent : ${territoire}`);
  await envoyer(page.getByRole("link", { name: "Espace de pilotage du contrat" }));

  // A change of status, seen in the recent changes and in the history.
  await envoyer(page.getByRole("link", { name: /^Informations générales/ }));
  await accessibilite(page, "modifier le contrat");
  await page.locator("#statut").selectOption("signe");
  await envoyer(page.getByRole("button", { name: "Enregistrer" }));
  verifier(
    await page.getByText("Les modifications sont enregistrées.").isVisible(),
    "confirmation de modification absente",
  );
  const recentes = await page.getByRole("table", { name: "Les dernières modifications du contrat" }).innerText();
  verifier(recentes.includes("Signé"), `modifications récentes sans le changement de statut : ${recentes}`);
  await page.goto(`${BASE}/contrats/essai-deux-epci-2025`);
  await page.getByText("Historique des modifications").click();
  await accessibilite(page, "contrat modifié (historique ouvert)");
  const historique = await page
    .getByRole("table", { name: "Modifications du contrat, les plus récentes d'abord" })
    .innerText();
  verifier(historique.includes("Signé"), `historique sans le changement de statut : ${historique}`);
  await envoyer(page.getByRole("link", { name: "Espace de pilotage du contrat" }));

  // The presentation and the diagnostic: each save goes back to its own section, confirmed
  // there; a refused indicator keeps what was typed.
  await envoyer(page.getByRole("link", { name: /^Présentation et diagnostic/ }));
  await page.locator("#presentation-presentation").fill("Un contrat pour l'accès aux soins.\n\nIl s'appuie sur deux maisons de santé.");
  await page.locator('label[for="presentation-public-jeunes"]').click();
  await page.locator('label[for="presentation-thematique-sante-mentale"]').click();
  await page.locator("#presentation-annoncees").fill("12");
  await envoyer(page.getByRole("button", { name: "Enregistrer la présentation" }));
  await revenuA(page, "presentation", "La présentation est enregistrée.");
  await page.locator("#diagnostic-nouveau-titre").fill("Diagnostic local de santé 2024");
  await page.locator("#diagnostic-nouveau-date").fill("15/03/2024");
  await page.locator("#diagnostic-nouveau-realise_par").fill("Observatoire régional de la santé");
  await page.locator("#diagnostic-nouveau-constats").fill("Une densité médicale faible\nDes jeunes éloignés de la prévention");
  await page.locator("#diagnostic-nouveau-paroles").fill("« Il faut trois mois pour voir un ophtalmologue »");
  await envoyer(page.getByRole("button", { name: "Ajouter le diagnostic" }));
  await revenuA(page, /\?fait=diagnostic-\d+(#diagnostic-\d+)?$/, "Le diagnostic est enregistré.");
  await page.locator("summary", { hasText: "Ajouter un indicateur" }).click();
  const indicateur = page.locator('input[id$="-libelle"][id^="indicateur-"]');
  await indicateur.fill("Médecins généralistes pour 10 000 habitants");
  await page.locator('input[id^="indicateur-"][id$="-valeur"]').fill("six");
  await envoyer(page.getByRole("button", { name: "Ajouter l'indicateur" }));
  await accessibilite(page, "présentation et diagnostic (indicateur refusé)");
  verifier(
    (await page.locator('input[id^="indicateur-"][id$="-valeur"]').getAttribute("aria-invalid")) === "true",
    "la valeur refusée n'est pas signalée",
  );
  verifier(
    (await page.locator('input[id$="-libelle"][id^="indicateur-"]').inputValue()) === "Médecins généralistes pour 10 000 habitants",
    "le libellé saisi est perdu",
  );
  await page.locator('input[id^="indicateur-"][id$="-valeur"]').fill("6,2");
  await page.locator('input[id^="indicateur-"][id$="-france"]').fill("8,4");
  await envoyer(page.getByRole("button", { name: "Ajouter l'indicateur" }));
  verifier(
    (await page.getByRole("table", { name: /Indicateurs du diagnostic/ }).innerText()).includes("8.4"),
    "indicateur du diagnostic absent",
  );
  // The study itself, joined to its diagnostic.
  await page.locator("summary", { hasText: "Joindre un document" }).click();
  await page.locator('input[id^="document-"][id$="-titre"]').fill("Rapport de l'observatoire");
  await page.locator('input[id^="document-"][id$="-fichier"]').setInputFiles({
    name: "DLS 2024.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.4 diagnostic local de santé"),
  });
  // Published on purpose: the public will download it from the contract's page.
  await page.locator('label[for^="document-"][for$="-publie"]').click();
  await envoyer(page.getByRole("button", { name: "Joindre le document" }));
  await revenuA(page, /\?fait=diagnostic-\d+(#diagnostic-\d+)?$/, "Le diagnostic est enregistré.");
  verifier(
    (await texte(page.locator("li", { hasText: "Rapport de l'observatoire" }).first())).includes("Publié"),
    "le document publié n'est pas marqué « Publié »",
  );
  const lien = page.getByRole("link", { name: "Rapport de l'observatoire" });
  const fichier = await page.request.get(new URL(await lien.getAttribute("href"), BASE).href);
  verifier(
    fichier.status() === 200 && (await fichier.text()).startsWith("%PDF-1.4"),
    `document du diagnostic non servi (${fichier.status()})`,
  );
  await accessibilite(page, "présentation et diagnostic");
  await envoyer(page.getByRole("link", { name: "Retour au pilotage du contrat" }));

  // The strategy, on its own page: three axes (one transversal), a general objective, five
  // fiches-actions; one is moved up, then the whole tree renumbered.
  await envoyer(page.getByRole("link", { name: "Axes, objectifs et fiches-actions" }));
  await page.waitForURL(/\/strategie$/);
  for (const [titre, transversal] of [
    ["Accès aux soins", false],
    ["Prévention et promotion de la santé", false],
    ["Mobilité", true],
  ]) {
    await page.locator("#axe-titre").fill(titre);
    if (transversal) await page.locator('label[for="axe-transversal"]').click();
    await envoyer(page.getByRole("button", { name: "Ajouter l'axe" }));
  }
  await choisir(page.locator("#objectif-place"), "Axe 1 —");
  await page.locator("#objectif-niveau").selectOption("general");
  await page.locator("#objectif-libelle").fill("Renforcer l'offre de premier recours");
  await envoyer(page.getByRole("button", { name: "Ajouter l'objectif" }));
  for (const [place, titre] of [
    ["Objectif 1.1 —", "Ouvrir une maison de santé pluriprofessionnelle"],
    ["Objectif 1.1 —", "Accueillir les internes en médecine"],
    ["Axe 2 —", "Dépister les cancers"],
    ["Axe 2 —", "Prévenir les addictions des jeunes"],
    ["Axe 3 —", "Transport solidaire vers les soins"],
  ]) {
    await choisir(page.locator("#fiche-place"), place);
    await page.locator("#fiche-titre").fill(titre);
    await envoyer(page.getByRole("button", { name: "Ajouter la fiche-action" }));
  }
  await envoyer(page.getByRole("button", { name: "Monter la fiche-action n°1.2" }));
  await envoyer(page.getByRole("button", { name: "Renuméroter la stratégie" }));
  await accessibilite(page, "stratégie du contrat");
  verifier(
    (await page.getByRole("link", { name: "Fiche-action n°1.1 — Accueillir les internes en médecine" }).count()) === 1,
    "la fiche-action montée n'est pas devenue la 1.1",
  );
  await envoyer(page.getByRole("link", { name: "Retour au pilotage du contrat" }));
  await accessibilite(page, "pilotage du contrat avec sa stratégie");
  await page.goto(`${BASE}/contrats/essai-deux-epci-2025`);
  await accessibilite(page, "contrat avec sa stratégie");

  // Each action's page: a budget line and an indicator; the first one written in full, with
  // its publics, a subset of communes, a dated value and a document.
  for (const [n, numero] of ["1.1", "1.2", "2.1", "2.2", "3.1"].entries()) {
    const id = (champ) => page.locator(`[id="${champ}"]`);
    await envoyer(page.getByRole("link", { name: new RegExp(`^Modifier la fiche-action n°${numero} `) }));
    await page.waitForURL(new RegExp(`/fiches/${numero}$`));
    await id(`budget-${numero}-annee`).fill("2025");
    await id(`budget-${numero}-financeur`).fill(n % 2 === 0 ? "ARS" : "Communauté urbaine");
    await id(`budget-${numero}-nature`).selectOption("fonctionnement");
    await id(`budget-${numero}-previsionnel`).fill(`${(n + 1) * 10} 000`);
    await envoyer(page.getByRole("button", { name: "Ajouter la ligne de budget" }));
    await id(`indicateur-${numero}-libelle`).fill(`Personnes touchées par l'action ${numero}`);
    await id(`indicateur-${numero}-type`).selectOption("processus");
    await id(`indicateur-${numero}-cible_annee`).fill("2027");
    await id(`indicateur-${numero}-cible_valeur`).fill("100");
    await envoyer(page.getByRole("button", { name: "Ajouter l'indicateur" }));
    verifier(
      (await page.getByRole("table", { name: `Budget de la fiche-action n°${numero}` }).count()) === 1,
      `budget de la fiche-action n°${numero} absent`,
    );
    if (numero === "1.1") {
      await id("redaction-1.1-pilote_organisation").fill("Communauté urbaine");
      await page.locator('label[for="redaction-1.1-public-jeunes"]').click();
      await page.locator('label[for="redaction-1.1-thematique-acces-aux-soins"]').click();
      await page.locator('label[for="redaction-1.1-commune-14118"]').click();
      await id("redaction-1.1-debut").fill("2025-09");
      await envoyer(page.getByRole("button", { name: "Enregistrer la fiche" }));
      await id("mesure-1.1-date").fill("2025-12-31");
      await id("mesure-1.1-valeur").fill("12");
      await id("mesure-1.1-source").fill("Faculté de médecine");
      await envoyer(page.getByRole("button", { name: "Enregistrer la valeur" }));
      await id("document-1.1-titre").fill("Convention avec la faculté");
      await id("document-1.1-fichier").setInputFiles({
        name: "convention.txt",
        mimeType: "text/plain",
        buffer: Buffer.from("Convention d'accueil des internes"),
      });
      await envoyer(page.getByRole("button", { name: "Joindre le document" }));
      await accessibilite(page, "fiche-action rédigée");
      verifier(
        (await page.getByRole("link", { name: "Convention avec la faculté" }).count()) === 1,
        "document absent",
      );
    }
    await envoyer(page.getByRole("link", { name: "Retour au contrat" }));
  }
  await accessibilite(page, "contrat avec budgets et indicateurs");
  verifier(
    (await page.locator('[id="fiche-1.1"]').innerText()).includes("14118"),
    "territoire de la fiche-action 1.1 absent",
  );
  for (const numero of ["1.1", "1.2", "2.1", "2.2", "3.1"]) {
    verifier(
      (await page.locator(`[id="fiche-${numero}"]`).count()) === 1,
      `fiche-action n°${numero} absente`,
    );
  }

  // The steering committee and its first meeting, a decision linked to an action, on the
  // governance page.
  await page.goto(`${BASE}/contrats/essai-deux-epci-2025/gouvernance`);
  await page.locator("#instance-nature").selectOption("copil");
  await page.locator("#instance-nom").fill("COPIL du CLS");
  await envoyer(page.getByRole("button", { name: "Ajouter l'instance" }));
  await page.locator("#reunion-instance").selectOption("COPIL du CLS");
  await page.locator("#reunion-date").fill("2025-03-14");
  await page.locator("#reunion-lieu").fill("Hôtel de ville");
  await page.locator("#reunion-ordre_du_jour").fill("Lancement du CLS\nCalendrier des actions");
  await page.locator("#reunion-presents").fill("ARS\nCommunauté urbaine\nCPAM");
  await page.locator("#reunion-compte_rendu").fill("Le COPIL lance le contrat.");
  await page.locator("#reunion-decisions").fill("Lancer l'accueil des internes [1.1]");
  await envoyer(page.getByRole("button", { name: "Enregistrer la réunion" }));
  await accessibilite(page, "gouvernance du contrat");
  await page.goto(`${BASE}/contrats/essai-deux-epci-2025`);
  await accessibilite(page, "contrat avec sa gouvernance");
  verifier(
    (await texte(page.locator("#gouvernance"))).includes("Le COPIL lance le contrat."),
    "compte rendu du COPIL absent",
  );

  // The coordinator post, recruitment launched, and its funding « plus de » an amount.
  await page.goto(`${BASE}/contrats/essai-deux-epci-2025/signature`);
  await page.locator("#coordination-poste").fill("Coordonnatrice du CLS, 1 ETP");
  await page.locator("#coordination-statut").selectOption("recrutement");
  await page.locator("#coordination-depuis").fill("09/2025");
  await envoyer(page.getByRole("button", { name: "Enregistrer le poste" }));
  await revenuA(page, "coordination", "Le poste de coordination est enregistré.");
  await page.locator("#financement-financeur").fill("ARS Normandie");
  await page.locator("#financement-qualificatif").selectOption("plus-de");
  await page.locator("#financement-montant").fill("30 000");
  await page.locator("#financement-periode").fill("2025-2029");
  await envoyer(page.getByRole("button", { name: "Ajouter le financement" }));
  await accessibilite(page, "signature, partenaires et coordination");
  verifier(
    (await texte(page.locator("#financements"))).includes("plus de 30 000"),
    "le financement « plus de » n'est pas dit",
  );

  // Achievements, an action's assessment and a mid-term evaluation.
  await page.goto(`${BASE}/contrats/essai-deux-epci-2025/evaluation`);
  await page.locator("#realisation-titre").fill("Un cabinet de télémédecine");
  await page.locator("#realisation-date").fill("06/2026");
  await choisir(page.locator("#realisation-fiche"), "n°1.1 —");
  await envoyer(page.getByRole("button", { name: "Ajouter la réalisation" }));
  const bilan = page.locator('select[id^="bilan-"][id$="-aboutissement"]').first();
  await bilan.selectOption("partiellement");
  await page.locator('input[id^="bilan-"][id$="-commentaire"]').first().fill("Deux internes accueillis sur cinq");
  await envoyer(page.getByRole("button", { name: "Enregistrer le bilan de la n°1.1" }));
  await revenuA(page, /\?fait=bilan-\d+(#bilan-\d+)?$/, "Le bilan de la fiche-action est enregistré.");
  await page.locator("#evaluation-nouvelle-titre").fill("Évaluation à mi-parcours");
  await page.locator("#evaluation-nouvelle-nature").selectOption("intermediaire");
  await page.locator("#evaluation-nouvelle-appreciation_pertinence").selectOption("satisfaisant");
  await page.locator("#evaluation-nouvelle-commentaire_pertinence").fill("Les axes répondent au diagnostic");
  await page.locator("#evaluation-nouvelle-recommandations").fill("Renforcer la prévention");
  await envoyer(page.getByRole("button", { name: "Ajouter l'évaluation" }));
  await accessibilite(page, "bilan et évaluation");
  verifier(
    (await page.getByRole("table", { name: "Appréciation par critère" }).innerText()).includes("Satisfaisant"),
    "appréciation du critère absente",
  );

  // The local mental-health council, its event.
  await page.goto(`${BASE}/contrats/essai-deux-epci-2025/clsm`);
  await page.locator("#clsm-nom").fill("CLSM de Caen la Mer");
  await page.locator("#clsm-lancement").fill("2025");
  await envoyer(page.getByRole("button", { name: "Créer le conseil" }));
  await page.locator("#evenement-nature").selectOption("sism");
  await page.locator("#evenement-titre").fill("SISM 2025");
  await envoyer(page.getByRole("button", { name: "Ajouter l'événement" }));
  await revenuA(page, "evenements", "Les événements du conseil sont enregistrés.");
  await accessibilite(page, "conseil local de santé mentale");

  // The coordinator invites the pilot of fiche-action 1.1, from the pilotage.
  await page.goto(`${BASE}/contrats/essai-deux-epci-2025/pilotage`);
  await page.locator("#invitation-email").fill("pilote@e2e.pilote.fr");
  await page.locator("#invitation-role").selectOption("pilote");
  await page.locator("#invitation-fiche").fill("1.1");
  await envoyer(page.getByRole("button", { name: "Envoyer l'invitation" }));

  // The pilot takes the invitation up, updates their action, and only theirs.
  const pilote = await (await navigateur.newContext({ locale: "fr-FR" })).newPage();
  await pilote.goto(lienRecu("pilote@e2e.pilote.fr", "invitations"));
  await accessibilite(pilote, "invitation");
  await pilote.locator("#nom").fill("Pilote E2E");
  await pilote.locator("#mot_de_passe").fill("un mot de passe de pilote");
  await pilote.locator("#confirmation").fill("un mot de passe de pilote");
  await envoyer(pilote.getByRole("button", { name: "Créer mon compte et accepter" }));
  await pilote.waitForURL(`${BASE}/`);
  await pilote.goto(`${BASE}/contrats/essai-deux-epci-2025`);
  await accessibilite(pilote, "contrat vu par le pilote");
  verifier(
    (await pilote.getByRole("link", { name: /^Modifier la fiche-action n°2\.1 / }).count()) === 0,
    "le pilote se voit offrir une autre fiche",
  );
  verifier(
    (await pilote.getByRole("link", { name: "Modifier le contrat" }).count()) === 0,
    "le pilote se voit offrir la modification du contrat",
  );
  await envoyer(pilote.getByRole("link", { name: /^Modifier la fiche-action n°1\.1 / }));
  await accessibilite(pilote, "fiche-action vue par son pilote");
  await pilote.locator('[id="avancement-1.1-statut"]').selectOption("en-cours");
  await pilote.locator('[id="avancement-1.1-avancement"]').fill("30");
  await envoyer(pilote.getByRole("button", { name: "Enregistrer l'avancement" }));
  verifier(
    await pilote.getByText("L'avancement de la fiche-action est enregistré.").isVisible(),
    `avancement non confirmé : ${await pilote.locator("main").innerText()}`,
  );
  const jeton = await pilote.locator('input[name="_csrf"]').first().inputValue();
  const version = await pilote.locator('input[name="version"]').first().inputValue();
  const refus = await pilote.request.post(`${BASE}/contrats/essai-deux-epci-2025/fiches/2.1/avancement`, {
    form: { _csrf: jeton, version, statut: "abandonnee", avancement: "0" },
  });
  verifier(refus.status() === 403, `une autre fiche modifiée par le pilote (${refus.status()})`);

  // Publication, then the public sees it.
  await envoyer(page.getByRole("button", { name: "Publier le contrat" }));
  await accessibilite(page, "contrat publié");
  const publique = await (await navigateur.newContext()).newPage();
  const reponse = await publique.goto(`${BASE}/contrats/essai-deux-epci-2025`);
  verifier(reponse.status() === 200, `le public ne lit pas le contrat publié (${reponse.status()})`);
  await accessibilite(publique, "contrat publié (public)");
  const lu = await texte(publique.locator("main"));
  for (const fait of [
    "Il s'appuie sur deux maisons de santé.",
    "Observatoire régional de la santé",
    "Il faut trois mois pour voir un ophtalmologue",
    "Un cabinet de télémédecine",
    "Recrutement lancé",
    "plus de 30 000",
    "Partiellement réalisée — Deux internes accueillis sur cinq",
    "Renforcer la prévention",
    "CLSM de Caen la Mer",
    "SISM 2025",
  ]) {
    verifier(lu.includes(fait), `le public ne lit pas « ${fait} »`);
  }
  // The diagnostic's study, published on purpose, downloaded by the public; the fiche's
  // convention, not published, is not even named.
  const etude = publique.locator("#documents").getByRole("link", { name: "Rapport de l'observatoire" });
  const telechargee = await publique.request.get(new URL(await etude.getAttribute("href"), BASE).href);
  verifier(
    telechargee.status() === 200 && (await telechargee.text()).startsWith("%PDF-1.4"),
    `le public ne télécharge pas le document publié (${telechargee.status()})`,
  );
  verifier(!lu.includes("Convention avec la faculté"), "le public lit un document non publié");

  // A plan imported from the spreadsheet template into a contract without one: previewed,
  // confirmed, then the same workbook refused, each number it takes again named.
  const modele = await page.request.get(`${BASE}/modele-plan.xlsx`);
  verifier(modele.status() === 200, `modèle du plan absent (${modele.status()})`);
  const classeur = { name: "plan.xlsx", mimeType: "application/octet-stream", buffer: await modele.body() };
  await page.goto(`${BASE}/contrats/essai-sans-plan-2025/strategie`);
  await envoyer(page.getByRole("link", { name: /^Importer un plan/ }));
  await accessibilite(page, "import d'un plan");
  await page.locator("#plan-fichier").setInputFiles(classeur);
  await envoyer(page.getByRole("button", { name: "Voir l'aperçu" }));
  await accessibilite(page, "aperçu du plan importé");
  verifier(
    (await texte(page.locator("#apercu"))).includes("1 axe, 1 objectif, 1 fiche-action, 1 ligne de budget, 1 indicateur"),
    `aperçu sans le résumé du plan : ${await texte(page.locator("main"))}`,
  );
  await envoyer(page.getByRole("button", { name: "Importer ce plan dans le contrat" }));
  await revenuA(page, "import", "Le plan du classeur est importé");
  verifier(
    (await page.getByRole("link", { name: "Fiche-action n°1.1 — Accueillir les internes en médecine" }).count()) === 1,
    "la fiche-action du plan importé est absente de la stratégie",
  );
  await envoyer(page.getByRole("link", { name: /^Importer un plan/ }));
  await page.locator("#plan-fichier").setInputFiles(classeur);
  await envoyer(page.getByRole("button", { name: "Voir l'aperçu" }));
  await accessibilite(page, "plan refusé, ses fautes nommées");
  const fautes = await texte(page.getByRole("table", { name: "Problèmes du classeur" }));
  verifier(
    fautes.includes("le contrat a déjà un axe n°1") && fautes.includes("le contrat a déjà une fiche-action n°1.1"),
    `fautes du classeur non nommées : ${fautes}`,
  );

  // What Pilote gives back: the published contract's dashboard to the public, its reports to
  // its coordinator (the PDF served), the pilot's own actions.
  await publique.goto(`${BASE}/contrats/essai-deux-epci-2025/tableau-de-bord`);
  await accessibilite(publique, "tableau de bord (public)");
  verifier(
    (await texte(publique.locator("main"))).includes("Avancement des actions"),
    "tableau de bord sans l'avancement des actions",
  );
  await page.goto(`${BASE}/contrats/essai-deux-epci-2025/rapports`);
  await accessibilite(page, "bilans et rapports");
  const pdf = await page.request.get(`${BASE}/contrats/essai-deux-epci-2025/rapport.pdf?rapport=evaluation`);
  verifier(
    pdf.status() === 200 && (await pdf.body()).subarray(0, 5).toString() === "%PDF-",
    `rapport d'évaluation non servi en PDF (${pdf.status()})`,
  );
  await pilote.goto(`${BASE}/mes-actions`);
  await accessibilite(pilote, "mes actions (pilote)");
  verifier(
    (await texte(pilote.locator("main"))).includes("Mettre à jour la fiche-action"),
    "mes actions ne mènent pas à la fiche-action pilotée",
  );

  // The partners directory, kept by the administration.
  await page.goto(`${BASE}/annuaire`);
  await accessibilite(page, "annuaire des partenaires");
  verifier(
    (await texte(page.locator("main"))).includes("Fusionner deux doublons"),
    "l'annuaire n'offre pas la fusion des doublons",
  );

  // The portfolio of every contract, narrowed to a région through its form.
  await page.getByRole("link", { name: "Portefeuille" }).click();
  await page.waitForURL(`${BASE}/portefeuille`);
  await accessibilite(page, "portefeuille (national)");
  await page.locator("#f-region").selectOption("28");
  await page.locator("#f-carte").selectOption("contrats");
  await envoyer(page.getByRole("button", { name: "Appliquer" }));
  await accessibilite(page, "portefeuille (une région, nombre de contrats)");
  const portefeuille = await texte(page.locator("main"));
  verifier(
    portefeuille.includes("Région Normandie") && portefeuille.includes("CLS d'essai sans plan"),
    "le portefeuille de la Normandie ne montre pas le contrat de Caen",
  );
  verifier(
    (await page.getByRole("img", { name: /Nombre de contrats locaux de santé, par région/ }).count()) === 1,
    "le portefeuille n'a pas sa carte des régions",
  );

  // Reference data: the administrator loads commune centroids and general practitioners
  // (small files made here), a bad file first; the APL of Caen's contract is then computed in
  // the background and a what-if scenario played.
  await page.getByRole("link", { name: "Données de référence" }).click();
  await page.waitForURL(`${BASE}/administration/donnees`);
  await accessibilite(page, "données de référence (rien de chargé)");
  const charger = async (nature, nom, contenu) => {
    const section = page.locator(`#${nature}`);
    // The form's details: open already when the page comes back with its refusal.
    const formulaire = section.locator("details").last();
    if (!(await formulaire.evaluate((d) => d.open))) await formulaire.locator("summary").click();
    await section.locator('input[type="file"]').setInputFiles({
      name: nom,
      mimeType: "text/csv",
      buffer: Buffer.from(contenu),
    });
    await section.locator(`input[name="source"]`).fill("Essai de bout en bout");
    await section.locator(`input[name="millesime"]`).fill("2026");
    await envoyer(section.getByRole("button", { name: "Charger" }));
  };
  await charger("centroides", "centroides.csv", "code_insee,lat,lon\nABCDE,49.18,-0.37\n");
  verifier(
    (await texte(page.locator("#centroides"))).includes("code « ABCDE » inconnu de la géographie officielle"),
    "le fichier fautif n'est pas refusé avec sa ligne et sa colonne",
  );
  await accessibilite(page, "données de référence (fichier refusé)");
  await charger(
    "centroides",
    "centroides.csv",
    "code_insee,lat,lon\n14118,49.18,-0.37\n14327,49.21,-0.33\n14047,49.28,-0.70\n14762,49.10,-0.65\n",
  );
  await charger(
    "rpps",
    "rpps.txt",
    "Identifiant PP|Code profession|Code savoir-faire|Code commune (coord. structure)\n" +
      Array.from({ length: 60 }, (_, i) => `${i}|10|SM54|14118`).join("\n") +
      "\n",
  );
  verifier(
    (await texte(page.locator("#rpps"))).includes("Le fichier est chargé et en usage."),
    "l'extrait du RPPS n'est pas chargé",
  );
  await accessibilite(page, "données de référence (chargées)");
  await page.goto(`${BASE}/contrats/essai-sans-plan-2025`);
  await page.getByRole("link", { name: "Accès aux médecins" }).click();
  await page.waitForURL(`${BASE}/contrats/essai-sans-plan-2025/acces-aux-soins`);
  for (let essai = 0; essai < 100; essai += 1) {
    if (!(await texte(page.locator("main"))).includes("Calcul de l'APL en cours")) break;
    await new Promise((r) => setTimeout(r, 100));
    await page.reload();
  }
  verifier(
    (await texte(page.locator("main"))).includes("Le territoire comparé"),
    "l'APL du contrat n'est pas calculée",
  );
  await accessibilite(page, "accès aux médecins généralistes");
  await page.locator("#commune-0").selectOption("14118");
  await page.locator("#medecins-0").fill("-20");
  await envoyer(page.getByRole("button", { name: "Simuler" }));
  verifier(
    (await texte(page.locator("#simulation"))).includes("voient leur APL changer"),
    "le scénario n'a pas d'effet affiché",
  );
  await accessibilite(page, "accès aux médecins généralistes (scénario)");

  // The administrator opens an account for the pilot of fiche-action 2.1; the person chooses
  // their password through the link they received, and finds their role.
  await page.goto(`${BASE}/administration/comptes`);
  await accessibilite(page, "comptes et rôles");
  await page.getByText("Ouvrir un compte avec un rôle").click();
  await page.locator("#email").fill("nouvelle.pilote@e2e.pilote.fr");
  await page.locator("#nom").fill("Nouvelle Pilote");
  await page.locator("#nature").selectOption("pilote");
  await page.locator("#portee").fill("essai-deux-epci-2025");
  await page.locator("#fiche").fill("9.9");
  await envoyer(page.getByRole("button", { name: "Ajouter" }));
  verifier(
    (await texte(page.locator("#fiche-erreur"))).includes("Aucune fiche-action n°9.9"),
    "la fiche inconnue n'est pas refusée à côté de son champ",
  );
  await accessibilite(page, "comptes et rôles (refus)");
  await page.locator("#fiche").fill("2.1");
  await envoyer(page.getByRole("button", { name: "Ajouter" }));
  verifier(
    (await texte(page.locator("main"))).includes("la personne a reçu par courriel le lien"),
    `compte non créé : ${await texte(page.locator("main"))}`,
  );
  await accessibilite(page, "fiche d'un compte");
  const nouvelle = await (await navigateur.newContext({ locale: "fr-FR" })).newPage();
  await nouvelle.goto(lienRecu("nouvelle.pilote@e2e.pilote.fr", "mot-de-passe"));
  await accessibilite(nouvelle, "choix du mot de passe par lien");
  await nouvelle.locator("#mot-de-passe-nouveau").fill("la phrase de la nouvelle pilote");
  await nouvelle.locator("#mot-de-passe-confirmation").fill("la phrase de la nouvelle pilote");
  await envoyer(nouvelle.getByRole("button", { name: "Enregistrer et me connecter" }));
  await nouvelle.waitForURL(`${BASE}/compte?fait=mot-de-passe-choisi`);
  verifier(
    (await texte(nouvelle.locator("main"))).includes("fiche-action n°2.1"),
    "la nouvelle pilote ne voit pas son rôle",
  );
  await accessibilite(nouvelle, "mon compte et mes données");
  // She dates a step of her action three days ahead; the reminders run (`pilote rappels`, as
  // the server does every hour) and her first reminder is in her mailbox, with the page to
  // update and the link to stop them, which she follows.
  await nouvelle.goto(`${BASE}/contrats/essai-deux-epci-2025/fiches/2.1`);
  const dans3 = new Date(Date.now() + 3 * 86_400_000);
  const deux = (n) => String(n).padStart(2, "0");
  await nouvelle.locator('[id="etape-2.1-libelle"]').fill("Premier atelier de prévention");
  await nouvelle
    .locator('[id="etape-2.1-echeance"]')
    .fill(`${deux(dans3.getUTCDate())}/${deux(dans3.getUTCMonth() + 1)}/${dans3.getUTCFullYear()}`);
  await envoyer(nouvelle.getByRole("button", { name: "Ajouter l'étape" }));
  const tournee = execFileSync(process.env.PILOTE_E2E_BINAIRE, ["--database-url", process.env.PILOTE_E2E_BASE, "--url-publique", BASE, "--courriels-dossier", process.env.PILOTE_E2E_COURRIELS, "rappels"], { encoding: "utf8" });
  console.log(tournee.trim());
  const rappel = courrielRecu("nouvelle.pilote@e2e.pilote.fr", "Premier atelier de prévention");
  verifier(
    rappel.includes("L'étape « Premier atelier de prévention » de la fiche-action n°2.1") &&
      rappel.includes(`${BASE}/contrats/essai-deux-epci-2025/fiches/2.1`),
    `premier rappel de la pilote absent ou incomplet : ${rappel}`,
  );
  await nouvelle.goto(lienRecu("nouvelle.pilote@e2e.pilote.fr", "rappels/desinscription"));
  await accessibilite(nouvelle, "désinscription des rappels");
  await envoyer(nouvelle.getByRole("button", { name: "Ne plus recevoir de rappels" }));
  verifier(
    (await texte(nouvelle.locator("main"))).includes("ne recevra plus de rappels"),
    "la désinscription n'est pas confirmée",
  );
  await accessibilite(nouvelle, "désinscription faite");
  // The contract's settings, and the queue as the administrator watches it.
  await page.goto(`${BASE}/contrats/essai-deux-epci-2025/rappels`);
  await accessibilite(page, "réglages des rappels d'un contrat");
  await page.goto(`${BASE}/administration/courriels`);
  verifier(
    (await texte(page.locator("main"))).includes("Envoyés ces trente derniers jours"),
    "la file des courriels ne s'affiche pas",
  );
  await accessibilite(page, "file des courriels");
  // The journal, filtered on the administrator's changes to accounts.
  await page.goto(`${BASE}/administration/journal?genre=modification&personne=${ADMIN.email}`);
  verifier(
    (await texte(page.locator("main"))).includes("rôles : pilote:essai-deux-epci-2025:2.1"),
    "la création du compte n'est pas au journal",
  );
  await accessibilite(page, "journal");

  // Sign-out.
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await page.waitForURL(`${BASE}/`);
  verifier(await page.getByRole("link", { name: "Se connecter" }).isVisible(), "toujours connecté");
} finally {
  await navigateur.close();
}

terminer();
