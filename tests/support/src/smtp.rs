//! A real SMTP server on loopback that keeps what it receives. It can refuse recipients, or hang
//! in the middle of a message, to test delivery failures and workers that die mid-send.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    Accept,
    /// Answers 550 to every recipient.
    RejectRecipients,
    /// Reads the message after DATA and never answers.
    HangAfterData,
    /// Takes this long to accept each message, like a slow mail server.
    SlowAccept(std::time::Duration),
}

#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub recipients: Vec<String>,
    pub data: String,
}

#[derive(Clone)]
pub struct SmtpServer {
    pub port: u16,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    behaviour: Arc<Mutex<Behaviour>>,
    hung: Arc<Mutex<usize>>,
    refused: Arc<Mutex<Vec<std::time::Instant>>>,
}

impl SmtpServer {
    pub async fn start(behaviour: Behaviour) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port is free");
        let server = SmtpServer {
            port: listener.local_addr().expect("bound").port(),
            received: Arc::default(),
            behaviour: Arc::new(Mutex::new(behaviour)),
            hung: Arc::default(),
            refused: Arc::default(),
        };
        let accepting = server.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let session = accepting.clone();
                tokio::spawn(async move { session.serve(stream).await });
            }
        });
        server
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn set_behaviour(&self, behaviour: Behaviour) {
        *self.behaviour.lock().expect("not poisoned") = behaviour;
    }

    pub fn received(&self) -> Vec<ReceivedMail> {
        self.received.lock().expect("not poisoned").clone()
    }

    /// How many messages are hanging after DATA right now or did before.
    pub fn hung_messages(&self) -> usize {
        *self.hung.lock().expect("not poisoned")
    }

    /// How many recipients were refused.
    pub fn refused_recipients(&self) -> usize {
        self.refused.lock().expect("not poisoned").len()
    }

    /// When each refusal happened, oldest first.
    pub fn refusal_times(&self) -> Vec<std::time::Instant> {
        self.refused.lock().expect("not poisoned").clone()
    }

    async fn serve(&self, stream: tokio::net::TcpStream) {
        let (reader, mut writer) = stream.into_split();
        let mut lines = BufReader::new(reader).lines();
        let mut recipients = Vec::new();
        if writer.write_all(b"220 localhost ESMTP test server\r\n").await.is_err() {
            return;
        }
        while let Ok(Some(line)) = lines.next_line().await {
            let verb = line.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
            let behaviour = *self.behaviour.lock().expect("not poisoned");
            let reply: &[u8] = match verb.as_str() {
                "EHLO" => b"250-localhost\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
                "HELO" | "NOOP" => b"250 OK\r\n",
                "RSET" | "MAIL" => {
                    recipients.clear();
                    b"250 OK\r\n"
                }
                "RCPT" if behaviour == Behaviour::RejectRecipients => {
                    self.refused.lock().expect("not poisoned").push(std::time::Instant::now());
                    b"550 no such user here\r\n"
                }
                "RCPT" => {
                    let address = line.split(['<', '>']).nth(1).unwrap_or_default().to_owned();
                    recipients.push(address);
                    b"250 OK\r\n"
                }
                "DATA" => {
                    if writer.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await.is_err() {
                        return;
                    }
                    let mut data = String::new();
                    while let Ok(Some(line)) = lines.next_line().await {
                        if line == "." {
                            break;
                        }
                        data.push_str(line.strip_prefix('.').unwrap_or(&line));
                        data.push('\n');
                    }
                    if let Behaviour::SlowAccept(delay) = behaviour {
                        tokio::time::sleep(delay).await;
                    }
                    if behaviour == Behaviour::HangAfterData {
                        *self.hung.lock().expect("not poisoned") += 1;
                        // Holds the connection open without an answer until the client goes away.
                        while let Ok(Some(_)) = lines.next_line().await {}
                        return;
                    }
                    self.received
                        .lock()
                        .expect("not poisoned")
                        .push(ReceivedMail { recipients: std::mem::take(&mut recipients), data });
                    b"250 OK queued\r\n"
                }
                "QUIT" => {
                    let _ = writer.write_all(b"221 bye\r\n").await;
                    return;
                }
                _ => b"502 command not implemented\r\n",
            };
            if writer.write_all(reply).await.is_err() {
                return;
            }
        }
    }
}
