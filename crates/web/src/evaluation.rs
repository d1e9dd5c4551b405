//! The evaluation page of a contract (`/contrats/{id}/evaluation`), for those who change the
//! whole contract: its achievements (what the territory gained, linked to the fiche-action
//! that brought it), each fiche-action's assessment against what was planned, and the
//! contract's mid-term and final evaluations with the five usual criteria. Renewal then
//! proposes the actions to carry over from these assessments.

use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::response::Response;
use axum::routing::{get, post};
use pilote_domain::evaluation::{
    Aboutissement, Appreciation, BilanFiche, Critere, Evaluation, Jugement, NatureEvaluation,
};
use pilote_domain::fiche_action::FicheAction;
use pilote_domain::realisation::Realisation;
use pilote_store::StoreError;
use pilote_store::contrat::ContratComplet;
use pilote_store::contrat::evaluation::{self, Element};

use crate::AppState;
use crate::noyau::erreur::AppError;
use crate::noyau::page::Entete;
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::saisie::{
    Cadre, Faute, Formulaire, PageDeGestion, Refus, Saisies, SurContrat, choisi, date, issue,
    lignes, montrer, optionnel, options, refus, refuser, valeur,
};
use crate::noyau::visiteur::Visiteur;

#[derive(Template)]
#[template(path = "evaluation/evaluation.html")]
pub struct Page {
    entete: Entete,
    c: ContratComplet,
    csrf: String,
    /// The section whose save this page confirms.
    fait: Option<String>,
    refus: Refus,
}

impl Page {
    fn fiches(&self) -> Vec<&FicheAction> {
        self.c.contrat.toutes_les_fiches()
    }

    fn choix_fiches(&self) -> Vec<(String, String)> {
        std::iter::once((String::new(), "— Aucune —".to_owned()))
            .chain(
                self.fiches()
                    .into_iter()
                    .map(|f| (f.numero.clone(), format!("n°{} — {}", f.numero, f.titre))),
            )
            .collect()
    }

    fn choix_aboutissements(&self) -> Vec<(String, String)> {
        options(
            "— Pas encore évaluée —",
            Aboutissement::TOUS,
            Aboutissement::code,
            Aboutissement::libelle,
        )
    }

    fn choix_natures(&self) -> Vec<(String, String)> {
        options(
            "— Non précisée —",
            NatureEvaluation::TOUS,
            NatureEvaluation::code,
            NatureEvaluation::libelle,
        )
    }

    fn choix_appreciations(&self) -> Vec<(String, String)> {
        options(
            "— Non appréciée —",
            Appreciation::TOUS,
            Appreciation::code,
            Appreciation::libelle,
        )
    }

    fn criteres(&self) -> &'static [Critere] {
        Critere::TOUS
    }

    /// Field `nom` of fiche `f`'s assessment form: as typed if it was refused, as stored
    /// otherwise.
    fn bilan(&self, f: &FicheAction, nom: &str) -> String {
        let formulaire = format!("bilan-{}", f.id.unwrap_or_default());
        if self.refus.formulaire == formulaire {
            return self.refus.saisie(&formulaire, nom).to_owned();
        }
        let bilan = f.bilan.as_ref();
        match nom {
            "aboutissement" => bilan.map(|b| b.aboutissement.code().to_owned()),
            _ => bilan.and_then(|b| b.commentaire.clone()),
        }
        .unwrap_or_default()
    }

    /// The name of the form of evaluation `e` (`evaluation-nouvelle` for a new one).
    fn formulaire_de(&self, e: &Option<i64>) -> String {
        match e {
            Some(n) => format!("evaluation-{n}"),
            None => "evaluation-nouvelle".to_owned(),
        }
    }

    /// Field `nom` of evaluation `e`'s form: as typed if it was refused, as stored otherwise.
    fn champ_evaluation(&self, e: &Evaluation, nom: &str) -> String {
        let formulaire = self.formulaire_de(&e.id);
        if self.refus.formulaire == formulaire {
            return self.refus.saisie(&formulaire, nom).to_owned();
        }
        let critere = |nom: &str, prefixe: &str| {
            let code = nom.strip_prefix(prefixe)?;
            let critere = Critere::parse(code).ok()?;
            e.jugement(critere)
        };
        match nom {
            "titre" => Some(e.titre.clone()),
            "nature" => e.nature.map(|n| n.code().to_owned()),
            "date" => e.date.map(|d| d.en_saisie()),
            "synthese" => e.synthese.clone(),
            "constats" => Some(e.constats.join("\n")),
            "recommandations" => Some(e.recommandations.join("\n")),
            _ => critere(nom, "appreciation_")
                .and_then(|j| j.appreciation)
                .map(|a| a.code().to_owned())
                .or_else(|| critere(nom, "commentaire_").and_then(|j| j.commentaire.clone())),
        }
        .unwrap_or_default()
    }

    /// The message of a form refused for an action or an evaluation the page no longer shows
    /// (someone removed it meanwhile): said at the top of the page.
    fn refus_sans_formulaire(&self) -> Option<&str> {
        let k = &self.c.contrat;
        self.refus.sans_formulaire(|f| {
            ["realisation", "retrait", "evaluation-nouvelle"].contains(&f)
                || k.toutes_les_fiches()
                    .iter()
                    .any(|fiche| f == format!("bilan-{}", fiche.id.unwrap_or_default()))
                || k.evaluations
                    .iter()
                    .any(|e| f == format!("evaluation-{}", e.id.unwrap_or_default()))
        })
    }

    /// A blank evaluation, for the form that adds one.
    fn nouvelle(&self) -> Evaluation {
        Evaluation {
            id: None,
            titre: String::new(),
            nature: None,
            date: None,
            synthese: None,
            constats: Vec::new(),
            recommandations: Vec::new(),
            criteres: Vec::new(),
        }
    }
}

