//! Many people at once, on each backend: simultaneous saves of one form, simultaneous
//! removals of one element, simultaneous additions, readers and writers on one contract at
//! the same time. Every outcome is counted: internal errors, silent overwrites and lost
//! acknowledged writes must all be zero.

use pilote_domain::IdContrat;
use pilote_domain::fiche_action::{FicheAction, Note, StatutAction};
use pilote_store::contrat::fiche::suivi::{self, Element};
use pilote_store::contrat::fiche::{self, Avancement};
use pilote_store::contrat::strategie;
use pilote_store::{Auteur, Store, StoreError, contrat, journal};

/// People acting at the same moment in each round.
const SIMULTANES: usize = 8;

fn admin() -> Auteur {
    Auteur::ligne_de_commande()
}

fn avancement(pourcentage: u8) -> Avancement {
    Avancement {
        statut: Some(StatutAction::EnCours),
        pourcentage: Some(pourcentage),
    }
}

async fn version_fiche(store: &Store, id: &IdContrat, numero: &str) -> i64 {
    fiche::lire(store, &admin(), id, numero)
        .await
        .unwrap()
        .version
}

async fn fiche_lue(store: &Store, id: &IdContrat, numero: &str) -> FicheAction {
    fiche::lire(store, &admin(), id, numero)
        .await
        .unwrap()
        .fiche
}

/// Whether `erreur` is what a person whose save lost the race is told: stale, or a conflict.
fn refus_de_concurrence(erreur: &StoreError) -> bool {
    matches!(erreur, StoreError::Perime { .. } | StoreError::Conflict(_))
}

/// Several people save the same form, read at the same version, at the same moment: exactly
/// one save is kept, the others are told it changed, and the history's « before » is the
/// value each winner replaced.
pub async fn des_enregistrements_simultanes_n_en_gardent_qu_un(store: &Store, id: &IdContrat) {
    let mut precedent = fiche_lue(store, id, "1.1").await.avancement;
    for tour in 0..5u8 {
        let lue = version_fiche(store, id, "1.1").await;
        let taches: Vec<_> = (0..SIMULTANES as u8)
            .map(|k| {
                let (store, id) = (store.clone(), id.clone());
                let pourcentage = tour * 10 + k;
                tokio::spawn(async move {
                    let issue =
                        fiche::avancer(&store, &admin(), &id, "1.1", lue, avancement(pourcentage))
                            .await;
                    (pourcentage, issue)
                })
            })
            .collect();
        let mut gagnants = Vec::new();
        for tache in taches {
            let (pourcentage, issue) = tache.await.unwrap();
            match issue {
                Ok(()) => gagnants.push(pourcentage),
                Err(e) if refus_de_concurrence(&e) => {}
                Err(e) => panic!("erreur interne sous concurrence : {e:?}"),
            }
        }
        assert_eq!(
            gagnants.len(),
            1,
            "un seul enregistrement gardé : {gagnants:?}"
        );
        let garde = fiche_lue(store, id, "1.1").await.avancement;
        assert_eq!(garde, Some(gagnants[0]), "pas d'écrasement silencieux");
        let historique = contrat::historique(store, &admin(), id).await.unwrap();
        let derniere = historique
            .iter()
            .find(|e| e.changement.champ == "fiche-action n°1.1, avancement")
            .unwrap();
        assert_eq!(
            derniere.changement.avant,
            precedent.map(|p| format!("{p} %")),
            "l'historique dit ce qui a été remplacé"
        );
        precedent = garde;
    }
}

/// Several people remove « note 1 » at the same moment: one note goes, not several.
pub async fn des_retraits_simultanes_ne_retirent_qu_un_element(store: &Store, id: &IdContrat) {
    for texte in ["première", "deuxième", "troisième"] {
        let lue = version_fiche(store, id, "1.1").await;
        let note = Note {
            id: None,
            date: "2025-01-01".parse().unwrap(),
            texte: texte.to_owned(),
            auteur: None,
        };
        suivi::ajouter_note(store, &admin(), (id, "1.1"), lue, &note)
            .await
            .unwrap();
    }
    let notes = fiche_lue(store, id, "1.1").await.notes;
    let (avant, premiere) = (
        notes.len(),
        notes[0].id.expect("une note lue a son identifiant"),
    );
    let lue = version_fiche(store, id, "1.1").await;
    let taches: Vec<_> = (0..SIMULTANES)
        .map(|_| {
            let (store, id) = (store.clone(), id.clone());
            tokio::spawn(async move {
                suivi::retirer(&store, &admin(), (&id, "1.1"), lue, Element::Note(premiere)).await
            })
        })
        .collect();
    let mut retraits = 0;
    for tache in taches {
        match tache.await.unwrap() {
            Ok(_) => retraits += 1,
            Err(e) if refus_de_concurrence(&e) => {}
            Err(e) => panic!("erreur interne sous concurrence : {e:?}"),
        }
    }
    assert_eq!(retraits, 1);
    let restantes = fiche_lue(store, id, "1.1").await.notes;
    assert_eq!(restantes.len(), avant - 1);
    assert!(
        restantes.iter().all(|n| n.id != Some(premiere)),
        "la note retirée est celle qui était désignée"
    );
}

