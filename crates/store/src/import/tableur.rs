//! A contract's plan read from the spreadsheet coordinators keep (XLSX from Excel or
//! LibreOffice, or ODS), through calamine. Sheets and columns are found by their French names,
//! in any order, case, accents and punctuation aside: « Contrat » (one line: identifiant, nom,
//! génération, début, fin, statut, EPCI, communes), « Axes » (numéro, titre, description,
//! transversal), « Objectifs » (axe, niveau, libellé, objectif parent — the label of an objective
//! of the same axis on a line above, or empty —), « Fiches-actions » (axe, objectif — the
//! label of one of its axis' objectives, or empty —, numéro, titre, contexte, objectifs,
//! description, pilote, partenaires, publics, thématiques, début, fin, statut, avancement),
//! « Budget »
//! (fiche-action, année, financeur, nature, prévisionnel, réalisé) and « Indicateurs »
//! (fiche-action, libellé, type, unité, valeur initiale, année cible, cible: a line naming the
//! indicator of a line above adds a target). Every fault is
//! named by sheet, line (as the spreadsheet numbers it) and column, all of them at once; a
//! workbook with any fault gives no contract. [`lire_plan`] reads the plan alone, to add to a
//! contract whose axis and fiche-action numbers it may not take.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use pilote_domain::contrat::{Contrat, StatutContrat};
use pilote_domain::fiche_action::{
    Cible, FicheAction, Indicateur, LigneBudget, NatureDepense, Pilote, StatutAction,
    TypeIndicateur,
};
use pilote_domain::recherche::replier;
use pilote_domain::referentiel::{Public, Thematique};
use pilote_domain::strategie::{Axe, NiveauObjectif, Objectif};
use pilote_domain::territoire::Territoire;
use pilote_domain::{CodeInsee, DatePartielle, IdContrat, Montant, Periode, Siren};

/// One fault of a workbook: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErreurTableur {
    pub feuille: String,
    /// The line as the spreadsheet numbers it (the headers are on line 1); 0 for the sheet.
    pub ligne: u32,
    /// The column's letter and header, when one is at fault.
    pub colonne: Option<(String, String)>,
    pub message: String,
}

impl fmt::Display for ErreurTableur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.feuille.is_empty() {
            return f.write_str(&self.message);
        }
        write!(f, "feuille « {} »", self.feuille)?;
        if self.ligne > 0 {
            write!(f, ", ligne {}", self.ligne)?;
        }
        if let Some((lettre, entete)) = &self.colonne {
            write!(f, ", colonne {lettre} (« {entete} »)")?;
        }
        write!(f, " : {}", self.message)
    }
}

/// « A », « Z », « AA »… for column `n` (from 0).
pub(crate) fn lettre(mut n: usize) -> String {
    let mut lettres = Vec::new();
    loop {
        lettres.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    lettres.reverse();
    String::from_utf8(lettres).unwrap_or_default()
}

/// A cell as text: numbers without a useless decimal part, dates as `AAAA-MM-JJ`.
fn texte(cellule: &Data) -> String {
    match cellule {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "oui" } else { "non" }.to_owned(),
        Data::DateTime(d) => {
            // Days since 30 December 1899, as spreadsheets count them.
            let origine = time::Date::from_calendar_date(1899, time::Month::December, 30)
                .expect("une date valide");
            match origine.checked_add(time::Duration::days(d.as_f64().floor() as i64)) {
                Some(jour) => format!(
                    "{:04}-{:02}-{:02}",
                    jour.year(),
                    u8::from(jour.month()),
                    jour.day()
                ),
                None => d.as_f64().to_string(),
            }
        }
    }
}

/// A sheet read: its header names (folded) by column, and its lines.
struct Feuille {
    nom: String,
    entetes: Vec<(String, String)>,
    /// Each line's number in the spreadsheet and its cells as text.
    lignes: Vec<(u32, Vec<String>)>,
}

/// One line of a sheet, for reading its cells by header.
struct Ligne<'a> {
    feuille: &'a Feuille,
    numero: u32,
    cellules: &'a [String],
}

impl Ligne<'_> {
    fn colonne(&self, entete: &str) -> Option<usize> {
        self.feuille
            .entetes
            .iter()
            .position(|(replie, _)| replie == &replier(entete))
    }

    /// The text of column `entete` (empty when the column or the cell is).
    fn valeur(&self, entete: &str) -> &str {
        self.colonne(entete)
            .and_then(|i| self.cellules.get(i))
            .map_or("", String::as_str)
    }

    fn optionnel(&self, entete: &str) -> Option<String> {
        Some(self.valeur(entete).to_owned()).filter(|v| !v.is_empty())
    }

    fn erreur(&self, entete: &str, message: String) -> ErreurTableur {
        let colonne = self.colonne(entete).map(|i| {
            let nom = self.feuille.entetes[i].1.clone();
            (lettre(i), nom)
        });
        ErreurTableur {
            feuille: self.feuille.nom.clone(),
            ligne: self.numero,
            colonne,
            message,
        }
    }

    /// Column `entete` read with `lire`, `None` when empty; a fault is kept in `erreurs`.
    fn lire<T>(
        &self,
        entete: &str,
        erreurs: &mut Vec<ErreurTableur>,
        lire: impl Fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        match self.valeur(entete) {
            "" => None,
            v => lire(v)
                .map_err(|m| erreurs.push(self.erreur(entete, m)))
                .ok(),
        }
    }

    /// The items of a list cell: separated by `;` or line breaks.
    fn liste(&self, entete: &str) -> Vec<String> {
        self.valeur(entete)
            .split([';', '\n'])
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

impl Feuille {
    fn lignes(&self) -> impl Iterator<Item = Ligne<'_>> {
        self.lignes.iter().map(|(numero, cellules)| Ligne {
            feuille: self,
            numero: *numero,
            cellules,
        })
    }
}

/// A reference list's value named by its code or its French label.
fn referentiel<T: Copy>(
    valeurs: &[T],
    code: fn(&T) -> &'static str,
    libelle: fn(&T) -> &'static str,
) -> impl Fn(&str) -> Result<T, String> {
    move |texte| {
        let replie = replier(texte);
        valeurs
            .iter()
            .find(|v| replier(code(v)) == replie || replier(libelle(v)) == replie)
            .copied()
            .ok_or_else(|| {
                let possibles: Vec<&str> = valeurs.iter().map(libelle).collect();
                format!(
                    "« {texte} » inconnu ; valeurs possibles : {}",
                    possibles.join(", ")
                )
            })
    }
}

