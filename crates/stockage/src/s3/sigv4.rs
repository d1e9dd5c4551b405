//! AWS Signature Version 4 for the `Authorization` header, as the S3 API documents it
//! ("Signature Calculations for the Authorization Header"): canonical request → string to sign
//! → HMAC-SHA256 with a key derived from the secret, the day, the region and the service.
//! Tested against the examples of that page.

use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::{Digest, Sha256};

const ALGORITHME: &str = "AWS4-HMAC-SHA256";

/// Characters kept as they are in a canonical URI: RFC 3986's unreserved ones, and `/`.
const CHEMIN: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// Who signs, and for which region and service.
pub(crate) struct Identite<'a> {
    pub access_key: &'a str,
    pub secret_key: &'a str,
    pub region: &'a str,
    pub service: &'a str,
}

/// The signing instant, `20130524T000000Z` (UTC), sent as `x-amz-date`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Horodatage(String);

impl Horodatage {
    pub fn maintenant() -> Self {
        let t = time::OffsetDateTime::now_utc();
        Self(format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ))
    }

    #[cfg(test)]
    pub fn fixe(valeur: &str) -> Self {
        Self(valeur.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn jour(&self) -> &str {
        &self.0[..8]
    }
}

/// What is signed of a request. `entetes` are the signed headers, names in lower case; they
/// must include `host`, `x-amz-date` and `x-amz-content-sha256` (whose value is
/// `empreinte_corps`). `chemin` is already URI-encoded ([`encoder_chemin`]); `requete` is the
/// canonical query string (empty for the requests Pilote makes).
pub(crate) struct RequeteASigner<'a> {
    pub methode: &'a str,
    pub chemin: &'a str,
    pub requete: &'a str,
    pub entetes: &'a [(&'a str, &'a str)],
    pub empreinte_corps: &'a str,
}

/// The value of the `Authorization` header for `requete`.
pub(crate) fn autorisation(
    identite: &Identite<'_>,
    horodatage: &Horodatage,
    requete: &RequeteASigner<'_>,
) -> String {
    let (canonique, entetes_signes) = requete_canonique(requete);
    let chaine = chaine_a_signer(identite, horodatage, &canonique);
    format!(
        "{ALGORITHME} Credential={}/{},SignedHeaders={entetes_signes},Signature={}",
        identite.access_key,
        portee(identite, horodatage),
        signature(identite, horodatage, &chaine)
    )
}

