//! What binds the contract's partners: its signature (date and place), the parties (each
//! organisation from the shared directory, with its roles and who represents it), the
//! amendments, and the coordinator post with its funding. Each save is one transaction based
//! on the version read, recorded in the history.

use pilote_domain::contrat::{
    Coordination, Financement, Partie, RolePartie, Signature, StatutPoste,
};
use pilote_domain::organisation::{Organisation, Personne};
use pilote_domain::{DatePartielle, IdContrat};

use super::historique::Changement;
use super::insertion::{inserer_partie, inserer_representants};
use super::{conclure, ouvrir};
use crate::annuaire;
use crate::journal::Auteur;
use crate::ligne::{json, opt_code, opt_parse, opt_text, text, to_json};
use crate::{Store, StoreError};

/// The people of a list, one per line, for the history.
fn en_lignes(personnes: &[Personne]) -> Option<String> {
    (!personnes.is_empty()).then(|| {
        personnes
            .iter()
            .map(Personne::en_ligne)
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// Records the date and place of signature (both empty: not signed yet) and who was present.
pub async fn signer(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    signature: &Signature,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let lieu = signature
        .lieu
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty());
    let avant = sqlx::query(
        "SELECT signature_date, signature_lieu, signature_presents FROM contrat WHERE id = $1",
    )
    .bind(id.as_str())
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE contrat SET signature_date = $1, signature_lieu = $2, signature_presents = $3
         WHERE id = $4",
    )
    .bind(signature.date.map(|d| d.to_string()))
    .bind(lieu)
    .bind(to_json(&signature.presents))
    .bind(id.as_str())
    .execute(&mut *tx)
    .await?;
    let presents_avant: Vec<Personne> = json(&avant, "signature_presents")?;
    let changements: Vec<Changement> = [
        Changement::si_different(
            "date de signature",
            opt_text(&avant, "signature_date")?,
            signature.date.map(|d| d.to_string()),
        ),
        Changement::si_different(
            "lieu de signature",
            opt_text(&avant, "signature_lieu")?,
            lieu.map(str::to_owned),
        ),
        Changement::si_different(
            "présents à la signature",
            en_lignes(&presents_avant),
            en_lignes(&signature.presents),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    conclure(tx, auteur, &changements).await
}

/// The organisation of a new party: an entry of the directory, or one to enter there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choix {
    Annuaire(i64),
    Nouvelle(Organisation),
}

/// Adds a party after the others: an organisation of the directory (or a new one, entered
/// there), its roles and its representatives. An organisation is a party once.
pub async fn ajouter_partie(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    choix: &Choix,
    partie: (&[RolePartie], Vec<Personne>),
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let organisation = match choix {
        Choix::Annuaire(entree) => annuaire::organisation(&mut tx, *entree).await?,
        Choix::Nouvelle(o) => o.clone(),
    };
    let (roles, representants) = partie;
    let inscrite = annuaire::inscrire(&mut tx, &organisation).await?;
    let organisation = annuaire::organisation(&mut tx, inscrite).await?;
    let deja: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM partie WHERE contrat_id = $1 AND organisation_id = $2")
            .bind(id.as_str())
            .bind(inscrite)
            .fetch_optional(&mut *tx)
            .await?;
    if deja.is_some() {
        return Err(StoreError::Invalid(format!(
            "« {} » est déjà partie au contrat",
            organisation.nom
        )));
    }
    let rang: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(rang), -1) + 1 FROM partie WHERE contrat_id = $1")
            .bind(id.as_str())
            .fetch_one(&mut *tx)
            .await?;
    let partie = Partie {
        id: None,
        organisation,
        roles: roles.to_vec(),
        representants,
    };
    inserer_partie(&mut tx, id.as_str(), rang, &partie).await?;
    let apres = format!(
        "{} ({})",
        partie.organisation.nom,
        partie_en_clair(&partie.roles, &partie.representants)
    );
    let changement = Changement {
        champ: "partie".to_owned(),
        avant: None,
        apres: Some(apres),
    };
    conclure(tx, auteur, &[changement]).await
}

/// A party's roles and representatives, for the history.
fn partie_en_clair(roles: &[RolePartie], representants: &[Personne]) -> String {
    let roles: Vec<&str> = roles.iter().map(|r| r.libelle()).collect();
    let mut texte = if roles.is_empty() {
        "rôle non précisé".to_owned()
    } else {
        roles.join(", ")
    };
    for p in representants {
        texte.push_str(&format!(" — {}", p.en_ligne()));
    }
    texte
}

/// Changes in place the roles and representatives of party `partie` (its identifier).
pub async fn modifier_partie(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    partie: i64,
    roles: &[RolePartie],
    representants: &[Personne],
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let r = sqlx::query(
        "SELECT p.roles, o.nom FROM partie p JOIN organisation o ON o.id = p.organisation_id
         WHERE p.id = $1 AND p.contrat_id = $2",
    )
    .bind(partie)
    .bind(id.as_str())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| super::absent("partie", partie))?;
    let roles_avant: Vec<RolePartie> = json(&r, "roles")?;
    let representants_avant: Vec<Personne> =
        sqlx::query("SELECT nom, fonction FROM representant WHERE partie_id = $1 ORDER BY rang")
            .bind(partie)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|l| {
                Ok(Personne {
                    nom: text(l, "nom")?,
                    fonction: opt_text(l, "fonction")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
    let changements: Vec<Changement> = Changement::si_different(
        &format!("partie « {} »", text(&r, "nom")?),
        Some(partie_en_clair(&roles_avant, &representants_avant)),
        Some(partie_en_clair(roles, representants)),
    )
    .into_iter()
    .collect();
    if !changements.is_empty() {
        sqlx::query("UPDATE partie SET roles = $1 WHERE id = $2")
            .bind(to_json(&roles))
            .bind(partie)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM representant WHERE partie_id = $1")
            .bind(partie)
            .execute(&mut *tx)
            .await?;
        inserer_representants(&mut tx, partie, representants).await?;
    }
    conclure(tx, auteur, &changements).await
}

/// Adds an amendment, numbered after the others; returns its number.
pub async fn ajouter_avenant(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    date: Option<DatePartielle>,
    objet: &str,
) -> Result<i64, StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let objet = objet.trim();
    if objet.is_empty() {
        return Err(StoreError::Invalid(
            "indiquez l'objet de l'avenant".to_owned(),
        ));
    }
    let numero: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(numero), 0) + 1 FROM avenant WHERE contrat_id = $1",
    )
    .bind(id.as_str())
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO avenant (contrat_id, numero, date, objet) VALUES ($1, $2, $3, $4)")
        .bind(id.as_str())
        .bind(numero)
        .bind(date.map(|d| d.to_string()))
        .bind(objet)
        .execute(&mut *tx)
        .await?;
    let quand = date.map(|d| format!(" ({d})")).unwrap_or_default();
    let changement = Changement {
        champ: format!("avenant n°{numero}"),
        avant: None,
        apres: Some(format!("{objet}{quand}")),
    };
    conclure(tx, auteur, &[changement]).await?;
    Ok(numero)
}

