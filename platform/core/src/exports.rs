//! Exports a person asks for and downloads later: a PDF of a portfolio. Asking records a job
//! (what the person watches) and enqueues its run in one transaction; the worker renders the
//! file, stores it, and marks the job done. Files expire after [`EXPORT_DAYS`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::accounts::UserId;
use crate::document::Document;
use crate::jobs::{self, EXPORT_QUEUE, RenderPdf};
use crate::media::MediaStore;
use crate::notifications;
use crate::portfolios::{self, PortfolioId};
use crate::render::PageSize;
use crate::themes::Theme;
use crate::workspaces::{Role, WorkspaceId};
use crate::{Error, Result};

/// How long an export can be downloaded.
pub const EXPORT_DAYS: i64 = 7;
/// Finished jobs are listed this long, then forgotten.
const JOB_DAYS: i64 = 30;

/// What a PDF export renders, frozen when it was asked for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PdfInput {
    pub revision: i64,
    pub page_size: PageSize,
    pub title: String,
    pub template: String,
    pub document: Value,
}

impl PdfInput {
    pub fn theme(&self) -> Theme {
        Theme::parse(&self.template).unwrap_or(Theme::Minimal)
    }

    pub fn document(&self) -> Result<Document> {
        portfolios::read_stored(self.document.clone())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, poem_openapi::Enum)]
#[oai(rename = "JobStatus", rename_all = "snake_case")]
pub enum Status {
    Queued,
    Running,
    Done,
    Failed,
}

impl Status {
    fn parse(value: &str) -> Status {
        match value {
            "running" => Status::Running,
            "done" => Status::Done,
            "failed" => Status::Failed,
            _ => Status::Queued,
        }
    }
}

/// A job as its owner sees it.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: Uuid,
    pub workspace_id: WorkspaceId,
    pub portfolio_id: Option<Uuid>,
    pub kind: String,
    pub status: Status,
    pub progress: i16,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub export: Option<Export>,
    /// What a generation produced (see `ai::generation::Outcome`).
    pub result: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct Export {
    pub id: Uuid,
    pub filename: String,
    pub size_bytes: i64,
    pub pages: Option<i32>,
    pub expires_at: DateTime<Utc>,
}

/// Asks for a PDF of the portfolio at `revision` (the current one when `None`).
pub async fn request_pdf(
    pool: &PgPool,
    portfolio: PortfolioId,
    actor: UserId,
    revision: Option<i64>,
    page_size: PageSize,
) -> Result<Job> {
    request(pool, portfolio, actor, revision, page_size, "pdf_export").await
}

/// Asks for the portfolio as a static site: a ZIP of its page, styles, fonts and images.
pub async fn request_static(pool: &PgPool, portfolio: PortfolioId, actor: UserId) -> Result<Job> {
    request(pool, portfolio, actor, None, PageSize::A4, "static_export").await
}

async fn request(
    pool: &PgPool,
    portfolio: PortfolioId,
    actor: UserId,
    revision: Option<i64>,
    page_size: PageSize,
    kind: &str,
) -> Result<Job> {
    let mut transaction = pool.begin().await?;
    let (found, _) = portfolios::load(&mut transaction, portfolio, actor, Role::Viewer).await?;
    if found.deleted_at.is_some() {
        return Err(Error::NotFound);
    }
    let (document, template, revision) = match revision {
        None => {
            let row = sqlx::query!("SELECT document, template, revision FROM portfolios WHERE id = $1", portfolio.0)
                .fetch_one(&mut *transaction)
                .await?;
            (row.document, row.template, row.revision)
        }
        Some(revision) => {
            let row = sqlx::query!(
                "SELECT document, template FROM portfolio_versions WHERE portfolio_id = $1 AND revision = $2
                 ORDER BY created_at DESC LIMIT 1",
                portfolio.0,
                revision,
            )
            .fetch_optional(&mut *transaction)
            .await?
            .ok_or_else(|| {
                Error::invalid("revision", "unknown_revision", "no version of this portfolio has that revision")
            })?;
            (row.document, row.template, revision)
        }
    };
    let input = PdfInput { revision, page_size, title: found.title.clone(), template, document };
    let input = serde_json::to_value(&input).map_err(|error| anyhow::anyhow!("encoding an export's input: {error}"))?;
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO jobs (id, workspace_id, portfolio_id, kind, input, created_by) VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        found.workspace_id.0,
        portfolio.0,
        kind,
        input,
        actor.0,
    )
    .execute(&mut *transaction)
    .await?;
    jobs::enqueue(&mut transaction, EXPORT_QUEUE, &RenderPdf { job_id: id }).await?;
    transaction.commit().await?;
    job(pool, id, actor).await
}

