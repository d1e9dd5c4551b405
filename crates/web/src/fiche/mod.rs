//! The page of one fiche-action (`/contrats/{id}/fiches/{numero}`), its editor, for its pilot
//! as for those who change the whole contract: what it says (title, context, objectives,
//! pilot, partners, publics and themes from the reference lists, the communes it covers,
//! calendar), its steps, where it stands, its budget, its indicators and their dated values,
//! its progress notes and its documents ([`document`]), its budget lines and indicators
//! ([`suivi`]). Each form saves one thing in one transaction, against the version the page
//! was read at.

pub mod document;
pub mod suivi;

use askama::Template;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use pilote_domain::autorisation::{Operation, peut};
use pilote_domain::fiche_action::{
    Cible, Etape, FicheAction, Mesure, NatureDepense, Note, Pilote, StatutAction, TypeIndicateur,
};
use pilote_domain::geographie::Commune;
use pilote_domain::organisation::Personne;
use pilote_domain::referentiel::{Public, Thematique};
use pilote_domain::{CodeInsee, DatePartielle, IdContrat};
use pilote_store::StoreError;
use pilote_store::contrat::fiche::redaction::{self, Redaction};
use pilote_store::contrat::fiche::suivi::Element;
use pilote_store::contrat::fiche::{self, Avancement, ContratDeLaFiche, FicheLue};

use crate::AppState;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::{Chemin, Parametres};
use crate::noyau::page::Entete;
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::saisie::{
    Ecran, Fait, Faute, Formulaire, Refus, Saisies, SurFiche, annee, date, issue, lignes, nombre,
    optionnel, refus, refuser, valeur,
};
use crate::noyau::visiteur::Visiteur;

#[derive(Template)]
#[template(path = "fiche/fiche.html")]
struct Page {
    entete: Entete,
    /// What the page shows of the contract.
    contrat: ContratDeLaFiche,
    /// The communes of the contract's territory.
    communes: Vec<Commune>,
    f: FicheAction,
    /// The version of the fiche-action its forms were read at.
    version: i64,
    csrf: String,
    /// The section a save went back to, where the page confirms it.
    fait: Option<String>,
    refus: Refus,
    /// Whether the visitor changes the whole contract (and so its strategy).
    coordination: bool,
    statuts: &'static [StatutAction],
    natures: &'static [NatureDepense],
    types_indicateur: &'static [TypeIndicateur],
    publics: &'static [Public],
    thematiques: &'static [Thematique],
}

impl Page {
    fn communes(&self) -> &[Commune] {
        &self.communes
    }

    /// What field `nom` of the editor shows: what was typed if it was refused, `actuelle`
    /// otherwise.
    fn champ<'a>(&'a self, nom: &str, actuelle: &'a str) -> &'a str {
        self.refus
            .saisie_ou(format!("redaction-{}", self.f.numero), nom, actuelle)
    }

    /// The id of field `champ` of form `formulaire` (`budget-1.2-annee`).
    fn id(&self, formulaire: &str, champ: &str) -> String {
        format!("{formulaire}-{}-{champ}", self.f.numero)
    }

    /// The message of field `champ` of form `formulaire`, if it is the one at fault.
    fn erreur(&self, formulaire: &str, champ: &str) -> Option<&str> {
        self.refus.erreur(formulaire, &self.f.numero, champ)
    }

    /// What was typed in field `champ` of form `formulaire`, if it was refused.
    fn saisie(&self, formulaire: &str, champ: &str) -> &str {
        self.refus.saisie_fiche(formulaire, &self.f.numero, champ)
    }

    /// The message of a form refused as a whole (a removal, a step marked), if any.
    fn refus_general(&self) -> Option<&str> {
        (self.refus.champ.ends_with("-bouton") && !self.refus.message.is_empty())
            .then_some(self.refus.message.as_str())
    }

    /// Whether `code` is ticked in the multiple choice `nom`.
    fn coche(&self, nom: &str, code: &str, actuel: bool) -> bool {
        let formulaire = format!("redaction-{}", self.f.numero);
        if self.refus.formulaire == formulaire {
            self.refus
                .saisie(formulaire, nom)
                .lines()
                .any(|l| l == code)
        } else {
            actuel
        }
    }

