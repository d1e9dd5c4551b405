//! The general form of a contract (name, generation, lineage, period, status, territory), to
//! create one (`GET /contrats/nouveau`, `POST /contrats`) or change it
//! (`GET /contrats/{id}/modifier`, `POST /contrats/{id}`). Every field is checked on the
//! server; a refused save shows the form again with what was typed and a message beside each
//! faulty field, and nothing is written. A change names the version it was based on: if the
//! contract changed meanwhile, the answer says what changed instead of overwriting it.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use pilote_domain::autorisation::{Operation, cree_des_contrats, peut};
use pilote_domain::contrat::{Contrat, StatutContrat};
use pilote_domain::montant::milliers;
use pilote_domain::territoire::Territoire;
use pilote_domain::{CodeInsee, IdContrat, Periode, Siren};
use pilote_store::contrat::modification::{self, Generalites};
use pilote_store::geographie::{self, Trouve};
use pilote_store::{StoreError, contrat};
use serde::Deserialize;

use crate::AppState;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::{Champs, Chemin};
use crate::noyau::page::{Entete, rediriger};
use crate::noyau::visiteur::Visiteur;

/// What the form holds, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct FormContrat {
    #[serde(default)]
    identifiant: String,
    #[serde(default)]
    nom: String,
    #[serde(default)]
    generation: String,
    #[serde(default)]
    precedent: String,
    #[serde(default)]
    debut: String,
    #[serde(default)]
    fin: String,
    #[serde(default)]
    statut: String,
    #[serde(default)]
    epci: String,
    #[serde(default)]
    communes: String,
    /// The version the change is based on (changes only).
    #[serde(default)]
    version: String,
    /// A name or code to look for among communes and EPCI.
    #[serde(default)]
    recherche: String,
    /// A search result to add to the territory: `epci:SIREN` or `commune:INSEE`.
    #[serde(default)]
    ajouter: String,
}

impl FormContrat {
    /// Adds the search result named in `ajouter` to the EPCI or communes typed, once.
    fn ajouter_au_territoire(&mut self) {
        let (champ, code) = match self.ajouter.split_once(':') {
            Some(("epci", code)) => (&mut self.epci, code),
            Some(("commune", code)) => (&mut self.communes, code),
            _ => return,
        };
        let code = code.trim();
        let present = champ
            .split(|c: char| c == ',' || c.is_whitespace())
            .any(|c| c == code);
        if !code.is_empty() && !present {
            if !champ.trim().is_empty() {
                champ.push(' ');
            }
            champ.push_str(code);
        }
        self.ajouter.clear();
    }
}

/// What the territory picker shows: the search's results and the territory chosen so far.
#[derive(Debug, Default)]
struct Choix {
    trouves: Vec<Trouve>,
    /// « Caen la Mer — 48 commune(s), 270 812 habitants ».
    apercu: Option<String>,
}

#[derive(Template)]
#[template(path = "contrat/contrat_formulaire.html")]
struct PageFormulaire {
    entete: Entete,
    titre: &'static str,
    /// The contract changed; `None` for a creation.
    modification: Option<IdContrat>,
    f: FormContrat,
    /// Field name → message; `""` for a message about the whole form.
    erreurs: BTreeMap<&'static str, String>,
    statuts: &'static [StatutContrat],
    choix: Choix,
}

impl PageFormulaire {
    /// Where the territory picker posts: it re-shows the form, saving nothing.
    fn route_territoire(&self) -> String {
        match &self.modification {
            Some(id) => format!("/contrats/{id}/territoire"),
            None => "/contrats/nouveau/territoire".to_owned(),
        }
    }

    fn erreur(&self, champ: &str) -> Option<&String> {
        self.erreurs.get(champ)
    }

    fn nombre(&self, n: &u64) -> String {
        milliers(*n)
    }
}

fn refus() -> AppError {
    AppError::Forbidden(
        "Seuls un administrateur et un agent d'ARS créent des contrats : connectez-vous avec un \
         tel compte."
            .to_owned(),
    )
}

fn afficher(
    state: &AppState,
    visiteur: &Visiteur,
    modification: Option<IdContrat>,
    f: FormContrat,
    erreurs: BTreeMap<&'static str, String>,
    statut: StatusCode,
    choix: Choix,
) -> Result<Response, AppError> {
    let page = PageFormulaire {
        entete: visiteur.entete(state),
        titre: if modification.is_some() {
            "Modifier le contrat"
        } else {
            "Nouveau contrat"
        },
        modification,
        f,
        erreurs,
        statuts: StatutContrat::TOUS,
        choix,
    };
    Ok((statut, Html(page.render()?)).into_response())
}

