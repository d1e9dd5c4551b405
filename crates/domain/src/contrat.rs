//! The Contrat Local de Santé itself: its generation and lineage, period, status, signature,
//! parties, amendments, coordination, diagnostics, strategy, governance and CLSM.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::autorisation::PorteeContrat;
use crate::clsm::Clsm;
use crate::diagnostic::Diagnostic;
use crate::evaluation::Evaluation;
use crate::gouvernance::Instance;
use crate::organisation::{Organisation, Personne};
use crate::realisation::Realisation;
use crate::referentiel::{Public, Thematique};
use crate::strategie::Axe;
use crate::territoire::Territoire;
use crate::{DatePartielle, ErreurDomaine, IdContrat, Montant, Periode, referentiel};

referentiel! {
    /// The life cycle of a contract.
    StatutContrat, "statut de contrat" {
        EnElaboration = "en-elaboration", "En élaboration";
        Signe = "signe", "Signé";
        EnCours = "en-cours", "En cours";
        EnEvaluation = "en-evaluation", "En évaluation";
        Clos = "clos", "Clos";
    }
}

referentiel! {
    /// What an organisation is to a contract.
    RolePartie, "rôle" {
        Signataire = "signataire", "Signataire";
        Pilote = "pilote", "Pilote";
        CoPilote = "co-pilote", "Co-pilote";
        Financeur = "financeur", "Financeur";
        Partenaire = "partenaire", "Partenaire";
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contrat {
    pub id: IdContrat,
    pub nom: String,
    /// 1 for a first contract, 2 for the one that follows it, and so on.
    pub generation: u8,
    /// Whether the public may read it; unpublished, only its signatories and the ARS do.
    #[serde(default)]
    pub publie: bool,
    /// The contract of the previous generation, when Pilote holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precedent: Option<IdContrat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statut: Option<StatutContrat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub periode: Option<Periode>,
    /// Planned duration, when a text gives it without the years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duree_annees: Option<u8>,
    /// When the work towards the contract started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demarche_lancee: Option<DatePartielle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub presentation: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub priorites: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enjeux: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub publics_prioritaires: Vec<Public>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thematiques: Vec<Thematique>,
    /// The number of fiches-actions the contract announces, when they are not all described.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fiches_actions_annoncees: Option<u16>,
    pub territoire: Territoire,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<Partie>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub avenants: Vec<Avenant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordination: Option<Coordination>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub axes: Vec<Axe>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gouvernance: Vec<Instance>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clsm: Option<Clsm>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evaluations: Vec<Evaluation>,
    /// What the territory gained through the contract.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub realisations: Vec<Realisation>,
    /// Where the facts were taken from, for contracts entered from a public text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<DatePartielle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lieu: Option<String>,
    /// Who was present at the signature without signing (an elected official of a
    /// neighbouring body, the ARS's director…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub presents: Vec<Personne>,
}

/// An organisation taking part in the contract, its roles, and who represents it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Partie {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub organisation: Organisation,
    /// Empty when the text names the organisation without saying its role.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RolePartie>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub representants: Vec<Personne>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Avenant {
    pub numero: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<DatePartielle>,
    pub objet: String,
}

referentiel! {
    /// Where the coordinator post stands.
    StatutPoste, "statut du poste" {
        APourvoir = "a-pourvoir", "À pourvoir";
        Recrutement = "recrutement", "Recrutement lancé";
        Pourvu = "pourvu", "Pourvu";
    }
}

referentiel! {
    /// How exact an amount is, as a contract's text says it.
    Qualificatif, "qualificatif de montant" {
        PlusDe = "plus-de", "plus de";
        Environ = "environ", "environ";
        JusquA = "jusqu-a", "jusqu'à";
    }
}

impl Financement {
    /// « plus de 30 000 € », « 12 000 € », or nothing when the amount is not known.
    pub fn montant_en_toutes_lettres(&self) -> Option<String> {
        let montant = self.montant?.en_euros();
        Some(match self.qualificatif {
            Some(q) => format!("{} {montant}", q.libelle()),
            None => montant,
        })
    }
}

/// The coordinator post (chargé(e) de mission / coordonnateur CLS) and how it is funded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Coordination {
    pub poste: String,
    /// Whether the post is filled, and since when (or when its recruitment started).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statut: Option<StatutPoste>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depuis: Option<DatePartielle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personne: Option<Personne>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employeur: Option<String>,
    /// Where residents and partners write to the coordination: an e-mail address or a web
    /// page (`https://…`), as [`Coordination::verifier_contact`] accepts it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub financements: Vec<Financement>,
}

