//! What forms share: the contract, the visitor's right and the version read before any input
//! ([`Formulaire`], an extractor), typed field readers (dates, years, numbers, amounts,
//! lines), and the answer — back to the page the form belongs to ([`Ecran`]), or that page
//! again with the message beside the faulty field and everything typed ([`Refus`]).

use std::collections::BTreeMap;
use std::future::Future;

use axum::Form;
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pilote_domain::autorisation::Operation;
use pilote_domain::{DatePartielle, IdContrat, Montant};
use pilote_store::{StoreError, contrat};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::identifiant;
use crate::AppState;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::{Chemin, Parametres};
use crate::noyau::page::rediriger;
use crate::noyau::visiteur::Visiteur;

/// A page forms belong to: where a save goes back to, and what shows again, with the refusal,
/// when one is refused. Each feature describes its own pages.
pub trait Ecran: Send + Sync {
    /// Its address.
    fn chemin(&self, id: &IdContrat) -> String;

    /// The page again, with `refus`.
    fn afficher(
        &self,
        state: &AppState,
        visiteur: &Visiteur,
        id: &IdContrat,
        refus: Refus,
        statut: StatusCode,
    ) -> impl Future<Output = Result<Response, AppError>> + Send;
}

/// What every page of a contract for those who change it whole shows: its header, the
/// contract, the visitor's CSRF token, the section a save went back to, a refused form.
pub struct Cadre {
    pub entete: crate::noyau::page::Entete,
    pub c: contrat::ContratComplet,
    pub csrf: String,
    pub fait: Option<String>,
    pub refus: Refus,
}

/// Page `faire` of contract `id` for who changes it whole, answered with `statut`: the right
/// asked first (a refusal reads nothing), then the contract read.
async fn page_de_gestion<T: askama::Template>(
    (state, visiteur, id): (&AppState, &Visiteur, &IdContrat),
    (fait, refus, statut): (Option<String>, Refus, StatusCode),
    faire: impl AsyncFnOnce(Cadre) -> Result<T, AppError>,
) -> Result<Response, AppError> {
    contrat::autorise(&state.store, &visiteur.auteur, id, &Operation::Modifier).await?;
    let cadre = Cadre {
        entete: visiteur.entete(state),
        c: contrat::lire(&state.store, &visiteur.auteur, id).await?,
        csrf: visiteur.csrf.clone(),
        fait,
        refus,
    };
    let html = faire(cadre).await?.render()?;
    Ok((statut, axum::response::Html(html)).into_response())
}

/// A page of a contract for who changes it whole, made from its [`Cadre`] (and the server's
/// settings): its `GET` ([`montrer`]) and the [`Ecran`] its forms go back to come with it.
pub trait PageDeGestion: Send + Sync + 'static {
    /// Its address under the contract's: `presentation` for `/contrats/{id}/presentation`.
    const CHEMIN: &'static str;
    /// What shows it.
    type Gabarit: askama::Template;

    /// Made from its frame, with what else it reads.
    fn gabarit(
        state: &AppState,
        cadre: Cadre,
    ) -> impl Future<Output = Result<Self::Gabarit, AppError>> + Send;
}

impl<P: PageDeGestion> Ecran for P {
    fn chemin(&self, id: &IdContrat) -> String {
        format!("/contrats/{id}/{}", P::CHEMIN)
    }

    async fn afficher(
        &self,
        state: &AppState,
        visiteur: &Visiteur,
        id: &IdContrat,
        refus: Refus,
        statut: StatusCode,
    ) -> Result<Response, AppError> {
        let contexte = (state, visiteur, id);
        page_de_gestion(contexte, (None, refus, statut), async |c| {
            P::gabarit(state, c).await
        })
        .await
    }
}

/// `GET /contrats/{id}/…`: page `P`, confirming the save `?fait=…` names.
pub async fn montrer<P: PageDeGestion>(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
    Parametres(q): Parametres<Fait>,
) -> Result<Response, AppError> {
    let id = identifiant(&id)?;
    let contexte = (&state, &visiteur, &id);
    let etat = (q.fait, Refus::default(), StatusCode::OK);
    page_de_gestion(contexte, etat, async |c| P::gabarit(&state, c).await).await
}

/// Who may send a form, by what its path names.
pub trait Droit: Sized + Send {
    /// The path's parameters.
    type Chemin: DeserializeOwned + Send;

    /// The contract the path names, and what it names besides.
    fn lire(chemin: Self::Chemin) -> Result<(IdContrat, Self), AppError>;