/// A job of a workspace the caller is a member of.
pub async fn job(pool: &PgPool, id: Uuid, actor: UserId) -> Result<Job> {
    let row = sqlx::query!(
        r#"SELECT j.id, j.workspace_id, j.portfolio_id, j.kind, j.status, j.progress, j.error, j.created_at,
                  j.finished_at, j.result, e.id AS "export_id?", e.filename AS "filename?", e.size_bytes AS "size_bytes?",
                  e.pages, e.expires_at AS "expires_at?"
           FROM jobs j
           JOIN workspace_members m ON m.workspace_id = j.workspace_id AND m.user_id = $2
           LEFT JOIN exports e ON e.job_id = j.id
           WHERE j.id = $1"#,
        id,
        actor.0,
    )
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)?;
    let export = match (row.export_id, row.filename, row.size_bytes, row.expires_at) {
        (Some(id), Some(filename), Some(size_bytes), Some(expires_at)) => {
            Some(Export { id, filename, size_bytes, pages: row.pages, expires_at })
        }
        _ => None,
    };
    Ok(Job {
        id: row.id,
        workspace_id: WorkspaceId(row.workspace_id),
        portfolio_id: row.portfolio_id,
        kind: row.kind,
        status: Status::parse(&row.status),
        progress: row.progress,
        error: row.error,
        created_at: row.created_at,
        finished_at: row.finished_at,
        export,
        result: row.result,
    })
}

/// A downloadable file: its name, type and bytes.
pub struct Download {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The file of an export, for a member of its workspace, until it expires.
pub async fn download(pool: &PgPool, store: &MediaStore, id: Uuid, actor: UserId) -> Result<Download> {
    let row = sqlx::query!(
        "SELECT e.filename, e.content_type, e.storage_key, e.expires_at
         FROM exports e
         JOIN workspace_members m ON m.workspace_id = e.workspace_id AND m.user_id = $2
         WHERE e.id = $1",
        id,
        actor.0,
    )
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)?;
    if row.expires_at <= Utc::now() {
        return Err(Error::Gone { code: "export_expired", message: "this export has expired; export again".into() });
    }
    let bytes = store.get(&row.storage_key).await?.ok_or(Error::Gone {
        code: "export_expired",
        message: "this export is no longer stored; export again".into(),
    })?;
    Ok(Download { filename: row.filename, content_type: row.content_type, bytes })
}

/// The worker's side of a job run.
pub mod run {
    use super::*;

    /// What a run works on.
    pub struct Claimed {
        /// `pdf_export` or `static_export`
        pub kind: String,
        pub workspace_id: WorkspaceId,
        pub owner: Option<UserId>,
        pub input: PdfInput,
        /// An export a previous run stored already: this run has nothing left to do.
        pub finished: bool,
    }

