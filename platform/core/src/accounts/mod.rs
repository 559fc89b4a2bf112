//! Users: sign-up with email verification, sign-in, sessions, password reset, the profile,
//! and accounts linked to OpenID providers.

mod db;
pub mod oidc;
pub mod password;

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use crate::email::Links;
use crate::workspaces;
use crate::{Error, Result, jobs, token};
use password::Password;

pub const SESSION_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);
const VERIFICATION_LIFETIME: Duration = Duration::from_secs(48 * 3600);
const RESET_LIFETIME: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[sqlx(transparent)]
pub struct UserId(pub Uuid);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub full_name: String,
    pub photo: Option<String>,
    pub is_private: bool,
    pub email_verified: bool,
    pub is_admin: bool,
    pub created_at: DateTime<Utc>,
}

/// An email address as users type it: trimmed, with one `@` and a dotted domain. Comparison is
/// case-insensitive in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &str, value: &str) -> Result<Email> {
        let value = value.trim();
        let invalid = || Error::invalid(field, "invalid_email", "enter an email address like name@example.com");
        if value.len() > 254 {
            return Err(Error::invalid(field, "too_long", "an email address has at most 254 characters"));
        }
        let (local, domain) = value.split_once('@').ok_or_else(invalid)?;
        let well_formed = !local.is_empty()
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@')
            && value.chars().all(|character| !character.is_whitespace() && !character.is_control());
        if !well_formed {
            return Err(invalid());
        }
        Ok(Email(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's name as shown to others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullName(String);

impl FullName {
    pub const MAX_LENGTH: usize = 100;

    pub fn parse(field: &str, value: &str) -> Result<FullName> {
        let value = value.trim();
        if value.is_empty() {
            return Err(Error::invalid(field, "required", "enter your name"));
        }
        if value.chars().count() > Self::MAX_LENGTH {
            return Err(Error::invalid(field, "too_long", format!("use at most {} characters", Self::MAX_LENGTH)));
        }
        if value.chars().any(char::is_control) {
            return Err(Error::invalid(field, "invalid_characters", "a name cannot contain control characters"));
        }
        Ok(FullName(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A profile photo: an `https` (or, for local runs, `http`) URL. Uploads come with media.
fn parse_photo(field: &str, value: &str) -> Result<String> {
    let url =
        url::Url::parse(value.trim()).map_err(|_| Error::invalid(field, "invalid_url", "enter a full http(s) URL"))?;
    if !matches!(url.scheme(), "http" | "https") || value.len() > 2048 {
        return Err(Error::invalid(field, "invalid_url", "enter a full http(s) URL of at most 2048 characters"));
    }
    Ok(url.to_string())
}

pub struct SignUp<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub full_name: &'a str,
}

/// Creates an unverified account with its personal workspace and emails the verification link.
pub async fn sign_up(pool: &PgPool, links: &Links, request: SignUp<'_>) -> Result<User> {
    let email = Email::parse("email", request.email)?;
    let full_name = FullName::parse("full_name", request.full_name)?;
    let password_hash = Password::parse("password", request.password)?.hash()?;

    let mut transaction = pool.begin().await?;
    let user = db::insert_user(&mut transaction, &email, Some(&password_hash), &full_name, false, false).await?;
    workspaces::create_personal(&mut transaction, &user).await?;
    let token = db::insert_token(&mut transaction, user.id, "verify_email", VERIFICATION_LIFETIME).await?;
    jobs::enqueue_email(&mut transaction, links.verification(&user.email, &user.full_name, &token)).await?;
    transaction.commit().await?;
    tracing::info!(user.id = %user.id.0, "signed up");
    Ok(user)
}

pub async fn verify_email(pool: &PgPool, token: &str) -> Result<User> {
    let mut transaction = pool.begin().await?;
    let user_id = db::consume_token(&mut transaction, token, "verify_email").await?;
    db::mark_verified(&mut transaction, user_id).await?;
    let user = db::find_user(&mut *transaction, user_id).await?.ok_or(Error::NotFound)?;
    transaction.commit().await?;
    Ok(user)
}

/// Sends a new verification link if the address belongs to an unverified account. Answers the
/// same either way, so it tells nobody which addresses have accounts.
pub async fn resend_verification(pool: &PgPool, links: &Links, email: &str) -> Result<()> {
    let email = Email::parse("email", email)?;
    let mut transaction = pool.begin().await?;
    if let Some((user, _)) = db::find_user_by_email(&mut *transaction, &email).await?
        && !user.email_verified
    {
        let token = db::insert_token(&mut transaction, user.id, "verify_email", VERIFICATION_LIFETIME).await?;
        jobs::enqueue_email(&mut transaction, links.verification(&user.email, &user.full_name, &token)).await?;
    }
    transaction.commit().await?;
    Ok(())
}

/// Checks credentials; a matching, verified account gets a new session, whose token is returned.
pub async fn sign_in(pool: &PgPool, email: &str, password: &str) -> Result<(User, String)> {
    let invalid = || Error::Unauthenticated {
        code: "invalid_credentials",
        message: "the email or the password is wrong".into(),
        field: None,
    };
    let email = Email::parse("email", email).map_err(|_| invalid())?;
    let found = db::find_user_by_email(pool, &email).await?;
    let stored_hash = found.as_ref().and_then(|(_, hash)| hash.as_deref());
    let matches = password::verify(password, stored_hash);
    let Some((user, _)) = found.filter(|_| matches) else {
        return Err(invalid());
    };
    if !user.email_verified {
        return Err(Error::forbidden("email_not_verified", "confirm your email address first: we sent you a link"));
    }
    let token = start_session(pool, user.id).await?;
    Ok((user, token))
}

pub async fn start_session(pool: &PgPool, user_id: UserId) -> Result<String> {
    let token = token::generate();
    db::insert_session(pool, user_id, &token::hash(&token), SESSION_LIFETIME).await?;
    Ok(token)
}

/// The user behind a session token, if the session is live.
pub async fn authenticate(pool: &PgPool, session_token: &str) -> Result<Option<(User, Uuid)>> {
    db::find_session_user(pool, &token::hash(session_token)).await
}

pub async fn end_session(pool: &PgPool, session_id: Uuid) -> Result<()> {
    db::delete_session(pool, session_id).await
}

/// Signs the user out on every device, keeping `except` (the current session) when given.
pub async fn end_all_sessions(pool: &PgPool, user_id: UserId, except: Option<Uuid>) -> Result<()> {
    db::delete_sessions_of(pool, user_id, except).await
}

/// Emails a reset link when the address has an account; answers the same when it has none.
pub async fn request_password_reset(pool: &PgPool, links: &Links, email: &str) -> Result<()> {
    let email = Email::parse("email", email)?;
    let mut transaction = pool.begin().await?;
    if let Some((user, _)) = db::find_user_by_email(&mut *transaction, &email).await? {
        let token = db::insert_token(&mut transaction, user.id, "password_reset", RESET_LIFETIME).await?;
        jobs::enqueue_email(&mut transaction, links.password_reset(&user.email, &user.full_name, &token)).await?;
    }
    transaction.commit().await?;
    Ok(())
}

/// Sets a new password from an emailed token, which proves the address too; every existing
/// session ends.
pub async fn confirm_password_reset(pool: &PgPool, token: &str, new_password: &str) -> Result<()> {
    let password_hash = Password::parse("password", new_password)?.hash()?;
    let mut transaction = pool.begin().await?;
    let user_id = db::consume_token(&mut transaction, token, "password_reset").await?;
    db::set_password(&mut transaction, user_id, &password_hash).await?;
    db::mark_verified(&mut transaction, user_id).await?;
    db::delete_sessions_of(&mut *transaction, user_id, None).await?;
    transaction.commit().await?;
    Ok(())
}

pub async fn change_password(
    pool: &PgPool,
    user_id: UserId,
    current_session: Uuid,
    current_password: &str,
    new_password: &str,
) -> Result<()> {
    check_password(pool, user_id, "current_password", current_password).await?;
    let password_hash = Password::parse("new_password", new_password)?.hash()?;
    let mut transaction = pool.begin().await?;
    db::set_password(&mut transaction, user_id, &password_hash).await?;
    db::delete_sessions_of(&mut *transaction, user_id, Some(current_session)).await?;
    transaction.commit().await?;
    Ok(())
}

#[derive(Debug, Default)]
pub struct ProfileChange<'a> {
    pub full_name: Option<&'a str>,
    /// `Some(None)` removes the photo.
    pub photo: Option<Option<&'a str>>,
    pub is_private: Option<bool>,
}

pub async fn update_profile(pool: &PgPool, user_id: UserId, change: ProfileChange<'_>) -> Result<User> {
    let full_name = change.full_name.map(|name| FullName::parse("full_name", name)).transpose()?;
    let photo = match change.photo {
        Some(Some(url)) if !url.trim().is_empty() => Some(Some(parse_photo("photo", url)?)),
        Some(_) => Some(None),
        None => None,
    };
    db::update_profile(pool, user_id, full_name.as_ref(), photo, change.is_private).await
}

pub async fn get(pool: &PgPool, user_id: UserId) -> Result<User> {
    db::find_user(pool, user_id).await?.ok_or(Error::NotFound)
}

/// Deletes the account after checking its password. Workspaces it alone belongs to go with it;
/// one it is the last owner of, with other members, must be handed over first.
pub async fn delete(pool: &PgPool, user_id: UserId, password: &str) -> Result<()> {
    check_password(pool, user_id, "password", password).await?;
    let mut transaction = pool.begin().await?;
    workspaces::release_member(&mut transaction, user_id).await?;
    db::delete_user(&mut transaction, user_id).await?;
    transaction.commit().await?;
    tracing::info!(user.id = %user_id.0, "account deleted");
    Ok(())
}

async fn check_password(pool: &PgPool, user_id: UserId, field: &str, candidate: &str) -> Result<()> {
    let stored = db::password_hash(pool, user_id).await?;
    if password::verify(candidate, stored.as_deref()) {
        Ok(())
    } else {
        Err(Error::Unauthenticated {
            code: "invalid_credentials",
            message: "the password is wrong".into(),
            field: Some(field.to_owned()),
        })
    }
}

/// What an OpenID provider told us about a person, after the ID token was checked.
pub struct ExternalIdentity<'a> {
    pub provider: &'a str,
    pub subject: &'a str,
    pub email: Option<&'a str>,
    pub email_verified: bool,
    pub full_name: Option<&'a str>,
    pub picture: Option<&'a str>,
}

/// Finds the user linked to the identity; else links it to the account with the same verified
/// email; else creates a verified account with a personal workspace.
pub async fn sign_in_external(pool: &PgPool, identity: ExternalIdentity<'_>) -> Result<(User, String)> {
    let mut transaction = pool.begin().await?;
    let user = match db::find_identity(&mut *transaction, identity.provider, identity.subject).await? {
        Some(user) => user,
        None => {
            let email = identity
                .email
                .filter(|_| identity.email_verified)
                .ok_or_else(|| {
                    Error::forbidden(
                        "email_not_verified",
                        "the provider did not confirm an email address for this account",
                    )
                })
                .and_then(|email| Email::parse("email", email))?;
            let user = match db::find_user_by_email(&mut *transaction, &email).await? {
                Some((user, _)) => {
                    db::mark_verified(&mut transaction, user.id).await?;
                    user
                }
                None => {
                    let fallback = email.as_str().split('@').next().unwrap_or("New user").to_owned();
                    let full_name = FullName::parse("full_name", identity.full_name.unwrap_or(&fallback))
                        .or_else(|_| FullName::parse("full_name", &fallback))?;
                    let user = db::insert_user(&mut transaction, &email, None, &full_name, true, false).await?;
                    let photo = identity.picture.and_then(|url| parse_photo("photo", url).ok());
                    if photo.is_some() {
                        db::update_profile(&mut *transaction, user.id, None, Some(photo), None).await?;
                    }
                    workspaces::create_personal(&mut transaction, &user).await?;
                    user
                }
            };
            db::insert_identity(&mut transaction, identity.provider, identity.subject, user.id).await?;
            user
        }
    };
    transaction.commit().await?;
    let user = get(pool, user.id).await?;
    let token = start_session(pool, user.id).await?;
    Ok((user, token))
}

/// For operators: an account created without email, optionally verified and admin.
pub async fn create_by_operator(
    pool: &PgPool,
    email: &str,
    password: &str,
    full_name: &str,
    verified: bool,
    admin: bool,
) -> Result<User> {
    let email = Email::parse("email", email)?;
    let full_name = FullName::parse("full_name", full_name)?;
    let password_hash = Password::parse("password", password)?.hash()?;
    let mut transaction = pool.begin().await?;
    let user = db::insert_user(&mut transaction, &email, Some(&password_hash), &full_name, verified, admin).await?;
    workspaces::create_personal(&mut transaction, &user).await?;
    transaction.commit().await?;
    Ok(user)
}

pub async fn find_by_email(pool: &PgPool, email: &str) -> Result<Option<User>> {
    let email = Email::parse("email", email)?;
    Ok(db::find_user_by_email(pool, &email).await?.map(|(user, _)| user))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_checked() {
        assert_eq!(Email::parse("email", "  Ann@Example.com ").unwrap().as_str(), "Ann@Example.com");
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "ann@@example.com",
            "a n@example.com",
            "ann@.example.com",
        ] {
            assert!(Email::parse("email", bad).is_err(), "{bad:?} should be refused");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(matches!(Email::parse("email", &long), Err(Error::Invalid { code: "too_long", .. })));
    }

    #[test]
    fn names_must_be_present_and_short() {
        assert_eq!(FullName::parse("full_name", " Ann Lee ").unwrap().as_str(), "Ann Lee");
        assert!(FullName::parse("full_name", "  ").is_err());
        assert!(FullName::parse("full_name", &"x".repeat(101)).is_err());
        assert!(FullName::parse("full_name", "Ann\u{7}").is_err());
    }

    #[test]
    fn photos_must_be_web_urls() {
        assert!(parse_photo("photo", "https://example.com/me.jpg").is_ok());
        assert!(parse_photo("photo", "javascript:alert(1)").is_err());
        assert!(parse_photo("photo", "not a url").is_err());
    }
}