fn nombre<T: std::str::FromStr>(quoi: &'static str) -> impl Fn(&str) -> Result<T, String> {
    move |texte| {
        texte
            .replace([' ', '\u{a0}', '\u{202f}'], "")
            .replace(',', ".")
            .parse()
            .map_err(|_| format!("« {texte} » n'est pas {quoi}"))
    }
}

fn date(texte: &str) -> Result<DatePartielle, String> {
    DatePartielle::lire_saisie(texte).map_err(|e| e.to_string())
}

/// A workbook opened: its sheets, by their folded names.
struct Classeur(BTreeMap<String, Feuille>);

impl Classeur {
    /// Opens the workbook `octets` (XLSX or ODS) and reads its sheets as text.
    fn ouvrir(octets: Vec<u8>) -> Result<Self, Vec<ErreurTableur>> {
        let mut classeur = open_workbook_auto_from_rs(Cursor::new(octets)).map_err(|e| {
            vec![ErreurTableur::du_classeur(format!(
                "ce fichier n'est pas un classeur XLSX ou ODS lisible ({e})"
            ))]
        })?;
        let mut feuilles: BTreeMap<String, Feuille> = BTreeMap::new();
        for nom in classeur.sheet_names() {
            let Ok(plage) = classeur.worksheet_range(&nom) else {
                continue;
            };
            let (debut, _) = plage.start().unwrap_or((0, 0));
            let mut lignes = plage.rows().enumerate().map(|(i, cellules)| {
                (
                    debut + i as u32 + 1,
                    cellules.iter().map(texte).collect::<Vec<_>>(),
                )
            });
            let entetes = lignes
                .next()
                .map(|(_, e)| e.into_iter().map(|n| (replier(&n), n)).collect())
                .unwrap_or_default();
            let lignes = lignes
                .filter(|(_, c)| c.iter().any(|v| !v.is_empty()))
                .collect();
            feuilles.insert(
                replier(&nom),
                Feuille {
                    nom,
                    entetes,
                    lignes,
                },
            );
        }
        Ok(Self(feuilles))
    }

    fn feuille(&self, nom: &str) -> Option<&Feuille> {
        self.0.get(&replier(nom))
    }
}

impl ErreurTableur {
    /// A fault of the whole workbook, not of one of its sheets.
    pub fn du_classeur(message: String) -> Self {
        Self {
            feuille: String::new(),
            ligne: 0,
            colonne: None,
            message,
        }
    }
}

/// The numbers a plan may not take: those of the contract it goes into.
#[derive(Debug, Default)]
struct NumerosPris {
    axes: BTreeSet<u16>,
    fiches: BTreeSet<String>,
}

impl NumerosPris {
    fn de(contrat: &Contrat) -> Self {
        Self {
            axes: contrat.axes.iter().map(|a| a.numero).collect(),
            fiches: contrat
                .toutes_les_fiches()
                .iter()
                .map(|f| f.numero.clone())
                .collect(),
        }
    }
}

/// Reads the workbook `octets` (XLSX or ODS) into a contract, checked by the domain's rules.
pub fn lire(octets: Vec<u8>) -> Result<Contrat, Vec<ErreurTableur>> {
    let classeur = Classeur::ouvrir(octets)?;
    let mut erreurs = Vec::new();
    // The contract: its one line.
    let Some(contrat) = classeur.feuille("Contrat") else {
        return Err(vec![ErreurTableur::du_classeur(
            "le classeur n'a pas de feuille « Contrat » (identifiant, nom, territoire…)".into(),
        )]);
    };
    let Some(l) = contrat.lignes().next() else {
        return Err(vec![ErreurTableur {
            feuille: contrat.nom.clone(),
            ligne: 2,
            colonne: None,
            message: "la ligne 2 doit décrire le contrat".into(),
        }]);
    };
    let id = l.lire("Identifiant", &mut erreurs, |v| {
        IdContrat::parse(v).map_err(|e| e.to_string())
    });
    if l.valeur("Identifiant").is_empty() {
        erreurs.push(l.erreur("Identifiant", "indiquez l'identifiant du contrat".into()));
    }
    let nom = l.valeur("Nom").to_owned();
    if nom.is_empty() {
        erreurs.push(l.erreur("Nom", "indiquez le nom du contrat".into()));
    }
    let generation = l.lire(
        "Génération",
        &mut erreurs,
        nombre::<u8>("une génération (1, 2…)"),
    );
    let debut = l.lire("Début", &mut erreurs, nombre::<u16>("une année"));
    let fin = l.lire("Fin", &mut erreurs, nombre::<u16>("une année"));
    let periode = match (debut, fin) {
        (Some(d), f) => Periode::new(d, f)
            .map_err(|e| erreurs.push(l.erreur("Fin", e.to_string())))
            .ok(),
        _ => None,
    };
    let statut = l.lire(
        "Statut",
        &mut erreurs,
        referentiel(
            StatutContrat::TOUS,
            StatutContrat::code,
            StatutContrat::libelle,
        ),
    );
    let epci: Vec<Siren> = l
        .liste("EPCI")
        .iter()
        .filter_map(|v| {
            Siren::parse(v)
                .map_err(|e| erreurs.push(l.erreur("EPCI", e.to_string())))
                .ok()
        })
        .collect();
    let communes: Vec<CodeInsee> = l
        .liste("Communes")
        .iter()
        .filter_map(|v| {
            CodeInsee::parse(v)
                .map_err(|e| erreurs.push(l.erreur("Communes", e.to_string())))
                .ok()
        })
        .collect();

    let axes = plan(&classeur, &NumerosPris::default(), &mut erreurs);
    if !erreurs.is_empty() {
        return Err(erreurs);
    }
    let mut resultat = Contrat::nouveau(
        id.expect("vérifié plus haut"),
        nom,
        generation.unwrap_or(1),
        Territoire {
            epci,
            communes,
            quartiers_prioritaires: Vec::new(),
        },
    );
    resultat.periode = periode;
    resultat.statut = statut;
    resultat.axes = axes;
    resultat
        .verifier()
        .map_err(|e| vec![ErreurTableur::du_classeur(e.to_string())])?;
    Ok(resultat)
}

