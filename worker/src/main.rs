#![forbid(unsafe_code)]

mod config;
mod jobs;
mod pdf;
mod periodic;

use std::time::Duration;

use anyhow::Context;
use apalis::layers::WorkerBuilderExt;
use apalis::layers::retry::HasherRng;
use apalis::layers::retry::RetryPolicy;
use apalis::layers::retry::backoff::{ExponentialBackoffMaker, MakeBackoff};
use apalis::prelude::{Attempt, Monitor, WorkerBuilder};
use apalis_postgres::{Config, PostgresStorage};
use poem::listener::TcpListener;
use poem::web::Data;
use poem::{EndpointExt, IntoResponse, Response, Route, Server, handler};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use sqlx::PgPool;
use vitrine_core::email::Links;
use vitrine_core::jobs::{
    AI_QUEUE, EMAIL_QUEUE, EXPORT_QUEUE, EmailNotification, Generate, IMPORT_QUEUE, Import, MAX_ATTEMPTS,
    NOTIFICATION_QUEUE, RenderPdf, SendEmail,
};
use vitrine_core::media::MediaStore;
use vitrine_core::telemetry::Metrics;

use crate::config::WorkerConfig;
use crate::jobs::email::Mailer;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    queue: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLabels {
    queue: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DepthLabels {
    queue: String,
    state: String,
}

type Durations = Family<QueueLabels, Histogram, fn() -> Histogram>;

/// Job runs, for `/metrics`: started, finished by outcome, and how long they took.
#[derive(Clone)]
pub struct Counters {
    started: Family<QueueLabels, Counter>,
    jobs: Family<JobLabels, Counter>,
    durations: Durations,
}

impl Counters {
    fn new(metrics: &Metrics) -> Self {
        let counters = Counters {
            started: Family::default(),
            jobs: Family::default(),
            durations: Family::new_with_constructor(|| Histogram::new(exponential_buckets(0.005, 2.0, 14))),
        };
        metrics.register("jobs_started", "Job runs started, by queue", counters.started.clone());
        metrics.register("jobs", "Job runs finished, by queue and outcome", counters.jobs.clone());
        metrics.register("job_duration_seconds", "Time a job run took, by queue", counters.durations.clone());
        counters
    }

    /// Runs `work` as run number `attempt` of a job of `queue`, counting it: a failed run is
    /// `retried` while attempts remain, then `failed`.
    pub async fn measure<T, E>(
        &self,
        queue: &str,
        attempt: &Attempt,
        work: impl Future<Output = Result<T, E>>,
    ) -> Result<T, E> {
        let labels = QueueLabels { queue: queue.to_owned() };
        self.started.get_or_create(&labels).inc();
        let started = std::time::Instant::now();
        let result = work.await;
        self.durations.get_or_create(&labels).observe(started.elapsed().as_secs_f64());
        let outcome = match &result {
            Ok(_) => "succeeded",
            Err(_) if attempt.current() < MAX_ATTEMPTS => "retried",
            Err(_) => "failed",
        };
        self.jobs.get_or_create(&JobLabels { queue: queue.to_owned(), outcome: outcome.to_owned() }).inc();
        result
    }
}

/// Jobs per queue and state, read from the queue's tables when metrics are scraped.
#[derive(Clone)]
struct QueueDepth {
    pool: PgPool,
    gauge: Family<DepthLabels, Gauge>,
}

impl QueueDepth {
    async fn refresh(&self) {
        let Ok(queues) = vitrine_core::operations::queues(&self.pool).await else { return };
        for queue in queues {
            let states = [
                ("pending", queue.pending),
                ("running", queue.running),
                ("done", queue.done),
                ("retrying", queue.retrying),
                ("failed", queue.failed),
            ];
            for (state, count) in states {
                let labels = DepthLabels { queue: queue.queue.clone(), state: state.to_owned() };
                self.gauge.get_or_create(&labels).set(count);
            }
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Dependencies compile in both rustls providers; name the one to use before any TLS.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config: WorkerConfig = vitrine_core::config::parse();
    let _logging = vitrine_core::telemetry::init_logging(&config.log)?;
    let pool = vitrine_core::db::connect(&config.database).await?;
    let mailer = match &config.smtp_url {
        Some(url) => Mailer::smtp(url.expose(), config.email_from.clone())?,
        None => Mailer::outbox(config.outbox_dir.clone(), config.email_from.clone())?,
    };
    let store = MediaStore::new(&config.media)?;
    let renderers = pdf::Renderers::start(&config.pdf).await?;
    let metrics = Metrics::with_prefix("vitrine_worker");
    let counters = Counters::new(&metrics);
    let depth = QueueDepth { pool: pool.clone(), gauge: Family::default() };
    metrics.register("queue_jobs", "Jobs in each queue, by state", depth.gauge.clone());

    let name = config.name();
    tracing::info!(worker.name = %name, "worker starting");
    let health = serve_health(&config, pool.clone(), metrics, depth).await?;

    let queue_config =
        |queue: &str| Config::default().queue(queue).heartbeat_interval(config.heartbeat()).missed_heartbeats(3);
    let retry_base = config.retry_base();
    let email_storage = PostgresStorage::<SendEmail>::new(&pool).with_config(queue_config(EMAIL_QUEUE));
    let export_storage = PostgresStorage::<RenderPdf>::new(&pool).with_config(queue_config(EXPORT_QUEUE));
    let notification_storage =
        PostgresStorage::<EmailNotification>::new(&pool).with_config(queue_config(NOTIFICATION_QUEUE));
    let ai_storage = PostgresStorage::<Generate>::new(&pool).with_config(queue_config(AI_QUEUE));
    let import_storage = PostgresStorage::<Import>::new(&pool).with_config(queue_config(IMPORT_QUEUE));
    let provider = vitrine_core::ai::Provider::new(&config.ai);
    if provider.is_none() {
        tracing::info!("VITRINE_AI_BASE_URL is not set: AI generations fail with a message saying how to enable them");
    }
    let links = Links::new(config.public.public_url.clone());
    let periodic = tokio::spawn(periodic::run(
        pool.clone(),
        store.clone(),
        vitrine_core::domains::Checker::new(&config.domains),
        name.clone(),
        periodic::Schedule {
            snapshots: config.snapshot_interval,
            housekeeping: config.housekeeping_interval,
            rollups: config.rollup_interval,
            stats_retention: config.stats_retention,
        },
    ));
    let retry = move || {
        let backoff = ExponentialBackoffMaker::new(retry_base, retry_base * 512, 0.5, HasherRng::default())
            .expect("the maximum delay is larger than the minimum")
            .make_backoff();
        RetryPolicy::retries(MAX_ATTEMPTS - 1).with_backoff(backoff)
    };
    let pdf_processes = usize::from(config.pdf.processes);
    let export_worker = format!("{name}.export");
    let (export_pool, export_counters) = (pool.clone(), counters.clone());
    let notification_worker = format!("{name}.notification");
    let ai_worker = format!("{name}.ai");
    let import_worker = format!("{name}.import");
    let (import_pool, import_counters) = (pool.clone(), counters.clone());
    let (ai_pool, ai_counters) = (pool.clone(), counters.clone());
    let (notification_pool, notification_counters, notification_mailer) =
        (pool.clone(), counters.clone(), mailer.clone());
    let monitor = Monitor::new()
        .shutdown_timeout(Duration::from_secs(30))
        // A queue's worker ends on any error of its backend (the database gone for a moment, a
        // payload that does not read): started again, its jobs are picked up again, rather than
        // the queue standing still until the process is restarted.
        .should_restart(|worker, error| {
            tracing::warn!(worker = worker.name(), ?error, restarts = worker.restarts(), "restarting a queue's worker");
            true
        })
        .register(move |_restarts| {
            WorkerBuilder::new(format!("{name}.email"))
                .backend(email_storage.clone().with_pubsub())
                .data(mailer.clone())
                .data(pool.clone())
                .data(counters.clone())
                .retry(retry())
                .catch_panic()
                .build(jobs::email::send)
        })
        .register(move |_restarts| {
            WorkerBuilder::new(export_worker.clone())
                .backend(export_storage.clone().with_pubsub())
                .data(export_pool.clone())
                .data(store.clone())
                .data(renderers.clone())
                .data(export_counters.clone())
                .concurrency(pdf_processes)
                .retry(retry())
                .catch_panic()
                .build(jobs::export::render_pdf)
        })
        .register(move |_restarts| {
            WorkerBuilder::new(notification_worker.clone())
                .backend(notification_storage.clone().with_pubsub())
                .data(notification_mailer.clone())
                .data(links.clone())
                .data(notification_pool.clone())
                .data(notification_counters.clone())
                .retry(retry())
                .catch_panic()
                .build(jobs::notification::send)
        })
        .register(move |_restarts| {
            WorkerBuilder::new(ai_worker.clone())
                .backend(ai_storage.clone().with_pubsub())
                .data(ai_pool.clone())
                .data(provider.clone())
                .data(ai_counters.clone())
                .concurrency(4)
                .retry(retry())
                .catch_panic()
                .build(jobs::ai::generate)
        })
        .register(move |_restarts| {
            WorkerBuilder::new(import_worker.clone())
                .backend(import_storage.clone().with_pubsub())
                .data(import_pool.clone())
                .data(import_counters.clone())
                .retry(retry())
                .catch_panic()
                .build(jobs::import::read)
        });
    let result = monitor.run_with_signal(async {
        vitrine_core::shutdown::signal().await;
        Ok(())
    });
    result.await.context("running the job workers")?;
    periodic.abort();
    health.abort();
    tracing::info!("worker stopped");
    Ok(())
}

async fn serve_health(
    config: &WorkerConfig,
    pool: PgPool,
    metrics: Metrics,
    depth: QueueDepth,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let app = Route::new()
        .at("/healthz", poem::get(healthz))
        .at("/readyz", poem::get(readyz))
        .at("/metrics", poem::get(render_metrics))
        .data(pool)
        .data(metrics)
        .data(depth);
    let listener = TcpListener::bind(config.listen);
    let server = Server::new(listener);
    let address = config.listen;
    Ok(tokio::spawn(async move {
        if let Err(error) = server.run(app).await {
            tracing::error!(%error, %address, "the health endpoint stopped (VITRINE_WORKER_ADDR)");
        }
    }))
}

#[handler]
fn healthz() -> &'static str {
    "ok"
}

#[handler]
async fn readyz(pool: Data<&PgPool>) -> Response {
    if vitrine_core::db::is_reachable(&pool).await {
        "ready".into_response()
    } else {
        "database unreachable".with_status(poem::http::StatusCode::SERVICE_UNAVAILABLE).into_response()
    }
}

#[handler]
async fn render_metrics(metrics: Data<&Metrics>, depth: Data<&QueueDepth>) -> Response {
    depth.refresh().await;
    metrics.render().with_content_type("application/openmetrics-text; version=1.0.0; charset=utf-8").into_response()
}