/// The evaluation page, where its forms go back.
pub struct PageEvaluation;

impl PageDeGestion for PageEvaluation {
    const CHEMIN: &'static str = "evaluation";
    type Gabarit = Page;

    async fn gabarit(_: &AppState, cadre: Cadre) -> Result<Page, AppError> {
        Ok(Page {
            entete: cadre.entete,
            c: cadre.c,
            csrf: cadre.csrf,
            fait: cadre.fait,
            refus: cadre.refus,
        })
    }
}

fn lire_realisation(s: &Saisies) -> Result<Realisation, Faute> {
    if valeur(s, "titre").is_empty() {
        return Err((
            "titre",
            "Indiquez ce qui a été réalisé, par exemple « Un cabinet de télémédecine ».".to_owned(),
        ));
    }
    Ok(Realisation {
        id: None,
        titre: valeur(s, "titre").to_owned(),
        date: date(s, "date")?,
        description: optionnel(s, "description"),
        fiche: optionnel(s, "fiche"),
    })
}

fn lire_bilan(s: &Saisies) -> Result<Option<BilanFiche>, Faute> {
    let aboutissement = choisi(s, "aboutissement", Aboutissement::parse)?;
    let commentaire = optionnel(s, "commentaire");
    match aboutissement {
        Some(aboutissement) => Ok(Some(BilanFiche {
            aboutissement,
            commentaire,
        })),
        None if commentaire.is_some() => Err((
            "aboutissement",
            "Dites ce qu'il est advenu de l'action avant de la commenter.".to_owned(),
        )),
        None => Ok(None),
    }
}

fn lire_evaluation(s: &Saisies) -> Result<Evaluation, Faute> {
    if valeur(s, "titre").is_empty() {
        return Err((
            "titre",
            "Indiquez le titre de l'évaluation, par exemple « Évaluation finale du CLS »."
                .to_owned(),
        ));
    }
    let mut criteres = Vec::new();
    for critere in Critere::TOUS {
        let appreciation = match valeur(s, &format!("appreciation_{}", critere.code())) {
            "" => None,
            code => Some(Appreciation::parse(code).map_err(|e| {
                (
                    "titre",
                    crate::noyau::erreur::phrase(&format!("{} : {e}", critere.libelle())),
                )
            })?),
        };
        let commentaire = optionnel(s, &format!("commentaire_{}", critere.code()));
        if appreciation.is_some() || commentaire.is_some() {
            criteres.push(Jugement {
                critere: *critere,
                appreciation,
                commentaire,
            });
        }
    }
    Ok(Evaluation {
        id: None,
        titre: valeur(s, "titre").to_owned(),
        nature: choisi(s, "nature", NatureEvaluation::parse)?,
        date: date(s, "date")?,
        synthese: optionnel(s, "synthese"),
        constats: lignes(s, "constats"),
        recommandations: lignes(s, "recommandations"),
        criteres,
    })
}

