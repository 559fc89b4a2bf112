//! Visit statistics through real page views: who is counted, what is stored (never the
//! address), roll-ups that equal a direct count, the API, and the queue riding out a database
//! that goes away.

use std::sync::Arc;
use std::time::Duration;

use chrono::{Duration as Days, Utc};
use rand::Rng;
use serde_json::{Value, json};
use uuid::Uuid;
use vitrine_core::stats::geoip::GeoIp;
use vitrine_core::stats::recorder::{RawView, Recorder};
use vitrine_core::stats::rollup;
use vitrine_core::telemetry::Metrics;
use vitrine_testing::eventually;
use vitrine_testing::proxy::CuttableProxy;

use crate::helpers::{Browser, TestApp, create_portfolio, geoip_db};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const GOOGLEBOT: &str = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

/// Ann's published portfolio: its id, and the host and path visitors read it at.
async fn published(app: &TestApp, ann: &Browser) -> (String, String) {
    let portfolio =
        create_portfolio(app, ann, json!({ "title": "Ann's CV", "slug": "cv", "start_with": "sample" })).await;
    let id = portfolio["id"].as_str().unwrap().to_owned();
    ann.post_empty(&format!("/api/v1/portfolios/{id}/publish")).await.expect(200);
    let handle = app.personal_workspace(ann).await["handle"].as_str().unwrap().to_owned();
    (id, format!("{handle}.localhost:8080"))
}

async fn visit(browser: &Browser, host: &str, headers: &[(&str, &str)]) {
    let mut request = browser.client.get(format!("{}/cv", browser.base)).header("host", host);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    assert_eq!(status, 200, "{}", response.text().await.unwrap_or_default());
}

/// Views written so far (a row counts identical views of one second).
async fn recorded(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT coalesce(sum(views), 0)::bigint FROM page_views").fetch_one(&app.db.pool).await.unwrap()
}

async fn stats(browser: &Browser, portfolio: &str) -> Value {
    browser.get(&format!("/api/v1/portfolios/{portfolio}/stats")).await.expect(200).body
}

fn ranked(list: &Value) -> Vec<(String, i64)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|entry| (entry["value"].as_str().unwrap().to_owned(), entry["views"].as_i64().unwrap()))
        .collect()
}

