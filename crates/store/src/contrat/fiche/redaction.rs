//! What a fiche-action says, saved as a whole from its editor: title, context, objectives,
//! description, pilot, partners, publics and themes (from the reference lists), the communes
//! it covers (the whole territory, or some of its communes) and its calendar. Each field that
//! changes is recorded in the contract's history, before → after.

use pilote_domain::champ::LIBELLE_MAX;
use pilote_domain::fiche_action::{FicheAction, Pilote};
use pilote_domain::referentiel::{Public, Thematique};
use pilote_domain::{CodeInsee, DatePartielle, IdContrat};

use crate::contrat::historique::Changement;
use crate::contrat::insertion::inserer_codes;
use crate::contrat::{conclure, lecture, ouvrir_fiche};
use crate::journal::Auteur;
use crate::ligne::to_json;
use crate::{Store, StoreError};

/// What the editor sends: every field of the fiche-action but its follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redaction {
    pub titre: String,
    pub contexte: Option<String>,
    pub objectifs: Vec<String>,
    pub description: Option<String>,
    pub pilote: Option<Pilote>,
    pub partenaires: Vec<String>,
    pub publics: Vec<Public>,
    pub thematiques: Vec<Thematique>,
    /// Empty: the whole territory of the contract.
    pub communes: Vec<CodeInsee>,
    pub debut: Option<DatePartielle>,
    pub fin: Option<DatePartielle>,
}

impl Redaction {
    /// What `fiche` says now.
    fn de(fiche: &FicheAction) -> Redaction {
        Redaction {
            titre: fiche.titre.clone(),
            contexte: fiche.contexte.clone(),
            objectifs: fiche.objectifs.clone(),
            description: fiche.description.clone(),
            pilote: fiche.pilote.clone(),
            partenaires: fiche.partenaires.clone(),
            publics: fiche.publics.clone(),
            thematiques: fiche.thematiques.clone(),
            communes: fiche.communes.clone(),
            debut: fiche.debut,
            fin: fiche.fin,
        }
    }

    /// Each field as the history shows it, by name.
    fn en_clair(&self) -> Vec<(&'static str, Option<String>)> {
        let liste = |v: Vec<String>| Some(v.join(" ; ")).filter(|t| !t.is_empty());
        let libelles = |v: Vec<&str>| liste(v.into_iter().map(str::to_owned).collect());
        vec![
            ("titre", Some(self.titre.clone())),
            ("contexte", self.contexte.clone()),
            ("objectifs", liste(self.objectifs.clone())),
            ("description", self.description.clone()),
            (
                "pilote",
                self.pilote.as_ref().map(|p| {
                    let mut t = p.organisation.clone();
                    if let Some(personne) = &p.personne {
                        t.push_str(&format!(" — {}", personne.nom));
                        if let Some(f) = &personne.fonction {
                            t.push_str(&format!(", {f}"));
                        }
                    }
                    t
                }),
            ),
            ("partenaires", liste(self.partenaires.clone())),
            (
                "publics",
                libelles(self.publics.iter().map(|p| p.libelle()).collect()),
            ),
            (
                "thématiques",
                libelles(self.thematiques.iter().map(|t| t.libelle()).collect()),
            ),
            (
                "communes",
                Some(if self.communes.is_empty() {
                    "tout le territoire".to_owned()
                } else {
                    let codes: Vec<String> =
                        self.communes.iter().map(ToString::to_string).collect();
                    codes.join(", ")
                }),
            ),
            ("début", self.debut.map(|d| d.to_string())),
            ("fin", self.fin.map(|d| d.to_string())),
        ]
    }

    /// The domain's rules: a title, a calendar in order, no commune twice.
    fn verifier(&self) -> Result<(), StoreError> {
        let titre = self.titre.trim();
        if titre.is_empty() {
            return Err(StoreError::Invalid(
                "indiquez le titre de la fiche-action".to_owned(),
            ));
        }
        if titre.chars().count() > LIBELLE_MAX {
            return Err(StoreError::Invalid(format!(
                "le titre de la fiche-action dépasse {LIBELLE_MAX} caractères"
            )));
        }
        if let (Some(debut), Some(fin)) = (self.debut, self.fin)
            && fin < debut
        {
            return Err(StoreError::Invalid(format!(
                "la fin ({fin}) précède le début ({debut})"
            )));
        }
        Ok(())
    }
}

/// Saves what fiche-action `numero` says, based on version `lue`. Communes must belong to the
/// contract's territory.
pub async fn rediger(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    numero: &str,
    lue: i64,
    redaction: &Redaction,
) -> Result<(), StoreError> {
    let (mut tx, fiche) = ouvrir_fiche(store, auteur, id, numero, lue).await?;
    redaction.verifier()?;
    let contrat = lecture::lire(&mut tx, id).await?;
    if let Some(hors) = redaction.communes.iter().find(|code| {
        !contrat
            .territoire_resolu
            .communes
            .iter()
            .any(|c| &c.code == *code)
    }) {
        return Err(StoreError::Invalid(format!(
            "la commune {hors} n'appartient pas au territoire du contrat"
        )));
    }
    let avant = contrat
        .contrat
        .toutes_les_fiches()
        .into_iter()
        .find(|f| f.numero == numero)
        .map(|f| Redaction::de(f).en_clair())
        .unwrap_or_default();
    let changements: Vec<Changement> = avant
        .into_iter()
        .zip(redaction.en_clair())
        .filter_map(|((champ, avant), (_, apres))| {
            Changement::si_different(&format!("fiche-action n°{numero}, {champ}"), avant, apres)
        })
        .collect();
    if changements.is_empty() {
        return conclure(tx, auteur, &[]).await;
    }
    let personne = redaction.pilote.as_ref().and_then(|p| p.personne.as_ref());
    sqlx::query(
        "UPDATE fiche_action SET titre = $1, contexte = $2, objectifs = $3, description = $4,
            pilote_organisation = $5, pilote_nom = $6, pilote_fonction = $7, partenaires = $8,
            debut = $9, fin = $10
         WHERE id = $11",
    )
    .bind(redaction.titre.trim())
    .bind(redaction.contexte.as_deref())
    .bind(to_json(&redaction.objectifs))
    .bind(redaction.description.as_deref())
    .bind(redaction.pilote.as_ref().map(|p| p.organisation.clone()))
    .bind(personne.map(|p| p.nom.clone()))
    .bind(personne.and_then(|p| p.fonction.clone()))
    .bind(to_json(&redaction.partenaires))
    .bind(redaction.debut.map(|d| d.to_string()))
    .bind(redaction.fin.map(|d| d.to_string()))
    .bind(fiche)
    .execute(&mut *tx)
    .await?;
    let codes = |v: Vec<&str>| v.into_iter().map(str::to_owned).collect::<Vec<_>>();
    inserer_codes(
        &mut tx,
        fiche,
        "fiche_public",
        &codes(redaction.publics.iter().map(|p| p.code()).collect()),
    )
    .await?;
    inserer_codes(
        &mut tx,
        fiche,
        "fiche_thematique",
        &codes(redaction.thematiques.iter().map(|t| t.code()).collect()),
    )
    .await?;
    let communes: Vec<String> = redaction.communes.iter().map(ToString::to_string).collect();
    inserer_codes(&mut tx, fiche, "fiche_commune", &communes).await?;
    conclure(tx, auteur, &changements).await
}
