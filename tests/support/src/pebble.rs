//! A real ACME server on loopback: Pebble, with pebble-challtestsrv as its DNS server (every
//! name answers 127.0.0.1 unless told otherwise; records are set through its management API),
//! which tests of domain checks use alone. Pebble's own HTTPS certificate comes from a small CA made here; the root that signs
//! issued certificates is Pebble's and changes at every start.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose};
use serde_json::json;

/// pebble-challtestsrv as a DNS server: every name answers 127.0.0.1 unless told otherwise.
pub struct TestDns {
    child: Child,
    /// `ip:port` of the DNS server, for resolvers under test.
    pub address: String,
    management: u16,
}

impl TestDns {
    pub async fn start() -> TestDns {
        let (dns, management) = (free_port(), free_port());
        let child = Command::new("pebble-challtestsrv")
            .args(["-dns01", &format!("127.0.0.1:{dns}"), "-management", &format!("127.0.0.1:{management}")])
            .args(["-http01", "", "-https01", "", "-tlsalpn01", "", "-defaultIPv6", ""])
            .stdout(output())
            .stderr(output())
            .spawn()
            .expect("pebble-challtestsrv runs (ops/lib.sh ensure_pebble installs it)");
        let server = TestDns { child, address: format!("127.0.0.1:{dns}"), management };
        crate::eventually(Duration::from_secs(20), "the test DNS server", || async {
            std::net::TcpStream::connect(("127.0.0.1", management)).ok()
        })
        .await;
        server
    }

    async fn manage(&self, action: &str, body: serde_json::Value) {
        let response = reqwest::Client::new()
            .post(format!("http://127.0.0.1:{}/{action}", self.management))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "challtestsrv refused {action}");
    }

    /// Publishes a TXT record (`name` without the trailing dot).
    pub async fn set_txt(&self, name: &str, value: &str) {
        self.manage("set-txt", json!({ "host": format!("{name}."), "value": value })).await;
    }

    pub async fn clear_txt(&self, name: &str) {
        self.manage("clear-txt", json!({ "host": format!("{name}.") })).await;
    }

    /// Makes `name` answer these IPv4 addresses instead of 127.0.0.1.
    pub async fn add_a(&self, name: &str, addresses: &[&str]) {
        self.manage("add-a", json!({ "host": format!("{name}."), "addresses": addresses })).await;
    }

    /// Back to answering 127.0.0.1.
    pub async fn clear_a(&self, name: &str) {
        self.manage("clear-a", json!({ "host": format!("{name}.") })).await;
    }
}

impl Drop for TestDns {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn output() -> Stdio {
    if std::env::var_os("VITRINE_TEST_LOGS").is_none() { Stdio::null() } else { Stdio::inherit() }
}

pub struct Pebble {
    dir: PathBuf,
    child: Child,
    pub dns: TestDns,
    /// The ACME directory URL.
    pub directory: String,
    /// The CA file that makes Pebble's own HTTPS trusted.
    pub ca_file: PathBuf,
    management: u16,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("bound").port()
}

impl Pebble {
    /// Starts Pebble validating TLS-ALPN-01 challenges on `tls_port` of 127.0.0.1.
    pub async fn start(tls_port: u16) -> Pebble {
        let dir = std::env::temp_dir().join(format!("vitrine-pebble-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let ca_key = KeyPair::generate().unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name.push(DnType::CommonName, "Vitrine test CA");
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = ca.self_signed(&ca_key).unwrap();
        let leaf_key = KeyPair::generate().unwrap();
        let mut leaf = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let leaf = leaf.signed_by(&leaf_key, &ca, &ca_key).unwrap();
        std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
        std::fs::write(dir.join("cert.pem"), leaf.pem()).unwrap();
        std::fs::write(dir.join("key.pem"), leaf_key.serialize_pem()).unwrap();

        let dns = TestDns::start().await;
        let (acme, management, http) = (free_port(), free_port(), free_port());
        let config = json!({ "pebble": {
            "listenAddress": format!("127.0.0.1:{acme}"),
            "managementListenAddress": format!("127.0.0.1:{management}"),
            "certificate": dir.join("cert.pem"),
            "privateKey": dir.join("key.pem"),
            "httpPort": http,
            "tlsPort": tls_port,
            "ocspResponderURL": "",
            "externalAccountBindingRequired": false,
        }});
        std::fs::write(dir.join("pebble.json"), config.to_string()).unwrap();
        let pebble = Command::new("pebble")
            .args(["-config", &dir.join("pebble.json").display().to_string(), "-dnsserver", &dns.address])
            .env("PEBBLE_VA_NOSLEEP", "1")
            .env("PEBBLE_WFE_NONCEREJECT", "0")
            .env("PEBBLE_AUTHZREUSE", "0")
            .stdout(output())
            .stderr(output())
            .spawn()
            .expect("pebble runs (ops/lib.sh ensure_pebble installs it)");
        let pebble = Pebble {
            ca_file: dir.join("ca.pem"),
            dir,
            child: pebble,
            dns,
            directory: format!("https://localhost:{acme}/dir"),
            management,
        };
        // Pebble says it listens even when its port is taken: ask the port itself.
        let client = pebble.client();
        let directory = pebble.directory.clone();
        crate::eventually(Duration::from_secs(20), "Pebble's directory", || {
            let (client, directory) = (client.clone(), directory.clone());
            async move { client.get(&directory).send().await.ok().filter(|r| r.status().is_success()) }
        })
        .await;
        pebble
    }

    fn client(&self) -> reqwest::Client {
        let ca = reqwest::Certificate::from_pem(&std::fs::read(&self.ca_file).unwrap()).unwrap();
        reqwest::Client::builder().add_root_certificate(ca).build().unwrap()
    }

    /// The root that signs the certificates this Pebble issues (PEM).
    pub async fn issuing_root(&self) -> String {
        let url = format!("https://127.0.0.1:{}/roots/0", self.management);
        self.client().get(url).send().await.unwrap().text().await.unwrap()
    }
}

impl Drop for Pebble {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
