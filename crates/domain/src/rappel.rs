//! Reminders: what a contract asks of its people on a given day. A fiche's pilots are told of
//! a step falling due or missed, and of a target year ending without a measured value; the
//! people of the contract of a meeting some days ahead, with its agenda; the coordination gets
//! the week's digest. Each reminder has a stable reason ([`Rappel::motif`]): the store sends
//! it once per reason and address. Pure: the day and the week's changes are given.

use crate::DatePartielle;
use crate::contrat::{Contrat, StatutContrat};
use crate::fiche_action::FicheAction;
use crate::pilotage::{self, en_retard, jours};

/// A contract's reminders, as its coordination sets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reglage {
    pub actif: bool,
    /// How many days ahead a deadline or a meeting is announced.
    pub jours_avant: u16,
    /// How often a missed deadline is recalled, in days; 0: once.
    pub relance_jours: u16,
    /// Whether the coordination gets the week's digest.
    pub resume_hebdomadaire: bool,
}

impl Reglage {
    /// The bounds of [`Reglage::jours_avant`].
    pub const JOURS_AVANT: (u16, u16) = (1, 60);
    /// The most days between two recalls.
    pub const RELANCE_MAX: u16 = 90;
    /// The recall frequencies the forms offer, in days (0: once).
    pub const RELANCES_PROPOSEES: [u16; 5] = [0, 7, 14, 30, 60];
}

impl Default for Reglage {
    fn default() -> Self {
        Self {
            actif: true,
            jours_avant: 7,
            relance_jours: 14,
            resume_hebdomadaire: true,
        }
    }
}

/// Who a reminder goes to, among the accounts holding a role on the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destinataires {
    /// The pilots of the fiche-action with this number.
    Pilotes(String),
    /// The coordinators.
    Coordination,
    /// Everyone holding a role on the contract: coordinators, partners, pilots.
    Equipe,
}

/// One reminder due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rappel {
    /// Why it is sent, stable from one day to the next (`etape/…/retard`): sent once for it.
    pub motif: String,
    /// For a missed deadline, the days past it: recalled every so many days.
    pub retard: Option<i64>,
    pub destinataires: Destinataires,
    pub sujet: String,
    /// Its paragraphs, plain French.
    pub texte: Vec<String>,
    /// The page to update, from the site's root (`/contrats/…`).
    pub chemin: String,
}

impl Rappel {
    /// The key it is sent under to a person recalled every `relance_jours` days (0: once): the
    /// reason, and for a missed deadline the number of the recall.
    pub fn cle(&self, relance_jours: u16) -> String {
        match self.retard {
            Some(jours) if relance_jours > 0 => {
                format!("{}/{}", self.motif, jours / i64::from(relance_jours))
            }
            _ => self.motif.clone(),
        }
    }

    /// The message's body: the text, the page to update, and how to stop or space them out.
    pub fn corps(&self, contrat: &str, url: &str, desinscription: &str) -> String {
        format!(
            "Bonjour,\n\n{}\n\nPour mettre à jour : {url}{}\n\n-- \nPilote, contrat local de \
             santé « {contrat} ».\nRégler vos rappels : {url}/compte#rappels\nNe plus recevoir de \
             rappels : {url}/rappels/desinscription/{desinscription}\n",
            self.texte.join("\n\n"),
            self.chemin
        )
    }
}

/// What the contract's fiches-actions and meetings call for on `aujourdhui` (a day), as
/// `reglage` sets it; the week's digest aside ([`resume`]). A closed contract, or one whose
/// reminders are off, calls for nothing.
pub fn dus(contrat: &Contrat, aujourdhui: DatePartielle, reglage: &Reglage) -> Vec<Rappel> {
    if !reglage.actif || contrat.statut == Some(StatutContrat::Clos) {
        return Vec::new();
    }
    let jour = jours(aujourdhui);
    let avant = i64::from(reglage.jours_avant);
    let mut rappels = Vec::new();
    for fiche in contrat.toutes_les_fiches() {
        if pilotage::close(fiche.statut) {
            continue;
        }
        etapes(contrat, fiche, jour, avant, &mut rappels);
        cibles(contrat, fiche, jour, avant, &mut rappels);
    }
    reunions(contrat, jour, avant, &mut rappels);
    rappels
}

