//! Custom domains through the API, checked against a real DNS server (pebble-challtestsrv):
//! what may be claimed, the records to create, the statuses a check leads to and the owners'
//! notifications, and another tenant's domains answering 404.

use serde_json::{Value, json};
use vitrine_testing::pebble::TestDns;

use crate::helpers::{Browser, TestApp, create_portfolio};

async fn app_with_dns() -> (TestApp, TestDns) {
    let dns = TestDns::start().await;
    let app = TestApp::spawn_with(&[
        &format!("--dns-servers={}", dns.address),
        "--edge-hostname=edge.vitrine.test",
        "--edge-addresses=127.0.0.1",
    ])
    .await;
    (app, dns)
}

/// A signed-in owner, their workspace id and a portfolio of theirs.
async fn owner(app: &TestApp, email: &str) -> (Browser, String, String) {
    let (browser, _) = app.signed_in(email, "Owner").await;
    let workspace = app.personal_workspace(&browser).await["id"].as_str().unwrap().to_owned();
    let portfolio = create_portfolio(app, &browser, json!({ "title": "CV" })).await["id"].as_str().unwrap().to_owned();
    (browser, workspace, portfolio)
}

async fn stored_domains(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM domains").fetch_one(&app.db.pool).await.unwrap()
}

#[tokio::test]
async fn bad_claims_name_their_field_and_store_nothing() {
    let (app, _dns) = app_with_dns().await;
    let (ann, workspace, portfolio) = owner(&app, "ann@example.com").await;
    let (_, _, bobs_portfolio) = owner(&app, "bob@example.com").await;
    let path = format!("/api/v1/workspaces/{workspace}/domains");
    for (hostname, code) in [
        ("", "invalid_hostname"),
        ("not a name", "invalid_hostname"),
        ("203.0.113.5", "invalid_hostname"),
        ("localhost", "invalid_hostname"),
        ("ann.localhost", "platform_domain"),
        ("x.y.localhost", "platform_domain"),
    ] {
        let reply = ann.post(&path, json!({ "hostname": hostname, "portfolio_id": portfolio })).await;
        reply.expect_error(422, code, Some("hostname"));
    }
    let reply = ann.post(&path, json!({ "hostname": "ann.dev", "portfolio_id": bobs_portfolio })).await;
    reply.expect_error(422, "not_found", Some("portfolio_id"));
    let reply = ann.post(&path, json!({ "hostname": "ann.dev" })).await;
    reply.expect_error(422, "missing_field", Some("portfolio_id"));
    assert_eq!(stored_domains(&app).await, 0);
}

#[tokio::test]
async fn a_claimed_domain_lists_its_records_and_belongs_to_one_workspace() {
    let (app, _dns) = app_with_dns().await;
    let (ann, workspace, portfolio) = owner(&app, "ann@example.com").await;
    let path = format!("/api/v1/workspaces/{workspace}/domains");
    let domain =
        ann.post(&path, json!({ "hostname": "WWW.Bücher.Example.", "portfolio_id": portfolio })).await.expect(200);
    assert_eq!(domain.body["hostname"], "www.xn--bcher-kva.example");
    assert_eq!(domain.body["status"], "pending");
    let records = domain.body["records"].as_array().unwrap();
    assert_eq!(records[0]["type"], "TXT");
    assert_eq!(records[0]["name"], "_vitrine.www.xn--bcher-kva.example");
    assert!(records[0]["value"].as_str().unwrap().starts_with("vitrine-verify="));
    assert_eq!(
        records[1],
        json!({ "type": "CNAME", "name": "www.xn--bcher-kva.example", "value": "edge.vitrine.test" })
    );
    let apex = ann.post(&path, json!({ "hostname": "ann.dev", "portfolio_id": portfolio })).await.expect(200);
    assert_eq!(apex.body["records"][1], json!({ "type": "A", "name": "ann.dev", "value": "127.0.0.1" }));

    let (bob, bobs_workspace, bobs_portfolio) = owner(&app, "bob@example.com").await;
    let reply = bob
        .post(
            &format!("/api/v1/workspaces/{bobs_workspace}/domains"),
            json!({ "hostname": "ann.dev", "portfolio_id": bobs_portfolio }),
        )
        .await;
    reply.expect_error(409, "hostname_taken", Some("hostname"));
    let listed = ann.get(&path).await.expect(200);
    let names: Vec<&str> = listed.body.as_array().unwrap().iter().map(|d| d["hostname"].as_str().unwrap()).collect();
    assert_eq!(names, ["ann.dev", "www.xn--bcher-kva.example"]);
}