/// How the history shows the coordinator post.
fn poste_en_clair(c: &Coordination) -> String {
    let mut texte = c.poste.clone();
    if let Some(p) = &c.personne {
        texte.push_str(&format!(" — {}", p.nom));
        if let Some(f) = &p.fonction {
            texte.push_str(&format!(", {f}"));
        }
    }
    if let Some(e) = &c.employeur {
        texte.push_str(&format!(" (employeur : {e})"));
    }
    if let Some(contact) = &c.contact {
        texte.push_str(&format!(" ; contact : {contact}"));
    }
    if let Some(s) = c.statut {
        texte.push_str(&format!(" ; {}", s.libelle().to_lowercase()));
        if let Some(d) = c.depuis {
            texte.push_str(&format!(" ({})", d.en_toutes_lettres()));
        }
    }
    texte
}

/// Describes the coordinator post (its funding is kept).
pub async fn coordonner(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    coordination: &Coordination,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    if coordination.poste.trim().is_empty() {
        return Err(StoreError::Invalid(
            "indiquez l'intitulé du poste de coordination".to_owned(),
        ));
    }
    if let Some(contact) = &coordination.contact {
        Coordination::verifier_contact(contact).map_err(StoreError::Invalid)?;
    }
    let avant = sqlx::query(
        "SELECT poste, personne_nom, personne_fonction, employeur, statut, depuis, contact
         FROM coordination WHERE contrat_id = $1",
    )
    .bind(id.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let avant = match &avant {
        Some(r) => Some(poste_en_clair(&Coordination {
            poste: text(r, "poste")?,
            personne: opt_text(r, "personne_nom")?.map(|nom| Personne {
                nom,
                fonction: opt_text(r, "personne_fonction").ok().flatten(),
            }),
            employeur: opt_text(r, "employeur")?,
            statut: opt_code(r, "statut", StatutPoste::parse)?,
            depuis: opt_parse(r, "depuis")?,
            contact: opt_text(r, "contact")?,
            financements: Vec::new(),
        })),
        None => None,
    };
    let personne = coordination.personne.as_ref();
    let requete = if avant.is_some() {
        "UPDATE coordination SET poste = $2, personne_nom = $3, personne_fonction = $4,
             employeur = $5, statut = $6, depuis = $7, contact = $8 WHERE contrat_id = $1"
    } else {
        "INSERT INTO coordination (contrat_id, poste, personne_nom, personne_fonction, employeur,
             statut, depuis, contact)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    };
    sqlx::query(requete)
        .bind(id.as_str())
        .bind(coordination.poste.trim())
        .bind(personne.map(|p| p.nom.clone()))
        .bind(personne.and_then(|p| p.fonction.clone()))
        .bind(coordination.employeur.as_deref())
        .bind(coordination.statut.map(|s| s.code()))
        .bind(coordination.depuis.map(|d| d.to_string()))
        .bind(coordination.contact.as_deref())
        .execute(&mut *tx)
        .await?;
    let changements: Vec<Changement> = Changement::si_different(
        "poste de coordination",
        avant,
        Some(poste_en_clair(coordination)),
    )
    .into_iter()
    .collect();
    conclure(tx, auteur, &changements).await
}