/// `GET /contrats/nouveau`
pub async fn formulaire(
    State(state): State<AppState>,
    visiteur: Visiteur,
) -> Result<Response, AppError> {
    if !cree_des_contrats(&visiteur.auteur.acteur) {
        return Err(refus());
    }
    let f = FormContrat {
        generation: "1".to_owned(),
        ..FormContrat::default()
    };
    afficher(
        &state,
        &visiteur,
        None,
        f,
        BTreeMap::new(),
        StatusCode::OK,
        Choix::default(),
    )
}

/// Codes separated by spaces, commas, semicolons or new lines.
fn codes(texte: &str) -> impl Iterator<Item = &str> {
    texte
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|c| !c.is_empty())
}

/// The territory the form's code fields describe, and a message per faulty field.
fn territoire(f: &FormContrat) -> (Territoire, BTreeMap<&'static str, String>) {
    let mut erreurs = BTreeMap::new();
    let epci = codes(&f.epci)
        .filter_map(|c| {
            Siren::parse(c)
                .map_err(|e| erreurs.insert("epci", phrase(&e.to_string())))
                .ok()
        })
        .collect();
    let communes = codes(&f.communes)
        .filter_map(|c| {
            CodeInsee::parse(c)
                .map_err(|e| erreurs.insert("communes", phrase(&e.to_string())))
                .ok()
        })
        .collect();
    if codes(&f.epci).next().is_none() && codes(&f.communes).next().is_none() {
        erreurs.insert(
            "epci",
            "Choisissez le territoire : au moins un EPCI ou une commune.".to_owned(),
        );
    }
    let territoire = Territoire {
        epci,
        communes,
        quartiers_prioritaires: Vec::new(),
    };
    (territoire, erreurs)
}

/// The contract the form describes, or a message per faulty field.
fn lire(f: &FormContrat) -> Result<Contrat, BTreeMap<&'static str, String>> {
    let mut erreurs = BTreeMap::new();
    let mut note = |champ, message: String| {
        erreurs.insert(champ, message);
    };
    let id = IdContrat::parse(f.identifiant.trim())
        .map_err(|e| note("identifiant", phrase(&e.to_string())))
        .ok();
    let nom = f.nom.trim();
    if nom.is_empty() {
        note("nom", "Indiquez le nom du contrat.".to_owned());
    }
    let generation = match f.generation.trim().parse::<u8>() {
        Ok(g) if (1..=20).contains(&g) => Some(g),
        _ => {
            note(
                "generation",
                "La génération est un nombre entier de 1 à 20.".to_owned(),
            );
            None
        }
    };
    let precedent = match f.precedent.trim() {
        "" => None,
        texte => IdContrat::parse(texte)
            .map_err(|e| note("precedent", phrase(&e.to_string())))
            .ok(),
    };
    let annee = |texte: &str| -> Result<Option<u16>, String> {
        match texte.trim() {
            "" => Ok(None),
            t => t
                .parse()
                .map(Some)
                .map_err(|_| format!("« {t} » n'est pas une année.")),
        }
    };
    let periode = match (annee(&f.debut), annee(&f.fin)) {
        (Err(m), _) => {
            note("debut", m);
            None
        }
        (_, Err(m)) => {
            note("fin", m);
            None
        }
        (Ok(None), Ok(Some(_))) => {
            note(
                "debut",
                "Indiquez l'année de début avec celle de fin.".to_owned(),
            );
            None
        }
        (Ok(None), Ok(None)) => None,
        (Ok(Some(debut)), Ok(fin)) => Periode::new(debut, fin)
            .map_err(|e| note("fin", phrase(&e.to_string())))
            .ok(),
    };
    let statut = match f.statut.trim() {
        "" => None,
        code => StatutContrat::parse(code)
            .map_err(|e| note("statut", phrase(&e)))
            .ok(),
    };
    let (territoire, fautes) = territoire(f);
    erreurs.extend(fautes);
    match (id, generation) {
        (Some(id), Some(generation)) if erreurs.is_empty() => {
            let mut contrat = Contrat::nouveau(id, nom.to_owned(), generation, territoire);
            contrat.precedent = precedent;
            contrat.periode = periode;
            contrat.statut = statut;
            Ok(contrat)
        }
        _ => Err(erreurs),
    }
}

