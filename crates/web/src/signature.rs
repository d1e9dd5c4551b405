//! The signature page of a contract (`/contrats/{id}/signature`), for those who change the
//! whole contract: date and place of signature, the parties (organisations of the shared
//! directory, their roles, who signs for them), the amendments, and the coordinator post with
//! its funding. A refused form comes back with its message beside the field.

use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use pilote_domain::autorisation::Operation;
use pilote_domain::contrat::{
    Coordination, Financement, Partie, Qualificatif, RolePartie, Signature, StatutPoste,
};
use pilote_domain::organisation::{NatureOrganisation, Organisation, Personne};
use pilote_domain::{IdContrat, Periode, Siren};
use pilote_store::StoreError;
use pilote_store::annuaire::{self, Inscrite};
use pilote_store::contrat::signature::{self, Choix, Element};
use pilote_store::contrat::{self, ContratComplet};

use crate::AppState;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::{Chemin, Parametres};
use crate::noyau::page::Entete;
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::saisie::{
    Ecran, Fait, Faute, Formulaire, Refus, Saisies, SurContrat, choisi, coches, date, issue,
    lignes, montant, optionnel, options, refus, refuser, valeur,
};
use crate::noyau::visiteur::Visiteur;

#[derive(Template)]
#[template(path = "signature/signature.html")]
struct Page {
    entete: Entete,
    c: ContratComplet,
    annuaire: Vec<Inscrite>,
    csrf: String,
    /// The section whose save this page confirms.
    fait: Option<String>,
    refus: Refus,
    roles: &'static [RolePartie],
}

impl Page {
    /// The kinds of organisation, none chosen beforehand: a default would mislabel silently
    /// the partner of whoever forgets the field.
    fn choix_natures(&self) -> Vec<(String, String)> {
        options(
            "— Choisir —",
            NatureOrganisation::TOUS,
            NatureOrganisation::code,
            NatureOrganisation::libelle,
        )
    }

    /// The directory, as choices: « Nouvelle organisation » first.
    fn choix_annuaire(&self) -> Vec<(String, String)> {
        let mut choix = vec![(
            String::new(),
            "Nouvelle organisation (saisie ci-dessous)".to_owned(),
        )];
        choix.extend(self.annuaire.iter().map(|i| {
            let siren = i
                .organisation
                .siren
                .as_ref()
                .map(|s| format!(", SIREN {}", s.as_str()));
            (
                i.id.to_string(),
                format!(
                    "{} ({}{})",
                    i.organisation.nom,
                    i.organisation.nature.libelle(),
                    siren.unwrap_or_default()
                ),
            )
        }));
        choix
    }

    fn roles_de(&self, roles: &[RolePartie]) -> String {
        let libelles: Vec<&str> = roles.iter().map(|r| r.libelle()).collect();
        if libelles.is_empty() {
            "rôle non précisé".to_owned()
        } else {
            libelles.join(", ")
        }
    }

    fn signature_date(&self) -> String {
        let signature = self.c.contrat.signature.as_ref();
        signature
            .and_then(|s| s.date)
            .map(|d| d.en_saisie())
            .unwrap_or_default()
    }

    /// Who was present at the signature, one per line, as typed in the form.
    fn signature_presents(&self) -> String {
        let signature = self.c.contrat.signature.as_ref();
        let presents = signature.map(|s| s.presents.as_slice()).unwrap_or_default();
        en_lignes(presents)
    }

    /// Field `nom` of party `p`'s form: as typed if it was refused, as stored otherwise.
    fn representants(&self, p: &Partie) -> String {
        let formulaire = format!("partie-{}", p.id.unwrap_or_default());
        if self.refus.formulaire == formulaire {
            self.refus.saisie(&formulaire, "representants").to_owned()
        } else {
            en_lignes(&p.representants)
        }
    }

    /// Whether role `r` of party `p` is ticked: as typed if its form was refused, as stored
    /// otherwise.
    fn role_de_la_partie(&self, p: &Partie, r: &RolePartie) -> bool {
        let formulaire = format!("partie-{}", p.id.unwrap_or_default());
        if self.refus.formulaire == formulaire {
            self.refus
                .saisie(&formulaire, "roles")
                .lines()
                .any(|l| l == r.code())
        } else {
            p.roles.contains(r)
        }
    }

