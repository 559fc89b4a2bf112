//! Logs and metrics, set up the same way in every binary.

use std::sync::Arc;

use prometheus_client::encoding::text::encode;
use prometheus_client::registry::Registry;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

use crate::config::{LogConfig, LogFormat};

/// Sets up logging to standard output. Lines are written by a thread of their own through a
/// buffer, so a request never waits for the write and a busy process makes few system calls.
/// Hold the returned guard until exit: dropping it writes out what is still buffered.
pub fn init_logging(config: &LogConfig) -> anyhow::Result<tracing_appender::non_blocking::WorkerGuard> {
    let filter = EnvFilter::try_new(&config.filter)
        .map_err(|error| anyhow::anyhow!("VITRINE_LOG is not a valid filter: {error}"))?;
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .finish(std::io::BufWriter::new(std::io::stdout()));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_span_events(FmtSpan::NONE).with_writer(writer);
    match config.log_format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).init(),
        LogFormat::Pretty => builder.init(),
    }
    Ok(guard)
}

/// The metrics of one process, shared by its parts and rendered at `/metrics`.
#[derive(Clone, Default)]
pub struct Metrics {
    registry: Arc<std::sync::Mutex<Registry>>,
}

impl Metrics {
    pub fn with_prefix(prefix: &str) -> Self {
        Metrics { registry: Arc::new(std::sync::Mutex::new(Registry::with_prefix(prefix))) }
    }

    pub fn register<M: prometheus_client::registry::Metric>(&self, name: &str, help: &str, metric: M) {
        // The lock is only poisoned if a registration panicked, which leaves nothing to save.
        let mut registry = self.registry.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        registry.register(name, help, metric);
    }

    pub fn render(&self) -> String {
        let registry = self.registry.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut text, &registry);
        text
    }
}