    /// The statuses, « Non précisé » first.
    fn choix_statuts(&self) -> Vec<(String, String)> {
        let statuts = self.statuts.iter();
        std::iter::once((String::new(), "Non précisé".to_owned()))
            .chain(statuts.map(|s| (s.code().into(), s.libelle().into())))
            .collect()
    }

    fn statut_actuel(&self) -> String {
        self.f
            .statut
            .map(|s| s.code().to_owned())
            .unwrap_or_default()
    }

    fn pourcentage_actuel(&self) -> String {
        self.f.avancement.map(|p| p.to_string()).unwrap_or_default()
    }

    fn choix_natures(&self) -> Vec<(String, String)> {
        let natures = self.natures.iter();
        natures
            .map(|v| (v.code().into(), v.libelle().into()))
            .collect()
    }

    fn choix_types(&self) -> Vec<(String, String)> {
        let types = self.types_indicateur.iter();
        types
            .map(|v| (v.code().into(), v.libelle().into()))
            .collect()
    }

    /// The indicators by identifier.
    fn choix_indicateurs(&self) -> Vec<(String, String)> {
        let indicateurs = self.f.indicateurs.iter();
        indicateurs
            .filter_map(|i| Some((i.id?.to_string(), i.libelle.clone())))
            .collect()
    }

    fn lignes(&self, valeurs: &[String]) -> String {
        valeurs.join("\n")
    }

    fn date(&self, d: &Option<DatePartielle>) -> String {
        d.map(|d| d.en_saisie()).unwrap_or_default()
    }

    fn a_le_public(&self, p: &Public) -> bool {
        self.f.publics.contains(p)
    }

    fn a_la_thematique(&self, t: &Thematique) -> bool {
        self.f.thematiques.contains(t)
    }

    fn couvre(&self, c: &CodeInsee) -> bool {
        self.f.communes.contains(c)
    }

    fn pilote_organisation(&self) -> &str {
        self.f
            .pilote
            .as_ref()
            .map_or("", |p| p.organisation.as_str())
    }

    fn pilote_personne(&self) -> Option<&Personne> {
        self.f.pilote.as_ref().and_then(|p| p.personne.as_ref())
    }

    fn pilote_nom(&self) -> &str {
        self.pilote_personne().map_or("", |p| p.nom.as_str())
    }

    fn pilote_fonction(&self) -> &str {
        self.pilote_personne()
            .and_then(|p| p.fonction.as_deref())
            .unwrap_or_default()
    }
}

/// The page of fiche-action `numero` (`PageFiche(numero)`), where its forms go back.
pub struct PageFiche<'a>(pub &'a str);

impl Ecran for PageFiche<'_> {
    fn chemin(&self, id: &IdContrat) -> String {
        format!("/contrats/{id}/fiches/{}", self.0)
    }

    async fn afficher(
        &self,
        state: &AppState,
        visiteur: &Visiteur,
        id: &IdContrat,
        refus: Refus,
        statut: StatusCode,
    ) -> Result<Response, AppError> {
        afficher(state, visiteur, (id, self.0), None, refus, statut).await
    }
}

/// The page of fiche-action `numero`, with `refus` shown again if a form was refused.
async fn afficher(
    state: &AppState,
    visiteur: &Visiteur,
    (id, numero): (&IdContrat, &str),
    fait: Option<String>,
    refus: Refus,
    statut: StatusCode,
) -> Result<Response, AppError> {
    let FicheLue {
        contrat,
        portee,
        communes,
        fiche: f,
        version,
    } = fiche::lire(&state.store, &visiteur.auteur, id, numero).await?;
    let page = Page {
        entete: visiteur.entete(state),
        coordination: peut(&visiteur.auteur.acteur, &Operation::Modifier, &portee),
        version,
        contrat,
        communes,
        f,
        csrf: visiteur.csrf.clone(),
        fait,
        refus,
        statuts: StatutAction::TOUS,
        natures: NatureDepense::TOUS,
        types_indicateur: TypeIndicateur::TOUS,
        publics: Public::TOUS,
        thematiques: Thematique::TOUS,
    };
    Ok((statut, Html(page.render()?)).into_response())
}