/// The page of fiche-action `fiche`.
fn page_de_la_fiche(contrat: &Contrat, fiche: &FicheAction) -> String {
    format!("/contrats/{}/fiches/{}", contrat.id, fiche.numero)
}

/// Steps falling due within `avant` days, and steps missed.
fn etapes(
    contrat: &Contrat,
    fiche: &FicheAction,
    jour: i64,
    avant: i64,
    rappels: &mut Vec<Rappel>,
) {
    for etape in fiche.etapes.iter().filter(|e| !e.faite) {
        let Some(echeance) = etape.echeance else {
            continue;
        };
        let dans = jours(echeance) - jour;
        if dans > avant {
            continue;
        }
        let quand = echeance.en_toutes_lettres();
        let nom = etape
            .id
            .map_or_else(|| etape.libelle.clone(), |id| id.to_string());
        let (cas, sujet, phrase) = if dans >= 0 {
            (
                "bientot",
                format!("Échéance proche : fiche-action n°{}", fiche.numero),
                format!(
                    "L'étape « {} » de la fiche-action n°{} « {} » arrive à échéance ({quand}).",
                    etape.libelle, fiche.numero, fiche.titre
                ),
            )
        } else {
            (
                "retard",
                format!("Échéance dépassée : fiche-action n°{}", fiche.numero),
                format!(
                    "L'étape « {} » de la fiche-action n°{} « {} » devait être faite ({quand}).",
                    etape.libelle, fiche.numero, fiche.titre
                ),
            )
        };
        rappels.push(Rappel {
            motif: format!(
                "etape/{}/{}/{nom}/{echeance}/{cas}",
                contrat.id, fiche.numero
            ),
            retard: (dans < 0).then_some(-dans),
            destinataires: Destinataires::Pilotes(fiche.numero.clone()),
            sujet,
            texte: vec![
                phrase,
                "Si elle est faite, cochez-la ; sinon, donnez-lui une nouvelle échéance ou dites \
                 où en est l'action dans une note de suivi."
                    .to_owned(),
            ],
            chemin: page_de_la_fiche(contrat, fiche),
        });
    }
}

/// How long after a target year ends its missing value is still asked for, in days.
const CIBLE_RECLAMEE: i64 = 365;

/// Target years ending within `avant` days, or ended in the last year, with no value measured
/// in the year.
fn cibles(
    contrat: &Contrat,
    fiche: &FicheAction,
    jour: i64,
    avant: i64,
    rappels: &mut Vec<Rappel>,
) {
    for indicateur in &fiche.indicateurs {
        for cible in &indicateur.cibles {
            let Ok(fin) = DatePartielle::jour(cible.annee, 12, 31) else {
                continue;
            };
            let dans = jours(fin) - jour;
            let mesuree = indicateur
                .valeurs
                .iter()
                .any(|m| m.date.annee() == cible.annee);
            if mesuree || dans > avant || dans < -CIBLE_RECLAMEE {
                continue;
            }
            let nom = indicateur
                .id
                .map_or_else(|| indicateur.libelle.clone(), |id| id.to_string());
            rappels.push(Rappel {
                motif: format!(
                    "cible/{}/{}/{nom}/{}",
                    contrat.id, fiche.numero, cible.annee
                ),
                retard: (dans < 0).then_some(-dans),
                destinataires: Destinataires::Pilotes(fiche.numero.clone()),
                sujet: format!("Indicateur à mesurer : fiche-action n°{}", fiche.numero),
                texte: vec![format!(
                    "L'indicateur « {} » de la fiche-action n°{} « {} » vise {} en {} ; aucune \
                     valeur n'est mesurée pour {}. Ajoutez la mesure de l'année.",
                    indicateur.libelle,
                    fiche.numero,
                    fiche.titre,
                    cible.valeur.to_string().replace('.', ","),
                    cible.annee,
                    cible.annee
                )],
                chemin: page_de_la_fiche(contrat, fiche),
            });
        }
    }
}