/// Reads the plan of workbook `octets` (its sheets « Axes », « Objectifs », « Fiches-actions »,
/// « Budget » and « Indicateurs »; a sheet « Contrat » is not read) as axes to add to `dans`: an
/// axis or fiche-action number `dans` already has is a fault of its line, and the contract with
/// the plan added must keep the domain's rules.
pub fn lire_plan(octets: Vec<u8>, dans: &Contrat) -> Result<Vec<Axe>, Vec<ErreurTableur>> {
    let classeur = Classeur::ouvrir(octets)?;
    let mut erreurs = Vec::new();
    let axes = plan(&classeur, &NumerosPris::de(dans), &mut erreurs);
    if !erreurs.is_empty() {
        return Err(erreurs);
    }
    if axes.is_empty() {
        return Err(vec![ErreurTableur::du_classeur(
            "le classeur n'a aucun axe : remplissez la feuille « Axes » (numéro, titre…)".into(),
        )]);
    }
    let mut complet = dans.clone();
    complet.axes.extend(axes.iter().cloned());
    complet
        .verifier()
        .map_err(|e| vec![ErreurTableur::du_classeur(e.to_string())])?;
    Ok(axes)
}

/// Why number `numero` (of `quoi`: « un axe »…) cannot be taken: the contract has it already,
/// or a line above (`au_dessus`).
fn deja<'a, T: Ord + fmt::Display + 'a>(
    numero: &T,
    pris: &BTreeSet<T>,
    mut au_dessus: impl Iterator<Item = &'a T>,
    quoi: &str,
) -> Option<String> {
    if pris.contains(numero) {
        Some(format!("le contrat a déjà {quoi} n°{numero}"))
    } else if au_dessus.any(|n| n == numero) {
        Some(format!("une ligne précédente a déjà le numéro {numero}"))
    } else {
        None
    }
}