    /// What the visitor must be allowed to do on the contract.
    fn operation(&self) -> Operation;
}

/// `/contrats/{id}/…`: a change to the whole contract.
pub struct SurContrat;

impl Droit for SurContrat {
    type Chemin = String;

    fn lire(id: String) -> Result<(IdContrat, Self), AppError> {
        Ok((identifiant(&id)?, SurContrat))
    }

    fn operation(&self) -> Operation {
        Operation::Modifier
    }
}

/// `/contrats/{id}/fiches/{numero}/…`: a change to fiche-action `numero`, its pilot's too.
pub struct SurFiche(pub String);

impl Droit for SurFiche {
    type Chemin = (String, String);

    fn lire((id, numero): (String, String)) -> Result<(IdContrat, Self), AppError> {
        Ok((identifiant(&id)?, SurFiche(numero)))
    }

    fn operation(&self) -> Operation {
        Operation::ModifierFiche(self.0.clone())
    }
}

/// A form sent to a page of a contract, read in an order that tells nothing to whoever may
/// not send it: the contract named in the path, the visitor's right on it (checked before any
/// input is looked at), then the fields and the version the form was read at.
pub struct Formulaire<D> {
    pub id: IdContrat,
    /// What the path names besides the contract.
    pub droit: D,
    /// The version the form was read at.
    pub lue: i64,
    pub saisies: Saisies,
}

impl<D: Droit> FromRequest<AppState> for Formulaire<D> {
    type Rejection = AppError;

    async fn from_request(requete: Request, state: &AppState) -> Result<Self, AppError> {
        let (mut parts, corps) = requete.into_parts();
        let visiteur = Visiteur::from_request_parts(&mut parts, state)
            .await
            .unwrap_or_else(|infaillible| match infaillible {});
        let Path(chemin) = Path::<D::Chemin>::from_request_parts(&mut parts, state)
            .await
            .map_err(|_| AppError::NotFound("Adresse illisible.".to_owned()))?;
        let (id, droit) = D::lire(chemin)?;
        contrat::autorise(&state.store, &visiteur.auteur, &id, &droit.operation()).await?;
        let Form(paires) =
            Form::<Vec<(String, String)>>::from_request(Request::from_parts(parts, corps), state)
                .await
                .map_err(|_| {
                    AppError::BadRequest(
                        "Formulaire illisible : renvoyez-le depuis la page.".to_owned(),
                    )
                })?;
        let saisies = saisies_de(paires);
        let lue = version_lue(&saisies)?;
        Ok(Formulaire {
            id,
            droit,
            lue,
            saisies,
        })
    }
}

/// The version a form was read at, from its field `version`.
fn version_lue(saisies: &Saisies) -> Result<i64, AppError> {
    valeur(saisies, "version").parse().map_err(|_| {
        AppError::BadRequest("Version du contrat absente ou illisible : rechargez la page.".into())
    })
}

/// The `?fait=…` of the address a save goes back to: what the page confirms.
#[derive(Deserialize)]
pub struct Fait {
    pub fait: Option<String>,
}

/// A form refused, shown again with its message beside the faulty
/// field and what was typed in every field.
#[derive(Debug, Clone, Default)]
pub struct Refus {
    /// Which form (`axe`, `fiche`, `budget-1.2`…).
    pub formulaire: String,
    /// The faulty field's `id` in the page.
    pub champ: String,
    pub message: String,
    /// What was typed, by field name.
    pub saisies: BTreeMap<String, String>,
}

impl Refus {
    /// The message of field `champ` of form `formulaire` for fiche-action `numero`, if it is the
    /// one at fault.
    pub fn erreur(&self, formulaire: &str, numero: &str, champ: &str) -> Option<&str> {
        (self.champ == format!("{formulaire}-{numero}-{champ}")).then_some(self.message.as_str())
    }

    /// What was typed in field `nom` of form `formulaire` for fiche-action `numero`.
    pub fn saisie_fiche(&self, formulaire: &str, numero: &str, nom: &str) -> &str {
        self.saisie(format!("{formulaire}-{numero}"), nom)
    }

    /// The message of the field whose `id` is `champ`, if it is the one at fault.
    pub fn erreur_de(&self, champ: impl AsRef<str>) -> Option<&str> {
        (self.champ == champ.as_ref()).then_some(self.message.as_str())
    }

