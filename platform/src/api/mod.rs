//! The HTTP API under `/api/v1`, one `#[OpenApi]` struct per resource.

pub mod ai;
pub mod auth;
pub mod domains;
pub mod exports;
pub mod imports;
pub mod me;
pub mod media;
pub mod notifications;
pub mod oidc;
pub mod portfolios;
pub mod stats;
pub mod templates;
pub mod workspaces;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem_openapi::{Object, OpenApiService, Tags};
use uuid::Uuid;
use vitrine_core::accounts::User;

use crate::State;

#[derive(Tags)]
pub enum ApiTags {
    /// Sign-up, sign-in, sessions, password reset
    Auth,
    /// The signed-in user's account
    Account,
    /// Workspaces (tenants), members and invitations
    Workspaces,
    /// Portfolios: their document, versions, publishing and access
    Portfolios,
    /// Built-in and workspace templates
    Templates,
    /// The document's schema and the renderer
    Documents,
    /// Uploaded images
    Media,
    /// PDF exports and the jobs that make them
    Exports,
    /// Your notifications and how you get them
    Notifications,
    /// Visit statistics
    Stats,
    /// Custom domains
    Domains,
    /// AI writing: generated portfolios and the editor's assistant
    Ai,
    /// Imports from LinkedIn and JSON Resume; JSON Resume and static site exports
    Imports,
}

#[derive(Debug, Object)]
#[oai(rename = "User")]
pub struct UserView {
    id: Uuid,
    email: String,
    full_name: String,
    /// URL of the profile photo
    photo: Option<String>,
    /// Hidden from every listing
    is_private: bool,
    email_verified: bool,
    is_admin: bool,
    created_at: DateTime<Utc>,
}

impl From<User> for UserView {
    fn from(user: User) -> Self {
        UserView {
            id: user.id.0,
            email: user.email,
            full_name: user.full_name,
            photo: user.photo,
            is_private: user.is_private,
            email_verified: user.email_verified,
            is_admin: user.is_admin,
            created_at: user.created_at,
        }
    }
}

pub type Apis = (
    auth::AuthApi,
    oidc::OidcApi,
    oidc::LinkedinApi,
    me::MeApi,
    workspaces::WorkspacesApi,
    portfolios::PortfoliosApi,
    templates::TemplatesApi,
    media::MediaApi,
    exports::ExportsApi,
    notifications::NotificationsApi,
    stats::StatsApi,
    domains::DomainsApi,
    ai::AiApi,
    imports::ImportsApi,
);

pub fn service(state: Arc<State>) -> OpenApiService<Apis, ()> {
    let apis = (
        auth::AuthApi { state: state.clone() },
        oidc::OidcApi { state: state.clone() },
        oidc::LinkedinApi { state: state.clone() },
        me::MeApi { state: state.clone() },
        workspaces::WorkspacesApi { state: state.clone() },
        portfolios::PortfoliosApi { state: state.clone() },
        templates::TemplatesApi { state: state.clone() },
        media::MediaApi { state: state.clone() },
        exports::ExportsApi { state: state.clone() },
        notifications::NotificationsApi { state: state.clone() },
        stats::StatsApi { state: state.clone() },
        domains::DomainsApi { state: state.clone() },
        ai::AiApi { state: state.clone() },
        imports::ImportsApi { state },
    );
    OpenApiService::new(apis, "Vitrine API", env!("CARGO_PKG_VERSION"))
        .description("Accounts, workspaces and portfolios. Every error has the body `{\"error\": {\"code\", \"message\", \"field\"}}`.")
}
