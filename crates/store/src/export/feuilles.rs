//! The sheets of an export, built from contracts as their reader may see them. Every sheet but
//! « Contrat » begins with the contract's identifier, so that one format holds one contract
//! or a whole list; the import reads columns by their names and passes over that one.

use pilote_domain::contrat::Contrat;
use pilote_domain::fiche_action::{Cible, FicheAction};
use pilote_domain::referentiel::{Public, Thematique};
use pilote_domain::strategie::Objectif;

use super::{Case, FEUILLES, Feuille};
use crate::contrat::ContratExporte;
use crate::import::tableur::colonnes_du_modele;

/// The columns a sheet of the plan adds to the template's.
fn colonnes(nom: &str, en_plus: &[&'static str]) -> Vec<&'static str> {
    let modele = colonnes_du_modele(nom);
    let contrat = (nom != "Contrat").then_some("Contrat");
    contrat
        .into_iter()
        .chain(modele)
        .chain(en_plus.iter().copied())
        .collect()
}

/// Each objective (depth first, a parent before its children) with its parent's label.
fn objectifs_et_parents<'a>(
    objectifs: &'a [Objectif],
    parent: Option<&'a str>,
    sortie: &mut Vec<(Option<&'a str>, &'a Objectif)>,
) {
    for o in objectifs {
        sortie.push((parent, o));
        objectifs_et_parents(&o.sous_objectifs, Some(&o.libelle), sortie);
    }
}

/// The lines of each sheet of [`FEUILLES`], filled contract by contract.
struct Lignes(Vec<Vec<Vec<Case>>>);

impl Lignes {
    fn ajouter(&mut self, code: &str, ligne: Vec<Case>) {
        let n = FEUILLES
            .iter()
            .position(|(c, _)| *c == code)
            .expect("une feuille connue");
        self.0[n].push(ligne);
    }
}

/// Every sheet of the export of `contrats`, in the order of [`FEUILLES`]; « Historique » only
/// when the history of each of them is given.
pub fn feuilles(contrats: &[ContratExporte]) -> Vec<Feuille> {
    let mut lignes = Lignes(vec![Vec::new(); FEUILLES.len()]);
    for c in contrats {
        lignes_du_contrat(&mut lignes, c);
    }
    let historique = contrats.iter().all(|c| c.historique.is_some());
    FEUILLES
        .iter()
        .zip(lignes.0)
        .filter(|((code, _), _)| *code != "historique" || historique)
        .map(|(&(code, nom), lignes)| Feuille {
            nom,
            code,
            colonnes: colonnes_de(code),
            lignes,
        })
        .collect()
}

/// The columns of sheet `code`.
fn colonnes_de(code: &str) -> Vec<&'static str> {
    match code {
        "contrats" => colonnes(
            "Contrat",
            &[
                "Publié",
                "Date de signature",
                "Lieu de signature",
                "Fiches-actions",
                "Poste de coordination",
                "Statut du poste",
                "Coordinateur ou coordinatrice",
                "Employeur",
            ],
        ),
        "axes" => colonnes("Axes", &[]),
        "objectifs" => colonnes("Objectifs", &[]),
        "fiches-actions" => colonnes(
            "Fiches-actions",
            &[
                "Personne pilote",
                "Communes",
                "Étapes faites",
                "Étapes prévues",
                "Prévisionnel total",
                "Réalisé total",
                "Indicateurs",
                "Dernière note",
                "Documents",
            ],
        ),
        "budget" => colonnes("Budget", &[]),
        "indicateurs" => colonnes("Indicateurs", &[]),
        "mesures" => vec![
            "Contrat",
            "Fiche-action",
            "Indicateur",
            "Date",
            "Valeur",
            "Source",
        ],
        "etapes" => vec!["Contrat", "Fiche-action", "Étape", "Échéance", "Faite"],
        "notes" => vec!["Contrat", "Fiche-action", "Date", "Note", "Auteur"],
        "instances" => vec![
            "Contrat",
            "Instance",
            "Nature",
            "Présidence",
            "Membres",
            "Description",
        ],
        "reunions" => vec![
            "Contrat",
            "Instance",
            "Date",
            "Lieu",
            "Ordre du jour",
            "Présents",
            "Compte rendu",
            "Décisions",
        ],
        "decisions" => vec![
            "Contrat",
            "Instance",
            "Date de la réunion",
            "Décision",
            "Fiches-actions",
        ],
        "partenaires" => vec![
            "Contrat",
            "Organisation",
            "Nature",
            "SIREN",
            "Rôles",
            "Représentants",
        ],
        "coordination" => vec!["Contrat", "Financeur", "Montant", "Qualificatif", "Période"],
        _ => vec![
            "Contrat",
            "Version",
            "Quand (UTC)",
            "Qui",
            "Quoi",
            "Avant",
            "Après",
        ],
    }
}

