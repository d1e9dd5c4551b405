//! The governance page of a contract (`GET /contrats/{id}/gouvernance`), for those who change
//! it whole: `POST /contrats/{id}/instances` adds a body, `POST /contrats/{id}/membres` one of
//! its members, `POST /contrats/{id}/reunions` records one of its meetings (agenda,
//! attendance, minutes, decisions, each decision linkable to fiches-actions),
//! `POST /contrats/{id}/gouvernance/retrait` removes any of these.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use pilote_domain::gouvernance::{Decision, Membre, NatureInstance, Reunion};
use pilote_store::StoreError;
use pilote_store::contrat::{ContratComplet, gouvernance};

use crate::AppState;
use crate::noyau::erreur::AppError;
use crate::noyau::page::Entete;
use crate::noyau::saisie::{
    Cadre, Faute, Formulaire, PageDeGestion, Refus, Saisies, SurContrat, date, issue, lignes,
    optionnel, refus, refuser, valeur,
};
use crate::noyau::visiteur::Visiteur;

#[derive(Template)]
#[template(path = "contrat/gouvernance.html")]
pub struct Page {
    entete: Entete,
    c: ContratComplet,
    csrf: String,
    /// The section whose save this page confirms.
    fait: Option<String>,
    refus: Refus,
    natures_instance: &'static [NatureInstance],
}

impl Page {
    /// The governance bodies, by identifier, as choices.
    fn instances(&self) -> Vec<(String, String)> {
        let instances = self.c.contrat.gouvernance.iter();
        instances
            .filter_map(|i| Some((i.id?.to_string(), i.nom.clone())))
            .collect()
    }
}

/// The governance page, where its forms go back.
pub struct PageGouvernance;

impl PageDeGestion for PageGouvernance {
    const CHEMIN: &'static str = "gouvernance";
    type Gabarit = Page;

    async fn gabarit(_: &AppState, cadre: Cadre) -> Result<Page, AppError> {
        Ok(Page {
            entete: cadre.entete,
            c: cadre.c,
            csrf: cadre.csrf,
            fait: cadre.fait,
            refus: cadre.refus,
            natures_instance: NatureInstance::TOUS,
        })
    }
}

/// « Lancer l'appel à projets [1.2, 2.1] »: the decision and the fiches-actions it names.
fn decision(ligne: String) -> Decision {
    match ligne.strip_suffix(']').and_then(|l| l.rsplit_once('[')) {
        Some((texte, numeros)) => Decision {
            texte: texte.trim().to_owned(),
            fiches_actions: numeros
                .split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned)
                .collect(),
        },
        None => Decision {
            texte: ligne,
            fiches_actions: Vec::new(),
        },
    }
}

fn reunion(s: &Saisies) -> Result<Reunion, Faute> {
    let date = date(s, "date")?.ok_or(("date", "Indiquez la date de la réunion.".to_owned()))?;
    Ok(Reunion {
        id: None,
        date,
        lieu: optionnel(s, "lieu"),
        ordre_du_jour: lignes(s, "ordre_du_jour"),
        presents: lignes(s, "presents"),
        compte_rendu: optionnel(s, "compte_rendu"),
        decisions: lignes(s, "decisions").into_iter().map(decision).collect(),
    })
}

/// The identifier of the body chosen.
fn instance(s: &Saisies) -> Result<i64, Faute> {
    valeur(s, "instance")
        .parse::<i64>()
        .map_err(|_| ("instance", "Choisissez l'instance.".to_owned()))
}

/// The forms of the governance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    AjouterInstance,
    AjouterMembre,
    AjouterReunion,
    Retirer,
}

/// Checks the right, reads form `action`, saves it, answers on the contract page.
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
    let ecran = (state, visiteur, PageGouvernance);
    let (formulaire, champ) = match action {
        Action::AjouterInstance => ("instance", "instance-nom"),
        Action::AjouterMembre => ("membre", "membre-organisation"),
        Action::AjouterReunion => ("reunion", "reunion-decisions"),
        Action::Retirer => ("gouvernance-retrait", "gouvernance-retrait-bouton"),
    };
    // The fields are read (a fault stops here, `?`), then saved.
    let lu: Result<Result<(), StoreError>, Faute> = async {
        Ok(match action {
            Action::AjouterInstance => match NatureInstance::parse(valeur(&saisies, "nature")) {
                Ok(nature) => {
                    let nom = valeur(&saisies, "nom");
                    gouvernance::ajouter_instance(store, auteur, &id, lue, nature, nom).await
                }
                Err(message) => Err(StoreError::Invalid(message)),
            },
            Action::AjouterMembre => {
                let instance = instance(&saisies)?;
                let membre = Membre {
                    id: None,
                    organisation: valeur(&saisies, "organisation").to_owned(),
                    personne: optionnel(&saisies, "personne"),
                    fonction: optionnel(&saisies, "fonction"),
                };
                gouvernance::ajouter_membre(store, auteur, &id, lue, instance, &membre).await
            }
            Action::AjouterReunion => {
                let reunion = reunion(&saisies)?;
                let instance = valeur(&saisies, "instance");
                gouvernance::ajouter_reunion(store, auteur, &id, lue, instance, &reunion).await
            }
            Action::Retirer => match valeur(&saisies, "element").parse() {
                Ok(element) => gouvernance::retirer(store, auteur, &id, lue, element).await,
                Err(e) => Err(StoreError::Invalid(e)),
            },
        })
    }
    .await;
    let resultat = match lu {
        Ok(resultat) => resultat,
        Err(faute) => return refuser(ecran, &id, formulaire, faute, saisies).await,
    };
    let refus = refus(formulaire, champ, saisies);
    issue(ecran, &id, resultat, "gouvernance", refus).await
}

/// `POST /contrats/{id}/instances`
pub async fn ajouter_instance(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::AjouterInstance).await
}

/// `POST /contrats/{id}/membres`: `instance` (its identifier), `organisation`, `personne`,
/// `fonction`.
pub async fn ajouter_membre(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::AjouterMembre).await
}

/// `POST /contrats/{id}/reunions`
pub async fn ajouter_reunion(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::AjouterReunion).await
}

/// `POST /contrats/{id}/gouvernance/retrait`: `element` (`instance-1`, `membre-1-2`,
/// `reunion-1-3`).
pub async fn retirer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Retirer).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn une_decision_se_relie_aux_fiches_entre_crochets() {
        let d = decision("Lancer l'appel à projets [1.2, 2.1]".to_owned());
        assert_eq!(d.texte, "Lancer l'appel à projets");
        assert_eq!(d.fiches_actions, ["1.2", "2.1"]);
        let d = decision("Valider le budget".to_owned());
        assert!(d.fiches_actions.is_empty());
    }
}