/// Meetings of a known day within `avant` days, with their agenda.
fn reunions(contrat: &Contrat, jour: i64, avant: i64, rappels: &mut Vec<Rappel>) {
    let instances = contrat
        .gouvernance
        .iter()
        .chain(contrat.clsm.iter().flat_map(|c| &c.instances));
    for instance in instances {
        for reunion in &instance.reunions {
            if reunion.date.complete().is_none() {
                continue;
            }
            let dans = jours(reunion.date) - jour;
            if !(0..=avant).contains(&dans) {
                continue;
            }
            let lieu = reunion
                .lieu
                .as_ref()
                .map(|l| format!(", {l}"))
                .unwrap_or_default();
            let mut texte = vec![format!(
                "{} se réunit le {}{lieu}.",
                instance.nom,
                reunion.date.en_toutes_lettres()
            )];
            if !reunion.ordre_du_jour.is_empty() {
                let points: Vec<String> = reunion
                    .ordre_du_jour
                    .iter()
                    .map(|p| format!("- {p}"))
                    .collect();
                texte.push(format!("Ordre du jour :\n{}", points.join("\n")));
            }
            texte.push(
                "Avant la réunion, mettez à jour les fiches-actions que vous suivez.".to_owned(),
            );
            let nom = instance
                .id
                .map_or_else(|| instance.nom.clone(), |id| id.to_string());
            rappels.push(Rappel {
                motif: format!("reunion/{}/{nom}/{}", contrat.id, reunion.date),
                retard: None,
                destinataires: Destinataires::Equipe,
                sujet: format!(
                    "Réunion le {} : {}",
                    reunion.date.en_toutes_lettres(),
                    instance.nom
                ),
                texte,
                chemin: format!("/contrats/{}/gouvernance", contrat.id),
            });
        }
    }
}

/// One change of the week, as the contract's history keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Modification {
    pub qui: String,
    /// The field changed, in words.
    pub champ: String,
}

/// How many lines a section of the digest lists at most.
const LIGNES_PAR_SECTION: usize = 8;

/// The number of the week `jour` falls in, weeks beginning on Monday.
fn semaine(jour: DatePartielle) -> i64 {
    const UN_LUNDI: (u16, u8, u8) = (2024, 1, 1);
    let lundi = DatePartielle::jour(UN_LUNDI.0, UN_LUNDI.1, UN_LUNDI.2).map_or(0, jours);
    (jours(jour) - lundi).div_euclid(7)
}

/// The coordination's digest for the week of `aujourdhui`: what changed (`semaine`: the
/// week's changes), what is late, what to update before the next meeting. None when reminders
/// or the digest are off, the contract is closed, or there is nothing to say.
pub fn resume(
    contrat: &Contrat,
    aujourdhui: DatePartielle,
    reglage: &Reglage,
    modifications: &[Modification],
) -> Option<Rappel> {
    if !reglage.actif || !reglage.resume_hebdomadaire || contrat.statut == Some(StatutContrat::Clos)
    {
        return None;
    }
    let mut texte = Vec::new();
    if !modifications.is_empty() {
        let mut qui: Vec<&str> = modifications.iter().map(|m| m.qui.as_str()).collect();
        qui.sort_unstable();
        qui.dedup();
        let mut champs: Vec<&str> = modifications.iter().map(|m| m.champ.as_str()).collect();
        champs.sort_unstable();
        champs.dedup();
        texte.push(format!(
            "Cette semaine, {} modification{} par {} :\n{}",
            modifications.len(),
            if modifications.len() > 1 { "s" } else { "" },
            qui.join(", "),
            liste(&champs)
        ));
    }
    let retards = en_retard(contrat, aujourdhui);
    if !retards.is_empty() {
        let lignes: Vec<String> = retards
            .iter()
            .map(|e| format!("{} (prévu : {})", e.quoi, e.date.en_toutes_lettres()))
            .collect();
        texte.push(format!(
            "En retard ({}) :\n{}",
            retards.len(),
            liste(&lignes)
        ));
    }
    let a_jour: Vec<String> = contrat
        .toutes_les_fiches()
        .into_iter()
        .filter_map(|f| {
            let manques = pilotage::a_mettre_a_jour(f, aujourdhui);
            (!manques.is_empty()).then(|| {
                format!(
                    "fiche-action n°{} « {} » : {} point{} à mettre à jour",
                    f.numero,
                    f.titre,
                    manques.len(),
                    if manques.len() > 1 { "s" } else { "" }
                )
            })
        })
        .collect();
    if !a_jour.is_empty() {
        let prochaine = pilotage::prochaines_echeances(contrat, aujourdhui, usize::MAX)
            .into_iter()
            .find(|e| e.fiche.is_none());
        let avant = prochaine.map_or_else(
            || "À mettre à jour".to_owned(),
            |r| {
                format!(
                    "À mettre à jour avant le {} ({})",
                    r.date.en_toutes_lettres(),
                    r.quoi
                )
            },
        );
        texte.push(format!("{avant} :\n{}", liste(&a_jour)));
    }
    if texte.is_empty() {
        return None;
    }
    Some(Rappel {
        motif: format!("resume/{}/semaine-{}", contrat.id, semaine(aujourdhui)),
        retard: None,
        destinataires: Destinataires::Coordination,
        sujet: format!("Le point de la semaine : {}", contrat.nom),
        texte,
        chemin: format!("/contrats/{}/pilotage", contrat.id),
    })
}

