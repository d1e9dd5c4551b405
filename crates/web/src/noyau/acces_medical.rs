//! The medical accessibility (APL) of the loaded reference data, kept in memory for every
//! page that shows it ([`Calculateur`], in `AppState`): computed in the background when the
//! inputs change — the first page that needs it after a load starts it and says where it
//! stands, the previous result serving meanwhile — and the reference files as last read.

use std::sync::{Arc, Mutex};

use pilote_domain::donnees_de_reference::{JeuDeDonnees, Nature};
use pilote_store::acces_medical::{self, AccesMedical, Etape};
use pilote_store::{Store, StoreError, donnees_de_reference};

/// The APL kept in memory, the computation under way, and the reference files loaded as
/// last read (read again when the counter of changes moves, as every load moves it).
#[derive(Debug, Default)]
pub struct Calculateur {
    etat: Mutex<Etat>,
    jeux: Mutex<Option<(i64, Arc<Vec<JeuDeDonnees>>)>>,
}

#[derive(Debug, Default)]
struct Etat {
    pret: Option<Arc<AccesMedical>>,
    /// The inputs' key being computed, and its step.
    en_cours: Option<(String, Arc<Mutex<Etape>>)>,
    /// The inputs' key whose computation failed, and why.
    echec: Option<(String, String)>,
}

/// Where the APL stands for a page.
pub enum Situation {
    /// The reference data it needs is not loaded.
    Manque(Vec<Nature>),
    /// Being computed; the previous result, if any, meanwhile.
    EnCours {
        etape: Etape,
        precedent: Option<Arc<AccesMedical>>,
    },
    Pret(Arc<AccesMedical>),
    Echec(String),
}

impl Calculateur {
    /// Where the APL of the loaded data stands; starts computing it when nobody has.
    pub async fn situation(self: &Arc<Self>, store: &Store) -> Result<Situation, StoreError> {
        let entrees = match acces_medical::entrees_de(&self.jeux(store).await?) {
            Ok(entrees) => entrees,
            Err(manque) => return Ok(Situation::Manque(manque)),
        };
        let cle = entrees.cle();
        let mut etat = self.etat.lock().expect("état du calcul");
        if let Some(pret) = etat.pret.as_ref().filter(|p| p.entrees.cle() == cle) {
            return Ok(Situation::Pret(Arc::clone(pret)));
        }
        if let Some((_, etape)) = etat.en_cours.as_ref().filter(|(c, _)| *c == cle) {
            return Ok(Situation::EnCours {
                etape: *etape.lock().expect("étape"),
                precedent: etat.pret.clone(),
            });
        }
        if let Some((_, motif)) = etat.echec.as_ref().filter(|(c, _)| *c == cle) {
            return Ok(Situation::Echec(motif.clone()));
        }
        let etape = Arc::new(Mutex::new(Etape::Lecture));
        etat.en_cours = Some((cle.clone(), Arc::clone(&etape)));
        let (calculateur, store) = (Arc::clone(self), store.clone());
        tokio::spawn(async move {
            let suivie = Arc::clone(&etape);
            let issue = acces_medical::calculer(&store, entrees, move |e| {
                *suivie.lock().expect("étape") = e;
            })
            .await;
            let mut etat = calculateur.etat.lock().expect("état du calcul");
            etat.en_cours = None;
            match issue {
                Ok(acces) => {
                    tracing::info!(duree = ?acces.duree, communes = acces.scenario.communes().len(), "APL calculée");
                    etat.pret = Some(Arc::new(acces));
                }
                Err(erreur) => {
                    tracing::error!(%erreur, "calcul de l'APL");
                    etat.echec = Some((cle, erreur.to_string()));
                }
            }
        });
        Ok(Situation::EnCours {
            etape: Etape::Lecture,
            precedent: etat.pret.clone(),
        })
    }
}

impl Calculateur {
    /// The reference files loaded.
    pub async fn jeux(&self, store: &Store) -> Result<Arc<Vec<JeuDeDonnees>>, StoreError> {
        let generation = store.generation().await?;
        if let Some((lue, jeux)) = &*self.jeux.lock().expect("jeux lus")
            && *lue == generation
        {
            return Ok(Arc::clone(jeux));
        }
        let jeux = Arc::new(donnees_de_reference::jeux(store).await?);
        *self.jeux.lock().expect("jeux lus") = Some((generation, Arc::clone(&jeux)));
        Ok(jeux)
    }
}
