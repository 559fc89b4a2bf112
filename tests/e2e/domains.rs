//! Custom domains end to end, with a real ACME server (Pebble) and its DNS server: a tenant
//! claims a domain, proves it with a TXT record, and two router replicas serve it over HTTPS
//! with one certificate from one order, whose validation the other replica answered. Names
//! nobody proved get no handshake and no order; forged hosts and site headers get nothing of
//! another tenant.

use std::time::Duration;

use serde_json::{Value, json};
use vitrine_testing::pebble::Pebble;
use vitrine_testing::{TestDatabase, eventually};

use crate::processes::{Process, free_port, wait_ready};

const SECRET: &str = "the routers' secret for end-to-end tests";
const STORE_KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const PASSWORD: &str = "correct horse battery";

struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    async fn signed_in(db: &TestDatabase, base: &str, email: &str, name: &str) -> (Api, String) {
        vitrine_core::accounts::create_by_operator(&db.pool, email, PASSWORD, name, true, false).await.unwrap();
        let api = Api { http: reqwest::Client::builder().cookie_store(true).build().unwrap(), base: base.to_owned() };
        let (status, _) =
            api.send("POST", "/api/v1/auth/login", Some(json!({ "email": email, "password": PASSWORD }))).await;
        assert_eq!(status, 200);
        let (_, workspaces) = api.send("GET", "/api/v1/workspaces", None).await;
        let workspace = workspaces[0]["id"].as_str().unwrap().to_owned();
        (api, workspace)
    }

    async fn send(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request =
            self.http.request(method.parse().unwrap(), format!("{}{path}", self.base)).header("origin", &self.base);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
    }

    /// A published portfolio titled `title`, with `access`; answers its id.
    async fn published(&self, workspace: &str, title: &str, access: &str) -> String {
        let (status, portfolio) = self
            .send(
                "POST",
                &format!("/api/v1/workspaces/{workspace}/portfolios"),
                Some(json!({ "title": title, "template": "minimal", "start_with": "sample" })),
            )
            .await;
        assert_eq!(status, 201, "{portfolio}");
        let id = portfolio["id"].as_str().unwrap().to_owned();
        assert_eq!(self.send("POST", &format!("/api/v1/portfolios/{id}/publish"), None).await.0, 200);
        let (status, body) =
            self.send("PUT", &format!("/api/v1/portfolios/{id}/access"), Some(json!({ "mode": access }))).await;
        assert_eq!(status, 200, "{body}");
        id
    }
}

/// A client that trusts only `root` and reaches every name at 127.0.0.1, with a new
/// connection (and handshake) for every request.
fn tls_client(root: &str, names: &[&str]) -> reqwest::Client {
    let mut builder = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(root.as_bytes()).unwrap())
        .tls_info(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10));
    for name in names {
        builder = builder.resolve(name, "127.0.0.1:0".parse().unwrap());
    }
    builder.build().unwrap()
}

fn peer_certificate(response: &reqwest::Response) -> Vec<u8> {
    let info = response.extensions().get::<reqwest::tls::TlsInfo>().expect("TLS information");
    info.peer_certificate().expect("a server certificate").to_vec()
}

async fn orders(db: &TestDatabase) -> Vec<(String, String, Option<String>)> {
    sqlx::query_as("SELECT hostname, replica, outcome FROM acme_orders ORDER BY id").fetch_all(&db.pool).await.unwrap()
}

