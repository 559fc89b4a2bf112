//! A server that counts the connections it gets and answers each with a redirect: a test
//! points a document at it to prove nothing was fetched, and that a redirect would not have
//! been followed either.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

/// Starts the server on a free loopback port; returns the port and the connection count.
pub async fn counting_redirect(location: &'static str) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let port = listener.local_addr().expect("bound").port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let reply = format!("HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n");
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    });
    (port, connections)
}
