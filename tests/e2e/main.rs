//! End-to-end tests: the real `platform`, `worker` and `tenant-router` binaries as processes,
//! against a fresh database each. `cargo build` must have built the binaries first (ops/test
//! does).

mod ai;
mod config;
mod domains;
mod export;
mod periodic;
mod processes;
mod router;
mod stack;
mod worker;
