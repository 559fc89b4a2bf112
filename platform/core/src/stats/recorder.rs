//! Recording views off the request path: a page hands its view to a bounded in-memory queue
//! and goes on; one task per process writes the queue to Postgres in batches. While the
//! database is away the task keeps its batch and retries; views that find the queue full are
//! dropped and counted (`stats_views_dropped`), so a page never waits on the database. At
//! most twice the queue's capacity (`VITRINE_STATS_BUFFER`) waits in memory.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use hmac::{Hmac, Mac};
use prometheus_client::metrics::counter::Counter;
use rand::RngCore;
use sha2::Sha256;
use sqlx::{PgConnection, PgPool};
use tokio::sync::{Mutex, Notify, mpsc};
use tokio::task::JoinHandle;
use uuid::Uuid;

use super::classify;
use super::geoip::GeoIp;
use crate::telemetry::Metrics;

/// Views written in one statement, at most.
const BATCH: usize = 2000;
/// How long the writer waits for more views before writing a batch.
const LINGER: Duration = Duration::from_millis(250);

/// A view as the request saw it. The address and the session stay in memory: the writer
/// turns them into a visitor hash and a yes/no "is a member", then forgets them.
#[derive(Debug, Clone)]
pub struct RawView {
    pub portfolio: Uuid,
    pub workspace: Uuid,
    pub at: DateTime<Utc>,
    pub ip: Option<IpAddr>,
    pub user_agent: String,
    pub host: String,
    pub referrer: Option<String>,
    /// The viewer's session cookie, if any: members' own views are not counted.
    pub session: Option<String>,
    /// The signed-in user the viewer cookie names, on hosts the session cookie does not reach.
    pub viewer: Option<Uuid>,
}

#[derive(Clone)]
struct Counters {
    recorded: Counter,
    robots: Counter,
    members: Counter,
    dropped: Counter,
}

/// The request side: cheap to clone, never blocks.
#[derive(Clone)]
pub struct Recorder {
    sender: mpsc::Sender<RawView>,
    counters: Counters,
    closing: Arc<Notify>,
    writer: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl Recorder {
    /// Starts the writer with a queue of `capacity` views.
    pub fn start(pool: PgPool, geoip: Arc<GeoIp>, capacity: usize, metrics: &Metrics) -> Recorder {
        let counters = Counters {
            recorded: Counter::default(),
            robots: Counter::default(),
            members: Counter::default(),
            dropped: Counter::default(),
        };
        metrics.register("stats_views_recorded", "Page views written to the statistics", counters.recorded.clone());
        metrics.register("stats_robot_views", "Page views by robots, tallied apart", counters.robots.clone());
        metrics.register(
            "stats_member_views",
            "Page views by the page's own members, not counted",
            counters.members.clone(),
        );
        metrics.register(
            "stats_views_dropped",
            "Page views lost because the queue to the database was full",
            counters.dropped.clone(),
        );
        let (sender, receiver) = mpsc::channel(capacity.max(1));
        let closing = Arc::new(Notify::new());
        // A batch is never larger than the queue: at most twice `capacity` views wait in memory.
        let batch = capacity.clamp(1, BATCH);
        let writer = Writer { pool, geoip, receiver, salts: HashMap::new(), counters: counters.clone(), batch };
        let handle = tokio::spawn(writer.run(closing.clone()));
        Recorder { sender, counters, closing, writer: Arc::new(Mutex::new(Some(handle))) }
    }

    /// Queues a view; when the queue is full the view is dropped and counted.
    pub fn record(&self, view: RawView) {
        if self.sender.try_send(view).is_err() {
            self.counters.dropped.inc();
        }
    }

    /// Writes what is queued and stops the writer (at shutdown).
    pub async fn close(&self) {
        self.closing.notify_one();
        if let Some(handle) = self.writer.lock().await.take() {
            let _ = handle.await;
        }
    }
}

struct Writer {
    pool: PgPool,
    geoip: Arc<GeoIp>,
    receiver: mpsc::Receiver<RawView>,
    salts: HashMap<NaiveDate, Vec<u8>>,
    counters: Counters,
    batch: usize,
}

impl Writer {
    async fn run(mut self, closing: Arc<Notify>) {
        loop {
            let first = tokio::select! {
                view = self.receiver.recv() => view,
                () = closing.notified() => None,
            };
            let Some(first) = first else { break };
            let mut batch = vec![first];
            self.drain_into(&mut batch);
            // A short batch waits a moment for more. It sleeps rather than awaiting each view,
            // so views arriving meanwhile do not wake the task one by one.
            let mut stop = false;
            if batch.len() < self.batch {
                tokio::select! {
                    () = tokio::time::sleep(LINGER) => {}
                    () = closing.notified() => stop = true,
                }
                self.drain_into(&mut batch);
            }
            self.write_until_done(batch).await;
            if stop {
                break;
            }
        }
        // Closing: what is still queued goes out before the process ends.
        let mut rest = Vec::new();
        while let Ok(view) = self.receiver.try_recv() {
            rest.push(view);
        }
        for batch in rest.chunks(self.batch) {
            self.write_until_done(batch.to_vec()).await;
        }
    }

