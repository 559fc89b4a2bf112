//! Makes the file of an export job: the PDF (the print version of the page from the one
//! renderer, with its images and fonts as local files, laid out by WeasyPrint) or the static
//! site (the page with its fonts and images in a ZIP), stored with the uploads.

use std::sync::Arc;

use anyhow::Context;
use apalis::prelude::{Attempt, BoxDynError, Data};
use sqlx::PgPool;
use uuid::Uuid;
use vitrine_core::document::values::ImageSource;
use vitrine_core::exports::run::{self, Produced};
use vitrine_core::jobs::{MAX_ATTEMPTS, RenderPdf};
use vitrine_core::media::MediaStore;
use vitrine_core::portfolios::Slug;
use vitrine_core::render::{self, Page};

use crate::Counters;
use crate::pdf::Renderers;

pub async fn render_pdf(
    job: RenderPdf,
    pool: Data<PgPool>,
    store: Data<MediaStore>,
    renderers: Data<Arc<Renderers>>,
    counters: Data<Counters>,
    attempt: Attempt,
) -> Result<(), BoxDynError> {
    let outcome = counters.measure("export", &attempt, export(job.job_id, &pool, &store, &renderers)).await;
    let Err(error) = outcome else { return Ok(()) };
    let message = format!("{error:#}");
    let final_attempt = attempt.current() >= MAX_ATTEMPTS;
    tracing::warn!(job = %job.job_id, error = %message, final_attempt, "a PDF export failed");
    let mut connection = pool.acquire().await?;
    run::fail(&mut connection, job.job_id, &message, final_attempt).await?;
    Err(error.into())
}

async fn export(id: Uuid, pool: &PgPool, store: &MediaStore, renderers: &Renderers) -> anyhow::Result<()> {
    let Some(claimed) = run::start(pool, id).await? else {
        tracing::info!(job = %id, "the export job no longer exists");
        return Ok(());
    };
    if claimed.finished {
        // At-least-once delivery: a previous run stored the export and the job is done.
        return Ok(());
    }
    if claimed.kind == "static_export" {
        return static_site(id, pool, store, &claimed).await;
    }
    let input = &claimed.input;
    let document = input.document()?;
    let folder = renderers.job_folder(&id.to_string())?;
    for image in document.images() {
        if let ImageSource::Media { .. } = image {
            let file = image.to_string();
            let name = file.trim_start_matches("/media/");
            // An image deleted since the document was written is left out, as on the page.
            if let Some((bytes, _)) = store.read(name).await {
                tokio::fs::write(folder.path.join("media").join(name), bytes).await.context("copying an image")?;
            }
        }
    }
    run::progress(pool, id, 30).await?;
    let assets = format!("file://{}", folder.path.display());
    let page = Page {
        title: &input.title,
        description: "",
        canonical_url: None,
        indexable: false,
        assets_base: &assets,
        page_size: Some(input.page_size),
    };
    let html = folder.path.join("index.html");
    tokio::fs::write(&html, render::render(&document, input.theme(), &page)).await.context("writing the HTML")?;
    let pdf = folder.path.join("export.pdf");
    let rendered = renderers.render(&folder, &html, &pdf).await?;
    if !rendered.refused.is_empty() {
        tracing::info!(job = %id, refused = ?rendered.refused, "addresses left out of a PDF");
    }
    let bytes = tokio::fs::read(&pdf).await.context("reading the PDF")?;
    let size = bytes.len() as i64;
    let key = format!("exports/{id}.pdf");
    store.put(&key, bytes).await?;
    let filename = format!("{}.pdf", Slug::derive_from(&input.title));
    let file = Produced {
        filename: &filename,
        content_type: "application/pdf",
        storage_key: &key,
        size_bytes: size,
        pages: rendered.pages,
    };
    let mut transaction = pool.begin().await?;
    run::finish(&mut transaction, id, &claimed, file).await?;
    transaction.commit().await?;
    tracing::info!(job = %id, pages = ?rendered.pages, bytes = size, "PDF exported");
    Ok(())
}

async fn static_site(id: Uuid, pool: &PgPool, store: &MediaStore, claimed: &run::Claimed) -> anyhow::Result<()> {
    let bytes = vitrine_core::exports::static_site(&claimed.input, store).await?;
    let size = bytes.len() as i64;
    let key = format!("exports/{id}.zip");
    store.put(&key, bytes).await?;
    let filename = format!("{}-site.zip", Slug::derive_from(&claimed.input.title));
    let file = Produced {
        filename: &filename,
        content_type: "application/zip",
        storage_key: &key,
        size_bytes: size,
        pages: None,
    };
    let mut transaction = pool.begin().await?;
    run::finish(&mut transaction, id, claimed, file).await?;
    transaction.commit().await?;
    tracing::info!(job = %id, bytes = size, "static site exported");
    Ok(())
}
