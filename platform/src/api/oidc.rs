//! "Sign in with Google" and "Sign in with LinkedIn": OpenID Connect authorization code flow
//! with PKCE, state and nonce, the same for both. The provider's metadata and keys are
//! discovered at each sign-in, so key rotation needs no restart; the ID token's signature,
//! issuer, audience, expiry and nonce are all checked. LinkedIn gives ordinary apps the
//! `openid profile email` scopes only: name, email and photo, not the career (which comes from
//! its data export, through imports).

use std::sync::Arc;
use std::time::Duration;

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl,
    Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use poem::web::cookie::CookieJar;
use poem_openapi::param::Query;
use poem_openapi::{ApiResponse, OpenApi};
use vitrine_core::accounts::{self, ExternalIdentity};
use vitrine_core::config::Secret;

use super::ApiTags;
use crate::State;
use crate::error::{ApiError, ApiResult};
use crate::session::OIDC_STATE_COOKIE;

type DiscoveredClient =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

const SIGN_IN_LIFETIME: Duration = Duration::from_secs(600);

/// An OpenID provider people sign in with.
pub struct Provider {
    /// `google` or `linkedin`: in paths, stored identities and error codes.
    pub name: &'static str,
    pub issuer: IssuerUrl,
    pub client_id: ClientId,
    pub client_secret: Secret,
    pub redirect: RedirectUrl,
    pub http: openidconnect::reqwest::Client,
}

impl Provider {
    pub fn new(
        name: &'static str,
        issuer: &url::Url,
        client_id: &str,
        client_secret: Secret,
        public_url: &url::Url,
    ) -> anyhow::Result<Self> {
        let mut redirect = public_url.clone();
        redirect.set_path(&format!("/api/v1/auth/oidc/{name}/callback"));
        // Following redirects from the provider's endpoints would let it steer our requests.
        let http = openidconnect::reqwest::ClientBuilder::new()
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()?;
        Ok(Provider {
            name,
            issuer: IssuerUrl::new(issuer.as_str().trim_end_matches('/').to_owned())?,
            client_id: ClientId::new(client_id.to_owned()),
            client_secret,
            redirect: RedirectUrl::from_url(redirect),
            http,
        })
    }

    /// A client for the provider as it describes itself now (endpoints and signing keys).
    async fn client(&self) -> Result<DiscoveredClient, ApiError> {
        let metadata =
            CoreProviderMetadata::discover_async(self.issuer.clone(), &self.http).await.map_err(|error| {
                tracing::warn!(error = %error, "the provider's OpenID metadata could not be read");
                ApiError::from(vitrine_core::Error::Internal(anyhow::anyhow!("the sign-in provider did not answer")))
            })?;
        let secret = ClientSecret::new(self.client_secret.expose().to_owned());
        Ok(CoreClient::from_provider_metadata(metadata, self.client_id.clone(), Some(secret))
            .set_redirect_uri(self.redirect.clone()))
    }
}

pub struct OidcApi {
    pub state: Arc<State>,
}

#[derive(ApiResponse)]
pub enum Redirect {
    /// Continue at `Location`
    #[oai(status = 302)]
    Found(#[oai(header = "Location")] String),
}

/// Only our own app's pages are allowed after sign-in, never another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with("/app")
                && !path.starts_with("//")
                && !path.contains('\\')
                && path.len() <= 2048
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => "/app".to_owned(),
    }
}

/// Sends the browser to the provider, remembering what the callback must check.
async fn start(state: &State, provider: &Provider, jar: &CookieJar, next: Option<&str>) -> ApiResult<Redirect> {
    let client = provider.client().await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    accounts::oidc::begin(
        &state.pool,
        provider.name,
        csrf.secret(),
        nonce.secret(),
        verifier.secret(),
        &safe_next(next),
        SIGN_IN_LIFETIME,
    )
    .await?;
    jar.add(state.cookies.oidc_state(csrf.secret(), SIGN_IN_LIFETIME));
    Ok(Redirect::Found(url.to_string()))
}

