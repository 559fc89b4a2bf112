//! Password rules a real person can meet, and argon2id hashing.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, PasswordHash};

use crate::{Error, Result};

pub const MIN_LENGTH: usize = 10;
pub const MAX_LENGTH: usize = 256;

/// Passwords of the allowed length that attackers try first; compared case-insensitively.
const COMMON: &str = include_str!("common-passwords.txt");

/// A password that met the rules; it exists only long enough to be hashed.
pub struct Password(String);

impl Password {
    pub fn parse(field: &str, value: &str) -> Result<Password> {
        let length = value.chars().count();
        if length < MIN_LENGTH {
            return Err(Error::invalid(field, "password_too_short", format!("use at least {MIN_LENGTH} characters")));
        }
        if length > MAX_LENGTH {
            return Err(Error::invalid(field, "too_long", format!("use at most {MAX_LENGTH} characters")));
        }
        let lowered = value.to_lowercase();
        let single_character = lowered.chars().all(|character| lowered.starts_with(character));
        if single_character || COMMON.lines().any(|common| common == lowered) {
            return Err(Error::invalid(
                field,
                "password_too_common",
                "this password is too common; choose one that is harder to guess",
            ));
        }
        Ok(Password(value.to_owned()))
    }

    pub fn hash(&self) -> Result<String> {
        hash(&self.0)
    }
}

/// An argon2id hash of any secret a person types (account or page passwords).
pub fn hash(secret: &str) -> Result<String> {
    Argon2::default()
        .hash_password(secret.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| Error::Internal(anyhow::anyhow!("hashing a password: {error}")))
}

/// Checks a password against a stored hash. With no hash (an account without a password), a
/// dummy hash is checked so the answer takes as long as for a real account.
pub fn verify(candidate: &str, stored: Option<&str>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| {
        Argon2::default().hash_password(b"not a password anyone has").map(|hash| hash.to_string()).unwrap_or_default()
    });
    let Ok(parsed) = PasswordHash::new(stored.unwrap_or(dummy)) else {
        return false;
    };
    let matches = Argon2::default().verify_password(candidate.as_bytes(), &parsed).is_ok();
    matches && stored.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_common_and_repeated_passwords_are_refused() {
        assert!(matches!(Password::parse("password", "short"), Err(Error::Invalid { code: "password_too_short", .. })));
        assert!(matches!(
            Password::parse("password", "Password123"),
            Err(Error::Invalid { code: "password_too_common", .. })
        ));
        assert!(matches!(
            Password::parse("password", "aaaaaaaaaaaa"),
            Err(Error::Invalid { code: "password_too_common", .. })
        ));
        assert!(Password::parse("password", "correct horse battery").is_ok());
    }

    #[test]
    fn a_hash_verifies_only_its_password() {
        let hash = Password::parse("password", "correct horse battery").unwrap().hash().unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", Some(&hash)));
        assert!(!verify("correct horse battery!", Some(&hash)));
        assert!(!verify("correct horse battery", None));
    }
}
