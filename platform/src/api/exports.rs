//! Exports and the jobs that make them: ask for a PDF, watch the job, download the file.
//! Jobs and exports of another workspace answer 404.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem::Body;
use poem_openapi::param::Path;
use poem_openapi::payload::{Binary, Json};
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;
use vitrine_core::exports::{self, Job, Status};
use vitrine_core::portfolios::PortfolioId;
use vitrine_core::render::PageSize;

use super::ApiTags;
use crate::State;
use crate::error::ApiResult;
use crate::payload::ApiJson;
use crate::session::Session;

pub struct ExportsApi {
    pub state: Arc<State>,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PdfExportRequest {
    /// A revision from the portfolio's versions; the current document when absent
    revision: Option<i64>,
    /// A4 when absent
    page_size: Option<PageSize>,
}

#[derive(Debug, Object)]
#[oai(rename = "Job", skip_serializing_if_is_none)]
pub struct JobView {
    id: Uuid,
    workspace_id: Uuid,
    portfolio_id: Option<Uuid>,
    /// `pdf_export` or `ai_generation`
    kind: String,
    /// Queued, running, done or failed (after its retries)
    status: Status,
    /// Percent done
    progress: i16,
    /// Why the last attempt failed
    error: Option<String>,
    created_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
    /// Where the result is downloaded, once done and until `expires_at`
    download_url: Option<String>,
    filename: Option<String>,
    size_bytes: Option<i64>,
    pages: Option<i32>,
    expires_at: Option<DateTime<Utc>>,
    /// What a generation produced, once done: `{"kind": "portfolio", "portfolio_id"}` for a new
    /// portfolio, or `{"kind": "preview", "sections": [...]}` to insert into the job's portfolio
    result: Option<serde_json::Value>,
}

impl From<Job> for JobView {
    fn from(job: Job) -> Self {
        let export = job.export;
        JobView {
            id: job.id,
            workspace_id: job.workspace_id.0,
            portfolio_id: job.portfolio_id,
            kind: job.kind,
            status: job.status,
            progress: job.progress,
            error: job.error,
            created_at: job.created_at,
            finished_at: job.finished_at,
            download_url: export.as_ref().map(|export| format!("/api/v1/exports/{}/download", export.id)),
            filename: export.as_ref().map(|export| export.filename.clone()),
            size_bytes: export.as_ref().map(|export| export.size_bytes),
            pages: export.as_ref().and_then(|export| export.pages),
            expires_at: export.as_ref().map(|export| export.expires_at),
            result: job.result,
        }
    }
}

#[derive(ApiResponse)]
pub enum JobAccepted {
    /// The job is queued; follow it at `/api/v1/jobs/{id}`
    #[oai(status = 202)]
    Accepted(Json<JobView>, #[oai(header = "Location")] String),
}

#[derive(ApiResponse)]
pub enum FileDownload {
    #[oai(status = 200)]
    File(
        Binary<Body>,
        #[oai(header = "Content-Type")] String,
        #[oai(header = "Content-Disposition")] String,
        #[oai(header = "Cache-Control")] String,
    ),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Exports")]
impl ExportsApi {
    /// Export a PDF of the portfolio (members of its workspace); the answer is the job making it
    #[oai(path = "/portfolios/:portfolio_id/exports/pdf", method = "post", operation_id = "exportPdf")]
    async fn export_pdf(
        &self,
        session: Session,
        portfolio_id: Path<Uuid>,
        body: ApiJson<PdfExportRequest>,
    ) -> ApiResult<JobAccepted> {
        let page_size = body.0.page_size.unwrap_or(PageSize::A4);
        let job = exports::request_pdf(
            &self.state.pool,
            PortfolioId(portfolio_id.0),
            session.user.id,
            body.0.revision,
            page_size,
        )
        .await?;
        let location = format!("/api/v1/jobs/{}", job.id);
        Ok(JobAccepted::Accepted(Json(job.into()), location))
    }

    /// A job's status, progress and, once done, its result
    #[oai(path = "/jobs/:job_id", method = "get", operation_id = "getJob")]
    async fn job(&self, session: Session, job_id: Path<Uuid>) -> ApiResult<Json<JobView>> {
        Ok(Json(exports::job(&self.state.pool, job_id.0, session.user.id).await?.into()))
    }

    /// Download an export (members of its workspace) until it expires; then 410
    #[oai(path = "/exports/:export_id/download", method = "get", operation_id = "downloadExport")]
    async fn download(&self, session: Session, export_id: Path<Uuid>) -> ApiResult<FileDownload> {
        let file = exports::download(&self.state.pool, &self.state.media, export_id.0, session.user.id).await?;
        // The name is ours (a slug), so it needs no quoting beyond the quotes.
        let disposition = format!("attachment; filename=\"{}\"", file.filename);
        Ok(FileDownload::File(Binary(file.bytes.into()), file.content_type, disposition, "private, no-store".into()))
    }
}