    /// The message of a form refused for a party the page no longer shows (someone removed it
    /// meanwhile): said at the top of the parties.
    fn refus_sans_formulaire(&self) -> Option<&str> {
        self.refus.sans_formulaire(|f| {
            !f.starts_with("partie-")
                || self
                    .c
                    .contrat
                    .parties
                    .iter()
                    .any(|p| f == format!("partie-{}", p.id.unwrap_or_default()))
        })
    }

    fn signature_lieu(&self) -> String {
        let signature = self.c.contrat.signature.as_ref();
        signature.and_then(|s| s.lieu.clone()).unwrap_or_default()
    }

    /// Field `nom` of the post's form: as typed if it was refused, as stored otherwise.
    fn poste(&self, nom: &str) -> String {
        if self.refus.formulaire == "coordination" {
            return self.refus.saisie("coordination", nom).to_owned();
        }
        let Some(c) = self.coordination() else {
            return String::new();
        };
        let personne = c.personne.as_ref();
        match nom {
            "poste" => Some(c.poste.clone()),
            "personne_nom" => personne.map(|p| p.nom.clone()),
            "personne_fonction" => personne.and_then(|p| p.fonction.clone()),
            "employeur" => c.employeur.clone(),
            "contact" => c.contact.clone(),
            "statut" => c.statut.map(|s| s.code().to_owned()),
            "depuis" => c.depuis.map(|d| d.en_saisie()),
            _ => None,
        }
        .unwrap_or_default()
    }

    fn choix_statuts(&self) -> Vec<(String, String)> {
        options(
            "— Non précisé —",
            StatutPoste::TOUS,
            StatutPoste::code,
            StatutPoste::libelle,
        )
    }

    fn choix_qualificatifs(&self) -> Vec<(String, String)> {
        options(
            "— Non précisée —",
            Qualificatif::TOUS,
            Qualificatif::code,
            |q| match q {
                Qualificatif::PlusDe => "Plus de",
                Qualificatif::Environ => "Environ",
                Qualificatif::JusquA => "Jusqu'à",
            },
        )
    }

    /// Whether role `r` was ticked in the refused form.
    fn role_coche(&self, r: &RolePartie) -> bool {
        self.refus
            .saisie("partie", "roles")
            .lines()
            .any(|l| l == r.code())
    }

    fn coordination(&self) -> Option<&Coordination> {
        self.c.contrat.coordination.as_ref()
    }
}

/// The signature page, where its forms go back.
pub struct PageSignature;

impl Ecran for PageSignature {
    fn chemin(&self, id: &IdContrat) -> String {
        format!("/contrats/{id}/signature")
    }

    async fn afficher(
        &self,
        state: &AppState,
        visiteur: &Visiteur,
        id: &IdContrat,
        refus: Refus,
        statut: StatusCode,
    ) -> Result<Response, AppError> {
        afficher(state, visiteur, id, None, refus, statut).await
    }
}

/// The signature page, with `refus` shown again if a form was refused.
async fn afficher(
    state: &AppState,
    visiteur: &Visiteur,
    id: &IdContrat,
    fait: Option<String>,
    refus: Refus,
    statut: StatusCode,
) -> Result<Response, AppError> {
    contrat::autorise(&state.store, &visiteur.auteur, id, &Operation::Modifier).await?;
    let page = Page {
        entete: visiteur.entete(state),
        c: contrat::lire(&state.store, &visiteur.auteur, id).await?,
        annuaire: annuaire::lister(&state.store).await?,
        csrf: visiteur.csrf.clone(),
        fait,
        refus,
        roles: RolePartie::TOUS,
    };
    Ok((statut, Html(page.render()?)).into_response())
}

/// `GET /contrats/{id}/signature`
pub async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
    Parametres(q): Parametres<Fait>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    afficher(
        &state,
        &visiteur,
        &id,
        q.fait,
        Refus::default(),
        StatusCode::OK,
    )
    .await
}

