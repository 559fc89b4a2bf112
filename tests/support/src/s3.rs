//! An S3-compatible object store on loopback: moto's server, which `ops/test` installs into
//! a virtual environment and names in `VITRINE_TEST_MOTO_SERVER`.

use std::net::TcpListener;
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

pub struct S3Server {
    pub endpoint: String,
    pub bucket: String,
    _process: Child,
}

impl S3Server {
    pub async fn start() -> S3Server {
        let program = std::env::var("VITRINE_TEST_MOTO_SERVER").unwrap_or_else(|_| "moto_server".into());
        let port =
            TcpListener::bind("127.0.0.1:0").and_then(|listener| listener.local_addr()).expect("a free port").port();
        let process = Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| {
                panic!("cannot start {program} ({error}); ops/test installs it, or set VITRINE_TEST_MOTO_SERVER")
            });
        let endpoint = format!("http://127.0.0.1:{port}");
        let bucket = "vitrine-media".to_owned();
        let client = reqwest::Client::new();
        crate::eventually(Duration::from_secs(30), "the S3 server to answer", || {
            let request = client.put(format!("{endpoint}/{bucket}")).send();
            async move { request.await.ok().filter(|response| response.status().is_success()) }
        })
        .await;
        S3Server { endpoint, bucket, _process: process }
    }

    /// The object's status and bytes, read as the bucket's owner (moto checks who asks, not the
    /// signature).
    pub async fn object(&self, key: &str) -> (u16, Vec<u8>) {
        let response = reqwest::Client::new()
            .get(format!("{}/{}/{key}", self.endpoint, self.bucket))
            .header(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0",
            )
            .send()
            .await
            .expect("the S3 server answers");
        let status = response.status().as_u16();
        (status, response.bytes().await.expect("a body").to_vec())
    }
}
