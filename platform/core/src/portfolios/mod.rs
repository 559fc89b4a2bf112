//! Portfolios: what an owner builds. Every function takes the acting user and checks their
//! role in the portfolio's workspace; a portfolio of another tenant is `NotFound`, like one
//! that does not exist.

pub mod access;
mod db;
pub mod published;
pub mod templates;
pub mod versions;

use chrono::Utc;
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

pub use self::db::Portfolio;
use crate::accounts::UserId;
use crate::document::{self, Document};
use crate::notifications;
use crate::themes::Theme;
use crate::workspaces::{self, Role, WorkspaceId};
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PortfolioId(pub Uuid);

/// Who may see the published page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    /// Members of the workspace only.
    Private,
    Password,
    /// Anyone with the link carrying the secret key.
    SecretLink,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::Private => "private",
            Access::Password => "password",
            Access::SecretLink => "secret_link",
        }
    }

    pub fn parse(value: &str) -> Option<Access> {
        [Access::Public, Access::Private, Access::Password, Access::SecretLink]
            .into_iter()
            .find(|access| access.as_str() == value)
    }
}

/// Days a portfolio stays in the trash before it can no longer be restored.
pub const TRASH_DAYS: i64 = 30;

/// A slug: the portfolio's path under the workspace's address.
pub struct Slug(String);

impl Slug {
    pub fn parse(field: &str, value: &str) -> Result<Slug> {
        let valid = (1..=60).contains(&value.len())
            && value
                .split('-')
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        if !valid {
            return Err(Error::invalid(
                field,
                "invalid_slug",
                "use 1 to 60 lowercase letters and digits, with single hyphens between words",
            ));
        }
        if matches!(value, "p" | "assets" | "media" | "api" | "app" | "healthz" | "readyz" | "metrics") {
            return Err(Error::invalid(field, "reserved_slug", format!("`{value}` is reserved")));
        }
        Ok(Slug(value.to_owned()))
    }

    /// A slug made from a title: "Ada's Portfolio!" → "adas-portfolio".
    pub fn derive_from(title: &str) -> String {
        let mut slug = String::new();
        for character in title.chars().flat_map(char::to_lowercase) {
            if character.is_ascii_alphanumeric() {
                slug.push(character);
            } else if (character.is_whitespace() || character == '-' || character == '_') && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let slug: String = slug.trim_matches('-').chars().take(50).collect();
        let slug = slug.trim_end_matches('-').to_owned();
        if Slug::parse("slug", &slug).is_ok() { slug } else { "portfolio".to_owned() }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn title(field: &str, value: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::invalid(field, "required", "enter a title"));
    }
    if value.chars().count() > 200 || value.chars().any(char::is_control) {
        return Err(Error::invalid(field, "too_long", "use at most 200 printable characters"));
    }
    Ok(value.to_owned())
}

fn description(field: &str, value: &str) -> Result<String> {
    if value.chars().count() > 500 {
        return Err(Error::invalid(field, "too_long", "use at most 500 characters"));
    }
    Ok(value.trim().to_owned())
}

/// Where a new portfolio's content comes from.
pub enum Origin {
    Blank,
    /// The demo content, in the design's default style.
    Theme(Theme),
    WorkspaceTemplate(Uuid),
    Document(Document),
}

pub struct NewPortfolio<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub slug: Option<&'a str>,
    pub template: Option<Theme>,
    pub origin: Origin,
}

pub async fn create(
    pool: &PgPool,
    workspace: WorkspaceId,
    actor: UserId,
    request: NewPortfolio<'_>,
) -> Result<Portfolio> {
    let mut transaction = pool.begin().await?;
    let id = create_in(pool, &mut transaction, workspace, actor, request).await?;
    transaction.commit().await?;
    get(pool, id, actor).await
}

