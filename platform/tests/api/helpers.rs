use clap::Parser;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use vitrine_platform::Application;
use vitrine_platform::config::PlatformConfig;
use vitrine_testing::{TestDatabase, token_in};

pub const PUBLIC_URL: &str = "http://vitrine.test";
pub const PASSWORD: &str = "correct horse battery";

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    config: PlatformConfig,
}

pub struct TestApp {
    pub base: String,
    pub db: TestDatabase,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(&[]).await
    }

    /// Starts the platform with extra command-line settings (which win over the environment).
    pub async fn spawn_with(extra: &[&str]) -> TestApp {
        let db = TestDatabase::create().await;
        let url = db.url.clone();
        Self::spawn_on(db, &url, extra).await
    }

    /// Starts the platform on `db`, reaching it at `url` (a proxy, say).
    pub async fn spawn_on(db: TestDatabase, url: &str, extra: &[&str]) -> TestApp {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut arguments =
            vec!["platform".to_owned(), format!("--database-url={url}"), "--listen=127.0.0.1:0".to_owned()];
        if !extra.iter().any(|argument| argument.starts_with("--frontend-dir")) {
            arguments.push("--frontend-dir=../frontend/dist".to_owned());
        }
        if !extra.iter().any(|argument| argument.starts_with("--geoip-db")) {
            arguments.push(format!("--geoip-db={}", geoip_db().display()));
        }
        if !extra.iter().any(|argument| argument.starts_with("--media-dir")) {
            let media = std::env::temp_dir().join(format!("vitrine-media-{}", uuid::Uuid::new_v4()));
            arguments.push(format!("--media-dir={}", media.display()));
        }
        if !extra.iter().any(|argument| argument.starts_with("--public-url")) {
            arguments.push(format!("--public-url={PUBLIC_URL}"));
        }
        arguments.extend(extra.iter().map(|argument| argument.to_string()));
        let config = Cli::try_parse_from(arguments).expect("test configuration parses").config;
        let pool = if url == db.url {
            db.pool.clone()
        } else {
            sqlx::postgres::PgPoolOptions::new()
                .acquire_timeout(std::time::Duration::from_secs(2))
                .connect(url)
                .await
                .expect("the database answers")
        };
        let application = Application::build_with_pool(config, pool).await.expect("the app builds");
        let base = format!("http://127.0.0.1:{}", application.port());
        tokio::spawn(application.run_until(std::future::pending()));
        TestApp { base, db }
    }

    /// A new browser: its own cookie jar, sending our `Origin` like the app's own pages do.
    pub fn browser(&self) -> Browser {
        self.browser_from(PUBLIC_URL)
    }

    pub fn browser_from(&self, origin: &str) -> Browser {
        let mut headers = HeaderMap::new();
        headers.insert("origin", origin.parse().expect("a valid header"));
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .expect("a client builds");
        Browser { client, base: self.base.clone() }
    }

    /// Signs up, confirms the email and signs in: a ready user in their own browser.
    pub async fn signed_in(&self, email: &str, full_name: &str) -> (Browser, Value) {
        let browser = self.browser();
        let reply = browser
            .post("/api/v1/auth/signup", json!({ "email": email, "password": PASSWORD, "full_name": full_name }))
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        let token = token_in(&self.db.last_email(email).await.text);
        browser.post("/api/v1/auth/verify-email", json!({ "token": token })).await.expect(200);
        let login =
            browser.post("/api/v1/auth/login", json!({ "email": email, "password": PASSWORD })).await.expect(200);
        (browser, login.body)
    }

    pub async fn personal_workspace(&self, browser: &Browser) -> Value {
        let list = browser.get("/api/v1/workspaces").await.expect(200);
        list.body[0].clone()
    }
}

pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    #[track_caller]
    pub fn expect(self, status: u16) -> Reply {
        assert_eq!(self.status, status, "unexpected answer: {}", self.body);
        self
    }

    /// Checks the one error body: status, code and (when given) the field named.
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str, field: Option<&str>) {
        assert_eq!(self.status, status, "unexpected answer: {}", self.body);
        assert_eq!(self.body["error"]["code"], code, "unexpected error: {}", self.body);
        assert!(self.body["error"]["message"].as_str().is_some_and(|message| !message.is_empty()), "{}", self.body);
        if let Some(field) = field {
            assert_eq!(self.body["error"]["field"], field, "unexpected field: {}", self.body);
        }
    }
}

impl Browser {
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a body");
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Reply { status, headers, body }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.client.get(format!("{}{path}", self.base))).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(self.client.post(format!("{}{path}", self.base)).json(&body)).await
    }

    /// Uploads `bytes` as the multipart field `file`.
    pub async fn upload(&self, path: &str, name: &str, bytes: Vec<u8>) -> Reply {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
        let form = reqwest::multipart::Form::new().part("file", part);
        self.send(self.client.post(format!("{}{path}", self.base)).multipart(form)).await
    }

    pub async fn post_empty(&self, path: &str) -> Reply {
        self.send(self.client.post(format!("{}{path}", self.base))).await
    }

    /// A body sent as it is, with a JSON content type.
    pub async fn post_raw(&self, path: &str, body: &'static str) -> Reply {
        self.send(
            self.client.post(format!("{}{path}", self.base)).header("content-type", "application/json").body(body),
        )
        .await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.send(self.client.put(format!("{}{path}", self.base)).json(&body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.send(self.client.patch(format!("{}{path}", self.base)).json(&body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(self.client.delete(format!("{}{path}", self.base))).await
    }

    pub async fn delete_with(&self, path: &str, body: Value) -> Reply {
        self.send(self.client.delete(format!("{}{path}", self.base)).json(&body)).await
    }
}

/// Row counts of what portfolio requests could store.
pub async fn stored_portfolios(db: &TestDatabase) -> [i64; 4] {
    [
        db.count("portfolios").await,
        db.count("portfolio_versions").await,
        db.count("workspace_templates").await,
        db.count("media").await,
    ]
}

/// Creates a portfolio in the user's personal workspace and returns it.
pub async fn create_portfolio(app: &TestApp, browser: &Browser, body: Value) -> Value {
    let workspace = app.personal_workspace(browser).await["id"].as_str().unwrap().to_owned();
    browser.post(&format!("/api/v1/workspaces/{workspace}/portfolios"), body).await.expect(201).body
}

/// Row counts of everything a request could store, to show a refused request stored nothing.
pub async fn stored(db: &TestDatabase) -> [i64; 6] {
    [
        db.count("users").await,
        db.count("workspaces").await,
        db.count("workspace_members").await,
        db.count("invitations").await,
        db.count("user_tokens").await,
        db.count("apalis.jobs").await,
    ]
}

/// The country database the project ships (ops/test installs it and names it).
pub fn geoip_db() -> std::path::PathBuf {
    let path = std::env::var_os("VITRINE_GEOIP_DB").map(std::path::PathBuf::from).unwrap_or_else(|| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../ops/geoip/node_modules/@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb")
    });
    assert!(path.exists(), "{} is missing: ops/test installs it (ensure_geoip)", path.display());
    path
}