#[tokio::test]
async fn people_are_counted_once_a_day_and_robots_prefetches_and_members_not_at_all() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let (portfolio, host) = published(&app, &ann).await;
    let visitor = app.browser();

    // Ann looks at her own page first: her views are not counted.
    visit(&ann, &host, &[("user-agent", FIREFOX), ("x-forwarded-for", "203.0.113.9")]).await;
    visit(&visitor, &host, &[("user-agent", FIREFOX), ("x-forwarded-for", "8.8.8.8")]).await;
    visit(&visitor, &host, &[("user-agent", FIREFOX), ("x-forwarded-for", "8.8.8.8")]).await;
    visit(&visitor, &host, &[("user-agent", GOOGLEBOT), ("x-forwarded-for", "66.249.66.1")]).await;
    visit(&visitor, &host, &[("user-agent", FIREFOX), ("sec-purpose", "prefetch"), ("x-forwarded-for", "8.8.4.4")])
        .await;
    visit(
        &visitor,
        &host,
        &[
            ("user-agent", IPHONE),
            ("x-forwarded-for", "81.2.69.142"),
            ("referer", "https://news.ycombinator.com/item?id=1"),
        ],
    )
    .await;
    eventually(Duration::from_secs(10), "three counted views", || async { (recorded(&app).await == 3).then_some(()) })
        .await;
    assert_eq!(rollup::roll_up(&app.db.pool, Duration::ZERO).await.unwrap(), 3);
    assert_eq!(rollup::roll_up(&app.db.pool, Duration::ZERO).await.unwrap(), 0, "each view is added once");

    let report = stats(&ann, &portfolio).await;
    assert_eq!(report["totals"], json!({ "views": 3, "uniques": 2, "bots": 1 }));
    let today = report["days"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((today["views"].as_i64(), today["uniques"].as_i64()), (Some(3), Some(2)));
    assert_eq!(report["days"].as_array().unwrap().len(), 30);
    assert_eq!(ranked(&report["countries"]), [("US".to_owned(), 2), ("GB".to_owned(), 1)]);
    assert_eq!(ranked(&report["devices"]), [("desktop".to_owned(), 2), ("phone".to_owned(), 1)]);
    assert_eq!(ranked(&report["referrers"]), [(String::new(), 2), ("news.ycombinator.com".to_owned(), 1)]);
    assert_eq!(report["previous_totals"], json!({ "views": 0, "uniques": 0, "bots": 0 }));

    // The first view is a milestone worth telling the owner about.
    let told = ann.get("/api/v1/notifications").await.body;
    assert!(told["items"].as_array().unwrap().iter().any(|item| item["kind"] == "view_milestone"), "{told}");

    // The addresses are stored nowhere: not in any text or binary column of the statistics.
    for address in ["8.8.8.8", "81.2.69.142", "203.0.113.9", "66.249.66.1"] {
        let columns: Vec<(String, String)> = sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema = 'public' AND data_type IN ('text', 'bytea', 'character varying')
               AND table_name IN ('page_views', 'stats_daily', 'stats_daily_breakdown', 'stats_visitors', 'view_salts')",
        )
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
        assert!(columns.len() >= 6, "{columns:?}");
        for (table, column) in columns {
            let query = format!(
                "SELECT count(*) FROM {table} WHERE position($1 in {column}::text) > 0
                    OR position(convert_to($1, 'UTF8') in {column}::text::bytea) > 0"
            );
            let found: i64 =
                sqlx::query_scalar(sqlx::AssertSqlSafe(query)).bind(address).fetch_one(&app.db.pool).await.unwrap();
            assert_eq!(found, 0, "{address} found in {table}.{column}");
        }
    }
}

#[tokio::test]
async fn a_visitor_on_two_days_is_two_visitors() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let (portfolio, host) = published(&app, &ann).await;
    let workspace: Uuid = app.personal_workspace(&ann).await["id"].as_str().unwrap().parse().unwrap();
    let recorder = Recorder::start(
        app.db.pool.clone(),
        Arc::new(GeoIp::open(Some(&geoip_db())).unwrap()),
        100,
        &Metrics::with_prefix("test"),
    );
    let now = Utc::now();
    for at in [now - Days::days(1), now - Days::days(1), now, now] {
        recorder.record(RawView {
            portfolio: portfolio.parse().unwrap(),
            workspace,
            at,
            ip: Some("8.8.8.8".parse().unwrap()),
            user_agent: FIREFOX.into(),
            host: host.clone(),
            referrer: None,
            session: None,
            viewer: None,
        });
    }
    recorder.close().await;
    assert_eq!(recorded(&app).await, 4, "closing writes what was queued");
    rollup::roll_up(&app.db.pool, Duration::ZERO).await.unwrap();
    let report = stats(&ann, &portfolio).await;
    let days = report["days"].as_array().unwrap();
    let last_two: Vec<(i64, i64)> = days[days.len() - 2..]
        .iter()
        .map(|day| (day["views"].as_i64().unwrap(), day["uniques"].as_i64().unwrap()))
        .collect();
    assert_eq!(last_two, [(2, 1), (2, 1)]);
    let salts: i64 = app.db.count("view_salts").await;
    assert_eq!(salts, 2, "one salt per day");
    let visitors: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT DISTINCT visitor FROM page_views").fetch_all(&app.db.pool).await.unwrap();
    assert_eq!(visitors.len(), 2, "the same person has another id on another day");

    // Salts of days gone by are destroyed; raw views age out, their aggregates stay.
    rollup::prune(&app.db.pool, now + Days::days(3), Days::hours(84)).await.unwrap();
    assert_eq!(app.db.count("view_salts").await, 0);
    assert_eq!(recorded(&app).await, 2, "the views older than the retention are gone");
    assert_eq!(stats(&ann, &portfolio).await["totals"]["views"], 4, "the aggregates stay");
}