/// The axes of the plan, their objectives and fiches-actions with their budget and
/// indicators; every fault is kept in `erreurs` (the axes are then incomplete).
fn plan(classeur: &Classeur, pris: &NumerosPris, erreurs: &mut Vec<ErreurTableur>) -> Vec<Axe> {
    // The axes, by number.
    let mut axes: Vec<Axe> = Vec::new();
    for l in classeur
        .feuille("Axes")
        .into_iter()
        .flat_map(Feuille::lignes)
    {
        let numero = l.lire("Numéro", erreurs, nombre::<u16>("un numéro d'axe"));
        let titre = l.valeur("Titre");
        if titre.is_empty() {
            erreurs.push(l.erreur("Titre", "indiquez le titre de l'axe".into()));
        }
        if let Some(numero) = numero {
            if let Some(faute) = deja(
                &numero,
                &pris.axes,
                axes.iter().map(|a| &a.numero),
                "un axe",
            ) {
                erreurs.push(l.erreur("Numéro", faute));
            }
            axes.push(Axe {
                id: None,
                numero,
                titre: titre.to_owned(),
                description: l.optionnel("Description"),
                transversal: matches!(
                    replier(l.valeur("Transversal")).as_str(),
                    "oui" | "x" | "vrai"
                ),
                objectifs: Vec::new(),
                fiches_actions: Vec::new(),
            });
        } else {
            erreurs.push(l.erreur("Numéro", "indiquez le numéro de l'axe".into()));
        }
    }

    // The objectives, under their axis.
    // Each with its axis and the line (index) of its parent objective, if any.
    let mut objectifs: Vec<(u16, Option<usize>, Objectif)> = Vec::new();
    for l in classeur
        .feuille("Objectifs")
        .into_iter()
        .flat_map(Feuille::lignes)
    {
        let axe = l.lire("Axe", erreurs, nombre::<u16>("un numéro d'axe"));
        match axe {
            Some(a) if axes.iter().any(|x| x.numero == a) => {}
            Some(a) => {
                erreurs.push(l.erreur("Axe", format!("la feuille « Axes » n'a pas d'axe n°{a}")))
            }
            None => erreurs.push(l.erreur("Axe", "indiquez le numéro de l'axe".into())),
        }
        let niveau = l.lire(
            "Niveau",
            erreurs,
            referentiel(
                NiveauObjectif::TOUS,
                NiveauObjectif::code,
                NiveauObjectif::libelle,
            ),
        );
        if l.valeur("Niveau").is_empty() {
            erreurs.push(l.erreur(
                "Niveau",
                "indiquez général, spécifique ou opérationnel".into(),
            ));
        }
        let libelle = l.valeur("Libellé").to_owned();
        if libelle.is_empty() {
            erreurs.push(l.erreur("Libellé", "indiquez le libellé de l'objectif".into()));
        }
        let sous_cet_axe = |nom: &str| {
            objectifs
                .iter()
                .position(|(a, _, o)| Some(*a) == axe && replier(&o.libelle) == replier(nom))
        };
        if !libelle.is_empty() && sous_cet_axe(&libelle).is_some() {
            erreurs.push(l.erreur(
                "Libellé",
                "une ligne précédente a déjà ce libellé sous cet axe".into(),
            ));
        }
        let parent = match l.valeur("Objectif parent") {
            "" => None,
            nom => {
                let trouve = sous_cet_axe(nom);
                if trouve.is_none() {
                    erreurs.push(l.erreur(
                        "Objectif parent",
                        format!("aucune ligne précédente n'a d'objectif « {nom} » sous cet axe"),
                    ));
                }
                trouve
            }
        };
        if let (Some(axe), Some(niveau)) = (axe, niveau) {
            objectifs.push((
                axe,
                parent,
                Objectif {
                    id: None,
                    niveau,
                    libelle,
                    sous_objectifs: Vec::new(),
                    fiches_actions: Vec::new(),
                },
            ));
        }
    }

    // The fiches-actions, under their axis or one of its objectives.
    let mut fiches: Vec<(u16, Option<usize>, FicheAction)> = Vec::new();
    for l in classeur
        .feuille("Fiches-actions")
        .into_iter()
        .flat_map(Feuille::lignes)
    {
        let axe = l.lire("Axe", erreurs, nombre::<u16>("un numéro d'axe"));
        let numero = l.valeur("Numéro").to_owned();
        let titre = l.valeur("Titre").to_owned();
        if numero.is_empty() {
            erreurs.push(l.erreur("Numéro", "indiquez le numéro de la fiche-action".into()));
        } else if let Some(faute) = deja(
            &numero,
            &pris.fiches,
            fiches.iter().map(|(_, _, f)| &f.numero),
            "une fiche-action",
        ) {
            erreurs.push(l.erreur("Numéro", faute));
        }
        if titre.is_empty() {
            erreurs.push(l.erreur("Titre", "indiquez le titre de la fiche-action".into()));
        }
        match axe {
            Some(a) if axes.iter().any(|x| x.numero == a) => {}
            Some(a) => {
                erreurs.push(l.erreur("Axe", format!("la feuille « Axes » n'a pas d'axe n°{a}")))
            }
            None => erreurs.push(l.erreur("Axe", "indiquez le numéro de l'axe".into())),
        }
        // An objective is looked for under a known axis only (an unknown one is said already).
        let axe_connu = axe.filter(|a| axes.iter().any(|x| x.numero == *a));
        let objectif = match l.valeur("Objectif") {
            _ if axe_connu.is_none() => None,
            "" => None,
            libelle => {
                let trouve = objectifs.iter().position(|(a, _, o)| {
                    Some(*a) == axe && replier(&o.libelle) == replier(libelle)
                });
                if trouve.is_none() {
                    erreurs.push(l.erreur(
                        "Objectif",
                        format!(
                            "la feuille « Objectifs » n'a pas d'objectif « {libelle} » sous cet axe"
                        ),
                    ));
                }
                trouve
            }
        };
        let publics = l
            .liste("Publics")
            .iter()
            .filter_map(|v| {
                referentiel(Public::TOUS, Public::code, Public::libelle)(v)
                    .map_err(|m| erreurs.push(l.erreur("Publics", m)))
                    .ok()
            })
            .collect();
        let thematiques = l
            .liste("Thématiques")
            .iter()
            .filter_map(|v| {
                referentiel(Thematique::TOUS, Thematique::code, Thematique::libelle)(v)
                    .map_err(|m| erreurs.push(l.erreur("Thématiques", m)))
                    .ok()
            })
            .collect();
        let fiche = FicheAction {
            id: None,
            numero,
            titre,
            contexte: l.optionnel("Contexte"),
            objectifs: l.liste("Objectifs"),
            description: l.optionnel("Description"),
            pilote: l.optionnel("Pilote").map(|organisation| Pilote {
                organisation,
                personne: None,
            }),
            partenaires: l.liste("Partenaires"),
            publics,
            thematiques,
            communes: Vec::new(),
            debut: l.lire("Début", erreurs, date),
            fin: l.lire("Fin", erreurs, date),
            etapes: Vec::new(),
            budget: Vec::new(),
            indicateurs: Vec::new(),
            statut: l.lire(
                "Statut",
                erreurs,
                referentiel(
                    StatutAction::TOUS,
                    StatutAction::code,
                    StatutAction::libelle,
                ),
            ),
            avancement: l.lire(
                "Avancement",
                erreurs,
                nombre::<u8>("un pourcentage de 0 à 100"),
            ),
            notes: Vec::new(),
            documents: Vec::new(),
            bilan: None,
        };
        fiches.push((axe.unwrap_or_default(), objectif, fiche));
    }
    let fiche_de = |l: &Ligne, erreurs: &mut Vec<ErreurTableur>| {
        let numero = l.valeur("Fiche-action");
        let i = fiches.iter().position(|(_, _, f)| f.numero == numero);
        if i.is_none() {
            erreurs.push(l.erreur(
                "Fiche-action",
                format!("la feuille « Fiches-actions » n'a pas de fiche-action n°{numero}"),
            ));
        }
        i
    };

    // Budget lines and indicators, under their fiche-action.
    let mut budget: Vec<(usize, LigneBudget)> = Vec::new();
    for l in classeur
        .feuille("Budget")
        .into_iter()
        .flat_map(Feuille::lignes)
    {
        let fiche = fiche_de(&l, erreurs);
        let annee = l.lire("Année", erreurs, nombre::<u16>("une année"));
        let nature = l.lire(
            "Nature",
            erreurs,
            referentiel(
                NatureDepense::TOUS,
                NatureDepense::code,
                NatureDepense::libelle,
            ),
        );
        let montant = |v: &str| Montant::parse(v).map_err(|e| e.to_string());
        let previsionnel = l.lire("Prévisionnel", erreurs, montant);
        let realise = l.lire("Réalisé", erreurs, montant);
        if l.valeur("Financeur").is_empty() {
            erreurs.push(l.erreur("Financeur", "indiquez le financeur".into()));
        }
        if l.valeur("Année").is_empty() {
            erreurs.push(l.erreur("Année", "indiquez l'année".into()));
        }
        if l.valeur("Nature").is_empty() {
            erreurs.push(l.erreur("Nature", "indiquez fonctionnement ou investissement".into()));
        }
        if let (Some(f), Some(annee), Some(nature)) = (fiche, annee, nature) {
            budget.push((
                f,
                LigneBudget {
                    id: None,
                    annee,
                    financeur: l.valeur("Financeur").to_owned(),
                    nature,
                    previsionnel,
                    realise,
                },
            ));
        }
    }
    let mut indicateurs: Vec<(usize, Indicateur)> = Vec::new();
    for l in classeur
        .feuille("Indicateurs")
        .into_iter()
        .flat_map(Feuille::lignes)
    {
        let fiche = fiche_de(&l, erreurs);
        let type_indicateur = l.lire(
            "Type",
            erreurs,
            referentiel(
                TypeIndicateur::TOUS,
                TypeIndicateur::code,
                TypeIndicateur::libelle,
            ),
        );
        let libelle = l.valeur("Libellé").to_owned();
        if libelle.is_empty() {
            erreurs.push(l.erreur("Libellé", "indiquez ce que mesure l'indicateur".into()));
        }
        let valeur_initiale = l.lire("Valeur initiale", erreurs, nombre::<f64>("un nombre"));
        let annee = l.lire("Année cible", erreurs, nombre::<u16>("une année"));
        let cible = l.lire("Cible", erreurs, nombre::<f64>("un nombre"));
        let cibles: Vec<Cible> = match (annee, cible) {
            (Some(annee), Some(valeur)) => vec![Cible {
                id: None,
                annee,
                valeur,
            }],
            _ => Vec::new(),
        };
        // A line naming the indicator of a line above (same fiche, same label) adds a target.
        let deja = indicateurs
            .iter_mut()
            .find(|(g, i)| Some(*g) == fiche && replier(&i.libelle) == replier(&libelle));
        if let Some((_, indicateur)) = deja {
            indicateur.cibles.extend(cibles);
        } else if let (Some(f), Some(type_indicateur)) = (fiche, type_indicateur) {
            indicateurs.push((
                f,
                Indicateur {
                    id: None,
                    libelle,
                    type_indicateur,
                    unite: l.optionnel("Unité"),
                    valeur_initiale,
                    cibles,
                    valeurs: Vec::new(),
                },
            ));
        } else if l.valeur("Type").is_empty() {
            erreurs.push(l.erreur("Type", "indiquez processus ou résultat".into()));
        }
    }
    for (f, ligne) in budget {
        fiches[f].2.budget.push(ligne);
    }
    for (f, indicateur) in indicateurs {
        fiches[f].2.indicateurs.push(indicateur);
    }
    for (axe, objectif, fiche) in fiches {
        match objectif {
            Some(o) => objectifs[o].2.fiches_actions.push(fiche),
            None => {
                if let Some(a) = axes.iter_mut().find(|a| a.numero == axe) {
                    a.fiches_actions.push(fiche);
                }
            }
        }
    }
    // Each objective into its parent (on a line above), from the last line up; then the
    // remaining ones into their axis.
    let mut a_placer: Vec<_> = objectifs.into_iter().map(Some).collect();
    for i in (0..a_placer.len()).rev() {
        if let Some((_, Some(parent), _)) = a_placer[i]
            && let Some((_, _, objectif)) = a_placer[i].take()
            && let Some((_, _, p)) = &mut a_placer[parent]
        {
            p.sous_objectifs.insert(0, objectif);
        }
    }
    for (axe, _, objectif) in a_placer.into_iter().flatten() {
        if let Some(a) = axes.iter_mut().find(|a| a.numero == axe) {
            a.objectifs.push(objectif);
        }
    }
    axes
}

