//! The conversions every parsed newtype shares: from text through its `parse` constructor
//! (`FromStr`, `TryFrom<String>`, used by serde), back to text through `Display`.

/// Implements `FromStr`, `TryFrom<String>` and `From<T> for String` for a type that has
/// `fn parse(&str) -> Result<Self, ErreurDomaine>` and `Display`.
macro_rules! depuis_texte {
    ($type:ty) => {
        impl ::std::str::FromStr for $type {
            type Err = $crate::ErreurDomaine;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $type {
            type Error = $crate::ErreurDomaine;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl From<$type> for String {
            fn from(valeur: $type) -> Self {
                valeur.to_string()
            }
        }
    };
}

pub(crate) use depuis_texte;
