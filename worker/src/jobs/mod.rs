//! One idempotent handler per job kind, each on its own named queue.

pub mod ai;
pub mod email;
pub mod export;
pub mod import;
pub mod notification;
