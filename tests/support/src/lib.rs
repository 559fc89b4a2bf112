//! Fixtures for Vitrine's tests: a fresh PostgreSQL database per test, a real SMTP server on
//! loopback, a small OpenID provider, and helpers to wait for things without sleeping blindly.
#![forbid(unsafe_code)]

pub mod database;
pub mod mail;
pub mod openai;
pub mod openid;
pub mod pebble;
pub mod proxy;
pub mod redirect;
pub mod s3;
pub mod smtp;

use std::time::Duration;

pub use database::TestDatabase;

/// Polls `check` until it yields a value or `timeout` passes.
pub async fn eventually<T, F, Fut>(timeout: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// The `token` query parameter of the first link in an email's text.
pub fn token_in(text: &str) -> String {
    let link = text.split_whitespace().find(|word| word.starts_with("http")).expect("the email has a link");
    let url = url::Url::parse(link).expect("the link is a URL");
    url.query_pairs()
        .find(|(key, _)| key == "token")
        .map(|(_, value)| value.into_owned())
        .expect("the link has a token")
}