/// `GET /contrats/{id}/fiches/{numero}`
pub async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin((id, numero)): Chemin<(String, String)>,
    Parametres(q): Parametres<Fait>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    let refus = Refus::default();
    afficher(
        &state,
        &visiteur,
        (&id, &numero),
        q.fait,
        refus,
        StatusCode::OK,
    )
    .await
}

/// Every value of the multiple choice `nom`, each read with `lire`.
fn codes<T>(
    s: &Saisies,
    nom: &'static str,
    lire: fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, Faute> {
    valeur(s, nom)
        .lines()
        .filter(|l| !l.is_empty())
        .map(|code| lire(code).map_err(|e| (nom, phrase(&e))))
        .collect()
}

fn redaction(s: &Saisies) -> Result<Redaction, Faute> {
    if valeur(s, "titre").is_empty() {
        return Err(("titre", "Indiquez le titre de la fiche-action.".to_owned()));
    }
    let pilote = match optionnel(s, "pilote_organisation") {
        Some(organisation) => Some(Pilote {
            organisation,
            personne: optionnel(s, "pilote_nom").map(|nom| Personne {
                nom,
                fonction: optionnel(s, "pilote_fonction"),
            }),
        }),
        None if optionnel(s, "pilote_nom").is_some() => {
            return Err((
                "pilote_organisation",
                "Indiquez l'organisation qui pilote l'action.".to_owned(),
            ));
        }
        None => None,
    };
    Ok(Redaction {
        titre: valeur(s, "titre").to_owned(),
        contexte: optionnel(s, "contexte"),
        objectifs: lignes(s, "objectifs"),
        description: optionnel(s, "description"),
        pilote,
        partenaires: lignes(s, "partenaires"),
        publics: codes(s, "publics", Public::parse)?,
        thematiques: codes(s, "thematiques", Thematique::parse)?,
        communes: codes(s, "communes", |c| {
            CodeInsee::parse(c).map_err(|e| e.to_string())
        })?,
        debut: date(s, "debut")?,
        fin: date(s, "fin")?,
    })
}

fn avancement(s: &Saisies) -> Result<Avancement, Faute> {
    let statut = match valeur(s, "statut") {
        "" => None,
        code => Some(StatutAction::parse(code).map_err(|e| ("statut", phrase(&e)))?),
    };
    let pourcentage = match valeur(s, "avancement") {
        "" => None,
        texte => Some(
            texte
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= 100)
                .ok_or_else(|| {
                    (
                        "avancement",
                        format!("« {texte} » : indiquez un pourcentage entier de 0 à 100."),
                    )
                })?,
        ),
    };
    Ok(Avancement {
        statut,
        pourcentage,
    })
}

fn etape(s: &Saisies) -> Result<Etape, Faute> {
    if valeur(s, "libelle").is_empty() {
        return Err(("libelle", "Indiquez le libellé de l'étape.".to_owned()));
    }
    Ok(Etape {
        id: None,
        libelle: valeur(s, "libelle").to_owned(),
        echeance: date(s, "echeance")?,
        faite: false,
    })
}

/// The identifier of the item chosen in field `nom`.
fn choisi(s: &Saisies, nom: &'static str) -> Result<i64, Faute> {
    valeur(s, nom)
        .parse::<i64>()
        .ok()
        .filter(|p| *p >= 1)
        .ok_or_else(|| {
            (
                nom,
                format!("« {} » : choisissez dans la liste.", valeur(s, nom)),
            )
        })
}