/// Checks the provider's answer and signs the person in (creating or linking the account).
async fn callback(
    state: &State,
    provider: &Provider,
    jar: &CookieJar,
    code: Option<String>,
    returned_state: Option<String>,
) -> ApiResult<Redirect> {
    let browser_state = jar.get(OIDC_STATE_COOKIE).map(|cookie| cookie.value_str().to_owned());
    jar.add(state.cookies.oidc_state("", Duration::ZERO));
    let failed = |reason: &str| {
        tracing::warn!(reason, provider = provider.name, "sign-in with a provider failed");
        Redirect::Found(format!("/app/login?error={}_sign_in_failed", provider.name))
    };
    let (Some(code), Some(returned_state)) = (code, returned_state) else {
        return Ok(failed("the provider sent no code"));
    };
    if browser_state.as_deref() != Some(returned_state.as_str()) {
        return Ok(failed("the state does not belong to this browser"));
    }
    let Some(pending) = accounts::oidc::finish(&state.pool, provider.name, &returned_state).await? else {
        return Ok(failed("unknown or expired state"));
    };
    let client = provider.client().await?;
    let exchange = match client.exchange_code(AuthorizationCode::new(code)) {
        Ok(request) => {
            request.set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier)).request_async(&provider.http).await
        }
        Err(error) => return Ok(failed(&error.to_string())),
    };
    let response = match exchange {
        Ok(response) => response,
        Err(error) => return Ok(failed(&format!("token exchange: {error}"))),
    };
    let Some(id_token) = response.id_token() else {
        return Ok(failed("no ID token"));
    };
    let claims = match id_token.claims(&client.id_token_verifier(), &Nonce::new(pending.nonce)) {
        Ok(claims) => claims,
        Err(error) => return Ok(failed(&format!("ID token rejected: {error}"))),
    };
    let full_name = claims.name().and_then(|name| name.get(None)).map(|name| name.to_string());
    let picture = claims.picture().and_then(|picture| picture.get(None)).map(|url| url.to_string());
    let identity = ExternalIdentity {
        provider: provider.name,
        subject: claims.subject().as_str(),
        email: claims.email().map(|email| email.as_str()),
        email_verified: claims.email_verified().unwrap_or(false),
        full_name: full_name.as_deref(),
        picture: picture.as_deref(),
    };
    let (_, token) = match accounts::sign_in_external(&state.pool, identity).await {
        Ok(signed_in) => signed_in,
        Err(vitrine_core::Error::Forbidden { message, .. }) => return Ok(failed(&message)),
        Err(error) => return Err(error.into()),
    };
    jar.add(state.cookies.session(&token));
    Ok(Redirect::Found(pending.next_path))
}

#[OpenApi(prefix_path = "/api/v1/auth/oidc/google", tag = "ApiTags::Auth")]
impl OidcApi {
    /// Start "Sign in with Google" (a browser navigation)
    #[oai(path = "/start", method = "get", operation_id = "googleStart")]
    async fn start(&self, jar: &CookieJar, next: Query<Option<String>>) -> ApiResult<Redirect> {
        let google = self.state.google.as_ref().ok_or_else(ApiError::not_found)?;
        start(&self.state, google, jar, next.0.as_deref()).await
    }

    /// Where Google sends the browser back
    #[oai(path = "/callback", method = "get", operation_id = "googleCallback")]
    async fn callback(
        &self,
        jar: &CookieJar,
        code: Query<Option<String>>,
        state: Query<Option<String>>,
    ) -> ApiResult<Redirect> {
        let google = self.state.google.as_ref().ok_or_else(ApiError::not_found)?;
        callback(&self.state, google, jar, code.0, state.0).await
    }
}

pub struct LinkedinApi {
    pub state: Arc<State>,
}

#[OpenApi(prefix_path = "/api/v1/auth/oidc/linkedin", tag = "ApiTags::Auth")]
impl LinkedinApi {
    /// Start "Sign in with LinkedIn" (a browser navigation): name, email and photo only
    #[oai(path = "/start", method = "get", operation_id = "linkedinStart")]
    async fn start(&self, jar: &CookieJar, next: Query<Option<String>>) -> ApiResult<Redirect> {
        let linkedin = self.state.linkedin.as_ref().ok_or_else(ApiError::not_found)?;
        start(&self.state, linkedin, jar, next.0.as_deref()).await
    }

    /// Where LinkedIn sends the browser back
    #[oai(path = "/callback", method = "get", operation_id = "linkedinCallback")]
    async fn callback(
        &self,
        jar: &CookieJar,
        code: Query<Option<String>>,
        state: Query<Option<String>>,
    ) -> ApiResult<Redirect> {
        let linkedin = self.state.linkedin.as_ref().ok_or_else(ApiError::not_found)?;
        callback(&self.state, linkedin, jar, code.0, state.0).await
    }
}
