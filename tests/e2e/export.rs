//! PDF export through the API and the real worker with real WeasyPrint, read back with poppler:
//! the text is there and selectable, the paper is the one asked for, links work, images show,
//! and nothing the document points at outside our storage is fetched.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::{Value, json};
use vitrine_core::jobs::{EXPORT_QUEUE, MAX_ATTEMPTS, RenderPdf};
use vitrine_testing::{TestDatabase, eventually};

use crate::processes::{Process, free_port, wait_ready};

const PASSWORD: &str = "correct horse battery";

struct Stack {
    db: TestDatabase,
    base: String,
    worker_health: String,
    media: PathBuf,
    _platform: Process,
    _worker: Process,
}

impl Stack {
    async fn start() -> Stack {
        let db = TestDatabase::create().await;
        let media = std::env::temp_dir().join(format!("vitrine-media-{}", uuid::Uuid::new_v4()));
        let (platform_port, worker_port) = (free_port(), free_port());
        let base = format!("http://127.0.0.1:{platform_port}");
        let shared = [("VITRINE_DATABASE_URL", db.url.clone()), ("VITRINE_MEDIA_DIR", media.display().to_string())];
        let mut platform = shared.to_vec();
        platform.extend([
            ("VITRINE_PLATFORM_ADDR", format!("127.0.0.1:{platform_port}")),
            ("VITRINE_PUBLIC_URL", base.clone()),
        ]);
        let mut worker = shared.to_vec();
        worker.extend([
            ("VITRINE_WORKER_ADDR", format!("127.0.0.1:{worker_port}")),
            ("VITRINE_OUTBOX_DIR", media.join("outbox").display().to_string()),
            ("VITRINE_JOB_RETRY_BASE_MS", "50".into()),
            ("VITRINE_PUBLIC_URL", base.clone()),
        ]);
        let stack = Stack {
            _platform: Process::start("platform", &platform),
            _worker: Process::start("worker", &worker),
            worker_health: format!("http://127.0.0.1:{worker_port}"),
            base,
            media,
            db,
        };
        wait_ready(&format!("{}/readyz", stack.base)).await;
        wait_ready(&format!("{}/readyz", stack.worker_health)).await;
        stack
    }

    /// A verified user, signed in: their client and their workspace's id.
    async fn user(&self, email: &str) -> (Client, String) {
        vitrine_core::accounts::create_by_operator(&self.db.pool, email, PASSWORD, "Maya Okafor", true, false)
            .await
            .unwrap();
        let http = reqwest::Client::builder().cookie_store(true).build().unwrap();
        let client = Client { http, base: self.base.clone() };
        let (status, body) =
            client.send("POST", "/api/v1/auth/login", Some(json!({ "email": email, "password": PASSWORD }))).await;
        assert_eq!(status, 200, "{body}");
        let (_, workspaces) = client.send("GET", "/api/v1/workspaces", None).await;
        (client, workspaces[0]["id"].as_str().unwrap().to_owned())
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.media);
    }
}

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    async fn send(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.base))
            .header("origin", self.base.as_str());
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn sample_portfolio(&self, workspace: &str) -> String {
        self.sample_in(workspace, "modern", "Maya Okafor").await
    }

    async fn sample_in(&self, workspace: &str, design: &str, title: &str) -> String {
        let (status, portfolio) = self
            .send(
                "POST",
                &format!("/api/v1/workspaces/{workspace}/portfolios"),
                Some(json!({ "title": title, "template": design, "start_with": "sample" })),
            )
            .await;
        assert_eq!(status, 201, "{portfolio}");
        portfolio["id"].as_str().unwrap().to_owned()
    }

    /// Appends sections to the portfolio's document.
    async fn add_sections(&self, portfolio: &str, sections: Vec<Value>) {
        let (_, mut current) = self.send("GET", &format!("/api/v1/portfolios/{portfolio}/document"), None).await;
        let revision = current["revision"].clone();
        current["document"]["sections"].as_array_mut().unwrap().extend(sections);
        let body = json!({ "base_revision": revision, "document": current["document"] });
        let (status, saved) = self.send("PUT", &format!("/api/v1/portfolios/{portfolio}/document"), Some(body)).await;
        assert_eq!(status, 200, "{saved}");
    }

    async fn upload_png(&self, workspace: &str) -> String {
        let mut png = Vec::new();
        image::RgbImage::from_fn(60, 40, |x, _| image::Rgb([(x * 4) as u8, 90, 200]))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let part = reqwest::multipart::Part::bytes(png).file_name("chart.png").mime_str("image/png").unwrap();
        let response = self
            .http
            .post(format!("{}/api/v1/workspaces/{workspace}/media", self.base))
            .header("origin", self.base.as_str())
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let media: Value = response.json().await.unwrap();
        media["url"].as_str().unwrap().to_owned()
    }

    /// Asks for a PDF and waits for its job to finish; returns the finished job.
    async fn export(&self, portfolio: &str, body: Value) -> Value {
        let (status, job) = self.send("POST", &format!("/api/v1/portfolios/{portfolio}/exports/pdf"), Some(body)).await;
        assert_eq!(status, 202, "{job}");
        assert!(matches!(job["status"].as_str(), Some("queued" | "running")), "{job}");
        let path = format!("/api/v1/jobs/{}", job["id"].as_str().unwrap());
        eventually(Duration::from_secs(90), "the export to finish", || async {
            let (_, job) = self.send("GET", &path, None).await;
            matches!(job["status"].as_str(), Some("done" | "failed")).then_some(job)
        })
        .await
    }

    async fn download(&self, url: &str) -> (u16, String, Vec<u8>) {
        let response = self.http.get(format!("{}{url}", self.base)).send().await.unwrap();
        let status = response.status().as_u16();
        let content_type =
            response.headers().get("content-type").map(|value| value.to_str().unwrap().to_owned()).unwrap_or_default();
        (status, content_type, response.bytes().await.unwrap().to_vec())
    }
}