/// People one per line, « Nom, fonction », as a form shows them.
fn en_lignes(personnes: &[Personne]) -> String {
    personnes
        .iter()
        .map(Personne::en_ligne)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The people listed in field `nom`, one per line: « Nom, fonction ».
fn personnes(s: &Saisies, nom: &str) -> Vec<Personne> {
    lignes(s, nom)
        .iter()
        .filter_map(|l| Personne::lire_ligne(l))
        .collect()
}

/// A person named in fields `{prefixe}_nom` and `{prefixe}_fonction`.
fn personne(s: &Saisies, prefixe: &str) -> Option<Personne> {
    optionnel(s, &format!("{prefixe}_nom")).map(|nom| Personne {
        nom,
        fonction: optionnel(s, &format!("{prefixe}_fonction")),
    })
}

fn choix(s: &Saisies) -> Result<Choix, Faute> {
    match valeur(s, "organisation") {
        "" => {
            let nom = valeur(s, "nom");
            if nom.is_empty() {
                return Err((
                    "nom",
                    "Choisissez une organisation de l'annuaire ou indiquez le nom d'une nouvelle."
                        .to_owned(),
                ));
            }
            let nature = match valeur(s, "nature") {
                "" => {
                    return Err((
                        "nature",
                        format!("Choisissez la nature de « {nom} » (commune, ARS, association…)."),
                    ));
                }
                code => NatureOrganisation::parse(code).map_err(|e| ("nature", phrase(&e)))?,
            };
            let siren = match valeur(s, "siren") {
                "" => None,
                texte => Some(Siren::parse(texte).map_err(|e| ("siren", phrase(&e.to_string())))?),
            };
            Ok(Choix::Nouvelle(Organisation {
                nom: nom.to_owned(),
                nature,
                siren,
            }))
        }
        entree => entree.parse().map(Choix::Annuaire).map_err(|_| {
            (
                "organisation",
                format!("« {entree} » : choisissez dans l'annuaire."),
            )
        }),
    }
}

fn financement(s: &Saisies) -> Result<Financement, Faute> {
    if valeur(s, "financeur").is_empty() {
        return Err(("financeur", "Indiquez le financeur.".to_owned()));
    }
    let montant = montant(s, "montant")?;
    let periode = match valeur(s, "periode") {
        "" => None,
        texte => Some(Periode::parse(texte).map_err(|e| ("periode", phrase(&e.to_string())))?),
    };
    Ok(Financement {
        id: None,
        financeur: valeur(s, "financeur").to_owned(),
        montant,
        qualificatif: choisi(s, "qualificatif", Qualificatif::parse)?,
        periode,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Signer,
    AjouterPartie,
    ModifierPartie,
    AjouterAvenant,
    Coordonner,
    AjouterFinancement,
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
    let ecran = (state, visiteur, PageSignature);
    // The form's name, the field a store refusal is shown beside, the section a save goes
    // back to.
    let partie = format!("partie-{}", valeur(&saisies, "partie"));
    let (formulaire, champ, section) = match action {
        Action::Signer => ("signature", "date", "signature"),
        Action::AjouterPartie => ("partie", "organisation", "parties"),
        Action::ModifierPartie => (partie.as_str(), "roles", partie.as_str()),
        Action::AjouterAvenant => ("avenant", "objet", "avenants"),
        Action::Coordonner => ("coordination", "poste", "coordination"),
        Action::AjouterFinancement => ("financement", "financeur", "financements"),
        Action::Retirer => {
            let section = match valeur(&saisies, "element").split('-').next() {
                Some("partie") => "parties",
                Some("avenant") => "avenants",
                _ => "financements",
            };
            ("retrait", "bouton", section)
        }
    };
    // The fields are read (a fault stops here, `?`), then saved.
    let lu: Result<Result<(), StoreError>, Faute> = async {
        Ok(match action {
            Action::Signer => {
                let signature = Signature {
                    date: date(&saisies, "date")?,
                    lieu: optionnel(&saisies, "lieu"),
                    presents: personnes(&saisies, "presents"),
                };
                signature::signer(store, auteur, &id, lue, &signature).await
            }
            Action::AjouterPartie => {
                let choix = choix(&saisies)?;
                let roles = coches(&saisies, "roles", RolePartie::parse)?;
                let partie = (roles.as_slice(), personnes(&saisies, "representants"));
                signature::ajouter_partie(store, auteur, &id, lue, &choix, partie).await
            }
            Action::ModifierPartie => {
                let roles = coches(&saisies, "roles", RolePartie::parse)?;
                let partie = valeur(&saisies, "partie")
                    .parse::<i64>()
                    .map_err(|_| ("roles", "Partie inconnue : rechargez la page.".to_owned()))?;
                let representants = personnes(&saisies, "representants");
                signature::modifier_partie(store, auteur, &id, lue, partie, &roles, &representants)
                    .await
            }
            Action::AjouterAvenant => {
                let date = date(&saisies, "date")?;
                let objet = valeur(&saisies, "objet");
                signature::ajouter_avenant(store, auteur, &id, lue, date, objet)
                    .await
                    .map(drop)
            }
            Action::Coordonner => {
                let coordination = Coordination {
                    poste: valeur(&saisies, "poste").to_owned(),
                    personne: personne(&saisies, "personne"),
                    employeur: optionnel(&saisies, "employeur"),
                    statut: choisi(&saisies, "statut", StatutPoste::parse)?,
                    depuis: date(&saisies, "depuis")?,
                    contact: optionnel(&saisies, "contact")
                        .map(|c| {
                            Coordination::verifier_contact(&c)
                                .map(|()| c)
                                .map_err(|e| ("contact", phrase(&e)))
                        })
                        .transpose()?,
                    financements: Vec::new(),
                };
                signature::coordonner(store, auteur, &id, lue, &coordination).await
            }
            Action::AjouterFinancement => {
                let f = financement(&saisies)?;
                signature::ajouter_financement(store, auteur, &id, lue, &f).await
            }
            Action::Retirer => match valeur(&saisies, "element").parse::<Element>() {
                Ok(element) => signature::retirer(store, auteur, &id, lue, element).await,
                Err(e) => Err(StoreError::Invalid(e)),
            },
        })
    }
    .await;
    let resultat = match lu {
        Ok(resultat) => resultat,
        Err(faute) => return refuser(ecran, &id, formulaire, faute, saisies).await,
    };
    let refus = refus(formulaire, &format!("{formulaire}-{champ}"), saisies);
    issue(ecran, &id, resultat, section, refus).await
}

/// `POST /contrats/{id}/signature`: date and place.
pub async fn signer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Signer).await
}

/// `POST /contrats/{id}/parties`
pub async fn ajouter_partie(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::AjouterPartie).await
}