/// `create` within the caller's transaction, for a portfolio that must exist exactly when the
/// caller's own writes do (a job recorded done with it).
async fn create_in(
    pool: &PgPool,
    transaction: &mut PgConnection,
    workspace: WorkspaceId,
    actor: UserId,
    request: NewPortfolio<'_>,
) -> Result<PortfolioId> {
    let title = title("title", request.title)?;
    let description = description("description", request.description.unwrap_or(""))?;
    let slug = request.slug.map(|slug| Slug::parse("slug", slug)).transpose()?;
    workspaces::require_role(pool, workspace, actor, Role::Editor).await?;
    let (document, template) = match request.origin {
        Origin::Blank => {
            let theme = request.template.unwrap_or(Theme::Minimal);
            (Document { style: theme.default_style(), ..Document::blank() }, theme)
        }
        Origin::Theme(theme) => (Document { style: theme.default_style(), ..document::demo() }, theme),
        Origin::Document(document) => (document, request.template.unwrap_or(Theme::Minimal)),
        Origin::WorkspaceTemplate(id) => {
            let saved = templates::get(pool, workspace, id).await?;
            (saved.document, request.template.unwrap_or(saved.template))
        }
    };
    let slug = match slug {
        Some(slug) => slug.0,
        None => db::free_slug(&mut *transaction, workspace, &Slug::derive_from(&title)).await?,
    };
    let id = PortfolioId(Uuid::new_v4());
    let fields = db::NewRow { title: &title, description: &description, slug: &slug, template, document: &document };
    db::insert(&mut *transaction, id, workspace, actor, fields).await?;
    versions::append(&mut *transaction, id, actor, "created").await?;
    Ok(id)
}

/// A new portfolio holding `sections` in `theme`'s style, titled by its header's name (a
/// generated or imported draft), created within the caller's transaction: the job that makes
/// it commits with it, so a job run again cannot make a second one.
pub async fn create_from_sections(
    pool: &PgPool,
    transaction: &mut PgConnection,
    workspace: WorkspaceId,
    actor: UserId,
    theme: Theme,
    sections: Vec<document::Section>,
    untitled: &str,
) -> Result<PortfolioId> {
    let title = sections
        .iter()
        .find_map(|section| match section {
            document::Section::Header(header) => Some(header.name.clone()),
            _ => None,
        })
        .unwrap_or_else(|| untitled.to_owned());
    let document = Document { style: theme.default_style(), sections, ..Document::blank() };
    document::check(&document).map_err(Error::InvalidDocument)?;
    let new = NewPortfolio {
        title: &title,
        description: None,
        slug: None,
        template: Some(theme),
        origin: Origin::Document(document),
    };
    create_in(pool, transaction, workspace, actor, new).await
}

/// Whether `id` is a live portfolio of `workspace` (no role checked: the caller has done that).
pub async fn is_in_workspace(executor: &mut PgConnection, workspace: WorkspaceId, id: Uuid) -> Result<bool> {
    let found = sqlx::query_scalar!(
        "SELECT 1 FROM portfolios WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL",
        id,
        workspace.0,
    )
    .fetch_optional(executor)
    .await?;
    Ok(found.is_some())
}

/// The caller's view of a portfolio and their role in its workspace.
pub(crate) async fn load(
    executor: &mut PgConnection,
    id: PortfolioId,
    actor: UserId,
    needed: Role,
) -> Result<(Portfolio, Role)> {
    let (portfolio, role) = db::find(executor, id, actor).await?.ok_or(Error::NotFound)?;
    if role < needed {
        return Err(Error::forbidden("insufficient_role", format!("this needs the {needed} role in the workspace")));
    }
    Ok((portfolio, role))
}

/// Like [`load`], but only portfolios outside the trash.
async fn load_live(executor: &mut PgConnection, id: PortfolioId, actor: UserId, needed: Role) -> Result<Portfolio> {
    let (portfolio, _) = load(executor, id, actor, needed).await?;
    if portfolio.deleted_at.is_some() {
        return Err(Error::NotFound);
    }
    Ok(portfolio)
}

pub async fn get(pool: &PgPool, id: PortfolioId, actor: UserId) -> Result<Portfolio> {
    let mut connection = pool.acquire().await?;
    Ok(load(&mut connection, id, actor, Role::Viewer).await?.0)
}

pub async fn list(pool: &PgPool, workspace: WorkspaceId, actor: UserId, trashed: bool) -> Result<Vec<Portfolio>> {
    workspaces::require_role(pool, workspace, actor, Role::Viewer).await?;
    db::list(pool, workspace, trashed, TRASH_DAYS).await
}