/// The sheets of a plan, each with its columns and an example line that imports as it is.
const MODELE: &[(&str, &[(&str, &str)])] = &[
    (
        "Contrat",
        &[
            ("Identifiant", "mon-contrat-2025"),
            ("Nom", "Contrat local de santé de Caen 2025-2029"),
            ("Génération", "1"),
            ("Début", "2025"),
            ("Fin", "2029"),
            ("Statut", "En élaboration"),
            ("EPCI", "200065597"),
            ("Communes", ""),
        ],
    ),
    (
        "Axes",
        &[
            ("Numéro", "1"),
            ("Titre", "Accès aux soins"),
            ("Description", ""),
            ("Transversal", "non"),
        ],
    ),
    (
        "Objectifs",
        &[
            ("Axe", "1"),
            ("Niveau", "Objectif général"),
            ("Libellé", "Renforcer l'offre de premier recours"),
            ("Objectif parent", ""),
        ],
    ),
    (
        "Fiches-actions",
        &[
            ("Axe", "1"),
            ("Objectif", "Renforcer l'offre de premier recours"),
            ("Numéro", "1.1"),
            ("Titre", "Accueillir les internes en médecine"),
            ("Contexte", ""),
            ("Objectifs", "Attirer des médecins ; Loger les internes"),
            ("Description", ""),
            ("Pilote", "Ville de Caen"),
            ("Partenaires", "CPAM ; Faculté de médecine"),
            ("Publics", "Professionnels"),
            ("Thématiques", "Accès aux soins"),
            ("Début", "09/2025"),
            ("Fin", ""),
            ("Statut", "À venir"),
            ("Avancement", ""),
        ],
    ),
    (
        "Budget",
        &[
            ("Fiche-action", "1.1"),
            ("Année", "2025"),
            ("Financeur", "ARS Normandie"),
            ("Nature", "Fonctionnement"),
            ("Prévisionnel", "12000"),
            ("Réalisé", ""),
        ],
    ),
    (
        "Indicateurs",
        &[
            ("Fiche-action", "1.1"),
            ("Libellé", "Internes accueillis"),
            ("Type", "Indicateur de résultat"),
            ("Unité", "internes"),
            ("Valeur initiale", "0"),
            ("Année cible", "2027"),
            ("Cible", "5"),
        ],
    ),
];

/// The workbook to fill in (XLSX): one sheet per part of the plan, bold frozen headers, an
/// example line in each that imports as it is.
pub fn modele() -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut classeur = rust_xlsxwriter::Workbook::new();
    let gras = rust_xlsxwriter::Format::new().set_bold();
    for (nom, colonnes) in MODELE {
        let feuille = classeur.add_worksheet();
        feuille.set_name(*nom)?;
        for (c, (entete, exemple)) in (0_u16..).zip(colonnes.iter()) {
            feuille.write_string_with_format(0, c, *entete, &gras)?;
            feuille.write_string(1, c, *exemple)?;
            feuille.set_column_width(c, (entete.len().max(exemple.len()) + 2).min(50) as f64)?;
        }
        feuille.set_freeze_panes(1, 0)?;
    }
    classeur.save_to_buffer()
}

/// The columns of sheet `nom` of the template.
pub(crate) fn colonnes_du_modele(nom: &str) -> Vec<&'static str> {
    MODELE
        .iter()
        .filter(|(n, _)| *n == nom)
        .flat_map(|(_, colonnes)| colonnes.iter().map(|(entete, _)| *entete))
        .collect()
}

#[cfg(test)]
mod tests {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

    use super::*;

    /// A workbook written by a real spreadsheet writer (rust_xlsxwriter, as Excel writes them):
    /// `feuilles` by name, each a header line then lines of text, numbers or dates.
    enum Cellule {
        T(&'static str),
        N(f64),
        D(u16, u8, u8),
    }
    use Cellule::{D, N, T};