fn mesure(s: &Saisies) -> Result<(i64, Mesure), Faute> {
    let indicateur = choisi(s, "indicateur")?;
    let date = date(s, "date")?.ok_or(("date", "Indiquez la date de la mesure.".to_owned()))?;
    let valeur =
        nombre(s, "valeur")?.ok_or(("valeur", "Indiquez la valeur mesurée.".to_owned()))?;
    Ok((
        indicateur,
        Mesure {
            id: None,
            date,
            valeur,
            source: optionnel(s, "source"),
        },
    ))
}

fn cible(s: &Saisies) -> Result<(i64, Cible), Faute> {
    let indicateur = choisi(s, "indicateur")?;
    let annee = annee(s, "annee")?.ok_or(("annee", "Indiquez l'année de la cible.".to_owned()))?;
    let valeur = nombre(s, "valeur")?.ok_or(("valeur", "Indiquez la valeur cible.".to_owned()))?;
    Ok((
        indicateur,
        Cible {
            id: None,
            annee,
            valeur,
        },
    ))
}

fn note(s: &Saisies, auteur: Option<String>) -> Result<Note, Faute> {
    let date = date(s, "date")?.ok_or(("date", "Indiquez la date de la note.".to_owned()))?;
    if valeur(s, "texte").is_empty() {
        return Err(("texte", "Écrivez la note.".to_owned()));
    }
    Ok(Note {
        id: None,
        date,
        texte: valeur(s, "texte").to_owned(),
        auteur,
    })
}

/// The forms of the fiche page read as fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Avancer,
    Rediger,
    AjouterEtape,
    MarquerEtape,
    AjouterMesure,
    AjouterCible,
    AjouterNote,
    Retirer,
}

/// Checks the right, reads form `action` of fiche-action `numero`, saves it, answers.
async fn traiter(
    state: &AppState,
    visiteur: &Visiteur,
    formulaire: Formulaire<SurFiche>,
    action: Action,
) -> Result<Response, AppError> {
    let Formulaire {
        id,
        droit: SurFiche(numero),
        lue,
        saisies,
    } = formulaire;
    let (store, auteur) = (&state.store, &visiteur.auteur);
    let ecran = (state, visiteur, PageFiche(&numero));
    let la_fiche = (&id, numero.as_str());
    let (formulaire, champ) = match action {
        Action::Avancer => ("avancement", "avancement"),
        Action::Rediger => ("redaction", "titre"),
        Action::AjouterEtape => ("etape", "libelle"),
        Action::MarquerEtape => ("etat", "bouton"),
        Action::AjouterMesure => ("mesure", "valeur"),
        Action::AjouterCible => ("cible", "valeur"),
        Action::AjouterNote => ("note", "texte"),
        Action::Retirer => ("retrait", "bouton"),
    };
    let formulaire = format!("{formulaire}-{numero}");
    // The fields are read (a fault stops here, `?`), then saved.
    let lu: Result<Result<(), StoreError>, Faute> = async {
        Ok(match action {
            Action::Avancer => {
                let a = avancement(&saisies)?;
                fiche::avancer(store, auteur, &id, &numero, lue, a).await
            }
            Action::Rediger => {
                let r = redaction(&saisies)?;
                redaction::rediger(store, auteur, &id, &numero, lue, &r).await
            }
            Action::AjouterEtape => {
                let e = etape(&saisies)?;
                fiche::suivi::ajouter_etape(store, auteur, la_fiche, lue, &e).await
            }
            Action::MarquerEtape => {
                let p = choisi(&saisies, "etape")?;
                let faite = valeur(&saisies, "faite") == "oui";
                fiche::suivi::marquer_etape(store, auteur, la_fiche, lue, p, faite).await
            }
            Action::AjouterMesure => {
                let (i, m) = mesure(&saisies)?;
                fiche::suivi::ajouter_mesure(store, auteur, la_fiche, lue, i, &m).await
            }
            Action::AjouterCible => {
                let (i, c) = cible(&saisies)?;
                fiche::suivi::ajouter_cible(store, auteur, la_fiche, lue, i, &c).await
            }
            Action::AjouterNote => {
                let n = note(&saisies, visiteur.nom.clone())?;
                fiche::suivi::ajouter_note(store, auteur, la_fiche, lue, &n).await
            }
            Action::Retirer => match valeur(&saisies, "element").parse::<Element>() {
                Ok(element) => {
                    let retire = fiche::suivi::retirer(store, auteur, la_fiche, lue, element).await;
                    if let Ok(Some(cle)) = &retire {
                        crate::noyau::document::supprimer_fichier(state, cle).await;
                    }
                    retire.map(drop)
                }
                Err(e) => Err(StoreError::Invalid(e)),
            },
        })
    }
    .await;
    let resultat = match lu {
        Ok(resultat) => resultat,
        Err(faute) => return refuser(ecran, &id, &formulaire, faute, saisies).await,
    };
    // The section a save goes back to, where the page confirms it.
    let section = match action {
        Action::Avancer => "avancement",
        Action::Rediger => "redaction",
        Action::AjouterEtape | Action::MarquerEtape => "calendrier",
        Action::AjouterMesure | Action::AjouterCible => "indicateurs",
        Action::AjouterNote => "notes",
        Action::Retirer => match valeur(&saisies, "element").split('-').next() {
            Some("etape") => "calendrier",
            Some("budget") => "budget",
            Some("note") => "notes",
            Some("document") => "documents",
            _ => "indicateurs",
        },
    };
    let refus = refus(&formulaire, &format!("{formulaire}-{champ}"), saisies);
    issue(ecran, &id, resultat, section, refus).await
}