#[derive(Default)]
pub struct Changes<'a> {
    pub title: Option<&'a str>,
    pub description: Option<&'a str>,
    pub slug: Option<&'a str>,
    pub template: Option<Theme>,
}

pub async fn update(pool: &PgPool, id: PortfolioId, actor: UserId, changes: Changes<'_>) -> Result<Portfolio> {
    let title = changes.title.map(|value| title("title", value)).transpose()?;
    let description = changes.description.map(|value| description("description", value)).transpose()?;
    let slug = changes.slug.map(|value| Slug::parse("slug", value)).transpose()?;
    let mut transaction = pool.begin().await?;
    let current = load_live(&mut transaction, id, actor, Role::Editor).await?;
    let update = db::Update {
        title: title.as_deref().unwrap_or(&current.title),
        description: description.as_deref().unwrap_or(&current.description),
        slug: slug.as_ref().map_or(current.slug.as_str(), Slug::as_str),
        template: changes.template.unwrap_or(current.template),
    };
    db::update(&mut transaction, id, &update).await?;
    published::notify_changed(&mut transaction, id).await?;
    transaction.commit().await?;
    get(pool, id, actor).await
}

/// Moves the portfolio to the trash; its page goes offline.
pub async fn trash(pool: &PgPool, id: PortfolioId, actor: UserId) -> Result<()> {
    let mut transaction = pool.begin().await?;
    load_live(&mut transaction, id, actor, Role::Editor).await?;
    db::set_deleted(&mut transaction, id, true).await?;
    published::notify_changed(&mut transaction, id).await?;
    transaction.commit().await?;
    Ok(())
}

/// Brings a portfolio back from the trash within [`TRASH_DAYS`]; its slug gets a suffix if
/// another portfolio took it meanwhile.
pub async fn restore(pool: &PgPool, id: PortfolioId, actor: UserId) -> Result<Portfolio> {
    let mut transaction = pool.begin().await?;
    let (portfolio, _) = load(&mut transaction, id, actor, Role::Editor).await?;
    let Some(deleted_at) = portfolio.deleted_at else {
        return Err(Error::conflict("not_in_trash", None, "this portfolio is not in the trash"));
    };
    if Utc::now() - deleted_at > chrono::Duration::days(TRASH_DAYS) {
        return Err(Error::NotFound);
    }
    let slug = db::free_slug(&mut transaction, portfolio.workspace_id, &portfolio.slug).await?;
    db::set_deleted(&mut transaction, id, false).await?;
    if slug != portfolio.slug {
        db::set_slug(&mut transaction, id, &slug).await?;
    }
    published::notify_changed(&mut transaction, id).await?;
    transaction.commit().await?;
    get(pool, id, actor).await
}

/// A copy with the same content and design, as a draft.
pub async fn duplicate(pool: &PgPool, id: PortfolioId, actor: UserId) -> Result<Portfolio> {
    let mut transaction = pool.begin().await?;
    let source = load_live(&mut transaction, id, actor, Role::Editor).await?;
    let (document, _) = db::document(&mut transaction, id).await?;
    let document = read_stored(document)?;
    let title: String = format!("Copy of {}", source.title).chars().take(200).collect();
    let slug = db::free_slug(&mut transaction, source.workspace_id, &format!("{}-copy", source.slug)).await?;
    let copy = PortfolioId(Uuid::new_v4());
    let fields = db::NewRow {
        title: &title,
        description: &source.description,
        slug: &slug,
        template: source.template,
        document: &document,
    };
    db::insert(&mut transaction, copy, source.workspace_id, actor, fields).await?;
    versions::append(&mut transaction, copy, actor, "created").await?;
    transaction.commit().await?;
    get(pool, copy, actor).await
}

/// A stored document, migrated forward if it was written by an older schema.
pub(crate) fn read_stored(value: Value) -> Result<Document> {
    document::parse(value)
        .map_err(|violations| Error::Internal(anyhow::anyhow!("a stored document no longer reads: {violations:?}")))
}