    /// The message of a refused form the page does not show (`montre` says which forms it
    /// shows): one for an element someone removed meanwhile, said apart from any field.
    pub fn sans_formulaire(&self, montre: impl Fn(&str) -> bool) -> Option<&str> {
        (!self.message.is_empty() && !montre(&self.formulaire)).then_some(self.message.as_str())
    }

    /// What was typed in field `nom` of form `formulaire` if that form was refused, `actuelle`
    /// (the value stored) otherwise.
    pub fn saisie_ou<'a>(
        &'a self,
        formulaire: impl AsRef<str>,
        nom: &str,
        actuelle: &'a str,
    ) -> &'a str {
        if self.formulaire == formulaire.as_ref() {
            self.saisies.get(nom).map_or("", String::as_str)
        } else {
            actuelle
        }
    }

    /// What was typed in field `nom` of form `formulaire`, if that form was refused.
    pub fn saisie(&self, formulaire: impl AsRef<str>, nom: &str) -> &str {
        if self.formulaire == formulaire.as_ref() {
            self.saisies.get(nom).map_or("", String::as_str)
        } else {
            ""
        }
    }
}

/// A form's fields as typed, by name.
pub type Saisies = BTreeMap<String, String>;

/// A form as sent, the several values of a multiple choice joined by line breaks.
pub fn saisies_de(paires: Vec<(String, String)>) -> Saisies {
    let mut saisies = Saisies::new();
    for (nom, v) in paires {
        saisies
            .entry(nom)
            .and_modify(|deja: &mut String| {
                deja.push('\n');
                deja.push_str(&v);
            })
            .or_insert(v);
    }
    saisies
}

/// The first faulty field of a form (its name) and its message.
pub type Faute = (&'static str, String);

/// A field as typed, trimmed; empty when absent.
pub fn valeur<'a>(saisies: &'a Saisies, nom: &str) -> &'a str {
    saisies.get(nom).map_or("", |v| v.trim())
}

/// What a form read before its right was checked starts with (a file upload, whose body is
/// read first): the contract named in the path, the visitor's right to `operation` on it, and
/// the version the form was read at.
pub async fn preambule(
    state: &AppState,
    visiteur: &Visiteur,
    id: &str,
    operation: &Operation,
    saisies: &Saisies,
) -> Result<(IdContrat, i64), AppError> {
    let id = identifiant(id)?;
    contrat::autorise(&state.store, &visiteur.auteur, &id, operation).await?;
    Ok((id, version_lue(saisies)?))
}

/// The answer to a save from page `ecran`: back to it, at the section the form belongs to
/// (`?fait=section#section`: the page confirms the save there), or the page again with
/// `refus` and the store's message.
pub async fn issue<T>(
    (state, visiteur, ecran): (&AppState, &Visiteur, impl Ecran),
    id: &IdContrat,
    resultat: Result<T, StoreError>,
    section: &str,
    refus: Refus,
) -> Result<Response, AppError> {
    let (statut, message) = match resultat {
        Ok(_) => {
            let chemin = ecran.chemin(id);
            return Ok(rediriger(&format!("{chemin}?fait={section}#{section}"), []));
        }
        Err(StoreError::Invalid(message)) => (StatusCode::BAD_REQUEST, message),
        Err(StoreError::Perime { message, .. } | StoreError::Conflict(message)) => {
            (StatusCode::CONFLICT, message)
        }
        Err(autre) => return Err(autre.into()),
    };
    let refus = Refus {
        message: phrase(&message),
        ..refus
    };
    montrer_refus(
        &ecran,
        id,
        ecran.afficher(state, visiteur, id, refus, statut).await,
    )
}

/// A refused form's page, shown at the address the form was posted to: htmx is told to put
/// the page's own address in the history instead (`HX-Push-Url`), so that reloading it shows
/// the page rather than send the form again.
fn montrer_refus(
    ecran: &impl Ecran,
    id: &IdContrat,
    reponse: Result<Response, AppError>,
) -> Result<Response, AppError> {
    let mut reponse = reponse?;
    if let Ok(adresse) = ecran.chemin(id).parse() {
        reponse.headers_mut().insert("hx-push-url", adresse);
    }
    Ok(reponse)
}

/// What a refusal of form `formulaire` shows: the message beside `champ`, `saisies` kept.
pub fn refus(formulaire: &str, champ: &str, saisies: BTreeMap<String, String>) -> Refus {
    Refus {
        formulaire: formulaire.to_owned(),
        champ: champ.to_owned(),
        message: String::new(),
        saisies,
    }
}

