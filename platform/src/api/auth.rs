//! Sign-up, email verification, sign-in and out, password reset.

use std::sync::Arc;
use std::time::Duration;

use poem::Request;
use poem::web::cookie::CookieJar;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde::Deserialize;
use vitrine_core::accounts::{self, SignUp};
use vitrine_core::rate_limit::{self, Limit};

use super::{ApiTags, UserView};
use crate::State;
use crate::client::Client;
use crate::error::ApiResult;
use crate::payload::ApiJson;
use crate::session::Session;

const PER_IP_SIGN_IN: Limit = Limit { max_hits: 30, window: Duration::from_secs(300) };
const PER_ACCOUNT_SIGN_IN: Limit = Limit { max_hits: 10, window: Duration::from_secs(900) };
const PER_IP_SIGN_UP: Limit = Limit { max_hits: 10, window: Duration::from_secs(3600) };
const PER_IP_EMAILS: Limit = Limit { max_hits: 10, window: Duration::from_secs(3600) };
const PER_ACCOUNT_EMAILS: Limit = Limit { max_hits: 5, window: Duration::from_secs(3600) };

/// An address as a rate limit's key: no address is longer than 254 characters, and the key must
/// fit the limits' index whatever a client sends.
fn account_key(email: &str) -> String {
    email.trim().to_lowercase().chars().take(254).collect()
}

pub struct AuthApi {
    pub state: Arc<State>,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    /// The address to sign in with; it must be confirmed
    email: String,
    /// At least 10 characters, not a common password
    password: String,
    full_name: String,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// The token from the emailed link
    token: String,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailRequest {
    email: String,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    email: String,
    password: String,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirmRequest {
    token: String,
    /// The new password
    password: String,
}

#[derive(Debug, Object)]
pub struct Providers {
    /// Whether "Sign in with Google" is configured
    google: bool,
    /// Whether "Sign in with LinkedIn" is configured
    linkedin: bool,
}

#[derive(ApiResponse)]
pub enum Created {
    /// The account exists and a verification email is on its way
    #[oai(status = 201)]
    Created(Json<UserView>),
}

#[derive(ApiResponse)]
pub enum Accepted {
    /// Accepted; an email follows if it applies
    #[oai(status = 202)]
    Accepted,
}

#[derive(ApiResponse)]
pub enum NoContent {
    #[oai(status = 204)]
    Done,
}

impl AuthApi {
    fn ip_key(&self, request: &Request, action: &str) -> String {
        let ip = request.extensions().get::<Client>().and_then(|client| client.ip);
        format!("{action}:ip:{}", ip.map(|ip| ip.to_string()).unwrap_or_default())
    }

    async fn limit(&self, key: &str, limit: Limit) -> ApiResult<()> {
        rate_limit::hit(&self.state.pool, key, limit).await?;
        Ok(())
    }
}

#[OpenApi(prefix_path = "/api/v1/auth", tag = "ApiTags::Auth")]
impl AuthApi {
    /// Create an account
    #[oai(path = "/signup", method = "post", operation_id = "signup")]
    async fn signup(&self, request: &Request, body: ApiJson<SignupRequest>) -> ApiResult<Created> {
        self.limit(&self.ip_key(request, "signup"), PER_IP_SIGN_UP).await?;
        let body = body.0;
        let user = accounts::sign_up(
            &self.state.pool,
            &self.state.links,
            SignUp { email: &body.email, password: &body.password, full_name: &body.full_name },
        )
        .await?;
        Ok(Created::Created(Json(user.into())))
    }

    /// Confirm an email address with the emailed token
    #[oai(path = "/verify-email", method = "post", operation_id = "verifyEmail")]
    async fn verify_email(&self, body: ApiJson<TokenRequest>) -> ApiResult<Json<UserView>> {
        let user = accounts::verify_email(&self.state.pool, &body.0.token).await?;
        Ok(Json(user.into()))
    }

    /// Send the verification email again
    #[oai(path = "/resend-verification", method = "post", operation_id = "resendVerification")]
    async fn resend_verification(&self, request: &Request, body: ApiJson<EmailRequest>) -> ApiResult<Accepted> {
        self.limit(&self.ip_key(request, "email"), PER_IP_EMAILS).await?;
        self.limit(&format!("email:account:{}", account_key(&body.0.email)), PER_ACCOUNT_EMAILS).await?;
        accounts::resend_verification(&self.state.pool, &self.state.links, &body.0.email).await?;
        Ok(Accepted::Accepted)
    }

    /// Sign in; sets the session cookie
    #[oai(path = "/login", method = "post", operation_id = "login")]
    async fn login(
        &self,
        request: &Request,
        jar: &CookieJar,
        body: ApiJson<LoginRequest>,
    ) -> ApiResult<Json<UserView>> {
        self.limit(&self.ip_key(request, "login"), PER_IP_SIGN_IN).await?;
        self.limit(&format!("login:account:{}", account_key(&body.0.email)), PER_ACCOUNT_SIGN_IN).await?;
        let (user, token) = accounts::sign_in(&self.state.pool, &body.0.email, &body.0.password).await?;
        jar.add(self.state.cookies.session(&token));
        Ok(Json(user.into()))
    }

    /// Sign out of this browser
    #[oai(path = "/logout", method = "post", operation_id = "logout")]
    async fn logout(&self, session: Session, jar: &CookieJar) -> ApiResult<NoContent> {
        accounts::end_session(&self.state.pool, session.id).await?;
        jar.add(self.state.cookies.expired_session());
        jar.add(self.state.cookies.viewer("", std::time::Duration::ZERO));
        Ok(NoContent::Done)
    }

    /// Sign out everywhere, this browser included
    #[oai(path = "/logout-all", method = "post", operation_id = "logoutAll")]
    async fn logout_all(&self, session: Session, jar: &CookieJar) -> ApiResult<NoContent> {
        accounts::end_all_sessions(&self.state.pool, session.user.id, None).await?;
        jar.add(self.state.cookies.expired_session());
        jar.add(self.state.cookies.viewer("", std::time::Duration::ZERO));
        Ok(NoContent::Done)
    }

    /// Email a password reset link. Always 202, whether or not the address has an account
    #[oai(path = "/password-reset", method = "post", operation_id = "requestPasswordReset")]
    async fn password_reset(&self, request: &Request, body: ApiJson<EmailRequest>) -> ApiResult<Accepted> {
        self.limit(&self.ip_key(request, "email"), PER_IP_EMAILS).await?;
        self.limit(&format!("email:account:{}", account_key(&body.0.email)), PER_ACCOUNT_EMAILS).await?;
        accounts::request_password_reset(&self.state.pool, &self.state.links, &body.0.email).await?;
        Ok(Accepted::Accepted)
    }

    /// Set a new password with the emailed token; ends every session
    #[oai(path = "/password-reset/confirm", method = "post", operation_id = "confirmPasswordReset")]
    async fn password_reset_confirm(&self, body: ApiJson<PasswordResetConfirmRequest>) -> ApiResult<NoContent> {
        accounts::confirm_password_reset(&self.state.pool, &body.0.token, &body.0.password).await?;
        Ok(NoContent::Done)
    }

    /// Which sign-in providers are available
    #[oai(path = "/providers", method = "get", operation_id = "providers")]
    async fn providers(&self) -> Json<Providers> {
        Json(Providers { google: self.state.google.is_some(), linkedin: self.state.linkedin.is_some() })
    }
}