#[tokio::test]
async fn a_custom_domain_gets_one_certificate_that_every_router_serves() {
    let db = TestDatabase::create().await;
    let (https_a, https_b) = (free_port(), free_port());
    // Pebble validates at replica B's port; replica A places the order.
    let pebble = Pebble::start(https_b).await;
    let (platform_port, http_a, http_b, admin_a, admin_b) =
        (free_port(), free_port(), free_port(), free_port(), free_port());
    let base = format!("http://127.0.0.1:{platform_port}");
    let database = ("VITRINE_DATABASE_URL", db.url.clone());
    let shared = [
        database.clone(),
        ("VITRINE_ROUTER_SECRET", SECRET.to_owned()),
        ("VITRINE_BASE_DOMAIN", "vitrine.test".to_owned()),
    ];
    let mut platform = shared.to_vec();
    platform.extend([
        ("VITRINE_PLATFORM_ADDR", format!("127.0.0.1:{platform_port}")),
        ("VITRINE_PUBLIC_URL", base.clone()),
        ("VITRINE_DNS_SERVERS", pebble.dns.address.clone()),
        ("VITRINE_EDGE_HOSTNAME", "edge.vitrine.test".to_owned()),
        ("VITRINE_EDGE_ADDRESSES", "127.0.0.1".to_owned()),
    ]);
    let _platform = Process::start("platform", &platform);
    let router = |name: &str, http: u16, https: u16, admin: u16| {
        let mut environment = shared.to_vec();
        environment.extend([
            ("VITRINE_PLATFORM_URL", base.clone()),
            ("VITRINE_HTTP_PORT", http.to_string()),
            ("VITRINE_HTTPS_PORT", https.to_string()),
            ("VITRINE_ROUTER_ADMIN_ADDR", format!("127.0.0.1:{admin}")),
            ("VITRINE_ACME_DIRECTORY", pebble.directory.clone()),
            ("VITRINE_ACME_CA_FILE", pebble.ca_file.display().to_string()),
            ("VITRINE_TLS_STORE_KEY", STORE_KEY.to_owned()),
            ("VITRINE_REPLICA_NAME", name.to_owned()),
            ("VITRINE_ACME_RENEWAL_CHECK", "1s".to_owned()),
        ]);
        Process::start("tenant-router", &environment)
    };
    let _router_a = router("router-a", http_a, https_a, admin_a);
    let _router_b = router("router-b", http_b, https_b, admin_b);
    for ready in [
        format!("{base}/readyz"),
        format!("http://127.0.0.1:{admin_a}/readyz"),
        format!("http://127.0.0.1:{admin_b}/readyz"),
    ] {
        wait_ready(&ready).await;
    }

    let (alice, alice_workspace) = Api::signed_in(&db, &base, "alice@example.com", "Alice Lindqvist").await;
    let alice_portfolio = alice.published(&alice_workspace, "Alice Lindqvist, engineer", "public").await;
    let (bob, bob_workspace) = Api::signed_in(&db, &base, "bob@example.com", "Bob Marchetti").await;
    let bob_portfolio = bob.published(&bob_workspace, "Bob's private plans", "private").await;
    let (_, bob_workspaces) = bob.send("GET", "/api/v1/workspaces", None).await;
    let bob_handle = bob_workspaces[0]["handle"].as_str().unwrap().to_owned();

    let (status, domain) = alice
        .send(
            "POST",
            &format!("/api/v1/workspaces/{alice_workspace}/domains"),
            Some(json!({ "hostname": "Alice-Portfolio.test", "portfolio_id": alice_portfolio })),
        )
        .await;
    assert_eq!(status, 200, "{domain}");
    assert_eq!(domain["hostname"], "alice-portfolio.test");
    assert_eq!(domain["status"], "pending");
    let txt = domain["records"].as_array().unwrap().iter().find(|record| record["type"] == "TXT").unwrap().clone();
    assert_eq!(txt["name"], "_vitrine.alice-portfolio.test");
    let (status, taken) = bob
        .send(
            "POST",
            &format!("/api/v1/workspaces/{bob_workspace}/domains"),
            Some(json!({ "hostname": "alice-portfolio.test", "portfolio_id": bob_portfolio })),
        )
        .await;
    assert_eq!((status, taken["error"]["code"].as_str()), (409, Some("hostname_taken")));
    let (status, _) = bob
        .send(
            "POST",
            &format!("/api/v1/workspaces/{bob_workspace}/domains"),
            Some(json!({ "hostname": "bob-portfolio.test", "portfolio_id": bob_portfolio })),
        )
        .await;
    assert_eq!(status, 200);

    let root = pebble.issuing_root().await;
    let client = tls_client(&root, &["alice-portfolio.test", "bob-portfolio.test", "random-name.test"]);
    // Alice's domain too, before its proof: both routers now hold "nobody's" for it, which
    // the check's announcement must undo.
    for unproven in ["bob-portfolio.test", "random-name.test", "alice-portfolio.test"] {
        for port in [https_a, https_b] {
            let refused = client.get(format!("https://{unproven}:{port}/")).send().await;
            assert!(refused.is_err(), "{unproven} must get no handshake");
        }
    }

    pebble.dns.set_txt("_vitrine.alice-portfolio.test", txt["value"].as_str().unwrap()).await;
    let domain_id = domain["id"].as_str().unwrap();
    let (status, checked) =
        alice.send("POST", &format!("/api/v1/workspaces/{alice_workspace}/domains/{domain_id}/check"), None).await;
    assert_eq!(status, 200);
    assert_eq!(checked["status"], "active", "{checked}");
    assert!(checked["last_check_result"].as_str().unwrap().contains("holds the token"), "{checked}");

    // The first handshake starts the order; a later one gets the certificate.
    let served = eventually(Duration::from_secs(90), "a certificate for alice-portfolio.test", || {
        let client = client.clone();
        async move { client.get(format!("https://alice-portfolio.test:{https_a}/")).send().await.ok() }
    })
    .await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["strict-transport-security"], "max-age=31536000");
    let certificate_a = peer_certificate(&served);
    let body = served.text().await.unwrap();
    // The sample document is the same for everyone; the canonical link names the portfolio.
    assert!(body.contains("/alice-lindqvist-engineer\""), "{}", &body[..body.len().min(600)]);

    // As a person would check it: curl, trusting only Pebble's root.
    let root_file = std::env::temp_dir().join(format!("pebble-root-{}.pem", uuid::Uuid::new_v4()));
    std::fs::write(&root_file, &root).unwrap();
    let curl = std::process::Command::new("curl")
        .args(["--silent", "--show-error", "--output", "/dev/null", "--write-out", "%{http_code}"])
        .arg("--resolve")
        .arg(format!("alice-portfolio.test:{https_a}:127.0.0.1"))
        .arg("--cacert")
        .arg(&root_file)
        .arg(format!("https://alice-portfolio.test:{https_a}/"))
        .output()
        .expect("curl runs");
    let _ = std::fs::remove_file(&root_file);
    assert_eq!(String::from_utf8_lossy(&curl.stdout), "200", "{}", String::from_utf8_lossy(&curl.stderr));

    let from_b = client.get(format!("https://alice-portfolio.test:{https_b}/")).send().await.unwrap();
    assert_eq!(from_b.status(), 200);
    assert_eq!(peer_certificate(&from_b), certificate_a, "both replicas serve the one certificate");
    assert_eq!(
        orders(&db).await,
        vec![("alice-portfolio.test".to_owned(), "router-a".to_owned(), Some("issued".to_owned()))],
        "one order, placed by A and validated through B; none for unproven names",
    );
    for unproven in ["bob-portfolio.test", "random-name.test"] {
        assert!(client.get(format!("https://{unproven}:{https_b}/")).send().await.is_err());
    }

    // Renewal: once due, one replica orders again and both serve the new certificate.
    sqlx::query("UPDATE tls_certificates SET renew_after = now() - interval '1 second'")
        .execute(&db.pool)
        .await
        .unwrap();
    let renewed = eventually(Duration::from_secs(60), "a renewed certificate on both replicas", || {
        let (client, certificate_a) = (client.clone(), certificate_a.clone());
        async move {
            let mut served = Vec::new();
            for port in [https_a, https_b] {
                let response = client.get(format!("https://alice-portfolio.test:{port}/")).send().await.ok()?;
                served.push(peer_certificate(&response));
            }
            (served[0] != certificate_a && served[0] == served[1]).then_some(served)
        }
    })
    .await;
    assert_eq!(renewed.len(), 2);
    let orders = orders(&db).await;
    assert_eq!(orders.len(), 2, "one renewal order for both replicas: {orders:?}");
    assert!(
        orders.iter().all(|(host, _, outcome)| host == "alice-portfolio.test" && outcome.as_deref() == Some("issued"))
    );

    let redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("http://127.0.0.1:{http_a}/about?x=1"))
        .header("host", "alice-portfolio.test")
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), 308);
    assert_eq!(redirect.headers()["location"], format!("https://alice-portfolio.test:{https_a}/about?x=1"));

    // Another tenant's host on this tenant's connection.
    let misdirected = client
        .get(format!("https://alice-portfolio.test:{https_a}/"))
        .header("host", format!("{bob_handle}.vitrine.test"))
        .send()
        .await
        .unwrap();
    assert_eq!(misdirected.status(), 421);
    // A forged site header naming the other tenant is replaced by the router's own.
    let forged = format!("{bob_handle} {bob_portfolio} {}", "0".repeat(64));
    let page = client
        .get(format!("https://alice-portfolio.test:{https_a}/"))
        .header("x-vitrine-site", &forged)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("/alice-lindqvist-engineer\"") && !page.contains("private-plans"));
    // And the platform believes no unsigned header, even from the router's address.
    let direct = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{base}/"))
        .header("host", "alice-portfolio.test")
        .header("x-forwarded-host", "alice-portfolio.test")
        .header("x-vitrine-site", &forged)
        .send()
        .await
        .unwrap();
    let direct_status = direct.status();
    assert!(!direct.text().await.unwrap().contains("private-plans"));
    assert_ne!(direct_status, 200);
}