/// Adds a funding line of the coordinator post, which must be described first.
pub async fn ajouter_financement(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    financement: &Financement,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    if financement.financeur.trim().is_empty() {
        return Err(StoreError::Invalid("indiquez le financeur".to_owned()));
    }
    let poste: Option<String> =
        sqlx::query_scalar("SELECT poste FROM coordination WHERE contrat_id = $1")
            .bind(id.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    if poste.is_none() {
        return Err(StoreError::Invalid(
            "décrivez d'abord le poste de coordination".to_owned(),
        ));
    }
    let rang: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(rang), -1) + 1 FROM financement_coordination WHERE contrat_id = $1",
    )
    .bind(id.as_str())
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO financement_coordination
            (contrat_id, rang, financeur, montant_centimes, qualificatif, periode_debut,
             periode_fin)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.as_str())
    .bind(rang)
    .bind(financement.financeur.trim())
    .bind(financement.montant.map(|m| m.centimes()))
    .bind(financement.qualificatif.map(|q| q.code()))
    .bind(financement.periode.map(|p| i64::from(p.debut())))
    .bind(financement.periode.and_then(|p| p.fin()).map(i64::from))
    .execute(&mut *tx)
    .await?;
    let mut apres = financement.financeur.trim().to_owned();
    if let Some(m) = financement.montant_en_toutes_lettres() {
        apres.push_str(&format!(", {m}"));
    }
    if let Some(p) = financement.periode {
        apres.push_str(&format!(", {}", p.en_toutes_lettres()));
    }
    let changement = Changement {
        champ: "financement de la coordination".to_owned(),
        avant: None,
        apres: Some(apres),
    };
    conclure(tx, auteur, &[changement]).await
}

/// What may be removed from the signature page, by identifier (an amendment by its number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    Partie(i64),
    /// By its number, which is its identity in the contract.
    Avenant(i64),
    Financement(i64),
}

impl std::str::FromStr for Element {
    type Err = String;

    /// `partie-12`, `avenant-1`, `financement-7`.
    fn from_str(texte: &str) -> Result<Self, Self::Err> {
        let erreur = || format!("élément « {texte} » inconnu");
        match crate::contrat::designation(texte).ok_or_else(erreur)? {
            ("partie", n) => Ok(Element::Partie(n)),
            ("avenant", n) => Ok(Element::Avenant(n)),
            ("financement", n) => Ok(Element::Financement(n)),
            _ => Err(erreur()),
        }
    }
}

/// Removes a party (the directory keeps its organisation), an amendment or a funding line.
pub async fn retirer(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    element: Element,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let (table, cle, resume, champ, valeur) = match element {
        Element::Partie(p) => (
            "partie",
            "id",
            "(SELECT nom FROM organisation o WHERE o.id = t.organisation_id)",
            "partie".to_owned(),
            p,
        ),
        Element::Avenant(n) => ("avenant", "numero", "t.objet", format!("avenant n°{n}"), n),
        Element::Financement(f) => (
            "financement_coordination",
            "id",
            "t.financeur",
            "financement de la coordination".to_owned(),
            f,
        ),
    };
    let avant: String = sqlx::query_scalar(&format!(
        "SELECT {resume} FROM {table} t WHERE t.contrat_id = $1 AND t.{cle} = $2"
    ))
    .bind(id.as_str())
    .bind(valeur)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        StoreError::Invalid(format!(
            "le contrat n'a pas cet élément ({champ} n°{valeur})"
        ))
    })?;
    sqlx::query(&format!(
        "DELETE FROM {table} WHERE contrat_id = $1 AND {cle} = $2"
    ))
    .bind(id.as_str())
    .bind(valeur)
    .execute(&mut *tx)
    .await?;
    let changement = Changement {
        champ,
        avant: Some(avant),
        apres: None,
    };
    conclure(tx, auteur, &[changement]).await
}