fn poppler(program: &str, arguments: &[&str]) -> String {
    let output = Command::new(program)
        .args(arguments)
        .output()
        .unwrap_or_else(|error| panic!("{program} runs (poppler-utils; ops/test installs it): {error}"));
    assert!(output.status.success(), "{program}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn a_portfolio_exports_to_a_pdf_with_its_text_links_images_and_paper() {
    let stack = Stack::start().await;
    let (maya, workspace) = stack.user("maya@example.com").await;
    let portfolio = maya.sample_portfolio(&workspace).await;
    let chart = maya.upload_png(&workspace).await;
    maya.add_sections(
        &portfolio,
        vec![json!({ "type": "image", "id": "chart", "image": chart, "alt": "Settlement latency", "caption": "Settlement latency after batching" })],
    )
    .await;

    let job = maya.export(&portfolio, json!({ "page_size": "Letter" })).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["progress"], 100);
    assert_eq!(job["filename"], "maya-okafor.pdf");
    let url = job["download_url"].as_str().unwrap();
    let (status, content_type, pdf) = maya.download(url).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    let folder = std::env::temp_dir().join(format!("vitrine-export-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join("export.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let path = file.to_str().unwrap();

    // Words a line break split are still the same words.
    let text = poppler("pdftotext", &[path, "-"]).split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in ["Maya Okafor", "Senior backend engineer", "Ledgerly", "webhook-replay", "Settlement latency"] {
        assert!(text.contains(expected), "{expected} is selectable text in the PDF:\n{text}");
    }
    let info = poppler("pdfinfo", &[path]);
    assert!(info.contains("612 x 792 pts (letter)"), "{info}");
    let pages: usize = info.lines().find_map(|line| line.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    assert_eq!(job["pages"], pages as u64);
    assert!(pages >= 2, "the sample runs over two pages: {pages}");
    let links = poppler("pdfinfo", &["-url", path]);
    assert!(links.contains("https://github.com/example/webhook-replay"), "the project's link works: {links}");
    let images = poppler("pdfimages", &["-list", path]);
    assert!(images.lines().count() > 2, "the uploaded image is in the PDF: {images}");
    // The first page as a picture, for a person to look at.
    poppler("pdftoppm", &["-r", "60", "-png", "-f", "1", "-l", "1", path, folder.join("page").to_str().unwrap()]);
    println!("page 1 of the exported PDF: {}", folder.join("page-1.png").display());

    // A4 is the default.
    let job = maya.export(&portfolio, json!({})).await;
    let (_, _, pdf) = maya.download(job["download_url"].as_str().unwrap()).await;
    std::fs::write(&file, &pdf).unwrap();
    assert!(poppler("pdfinfo", &[path]).contains("595.276 x 841.89 pts (A4)"));

    let metrics = reqwest::get(format!("{}/metrics", stack.worker_health)).await.unwrap().text().await.unwrap();
    assert!(metrics.contains("vitrine_worker_jobs_total{queue=\"export\",outcome=\"succeeded\"} 2"), "{metrics}");

    // The owner is told by email too, with a link to the job and one to stop such emails.
    let outbox = stack.media.join("outbox");
    let email = eventually(Duration::from_secs(20), "the export-ready email", || async {
        let entry = std::fs::read_dir(&outbox).ok()?.filter_map(Result::ok).next()?;
        std::fs::read_to_string(entry.path()).ok()
    })
    .await;
    let text = vitrine_testing::mail::text_part(&email);
    assert!(text.contains("is ready"), "{text}");
    assert!(text.contains(&format!("{}/app/jobs/", stack.base)), "{text}");
    assert!(text.contains(&format!("{}/app/unsubscribe?token=", stack.base)), "{text}");

    // Another tenant sees neither the job nor the file.
    let (other, _) = stack.user("other@example.com").await;
    let (status, _) = other.send("GET", &format!("/api/v1/jobs/{}", job["id"].as_str().unwrap()), None).await;
    assert_eq!(status, 404);
    assert_eq!(other.download(job["download_url"].as_str().unwrap()).await.0, 404);
    let (status, _) = other.send("POST", &format!("/api/v1/portfolios/{portfolio}/exports/pdf"), Some(json!({}))).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn an_export_fetches_nothing_the_document_points_at_outside_our_storage() {
    let stack = Stack::start().await;
    let (maya, workspace) = stack.user("maya@example.com").await;
    let portfolio = maya.sample_portfolio(&workspace).await;
    let (port, connections) = vitrine_testing::redirect::counting_redirect("file:///etc/passwd").await;
    let (status, refused) = maya
        .send(
            "PUT",
            &format!("/api/v1/portfolios/{portfolio}/document"),
            Some(json!({ "base_revision": 1, "document": { "schema_version": 2, "sections": [
                { "type": "image", "id": "local", "image": "file:///etc/passwd", "alt": "x" }
            ] } })),
        )
        .await;
    assert_eq!(status, 422, "the schema refuses file URLs outright: {refused}");
    maya.add_sections(
        &portfolio,
        vec![
            json!({ "type": "image", "id": "remote", "image": format!("https://127.0.0.1:{port}/x.png"), "alt": "Remote" }),
            json!({ "type": "gallery", "id": "more", "images": [
                { "id": "redirect", "image": format!("https://127.0.0.1:{port}/redirect"), "alt": "Redirect" }
            ] }),
            json!({ "type": "projects", "id": "local-projects", "items": [
                { "id": "p", "name": "Local link", "url": "http://127.0.0.1:1/x.png",
                  "image": format!("https://127.0.0.1:{port}/project.png") }
            ] }),
        ],
    )
    .await;

    let job = maya.export(&portfolio, json!({ "page_size": "A4" })).await;
    assert_eq!(job["status"], "done", "{job}");
    let (_, _, pdf) = maya.download(job["download_url"].as_str().unwrap()).await;
    assert_eq!(connections.load(Ordering::SeqCst), 0, "no request was made to the addresses in the document");
    let file = std::env::temp_dir().join(format!("vitrine-export-{}.pdf", uuid::Uuid::new_v4()));
    std::fs::write(&file, &pdf).unwrap();
    let text = poppler("pdftotext", &[file.to_str().unwrap(), "-"]);
    assert!(text.contains("Local link"), "{text}");
    assert!(!text.contains("root:") && !String::from_utf8_lossy(&pdf).contains("root:x:0"));
    let _ = std::fs::remove_file(&file);
}

#[tokio::test]
async fn an_export_that_keeps_failing_is_kept_failed_with_its_reason() {
    let stack = Stack::start().await;
    let (maya, workspace) = stack.user("maya@example.com").await;
    let portfolio = maya.sample_portfolio(&workspace).await;
    // A job whose frozen input no longer reads: every attempt fails the same way.
    let job_id = uuid::Uuid::new_v4();
    let mut transaction = stack.db.pool.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO jobs (id, workspace_id, portfolio_id, kind, input) VALUES ($1, $2, $3, 'pdf_export', '{\"page_size\": \"A5\"}')",
    )
    .bind(job_id)
    .bind(workspace.parse::<uuid::Uuid>().unwrap())
    .bind(portfolio.parse::<uuid::Uuid>().unwrap())
    .execute(&mut *transaction)
    .await
    .unwrap();
    vitrine_core::jobs::enqueue(&mut transaction, EXPORT_QUEUE, &RenderPdf { job_id }).await.unwrap();
    transaction.commit().await.unwrap();

    let path = format!("/api/v1/jobs/{job_id}");
    let job = eventually(Duration::from_secs(60), "the export to give up", || async {
        let (_, job) = maya.send("GET", &path, None).await;
        (job["status"] == "failed").then_some(job)
    })
    .await;
    assert!(job["error"].as_str().unwrap().contains("input does not read"), "{job}");
    // The queue records the last run just after the handler has marked the job failed.
    eventually(Duration::from_secs(10), "the queue to keep the job as failed", || async {
        let (status, attempts): (String, i32) =
            sqlx::query_as("SELECT status, attempts FROM apalis.jobs WHERE job_type = $1")
                .bind(EXPORT_QUEUE)
                .fetch_one(&stack.db.pool)
                .await
                .unwrap();
        (status == "Failed" && attempts as usize == MAX_ATTEMPTS).then_some(())
    })
    .await;
}

#[tokio::test]
async fn page_breaks_fall_between_items_not_inside_them() {
    let stack = Stack::start().await;
    let (maya, workspace) = stack.user("maya@example.com").await;
    let portfolio = maya.sample_portfolio(&workspace).await;
    let items: Vec<Value> = (10..40)
        .map(|index| {
            json!({
                "id": format!("job-{index}"), "role": format!("Role {index}"), "organisation": "Ledgerly",
                "start": "2020-01", "end": "2021-01",
                "description": "<p>Ran the settlement batch and the on-call rota for the payments ledger.</p>",
                "highlights": ["Cut latency by batching", "Wrote the runbook", format!("Ending {index}")]
            })
        })
        .collect();
    maya.add_sections(
        &portfolio,
        vec![json!({ "type": "experience", "id": "many", "title": "More roles", "items": items })],
    )
    .await;
    let job = maya.export(&portfolio, json!({})).await;
    assert_eq!(job["status"], "done", "{job}");
    let (_, _, pdf) = maya.download(job["download_url"].as_str().unwrap()).await;
    let file = std::env::temp_dir().join(format!("vitrine-export-{}.pdf", uuid::Uuid::new_v4()));
    std::fs::write(&file, &pdf).unwrap();
    let path = file.to_str().unwrap();
    let pages = job["pages"].as_u64().unwrap();
    assert!(pages >= 4, "thirty more roles run over several pages: {pages}");
    let texts: Vec<String> = (1..=pages)
        .map(|page| {
            let page = page.to_string();
            poppler("pdftotext", &["-f", &page, "-l", &page, path, "-"])
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let page_of = |text: &str| texts.iter().position(|page| page.contains(text));
    for index in 10..40 {
        let (start, end) = (page_of(&format!("Role {index}")), page_of(&format!("Ending {index}")));
        assert!(start.is_some(), "Role {index} is in the PDF");
        assert_eq!(start, end, "role {index} is not cut by a page break");
    }
    let _ = std::fs::remove_file(&file);
}

#[tokio::test]
async fn every_design_prints_the_sample_on_a_few_full_pages() {
    let stack = Stack::start().await;
    let (maya, workspace) = stack.user("maya@example.com").await;
    for design in ["minimal", "modern", "creative", "developer"] {
        let portfolio = maya.sample_in(&workspace, design, design).await;
        let job = maya.export(&portfolio, json!({ "page_size": "A4" })).await;
        assert_eq!(job["status"], "done", "{job}");
        let pages = job["pages"].as_u64().unwrap();
        // A CV of two roles, three projects and two degrees: a grid that paper cannot split
        // once pushed whole sections onto pages of their own.
        assert!(pages <= 4, "{design}: {pages} pages");
        let (_, _, pdf) = maya.download(job["download_url"].as_str().unwrap()).await;
        let file = std::env::temp_dir().join(format!("vitrine-export-{}.pdf", uuid::Uuid::new_v4()));
        std::fs::write(&file, &pdf).unwrap();
        let first = poppler("pdftotext", &["-f", "1", "-l", "1", file.to_str().unwrap(), "-"]);
        // Some designs set headings in capitals.
        let first = first.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        for expected in ["maya okafor", "about", "six years at two fintechs", "experience"] {
            assert!(first.contains(expected), "{design}: page 1 has {expected}: {first}");
        }
        let _ = std::fs::remove_file(&file);
    }
}