/// Lines as a list, the first [`LIGNES_PAR_SECTION`] then how many more.
fn liste<S: AsRef<str>>(lignes: &[S]) -> String {
    let mut texte: Vec<String> = lignes
        .iter()
        .take(LIGNES_PAR_SECTION)
        .map(|l| format!("- {}", l.as_ref()))
        .collect();
    if lignes.len() > LIGNES_PAR_SECTION {
        texte.push(format!(
            "- et {} de plus",
            lignes.len() - LIGNES_PAR_SECTION
        ));
    }
    texte.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contrat() -> Contrat {
        toml::from_str(
            r#"
            id = "caen-2025"
            nom = "CLS de Caen"
            generation = 1
            statut = "en-cours"
            territoire = { communes = ["14118"] }
            [[axes]]
            numero = 1
            titre = "Accès aux soins"
            [[axes.fiches_actions]]
            numero = "1.1"
            titre = "Internes"
            [[axes.fiches_actions.etapes]]
            libelle = "Convention signée"
            echeance = "2025-03-01"
            faite = true
            [[axes.fiches_actions.etapes]]
            libelle = "Logements trouvés"
            echeance = "2025-03-10"
            [[axes.fiches_actions.etapes]]
            libelle = "Accueil"
            echeance = "2025-02-20"
            [[axes.fiches_actions.etapes]]
            libelle = "Bilan"
            echeance = "2025"
            [[axes.fiches_actions.indicateurs]]
            libelle = "Internes accueillis"
            type = "resultat"
            cibles = [{ annee = 2024, valeur = 4.5 }, { annee = 2025, valeur = 6 }]
            valeurs = [{ date = "2025-01", valeur = 2 }]
            [[axes.fiches_actions]]
            numero = "1.2"
            titre = "Maison de santé"
            statut = "realisee"
            [[axes.fiches_actions.etapes]]
            libelle = "Ouverture"
            echeance = "2025-03-05"
            [[gouvernance]]
            nature = "copil"
            nom = "COPIL"
            [[gouvernance.reunions]]
            date = "2025-03-12"
            lieu = "Mairie"
            ordre_du_jour = ["Bilan de l'année", "Budget"]
            [[gouvernance.reunions]]
            date = "2025-03"
            "#,
        )
        .unwrap()
    }

    fn le(annee: u16, mois: u8, jour: u8) -> DatePartielle {
        DatePartielle::jour(annee, mois, jour).unwrap()
    }

    #[test]
    fn les_echeances_proches_et_depassees_vont_aux_pilotes_de_la_fiche() {
        let rappels = dus(&contrat(), le(2025, 3, 5), &Reglage::default());
        let motifs: Vec<&str> = rappels.iter().map(|r| r.motif.as_str()).collect();
        assert_eq!(
            motifs,
            [
                "etape/caen-2025/1.1/Logements trouvés/2025-03-10/bientot",
                "etape/caen-2025/1.1/Accueil/2025-02-20/retard",
                "cible/caen-2025/1.1/Internes accueillis/2024",
                "reunion/caen-2025/COPIL/2025-03-12",
            ],
            "une étape faite, une étape de l'année, une action réalisée, une réunion au mois \
             près et la cible mesurée ne rappellent rien"
        );
        assert_eq!(
            rappels[0].destinataires,
            Destinataires::Pilotes("1.1".into())
        );
        assert_eq!(rappels[0].retard, None);
        assert_eq!(rappels[1].retard, Some(13));
        assert!(rappels[1].texte[0].contains("devait être faite (20 février 2025)"));
        assert_eq!(rappels[1].chemin, "/contrats/caen-2025/fiches/1.1");
        assert!(rappels[2].texte[0].contains("vise 4,5 en 2024"));
        assert_eq!(rappels[3].destinataires, Destinataires::Equipe);
        assert!(rappels[3].texte[1].contains("- Bilan de l'année\n- Budget"));
    }

    #[test]
    fn une_echeance_manquee_est_rappelee_selon_la_relance() {
        let rappels = dus(&contrat(), le(2025, 3, 5), &Reglage::default());
        let retard = &rappels[1];
        assert_eq!(retard.cle(0), retard.motif, "0 : une seule fois");
        assert_eq!(retard.cle(7), format!("{}/1", retard.motif));
        assert_eq!(retard.cle(14), format!("{}/0", retard.motif));
        let plus_tard = dus(&contrat(), le(2025, 3, 7), &Reglage::default());
        assert_eq!(plus_tard[1].cle(7), format!("{}/2", retard.motif));
        assert_eq!(
            rappels[0].cle(7),
            rappels[0].motif,
            "une échéance à venir, une fois"
        );
    }

    #[test]
    fn les_reglages_du_contrat_s_appliquent() {
        let loin = Reglage {
            jours_avant: 1,
            ..Reglage::default()
        };
        assert!(
            dus(&contrat(), le(2025, 3, 5), &loin)
                .iter()
                .all(|r| r.retard.is_some()),
            "à un jour, ni l'étape du 10 ni la réunion du 12"
        );
        let eteint = Reglage {
            actif: false,
            ..Reglage::default()
        };
        assert!(dus(&contrat(), le(2025, 3, 5), &eteint).is_empty());
        assert!(resume(&contrat(), le(2025, 3, 5), &eteint, &[]).is_none());
        let mut clos = contrat();
        clos.statut = Some(StatutContrat::Clos);
        assert!(dus(&clos, le(2025, 3, 5), &Reglage::default()).is_empty());
    }

    #[test]
    fn le_resume_de_la_semaine_dit_ce_qui_a_change_ce_qui_est_en_retard_et_ce_qui_manque() {
        let semaine = [
            Modification {
                qui: "coord@caen.fr".into(),
                champ: "fiche 1.1 : statut".into(),
            },
            Modification {
                qui: "coord@caen.fr".into(),
                champ: "fiche 1.1 : statut".into(),
            },
        ];
        let r = resume(&contrat(), le(2025, 3, 5), &Reglage::default(), &semaine).unwrap();
        assert_eq!(r.destinataires, Destinataires::Coordination);
        assert!(r.texte[0].starts_with(
            "Cette semaine, 2 modifications par coord@caen.fr :\n- fiche 1.1 : statut"
        ));
        assert!(r.texte[1].starts_with("En retard (1) :\n- Étape « Accueil »"));
        assert!(
            r.texte[2]
                .starts_with("À mettre à jour avant le 12 mars 2025 (Réunion : COPIL, Mairie) :")
        );
        // The same week, Wednesday to Sunday, is one digest; the Monday after, another.
        let dimanche = resume(&contrat(), le(2025, 3, 9), &Reglage::default(), &[]).unwrap();
        let lundi = resume(&contrat(), le(2025, 3, 10), &Reglage::default(), &[]).unwrap();
        assert_eq!(r.motif, dimanche.motif);
        assert_ne!(r.motif, lundi.motif);
        let sans = Reglage {
            resume_hebdomadaire: false,
            ..Reglage::default()
        };
        assert!(resume(&contrat(), le(2025, 3, 5), &sans, &semaine).is_none());
    }

    #[test]
    fn le_corps_porte_le_lien_de_la_page_et_celui_de_desinscription() {
        let r = &dus(&contrat(), le(2025, 3, 5), &Reglage::default())[0];
        let corps = r.corps("CLS de Caen", "https://pilote.example", "abc");
        assert!(corps.starts_with("Bonjour,\n\nL'étape « Logements trouvés »"));
        assert!(corps.contains(
            "Pour mettre à jour : https://pilote.example/contrats/caen-2025/fiches/1.1\n"
        ));
        assert!(corps.contains(
            "Ne plus recevoir de rappels : https://pilote.example/rappels/desinscription/abc\n"
        ));
    }
}
