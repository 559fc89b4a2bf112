//! Serves the application over hyper directly. poem's own server hands every connection to
//! hyper through a boxed stream split in two halves that cannot write vectored, so hyper copies
//! each response body into its buffer and every read and write takes the split's lock; a page
//! served from the cache is mostly that copying. Here hyper writes headers and the cached body
//! together from the socket itself. Nagle's algorithm is off on every connection, as for any
//! interactive server: a response written in parts (a streamed body) must not wait for the
//! client's delayed acknowledgement.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use poem::http::uri::Scheme;
use poem::web::{LocalAddr, RemoteAddr};
use poem::{Endpoint, endpoint::BoxEndpoint};
use tokio::net::TcpListener;

/// How long requests in flight may run once shutdown begins.
const DRAIN: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `shutdown` resolves, then lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    app: BoxEndpoint<'static>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let app = Arc::new(app);
    let local = LocalAddr(listener.local_addr()?.into());
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // A client gets 30 seconds to send a request's headers, so idle half-sent requests do
    // not hold connections open forever.
    builder.http1().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of descriptors, most likely: connections in flight will free some.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let local = local.clone();
        let remote = RemoteAddr(peer.into());
        let service = service_fn(move |request: http::Request<Incoming>| {
            let app = app.clone();
            let request = poem::Request::from((request, local.clone(), remote.clone(), Scheme::HTTP));
            async move {
                let response = app.get_response(request).await;
                Ok::<_, Infallible>(http::Response::<BoxBody<Bytes, std::io::Error>>::from(response))
            }
        });
        let connection =
            graceful.watch(builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned());
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN) => tracing::warn!("connections still open {} s after shutdown began", DRAIN.as_secs()),
    }
    Ok(())
}