    /// Marks the job running and returns its input; `None` when the job no longer exists.
    pub async fn start(pool: &PgPool, id: Uuid) -> Result<Option<Claimed>> {
        let Some(row) = sqlx::query!(
            r#"UPDATE jobs SET status = CASE WHEN status = 'done' THEN status ELSE 'running' END,
                              started_at = coalesce(started_at, now()), error = NULL
               WHERE id = $1
               RETURNING kind, workspace_id, created_by, input, status,
                         EXISTS (SELECT 1 FROM exports e WHERE e.job_id = jobs.id) AS "exported!""#,
            id,
        )
        .fetch_optional(pool)
        .await?
        else {
            return Ok(None);
        };
        let input: PdfInput = serde_json::from_value(row.input)
            .map_err(|error| anyhow::anyhow!("the job's input does not read: {error}"))?;
        Ok(Some(Claimed {
            kind: row.kind,
            workspace_id: WorkspaceId(row.workspace_id),
            owner: row.created_by.map(UserId),
            input,
            finished: row.exported,
        }))
    }

    pub async fn progress(pool: &PgPool, id: Uuid, percent: i16) -> Result<()> {
        sqlx::query!("UPDATE jobs SET progress = $2 WHERE id = $1 AND status = 'running'", id, percent)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// A file the run produced, to be recorded with its job.
    pub struct Produced<'a> {
        pub filename: &'a str,
        pub content_type: &'a str,
        pub storage_key: &'a str,
        pub size_bytes: i64,
        pub pages: Option<i32>,
    }

    /// Records the export and marks the job done, in one transaction. `connection` is the
    /// caller's transaction, so a notification can join it.
    pub async fn finish(connection: &mut PgConnection, id: Uuid, claimed: &Claimed, file: Produced<'_>) -> Result<()> {
        sqlx::query!(
            "INSERT INTO exports (id, job_id, workspace_id, portfolio_id, filename, content_type, storage_key,
                                  size_bytes, pages, expires_at)
             SELECT $1, j.id, j.workspace_id, j.portfolio_id, $3, $4, $5, $6, $7, now() + make_interval(days => $8)
             FROM jobs j WHERE j.id = $2
             ON CONFLICT (job_id) DO NOTHING",
            Uuid::new_v4(),
            id,
            file.filename,
            file.content_type,
            file.storage_key,
            file.size_bytes,
            file.pages,
            EXPORT_DAYS as i32,
        )
        .execute(&mut *connection)
        .await?;
        let updated = sqlx::query!(
            "UPDATE jobs SET status = 'done', progress = 100, error = NULL, finished_at = now()
             WHERE id = $1 AND status <> 'done'",
            id
        )
        .execute(&mut *connection)
        .await?;
        if updated.rows_affected() == 1 {
            let pages = match file.pages {
                Some(1) => " (1 page)".to_owned(),
                Some(pages) => format!(" ({pages} pages)"),
                None => String::new(),
            };
            let body = format!("The download link works for {EXPORT_DAYS} days.");
            let what = if claimed.kind == "static_export" { "static site" } else { "PDF" };
            let title = format!("Your {what} of “{}” is ready{pages}", claimed.input.title);
            tell_owner(connection, id, claimed.workspace_id, claimed.owner, "export_ready", title, body).await?;
        }
        Ok(())
    }

    async fn tell_owner(
        connection: &mut PgConnection,
        id: Uuid,
        workspace: WorkspaceId,
        owner: Option<UserId>,
        kind: &str,
        title: String,
        body: String,
    ) -> Result<()> {
        let Some(owner) = owner else { return Ok(()) };
        let new = notifications::New {
            user: owner,
            workspace: Some(workspace),
            category: notifications::Category::Exports,
            kind,
            title,
            body,
            link: Some(format!("/app/jobs/{id}")),
            dedupe_key: Some(format!("job:{id}")),
            may_email: true,
        };
        notifications::notify(connection, new).await?;
        Ok(())
    }

    /// Records why the last attempt failed; `final_attempt` marks the job failed for good and
    /// tells its owner.
    pub async fn fail(connection: &mut PgConnection, id: Uuid, error: &str, final_attempt: bool) -> Result<()> {
        let failed = sqlx::query!(
            "UPDATE jobs SET error = $2,
                             status = CASE WHEN $3 THEN 'failed' ELSE 'queued' END,
                             finished_at = CASE WHEN $3 THEN now() END
             WHERE id = $1 AND status <> 'done'",
            id,
            error,
            final_attempt,
        )
        .execute(&mut *connection)
        .await?;
        if final_attempt && failed.rows_affected() == 1 {
            let row = sqlx::query!(
                r#"SELECT workspace_id, created_by, kind, coalesce(input->>'title', 'your portfolio') AS "title!"
                   FROM jobs WHERE id = $1"#,
                id
            )
            .fetch_one(&mut *connection)
            .await?;
            let what = if row.kind == "static_export" { "static site" } else { "PDF" };
            let title = format!("The {what} of “{}” could not be made", row.title);
            let body = "Something went wrong on our side; try again, and if it keeps failing, tell us.".to_owned();
            let (workspace, owner) = (WorkspaceId(row.workspace_id), row.created_by.map(UserId));
            tell_owner(connection, id, workspace, owner, "export_failed", title, body).await?;
        }
        Ok(())
    }
}