/// Several people add a note to one action at the same moment, each trying again when told
/// the fiche changed: every note is there, none twice, no internal error.
pub async fn des_ajouts_simultanes_sont_tous_gardes(store: &Store, id: &IdContrat) {
    let avant = fiche_lue(store, id, "1.1").await.notes.len();
    let taches: Vec<_> = (0..SIMULTANES)
        .map(|k| {
            let (store, id) = (store.clone(), id.clone());
            tokio::spawn(async move {
                let note = Note {
                    id: None,
                    date: "2025-02-01".parse().unwrap(),
                    texte: format!("note simultanée {k}"),
                    auteur: None,
                };
                for _ in 0..50 {
                    let lue = version_fiche(&store, &id, "1.1").await;
                    match suivi::ajouter_note(&store, &admin(), (&id, "1.1"), lue, &note).await {
                        Ok(()) => return,
                        Err(e) if refus_de_concurrence(&e) => continue,
                        Err(e) => panic!("erreur interne sous concurrence : {e:?}"),
                    }
                }
                panic!("la note {k} n'a jamais pu être enregistrée");
            })
        })
        .collect();
    for tache in taches {
        tache.await.unwrap();
    }
    let notes = fiche_lue(store, id, "1.1").await.notes;
    assert_eq!(notes.len(), avant + SIMULTANES);
    for k in 0..SIMULTANES {
        let texte = format!("note simultanée {k}");
        assert_eq!(notes.iter().filter(|n| n.texte == texte).count(), 1);
    }
}

/// Readers of an unpublished contract and writers of its actions at the same time: no read
/// fails, every acknowledged write is kept, a save on one action never makes another's form
/// stale, and every read is in the journal.
pub async fn lecteurs_et_ecrivains_en_meme_temps(store: &Store, id: &IdContrat, numeros: &[&str]) {
    const LECTURES: usize = 30;
    const ECRITURES: u8 = 10;
    let journal_avant = journal::dernieres(store, 100_000).await.unwrap().len();
    let lecteurs: Vec<_> = (0..4)
        .map(|_| {
            let (store, id) = (store.clone(), id.clone());
            tokio::spawn(async move {
                for _ in 0..LECTURES {
                    contrat::lire(&store, &admin(), &id).await.unwrap();
                }
            })
        })
        .collect();
    let ecrivains: Vec<_> = numeros
        .iter()
        .map(|numero| {
            let (store, id, numero) = (store.clone(), id.clone(), (*numero).to_owned());
            tokio::spawn(async move {
                let mut lue = version_fiche(&store, &id, &numero).await;
                for k in 1..=ECRITURES {
                    // The version read once per save, never refreshed by the others' saves.
                    fiche::avancer(&store, &admin(), &id, &numero, lue, avancement(k))
                        .await
                        .unwrap_or_else(|e| panic!("fiche {numero}, écriture {k} : {e:?}"));
                    lue += 1;
                }
            })
        })
        .collect();
    for tache in lecteurs.into_iter().chain(ecrivains) {
        tache.await.unwrap();
    }
    for numero in numeros {
        assert_eq!(
            fiche_lue(store, id, numero).await.avancement,
            Some(ECRITURES)
        );
    }
    // The readers' reads, each writer's first one and this check's, and nothing lost.
    let lectures = 4 * LECTURES + 2 * numeros.len();
    let entrees = journal::dernieres(store, 100_000).await.unwrap();
    let nouvelles_lectures = entrees[..entrees.len() - journal_avant]
        .iter()
        .filter(|e| e.action == "lecture")
        .count();
    assert_eq!(
        nouvelles_lectures, lectures,
        "chaque lecture est au journal"
    );
}

/// A form opened on fiche-action 1.1 is refused once that number names another fiche: the
/// first removed, the second renumbered 1.1 in its place.
pub async fn un_numero_repris_ne_recoit_pas_l_enregistrement_de_l_ancienne(
    store: &Store,
    id: &IdContrat,
) {
    let lue = version_fiche(store, id, "1.1").await;
    fiche::avancer(store, &admin(), id, "1.1", lue, avancement(10))
        .await
        .unwrap();
    let ouverte = version_fiche(store, id, "1.1").await;
    let version = |store: &Store| {
        let (store, id) = (store.clone(), id.clone());
        async move { contrat::lire(&store, &admin(), &id).await.unwrap().version }
    };
    strategie::supprimer(
        store,
        &admin(),
        id,
        version(store).await,
        strategie::Element::Fiche(fiche_lue(store, id, "1.1").await.id.unwrap()),
    )
    .await
    .unwrap();
    strategie::ordre::renumeroter(store, &admin(), id, version(store).await)
        .await
        .unwrap();
    let erreur = fiche::avancer(store, &admin(), id, "1.1", ouverte, avancement(99))
        .await
        .unwrap_err();
    assert!(matches!(erreur, StoreError::Perime { .. }), "{erreur:?}");
    assert_ne!(fiche_lue(store, id, "1.1").await.avancement, Some(99));
}
