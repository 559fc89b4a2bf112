//! Bringing a career in (LinkedIn's export, JSON Resume) and taking it out (JSON Resume, a
//! static site). An import is a job whose result is a preview with its report; applying it
//! makes a portfolio or a new version. Another workspace's jobs and portfolios answer 404.

use std::sync::Arc;

use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::types::multipart::Upload;
use poem_openapi::{ApiResponse, Multipart, Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;
use vitrine_core::imports::{self, Kind};
use vitrine_core::portfolios::PortfolioId;
use vitrine_core::workspaces::WorkspaceId;
use vitrine_core::{Error, exports};

use super::ApiTags;
use super::exports::{JobAccepted, JobView};
use crate::State;
use crate::error::{ApiError, ApiResult};
use crate::payload::ApiJson;
use crate::session::Session;

pub struct ImportsApi {
    pub state: Arc<State>,
}

#[derive(Debug, Multipart)]
pub struct ImportRequest {
    /// `linkedin_archive` (the ZIP of "Get a copy of your data", or its CSV files) or
    /// `json_resume` (one resume.json)
    kind: String,
    /// The file(s), at most 20 MB in all
    file: Vec<Upload>,
    /// A portfolio to add the imported entries to; a new portfolio when absent
    portfolio_id: Option<String>,
    /// The design of a new portfolio (`modern` when absent)
    template: Option<String>,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplyRequest {
    /// Ids of the preview's sections to apply; all when absent
    sections: Option<Vec<String>>,
}

#[derive(Debug, Object)]
pub struct Applied {
    /// The portfolio that received the import
    portfolio_id: Uuid,
}

#[derive(ApiResponse)]
pub enum ResumeFile {
    #[oai(status = 200)]
    File(Json<serde_json::Value>, #[oai(header = "Content-Disposition")] String),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Imports")]
impl ImportsApi {
    /// Import a LinkedIn export or a JSON Resume (editors); the job's result is a preview
    /// with a report, applied with `POST /jobs/{id}/apply`
    #[oai(path = "/workspaces/:workspace_id/imports", method = "post", operation_id = "startImport")]
    async fn start(&self, session: Session, workspace_id: Path<Uuid>, body: ImportRequest) -> ApiResult<JobAccepted> {
        let kind = match body.kind.as_str() {
            "linkedin_archive" => Kind::LinkedinArchive,
            "json_resume" => Kind::JsonResume,
            _ => return Err(Error::invalid("kind", "unknown_kind", "choose linkedin_archive or json_resume").into()),
        };
        let portfolio = match body.portfolio_id.as_deref().filter(|id| !id.is_empty()) {
            Some(id) => Some(id.parse::<Uuid>().map_err(|_| {
                Error::invalid("portfolio_id", "invalid_value", "`portfolio_id` is a portfolio's id (a UUID)")
            })?),
            None => None,
        };
        let total: usize = body.file.iter().map(Upload::size).sum();
        if total > imports::MAX_UPLOAD {
            return Err(super::media::too_large("imports may be at most 20 MB"));
        }
        let mut uploads = Vec::new();
        for file in body.file {
            let name = file.file_name().unwrap_or("upload").to_owned();
            let bytes = file.into_vec().await.map_err(|_| {
                ApiError::bad_request("unreadable_upload", "the upload could not be read", Some("file".into()))
            })?;
            uploads.push(imports::Upload { name, bytes });
        }
        let id = imports::request(
            &self.state.pool,
            WorkspaceId(workspace_id.0),
            session.user.id,
            kind,
            uploads,
            portfolio,
            body.template.as_deref(),
        )
        .await?;
        let job = exports::job(&self.state.pool, id, session.user.id).await?;
        Ok(JobAccepted::Accepted(Json(JobView::from(job)), format!("/api/v1/jobs/{id}")))
    }

    /// Apply a finished import (editors): a new portfolio, or a new version of the one it
    /// was for with the new entries added
    #[oai(path = "/jobs/:job_id/apply", method = "post", operation_id = "applyImport")]
    async fn apply(
        &self,
        session: Session,
        job_id: Path<Uuid>,
        body: ApiJson<ApplyRequest>,
    ) -> ApiResult<Json<Applied>> {
        let portfolio = imports::apply(&self.state.pool, job_id.0, session.user.id, body.0.sections.as_deref()).await?;
        Ok(Json(Applied { portfolio_id: portfolio.0 }))
    }

    /// The portfolio as a JSON Resume (members)
    #[oai(path = "/portfolios/:portfolio_id/export/json-resume", method = "get", operation_id = "exportJsonResume")]
    async fn json_resume(&self, session: Session, portfolio_id: Path<Uuid>) -> ApiResult<ResumeFile> {
        let (document, _) =
            vitrine_core::portfolios::document(&self.state.pool, PortfolioId(portfolio_id.0), session.user.id).await?;
        let resume = imports::json_resume::export(&document);
        Ok(ResumeFile::File(Json(resume), "attachment; filename=\"resume.json\"".into()))
    }

    /// Export the portfolio as a static site (members): a ZIP with `index.html`, its fonts and
    /// images; the answer is the job making it
    #[oai(path = "/portfolios/:portfolio_id/exports/static", method = "post", operation_id = "exportStatic")]
    async fn export_static(&self, session: Session, portfolio_id: Path<Uuid>) -> ApiResult<JobAccepted> {
        let job = exports::request_static(&self.state.pool, PortfolioId(portfolio_id.0), session.user.id).await?;
        let location = format!("/api/v1/jobs/{}", job.id);
        Ok(JobAccepted::Accepted(Json(job.into()), location))
    }
}