/// The current document and its revision.
pub async fn document(pool: &PgPool, id: PortfolioId, actor: UserId) -> Result<(Document, i64)> {
    let mut connection = pool.acquire().await?;
    load_live(&mut connection, id, actor, Role::Viewer).await?;
    let (document, revision) = db::document(&mut connection, id).await?;
    Ok((read_stored(document)?, revision))
}

/// Stores `document` if the portfolio is still at `base_revision`; otherwise nothing is
/// written and the error carries the current revision. Returns the new revision. `editor`
/// names the browser tab (or client) saving, whose consecutive saves share one version.
pub async fn save_document(
    pool: &PgPool,
    id: PortfolioId,
    actor: UserId,
    base_revision: i64,
    document: &Document,
    editor: Option<&str>,
) -> Result<i64> {
    let mut transaction = pool.begin().await?;
    load_live(&mut transaction, id, actor, Role::Editor).await?;
    let revision = match db::compare_and_set_document(&mut transaction, id, base_revision, document).await? {
        Some(revision) => revision,
        None => {
            let (_, current) = db::document(&mut transaction, id).await?;
            return Err(Error::StaleRevision { current });
        }
    };
    versions::record_edit(&mut transaction, id, actor, editor).await?;
    notifications::portfolio_activity(&mut transaction, id, actor, false).await?;
    transaction.commit().await?;
    Ok(revision)
}

/// Freezes the current document and design as the published page.
pub async fn publish(pool: &PgPool, id: PortfolioId, actor: UserId) -> Result<Portfolio> {
    let mut transaction = pool.begin().await?;
    load_live(&mut transaction, id, actor, Role::Editor).await?;
    let version = versions::append(&mut transaction, id, actor, "publish").await?;
    db::set_published(&mut transaction, id, Some(version)).await?;
    published::notify_changed(&mut transaction, id).await?;
    notifications::portfolio_activity(&mut transaction, id, actor, true).await?;
    transaction.commit().await?;
    get(pool, id, actor).await
}

pub async fn unpublish(pool: &PgPool, id: PortfolioId, actor: UserId) -> Result<Portfolio> {
    let mut transaction = pool.begin().await?;
    load_live(&mut transaction, id, actor, Role::Editor).await?;
    db::set_published(&mut transaction, id, None).await?;
    published::notify_changed(&mut transaction, id).await?;
    transaction.commit().await?;
    get(pool, id, actor).await
}

/// Makes the portfolio the one shown at the workspace's own address.
pub async fn make_primary(pool: &PgPool, id: PortfolioId, actor: UserId) -> Result<Portfolio> {
    let mut transaction = pool.begin().await?;
    let portfolio = load_live(&mut transaction, id, actor, Role::Editor).await?;
    db::set_primary(&mut transaction, portfolio.workspace_id, id).await?;
    published::notify_changed(&mut transaction, id).await?;
    transaction.commit().await?;
    get(pool, id, actor).await
}

/// Gives a new account one published portfolio per design, with the sample content, the first
/// shown at the workspace's own address. Does nothing if the workspace has portfolios already.
pub async fn seed_demo(pool: &PgPool, owner: UserId) -> Result<Vec<Portfolio>> {
    let workspace = workspaces::list(pool, owner)
        .await?
        .into_iter()
        .find(|workspace| workspace.role == Role::Owner)
        .ok_or(Error::NotFound)?;
    if !list(pool, workspace.id, owner, false).await?.is_empty() {
        return Ok(Vec::new());
    }
    let mut seeded = Vec::new();
    for theme in Theme::ALL {
        let title = format!("Portfolio — {}", theme.name());
        let request = NewPortfolio {
            title: &title,
            description: Some("Backend engineer building payment systems in Rust and Go."),
            slug: Some(theme.id()),
            template: Some(theme),
            origin: Origin::Theme(theme),
        };
        let portfolio = create(pool, workspace.id, owner, request).await?;
        seeded.push(publish(pool, portfolio.id, owner).await?);
    }
    if let Some(first) = seeded.first() {
        make_primary(pool, first.id, owner).await?;
    }
    Ok(seeded)
}
