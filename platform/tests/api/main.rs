//! The platform's API tests: the real application on a free port, a fresh database per test,
//! and HTTP clients that behave like separate browsers.

mod helpers;

mod accounts;
mod ai;
mod domains;
mod exports;
mod imports;
mod isolation;
mod maintenance;
mod media;
mod notifications;
mod oidc;
mod operations;
mod password_reset;
mod portfolios;
mod public_pages;
mod stats;
mod surface;
mod workspaces;
