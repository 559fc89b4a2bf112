//! Who may see a published page: everyone, members only, holders of a password, or holders
//! of a secret link.

use sqlx::PgPool;

use super::{Access, Portfolio, PortfolioId, load, published};
use crate::accounts::{UserId, password};
use crate::workspaces::Role;
use crate::{Error, Result, token};

const PASSWORD_LENGTHS: std::ops::RangeInclusive<usize> = 4..=200;

/// Sets the access mode. A password is required to switch to `Password` unless one is
/// already set; leaving a mode forgets its password or key, so they cannot come back to life.
pub async fn set(
    pool: &PgPool,
    id: PortfolioId,
    actor: UserId,
    mode: Access,
    new_password: Option<&str>,
) -> Result<Portfolio> {
    let password_hash = match (mode, new_password) {
        (Access::Password, Some(candidate)) => {
            if !PASSWORD_LENGTHS.contains(&candidate.chars().count()) {
                return Err(Error::invalid("password", "invalid_password", "use 4 to 200 characters"));
            }
            Some(password::hash(candidate)?)
        }
        (_, Some(_)) => {
            return Err(Error::invalid(
                "password",
                "unexpected_password",
                "a password only goes with the password mode",
            ));
        }
        (_, None) => None,
    };
    let mut transaction = pool.begin().await?;
    let (current, _) = load(&mut transaction, id, actor, Role::Editor).await?;
    if current.deleted_at.is_some() {
        return Err(Error::NotFound);
    }
    if mode == Access::Password && password_hash.is_none() && !current.has_password {
        return Err(Error::invalid("password", "required", "choose a password for the page"));
    }
    let secret_key = (mode == Access::SecretLink).then(|| current.secret_key.clone().unwrap_or_else(token::generate));
    sqlx::query!(
        "UPDATE portfolios
         SET access = $2,
             password_hash = CASE WHEN $2 = 'password' THEN coalesce($3, password_hash) END,
             access_epoch = access_epoch + CASE WHEN $3::text IS NULL THEN 0 ELSE 1 END,
             secret_key = $4
         WHERE id = $1",
        id.0,
        mode.as_str(),
        password_hash,
        secret_key,
    )
    .execute(&mut *transaction)
    .await?;
    published::notify_changed(&mut transaction, id).await?;
    transaction.commit().await?;
    super::get(pool, id, actor).await
}

/// A new secret key: links with the old one stop working.
pub async fn rotate_secret(pool: &PgPool, id: PortfolioId, actor: UserId) -> Result<Portfolio> {
    let mut transaction = pool.begin().await?;
    let (current, _) = load(&mut transaction, id, actor, Role::Editor).await?;
    if current.deleted_at.is_some() {
        return Err(Error::NotFound);
    }
    if current.access != Access::SecretLink {
        return Err(Error::conflict("not_secret_link", None, "the page is not shared by secret link"));
    }
    sqlx::query!("UPDATE portfolios SET secret_key = $2 WHERE id = $1", id.0, token::generate())
        .execute(&mut *transaction)
        .await?;
    published::notify_changed(&mut transaction, id).await?;
    transaction.commit().await?;
    super::get(pool, id, actor).await
}
