//! How every binary learns it should stop: Ctrl-C or SIGTERM (what systemd and orchestrators send).

pub async fn signal() {
    let interrupt = tokio::signal::ctrl_c();
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut terminate) => {
            tokio::select! {
                _ = interrupt => {}
                _ = terminate.recv() => {}
            }
        }
        Err(error) => {
            tracing::warn!(%error, "SIGTERM cannot be watched; only Ctrl-C stops this process");
            let _ = interrupt.await;
        }
    }
    tracing::info!("shutting down");
}
