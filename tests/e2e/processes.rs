//! Starting the product's binaries as child processes, and waiting for them to be ready.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

/// The folder cargo put the binaries in: the test executable lives in its `deps/`.
pub fn binary(name: &str) -> PathBuf {
    let executable = std::env::current_exe().expect("the test knows where it runs");
    let folder = executable.parent().and_then(|deps| deps.parent()).expect("tests run from target/<profile>/deps");
    let path = folder.join(name);
    assert!(path.exists(), "{} is missing: run `cargo build --workspace` first (ops/test does)", path.display());
    path
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("bound").port()
}

/// A running binary, killed when dropped.
pub struct Process {
    pub child: Child,
}

impl Process {
    pub fn start(name: &str, environment: &[(&str, String)]) -> Process {
        let mut command = Command::new(binary(name));
        command.env_clear().env("PATH", std::env::var("PATH").unwrap_or_default()).env("VITRINE_LOG", "info");
        // The worker needs the Python that has WeasyPrint (ops/test names it).
        if let Some(python) = std::env::var_os("VITRINE_PDF_PYTHON") {
            command.env("VITRINE_PDF_PYTHON", python);
        }
        for (key, value) in environment {
            command.env(key, value);
        }
        // The binaries' logs would drown the test report; VITRINE_TEST_LOGS=1 shows them.
        if std::env::var_os("VITRINE_TEST_LOGS").is_none() {
            command.stdout(Stdio::null()).stderr(Stdio::null());
        }
        let child = command.kill_on_drop(true).spawn().unwrap_or_else(|error| panic!("{name} starts: {error}"));
        Process { child }
    }

    /// Ends the process at once, as a crash or `kill -9` would.
    pub async fn kill(mut self) {
        self.child.kill().await.expect("the process can be killed");
    }
}

/// Waits until `url` answers 200, as deployments wait on `/readyz`.
pub async fn wait_ready(url: &str) {
    let client = reqwest::Client::new();
    vitrine_testing::eventually(Duration::from_secs(30), url, || {
        let client = client.clone();
        async move {
            match client.get(url).send().await {
                Ok(response) if response.status().is_success() => Some(()),
                _ => None,
            }
        }
    })
    .await
}
