//! Everything the three Vitrine binaries share: configuration, errors, the database, the
//! domain (accounts, workspaces) with its data access, jobs and email. No HTTP lives here.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod ai;
pub mod certificates;
pub mod config;
pub mod db;
pub mod document;
pub mod domains;
pub mod email;
pub mod error;
pub mod exports;
pub mod imports;
pub mod jobs;
pub mod json;
pub mod maintenance;
pub mod media;
pub mod notifications;
pub mod operations;
pub mod portfolios;
pub mod rate_limit;
pub mod render;
pub mod shutdown;
pub mod sites;
pub mod stats;
pub mod telemetry;
pub mod themes;
pub mod token;
pub mod workspaces;

pub use error::{Error, Result};