#[tokio::test]
async fn checks_follow_the_dns_records_and_tell_the_owner() {
    let (app, dns) = app_with_dns().await;
    let (ann, workspace, portfolio) = owner(&app, "ann@example.com").await;
    let path = format!("/api/v1/workspaces/{workspace}/domains");
    let domain = ann.post(&path, json!({ "hostname": "www.ann.dev", "portfolio_id": portfolio })).await.expect(200);
    let id = domain.body["id"].as_str().unwrap();
    let token = domain.body["records"][0]["value"].as_str().unwrap();
    let check = || async { ann.post_empty(&format!("{path}/{id}/check")).await.expect(200).body };

    let checked = check().await;
    assert_eq!(checked["status"], "pending");
    assert!(checked["last_check_result"].as_str().unwrap().contains("No TXT record _vitrine.www.ann.dev"), "{checked}");

    dns.set_txt("_vitrine.www.ann.dev", "someone else's token").await;
    let checked = check().await;
    assert_eq!(checked["status"], "pending");
    assert!(checked["last_check_result"].as_str().unwrap().contains("does not hold this domain's token"));

    dns.set_txt("_vitrine.www.ann.dev", token).await;
    dns.add_a("www.ann.dev", &["203.0.113.9"]).await;
    let checked = check().await;
    assert_eq!(checked["status"], "verified", "{checked}");
    assert!(checked["last_check_result"].as_str().unwrap().contains("leads to 203.0.113.9, not to edge.vitrine.test"));

    dns.clear_a("www.ann.dev").await;
    let checked = check().await;
    assert_eq!(checked["status"], "active", "{checked}");
    assert!(checked["verified_at"].is_string());

    dns.clear_txt("_vitrine.www.ann.dev").await;
    let checked = check().await;
    assert_eq!(checked["status"], "failing", "a working domain is not dropped at once: {checked}");

    let notifications = ann.get("/api/v1/notifications").await.expect(200);
    let kinds: Vec<&str> =
        notifications.body["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert!(
        kinds.contains(&"domain_active") && kinds.contains(&"domain_failing"),
        "{notifications:?}",
        notifications = notifications.body
    );
}

#[tokio::test]
async fn domains_change_portfolio_and_go_away() {
    let (app, _dns) = app_with_dns().await;
    let (ann, workspace, portfolio) = owner(&app, "ann@example.com").await;
    let other = create_portfolio(&app, &ann, json!({ "title": "Talks" })).await["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/workspaces/{workspace}/domains");
    let domain = ann.post(&path, json!({ "hostname": "ann.dev", "portfolio_id": portfolio })).await.expect(200);
    let id = domain.body["id"].as_str().unwrap();
    let moved = ann.patch(&format!("{path}/{id}"), json!({ "portfolio_id": other })).await.expect(200);
    assert_eq!(moved.body["portfolio_id"], other.as_str());
    assert_eq!(ann.delete(&format!("{path}/{id}")).await.status, 204);
    assert_eq!(ann.delete(&format!("{path}/{id}")).await.status, 404);
    assert_eq!(stored_domains(&app).await, 0);
}

#[tokio::test]
async fn another_tenants_domains_answer_404() {
    let (app, _dns) = app_with_dns().await;
    let (ann, workspace, portfolio) = owner(&app, "ann@example.com").await;
    let path = format!("/api/v1/workspaces/{workspace}/domains");
    let domain = ann.post(&path, json!({ "hostname": "ann.dev", "portfolio_id": portfolio })).await.expect(200);
    let id = domain.body["id"].as_str().unwrap();
    let (bob, bobs_workspace, bobs_portfolio) = owner(&app, "bob@example.com").await;

    assert_eq!(bob.get(&path).await.status, 404);
    let body = json!({ "hostname": "bob.dev", "portfolio_id": bobs_portfolio });
    assert_eq!(bob.post(&path, body).await.status, 404);
    for own in [&workspace, &bobs_workspace] {
        let theirs = format!("/api/v1/workspaces/{own}/domains/{id}");
        assert_eq!(bob.post_empty(&format!("{theirs}/check")).await.status, 404);
        assert_eq!(bob.patch(&theirs, json!({ "portfolio_id": bobs_portfolio })).await.status, 404);
        assert_eq!(bob.delete(&theirs).await.status, 404);
    }
    let listed: Value = bob.get(&format!("/api/v1/workspaces/{bobs_workspace}/domains")).await.expect(200).body;
    assert_eq!(listed, json!([]));
    let unchanged = ann.get(&path).await.expect(200);
    assert_eq!(unchanged.body[0]["portfolio_id"], portfolio.as_str());
}

#[tokio::test]
async fn the_worker_checks_the_domains_whose_time_has_come() {
    let (app, dns) = app_with_dns().await;
    let (ann, workspace, portfolio) = owner(&app, "ann@example.com").await;
    let path = format!("/api/v1/workspaces/{workspace}/domains");
    let proven = ann.post(&path, json!({ "hostname": "ann.dev", "portfolio_id": portfolio })).await.expect(200);
    ann.post(&path, json!({ "hostname": "www.ann.dev", "portfolio_id": portfolio })).await.expect(200);
    dns.set_txt("_vitrine.ann.dev", proven.body["records"][0]["value"].as_str().unwrap()).await;
    let checker = vitrine_core::domains::Checker::new(&vitrine_core::config::DomainsConfig {
        dns_servers: vec![dns.address.parse().unwrap()],
        edge_hostname: "edge.vitrine.test".into(),
        edge_addresses: vec!["127.0.0.1".parse().unwrap()],
    });
    let now = chrono::Utc::now();
    assert_eq!(vitrine_core::domains::check_due(&app.db.pool, &checker, now).await.unwrap(), 2);
    let listed = ann.get(&path).await.expect(200).body;
    let status =
        |host: &str| listed.as_array().unwrap().iter().find(|d| d["hostname"] == host).unwrap()["status"].clone();
    assert_eq!((status("ann.dev"), status("www.ann.dev")), (json!("active"), json!("pending")));
    assert_eq!(vitrine_core::domains::check_due(&app.db.pool, &checker, now).await.unwrap(), 0, "not due again yet");
}