/// `POST /contrats`
pub async fn creer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Champs(f): Champs<FormContrat>,
) -> Result<Response, AppError> {
    if !cree_des_contrats(&visiteur.auteur.acteur) {
        return Err(refus());
    }
    let refuse = StatusCode::BAD_REQUEST;
    let contrat = match lire(&f) {
        Ok(contrat) => contrat,
        Err(erreurs) => {
            return afficher(
                &state,
                &visiteur,
                None,
                f,
                erreurs,
                refuse,
                Choix::default(),
            );
        }
    };
    match contrat::creer_pour(&state.store, &visiteur.auteur, &contrat).await {
        Ok(()) => Ok(rediriger(
            &format!("/contrats/{}/pilotage?fait=creation", contrat.id),
            [],
        )),
        // A taken identifier is the identifier's fault; the rest (the territory…) the form's.
        Err(e @ (StoreError::Conflict(_) | StoreError::Invalid(_))) => {
            let champ = if matches!(e, StoreError::Conflict(_)) {
                "identifiant"
            } else {
                ""
            };
            let erreurs = BTreeMap::from([(champ, phrase(&e.to_string()))]);
            afficher(
                &state,
                &visiteur,
                None,
                f,
                erreurs,
                refuse,
                Choix::default(),
            )
        }
        Err(autre) => Err(autre.into()),
    }
}

/// `GET /contrats/{id}/modifier`: the form filled with the contract as it stands.
pub async fn formulaire_modification(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    let complet = contrat::lire(&state.store, &visiteur.auteur, &id).await?;
    if !peut(
        &visiteur.auteur.acteur,
        &Operation::Modifier,
        &complet.portee(),
    ) {
        return Err(AppError::Forbidden(format!(
            "Vous n'avez pas le droit de modifier le contrat « {id} »."
        )));
    }
    let c = &complet.contrat;
    let codes = |codes: Vec<String>| codes.join(" ");
    let f = FormContrat {
        identifiant: id.to_string(),
        nom: c.nom.clone(),
        generation: c.generation.to_string(),
        precedent: c
            .precedent
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        debut: c.periode.map(|p| p.debut().to_string()).unwrap_or_default(),
        fin: c
            .periode
            .and_then(|p| p.fin())
            .map(|a| a.to_string())
            .unwrap_or_default(),
        statut: c.statut.map(|s| s.code().to_owned()).unwrap_or_default(),
        epci: codes(c.territoire.epci.iter().map(ToString::to_string).collect()),
        communes: codes(
            c.territoire
                .communes
                .iter()
                .map(ToString::to_string)
                .collect(),
        ),
        version: complet.version.to_string(),
        recherche: String::new(),
        ajouter: String::new(),
    };
    afficher(
        &state,
        &visiteur,
        Some(id),
        f,
        BTreeMap::new(),
        StatusCode::OK,
        Choix::default(),
    )
}

/// `POST /contrats/{id}`: saves the general form.
pub async fn modifier(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
    Champs(mut f): Champs<FormContrat>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    contrat::autorise(&state.store, &visiteur.auteur, &id, &Operation::Modifier).await?;
    f.identifiant = id.to_string();
    let refuse = StatusCode::BAD_REQUEST;
    let Ok(lue) = f.version.trim().parse::<i64>() else {
        return Err(AppError::BadRequest(
            "Version du contrat absente ou illisible : rechargez le formulaire.".to_owned(),
        ));
    };
    let contrat = match lire(&f) {
        Ok(contrat) => contrat,
        Err(erreurs) => {
            return afficher(
                &state,
                &visiteur,
                Some(id),
                f,
                erreurs,
                refuse,
                Choix::default(),
            );
        }
    };
    let generalites = Generalites {
        nom: contrat.nom,
        generation: contrat.generation,
        precedent: contrat.precedent,
        periode: contrat.periode,
        statut: contrat.statut,
        territoire: contrat.territoire,
    };
    match modification::modifier(&state.store, &visiteur.auteur, &id, lue, &generalites).await {
        Ok(_) => Ok(rediriger(
            &format!("/contrats/{id}/pilotage?fait=modification"),
            [],
        )),
        Err(StoreError::Perime { actuelle, message }) => {
            // The next save is based on the current version, knowingly.
            f.version = actuelle.to_string();
            let erreurs = BTreeMap::from([("", phrase(&message))]);
            afficher(
                &state,
                &visiteur,
                Some(id),
                f,
                erreurs,
                StatusCode::CONFLICT,
                Choix::default(),
            )
        }
        Err(e @ (StoreError::Invalid(_) | StoreError::Conflict(_))) => {
            // A conflict is a simultaneous save: what was typed stays, to be saved again.
            let statut = if matches!(e, StoreError::Conflict(_)) {
                StatusCode::CONFLICT
            } else {
                refuse
            };
            let erreurs = BTreeMap::from([("", phrase(&e.to_string()))]);
            afficher(
                &state,
                &visiteur,
                Some(id),
                f,
                erreurs,
                statut,
                Choix::default(),
            )
        }
        Err(autre) => Err(autre.into()),
    }
}