/// `POST /contrats/{id}/fiches/{numero}/avancement`: status and progress.
pub async fn avancer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurFiche>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Avancer).await
}

/// `POST /contrats/{id}/fiches/{numero}`: what the fiche-action says.
pub async fn rediger(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurFiche>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Rediger).await
}

/// `POST /contrats/{id}/fiches/{numero}/etapes`
pub async fn ajouter_etape(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurFiche>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::AjouterEtape).await
}

/// `POST /contrats/{id}/fiches/{numero}/etapes/etat`: step `etape` done (`faite=oui`) or not.
pub async fn marquer_etape(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurFiche>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::MarquerEtape).await
}

/// `POST /contrats/{id}/fiches/{numero}/mesures`: a dated value of indicator `indicateur`.
pub async fn ajouter_mesure(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurFiche>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::AjouterMesure).await
}

/// `POST /contrats/{id}/fiches/{numero}/cibles`: the target of indicator `indicateur` for a
/// year.
pub async fn ajouter_cible(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurFiche>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::AjouterCible).await
}

/// `POST /contrats/{id}/fiches/{numero}/notes`
pub async fn ajouter_note(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurFiche>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::AjouterNote).await
}

/// `POST /contrats/{id}/fiches/{numero}/retrait`: removes `element`.
pub async fn retirer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurFiche>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Retirer).await
}

/// The routes of a fiche-action's page, its forms and its documents, each with its policy.
pub(crate) fn routes() -> Routes {
    use Politique::*;
    vec![
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}/avancement",
            ModifierFiche,
            post(avancer),
        ),
        route(
            Method::GET,
            "/contrats/{id}/fiches/{numero}",
            ModifierFiche,
            get(page),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}",
            ModifierFiche,
            post(rediger),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}/etapes",
            ModifierFiche,
            post(ajouter_etape),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}/etapes/etat",
            ModifierFiche,
            post(marquer_etape),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}/mesures",
            ModifierFiche,
            post(ajouter_mesure),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}/cibles",
            ModifierFiche,
            post(ajouter_cible),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}/notes",
            ModifierFiche,
            post(ajouter_note),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}/retrait",
            ModifierFiche,
            post(retirer),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}/documents",
            ModifierFiche,
            post(document::deposer).layer(DefaultBodyLimit::disable()),
        ),
        route(
            Method::GET,
            "/contrats/{id}/fiches/{numero}/documents/{document}",
            LireFiche,
            get(document::telecharger),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}/budget",
            ModifierFiche,
            post(suivi::ajouter_budget),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches/{numero}/indicateurs",
            ModifierFiche,
            post(suivi::ajouter_indicateur),
        ),
    ]
}
