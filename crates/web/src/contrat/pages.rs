//! The list of contracts (`/contrats`) and the page of one contract: its public reading, with
//! for those who read it whole its history, the fiches-actions they pilot, and for its
//! coordinators the way to the contract's pilotage (`pilotage`).

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use pilote_domain::DatePartielle;
use pilote_domain::autorisation::{Operation, cree_des_contrats, peut, tient_l_annuaire};
use pilote_domain::contrat::{RolePartie, StatutContrat};
use pilote_domain::fiche_action::{Document, FicheAction, StatutAction};
use pilote_domain::gouvernance::Instance;
use pilote_domain::montant::milliers;
use pilote_store::contrat::{self, ContratComplet, Filtre, Liste, historique};
use serde::Deserialize;

use crate::AppState;
use crate::noyau::aujourdhui;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::{Champs, Chemin, Parametres};
use crate::noyau::liste::{RequeteListe, requete_de};
use crate::noyau::page::{Entete, rediriger};
use crate::noyau::visiteur::Visiteur;

#[derive(Template)]
#[template(path = "contrat/liste.html")]
struct PageListe {
    entete: Entete,
    liste: Liste,
    filtre: Filtre,
    statuts: &'static [StatutContrat],
    /// Whether to offer « Nouveau contrat ».
    creer: bool,
    /// Whether to offer the partners directory's page.
    annuaire: bool,
}

/// What a visitor who reads the whole contract finds beside its reading.
struct Gestion {
    /// Whether they change it whole: the way to its pilotage is offered.
    modifier: bool,
    historique: Vec<historique::Entree>,
    /// The fiches-actions whose progress they may record.
    fiches: Vec<FicheAction>,
}

#[derive(Template)]
#[template(path = "contrat/contrat.html")]
struct Detail {
    entete: Entete,
    c: ContratComplet,
    gestion: Option<Gestion>,
    /// Where the public writes to about the site, when configured.
    contact: Option<String>,
    aujourdhui: DatePartielle,
}

/// A contract's fiches-actions counted by where they stand.
struct Actions {
    toutes: usize,
    en_cours: usize,
    realisees: usize,
}

impl PageListe {
    fn nombre(&self, n: &u64) -> String {
        milliers(*n)
    }

    /// The address of the export of the whole list as `extension`, with the same filters.
    fn lien_export(&self, extension: &str) -> String {
        format!("/export.{extension}?{}", requete_de(&self.filtre, 1))
    }

    /// The address of page `page` of the list, with the same filters.
    fn lien_page(&self, page: usize) -> String {
        format!("/contrats?{}", requete_de(&self.filtre, page))
    }
}

impl Detail {
    fn nombre(&self, n: &u64) -> String {
        milliers(*n)
    }

    /// « Caen (14118) », or the code alone for a commune outside the territory.
    fn nom_commune(&self, code: &pilote_domain::CodeInsee) -> String {
        let communes = &self.c.territoire_resolu.communes;
        match communes.iter().find(|c| &c.code == code) {
            Some(c) => format!("{} ({code})", c.nom),
            None => code.to_string(),
        }
    }

    /// What the contract is, for whom and where, in a sentence: « Contrat local de santé
    /// 2024–2028 pour 21 communes (CU Caen la Mer), 268 422 habitants. »
    fn en_une_phrase(&self) -> String {
        let t = &self.c.territoire_resolu;
        let periode = self
            .c
            .contrat
            .periode
            .map(|p| format!(" {}", p.en_toutes_lettres()))
            .unwrap_or_default();
        let ou = match t.communes.as_slice() {
            [seule] => format!("la commune de {}", seule.nom),
            communes => format!("{} communes", milliers(communes.len() as u64)),
        };
        let epci = if t.epci.is_empty() {
            String::new()
        } else {
            let noms: Vec<&str> = t.epci.iter().map(|e| e.nom.as_str()).collect();
            format!(" ({})", noms.join(", "))
        };
        format!(
            "Contrat local de santé{periode} pour {ou}{epci}, {} habitants.",
            milliers(t.population)
        )
    }

    /// When, where and by whom it was signed, when it says so.
    fn signature(&self) -> Option<String> {
        let k = &self.c.contrat;
        let signataires: Vec<&str> = k
            .parties
            .iter()
            .filter(|p| p.roles.contains(&RolePartie::Signataire))
            .map(|p| p.organisation.nom.as_str())
            .collect();
        let date = k.signature.as_ref().and_then(|s| s.date);
        let lieu = k.signature.as_ref().and_then(|s| s.lieu.as_deref());
        if date.is_none() && signataires.is_empty() {
            return None;
        }
        let mut phrase = "Signé".to_owned();
        if let Some(d) = date {
            phrase.push_str(&format!(" le {}", d.en_toutes_lettres()));
        }
        if let Some(l) = lieu {
            phrase.push_str(&format!(" ({l})"));
        }
        if !signataires.is_empty() {
            phrase.push_str(&format!(" par {}", signataires.join(", ")));
        }
        phrase.push('.');
        Some(phrase)
    }

    fn actions(&self) -> Actions {
        let fiches = self.c.contrat.toutes_les_fiches();
        let avec = |statut| fiches.iter().filter(|f| f.statut == Some(statut)).count();
        Actions {
            toutes: fiches.len(),
            en_cours: avec(StatutAction::EnCours),
            realisees: avec(StatutAction::Realisee),
        }
    }

