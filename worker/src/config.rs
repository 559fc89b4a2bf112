//! The worker's configuration, from `VITRINE_*` environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use vitrine_core::config::{AiConfig, DatabaseConfig, DomainsConfig, LogConfig, PublicUrlConfig, Secret};
use vitrine_core::media::MediaConfig;

/// Vitrine's background worker: sends email and runs every slow or scheduled job.
#[derive(Clone, Debug, clap::Parser)]
#[command(name = "worker", version)]
pub struct WorkerConfig {
    #[command(flatten)]
    pub database: DatabaseConfig,

    #[command(flatten)]
    pub log: LogConfig,

    #[command(flatten)]
    pub media: MediaConfig,

    #[command(flatten)]
    pub public: PublicUrlConfig,

    #[command(flatten)]
    pub pdf: PdfConfig,

    #[command(flatten)]
    pub domains: DomainsConfig,

    #[command(flatten)]
    pub ai: AiConfig,

    /// Name of this worker process; must differ between replicas (default: host, pid and a random part)
    #[arg(long, env = "VITRINE_WORKER_NAME")]
    pub worker_name: Option<String>,

    /// Address for /healthz, /readyz and /metrics
    #[arg(long, env = "VITRINE_WORKER_ADDR", default_value = "127.0.0.1:3001")]
    pub listen: SocketAddr,

    /// SMTP server for outgoing email, e.g. smtp://user:pass@host:587?tls=required; unset writes .eml files to the outbox
    #[arg(long, env = "VITRINE_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,

    /// Folder for outgoing email when no SMTP server is set
    #[arg(long, env = "VITRINE_OUTBOX_DIR", default_value = "var/outbox")]
    pub outbox_dir: PathBuf,

    /// Sender of every email
    #[arg(long, env = "VITRINE_EMAIL_FROM", default_value = "Vitrine <no-reply@vitrine.localhost>")]
    pub email_from: lettre::message::Mailbox,

    /// Seconds between heartbeats; a worker silent for three is presumed dead and its jobs run again
    #[arg(long, env = "VITRINE_WORKER_HEARTBEAT_SECONDS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub heartbeat_seconds: u64,

    /// How often portfolios changed since their last snapshot get one (e.g. 10m, 1h, 90s)
    #[arg(long, env = "VITRINE_SNAPSHOT_INTERVAL", default_value = "10m", value_parser = vitrine_core::config::parse_duration)]
    pub snapshot_interval: Duration,

    /// How often the trash is emptied and expired sessions and tokens are removed
    #[arg(long, env = "VITRINE_HOUSEKEEPING_INTERVAL", default_value = "1h", value_parser = vitrine_core::config::parse_duration)]
    pub housekeeping_interval: Duration,

    /// How often new page views are added to the daily statistics
    #[arg(long, env = "VITRINE_ROLLUP_INTERVAL", default_value = "1m", value_parser = vitrine_core::config::parse_duration)]
    pub rollup_interval: Duration,

    /// How long raw page views are kept (their daily statistics stay)
    #[arg(long, env = "VITRINE_STATS_RETENTION", default_value = "90d", value_parser = vitrine_core::config::parse_duration)]
    pub stats_retention: Duration,

    /// First retry delay of a failing job in milliseconds; each further retry waits twice as long
    #[arg(long, env = "VITRINE_JOB_RETRY_BASE_MS", default_value_t = 1000,
          value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    pub retry_base_ms: u64,
}

impl WorkerConfig {
    pub fn heartbeat(&self) -> Duration {
        Duration::from_secs(self.heartbeat_seconds)
    }

    pub fn retry_base(&self) -> Duration {
        Duration::from_millis(self.retry_base_ms)
    }

    pub fn name(&self) -> String {
        self.worker_name.clone().unwrap_or_else(|| {
            let host = std::env::var("HOSTNAME")
                .ok()
                .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
                .map(|host| host.trim().to_owned())
                .filter(|host| !host.is_empty())
                .unwrap_or_else(|| "host".into());
            let random = &vitrine_core::token::generate()[..6];
            format!("{host}-{}-{random}", std::process::id())
        })
    }
}

/// How PDFs are made: WeasyPrint processes kept running by the worker.
#[derive(Clone, Debug, clap::Args)]
pub struct PdfConfig {
    /// Python with WeasyPrint 70.0 installed (ops/run and ops/test make a virtual environment)
    #[arg(long = "pdf-python", env = "VITRINE_PDF_PYTHON", default_value = "python3")]
    pub python: PathBuf,

    /// WeasyPrint processes kept running; also how many PDFs are made at once
    #[arg(long = "pdf-processes", env = "VITRINE_PDF_PROCESSES", default_value_t = 2,
          value_parser = clap::value_parser!(u16).range(1..=32))]
    pub processes: u16,

    /// Longest a PDF may take to render (e.g. 60s, 2m); the process is then replaced
    #[arg(long = "pdf-timeout", env = "VITRINE_PDF_TIMEOUT", default_value = "60s",
          value_parser = vitrine_core::config::parse_duration)]
    pub timeout: Duration,

    /// Address space a WeasyPrint process may use, in MiB
    #[arg(long = "pdf-memory-mb", env = "VITRINE_PDF_MEMORY_MB", default_value_t = 1536,
          value_parser = clap::value_parser!(u64).range(256..=65_536))]
    pub memory_mb: u64,

    /// Folder for the files a PDF is made from while it renders (default: vitrine-pdf in the temporary folder)
    #[arg(long = "pdf-work-dir", env = "VITRINE_PDF_WORK_DIR")]
    pub work_dir: Option<PathBuf>,
}
