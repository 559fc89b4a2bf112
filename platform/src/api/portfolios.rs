//! Portfolios, their document, versions, publishing and access. A portfolio of another
//! workspace answers 404, like one that does not exist.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use vitrine_core::document::Document;
use vitrine_core::portfolios::versions::Version;
use vitrine_core::portfolios::{self, Access, Changes, NewPortfolio, Origin, Portfolio, PortfolioId, access, versions};
use vitrine_core::themes::Theme;
use vitrine_core::workspaces::WorkspaceId;

use super::ApiTags;
use super::auth::NoContent;
use crate::State;
use crate::error::{ApiError, ApiResult};
use crate::payload::{ApiJson, RawDocument};
use crate::session::Session;

pub struct PortfoliosApi {
    pub state: Arc<State>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Deserialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum AccessMode {
    Public,
    Private,
    Password,
    SecretLink,
}

impl From<Access> for AccessMode {
    fn from(access: Access) -> Self {
        match access {
            Access::Public => AccessMode::Public,
            Access::Private => AccessMode::Private,
            Access::Password => AccessMode::Password,
            Access::SecretLink => AccessMode::SecretLink,
        }
    }
}

impl From<AccessMode> for Access {
    fn from(mode: AccessMode) -> Self {
        match mode {
            AccessMode::Public => Access::Public,
            AccessMode::Private => Access::Private,
            AccessMode::Password => Access::Password,
            AccessMode::SecretLink => Access::SecretLink,
        }
    }
}

#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename_all = "snake_case")]
pub enum Status {
    /// Never published, or unpublished
    Draft,
    Published,
}

#[derive(Debug, Object)]
#[oai(rename = "Portfolio", skip_serializing_if_is_none)]
pub struct PortfolioView {
    id: Uuid,
    workspace_id: Uuid,
    title: String,
    description: String,
    /// The page's path under the workspace's address
    slug: String,
    template: Theme,
    access: AccessMode,
    /// Whether a page password is set
    has_password: bool,
    /// The shareable link, when access is `secret_link`
    secret_url: Option<String>,
    status: Status,
    /// The document's current revision; saves name the one they started from
    revision: i64,
    published_revision: Option<i64>,
    /// Edits made since the last publish
    has_unpublished_changes: bool,
    /// Where visitors read it (once published)
    public_url: String,
    /// Shown at the workspace's own address
    is_primary: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    published_at: Option<DateTime<Utc>>,
    /// Set while the portfolio is in the trash
    deleted_at: Option<DateTime<Utc>>,
}

impl PortfolioView {
    fn new(state: &State, portfolio: Portfolio) -> Self {
        let public_url = state.sites.page_url(&portfolio.workspace_handle, Some(&portfolio.slug));
        let secret_url = match (&portfolio.secret_key, portfolio.access) {
            (Some(key), Access::SecretLink) => Some(format!("{public_url}?key={key}")),
            _ => None,
        };
        PortfolioView {
            id: portfolio.id.0,
            workspace_id: portfolio.workspace_id.0,
            title: portfolio.title,
            description: portfolio.description,
            slug: portfolio.slug,
            template: portfolio.template,
            access: portfolio.access.into(),
            has_password: portfolio.has_password,
            secret_url,
            status: if portfolio.published_revision.is_some() { Status::Published } else { Status::Draft },
            revision: portfolio.revision,
            published_revision: portfolio.published_revision,
            has_unpublished_changes: portfolio.published_revision != Some(portfolio.revision),
            public_url,
            is_primary: portfolio.is_primary,
            created_at: portfolio.created_at,
            updated_at: portfolio.updated_at,
            published_at: portfolio.published_at,
            deleted_at: portfolio.deleted_at,
        }
    }
}

#[derive(Debug, Clone, Copy, Enum, Deserialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum StartWith {
    /// No sections, in the template's style
    Blank,
    /// Example sections to replace with your own
    Sample,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreatePortfolioRequest {
    title: String,
    #[serde(default)]
    description: Option<String>,
    /// Derived from the title when absent
    #[serde(default)]
    slug: Option<String>,
    /// The design; `minimal` when absent
    #[serde(default)]
    template: Option<Theme>,
    /// With a template: start blank (the default) or from its sample content
    #[serde(default)]
    start_with: Option<StartWith>,
    /// Start from a template saved in this workspace
    #[serde(default)]
    workspace_template_id: Option<Uuid>,
    /// Start from this document
    #[serde(default)]
    document: Option<RawDocument>,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdatePortfolioRequest {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    template: Option<Theme>,
}

#[derive(Debug, Object, Serialize)]
pub struct DocumentView {
    revision: i64,
    document: Document,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveDocumentRequest {
    /// The revision this document was based on (or send it as `If-Match`)
    #[serde(default)]
    base_revision: Option<i64>,
    document: RawDocument,
}

#[derive(Debug, Object, Serialize)]
pub struct SavedView {
    /// The new revision; base the next save on it
    revision: i64,
}

#[derive(Debug, Object)]
#[oai(rename = "Version", skip_serializing_if_is_none)]
pub struct VersionView {
    id: Uuid,
    portfolio_id: Uuid,
    revision: i64,
    template: Theme,
    /// `created`, `edit`, `restore`, `publish` or `snapshot`
    kind: String,
    name: Option<String>,
    author_name: Option<String>,
    /// The version this one restored
    restored_from: Option<Uuid>,
    created_at: DateTime<Utc>,
    /// Later edits may have joined an `edit` version; this is the last
    updated_at: DateTime<Utc>,
}

impl From<Version> for VersionView {
    fn from(version: Version) -> Self {
        VersionView {
            id: version.id,
            portfolio_id: version.portfolio_id.0,
            revision: version.revision,
            template: version.template,
            kind: version.kind,
            name: version.name,
            author_name: version.author_name,
            restored_from: version.restored_from,
            created_at: version.created_at,
            updated_at: version.updated_at,
        }
    }
}

#[derive(Debug, Object, Serialize)]
pub struct VersionDocumentView {
    id: Uuid,
    portfolio_id: Uuid,
    revision: i64,
    template: Theme,
    kind: String,
    created_at: DateTime<Utc>,
    document: Document,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessRequest {
    mode: AccessMode,
    /// Required to switch to `password` (unless one is set); changing it signs visitors out
    #[serde(default)]
    password: Option<String>,
}

#[derive(ApiResponse)]
pub enum PortfolioCreated {
    #[oai(status = 201)]
    Created(Json<PortfolioView>),
}

#[derive(ApiResponse)]
pub enum DocumentResponse {
    #[oai(status = 200)]
    Ok(ApiJson<DocumentView>, #[oai(header = "ETag")] String),
}

fn portfolio_id(path: &Path<Uuid>) -> PortfolioId {
    PortfolioId(path.0)
}

/// `If-Match: "7"` (or `7`) names revision 7.
fn revision_from_if_match(header: &str) -> Result<i64, ApiError> {
    header.trim().trim_start_matches("W/").trim_matches('"').parse().map_err(|_| {
        ApiError::bad_request("invalid_if_match", "If-Match must be a revision, like \"7\"", Some("If-Match".into()))
    })
}

impl PortfoliosApi {
    /// The answer for a change that may alter a published page: this replica forgets its
    /// cached addresses at once; the others hear of it through Postgres.
    fn changed(&self, portfolio: Portfolio) -> Json<PortfolioView> {
        self.state.pages.forget_all();
        Json(PortfolioView::new(&self.state, portfolio))
    }
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Portfolios")]
impl PortfoliosApi {
    /// The workspace's portfolios, most recently edited first; `trashed=true` lists the trash
    #[oai(path = "/workspaces/:workspace_id/portfolios", method = "get", operation_id = "listPortfolios")]
    async fn list(
        &self,
        session: Session,
        workspace_id: Path<Uuid>,
        trashed: Query<Option<bool>>,
    ) -> ApiResult<Json<Vec<PortfolioView>>> {
        let list = portfolios::list(
            &self.state.pool,
            WorkspaceId(workspace_id.0),
            session.user.id,
            trashed.0.unwrap_or(false),
        )
        .await?;
        Ok(Json(list.into_iter().map(|portfolio| PortfolioView::new(&self.state, portfolio)).collect()))
    }

    /// Create a portfolio: blank, from a template (its sample content or blank), from a
    /// workspace template, or from a posted document
    #[oai(path = "/workspaces/:workspace_id/portfolios", method = "post", operation_id = "createPortfolio")]
    async fn create(
        &self,
        session: Session,
        workspace_id: Path<Uuid>,
        body: ApiJson<CreatePortfolioRequest>,
    ) -> ApiResult<PortfolioCreated> {
        let request = body.0;
        let origin = match (request.document, request.workspace_template_id, request.start_with) {
            (Some(_), Some(_), _) => {
                return Err(ApiError::unprocessable(
                    "conflicting_origin",
                    "send either a document or a workspace template, not both",
                    Some("workspace_template_id".into()),
                ));
            }
            (Some(document), None, _) => Origin::Document(document.parse("document")?),
            (None, Some(id), _) => Origin::WorkspaceTemplate(id),
            (None, None, Some(StartWith::Sample)) => Origin::Theme(request.template.unwrap_or(Theme::Minimal)),
            (None, None, _) => Origin::Blank,
        };
        let portfolio = portfolios::create(
            &self.state.pool,
            WorkspaceId(workspace_id.0),
            session.user.id,
            NewPortfolio {
                title: &request.title,
                description: request.description.as_deref(),
                slug: request.slug.as_deref(),
                template: request.template,
                origin,
            },
        )
        .await?;
        Ok(PortfolioCreated::Created(Json(PortfolioView::new(&self.state, portfolio))))
    }

    #[oai(path = "/portfolios/:portfolio_id", method = "get", operation_id = "getPortfolio")]
    async fn get(&self, session: Session, portfolio_id: Path<Uuid>) -> ApiResult<Json<PortfolioView>> {
        let portfolio = portfolios::get(&self.state.pool, self::portfolio_id(&portfolio_id), session.user.id).await?;
        Ok(Json(PortfolioView::new(&self.state, portfolio)))
    }

    /// Rename, change the slug, the description or the design
    #[oai(path = "/portfolios/:portfolio_id", method = "patch", operation_id = "updatePortfolio")]
    async fn update(
        &self,
        session: Session,
        portfolio_id: Path<Uuid>,
        body: ApiJson<UpdatePortfolioRequest>,
    ) -> ApiResult<Json<PortfolioView>> {
        let request = body.0;
        let changes = Changes {
            title: request.title.as_deref(),
            description: request.description.as_deref(),
            slug: request.slug.as_deref(),
            template: request.template,
        };
        let portfolio =
            portfolios::update(&self.state.pool, self::portfolio_id(&portfolio_id), session.user.id, changes).await?;
        Ok(self.changed(portfolio))
    }

    /// Move to the trash (restorable for 30 days); the public page goes offline
    #[oai(path = "/portfolios/:portfolio_id", method = "delete", operation_id = "deletePortfolio")]
    async fn delete(&self, session: Session, portfolio_id: Path<Uuid>) -> ApiResult<NoContent> {
        let id = self::portfolio_id(&portfolio_id);
        portfolios::trash(&self.state.pool, id, session.user.id).await?;
        self.state.pages.forget_all();
        Ok(NoContent::Done)
    }

    /// Bring a portfolio back from the trash
    #[oai(path = "/portfolios/:portfolio_id/restore", method = "post", operation_id = "restorePortfolio")]
    async fn restore(&self, session: Session, portfolio_id: Path<Uuid>) -> ApiResult<Json<PortfolioView>> {
        let portfolio =
            portfolios::restore(&self.state.pool, self::portfolio_id(&portfolio_id), session.user.id).await?;
        Ok(self.changed(portfolio))
    }

    /// A draft copy with the same content and design
    #[oai(path = "/portfolios/:portfolio_id/duplicate", method = "post", operation_id = "duplicatePortfolio")]
    async fn duplicate(&self, session: Session, portfolio_id: Path<Uuid>) -> ApiResult<PortfolioCreated> {
        let portfolio =
            portfolios::duplicate(&self.state.pool, self::portfolio_id(&portfolio_id), session.user.id).await?;
        Ok(PortfolioCreated::Created(Json(PortfolioView::new(&self.state, portfolio))))
    }

    /// The current document and its revision (also in `ETag`)
    #[oai(path = "/portfolios/:portfolio_id/document", method = "get", operation_id = "getDocument")]
    async fn document(&self, session: Session, portfolio_id: Path<Uuid>) -> ApiResult<DocumentResponse> {
        let (document, revision) =
            portfolios::document(&self.state.pool, self::portfolio_id(&portfolio_id), session.user.id).await?;
        Ok(DocumentResponse::Ok(ApiJson(DocumentView { revision, document }), format!("\"{revision}\"")))
    }

    /// Save the document. It must name the revision it was based on (`base_revision` or
    /// `If-Match`); if another save came first the answer is 409 with the current revision
    /// and nothing is written
    #[oai(path = "/portfolios/:portfolio_id/document", method = "put", operation_id = "saveDocument")]
    async fn save_document(
        &self,
        session: Session,
        portfolio_id: Path<Uuid>,
        #[oai(name = "If-Match")] if_match: Header<Option<String>>,
        /// Names the editor (a browser tab) saving: its consecutive saves join one version
        #[oai(name = "X-Editor-Id")]
        editor_id: Header<Option<String>>,
        body: ApiJson<SaveDocumentRequest>,
    ) -> ApiResult<ApiJson<SavedView>> {
        let request = body.0;
        let editor = editor_id.0.as_deref().map(str::trim).filter(|editor| !editor.is_empty());
        if editor.is_some_and(|editor| editor.len() > 64) {
            return Err(ApiError::bad_request(
                "invalid_editor_id",
                "X-Editor-Id is at most 64 characters",
                Some("X-Editor-Id".into()),
            ));
        }
        let from_header = if_match.0.as_deref().map(revision_from_if_match).transpose()?;
        let base = match (request.base_revision, from_header) {
            (Some(body), Some(header)) if body != header => {
                return Err(ApiError::unprocessable(
                    "revision_mismatch",
                    "base_revision and If-Match name different revisions",
                    Some("base_revision".into()),
                ));
            }
            (Some(revision), _) | (None, Some(revision)) => revision,
            (None, None) => {
                return Err(ApiError::unprocessable(
                    "missing_field",
                    "name the revision this document was based on, in `base_revision` or If-Match",
                    Some("base_revision".into()),
                ));
            }
        };
        let document = request.document.parse("document")?;
        let revision = portfolios::save_document(
            &self.state.pool,
            self::portfolio_id(&portfolio_id),
            session.user.id,
            base,
            &document,
            editor,
        )
        .await?;
        Ok(ApiJson(SavedView { revision }))
    }

    /// Publish the current document: visitors see this revision until the next publish
    #[oai(path = "/portfolios/:portfolio_id/publish", method = "post", operation_id = "publishPortfolio")]
    async fn publish(&self, session: Session, portfolio_id: Path<Uuid>) -> ApiResult<Json<PortfolioView>> {
        let portfolio =
            portfolios::publish(&self.state.pool, self::portfolio_id(&portfolio_id), session.user.id).await?;
        Ok(self.changed(portfolio))
    }

    /// Take the public page offline; the document and history stay
    #[oai(path = "/portfolios/:portfolio_id/unpublish", method = "post", operation_id = "unpublishPortfolio")]
    async fn unpublish(&self, session: Session, portfolio_id: Path<Uuid>) -> ApiResult<Json<PortfolioView>> {
        let portfolio =
            portfolios::unpublish(&self.state.pool, self::portfolio_id(&portfolio_id), session.user.id).await?;
        Ok(self.changed(portfolio))
    }

    /// Show this portfolio at the workspace's own address (`{handle}.{domain}/`)
    #[oai(path = "/portfolios/:portfolio_id/make-primary", method = "post", operation_id = "makePrimaryPortfolio")]
    async fn make_primary(&self, session: Session, portfolio_id: Path<Uuid>) -> ApiResult<Json<PortfolioView>> {
        let portfolio =
            portfolios::make_primary(&self.state.pool, self::portfolio_id(&portfolio_id), session.user.id).await?;
        Ok(self.changed(portfolio))
    }

    /// Who may see the published page: everyone, members, holders of a password or of a
    /// secret link
    #[oai(path = "/portfolios/:portfolio_id/access", method = "put", operation_id = "setPortfolioAccess")]
    async fn set_access(
        &self,
        session: Session,
        portfolio_id: Path<Uuid>,
        body: ApiJson<AccessRequest>,
    ) -> ApiResult<Json<PortfolioView>> {
        let request = body.0;
        let portfolio = access::set(
            &self.state.pool,
            self::portfolio_id(&portfolio_id),
            session.user.id,
            request.mode.into(),
            request.password.as_deref(),
        )
        .await?;
        Ok(self.changed(portfolio))
    }

    /// A new secret link; the old one stops working
    #[oai(
        path = "/portfolios/:portfolio_id/access/rotate-secret",
        method = "post",
        operation_id = "rotatePortfolioSecret"
    )]
    async fn rotate_secret(&self, session: Session, portfolio_id: Path<Uuid>) -> ApiResult<Json<PortfolioView>> {
        let portfolio =
            access::rotate_secret(&self.state.pool, self::portfolio_id(&portfolio_id), session.user.id).await?;
        Ok(self.changed(portfolio))
    }

    /// The portfolio's versions, newest first
    #[oai(path = "/portfolios/:portfolio_id/versions", method = "get", operation_id = "listVersions")]
    async fn versions(&self, session: Session, portfolio_id: Path<Uuid>) -> ApiResult<Json<Vec<VersionView>>> {
        let list = versions::list(&self.state.pool, self::portfolio_id(&portfolio_id), session.user.id).await?;
        Ok(Json(list.into_iter().map(Into::into).collect()))
    }

    /// One version with its document
    #[oai(path = "/versions/:version_id", method = "get", operation_id = "getVersion")]
    async fn version(&self, session: Session, version_id: Path<Uuid>) -> ApiResult<ApiJson<VersionDocumentView>> {
        let (version, document) = versions::get(&self.state.pool, version_id.0, session.user.id).await?;
        Ok(ApiJson(VersionDocumentView {
            id: version.id,
            portfolio_id: version.portfolio_id.0,
            revision: version.revision,
            template: version.template,
            kind: version.kind,
            created_at: version.created_at,
            document,
        }))
    }

    /// Make this version's document and design current again, as a new revision
    #[oai(path = "/versions/:version_id/restore", method = "post", operation_id = "restoreVersion")]
    async fn restore_version(&self, session: Session, version_id: Path<Uuid>) -> ApiResult<Json<PortfolioView>> {
        let portfolio = versions::restore(&self.state.pool, version_id.0, session.user.id).await?;
        Ok(Json(PortfolioView::new(&self.state, portfolio)))
    }
}