/// The page again, form `formulaire` refused on its field `champ` (named without the form's
/// prefix) for a fault found before anything was saved.
pub async fn refuser(
    (state, visiteur, ecran): (&AppState, &Visiteur, impl Ecran),
    id: &IdContrat,
    formulaire: &str,
    (champ, message): Faute,
    saisies: Saisies,
) -> Result<Response, AppError> {
    let refus = Refus {
        message,
        ..refus(formulaire, &format!("{formulaire}-{champ}"), saisies)
    };
    let reponse = ecran
        .afficher(state, visiteur, id, refus, StatusCode::BAD_REQUEST)
        .await;
    montrer_refus(&ecran, id, reponse)
}

/// Field `nom`, if typed.
pub fn optionnel(saisies: &Saisies, nom: &str) -> Option<String> {
    Some(valeur(saisies, nom).to_owned()).filter(|v| !v.is_empty())
}

/// The choices of a list field (`(code, label)` pairs) from a reference list, `premier` first
/// for « none »: no value is chosen beforehand, so that a forgotten field never mislabels
/// silently.
pub fn options<T>(
    premier: &str,
    valeurs: &[T],
    code: fn(&T) -> &'static str,
    libelle: fn(&T) -> &'static str,
) -> Vec<(String, String)> {
    std::iter::once((String::new(), premier.to_owned()))
        .chain(
            valeurs
                .iter()
                .map(|v| (code(v).to_owned(), libelle(v).to_owned())),
        )
        .collect()
}

/// The value chosen in list `nom`, read with `lire` (a reference list's `parse`); `None` when
/// none is.
pub fn choisi<T>(
    saisies: &Saisies,
    nom: &'static str,
    lire: fn(&str) -> Result<T, String>,
) -> Result<Option<T>, Faute> {
    match valeur(saisies, nom) {
        "" => Ok(None),
        code => lire(code).map(Some).map_err(|e| (nom, phrase(&e))),
    }
}

/// The values ticked in boxes `nom`, each read with `lire`.
pub fn coches<T>(
    saisies: &Saisies,
    nom: &'static str,
    lire: fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, Faute> {
    valeur(saisies, nom)
        .lines()
        .filter(|l| !l.is_empty())
        .map(|c| lire(c).map_err(|e| (nom, phrase(&e))))
        .collect()
}

/// The non-empty lines of field `nom`, trimmed.
pub fn lignes(saisies: &Saisies, nom: &str) -> Vec<String> {
    valeur(saisies, nom)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A date in field `nom`, if typed: `15/03/2022`, `03/2022`, `2022` or `2022-03-15`
/// ([`DatePartielle::lire_saisie`]).
pub fn date(saisies: &Saisies, nom: &'static str) -> Result<Option<DatePartielle>, Faute> {
    match valeur(saisies, nom) {
        "" => Ok(None),
        texte => DatePartielle::lire_saisie(texte)
            .map(Some)
            .map_err(|e| (nom, phrase(&e.to_string()))),
    }
}

/// A year from 1900 to 2200 in field `nom`, if typed.
pub fn annee(saisies: &Saisies, nom: &'static str) -> Result<Option<u16>, Faute> {
    match valeur(saisies, nom) {
        "" => Ok(None),
        texte => texte
            .parse::<u16>()
            .ok()
            .filter(|a| (1900..=2200).contains(a))
            .map(Some)
            .ok_or_else(|| {
                (
                    nom,
                    format!("« {texte} » n'est pas une année (de 1900 à 2200)."),
                )
            }),
    }
}

/// A number in field `nom` (decimal comma and spaces accepted), if typed.
pub fn nombre(saisies: &Saisies, nom: &'static str) -> Result<Option<f64>, Faute> {
    match valeur(saisies, nom) {
        "" => Ok(None),
        texte => texte
            .replace(',', ".")
            .replace([' ', '\u{a0}', '\u{202f}'], "")
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(Some)
            .ok_or_else(|| (nom, format!("« {texte} » n'est pas un nombre."))),
    }
}

/// An amount in euros in field `nom`, if typed.
pub fn montant(saisies: &Saisies, nom: &'static str) -> Result<Option<Montant>, Faute> {
    match valeur(saisies, nom) {
        "" => Ok(None),
        texte => Montant::parse(texte)
            .map(Some)
            .map_err(|e| (nom, phrase(&e.to_string()))),
    }
}
