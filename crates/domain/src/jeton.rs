//! Secret tokens: session cookies, invitation links, CSRF tokens, OpenID Connect `state` and
//! `nonce`. A token is 32 random bytes written in hexadecimal (64 characters); the database
//! keeps only its SHA-256 fingerprint where it grants something (sessions, invitations), so
//! that a copy of the database opens no door.

use std::fmt;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// A fresh random token.
#[derive(Clone, PartialEq, Eq)]
pub struct Jeton(String);

impl Jeton {
    /// 32 bytes from the operating system's generator.
    pub fn nouveau() -> Self {
        let mut octets = [0u8; 32];
        OsRng.fill_bytes(&mut octets);
        Self(hex(&octets))
    }

    /// Reads a token as received (cookie, URL); `None` unless it has the shape of one, so that
    /// anything else is refused before reaching the database.
    pub fn lire(texte: &str) -> Option<Self> {
        (texte.len() == 64
            && texte
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .then(|| Self(texte.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The SHA-256 fingerprint the database keeps.
    pub fn empreinte(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }

    /// Compares with a received value in time independent of where they differ.
    pub fn egal(&self, recu: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), recu.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// Never printed whole, even in debug output.
impl fmt::Debug for Jeton {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Jeton({}…)", &self.0[..6])
    }
}

fn hex(octets: &[u8]) -> String {
    octets.iter().map(|o| format!("{o:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn un_jeton_est_long_aleatoire_et_relu() {
        let a = Jeton::nouveau();
        assert_eq!(a.as_str().len(), 64);
        assert_ne!(a, Jeton::nouveau());
        assert_eq!(Jeton::lire(a.as_str()), Some(a.clone()));
        assert!(a.egal(a.as_str()));
        assert!(!a.egal(&Jeton::nouveau().0));
        assert!(!a.egal("court"));
    }

    #[test]
    fn une_valeur_mal_formee_n_est_pas_un_jeton() {
        for mauvais in ["", "abc", &"G".repeat(64), &"a".repeat(63), &"A".repeat(64)] {
            assert_eq!(Jeton::lire(mauvais), None, "{mauvais}");
        }
    }

    #[test]
    fn l_empreinte_est_le_sha256_du_jeton() {
        let jeton = Jeton::lire(&"0".repeat(64)).unwrap();
        assert_eq!(
            jeton.empreinte(),
            "60e05bd1b195af2f94112fa7197a5c88289058840ce7c6df9693756bc6250f55"
        );
        assert!(!format!("{jeton:?}").contains(&"0".repeat(10)));
    }
}