    fn classeur(feuilles: &[(&str, Vec<Vec<Cellule>>)]) -> Vec<u8> {
        let mut classeur = Workbook::new();
        let format_date = Format::new().set_num_format("dd/mm/yyyy");
        for (nom, lignes) in feuilles {
            let feuille = classeur.add_worksheet();
            feuille.set_name(*nom).unwrap();
            for (l, ligne) in lignes.iter().enumerate() {
                for (c, cellule) in ligne.iter().enumerate() {
                    let (l, c) = (l as u32, c as u16);
                    match cellule {
                        T(t) => feuille.write_string(l, c, *t).map(drop),
                        N(n) => feuille.write_number(l, c, *n).map(drop),
                        D(a, m, j) => {
                            let date = ExcelDateTime::from_ymd(*a, *m, *j).unwrap();
                            feuille
                                .write_datetime_with_format(l, c, &date, &format_date)
                                .map(drop)
                        }
                    }
                    .unwrap();
                }
            }
        }
        classeur.save_to_buffer().unwrap()
    }

    fn plan_sans_objectifs() -> Vec<(&'static str, Vec<Vec<Cellule>>)> {
        vec![
            (
                "Contrat",
                vec![
                    vec![
                        T("Identifiant"),
                        T("Nom"),
                        T("Génération"),
                        T("Début"),
                        T("Fin"),
                        T("Statut"),
                        T("EPCI"),
                        T("Communes"),
                    ],
                    vec![
                        T("sud-toulousain-2022"),
                        T("CLS du Pays Sud Toulousain"),
                        N(1.0),
                        N(2022.0),
                        N(2025.0),
                        T("En cours"),
                        T("200068807; 200068815"),
                        T(""),
                    ],
                ],
            ),
            (
                "Axes",
                vec![
                    // Headers in another order, case and accents aside.
                    vec![T("TITRE"), T("Numero"), T("Transversal")],
                    vec![T("Accès aux droits et aux soins"), N(1.0), T("")],
                    vec![T("Santé environnementale"), N(2.0), T("oui")],
                ],
            ),
            (
                "Fiches-actions",
                vec![
                    vec![
                        T("Axe"),
                        T("Numéro"),
                        T("Titre"),
                        T("Pilote"),
                        T("Partenaires"),
                        T("Publics"),
                        T("Thématiques"),
                        T("Début"),
                        T("Statut"),
                        T("Avancement"),
                        T("Objectifs"),
                    ],
                    vec![
                        N(1.0),
                        T("1.1"),
                        T("Informer sur l'installation"),
                        T("CC du Volvestre"),
                        T("CPAM; Ordre des médecins"),
                        T("Professionnels"),
                        T("acces-aux-soins"),
                        D(2022, 3, 15),
                        T("En cours"),
                        N(40.0),
                        T("Attirer des médecins\nAccueillir des internes"),
                    ],
                    vec![
                        N(2.0),
                        T("2.1"),
                        T("Qualité de l'air intérieur"),
                        T(""),
                        T(""),
                        T("Enfants; jeunes"),
                        T("Santé environnement"),
                        T("2022"),
                        T(""),
                        T(""),
                        T(""),
                    ],
                ],
            ),
            (
                "Budget",
                vec![
                    vec![
                        T("Fiche-action"),
                        T("Année"),
                        T("Financeur"),
                        T("Nature"),
                        T("Prévisionnel"),
                        T("Réalisé"),
                    ],
                    vec![
                        T("1.1"),
                        N(2022.0),
                        T("ARS Occitanie"),
                        T("Fonctionnement"),
                        N(12000.0),
                        T("9 500,50"),
                    ],
                ],
            ),
            (
                "Indicateurs",
                vec![
                    vec![
                        T("Fiche-action"),
                        T("Libellé"),
                        T("Type"),
                        T("Unité"),
                        T("Valeur initiale"),
                        T("Année cible"),
                        T("Cible"),
                    ],
                    vec![
                        T("2.1"),
                        T("Crèches sensibilisées"),
                        T("Indicateur de processus"),
                        T("crèches"),
                        N(0.0),
                        N(2025.0),
                        N(12.0),
                    ],
                ],
            ),
        ]
    }

    /// The plan with its sheet of objectives, fiche-action 1.1 under the one of axis 1.
    fn plan() -> Vec<(&'static str, Vec<Vec<Cellule>>)> {
        let mut feuilles = plan_sans_objectifs();
        let fiches = &mut feuilles[2].1;
        fiches[0].push(T("Objectif"));
        fiches[1].push(T("attirer des professionnels de sante"));
        fiches[2].push(T(""));
        let objectifs = vec![
            vec![T("Axe"), T("Niveau"), T("Libellé")],
            vec![
                N(1.0),
                T("general"),
                T("Attirer des professionnels de santé"),
            ],
        ];
        feuilles.insert(2, ("Objectifs", objectifs));
        feuilles
    }

    /// The plan with a specific objective under the general one of axis 1.
    fn plan_avec_sous_objectif() -> Vec<(&'static str, Vec<Vec<Cellule>>)> {
        let mut feuilles = plan();
        feuilles[2].1[0].push(T("Objectif parent"));
        feuilles[2].1.push(vec![
            N(1.0),
            T("Objectif spécifique"),
            T("Accueillir des internes"),
            T("Attirer des professionnels de santé"),
        ]);
        feuilles
    }

    #[test]
    fn un_plan_se_lit_de_son_classeur() {
        let contrat = lire(classeur(&plan())).unwrap();
        assert_eq!(contrat.id.as_str(), "sud-toulousain-2022");
        assert_eq!(
            contrat.periode.map(|p| p.to_string()).as_deref(),
            Some("2022-2025")
        );
        assert_eq!(contrat.statut, Some(StatutContrat::EnCours));
        assert_eq!(contrat.territoire.epci.len(), 2);
        assert_eq!(contrat.axes.len(), 2);
        assert!(contrat.axes[1].transversal && !contrat.axes[0].transversal);
        let objectif = &contrat.axes[0].objectifs[0];
        assert_eq!(objectif.libelle, "Attirer des professionnels de santé");
        assert!(
            contrat.axes[0].fiches_actions.is_empty(),
            "la 1.1 est sous son objectif"
        );
        let f = &objectif.fiches_actions[0];
        assert_eq!(f.titre, "Informer sur l'installation");
        assert_eq!(
            f.pilote.as_ref().map(|p| p.organisation.as_str()),
            Some("CC du Volvestre")
        );
        assert_eq!(f.partenaires, ["CPAM", "Ordre des médecins"]);
        assert_eq!(f.publics, [Public::Professionnels]);
        assert_eq!(f.thematiques, [Thematique::AccesAuxSoins]);
        assert_eq!(
            f.debut.map(|d| d.to_string()).as_deref(),
            Some("2022-03-15"),
            "une date du tableur"
        );
        assert_eq!(f.avancement, Some(40));
        assert_eq!(
            f.objectifs,
            ["Attirer des médecins", "Accueillir des internes"]
        );
        assert_eq!(
            f.budget[0].previsionnel,
            Some(Montant::parse("12000").unwrap())
        );
        assert_eq!(
            f.budget[0].realise,
            Some(Montant::parse("9500,50").unwrap())
        );
        let g = &contrat.axes[1].fiches_actions[0];
        assert_eq!(g.publics, [Public::Enfants, Public::Jeunes]);
        assert_eq!(g.debut.map(|d| d.to_string()).as_deref(), Some("2022"));
        assert_eq!(g.indicateurs[0].cibles[0].valeur, 12.0);
        assert_eq!(g.indicateurs[0].type_indicateur, TypeIndicateur::Processus);
    }

