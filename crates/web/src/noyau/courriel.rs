//! Sending e-mail (invitations) through one interface: SMTP for deployments, a folder of `.eml`
//! files or the console for local use and tests.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// One e-mail to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Courriel {
    pub a: String,
    pub sujet: String,
    pub corps: String,
}

/// The delivery under way; its error, in French, says why the message could not be handed over.
pub type Envoi<'a> = std::pin::Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Something that delivers e-mail.
pub trait Expediteur: Send + Sync + std::fmt::Debug {
    fn envoyer(&self, courriel: Courriel) -> Envoi<'_>;
}

/// Builds the RFC 5322 message.
fn message(de: &Mailbox, courriel: &Courriel) -> Result<Message, String> {
    let a: Mailbox = courriel
        .a
        .parse()
        .map_err(|e| format!("adresse de destination invalide « {} » : {e}", courriel.a))?;
    Message::builder()
        .from(de.clone())
        .to(a)
        .subject(&courriel.sujet)
        .body(courriel.corps.clone())
        .map_err(|e| format!("courriel impossible à composer : {e}"))
}

/// Delivery through an SMTP server, configured by a URL such as
/// `smtps://utilisateur:motdepasse@smtp.example.fr` (implicit TLS), `smtp://hôte:587?tls=required`
/// (STARTTLS) or `smtp://localhost:25` (a local relay, in clear).
#[derive(Debug)]
pub struct Smtp {
    de: Mailbox,
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl Smtp {
    pub fn new(url: &str, de: &str) -> Result<Self, String> {
        let de = de
            .parse()
            .map_err(|e| format!("adresse d'expédition invalide « {de} » : {e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("adresse du serveur SMTP invalide : {e}"))?
            .build();
        Ok(Self { de, transport })
    }
}

impl Expediteur for Smtp {
    fn envoyer(&self, courriel: Courriel) -> Envoi<'_> {
        Box::pin(async move {
            let message = message(&self.de, &courriel)?;
            self.transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| format!("envoi SMTP impossible : {e}"))
        })
    }
}

/// Writes each message as an `.eml` file in a folder (local use, tests).
#[derive(Debug)]
pub struct Dossier {
    de: Mailbox,
    dossier: PathBuf,
    compteur: AtomicU64,
}

impl Dossier {
    pub fn new(dossier: PathBuf, de: &str) -> Result<Self, String> {
        std::fs::create_dir_all(&dossier)
            .map_err(|e| format!("dossier des courriels {} : {e}", dossier.display()))?;
        Ok(Self {
            de: de
                .parse()
                .map_err(|e| format!("adresse d'expédition invalide « {de} » : {e}"))?,
            dossier,
            compteur: AtomicU64::new(0),
        })
    }
}

impl Expediteur for Dossier {
    fn envoyer(&self, courriel: Courriel) -> Envoi<'_> {
        Box::pin(async move {
            let octets = message(&self.de, &courriel)?.formatted();
            let numero = self.compteur.fetch_add(1, Ordering::Relaxed);
            let nom = format!(
                "{}-{}-{numero}.eml",
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_millis(),
                std::process::id()
            );
            tokio::fs::write(self.dossier.join(nom), octets)
                .await
                .map_err(|e| format!("écriture du courriel : {e}"))
        })
    }
}

/// Prints each message on the server's standard output (local use).
#[derive(Debug)]
pub struct Console;

impl Expediteur for Console {
    fn envoyer(&self, courriel: Courriel) -> Envoi<'_> {
        Box::pin(async move {
            println!(
                "--- courriel pour {} ---\nObjet : {}\n\n{}\n---",
                courriel.a, courriel.sujet, courriel.corps
            );
            Ok(())
        })
    }
}
