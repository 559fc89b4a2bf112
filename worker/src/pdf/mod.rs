//! A small pool of long-lived WeasyPrint processes (`render_pdf.py`). Importing WeasyPrint
//! takes longer than laying out a page, so each process renders many PDFs. A process that
//! overruns the time limit, runs out of memory or dies is replaced by a fresh one.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::Semaphore;
use vitrine_core::document::values::Font;

use crate::config::PdfConfig;

/// The WeasyPrint release layouts are made with; another lays tables out differently.
pub const WEASYPRINT_VERSION: &str = "70.0";
const SCRIPT: &str = include_str!("render_pdf.py");

pub struct Renderers {
    python: PathBuf,
    script: PathBuf,
    memory_bytes: u64,
    timeout: Duration,
    work_dir: PathBuf,
    idle: Mutex<Vec<Option<Renderer>>>,
    permits: Semaphore,
}

struct Renderer {
    // Killed when dropped: a replaced process does not linger.
    _child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
}

#[cfg(test)]
impl Renderer {
    fn pid(&self) -> u32 {
        self._child.id().expect("a running process has an id")
    }
}

#[derive(Serialize)]
struct Request<'a> {
    html: &'a Path,
    pdf: &'a Path,
    roots: &'a [&'a Path],
}

#[derive(Deserialize)]
struct Answer {
    ok: bool,
    #[serde(default)]
    pages: Option<i32>,
    #[serde(default)]
    refused: Vec<String>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
struct Ready {
    ready: String,
}

/// What a render produced.
#[derive(Debug)]
pub struct Rendered {
    pub pages: Option<i32>,
    /// Addresses the document pointed at that were not fetched.
    pub refused: Vec<String>,
}

impl Renderers {
    /// Starts the pool, checking that the configured Python has the pinned WeasyPrint.
    pub async fn start(config: &PdfConfig) -> anyhow::Result<Arc<Renderers>> {
        let root = config.work_dir.clone().unwrap_or_else(|| std::env::temp_dir().join("vitrine-pdf"));
        let work_dir = root.join(std::process::id().to_string());
        std::fs::create_dir_all(work_dir.join("assets/fonts"))
            .with_context(|| format!("cannot create {} (VITRINE_PDF_WORK_DIR)", work_dir.display()))?;
        // The fonts live in the binary; WeasyPrint reads them from here.
        for face in Font::ALL.iter().flat_map(|font| font.faces()) {
            std::fs::write(work_dir.join("assets/fonts").join(face.file), face.bytes).context("writing the fonts")?;
        }
        let script = work_dir.join("render_pdf.py");
        std::fs::write(&script, SCRIPT).context("writing the PDF renderer")?;
        let renderers = Renderers {
            python: config.python.clone(),
            script,
            memory_bytes: config.memory_mb * 1024 * 1024,
            timeout: config.timeout,
            work_dir,
            idle: Mutex::new(Vec::new()),
            permits: Semaphore::new(config.processes.into()),
        };
        let started = futures::future::try_join_all((0..config.processes).map(|_| renderers.spawn())).await?;
        renderers.idle.lock().expect("the pool's lock is never poisoned").extend(started.into_iter().map(Some));
        Ok(Arc::new(renderers))
    }

    async fn spawn(&self) -> anyhow::Result<Renderer> {
        let mut child = Command::new(&self.python)
            .arg(&self.script)
            .arg(self.memory_bytes.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot run {} (VITRINE_PDF_PYTHON)", self.python.display()))?;
        let stdin = child.stdin.take().context("the renderer's stdin")?;
        let mut stdout = BufReader::new(child.stdout.take().context("the renderer's stdout")?).lines();
        let line = tokio::time::timeout(Duration::from_secs(60), stdout.next_line())
            .await
            .context("WeasyPrint took over a minute to start")?
            .context("reading from the PDF renderer")?;
        let ready: Option<Ready> = line.as_deref().and_then(|line| serde_json::from_str(line).ok());
        match ready {
            Some(Ready { ready }) if ready == WEASYPRINT_VERSION => Ok(Renderer { _child: child, stdin, stdout }),
            Some(Ready { ready }) => bail!(
                "{} has WeasyPrint {ready}; Vitrine lays PDFs out with {WEASYPRINT_VERSION} \
                 (VITRINE_PDF_PYTHON; ops/run installs it)",
                self.python.display()
            ),
            None => bail!(
                "WeasyPrint {WEASYPRINT_VERSION} does not start with {} (VITRINE_PDF_PYTHON; ops/run installs it \
                 in a virtual environment)",
                self.python.display()
            ),
        }
    }

    /// A fresh folder for one job, with the fonts in `assets/`. Removed when dropped.
    pub fn job_folder(&self, name: &str) -> anyhow::Result<JobFolder> {
        let path = self.work_dir.join("jobs").join(name);
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(path.join("media")).context("creating a job folder")?;
        std::os::unix::fs::symlink(self.work_dir.join("assets"), path.join("assets")).context("linking the fonts")?;
        Ok(JobFolder { path })
    }

    /// Renders `html` (a file in `folder`) to `pdf`, reading nothing outside the folder.
    pub async fn render(&self, folder: &JobFolder, html: &Path, pdf: &Path) -> anyhow::Result<Rendered> {
        let _permit = self.permits.acquire().await.context("the PDF renderers are shutting down")?;
        let slot = self.idle.lock().expect("the pool's lock is never poisoned").pop().flatten();
        let mut renderer = match slot {
            Some(renderer) => renderer,
            None => self.spawn().await?,
        };
        let assets = self.work_dir.join("assets");
        let roots = [folder.path.as_path(), assets.as_path()];
        let outcome =
            tokio::time::timeout(self.timeout, exchange(&mut renderer, &Request { html, pdf, roots: &roots })).await;
        let answer = match outcome {
            Ok(Ok(answer)) => answer,
            Ok(Err(error)) => {
                self.give_back(None);
                return Err(error.context("the PDF renderer stopped"));
            }
            Err(_) => {
                self.give_back(None);
                bail!("the PDF took longer than {} s to render", self.timeout.as_secs());
            }
        };
        self.give_back(Some(renderer));
        if !answer.ok {
            bail!("WeasyPrint: {}", answer.error.unwrap_or_else(|| "unknown error".into()));
        }
        Ok(Rendered { pages: answer.pages, refused: answer.refused })
    }

    /// Returns a process to the pool; `None` makes the next render start a fresh one.
    fn give_back(&self, renderer: Option<Renderer>) {
        self.idle.lock().expect("the pool's lock is never poisoned").push(renderer);
    }
}

async fn exchange(renderer: &mut Renderer, request: &Request<'_>) -> anyhow::Result<Answer> {
    let mut line = serde_json::to_vec(request).context("encoding a render request")?;
    line.push(b'\n');
    renderer.stdin.write_all(&line).await?;
    renderer.stdin.flush().await?;
    let answer = renderer.stdout.next_line().await?.context("the renderer exited")?;
    serde_json::from_str(&answer).with_context(|| format!("an unreadable answer: {answer}"))
}

/// A job's working folder, removed with everything in it when dropped.
pub struct JobFolder {
    pub path: PathBuf,
}

impl Drop for JobFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

impl Drop for Renderers {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.work_dir);
    }
}

#[cfg(test)]
mod tests;