/// `POST /contrats/{id}/parties/modification`: the roles and representatives of party
/// `partie` (its identifier), changed in place.
pub async fn modifier_partie(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::ModifierPartie).await
}

/// `POST /contrats/{id}/avenants`
pub async fn ajouter_avenant(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::AjouterAvenant).await
}

/// `POST /contrats/{id}/coordination`
pub async fn coordonner(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Coordonner).await
}

/// `POST /contrats/{id}/financements`
pub async fn ajouter_financement(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::AjouterFinancement).await
}

/// `POST /contrats/{id}/signature/retrait`: a party, an amendment or a funding line.
pub async fn retirer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Retirer).await
}

/// The routes of the signature page and its forms, each with its policy.
pub(crate) fn routes() -> Routes {
    use Politique::*;
    vec![
        route(
            Method::GET,
            "/contrats/{id}/signature",
            ModifierContrat,
            get(page),
        ),
        route(
            Method::POST,
            "/contrats/{id}/signature",
            ModifierContrat,
            post(signer),
        ),
        route(
            Method::POST,
            "/contrats/{id}/parties",
            ModifierContrat,
            post(ajouter_partie),
        ),
        route(
            Method::POST,
            "/contrats/{id}/parties/modification",
            ModifierContrat,
            post(modifier_partie),
        ),
        route(
            Method::POST,
            "/contrats/{id}/avenants",
            ModifierContrat,
            post(ajouter_avenant),
        ),
        route(
            Method::POST,
            "/contrats/{id}/coordination",
            ModifierContrat,
            post(coordonner),
        ),
        route(
            Method::POST,
            "/contrats/{id}/financements",
            ModifierContrat,
            post(ajouter_financement),
        ),
        route(
            Method::POST,
            "/contrats/{id}/signature/retrait",
            ModifierContrat,
            post(retirer),
        ),
    ]
}