/// The identifier a form names in field `nom` (empty: none).
fn nomme(s: &Saisies, nom: &str, champ: &'static str) -> Result<Option<i64>, Faute> {
    match valeur(s, nom) {
        "" => Ok(None),
        n => n.parse().map(Some).map_err(|_| {
            (
                champ,
                format!("Élément « {n} » inconnu : rechargez la page."),
            )
        }),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Realisation,
    Bilan,
    Evaluation,
    Retirer,
}

async fn traiter(
    state: &AppState,
    visiteur: &Visiteur,
    formulaire: Formulaire<SurContrat>,
    action: Action,
) -> Result<Response, AppError> {
    let Formulaire {
        id, lue, saisies, ..
    } = formulaire;
    let (store, auteur) = (&state.store, &visiteur.auteur);
    let ecran = (state, visiteur, PageEvaluation);
    let cible = |nom: &str, defaut: &str| match valeur(&saisies, nom) {
        "" => defaut.to_owned(),
        n => n.to_owned(),
    };
    // The form's name, the field a store refusal is shown beside, the section a save goes
    // back to.
    let (formulaire, champ, section) = match action {
        Action::Realisation => ("realisation".to_owned(), "titre", "realisations".to_owned()),
        Action::Bilan => {
            let f = format!("bilan-{}", cible("fiche", "0"));
            (f.clone(), "aboutissement", f)
        }
        Action::Evaluation => {
            let f = format!("evaluation-{}", cible("evaluation", "nouvelle"));
            (f.clone(), "titre", f)
        }
        Action::Retirer => {
            let section = if valeur(&saisies, "element").starts_with("realisation") {
                "realisations"
            } else {
                "evaluations"
            };
            ("retrait".to_owned(), "bouton", section.to_owned())
        }
    };
    let lu: Result<Result<Option<i64>, StoreError>, Faute> = async {
        Ok(match action {
            Action::Realisation => {
                let r = lire_realisation(&saisies)?;
                evaluation::ajouter_realisation(store, auteur, &id, lue, &r)
                    .await
                    .map(|_| None)
            }
            Action::Bilan => {
                let bilan = lire_bilan(&saisies)?;
                let Some(fiche) = nomme(&saisies, "fiche", "aboutissement")? else {
                    return Err(("aboutissement", "Choisissez la fiche-action.".to_owned()));
                };
                evaluation::evaluer_fiche(store, auteur, &id, lue, fiche, bilan.as_ref())
                    .await
                    .map(|()| None)
            }
            Action::Evaluation => {
                let e = lire_evaluation(&saisies)?;
                let nommee = nomme(&saisies, "evaluation", "titre")?;
                evaluation::enregistrer(store, auteur, &id, lue, nommee, &e)
                    .await
                    .map(Some)
            }
            Action::Retirer => match valeur(&saisies, "element").parse::<Element>() {
                Ok(element) => evaluation::retirer(store, auteur, &id, lue, element)
                    .await
                    .map(|()| None),
                Err(e) => Err(StoreError::Invalid(e)),
            },
        })
    }
    .await;
    let resultat = match lu {
        Ok(resultat) => resultat,
        Err(faute) => return refuser(ecran, &id, &formulaire, faute, saisies).await,
    };
    // An evaluation just added is confirmed in its own section.
    let section = match (&resultat, action) {
        (Ok(Some(creee)), Action::Evaluation) => format!("evaluation-{creee}"),
        _ => section,
    };
    let refus = refus(&formulaire, &format!("{formulaire}-{champ}"), saisies);
    issue(ecran, &id, resultat, &section, refus).await
}

/// `POST /contrats/{id}/realisations`
pub async fn ajouter_realisation(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Realisation).await
}

/// `POST /contrats/{id}/bilans`: the assessment of fiche-action `fiche` (its identifier).
pub async fn evaluer_fiche(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Bilan).await
}

/// `POST /contrats/{id}/evaluations`: a new evaluation, or one changed (field `evaluation`).
pub async fn enregistrer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Evaluation).await
}

/// `POST /contrats/{id}/evaluation/retrait`: an evaluation or an achievement.
pub async fn retirer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Retirer).await
}

/// The routes of the evaluation page and its forms, each with its policy.
pub(crate) fn routes() -> Routes {
    use Politique::*;
    vec![
        route(
            Method::GET,
            "/contrats/{id}/evaluation",
            ModifierContrat,
            get(montrer::<PageEvaluation>),
        ),
        route(
            Method::POST,
            "/contrats/{id}/realisations",
            ModifierContrat,
            post(ajouter_realisation),
        ),
        route(
            Method::POST,
            "/contrats/{id}/bilans",
            ModifierContrat,
            post(evaluer_fiche),
        ),
        route(
            Method::POST,
            "/contrats/{id}/evaluations",
            ModifierContrat,
            post(enregistrer),
        ),
        route(
            Method::POST,
            "/contrats/{id}/evaluation/retrait",
            ModifierContrat,
            post(retirer),
        ),
    ]
}
