//! Governance from the contract page: `POST /contrats/{id}/instances` adds a body,
//! `POST /contrats/{id}/membres` one of its members, `POST /contrats/{id}/reunions` records one
//! of its meetings (agenda, attendance, minutes, decisions, each decision linkable to
//! fiches-actions), `POST /contrats/{id}/gouvernance/retrait` removes any of these.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use pilote_domain::DatePartielle;
use pilote_domain::autorisation::Operation;
use pilote_domain::gouvernance::{Decision, Membre, NatureInstance, Reunion};
use pilote_store::contrat::gouvernance;

use super::saisie::{
    Ecran, Faute, Saisies, issue, lignes, optionnel, preambule, refus, refuser, valeur,
};
use crate::AppState;
use crate::error::{AppError, phrase};
use crate::visiteur::Visiteur;

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
    let date = match valeur(s, "date") {
        "" => return Err(("date", "Indiquez la date de la réunion.".to_owned())),
        texte => DatePartielle::parse(texte).map_err(|e| ("date", phrase(&e.to_string())))?,
    };
    Ok(Reunion {
        date,
        lieu: Some(valeur(s, "lieu").to_owned()).filter(|l| !l.is_empty()),
        ordre_du_jour: lignes(s, "ordre_du_jour"),
        presents: lignes(s, "presents"),
        compte_rendu: Some(valeur(s, "compte_rendu").to_owned()).filter(|c| !c.is_empty()),
        decisions: lignes(s, "decisions").into_iter().map(decision).collect(),
    })
}

/// `POST /contrats/{id}/instances`
pub async fn ajouter_instance(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Path(id): Path<String>,
    Form(saisies): Form<Saisies>,
) -> Result<Response, AppError> {
    let (id, lue) = preambule(
        &state,
        &visiteur,
        &id,
        &Operation::Modifier,
        valeur(&saisies, "version"),
    )
    .await?;
    let resultat = match NatureInstance::parse(valeur(&saisies, "nature")) {
        Ok(nature) => {
            let nom = valeur(&saisies, "nom").to_owned();
            gouvernance::ajouter_instance(&state.store, &visiteur.auteur, &id, lue, nature, &nom)
                .await
        }
        Err(message) => Err(pilote_store::StoreError::Invalid(message)),
    };
    let refus = refus("instance", "instance-nom", saisies);
    issue(
        (&state, &visiteur, Ecran::Contrat),
        &id,
        resultat,
        "gouvernance#gouvernance",
        refus,
    )
    .await
}

/// `POST /contrats/{id}/reunions`
pub async fn ajouter_reunion(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Path(id): Path<String>,
    Form(saisies): Form<Saisies>,
) -> Result<Response, AppError> {
    let (id, lue) = preambule(
        &state,
        &visiteur,
        &id,
        &Operation::Modifier,
        valeur(&saisies, "version"),
    )
    .await?;
    let reunion = match reunion(&saisies) {
        Ok(reunion) => reunion,
        Err(faute) => {
            return refuser(
                (&state, &visiteur, Ecran::Contrat),
                &id,
                "reunion",
                faute,
                saisies,
            )
            .await;
        }
    };
    let instance = valeur(&saisies, "instance").to_owned();
    let resultat = gouvernance::ajouter_reunion(
        &state.store,
        &visiteur.auteur,
        &id,
        lue,
        &instance,
        &reunion,
    )
    .await;
    let refus = refus("reunion", "reunion-decisions", saisies);
    issue(
        (&state, &visiteur, Ecran::Contrat),
        &id,
        resultat,
        "gouvernance#gouvernance",
        refus,
    )
    .await
}

/// `POST /contrats/{id}/membres`: `instance` (its position), `organisation`, `personne`,
/// `fonction`.
pub async fn ajouter_membre(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Path(id): Path<String>,
    Form(saisies): Form<Saisies>,
) -> Result<Response, AppError> {
    let version = valeur(&saisies, "version").to_owned();
    let (id, lue) = preambule(&state, &visiteur, &id, &Operation::Modifier, &version).await?;
    let ecran = (&state, &visiteur, Ecran::Contrat);
    let Some(instance) = valeur(&saisies, "instance").parse::<usize>().ok() else {
        let faute = ("instance", "Choisissez l'instance.".to_owned());
        return refuser(ecran, &id, "membre", faute, saisies).await;
    };
    let membre = Membre {
        organisation: valeur(&saisies, "organisation").to_owned(),
        personne: optionnel(&saisies, "personne"),
        fonction: optionnel(&saisies, "fonction"),
    };
    let resultat =
        gouvernance::ajouter_membre(&state.store, &visiteur.auteur, &id, lue, instance, &membre)
            .await;
    let refus = refus("membre", "membre-organisation", saisies);
    issue(ecran, &id, resultat, "gouvernance#gouvernance", refus).await
}

/// `POST /contrats/{id}/gouvernance/retrait`: `element` (`instance-1`, `membre-1-2`,
/// `reunion-1-3`).
pub async fn retirer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Path(id): Path<String>,
    Form(saisies): Form<Saisies>,
) -> Result<Response, AppError> {
    let version = valeur(&saisies, "version").to_owned();
    let (id, lue) = preambule(&state, &visiteur, &id, &Operation::Modifier, &version).await?;
    let resultat = match valeur(&saisies, "element").parse() {
        Ok(element) => {
            gouvernance::retirer(&state.store, &visiteur.auteur, &id, lue, element).await
        }
        Err(e) => Err(pilote_store::StoreError::Invalid(e)),
    };
    let refus = refus("gouvernance-retrait", "gouvernance-retrait-bouton", saisies);
    let ecran = (&state, &visiteur, Ecran::Contrat);
    issue(ecran, &id, resultat, "gouvernance#gouvernance", refus).await
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