    /// The last time body `i` met, today included.
    fn derniere_reunion(&self, i: &Instance) -> Option<DatePartielle> {
        i.reunions
            .iter()
            .map(|r| r.date)
            .filter(|d| *d <= self.aujourdhui)
            .max()
    }

    /// The next time body `i` meets, after today.
    fn prochaine_reunion(&self, i: &Instance) -> Option<DatePartielle> {
        i.reunions
            .iter()
            .map(|r| r.date)
            .filter(|d| *d > self.aujourdhui)
            .min()
    }

    /// The documents published on purpose, each with what it belongs to and its kind in its
    /// public address (`fiche`, `diagnostic`): the fiches-actions' in their order, then the
    /// diagnostics'.
    fn documents_publies(&self) -> Vec<(String, &'static str, &Document)> {
        let k = &self.c.contrat;
        let fiches = k.toutes_les_fiches().into_iter().flat_map(|f| {
            f.documents.iter().filter(|d| d.publie).map(move |d| {
                (
                    format!("fiche-action n°{} « {} »", f.numero, f.titre),
                    "fiche",
                    d,
                )
            })
        });
        let diagnostics = k.diagnostics.iter().flat_map(|g| {
            g.documents
                .iter()
                .filter(|d| d.publie)
                .map(move |d| (g.titre.clone(), "diagnostic", d))
        });
        fiches.chain(diagnostics).collect()
    }

    /// The meetings to come of every body, the contract's and its council's, soonest first.
    fn prochaines_reunions(&self) -> Vec<(&str, DatePartielle)> {
        let k = &self.c.contrat;
        let mut reunions: Vec<(&str, DatePartielle)> = k
            .gouvernance
            .iter()
            .chain(k.clsm.iter().flat_map(|c| &c.instances))
            .flat_map(|i| i.reunions.iter().map(move |r| (i.nom.as_str(), r.date)))
            .filter(|(_, d)| *d > self.aujourdhui)
            .collect();
        reunions.sort_by_key(|(_, d)| *d);
        reunions
    }

    fn roles(&self, roles: &[RolePartie]) -> String {
        if roles.is_empty() {
            return "non précisé".to_owned();
        }
        roles
            .iter()
            .map(|r| r.libelle())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `GET /contrats`: the contracts the visitor may read, filtered and paged as the query
/// string says.
pub async fn liste(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Parametres(requete): Parametres<RequeteListe>,
) -> Result<Html<String>, AppError> {
    let filtre = requete
        .filtre()
        .map_err(|e| AppError::BadRequest(phrase(&e)))?;
    let page = PageListe {
        entete: visiteur.entete(&state),
        liste: contrat::chercher(&state.store, &visiteur.auteur, &filtre).await?,
        filtre,
        statuts: StatutContrat::TOUS,
        creer: cree_des_contrats(&visiteur.auteur.acteur),
        annuaire: tient_l_annuaire(&visiteur.auteur.acteur),
    };
    Ok(Html(page.render()?))
}

/// `GET /contrats/{id}`
pub async fn detail(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    let c = contrat::lire(&state.store, &visiteur.auteur, &id).await?;
    let portee = c.portee();
    let acteur = &visiteur.auteur.acteur;
    let gestion = if peut(acteur, &Operation::LireTout, &portee) {
        Some(Gestion {
            modifier: peut(acteur, &Operation::Modifier, &portee),
            historique: contrat::historique(&state.store, &visiteur.auteur, &id).await?,
            fiches: c
                .contrat
                .toutes_les_fiches()
                .into_iter()
                .filter(|f| peut(acteur, &Operation::ModifierFiche(f.numero.clone()), &portee))
                .cloned()
                .collect(),
        })
    } else {
        None
    };
    let page = Detail {
        entete: visiteur.entete(&state),
        c,
        gestion,
        contact: state.editeur.contact.clone(),
        aujourdhui: aujourdhui(),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize)]
pub struct FormPublication {
    publie: Option<String>,
}

/// `POST /contrats/{id}/publication`: `publie=oui` publishes, `publie=non` withdraws.
pub async fn publier(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
    Champs(f): Champs<FormPublication>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    let publie = match f.publie.as_deref() {
        Some("oui") => true,
        Some("non") => false,
        _ => {
            return Err(AppError::BadRequest(
                "Indiquez si le contrat est publié : publie=oui ou publie=non.".to_owned(),
            ));
        }
    };
    contrat::publier(&state.store, &visiteur.auteur, &id, publie).await?;
    Ok(rediriger(
        &format!("/contrats/{id}/pilotage?fait=publication#publication"),
        [],
    ))
}

/// `GET /contrats/{id}/documents/{document}`: a document published on purpose with a
/// published contract (`fiche-12`, `diagnostic-3`: its kind and number), as an attachment, for
/// anyone.
pub async fn document_publie(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin((id, document)): Chemin<(String, String)>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    let quel = match document.split_once('-') {
        Some(("fiche", n)) => n.parse().ok().map(contrat::DocumentPublie::Fiche),
        Some(("diagnostic", n)) => n.parse().ok().map(contrat::DocumentPublie::Diagnostic),
        _ => None,
    }
    .ok_or_else(|| {
        AppError::NotFound(format!(
            "Aucun document « {document} » n'est publié avec ce contrat."
        ))
    })?;
    let piece = contrat::document_publie(&state.store, &visiteur.auteur, &id, quel).await?;
    crate::noyau::document::servir(&state, &piece).await
}
