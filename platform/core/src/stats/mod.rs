//! Visit statistics, private by design: views are recorded off the request path
//! (`recorder`), with a daily-salted visitor hash instead of an address, a country from a
//! local database (`geoip`) and a device class and referring domain from the headers
//! (`classify`); the worker adds them to daily aggregates (`rollup`), which are all the
//! statistics pages read (`report`) and the weekly digest sums up (`digest`).

pub mod classify;
pub mod digest;
pub mod geoip;
pub mod recorder;
pub mod report;
pub mod rollup;

use std::path::PathBuf;

/// The platform's statistics settings.
#[derive(Clone, Debug, clap::Args)]
pub struct StatsConfig {
    /// A MaxMind-format country database (the one ops/run installs, or a GeoLite2/GeoIP2 Country file); unset: countries unknown
    #[arg(long, env = "VITRINE_GEOIP_DB")]
    pub geoip_db: Option<PathBuf>,

    /// Page views held in memory on their way to the database; more are dropped (and counted) while it is away
    #[arg(long, env = "VITRINE_STATS_BUFFER", default_value_t = 50_000,
          value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub stats_buffer: u32,

    /// Record page views at all
    #[arg(long, env = "VITRINE_STATS", default_value_t = true, action = clap::ArgAction::Set)]
    pub stats: bool,
}
