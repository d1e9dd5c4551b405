//! The presentation page of a contract (`/contrats/{id}/presentation`), for those who change
//! the whole contract: what the contract says of itself (its presentation in paragraphs, its
//! priority publics and themes, the number of fiches-actions it announces) and its diagnostics
//! (each changed in place, its indicators compared with the département, the région and
//! France, its findings and what residents and professionals said, its documents: files in the
//! document storage, downloaded by those who read the whole contract). The indicator tables an
//! administrator loaded are listed at the territory's levels, and an indicator added under the
//! same name takes what was left blank from them. A refused form comes back with its message
//! beside the field; a save goes back to its own section.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::Method;
use axum::response::Response;
use axum::routing::{get, post};
use pilote_domain::autorisation::Operation;
use pilote_domain::diagnostic::{
    Diagnostic, Echelons, IndicateurDeReference, IndicateurDiagnostic, indicateur_de_reference,
    indicateurs_de_reference,
};
use pilote_domain::referentiel::{Public, Thematique};
use pilote_stockage::Cle;
use pilote_store::StoreError;
use pilote_store::contrat::diagnostic::{self, Element};
use pilote_store::contrat::presentation::{self, Presentation};
use pilote_store::contrat::{self, ContratComplet};
use pilote_store::donnees_de_reference;

use crate::AppState;
use crate::noyau::caracteres::champs_admissibles;
use crate::noyau::document::{self, Envoi};
use crate::noyau::erreur::AppError;
use crate::noyau::extraction::Chemin;
use crate::noyau::limites::en_octets;
use crate::noyau::page::Entete;
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::saisie::{
    Cadre, Faute, Formulaire, PageDeGestion, Refus, Saisies, SurContrat, annee, choisi, coches,
    date, issue, lignes, montrer, nombre, optionnel, options, preambule, refus, refuser, valeur,
};
use crate::noyau::visiteur::Visiteur;

#[derive(Template)]
#[template(path = "presentation/presentation.html")]
pub struct Page {
    entete: Entete,
    c: ContratComplet,
    csrf: String,
    /// The section whose save this page confirms.
    fait: Option<String>,
    refus: Refus,
    /// The largest document, in words (« 20 Mo »).
    document_max: String,
    /// The indicators the administrator loaded that tell of this territory's levels: their
    /// comparisons are taken when an indicator of the same name is added.
    references: Vec<IndicateurDeReference>,
}

impl Page {
    /// The presentation as typed: paragraphs separated by a blank line.
    fn paragraphes(&self) -> String {
        self.c.contrat.presentation.join("\n\n")
    }

    fn annoncees(&self) -> String {
        let n = self.c.contrat.fiches_actions_annoncees;
        n.map(|n| n.to_string()).unwrap_or_default()
    }

    /// Whether public `p` is ticked: as typed in a refused form, as stored otherwise.
    fn public_coche(&self, p: &Public) -> bool {
        if self.refus.formulaire == "presentation" {
            self.refus
                .saisie("presentation", "publics")
                .lines()
                .any(|l| l == p.code())
        } else {
            self.c.contrat.publics_prioritaires.contains(p)
        }
    }

    fn thematique_cochee(&self, t: &Thematique) -> bool {
        if self.refus.formulaire == "presentation" {
            self.refus
                .saisie("presentation", "thematiques")
                .lines()
                .any(|l| l == t.code())
        } else {
            self.c.contrat.thematiques.contains(t)
        }
    }