/// The canonical request and the list of signed headers (`host;range;…`).
fn requete_canonique(requete: &RequeteASigner<'_>) -> (String, String) {
    let mut entetes: Vec<(String, String)> = requete
        .entetes
        .iter()
        .map(|(nom, valeur)| {
            let valeur = valeur.split_whitespace().collect::<Vec<_>>().join(" ");
            (nom.to_ascii_lowercase(), valeur)
        })
        .collect();
    entetes.sort();
    let canoniques: String = entetes
        .iter()
        .map(|(nom, valeur)| format!("{nom}:{valeur}\n"))
        .collect();
    let signes = entetes
        .iter()
        .map(|(nom, _)| nom.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonique = format!(
        "{}\n{}\n{}\n{canoniques}\n{signes}\n{}",
        requete.methode, requete.chemin, requete.requete, requete.empreinte_corps
    );
    (canonique, signes)
}

fn portee(identite: &Identite<'_>, horodatage: &Horodatage) -> String {
    format!(
        "{}/{}/{}/aws4_request",
        horodatage.jour(),
        identite.region,
        identite.service
    )
}

fn chaine_a_signer(identite: &Identite<'_>, horodatage: &Horodatage, canonique: &str) -> String {
    format!(
        "{ALGORITHME}\n{}\n{}\n{}",
        horodatage.as_str(),
        portee(identite, horodatage),
        sha256_hex(canonique.as_bytes())
    )
}

fn signature(identite: &Identite<'_>, horodatage: &Horodatage, chaine: &str) -> String {
    let cle = format!("AWS4{}", identite.secret_key);
    let cle = hmac(cle.as_bytes(), horodatage.jour().as_bytes());
    let cle = hmac(&cle, identite.region.as_bytes());
    let cle = hmac(&cle, identite.service.as_bytes());
    let cle = hmac(&cle, b"aws4_request");
    hex(&hmac(&cle, chaine.as_bytes()))
}

fn hmac(cle: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(cle).expect("HMAC accepte toute longueur de clé");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// The lower-case hexadecimal SHA-256 of `octets`, as `x-amz-content-sha256` wants it.
pub(crate) fn sha256_hex(octets: &[u8]) -> String {
    hex(&Sha256::digest(octets))
}

/// Lower-case hexadecimal.
pub(crate) fn hex(octets: &[u8]) -> String {
    const CHIFFRES: &[u8; 16] = b"0123456789abcdef";
    let mut sortie = String::with_capacity(octets.len() * 2);
    for octet in octets {
        sortie.push(char::from(CHIFFRES[usize::from(octet >> 4)]));
        sortie.push(char::from(CHIFFRES[usize::from(octet & 0x0f)]));
    }
    sortie
}

/// A path URI-encoded as S3 canonicalises it: every byte but the unreserved ones and `/`.
pub(crate) fn encoder_chemin(chemin: &str) -> String {
    utf8_percent_encode(chemin, CHEMIN).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const VIDE: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn identite() -> Identite<'static> {
        Identite {
            access_key: "AKIAIOSFODNN7EXAMPLE",
            secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            region: "us-east-1",
            service: "s3",
        }
    }

    /// The "GET Object" example of the S3 SigV4 documentation (virtual-hosted style).
    #[test]
    fn exemple_aws_get_object() {
        let horodatage = Horodatage::fixe("20130524T000000Z");
        let requete = RequeteASigner {
            methode: "GET",
            chemin: "/test.txt",
            requete: "",
            entetes: &[
                ("Host", "examplebucket.s3.amazonaws.com"),
                ("Range", "bytes=0-9"),
                ("x-amz-content-sha256", VIDE),
                ("x-amz-date", "20130524T000000Z"),
            ],
            empreinte_corps: VIDE,
        };
        let (canonique, signes) = requete_canonique(&requete);
        assert_eq!(
            canonique,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n\
             x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
             x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(signes, "host;range;x-amz-content-sha256;x-amz-date");
        let chaine = chaine_a_signer(&identite(), &horodatage, &canonique);
        assert_eq!(
            chaine,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n\
             7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"
        );
        assert_eq!(
            signature(&identite(), &horodatage, &chaine),
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
        assert_eq!(
            autorisation(&identite(), &horodatage, &requete),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,\
             SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,\
             Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }

    /// The "PUT Object" example of the same page: a body, an encoded `$` in the key, more
    /// headers.
    #[test]
    fn exemple_aws_put_object() {
        let corps = b"Welcome to Amazon S3.";
        let empreinte = sha256_hex(corps);
        assert_eq!(
            empreinte,
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"
        );
        let chemin = encoder_chemin("/test$file.text");
        assert_eq!(chemin, "/test%24file.text");
        let requete = RequeteASigner {
            methode: "PUT",
            chemin: &chemin,
            requete: "",
            entetes: &[
                ("host", "examplebucket.s3.amazonaws.com"),
                ("date", "Fri, 24 May 2013 00:00:00 GMT"),
                ("x-amz-date", "20130524T000000Z"),
                ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
                ("x-amz-content-sha256", &empreinte),
            ],
            empreinte_corps: &empreinte,
        };
        let autorisation =
            autorisation(&identite(), &Horodatage::fixe("20130524T000000Z"), &requete);
        assert!(
            autorisation.ends_with(
                ",SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,\
                 Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
            ),
            "{autorisation}"
        );
    }

    #[test]
    fn horodatage_au_format_amz() {
        let maintenant = Horodatage::maintenant();
        let texte = maintenant.as_str();
        assert_eq!(texte.len(), 16, "{texte}");
        assert_eq!(&texte[8..9], "T");
        assert!(texte.ends_with('Z'));
        assert!(texte[..8].bytes().all(|b| b.is_ascii_digit()));
        assert!(texte.starts_with("20"));
    }

    #[test]
    fn hex_et_encodage() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(encoder_chemin("/b/a b/é~x"), "/b/a%20b/%C3%A9~x");
    }
}