impl Coordination {
    /// A contact is an e-mail address (`nom@domaine.fr`) or a web address (`https://…`); the
    /// message says which it is not.
    pub fn verifier_contact(contact: &str) -> Result<(), String> {
        let web = contact
            .strip_prefix("https://")
            .or_else(|| contact.strip_prefix("http://"))
            .is_some_and(|reste| reste.contains('.') && !reste.contains(char::is_whitespace));
        let courriel = crate::compte::Email::parse(contact).is_ok();
        if web || courriel {
            Ok(())
        } else {
            Err(format!(
                "contact de la coordination « {contact} » : indiquez une adresse électronique \
                 (coordination@ville.fr) ou l'adresse d'une page web (https://…)"
            ))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Financement {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub financeur: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub montant: Option<Montant>,
    /// How exact the amount is: « plus de 30 000 € », « environ 10 000 € ».
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualificatif: Option<Qualificatif>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub periode: Option<Periode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub titre: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mise_a_jour: Option<DatePartielle>,
}

/// A line of the contracts list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ContratResume {
    pub id: IdContrat,
    pub nom: String,
    pub generation: u8,
    pub publie: bool,
    /// The départements and régions its territory touches.
    pub departements: BTreeSet<String>,
    pub regions: BTreeSet<String>,
    pub statut: Option<StatutContrat>,
    pub periode: Option<Periode>,
    pub population: u64,
    pub communes: u64,
}

impl ContratResume {
    /// What the authorization policy needs of it.
    pub fn portee(&self) -> PorteeContrat {
        PorteeContrat {
            id: self.id.clone(),
            publie: self.publie,
            departements: self.departements.clone(),
            regions: self.regions.clone(),
        }
    }
}

impl Contrat {
    /// A new contract, unpublished, with nothing but its name, generation and territory.
    pub fn nouveau(id: IdContrat, nom: String, generation: u8, territoire: Territoire) -> Self {
        Self {
            id,
            nom,
            generation,
            publie: false,
            precedent: None,
            statut: None,
            periode: None,
            duree_annees: None,
            demarche_lancee: None,
            signature: None,
            presentation: Vec::new(),
            priorites: Vec::new(),
            enjeux: Vec::new(),
            publics_prioritaires: Vec::new(),
            thematiques: Vec::new(),
            fiches_actions_annoncees: None,
            territoire,
            parties: Vec::new(),
            avenants: Vec::new(),
            coordination: None,
            diagnostics: Vec::new(),
            axes: Vec::new(),
            gouvernance: Vec::new(),
            clsm: None,
            evaluations: Vec::new(),
            realisations: Vec::new(),
            source: None,
        }
    }

    /// Every fiche-action, those of the CLSM's axes included, in display order.
    pub fn toutes_les_fiches(&self) -> Vec<&crate::fiche_action::FicheAction> {
        self.axes
            .iter()
            .chain(self.clsm.iter().flat_map(|c| &c.axes))
            .flat_map(Axe::toutes_les_fiches)
            .collect()
    }

    /// What the public may read of a published contract: everything but who wrote the
    /// follow-up notes and the documents (of fiches-actions and diagnostics) not published on
    /// purpose; of those published, not where their files are kept (they are downloaded
    /// through Pilote).
    pub fn projection_publique(mut self) -> Self {
        let projeter_documents = |documents: &mut Vec<crate::fiche_action::Document>| {
            documents.retain(|d| d.publie);
            for document in documents {
                document.reference.clear();
            }
        };
        let mut projeter = |fiche: &mut crate::fiche_action::FicheAction| {
            for note in &mut fiche.notes {
                note.auteur = None;
            }
            projeter_documents(&mut fiche.documents);
        };
        for axe in self
            .axes
            .iter_mut()
            .chain(self.clsm.iter_mut().flat_map(|c| &mut c.axes))
        {
            axe.pour_chaque_fiche(&mut projeter);
        }
        for diagnostic in &mut self.diagnostics {
            projeter_documents(&mut diagnostic.documents);
        }
        self
    }

    /// Checks the rules that span several fields; the error names the contract and the fault.
    pub fn verifier(&self) -> Result<(), ErreurDomaine> {
        let erreur = |raison: String| ErreurDomaine::Contrat {
            contrat: self.id.to_string(),
            raison,
        };
        if self.nom.trim().is_empty() {
            return Err(erreur("le nom est vide".into()));
        }
        crate::champ::verifier_tout(self).map_err(&erreur)?;
        if self.generation == 0 {
            return Err(erreur("la génération commence à 1".into()));
        }
        if self.precedent.as_ref() == Some(&self.id) {
            return Err(erreur(
                "un contrat ne peut pas être son propre précédent".into(),
            ));
        }
        if self.generation == 1 && self.precedent.is_some() {
            return Err(erreur(
                "un contrat de 1re génération n'a pas de précédent".into(),
            ));
        }
        if let (Some(periode), Some(date)) =
            (self.periode, self.signature.as_ref().and_then(|s| s.date))
            && periode.fin().is_some_and(|fin| date.annee() > fin)
        {
            return Err(erreur(format!(
                "la signature ({}) est postérieure à la fin de la période ({periode})",
                date.en_toutes_lettres()
            )));
        }
        if let Some(contact) = self
            .coordination
            .as_ref()
            .and_then(|c| c.contact.as_deref())
        {
            Coordination::verifier_contact(contact).map_err(&erreur)?;
        }
        doublon(self.axes.iter().map(|a| a.numero.to_string()), "axe n°").map_err(&erreur)?;
        if let Some(clsm) = &self.clsm {
            doublon(
                clsm.axes.iter().map(|a| a.numero.to_string()),
                "axe du CLSM n°",
            )
            .map_err(&erreur)?;
        }
        doublon(
            self.avenants.iter().map(|a| a.numero.to_string()),
            "avenant n°",
        )
        .map_err(&erreur)?;
        let fiches = self.toutes_les_fiches();
        doublon(fiches.iter().map(|f| f.numero.clone()), "fiche-action n°").map_err(&erreur)?;
        for fiche in &fiches {
            if fiche.avancement.is_some_and(|a| a > 100) {
                return Err(erreur(format!(
                    "fiche-action n°{} : l'avancement dépasse 100 %",
                    fiche.numero
                )));
            }
            if let (Some(debut), Some(fin)) = (fiche.debut, fiche.fin)
                && fin < debut
            {
                return Err(erreur(format!(
                    "fiche-action n°{} : elle se termine avant de commencer",
                    fiche.numero
                )));
            }
        }
        let numeros: BTreeSet<&str> = fiches.iter().map(|f| f.numero.as_str()).collect();
        let instances = self
            .gouvernance
            .iter()
            .chain(self.clsm.iter().flat_map(|c| &c.instances));
        for decision in instances
            .flat_map(|i| &i.reunions)
            .flat_map(|r| &r.decisions)
        {
            if let Some(inconnue) = decision
                .fiches_actions
                .iter()
                .find(|n| !numeros.contains(n.as_str()))
            {
                return Err(erreur(format!(
                    "la décision « {} » renvoie à la fiche-action n°{inconnue}, qui n'existe pas",
                    decision.texte
                )));
            }
        }
        if let Some(r) = self.realisations.iter().find(|r| {
            r.fiche
                .as_ref()
                .is_some_and(|n| !numeros.contains(n.as_str()))
        }) {
            return Err(erreur(format!(
                "la réalisation « {} » renvoie à la fiche-action n°{}, qui n'existe pas",
                r.titre,
                r.fiche.as_deref().unwrap_or_default()
            )));
        }
        for evaluation in &self.evaluations {
            evaluation.verifier().map_err(&erreur)?;
        }
        Ok(())
    }
}

fn doublon(valeurs: impl Iterator<Item = String>, quoi: &str) -> Result<(), String> {
    let mut vus = BTreeSet::new();
    for valeur in valeurs {
        if !vus.insert(valeur.clone()) {
            return Err(format!("{quoi}{valeur} figure deux fois"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn le_contact_de_la_coordination_est_une_adresse_electronique_ou_web() {
        for bon in [
            "cls@caen.fr",
            "https://caen.fr/sante",
            "http://www.ville.fr",
        ] {
            assert!(Coordination::verifier_contact(bon).is_ok(), "{bon}");
        }
        for mauvais in [
            "écrire en mairie",
            "https://",
            "https://caen fr",
            "ftp://caen.fr",
        ] {
            let e = Coordination::verifier_contact(mauvais).unwrap_err();
            assert!(e.contains(mauvais), "{e}");
        }
    }

    #[test]
    fn le_public_ne_lit_que_les_documents_publies_sans_leur_cle() {
        let document = |titre: &str, publie: bool| crate::fiche_action::Document {
            id: Some(1),
            titre: titre.to_owned(),
            date: None,
            reference: format!("contrats/essai-2020/{titre}.pdf"),
            publie,
        };
        let mut k = contrat();
        k.axes[0].fiches_actions[0].documents =
            vec![document("charte", true), document("note", false)];
        let projete = k.projection_publique();
        let documents = &projete.axes[0].fiches_actions[0].documents;
        assert_eq!(documents.len(), 1);
        assert_eq!(documents[0].titre, "charte");
        assert!(documents[0].reference.is_empty());
    }

    fn contrat() -> Contrat {
        toml::from_str(
            r#"
            id = "essai-2020"
            nom = "CLS d'essai"
            generation = 1
            periode = "2020-2024"
            signature = { date = "2020-06" }
            territoire = { communes = ["14118"] }
            [[axes]]
            numero = 1
            titre = "Accès aux soins"
            [[axes.fiches_actions]]
            numero = "1"
            titre = "Attirer des médecins"
            avancement = 40
            [[gouvernance]]
            nature = "copil"
            nom = "Comité de pilotage"
            [[gouvernance.reunions]]
            date = "2021-03-02"
            decisions = [{ texte = "Lancer l'action", fiches_actions = ["1"] }]
            "#,
        )
        .unwrap()
    }

    #[test]
    fn un_contrat_coherent_passe() {
        contrat().verifier().unwrap();
    }

    #[test]
    fn refuse_deux_fiches_de_meme_numero() {
        let mut c = contrat();
        let copie = c.axes[0].fiches_actions[0].clone();
        c.axes[0].fiches_actions.push(copie);
        let erreur = c.verifier().unwrap_err().to_string();
        assert!(
            erreur.contains("essai-2020") && erreur.contains("fiche-action n°1"),
            "{erreur}"
        );
    }

    #[test]
    fn refuse_une_decision_vers_une_fiche_absente() {
        let mut c = contrat();
        c.gouvernance[0].reunions[0].decisions[0].fiches_actions = vec!["9".into()];
        assert!(c.verifier().unwrap_err().to_string().contains("n°9"));
    }

    #[test]
    fn refuse_une_signature_apres_la_periode_et_un_precedent_en_1re_generation() {
        let mut c = contrat();
        c.signature = Some(Signature {
            date: Some(DatePartielle::parse("2026").unwrap()),
            lieu: None,
            presents: Vec::new(),
        });
        assert!(
            c.verifier()
                .unwrap_err()
                .to_string()
                .contains("postérieure")
        );
        let mut c = contrat();
        c.precedent = Some(IdContrat::parse("autre-2015").unwrap());
        assert!(
            c.verifier()
                .unwrap_err()
                .to_string()
                .contains("1re génération")
        );
    }

    #[test]
    fn refuse_un_avancement_au_dela_de_100() {
        let mut c = contrat();
        c.axes[0].fiches_actions[0].avancement = Some(120);
        assert!(c.verifier().unwrap_err().to_string().contains("100 %"));
    }

    #[test]
    fn un_champ_inconnu_ou_une_periode_inversee_est_refuse_a_la_lecture() {
        let erreur = toml::from_str::<Contrat>(
            "id = \"x-2020\"\nnom = \"x\"\ngeneration = 1\nperiode = \"2024-2020\"\nterritoire = {}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            erreur.contains("2024-2020") && erreur.contains("avant de commencer"),
            "{erreur}"
        );
        let erreur = toml::from_str::<Contrat>(
            "id = \"x-2020\"\nnom = \"x\"\ngeneration = 1\nterritoire = {}\ncouleur = \"bleu\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(erreur.contains("couleur"), "{erreur}");
    }
}