/// The portfolio as a static site: `index.html` drawn by the one renderer with relative
/// addresses, the fonts it uses under `assets/fonts/`, its images under `media/`, zipped.
pub async fn static_site(input: &PdfInput, store: &MediaStore) -> Result<Vec<u8>> {
    use std::io::Write;

    let document = input.document()?;
    let page = crate::render::Page {
        title: &input.title,
        description: "",
        canonical_url: None,
        indexable: true,
        assets_base: ".",
        page_size: None,
    };
    let html = crate::render::render(&document, input.theme(), &page);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let failed = |error: zip::result::ZipError| Error::Internal(anyhow::anyhow!("writing the site's archive: {error}"));
    let written = |error: std::io::Error| Error::Internal(anyhow::anyhow!("writing the site's archive: {error}"));
    zip.start_file("index.html", options).map_err(failed)?;
    zip.write_all(html.as_bytes()).map_err(written)?;
    for face in crate::document::values::Font::ALL.iter().flat_map(|font| font.faces()) {
        if html.contains(face.file) {
            zip.start_file(format!("assets/fonts/{}", face.file), stored).map_err(failed)?;
            zip.write_all(face.bytes).map_err(written)?;
        }
    }
    let mut copied = std::collections::HashSet::new();
    for image in document.images() {
        if let crate::document::values::ImageSource::Media { .. } = image {
            let path = image.to_string();
            let name = path.trim_start_matches("/media/");
            if !copied.insert(name.to_owned()) {
                continue;
            }
            // An image deleted since is left out, as on the page.
            if let Some((bytes, _)) = store.read(name).await {
                zip.start_file(format!("media/{name}"), stored).map_err(failed)?;
                zip.write_all(&bytes).map_err(written)?;
            }
        }
    }
    Ok(zip.finish().map_err(failed)?.into_inner())
}

/// Deletes expired exports, their files first, then jobs finished long ago. Returns how many
/// exports were deleted.
pub async fn expire(pool: &PgPool, store: &MediaStore, now: DateTime<Utc>) -> Result<u64> {
    let expired =
        sqlx::query!("SELECT id, storage_key FROM exports WHERE expires_at <= $1", now).fetch_all(pool).await?;
    let mut deleted = 0;
    for export in expired {
        // The row goes only once its file is gone, so a failure here is retried next time.
        store.delete(&export.storage_key).await?;
        deleted += sqlx::query!("DELETE FROM exports WHERE id = $1", export.id).execute(pool).await?.rows_affected();
    }
    sqlx::query!(
        "DELETE FROM jobs j WHERE j.finished_at < $1::timestamptz - make_interval(days => $2)
           AND NOT EXISTS (SELECT 1 FROM exports e WHERE e.job_id = j.id)",
        now,
        JOB_DAYS as i32,
    )
    .execute(pool)
    .await?;
    Ok(deleted)
}