    #[test]
    fn chaque_faute_est_nommee_par_feuille_ligne_et_colonne() {
        let mut feuilles = plan();
        feuilles[3].1[1][0] = N(7.0); // no axis 7
        feuilles[3].1[2][5] = T("Martiens");
        feuilles[3].1[2][11] = T("Un objectif inconnu"); // an unknown public
        feuilles[4].1[1][3] = T("Fonctionnement courant");
        feuilles[5].1[1][0] = T("9.9");
        let erreurs: Vec<String> = lire(classeur(&feuilles))
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        for attendu in [
            "feuille « Fiches-actions », ligne 2, colonne A (« Axe ») : la feuille « Axes » n'a pas d'axe n°7",
            "feuille « Fiches-actions », ligne 3, colonne F (« Publics ») : « Martiens » inconnu",
            "feuille « Fiches-actions », ligne 3, colonne L (« Objectif ») : la feuille « Objectifs » n'a pas d'objectif « Un objectif inconnu » sous cet axe",
            "feuille « Budget », ligne 2, colonne D (« Nature ») : « Fonctionnement courant » inconnu",
            "feuille « Indicateurs », ligne 2, colonne A (« Fiche-action ») : la feuille « Fiches-actions » n'a pas de fiche-action n°9.9",
        ] {
            assert!(
                erreurs.iter().any(|e| e.starts_with(attendu)),
                "{attendu}\n{erreurs:#?}"
            );
        }
        assert_eq!(erreurs.len(), 5, "{erreurs:#?}");
    }

    #[test]
    fn le_modele_s_importe_tel_quel() {
        let contrat = lire(modele().unwrap()).unwrap();
        assert_eq!(contrat.id.as_str(), "mon-contrat-2025");
        let objectif = &contrat.axes[0].objectifs[0];
        assert_eq!(objectif.niveau, NiveauObjectif::General);
        let fiche = &objectif.fiches_actions[0];
        assert_eq!(fiche.partenaires, ["CPAM", "Faculté de médecine"]);
        assert_eq!(fiche.budget.len(), 1);
        assert_eq!(fiche.indicateurs[0].cibles[0].annee, 2027);
    }

    #[test]
    fn un_objectif_se_range_sous_son_parent() {
        let mut feuilles = plan();
        let objectifs = &mut feuilles[2].1;
        objectifs[0].push(T("Objectif parent"));
        objectifs.push(vec![
            N(1.0),
            T("spécifique"),
            T("Accueillir des internes"),
            T("attirer des professionnels de sante"),
        ]);
        objectifs.push(vec![
            N(1.0),
            T("opérationnel"),
            T("Loger les internes"),
            T("Accueillir des internes"),
        ]);
        let colonne_objectif = feuilles[3].1[1].len() - 1;
        feuilles[3].1[1][colonne_objectif] = T("Loger les internes");
        let contrat = lire(classeur(&feuilles)).unwrap();
        let general = &contrat.axes[0].objectifs;
        assert_eq!(general.len(), 1, "un seul objectif à la racine de l'axe");
        let specifique = &general[0].sous_objectifs[0];
        assert_eq!(specifique.niveau, NiveauObjectif::Specifique);
        let operationnel = &specifique.sous_objectifs[0];
        assert_eq!(operationnel.libelle, "Loger les internes");
        assert_eq!(operationnel.fiches_actions[0].numero, "1.1");

        // A parent named below its child, or not at all, and a label twice under one axis.
        let objectifs = &mut feuilles[2].1;
        objectifs[3][3] = T("Un objectif plus bas");
        objectifs.push(vec![N(1.0), T("général"), T("Un objectif plus bas"), T("")]);
        objectifs.push(vec![
            N(1.0),
            T("général"),
            T("Accueillir des internes"),
            T(""),
        ]);
        let erreurs: Vec<String> = lire(classeur(&feuilles))
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            erreurs,
            [
                "feuille « Objectifs », ligne 4, colonne D (« Objectif parent ») : aucune ligne \
                 précédente n'a d'objectif « Un objectif plus bas » sous cet axe",
                "feuille « Objectifs », ligne 6, colonne C (« Libellé ») : une ligne précédente a \
                 déjà ce libellé sous cet axe",
            ]
        );
    }

    #[test]
    fn un_plan_s_ajoute_a_un_contrat_sans_en_reprendre_les_numeros() {
        let octets = classeur(&plan());
        let existant = lire(octets.clone()).unwrap();
        let vide = Contrat::nouveau(
            IdContrat::parse("autre-contrat").unwrap(),
            "Autre contrat".into(),
            1,
            existant.territoire.clone(),
        );
        let axes = lire_plan(octets.clone(), &vide).unwrap();
        assert_eq!(axes, existant.axes, "la feuille « Contrat » n'est pas lue");

        let erreurs: Vec<String> = lire_plan(octets, &existant)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        for attendu in [
            "feuille « Axes », ligne 2, colonne B (« Numero ») : le contrat a déjà un axe n°1",
            "feuille « Axes », ligne 3, colonne B (« Numero ») : le contrat a déjà un axe n°2",
            "feuille « Fiches-actions », ligne 2, colonne B (« Numéro ») : le contrat a déjà une fiche-action n°1.1",
            "feuille « Fiches-actions », ligne 3, colonne B (« Numéro ») : le contrat a déjà une fiche-action n°2.1",
        ] {
            assert!(
                erreurs.iter().any(|e| e == attendu),
                "{attendu}\n{erreurs:#?}"
            );
        }
        assert_eq!(erreurs.len(), 4, "{erreurs:#?}");

        let mut doublons = plan();
        doublons[3].1[2][1] = T("1.1");
        let erreurs = lire_plan(classeur(&doublons), &vide).unwrap_err();
        assert_eq!(
            erreurs[0].to_string(),
            "feuille « Fiches-actions », ligne 3, colonne B (« Numéro ») : une ligne précédente a \
             déjà le numéro 1.1"
        );
        let sans_axe = classeur(&[("Axes", vec![vec![T("Numéro"), T("Titre")]])]);
        assert!(
            lire_plan(sans_axe, &vide).unwrap_err()[0]
                .to_string()
                .contains("aucun axe")
        );
    }