    /// Moves queued views into `batch`, up to a batch's size.
    fn drain_into(&mut self, batch: &mut Vec<RawView>) {
        while batch.len() < self.batch {
            match self.receiver.try_recv() {
                Ok(view) => batch.push(view),
                Err(_) => break,
            }
        }
    }

    /// Retries with back-off while the database is away; the queue fills meanwhile.
    async fn write_until_done(&mut self, batch: Vec<RawView>) {
        let mut delay = Duration::from_millis(200);
        loop {
            match self.write(&batch).await {
                Ok(()) => return,
                // The database answered and refused: trying again would fail the same way.
                Err(crate::Error::Database(sqlx::Error::Database(error))) => {
                    tracing::error!(error = %error, views = batch.len(), "page views refused by the database; dropped");
                    self.counters.dropped.inc_by(batch.len() as u64);
                    return;
                }
                Err(error) => {
                    tracing::warn!(error = %error, views = batch.len(), "writing page views failed; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    async fn write(&mut self, batch: &[RawView]) -> crate::Result<()> {
        let mut connection = self.pool.acquire().await?;
        let members = members(&mut connection, batch).await?;
        let mut robots: HashMap<(Uuid, Uuid, NaiveDate), i64> = HashMap::new();
        let mut rows = Rows::default();
        let mut member_views = 0;
        // `None` for a robot.
        let mut seen: HashMap<VisitorKey<'_>, Option<Visitor>> = HashMap::new();
        for view in batch {
            let by_session =
                view.session.as_ref().is_some_and(|session| members.0.contains(&(session.clone(), view.workspace)));
            if by_session || view.viewer.is_some_and(|user| members.1.contains(&(user, view.workspace))) {
                member_views += 1;
                continue;
            }
            let day = view.at.date_naive();
            // A visitor's views of one batch share what their user agent and address say:
            // classify, hash and look up once.
            let known = (view.ip, view.user_agent.as_str(), view.host.as_str(), day);
            let visitor = match seen.get(&known) {
                Some(found) => found.clone(),
                None if classify::is_robot(&view.user_agent) => None,
                None => {
                    let salt = self.salt(&mut connection, day).await?;
                    Some(Visitor {
                        id: visitor(&salt, view),
                        country: view.ip.and_then(|ip| self.geoip.country(ip)),
                        device: classify::device(&view.user_agent).as_str(),
                    })
                }
            };
            seen.entry(known).or_insert_with(|| visitor.clone());
            match visitor {
                Some(visitor) => rows.push(view, visitor),
                None => *robots.entry((view.portfolio, view.workspace, day)).or_default() += 1,
            }
        }
        // Two statements, each cut off after five seconds: the roll-up relies on rows settling
        // within `rollup::SETTLE` of their transaction's start.
        let mut transaction = sqlx::Connection::begin(&mut *connection).await?;
        sqlx::query!("SET LOCAL statement_timeout = '5s'").execute(&mut *transaction).await?;
        let recorded = rows.views();
        rows.insert(&mut transaction).await?;
        let (mut portfolios, mut workspaces, mut days, mut counts) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for ((portfolio, workspace, day), count) in &robots {
            portfolios.push(*portfolio);
            workspaces.push(*workspace);
            days.push(*day);
            counts.push(*count);
        }
        if !robots.is_empty() {
            sqlx::query!(
                "INSERT INTO stats_daily (portfolio_id, workspace_id, day, bots)
                 SELECT r.* FROM UNNEST($1::uuid[], $2::uuid[], $3::date[], $4::bigint[]) AS r (portfolio_id, workspace_id, day, bots)
                 WHERE EXISTS (SELECT 1 FROM portfolios p WHERE p.id = r.portfolio_id)
                 ON CONFLICT (portfolio_id, day) DO UPDATE SET bots = stats_daily.bots + excluded.bots",
                &portfolios,
                &workspaces,
                &days,
                &counts,
            )
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        self.counters.recorded.inc_by(recorded);
        self.counters.robots.inc_by(counts.iter().sum::<i64>() as u64);
        self.counters.members.inc_by(member_views);
        Ok(())
    }

    /// The day's salt, made by whichever replica needs it first.
    async fn salt(&mut self, connection: &mut PgConnection, day: NaiveDate) -> crate::Result<Vec<u8>> {
        if let Some(salt) = self.salts.get(&day) {
            return Ok(salt.clone());
        }
        let mut fresh = vec![0u8; 32];
        rand::rng().fill_bytes(&mut fresh);
        sqlx::query!("INSERT INTO view_salts (day, salt) VALUES ($1, $2) ON CONFLICT DO NOTHING", day, fresh)
            .execute(&mut *connection)
            .await?;
        let salt = sqlx::query_scalar!("SELECT salt FROM view_salts WHERE day = $1", day).fetch_one(connection).await?;
        // Only today's and yesterday's are ever needed.
        self.salts.retain(|known, _| (day - *known).num_days().abs() <= 1);
        self.salts.insert(day, salt.clone());
        Ok(salt)
    }
}

/// Which (session, workspace) and (user, workspace) pairs of the batch are a signed-in member
/// viewing their own workspace's page.
async fn members(
    connection: &mut PgConnection,
    batch: &[RawView],
) -> crate::Result<(HashSet<(String, Uuid)>, HashSet<(Uuid, Uuid)>)> {
    let pairs: HashSet<(String, Uuid)> =
        batch.iter().filter_map(|view| Some((view.session.clone()?, view.workspace))).collect();
    let mut found = HashSet::new();
    for (session, workspace) in pairs {
        let member = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM sessions s
                              JOIN workspace_members m ON m.user_id = s.user_id AND m.workspace_id = $2
                              WHERE s.token_hash = $1 AND s.expires_at > now()) AS "member!""#,
            crate::token::hash(&session),
            workspace,
        )
        .fetch_one(&mut *connection)
        .await?;
        if member {
            found.insert((session, workspace));
        }
    }
    let viewers: HashSet<(Uuid, Uuid)> = batch.iter().filter_map(|view| Some((view.viewer?, view.workspace))).collect();
    let mut users = HashSet::new();
    for (user, workspace) in viewers {
        let member = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM workspace_members WHERE user_id = $1 AND workspace_id = $2) AS "member!""#,
            user,
            workspace,
        )
        .fetch_one(&mut *connection)
        .await?;
        if member {
            users.insert((user, workspace));
        }
    }
    Ok((found, users))
}

/// The visitor's id for the day: the first 16 bytes of HMAC-SHA256 under the day's salt.
fn visitor(salt: &[u8], view: &RawView) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(salt).expect("HMAC takes keys of any length");
    mac.update(view.ip.map(|ip| ip.to_string()).unwrap_or_default().as_bytes());
    mac.update(&[0]);
    mac.update(view.user_agent.as_bytes());
    mac.update(&[0]);
    mac.update(view.host.as_bytes());
    mac.finalize().into_bytes()[..16].to_vec()
}

/// The batch's views, with identical ones (same page, second, visitor and origin) counted in
/// one row, in the columns of one `UNNEST` statement.
#[derive(Default)]
struct Rows {
    counts: HashMap<RowKey, i32>,
}

/// What a person's views share: the day's id, country and device.
#[derive(Clone)]
struct Visitor {
    id: Vec<u8>,
    country: Option<String>,
    device: &'static str,
}

/// Who a view is from, as far as the visitor id and the country go.
type VisitorKey<'a> = (Option<IpAddr>, &'a str, &'a str, NaiveDate);

type RowKey = (Uuid, Uuid, DateTime<Utc>, Option<String>, Option<String>, &'static str, Vec<u8>);

impl Rows {
    fn push(&mut self, view: &RawView, visitor: Visitor) {
        let second = view.at.trunc_subsecs(0);
        let key = (
            view.portfolio,
            view.workspace,
            second,
            visitor.country,
            view.referrer.clone(),
            visitor.device,
            visitor.id,
        );
        *self.counts.entry(key).or_default() += 1;
    }

    fn views(&self) -> u64 {
        self.counts.values().map(|count| *count as u64).sum()
    }

    async fn insert(self, connection: &mut PgConnection) -> crate::Result<()> {
        if self.counts.is_empty() {
            return Ok(());
        }
        let mut columns =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for ((portfolio, workspace, at, country, referrer, device, visitor), views) in self.counts {
            columns.0.push(portfolio);
            columns.1.push(workspace);
            columns.2.push(at);
            columns.3.push(country);
            columns.4.push(referrer);
            columns.5.push(device.to_owned());
            columns.6.push(visitor);
            columns.7.push(views);
        }
        sqlx::query!(
            "INSERT INTO page_views (portfolio_id, workspace_id, viewed_at, country, referrer, device, visitor, views)
             SELECT v.* FROM UNNEST($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::text[],
                                    $7::bytea[], $8::int[])
                 AS v (portfolio_id, workspace_id, viewed_at, country, referrer, device, visitor, views)
             -- A page deleted since it was viewed has no statistics to add to.
             WHERE EXISTS (SELECT 1 FROM portfolios p WHERE p.id = v.portfolio_id)",
            &columns.0,
            &columns.1,
            &columns.2,
            &columns.3 as &[Option<String>],
            &columns.4 as &[Option<String>],
            &columns.5,
            &columns.6,
            &columns.7,
        )
        .execute(connection)
        .await?;
        Ok(())
    }
}