#[tokio::test]
async fn roll_ups_equal_a_direct_count_over_a_random_month() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let pool = &app.db.pool;
    let workspace: Uuid = app.personal_workspace(&ann).await["id"].as_str().unwrap().parse().unwrap();
    let mut portfolios = Vec::new();
    for title in ["One", "Two"] {
        portfolios.push(
            create_portfolio(&app, &ann, json!({ "title": title })).await["id"]
                .as_str()
                .unwrap()
                .parse::<Uuid>()
                .unwrap(),
        );
    }
    let countries = [Some("US"), Some("GB"), Some("DE"), None];
    let referrers = [None, Some("google.com"), Some("news.ycombinator.com")];
    let devices = ["desktop", "tablet", "phone"];
    // Two rounds of traffic with a roll-up between: the second adds to the first.
    for _round in 0..2 {
        let mut rng = rand::rng();
        let count = rng.random_range(2_000..4_000);
        let mut columns = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::<i32>::new());
        for _ in 0..count {
            columns.0.push(portfolios[rng.random_range(0..2)]);
            columns.1.push(Utc::now() - Days::minutes(rng.random_range(0..30 * 24 * 60)));
            columns.2.push(countries[rng.random_range(0..countries.len())].map(str::to_owned));
            columns.3.push(referrers[rng.random_range(0..referrers.len())].map(str::to_owned));
            columns.4.push(devices[rng.random_range(0..3)].to_owned());
            // Few visitors, so many come back.
            let mut visitor = vec![0u8; 16];
            visitor[0] = rng.random_range(0..40);
            columns.5.push(visitor);
            // A row may stand for a few identical views of one second.
            columns.6.push(rng.random_range(1..4));
        }
        sqlx::query(
            "INSERT INTO page_views (portfolio_id, workspace_id, viewed_at, country, referrer, device, visitor, views)
             SELECT p, $2, t, c, r, d, v, n
             FROM UNNEST($1::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::bytea[], $8::int[])
                 AS x (p, t, c, r, d, v, n)",
        )
        .bind(&columns.0)
        .bind(workspace)
        .bind(&columns.1)
        .bind(&columns.2)
        .bind(&columns.3)
        .bind(&columns.4)
        .bind(&columns.5)
        .bind(&columns.6)
        .execute(pool)
        .await
        .unwrap();
        rollup::roll_up(pool, Duration::ZERO).await.unwrap();
    }
    let differences: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (
             SELECT portfolio_id, (viewed_at AT TIME ZONE 'UTC')::date AS day, sum(views) AS views,
                    count(DISTINCT visitor) AS uniques
             FROM page_views GROUP BY 1, 2
         ) direct FULL JOIN stats_daily s USING (portfolio_id, day)
         WHERE direct.views IS DISTINCT FROM s.views OR direct.uniques IS DISTINCT FROM s.uniques",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(differences, 0, "every day's views and uniques match a direct count");
    let differences: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (
             SELECT portfolio_id, (viewed_at AT TIME ZONE 'UTC')::date AS day, 'country' AS dimension,
                    coalesce(country, '') AS value, sum(views) AS views FROM page_views GROUP BY 1, 2, 3, 4
             UNION ALL
             SELECT portfolio_id, (viewed_at AT TIME ZONE 'UTC')::date, 'referrer', coalesce(referrer, ''), sum(views)
             FROM page_views GROUP BY 1, 2, 3, 4
             UNION ALL
             SELECT portfolio_id, (viewed_at AT TIME ZONE 'UTC')::date, 'device', device, sum(views)
             FROM page_views GROUP BY 1, 2, 3, 4
         ) direct FULL JOIN stats_daily_breakdown b USING (portfolio_id, day, dimension, value)
         WHERE direct.views IS DISTINCT FROM b.views",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(differences, 0, "every breakdown matches a direct count");
    let workspace_report = ann.get(&format!("/api/v1/workspaces/{workspace}/stats")).await.expect(200).body;
    let direct: i64 = sqlx::query_scalar(
        "SELECT sum(views)::bigint FROM page_views
         WHERE (viewed_at AT TIME ZONE 'UTC')::date >= (now() AT TIME ZONE 'UTC')::date - 29",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(workspace_report["totals"]["views"], direct, "the workspace sums its portfolios");
    assert_eq!(workspace_report["portfolios"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn statistics_are_for_members_and_ranges_are_checked() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let (portfolio, _) = published(&app, &ann).await;
    let workspace = app.personal_workspace(&ann).await["id"].as_str().unwrap().to_owned();
    let (bob, _) = app.signed_in("bob@example.com", "Bob").await;
    for path in [
        format!("/api/v1/portfolios/{portfolio}/stats"),
        format!("/api/v1/portfolios/{portfolio}/stats.csv"),
        format!("/api/v1/workspaces/{workspace}/stats"),
        format!("/api/v1/workspaces/{workspace}/stats.csv"),
    ] {
        bob.get(&path).await.expect_error(404, "not_found", None);
        app.browser().get(&path).await.expect_error(401, "unauthenticated", None);
        ann.get(&path).await.expect(200);
    }
    let path = format!("/api/v1/portfolios/{portfolio}/stats");
    ann.get(&format!("{path}?from=2026-11-20&to=2026-11-10")).await.expect_error(422, "invalid_range", Some("from"));
    ann.get(&format!("{path}?from=2020-01-01&to=2026-11-10")).await.expect_error(422, "invalid_range", Some("from"));
    ann.get(&format!("{path}?from=yesterday")).await.expect_error(400, "invalid_parameter", Some("from"));
    // The calendar's first day, and days before any statistics or before PostgreSQL's calendar.
    ann.get(&format!("{path}?to=-262143-01-01")).await.expect_error(422, "out_of_range", Some("to"));
    ann.get(&format!("{path}?from=-262143-01-01&to=-262143-01-01")).await.expect_error(
        422,
        "out_of_range",
        Some("from"),
    );
    ann.get(&format!("{path}?from=-5000-01-01&to=-5000-01-05")).await.expect_error(422, "out_of_range", Some("from"));
    let week = ann.get(&format!("{path}?from=2026-11-01&to=2026-11-07")).await.expect(200).body;
    assert_eq!(week["days"].as_array().unwrap().len(), 7);
    assert_eq!(week["previous_days"][0]["date"], "2026-10-25");
    let csv = ann.get(&format!("{path}.csv?from=2026-11-01&to=2026-11-03")).await.expect(200);
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        csv.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("vitrine-stats-portfolio-2026-11-01-2026-11-03.csv")
    );
    assert_eq!(csv.body, "date,views,unique_visitors\n2026-11-01,0,0\n2026-11-02,0,0\n2026-11-03,0,0\n");
}

#[tokio::test]
async fn pages_are_served_while_the_database_is_away_and_their_views_arrive_after() {
    let db = vitrine_testing::TestDatabase::create().await;
    let proxy = CuttableProxy::start("127.0.0.1:5432".into()).await;
    let through_proxy = db.url.replacen("127.0.0.1/", &format!("127.0.0.1:{}/", proxy.port), 1);
    assert_ne!(through_proxy, db.url);
    let app = TestApp::spawn_on(db, &through_proxy, &["--stats-buffer=200"]).await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let (portfolio, host) = published(&app, &ann).await;
    let visitor = app.browser();
    visit(&visitor, &host, &[("user-agent", FIREFOX)]).await; // resolves and caches the page

    proxy.cut();
    // Served from memory while the views wait in the queue.
    for _ in 0..150 {
        visit(&visitor, &host, &[("user-agent", FIREFOX)]).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    proxy.restore();
    eventually(Duration::from_secs(30), "the queued views", || async { (recorded(&app).await == 151).then_some(()) })
        .await;
    // More views than the queue holds are dropped, and counted.
    proxy.cut();
    for _ in 0..600 {
        visit(&visitor, &host, &[("user-agent", FIREFOX)]).await;
    }
    let metrics = app.browser().get("/metrics").await.body.as_str().unwrap_or_default().to_owned();
    let dropped: u64 = metrics
        .lines()
        .find_map(|line| line.strip_prefix("vitrine_platform_stats_views_dropped_total "))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0);
    assert!(dropped >= 100, "{metrics}");
    proxy.restore();
    assert_eq!(stats(&ann, &portfolio).await["totals"]["views"], 0, "not rolled up yet, but readable again");
}

#[tokio::test]
async fn the_weekly_digest_sums_up_the_week_once() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let (portfolio, _) = published(&app, &ann).await;
    let workspace: Uuid = app.personal_workspace(&ann).await["id"].as_str().unwrap().parse().unwrap();
    let today = Utc::now().date_naive();
    // 12 views a day last week, 10 a day the week before.
    for (days_ago, views) in (1..=7).map(|day| (day, 12)).chain((8..=14).map(|day| (day, 10))) {
        sqlx::query(
            "INSERT INTO stats_daily (portfolio_id, workspace_id, day, views, uniques) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(portfolio.parse::<Uuid>().unwrap())
        .bind(workspace)
        .bind(today - Days::days(days_ago))
        .bind(views)
        .bind(views / 2)
        .execute(&app.db.pool)
        .await
        .unwrap();
    }
    let (bob, _) = app.signed_in("bob@example.com", "Bob").await;
    assert_eq!(
        vitrine_core::stats::digest::send_weekly(&app.db.pool, Utc::now()).await.unwrap(),
        1,
        "Bob had no views"
    );
    assert_eq!(vitrine_core::stats::digest::send_weekly(&app.db.pool, Utc::now()).await.unwrap(), 0, "once a week");
    let told = ann.get("/api/v1/notifications").await.body;
    let digest = told["items"].as_array().unwrap().iter().find(|item| item["kind"] == "weekly_digest").unwrap().clone();
    assert_eq!(digest["title"], "Your week on Vitrine: 84 views");
    let body = digest["body"].as_str().unwrap();
    assert!(body.starts_with("84 views by 42 visitors from "), "{body}");
    assert!(body.contains("(+20% on the week before)") && body.contains("“Ann's CV”: 84 views"), "{body}");
    assert_eq!(bob.get("/api/v1/notifications/unread-count").await.body["unread"], 0);
    let emails: i64 = sqlx::query_scalar("SELECT count(*) FROM apalis.jobs WHERE job_type = 'vitrine.notification'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(emails, 1, "the digest is emailed by default");
}

#[tokio::test]
async fn a_member_on_the_workspace_subdomain_is_known_by_the_viewer_cookie() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let (_, host) = published(&app, &ann).await;
    // Any signed-in request hands out the viewer cookie, for the base domain's subdomains.
    let fresh = app.browser();
    let login = fresh
        .client
        .post(format!("{}/api/v1/auth/login", fresh.base))
        .json(&json!({ "email": "ann@example.com", "password": crate::helpers::PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let answer = fresh.client.get(format!("{}/api/v1/me", fresh.base)).send().await.unwrap();
    let value = answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|value| value.to_str().unwrap().to_owned())
        .find(|cookie| cookie.starts_with("vitrine_viewer="))
        .expect("a viewer cookie");
    assert!(value.contains("Domain=localhost") && value.contains("HttpOnly"), "{value}");
    let cookie = value.split(';').next().unwrap().to_owned();

    // Only the viewer cookie reaches the subdomain: Ann's view is not counted; a forged one is.
    let only_viewer = app.browser();
    visit_with_cookie(&only_viewer, &host, &cookie).await;
    let forged = format!("vitrine_viewer={}.{}", uuid::Uuid::new_v4(), "ab".repeat(32));
    visit_with_cookie(&only_viewer, &host, &forged).await;
    eventually(Duration::from_secs(10), "one counted view", || async { (recorded(&app).await == 1).then_some(()) })
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(recorded(&app).await, 1, "the member's view stays uncounted");
}

async fn visit_with_cookie(browser: &Browser, host: &str, cookie: &str) {
    let response = browser
        .client
        .get(format!("{}/cv", browser.base))
        .header("host", host)
        .header("cookie", cookie)
        .header("user-agent", FIREFOX)
        .header("x-forwarded-for", "8.8.8.8")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