/// The form again, with the communes and EPCI matching `recherche` and the population of the
/// territory chosen so far; nothing is saved.
async fn choisir_territoire(
    state: &AppState,
    visiteur: &Visiteur,
    modification: Option<IdContrat>,
    mut f: FormContrat,
) -> Result<Response, AppError> {
    f.ajouter_au_territoire();
    let trouves = geographie::rechercher(&state.store, &f.recherche, 8).await?;
    let (territoire, mut erreurs) = territoire(&f);
    let rien_choisi = territoire.epci.is_empty() && territoire.communes.is_empty();
    if rien_choisi {
        // Nothing chosen yet is no fault while one is searching.
        erreurs.remove("epci");
    }
    let apercu = if erreurs.is_empty() && !rien_choisi {
        match geographie::apercu(&state.store, &territoire).await {
            Ok(resolu) => {
                // What was added, by name: the EPCI, then the communes chosen one by one.
                let noms: Vec<&str> = resolu
                    .epci
                    .iter()
                    .map(|e| e.nom.as_str())
                    .chain(
                        resolu
                            .communes
                            .iter()
                            .filter(|c| territoire.communes.contains(&c.code))
                            .map(|c| c.nom.as_str()),
                    )
                    .collect();
                Some(format!(
                    "{} — {} commune(s), {} habitants",
                    noms.join(", "),
                    resolu.communes.len(),
                    milliers(resolu.population)
                ))
            }
            Err(StoreError::Invalid(m)) => {
                erreurs.insert("", phrase(&m));
                None
            }
            Err(autre) => return Err(autre.into()),
        }
    } else {
        None
    };
    let choix = Choix { trouves, apercu };
    afficher(
        state,
        visiteur,
        modification,
        f,
        erreurs,
        StatusCode::OK,
        choix,
    )
}

/// `POST /contrats/nouveau/territoire`
pub async fn territoire_creation(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Champs(f): Champs<FormContrat>,
) -> Result<Response, AppError> {
    if !cree_des_contrats(&visiteur.auteur.acteur) {
        return Err(refus());
    }
    choisir_territoire(&state, &visiteur, None, f).await
}

/// `POST /contrats/{id}/territoire`
pub async fn territoire_modification(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
    Champs(f): Champs<FormContrat>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    contrat::autorise(&state.store, &visiteur.auteur, &id, &Operation::Modifier).await?;
    choisir_territoire(&state, &visiteur, Some(id), f).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn un_resultat_s_ajoute_au_territoire_une_seule_fois() {
        let mut f = FormContrat {
            epci: "200065597".into(),
            ajouter: "epci:200066389".into(),
            ..FormContrat::default()
        };
        f.ajouter_au_territoire();
        assert_eq!(f.epci, "200065597 200066389");
        f.ajouter = "epci:200065597".into();
        f.ajouter_au_territoire();
        assert_eq!(f.epci, "200065597 200066389");
        f.ajouter = "commune:14118".into();
        f.ajouter_au_territoire();
        assert_eq!(f.communes, "14118");
        f.ajouter = "autre:1".into();
        f.ajouter_au_territoire();
        assert_eq!(
            (f.epci.as_str(), f.communes.as_str()),
            ("200065597 200066389", "14118")
        );
    }

    fn form(identifiant: &str, epci: &str, communes: &str) -> FormContrat {
        FormContrat {
            identifiant: identifiant.into(),
            nom: "CLS d'essai".into(),
            generation: "1".into(),
            epci: epci.into(),
            communes: communes.into(),
            ..FormContrat::default()
        }
    }

    #[test]
    fn un_formulaire_complet_donne_un_contrat() {
        let mut f = form("essai-2025", "200065597, 247100290", "14118\n02722");
        f.debut = "2025".into();
        f.fin = "2029".into();
        f.statut = "en-elaboration".into();
        let contrat = lire(&f).unwrap();
        assert_eq!(contrat.territoire.epci.len(), 2);
        assert_eq!(contrat.territoire.communes.len(), 2);
        assert_eq!(contrat.periode.unwrap().to_string(), "2025-2029");
        assert!(!contrat.publie);
    }

    #[test]
    fn chaque_champ_fautif_a_son_message() {
        let mut f = form("Pas Valide", "123", "99999");
        f.nom = " ".into();
        f.generation = "zéro".into();
        f.debut = "2030".into();
        f.fin = "2020".into();
        f.statut = "fini".into();
        let erreurs = lire(&f).unwrap_err();
        let champs: Vec<&str> = erreurs.keys().copied().collect();
        assert_eq!(
            champs,
            [
                "communes",
                "epci",
                "fin",
                "generation",
                "identifiant",
                "nom",
                "statut"
            ]
        );
        assert!(
            erreurs["fin"].contains("avant de commencer"),
            "{}",
            erreurs["fin"]
        );
        assert!(erreurs["statut"].contains("« fini »"));
        let vide = lire(&form("essai-2025", " ", "")).unwrap_err();
        assert!(vide["epci"].contains("au moins un EPCI ou une commune"));
    }
}