    /// `classeur` saved again by LibreOffice (headless) in format `format` (`ods`, `xlsx`);
    /// `None` when LibreOffice is absent and `PILOTE_TEST_LIBREOFFICE` does not ask for it.
    fn par_libreoffice(classeur: &[u8], format: &str) -> Option<Vec<u8>> {
        let exige = std::env::var_os("PILOTE_TEST_LIBREOFFICE").is_some();
        let present = std::process::Command::new("soffice")
            .arg("--version")
            .output()
            .is_ok_and(|s| s.status.success());
        if !present {
            assert!(!exige, "PILOTE_TEST_LIBREOFFICE : soffice est introuvable");
            eprintln!("LibreOffice absent : classeurs de LibreOffice non essayés");
            return None;
        }
        let dossier = tempfile::tempdir().unwrap();
        let ods = classeur.windows(12).any(|w| w == b"opendocument");
        let source = dossier
            .path()
            .join(if ods { "plan.ods" } else { "plan.xlsx" });
        std::fs::write(&source, classeur).unwrap();
        let sortie = dossier.path().join("libreoffice");
        let profil = format!(
            "-env:UserInstallation=file://{}",
            dossier.path().join("profil").display()
        );
        // LibreOffice, starting on a fresh profile on a loaded machine, at times aborts
        // (« Unspecified Application Error »): the conversion is tried again, three times at
        // most, before the test fails.
        let convertir = || {
            std::process::Command::new("soffice")
                .args([
                    profil.as_str(),
                    "--headless",
                    "--convert-to",
                    format,
                    "--outdir",
                ])
                .arg(&sortie)
                .arg(&source)
                .output()
                .unwrap()
        };
        let mut statut = convertir();
        for _ in 1..3 {
            if statut.status.success() {
                break;
            }
            statut = convertir();
        }
        assert!(statut.status.success(), "{statut:?}");
        Some(std::fs::read(sortie.join(format!("plan.{format}"))).unwrap())
    }

    #[test]
    fn un_classeur_enregistre_par_libreoffice_donne_le_meme_plan() {
        let feuilles = plan_avec_sous_objectif();
        let original = classeur(&feuilles);
        let attendu = lire(original.clone()).unwrap();
        for format in ["ods", "xlsx"] {
            let Some(octets) = par_libreoffice(&original, format) else {
                return;
            };
            assert_eq!(lire(octets).unwrap(), attendu, "{format}");
        }
        let modele = modele().unwrap();
        let ods = par_libreoffice(&modele, "ods").unwrap();
        assert_eq!(
            lire(ods).unwrap(),
            lire(modele).unwrap(),
            "le modèle en ODS"
        );
    }

    #[test]
    fn un_plan_exporte_se_reimporte_tel_quel_en_xlsx_comme_en_ods() {
        use crate::export::{self, ContratExporte};
        let mut feuilles = plan_avec_sous_objectif();
        let colonne_objectif = feuilles[3].1[1].len() - 1;
        feuilles[3].1[1][colonne_objectif] = T("Accueillir des internes");
        let mut contrat = lire(classeur(&feuilles)).unwrap();
        // Two targets for one indicator, a date known to the month.
        let g = &mut contrat.axes[1].fiches_actions[0];
        g.indicateurs[0].cibles.push(Cible {
            id: None,
            annee: 2026,
            valeur: 20.5,
        });
        g.fin = Some(DatePartielle::parse("2025-06").unwrap());
        let exportees = export::feuilles(&[ContratExporte {
            contrat: contrat.clone(),
            historique: None,
        }]);
        let xlsx = export::xlsx::classeur(&exportees).unwrap();
        let ods = export::ods::classeur(&exportees).unwrap();
        // LibreOffice opens the ODS written here: saved again as XLSX, the same plan.
        if let Some(par_libreoffice) = par_libreoffice(&ods, "xlsx") {
            assert_eq!(
                lire(par_libreoffice).unwrap(),
                contrat,
                "ODS relu par LibreOffice"
            );
        }
        for (format, octets) in [("xlsx", xlsx), ("ods", ods)] {
            assert_eq!(lire(octets.clone()).unwrap(), contrat, "{format}");
            // Typed cells: the amount a number, the date a date.
            let mut relu = open_workbook_auto_from_rs(Cursor::new(octets)).unwrap();
            let budget = relu.worksheet_range("Budget").unwrap();
            assert!(
                matches!(budget.get((1, 5)), Some(Data::Float(f)) if *f == 12000.0),
                "{format} : {:?}",
                budget.get((1, 5))
            );
            let fiches = relu.worksheet_range("Fiches-actions").unwrap();
            assert!(
                matches!(
                    fiches.get((1, 12)),
                    Some(Data::DateTime(_) | Data::DateTimeIso(_))
                ),
                "{format} : {:?}",
                fiches.get((1, 12))
            );
        }
    }

    #[test]
    fn un_fichier_qui_n_est_pas_un_classeur_est_refuse() {
        let erreurs = lire(b"id = \"pas un classeur\"".to_vec()).unwrap_err();
        assert!(
            erreurs[0]
                .to_string()
                .starts_with("ce fichier n'est pas un classeur XLSX ou ODS")
        );
        let sans_contrat = classeur(&[("Axes", vec![vec![T("Numéro")]])]);
        assert!(
            lire(sans_contrat).unwrap_err()[0]
                .to_string()
                .contains("pas de feuille « Contrat »")
        );
    }
}
