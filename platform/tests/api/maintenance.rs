//! The worker's periodic work, against a real database: snapshots, their retention over a
//! year, housekeeping, and slots claimed once.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, Utc};
use serde_json::json;
use uuid::Uuid;
use vitrine_core::maintenance;

use crate::helpers::{TestApp, create_portfolio};

#[tokio::test]
async fn retention_thins_a_year_of_versions_and_keeps_what_matters() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let id: Uuid =
        create_portfolio(&app, &ann, json!({ "title": "CV" })).await["id"].as_str().unwrap().parse().unwrap();
    let pool = &app.db.pool;
    let now: DateTime<Utc> = Utc::now();
    // A version every 6 hours for a year, oldest first; one published and one named long ago.
    sqlx::query(
        "INSERT INTO portfolio_versions (id, portfolio_id, workspace_id, revision, document, template, kind, name, created_at, updated_at)
         SELECT gen_random_uuid(), p.id, p.workspace_id, 1000 - step, p.document, p.template,
                CASE WHEN step = 1000 THEN 'publish' ELSE 'edit' END,
                CASE WHEN step = 1001 THEN 'Before the redesign' END,
                $2::timestamptz - make_interval(hours => step * 6), $2::timestamptz - make_interval(hours => step * 6)
         FROM portfolios p, generate_series(1, 1460) AS step WHERE p.id = $1",
    )
    .bind(id)
    .bind(now)
    .execute(pool)
    .await
    .unwrap();

    let pruned = maintenance::prune_versions(pool, now).await.unwrap();
    assert!(pruned > 1200, "most of a year of 6-hourly versions go ({pruned})");
    assert_eq!(maintenance::prune_versions(pool, now).await.unwrap(), 0, "a second round finds nothing more");

    let kept: Vec<(DateTime<Utc>, String, Option<String>)> =
        sqlx::query_as("SELECT created_at, kind, name FROM portfolio_versions WHERE portfolio_id = $1")
            .bind(id)
            .fetch_all(pool)
            .await
            .unwrap();
    let age = |at: &DateTime<Utc>| now - *at;
    // Steps 1 to 27 of 6 hours are younger than 7 days.
    let recent = kept.iter().filter(|(at, kind, _)| kind == "edit" && age(at) < Duration::days(7)).count();
    assert_eq!(recent, 27, "every version of the last 7 days stays");
    let mut per_day = BTreeMap::new();
    let mut per_week = BTreeMap::new();
    for (at, kind, name) in &kept {
        if kind != "edit" || name.is_some() {
            continue;
        }
        if age(at) > Duration::days(8) && age(at) < Duration::days(89) {
            *per_day.entry(at.date_naive()).or_insert(0) += 1;
        }
        if age(at) > Duration::days(92) {
            *per_week.entry(at.iso_week().week() + 100 * at.iso_week().year() as u32).or_insert(0) += 1;
        }
    }
    assert!(per_day.len() >= 80 && per_day.values().all(|count| *count == 1), "one a day: {per_day:?}");
    assert!(per_week.len() >= 38 && per_week.values().all(|count| *count == 1), "one a week: {per_week:?}");
    assert!(kept.iter().any(|(_, kind, _)| kind == "publish"), "published versions stay");
    assert!(kept.iter().any(|(_, _, name)| name.as_deref() == Some("Before the redesign")), "named versions stay");
    assert!(kept.iter().any(|(_, kind, _)| kind == "created"), "the newest version stays");
}

#[tokio::test]
async fn snapshots_are_taken_once_per_change() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let id = create_portfolio(&app, &ann, json!({ "title": "CV" })).await["id"].as_str().unwrap().to_owned();
    create_portfolio(&app, &ann, json!({ "title": "Other" })).await;
    let pool = &app.db.pool;
    assert_eq!(maintenance::take_snapshots(pool).await.unwrap(), 2);
    assert_eq!(maintenance::take_snapshots(pool).await.unwrap(), 0, "nothing changed since");
    let document = json!({"schema_version": 2, "sections": []});
    ann.put(&format!("/api/v1/portfolios/{id}/document"), json!({ "base_revision": 1, "document": document }))
        .await
        .expect(200);
    assert_eq!(maintenance::take_snapshots(pool).await.unwrap(), 1);
    let kinds = ann.get(&format!("/api/v1/portfolios/{id}/versions")).await.body;
    assert!(kinds.as_array().unwrap().iter().filter(|version| version["kind"] == "snapshot").count() == 2);
}

#[tokio::test]
async fn housekeeping_empties_the_old_trash_and_drops_what_expired() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let old =
        create_portfolio(&app, &ann, json!({ "title": "Old" })).await["id"].as_str().unwrap().parse::<Uuid>().unwrap();
    let recent = create_portfolio(&app, &ann, json!({ "title": "Recent" })).await["id"]
        .as_str()
        .unwrap()
        .parse::<Uuid>()
        .unwrap();
    let pool = &app.db.pool;
    for (id, days) in [(old, 31), (recent, 29)] {
        sqlx::query("UPDATE portfolios SET deleted_at = now() - make_interval(days => $2) WHERE id = $1")
            .bind(id)
            .bind(days)
            .execute(pool)
            .await
            .unwrap();
    }
    sqlx::query("UPDATE sessions SET expires_at = now() - interval '1 minute'").execute(pool).await.unwrap();
    for age in [181, 10] {
        sqlx::query(
            "INSERT INTO notifications (id, user_id, category, kind, title, body, created_at)
             SELECT gen_random_uuid(), id, 'exports', 'export_ready', 'Ready', '', now() - make_interval(days => $1)
             FROM users",
        )
        .bind(age)
        .execute(pool)
        .await
        .unwrap();
    }
    let swept = maintenance::sweep(pool, Utc::now()).await.unwrap();
    assert_eq!(swept.portfolios, 1);
    assert_eq!(swept.notifications, 1, "only the half-year-old notification goes");
    assert!(swept.sessions >= 1);
    let left: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM portfolios").fetch_all(pool).await.unwrap();
    assert_eq!(left, [recent], "only the one trashed 31 days ago is gone");
    ann.get("/api/v1/me").await.expect_error(401, "unauthenticated", None);
}

#[tokio::test]
async fn a_slot_is_claimed_by_one_worker_only() {
    let app = TestApp::spawn().await;
    let slot = maintenance::slot(Utc::now(), std::time::Duration::from_secs(600));
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..8 {
        let pool = app.db.pool.clone();
        workers.spawn(async move {
            maintenance::claim(&pool, "snapshots", slot, &format!("worker-{worker}")).await.unwrap()
        });
    }
    let claims = workers.join_all().await;
    assert_eq!(claims.iter().filter(|claimed| **claimed).count(), 1);
    let next = slot + Duration::minutes(10);
    assert!(maintenance::claim(&app.db.pool, "snapshots", next, "worker-0").await.unwrap(), "the next slot is free");
}