    fn publics(&self) -> &'static [Public] {
        Public::TOUS
    }

    fn thematiques(&self) -> &'static [Thematique] {
        Thematique::TOUS
    }

    /// The themes of an indicator, none chosen beforehand.
    fn choix_thematiques(&self) -> Vec<(String, String)> {
        options(
            "— Aucune —",
            Thematique::TOUS,
            Thematique::code,
            Thematique::libelle,
        )
    }

    /// The name of the form of diagnostic `d` (`diagnostic-nouveau` for a new one).
    fn formulaire_de(&self, d: &Option<i64>) -> String {
        match d {
            Some(n) => format!("diagnostic-{n}"),
            None => "diagnostic-nouveau".to_owned(),
        }
    }

    /// Field `nom` of diagnostic `d`'s form: as typed if it was refused, as stored otherwise.
    fn champ_diagnostic(&self, d: &Diagnostic, nom: &str) -> String {
        let formulaire = self.formulaire_de(&d.id);
        if self.refus.formulaire == formulaire {
            return self.refus.saisie(&formulaire, nom).to_owned();
        }
        match nom {
            "titre" => d.titre.clone(),
            "date" => d.date.map(|d| d.en_saisie()).unwrap_or_default(),
            "description" => d.description.clone().unwrap_or_default(),
            "methode" => d.methode.clone().unwrap_or_default(),
            "realise_par" => d.realise_par.clone().unwrap_or_default(),
            "constats" => d.constats.join("\n"),
            "paroles" => d.paroles.join("\n"),
            _ => String::new(),
        }
    }

    /// The message of a form refused for a diagnostic the page no longer shows (someone
    /// removed it meanwhile): said at the top of the diagnostics.
    fn refus_sans_formulaire(&self) -> Option<&str> {
        self.refus.sans_formulaire(|f| {
            ["presentation", "retrait", "diagnostic-nouveau"].contains(&f)
                || self.c.contrat.diagnostics.iter().any(|d| {
                    let n = d.id.unwrap_or_default();
                    ["diagnostic", "indicateur", "document"]
                        .iter()
                        .any(|genre| f == format!("{genre}-{n}"))
                })
        })
    }

    /// A loaded indicator's value, or a dash.
    fn case(&self, v: &Option<f64>) -> String {
        v.map_or("—".to_owned(), |v| v.to_string().replace('.', ","))
    }

    /// The levels the loaded indicators are read at, in words: « la commune, le département,
    /// la région et la France ».
    fn echelons(&self) -> String {
        let e = Echelons::du_territoire(&self.c.contrat.territoire, &self.c.territoire_resolu);
        let niveaux: Vec<&str> = [
            e.territoire.map(|(niveau, _)| {
                if niveau == "epci" {
                    "l'EPCI"
                } else {
                    "la commune"
                }
            }),
            e.departement.map(|_| "le département"),
            e.region.map(|_| "la région"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if niveaux.is_empty() {
            "la France".to_owned()
        } else {
            format!("{} et la France", niveaux.join(", "))
        }
    }

    /// A blank diagnostic, for the form that adds one.
    fn nouveau(&self) -> Diagnostic {
        Diagnostic {
            id: None,
            titre: String::new(),
            date: None,
            description: None,
            methode: None,
            realise_par: None,
            indicateurs: Vec::new(),
            constats: Vec::new(),
            paroles: Vec::new(),
            documents: Vec::new(),
        }
    }
}

/// The presentation page, where its forms go back.
pub struct PagePresentation;

impl PageDeGestion for PagePresentation {
    const CHEMIN: &'static str = "presentation";
    type Gabarit = Page;

    async fn gabarit(state: &AppState, cadre: Cadre) -> Result<Page, AppError> {
        Ok(Page {
            references: references(state, &cadre.c).await?,
            entete: cadre.entete,
            c: cadre.c,
            csrf: cadre.csrf,
            fait: cadre.fait,
            refus: cadre.refus,
            document_max: en_octets(state.limites.document_max),
        })
    }
}

/// The loaded indicators that tell of contract `c`'s territory.
async fn references(
    state: &AppState,
    c: &ContratComplet,
) -> Result<Vec<IndicateurDeReference>, StoreError> {
    let echelons = Echelons::du_territoire(&c.contrat.territoire, &c.territoire_resolu);
    let valeurs = donnees_de_reference::valeurs_d_indicateurs(&state.store, &echelons).await?;
    Ok(indicateurs_de_reference(&valeurs, &echelons))
}

fn lire_presentation(s: &Saisies) -> Result<Presentation, Faute> {
    let annoncees = match valeur(s, "annoncees") {
        "" => None,
        texte => Some(texte.parse::<u16>().ok().filter(|n| *n > 0).ok_or_else(|| {
            (
                "annoncees",
                format!("« {texte} » n'est pas un nombre de fiches-actions (un entier, par exemple 12)."),
            )
        })?),
    };
    Ok(Presentation {
        paragraphes: valeur(s, "presentation")
            .replace("\r\n", "\n")
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
        publics: coches(s, "publics", Public::parse)?,
        thematiques: coches(s, "thematiques", Thematique::parse)?,
        fiches_actions_annoncees: annoncees,
    })
}

fn lire_diagnostic(s: &Saisies) -> Result<Diagnostic, Faute> {
    if valeur(s, "titre").is_empty() {
        return Err((
            "titre",
            "Indiquez le titre du diagnostic, par exemple « Diagnostic local de santé 2021 »."
                .to_owned(),
        ));
    }
    Ok(Diagnostic {
        id: None,
        titre: valeur(s, "titre").to_owned(),
        date: date(s, "date")?,
        description: optionnel(s, "description"),
        methode: optionnel(s, "methode"),
        realise_par: optionnel(s, "realise_par"),
        indicateurs: Vec::new(),
        constats: lignes(s, "constats"),
        paroles: lignes(s, "paroles"),
        documents: Vec::new(),
    })
}

/// The indicator typed; what is left blank taken from the loaded indicator of the same name
/// (and year, when typed) among `references`.
fn lire_indicateur(
    s: &Saisies,
    references: &[IndicateurDeReference],
) -> Result<IndicateurDiagnostic, Faute> {
    if valeur(s, "libelle").is_empty() {
        return Err((
            "libelle",
            "Indiquez ce que mesure l'indicateur, par exemple « Médecins généralistes pour 10 000 habitants ».".to_owned(),
        ));
    }
    let an = annee(s, "annee")?;
    let reference = indicateur_de_reference(references, valeur(s, "libelle"), an);
    let valeur_du_territoire = nombre(s, "valeur")?
        .or(reference.and_then(|r| r.territoire))
        .ok_or_else(|| {
            (
                "valeur",
                "Indiquez la valeur mesurée sur le territoire.".to_owned(),
            )
        })?;
    let mut indicateur = IndicateurDiagnostic {
        id: None,
        libelle: valeur(s, "libelle").to_owned(),
        thematique: choisi(s, "thematique", Thematique::parse)?,
        valeur: valeur_du_territoire,
        unite: optionnel(s, "unite"),
        annee: an,
        departement: nombre(s, "departement")?,
        region: nombre(s, "region")?,
        france: nombre(s, "france")?,
        source: optionnel(s, "source"),
    };
    if let Some(r) = reference {
        indicateur.completer(r);
    }
    Ok(indicateur)
}

/// The diagnostic a form names in its field `diagnostic` (empty: a new one).
fn diagnostic_nomme(s: &Saisies) -> Result<Option<i64>, Faute> {
    match valeur(s, "diagnostic") {
        "" => Ok(None),
        n => n.parse().map(Some).map_err(|_| {
            (
                "titre",
                format!("Diagnostic « {n} » inconnu : rechargez la page."),
            )
        }),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Presenter,
    Diagnostic,
    Indicateur,
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
    let ecran = (state, visiteur, PagePresentation);
    let numero = valeur(&saisies, "diagnostic").to_owned();
    let cible = if numero.is_empty() {
        "nouveau"
    } else {
        numero.as_str()
    };
    // The form's name, the field a store refusal is shown beside, the section a save goes
    // back to.
    let (formulaire, champ, section) = match action {
        Action::Presenter => (
            "presentation".to_owned(),
            "presentation",
            "presentation".to_owned(),
        ),
        Action::Diagnostic => (
            format!("diagnostic-{cible}"),
            "titre",
            format!("diagnostic-{cible}"),
        ),
        Action::Indicateur => (
            format!("indicateur-{cible}"),
            "libelle",
            format!("diagnostic-{cible}"),
        ),
        Action::Retirer => ("retrait".to_owned(), "bouton", "diagnostics".to_owned()),
    };
    let lu: Result<Result<Option<i64>, StoreError>, Faute> = async {
        Ok(match action {
            Action::Presenter => {
                let p = lire_presentation(&saisies)?;
                presentation::presenter(store, auteur, &id, lue, &p)
                    .await
                    .map(|()| None)
            }
            Action::Diagnostic => {
                let d = lire_diagnostic(&saisies)?;
                let nomme = diagnostic_nomme(&saisies)?;
                diagnostic::enregistrer(store, auteur, &id, lue, nomme, &d)
                    .await
                    .map(Some)
            }
            Action::Indicateur => {
                let lues = match contrat::lire(store, auteur, &id).await {
                    Ok(c) => references(state, &c).await,
                    Err(e) => Err(e),
                };
                match lues {
                    Ok(references) => {
                        let i = lire_indicateur(&saisies, &references)?;
                        let Some(d) = diagnostic_nomme(&saisies)? else {
                            return Err((
                                "libelle",
                                "Choisissez le diagnostic de l'indicateur.".to_owned(),
                            ));
                        };
                        diagnostic::ajouter_indicateur(store, auteur, &id, lue, d, &i)
                            .await
                            .map(|()| None)
                    }
                    Err(e) => Err(e),
                }
            }
            Action::Retirer => match valeur(&saisies, "element").parse::<Element>() {
                Ok(element) => {
                    let retire = diagnostic::retirer(store, auteur, &id, lue, element).await;
                    for cle in retire.iter().flatten() {
                        document::supprimer_fichier(state, cle).await;
                    }
                    retire.map(|_| None)
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
    // A diagnostic just added is confirmed in its own section.
    let section = match (&resultat, action) {
        (Ok(Some(cree)), Action::Diagnostic) => format!("diagnostic-{cree}"),
        _ => section,
    };
    let refus = refus(&formulaire, &format!("{formulaire}-{champ}"), saisies);
    issue(ecran, &id, resultat, &section, refus).await
}

/// `POST /contrats/{id}/presentation`
pub async fn presenter(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Presenter).await
}

/// `POST /contrats/{id}/diagnostics`: a new diagnostic, or one changed (field `diagnostic`).
pub async fn enregistrer_diagnostic(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Diagnostic).await
}

/// `POST /contrats/{id}/diagnostics/indicateurs`
pub async fn ajouter_indicateur(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Indicateur).await
}

/// `POST /contrats/{id}/diagnostics/retrait`: a diagnostic or one of its indicators.
pub async fn retirer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Retirer).await
}

/// `POST /contrats/{id}/diagnostics/documents` (multipart): a file with its title and date
/// for diagnostic `diagnostic`, deposited in the storage, then attached in one transaction; if
/// that is refused, the file is removed again.
pub async fn deposer_document(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    // The right first, before anything sent is looked at.
    let contrat_id = crate::noyau::identifiant(&id)?;
    let operation = Operation::Modifier;
    contrat::autorise(&state.store, &visiteur.auteur, &contrat_id, &operation).await?;
    let Envoi { saisies, fichier } = document::recevoir(&state, multipart).await?;
    let (id, lue) = preambule(&state, &visiteur, &id, &operation, &saisies).await?;
    champs_admissibles(&saisies).map_err(AppError::BadRequest)?;
    let ecran = (&state, &visiteur, PagePresentation);
    let cible = valeur(&saisies, "diagnostic").to_owned();
    let formulaire = format!("document-{cible}");
    let lu = (|| {
        let diagnostic = diagnostic_nomme(&saisies)?.ok_or_else(|| {
            (
                "fichier",
                "Choisissez le diagnostic du document.".to_owned(),
            )
        })?;
        let fichier = fichier.filter(|f| f.depot.taille() > 0).ok_or_else(|| {
            (
                "fichier",
                "Choisissez le fichier à joindre (il est vide ou absent).".to_owned(),
            )
        })?;
        Ok((diagnostic, fichier, date(&saisies, "date")?))
    })();
    let (diagnostic, fichier, date) = match lu {
        Ok(lu) => lu,
        Err(faute) => return refuser(ecran, &id, &formulaire, faute, saisies).await,
    };
    let cle = Cle::de_diagnostic(id.as_str(), diagnostic, &fichier.nom);
    let (store, auteur, le_contrat) = (&state.store, &visiteur.auteur, &id);
    let titre = (&saisies, date);
    let resultat = document::joindre(&state, (cle, fichier), titre, |piece| async move {
        diagnostic::ajouter_document(store, auteur, le_contrat, lue, diagnostic, &piece).await
    })
    .await?;
    let refus = refus(&formulaire, &format!("{formulaire}-titre"), saisies);
    issue(ecran, &id, resultat, &format!("diagnostic-{cible}"), refus).await
}

/// `GET /contrats/{id}/diagnostics/documents/{document}`: the file, as an attachment, for
/// those who read the whole contract.
pub async fn telecharger_document(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin((id, piece)): Chemin<(String, String)>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    let piece = piece.parse::<i64>().map_err(|_| {
        AppError::NotFound(format!("Aucun document « {piece} » pour ce diagnostic."))
    })?;
    let piece = diagnostic::document(&state.store, &visiteur.auteur, &id, piece).await?;
    document::servir(&state, &piece).await
}

/// The routes of the presentation page and its forms, each with its policy.
pub(crate) fn routes() -> Routes {
    use Politique::*;
    vec![
        route(
            Method::GET,
            "/contrats/{id}/presentation",
            ModifierContrat,
            get(montrer::<PagePresentation>),
        ),
        route(
            Method::POST,
            "/contrats/{id}/presentation",
            ModifierContrat,
            post(presenter),
        ),
        route(
            Method::POST,
            "/contrats/{id}/diagnostics",
            ModifierContrat,
            post(enregistrer_diagnostic),
        ),
        route(
            Method::POST,
            "/contrats/{id}/diagnostics/indicateurs",
            ModifierContrat,
            post(ajouter_indicateur),
        ),
        route(
            Method::POST,
            "/contrats/{id}/diagnostics/retrait",
            ModifierContrat,
            post(retirer),
        ),
        route(
            Method::POST,
            "/contrats/{id}/diagnostics/documents",
            ModifierContrat,
            post(deposer_document),
        ),
        route(
            Method::GET,
            "/contrats/{id}/diagnostics/documents/{document}",
            LireToutLeContrat,
            get(telecharger_document),
        ),
    ]
}