fn lignes_du_contrat(l: &mut Lignes, exporte: &ContratExporte) {
    let c = &exporte.contrat;
    let id = || Case::texte(c.id.as_str());
    let coordination = c.coordination.as_ref();
    l.ajouter(
        "contrats",
        vec![
            id(),
            Case::texte(&c.nom),
            Case::Nombre(f64::from(c.generation)),
            Case::nombre(c.periode.map(|p| f64::from(p.debut()))),
            Case::nombre(c.periode.and_then(|p| p.fin()).map(f64::from)),
            Case::texte(c.statut.map_or("", |s| s.libelle())),
            Case::liste(&c.territoire.epci),
            Case::liste(&c.territoire.communes),
            Case::texte(if c.publie { "oui" } else { "non" }),
            Case::date(c.signature.as_ref().and_then(|s| s.date)),
            Case::optionnel(&c.signature.as_ref().and_then(|s| s.lieu.clone())),
            Case::Nombre(c.toutes_les_fiches().len() as f64),
            Case::texte(coordination.map_or("", |k| k.poste.as_str())),
            Case::texte(
                coordination
                    .and_then(|k| k.statut)
                    .map_or("", |s| s.libelle()),
            ),
            Case::texte(
                coordination
                    .and_then(|k| k.personne.as_ref())
                    .map_or(String::new(), |p| p.en_ligne()),
            ),
            Case::optionnel(&coordination.and_then(|k| k.employeur.clone())),
        ],
    );
    for axe in &c.axes {
        l.ajouter(
            "axes",
            vec![
                id(),
                Case::Nombre(f64::from(axe.numero)),
                Case::texte(&axe.titre),
                Case::optionnel(&axe.description),
                Case::texte(if axe.transversal { "oui" } else { "non" }),
            ],
        );
        let mut arbre = Vec::new();
        objectifs_et_parents(&axe.objectifs, None, &mut arbre);
        for (parent, o) in &arbre {
            l.ajouter(
                "objectifs",
                vec![
                    id(),
                    Case::Nombre(f64::from(axe.numero)),
                    Case::texte(o.niveau.libelle()),
                    Case::texte(&o.libelle),
                    Case::texte(parent.unwrap_or_default()),
                ],
            );
        }
        let sous = arbre
            .iter()
            .flat_map(|(_, o)| o.fiches_actions.iter().map(|f| (o.libelle.as_str(), f)));
        for (objectif, f) in axe.fiches_actions.iter().map(|f| ("", f)).chain(sous) {
            lignes_de_la_fiche(l, c, axe.numero, objectif, f);
        }
    }
    for i in c
        .gouvernance
        .iter()
        .chain(c.clsm.iter().flat_map(|k| &k.instances))
    {
        l.ajouter(
            "instances",
            vec![
                id(),
                Case::texte(&i.nom),
                Case::texte(i.nature.libelle()),
                Case::optionnel(&i.presidence),
                Case::liste(i.membres.iter().map(|m| {
                    let qui: Vec<&str> = [m.personne.as_deref(), m.fonction.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect();
                    if qui.is_empty() {
                        m.organisation.clone()
                    } else {
                        format!("{} ({})", m.organisation, qui.join(", "))
                    }
                })),
                Case::optionnel(&i.description),
            ],
        );
        for r in &i.reunions {
            l.ajouter(
                "reunions",
                vec![
                    id(),
                    Case::texte(&i.nom),
                    Case::Date(r.date),
                    Case::optionnel(&r.lieu),
                    Case::liste(&r.ordre_du_jour),
                    Case::liste(&r.presents),
                    Case::optionnel(&r.compte_rendu),
                    Case::Nombre(r.decisions.len() as f64),
                ],
            );
            for d in &r.decisions {
                l.ajouter(
                    "decisions",
                    vec![
                        id(),
                        Case::texte(&i.nom),
                        Case::Date(r.date),
                        Case::texte(&d.texte),
                        Case::liste(&d.fiches_actions),
                    ],
                );
            }
        }
    }
    for p in &c.parties {
        l.ajouter(
            "partenaires",
            vec![
                id(),
                Case::texte(&p.organisation.nom),
                Case::texte(p.organisation.nature.libelle()),
                Case::texte(
                    p.organisation
                        .siren
                        .as_ref()
                        .map(|s| s.to_string())
                        .unwrap_or_default(),
                ),
                Case::liste(p.roles.iter().map(|r| r.libelle())),
                Case::liste(p.representants.iter().map(|r| r.en_ligne())),
            ],
        );
    }
    for f in coordination.iter().flat_map(|k| &k.financements) {
        l.ajouter(
            "coordination",
            vec![
                id(),
                Case::texte(&f.financeur),
                Case::euros(f.montant),
                Case::texte(f.qualificatif.map_or("", |q| q.libelle())),
                Case::texte(f.periode.map(|p| p.en_toutes_lettres()).unwrap_or_default()),
            ],
        );
    }
    for e in exporte.historique.iter().flatten() {
        let ch = &e.changement;
        l.ajouter(
            "historique",
            vec![
                id(),
                Case::Nombre(e.version as f64),
                Case::Instant(e.horodatage),
                Case::texte(&e.qui),
                Case::texte(&ch.champ),
                Case::optionnel(&ch.avant),
                Case::optionnel(&ch.apres),
            ],
        );
    }
}

/// The lines of fiche-action `f` of axis `axe` (under objective `objectif`, or none) in every
/// sheet that has some.
fn lignes_de_la_fiche(l: &mut Lignes, c: &Contrat, axe: u16, objectif: &str, f: &FicheAction) {
    let id = || Case::texte(c.id.as_str());
    let somme = |montant: fn(
        &pilote_domain::fiche_action::LigneBudget,
    ) -> Option<pilote_domain::Montant>| {
        let montants: Vec<i64> = f
            .budget
            .iter()
            .filter_map(montant)
            .map(|m| m.centimes())
            .collect();
        if montants.is_empty() {
            Case::Vide
        } else {
            Case::euros(pilote_domain::Montant::depuis_centimes(montants.iter().sum()).ok())
        }
    };
    let derniere_note = f.notes.iter().max_by_key(|n| n.date);
    l.ajouter(
        "fiches-actions",
        vec![
            id(),
            Case::Nombre(f64::from(axe)),
            Case::texte(objectif),
            Case::texte(&f.numero),
            Case::texte(&f.titre),
            Case::optionnel(&f.contexte),
            Case::liste(&f.objectifs),
            Case::optionnel(&f.description),
            Case::texte(f.pilote.as_ref().map_or("", |p| p.organisation.as_str())),
            Case::liste(&f.partenaires),
            Case::liste(f.publics.iter().map(Public::libelle)),
            Case::liste(f.thematiques.iter().map(Thematique::libelle)),
            Case::date(f.debut),
            Case::date(f.fin),
            Case::texte(f.statut.map_or("", |s| s.libelle())),
            Case::nombre(f.avancement.map(f64::from)),
            Case::texte(
                f.pilote
                    .as_ref()
                    .and_then(|p| p.personne.as_ref())
                    .map_or(String::new(), |p| p.en_ligne()),
            ),
            Case::liste(&f.communes),
            Case::Nombre(f.etapes.iter().filter(|e| e.faite).count() as f64),
            Case::Nombre(f.etapes.len() as f64),
            somme(|b| b.previsionnel),
            somme(|b| b.realise),
            Case::Nombre(f.indicateurs.len() as f64),
            Case::date(derniere_note.map(|n| n.date)),
            Case::liste(f.documents.iter().map(|d| d.titre.as_str())),
        ],
    );
    for b in &f.budget {
        l.ajouter(
            "budget",
            vec![
                id(),
                Case::texte(&f.numero),
                Case::Nombre(f64::from(b.annee)),
                Case::texte(&b.financeur),
                Case::texte(b.nature.libelle()),
                Case::euros(b.previsionnel),
                Case::euros(b.realise),
            ],
        );
    }
    for i in &f.indicateurs {
        // One line per target; an indicator without one has its line all the same.
        let cibles: Vec<Option<&Cible>> = match i.cibles.as_slice() {
            [] => vec![None],
            cibles => cibles.iter().map(Some).collect(),
        };
        for cible in cibles {
            l.ajouter(
                "indicateurs",
                vec![
                    id(),
                    Case::texte(&f.numero),
                    Case::texte(&i.libelle),
                    Case::texte(i.type_indicateur.libelle()),
                    Case::optionnel(&i.unite),
                    Case::nombre(i.valeur_initiale),
                    Case::nombre(cible.map(|c| f64::from(c.annee))),
                    Case::nombre(cible.map(|c| c.valeur)),
                ],
            );
        }
        for m in &i.valeurs {
            l.ajouter(
                "mesures",
                vec![
                    id(),
                    Case::texte(&f.numero),
                    Case::texte(&i.libelle),
                    Case::Date(m.date),
                    Case::Nombre(m.valeur),
                    Case::optionnel(&m.source),
                ],
            );
        }
    }
    for e in &f.etapes {
        l.ajouter(
            "etapes",
            vec![
                id(),
                Case::texte(&f.numero),
                Case::texte(&e.libelle),
                Case::date(e.echeance),
                Case::texte(if e.faite { "oui" } else { "non" }),
            ],
        );
    }
    for n in &f.notes {
        l.ajouter(
            "notes",
            vec![
                id(),
                Case::texte(&f.numero),
                Case::Date(n.date),
                Case::texte(&n.texte),
                Case::optionnel(&n.auteur),
            ],
        );
    }
}
