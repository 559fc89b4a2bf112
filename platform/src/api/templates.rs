//! The designs a portfolio can start from: the built-in ones and those saved by a workspace;
//! the document's JSON Schema; and the renderer as a service for the editor's canvas.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem_openapi::param::Path;
use poem_openapi::payload::{Html, Json};
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;
use vitrine_core::document;
use vitrine_core::portfolios::PortfolioId;
use vitrine_core::portfolios::templates::{self, WorkspaceTemplate};
use vitrine_core::render::{self, Page};
use vitrine_core::themes::Theme;
use vitrine_core::workspaces::WorkspaceId;

use super::ApiTags;
use super::auth::NoContent;
use crate::State;
use crate::error::{ApiError, ApiResult};
use crate::payload::{ApiJson, RawDocument};
use crate::session::Session;

pub struct TemplatesApi {
    pub state: Arc<State>,
}

#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename_all = "snake_case")]
pub enum TemplateKind {
    /// One of Vitrine's designs
    Builtin,
    /// A portfolio saved as a template by this workspace
    Workspace,
}

#[derive(Debug, Object)]
#[oai(rename = "Template", skip_serializing_if_is_none)]
pub struct TemplateView {
    /// The design's name (`minimal`…) for built-in templates, a UUID for workspace ones
    id: String,
    kind: TemplateKind,
    name: String,
    description: String,
    /// The design it uses
    template: Theme,
    /// The template drawn with sample content, as a page
    preview_url: String,
    /// A small picture of it
    thumbnail_url: String,
    created_at: Option<DateTime<Utc>>,
}

fn builtin(theme: Theme) -> TemplateView {
    TemplateView {
        id: theme.id().to_owned(),
        kind: TemplateKind::Builtin,
        name: theme.name().to_owned(),
        description: theme.description().to_owned(),
        template: theme,
        preview_url: format!("/api/v1/templates/{}/preview", theme.id()),
        thumbnail_url: format!("/assets/previews/{}.png", theme.id()),
        created_at: None,
    }
}

fn saved(template: WorkspaceTemplate) -> TemplateView {
    TemplateView {
        id: template.id.to_string(),
        kind: TemplateKind::Workspace,
        name: template.name,
        description: template.description,
        template: template.template,
        preview_url: format!("/api/v1/workspaces/{}/templates/{}/preview", template.workspace_id.0, template.id),
        thumbnail_url: format!("/assets/previews/{}.png", template.template.id()),
        created_at: Some(template.created_at),
    }
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveAsTemplateRequest {
    name: String,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    document: RawDocument,
    template: Theme,
}

#[derive(ApiResponse)]
pub enum TemplateCreated {
    #[oai(status = 201)]
    Created(Json<TemplateView>),
}

/// A page drawn for the dashboard: never indexed, never stored by a shared cache.
#[derive(ApiResponse)]
pub enum Drawn {
    #[oai(status = 200)]
    Ok(Html<String>, #[oai(header = "Cache-Control")] String, #[oai(header = "X-Robots-Tag")] String),
}

fn drawn(html: String) -> Drawn {
    Drawn::Ok(Html(html), "private, no-store".into(), "noindex".into())
}

fn preview_page() -> Page<'static> {
    Page { title: "Preview", description: "", canonical_url: None, indexable: false, assets_base: "", page_size: None }
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Templates")]
impl TemplatesApi {
    /// Vitrine's designs
    #[oai(path = "/templates", method = "get", operation_id = "listTemplates")]
    async fn list_builtin(&self) -> Json<Vec<TemplateView>> {
        Json(Theme::ALL.into_iter().map(builtin).collect())
    }

    /// A built-in design drawn with sample content
    #[oai(path = "/templates/:template/preview", method = "get", operation_id = "previewTemplate")]
    async fn preview_builtin(&self, template: Path<String>) -> ApiResult<Drawn> {
        let theme = Theme::parse(&template.0).ok_or_else(ApiError::not_found)?;
        let sample = document::Document { style: theme.default_style(), ..document::demo() };
        Ok(drawn(render::render(&sample, theme, &preview_page())))
    }

    /// The built-in designs and the workspace's own templates
    #[oai(path = "/workspaces/:workspace_id/templates", method = "get", operation_id = "listWorkspaceTemplates")]
    async fn list_workspace(&self, session: Session, workspace_id: Path<Uuid>) -> ApiResult<Json<Vec<TemplateView>>> {
        let own = templates::list(&self.state.pool, WorkspaceId(workspace_id.0), session.user.id).await?;
        Ok(Json(Theme::ALL.into_iter().map(builtin).chain(own.into_iter().map(saved)).collect()))
    }

    /// A workspace template drawn as a page
    #[oai(
        path = "/workspaces/:workspace_id/templates/:template_id/preview",
        method = "get",
        operation_id = "previewWorkspaceTemplate"
    )]
    async fn preview_workspace(
        &self,
        session: Session,
        workspace_id: Path<Uuid>,
        template_id: Path<Uuid>,
    ) -> ApiResult<Drawn> {
        let own = templates::list(&self.state.pool, WorkspaceId(workspace_id.0), session.user.id).await?;
        let template = own.into_iter().find(|template| template.id == template_id.0).ok_or_else(ApiError::not_found)?;
        Ok(drawn(render::render(&template.document, template.template, &preview_page())))
    }

    /// Delete a workspace template (editors)
    #[oai(
        path = "/workspaces/:workspace_id/templates/:template_id",
        method = "delete",
        operation_id = "deleteWorkspaceTemplate"
    )]
    async fn delete(
        &self,
        session: Session,
        workspace_id: Path<Uuid>,
        template_id: Path<Uuid>,
    ) -> ApiResult<NoContent> {
        templates::delete(&self.state.pool, WorkspaceId(workspace_id.0), template_id.0, session.user.id).await?;
        Ok(NoContent::Done)
    }

    /// Save the portfolio's current document and design as a template of its workspace
    #[oai(
        path = "/portfolios/:portfolio_id/save-as-template",
        method = "post",
        operation_id = "saveAsTemplate",
        tag = "ApiTags::Portfolios"
    )]
    async fn save_as_template(
        &self,
        session: Session,
        portfolio_id: Path<Uuid>,
        body: ApiJson<SaveAsTemplateRequest>,
    ) -> ApiResult<TemplateCreated> {
        let template = templates::save_from(
            &self.state.pool,
            PortfolioId(portfolio_id.0),
            session.user.id,
            &body.0.name,
            body.0.description.as_deref(),
        )
        .await?;
        Ok(TemplateCreated::Created(Json(saved(template))))
    }

    /// The document's JSON Schema
    #[oai(path = "/schema/document", method = "get", operation_id = "getDocumentSchema", tag = "ApiTags::Documents")]
    async fn schema(&self) -> Json<serde_json::Value> {
        Json(document::json_schema())
    }

    /// Draw a document as the public page would look, for the editor's canvas. Each section
    /// carries `data-section-id`
    #[oai(path = "/render/preview", method = "post", operation_id = "renderPreview", tag = "ApiTags::Documents")]
    async fn preview(&self, _session: Session, body: ApiJson<PreviewRequest>) -> ApiResult<Drawn> {
        let request = body.0;
        let document = request.document.parse("document")?;
        Ok(drawn(render::render(&document, request.template, &preview_page())))
    }
}
