//! Reference lists: closed vocabularies with a stable code (stored, used in files and the API)
//! and a French label (shown to people).

/// Declares a reference list: an enum whose variants each carry a stable kebab-case code and a
/// French label, with parsing from the code, serde through the code, its description in the
/// API's document, and the list of all values.
#[macro_export]
macro_rules! referentiel {
    (
        $(#[$meta:meta])*
        $nom:ident, $quoi:literal {
            $( $variante:ident = $code:literal, $libelle:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $nom {
            $( $variante, )+
        }

        impl $nom {
            /// Every value, in display order.
            pub const TOUS: &'static [$nom] = &[$( $nom::$variante, )+];

            /// The stable code, as stored and exchanged.
            pub fn code(&self) -> &'static str {
                match self { $( $nom::$variante => $code, )+ }
            }

            /// The French label shown to people.
            pub fn libelle(&self) -> &'static str {
                match self { $( $nom::$variante => $libelle, )+ }
            }

            /// Reads a code; the error names the value and lists the accepted codes.
            pub fn parse(code: &str) -> Result<Self, String> {
                match code {
                    $( $code => Ok($nom::$variante), )+
                    autre => Err(format!(
                        concat!($quoi, " inconnu(e) « {} » ; valeurs possibles : {}"),
                        autre,
                        [$( $code ),+].join(", ")
                    )),
                }
            }
        }

        impl ::std::fmt::Display for $nom {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.libelle())
            }
        }

        impl ::serde::Serialize for $nom {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        $crate::schema_de_chaine!(
            $nom,
            $crate::schema_api::code_de_liste($quoi, &[$( ($code, $libelle) ),+])
        );

        impl<'de> ::serde::Deserialize<'de> for $nom {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = <::std::borrow::Cow<'de, str>>::deserialize(d)?;
                $nom::parse(&code).map_err(::serde::de::Error::custom)
            }
        }
    };
}

referentiel! {
    /// Who an action or a contract is for.
    Public, "public" {
        ToutPublic = "tout-public", "Tout public";
        Enfants = "enfants", "Enfants";
        Jeunes = "jeunes", "Jeunes";
        Seniors = "seniors", "Seniors";
        PersonnesHandicap = "personnes-handicap", "Personnes en situation de handicap";
        HabitantsQpv = "habitants-qpv", "Habitants des quartiers prioritaires (QPV)";
        PersonnesPrecaires = "personnes-precaires", "Personnes en situation de précarité";
        Aidants = "aidants", "Aidants";
        Professionnels = "professionnels", "Professionnels";
        Elus = "elus", "Élus";
    }
}

referentiel! {
    /// The health themes an action or a contract addresses.
    Thematique, "thématique" {
        AccesAuxSoins = "acces-aux-soins", "Accès aux soins";
        AccesAuxDroits = "acces-aux-droits", "Accès aux droits";
        Prevention = "prevention", "Prévention et promotion de la santé";
        SanteMentale = "sante-mentale", "Santé mentale";
        Nutrition = "nutrition", "Nutrition";
        ActivitePhysique = "activite-physique", "Activité physique";
        SanteEnvironnement = "sante-environnement", "Santé environnement";
        Addictions = "addictions", "Addictions";
        Vieillissement = "vieillissement", "Vieillissement";
        Cancers = "cancers", "Cancers";
        CardioNeuroVasculaire = "cardio-neuro-vasculaire", "Maladies cardio-neuro-vasculaires";
        Diabete = "diabete", "Diabète";
        Jeunesse = "jeunesse", "Jeunesse";
        Logement = "logement", "Logement";
        Mobilite = "mobilite", "Mobilité";
        MedicoSocial = "medico-social", "Accompagnement médico-social";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn un_code_fait_l_aller_retour() {
        for public in Public::TOUS {
            assert_eq!(Public::parse(public.code()), Ok(*public));
        }
        for theme in Thematique::TOUS {
            assert_eq!(Thematique::parse(theme.code()), Ok(*theme));
        }
    }

    #[test]
    fn un_code_inconnu_est_nomme_et_les_valeurs_listees() {
        let erreur = Public::parse("retraites").unwrap_err();
        assert!(
            erreur.contains("« retraites »") && erreur.contains("seniors"),
            "{erreur}"
        );
        let json = serde_json::from_str::<Thematique>("\"sport\"")
            .unwrap_err()
            .to_string();
        assert!(
            json.contains("sport") && json.contains("activite-physique"),
            "{json}"
        );
    }
}
