//! The session cookie and the extractor that turns it into the signed-in user.

use std::sync::Arc;

use hmac::{Hmac, Mac};
use poem::web::cookie::{Cookie, CookieJar, SameSite};
use poem::{FromRequest, Request, RequestBody};
use sha2::Sha256;
use uuid::Uuid;
use vitrine_core::accounts::{self, User};

use crate::State;
use crate::error::ApiError;

/// Names and attributes of our cookies. With TLS the `__Host-` prefix makes the browser refuse
/// a cookie that is not `Secure`, host-only and for `/`.
#[derive(Debug, Clone)]
pub struct CookiePolicy {
    pub secure: bool,
    /// The domain whose subdomains publish pages: the viewer cookie is sent to them.
    pub base_domain: String,
}

/// The name of the cookie that tells published pages a signed-in member is looking.
pub const VIEWER_COOKIE: &str = "vitrine_viewer";

/// Signs and reads the viewer cookie: `{user id}.{HMAC}` under the platform's secret key. It
/// grants nothing; it only keeps a member's views of their own pages out of the statistics on
/// `{handle}.{BASE_DOMAIN}`, where the host-only session cookie is not sent.
pub struct ViewerKey(Vec<u8>);

impl ViewerKey {
    pub fn new(secret: &[u8]) -> ViewerKey {
        ViewerKey(secret.to_vec())
    }

    fn mac(&self, user: Uuid) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(b"viewer:");
        mac.update(user.as_bytes());
        mac
    }

    pub fn sign(&self, user: Uuid) -> String {
        let tag: String = self.mac(user).finalize().into_bytes().iter().map(|byte| format!("{byte:02x}")).collect();
        format!("{user}.{tag}")
    }

    pub fn verify(&self, value: &str) -> Option<Uuid> {
        let (user, tag) = value.split_once('.')?;
        let user: Uuid = user.parse().ok()?;
        let tag = (0..tag.len() / 2)
            .map(|index| u8::from_str_radix(tag.get(index * 2..index * 2 + 2)?, 16).ok())
            .collect::<Option<Vec<u8>>>()?;
        self.mac(user).verify_slice(&tag).ok()?;
        Some(user)
    }
}

impl CookiePolicy {
    pub fn session_name(&self) -> &'static str {
        if self.secure { "__Host-vitrine_session" } else { "vitrine_session" }
    }

    pub fn session(&self, token: &str) -> Cookie {
        let mut cookie = Cookie::new_with_str(self.session_name(), token);
        cookie.set_http_only(true);
        cookie.set_same_site(SameSite::Lax);
        cookie.set_secure(self.secure);
        cookie.set_path("/");
        cookie.set_max_age(accounts::SESSION_LIFETIME);
        cookie
    }

    pub fn expired_session(&self) -> Cookie {
        let mut cookie = self.session("");
        cookie.set_max_age(std::time::Duration::ZERO);
        cookie
    }

    /// The viewer cookie, for the base domain and its subdomains.
    pub fn viewer(&self, value: &str, max_age: std::time::Duration) -> Cookie {
        let mut cookie = Cookie::new_with_str(VIEWER_COOKIE, value);
        cookie.set_http_only(true);
        cookie.set_same_site(SameSite::Lax);
        cookie.set_secure(self.secure);
        cookie.set_path("/");
        cookie.set_domain(&self.base_domain);
        cookie.set_max_age(max_age);
        cookie
    }

    /// Binds an OpenID sign-in to the browser that started it (login CSRF).
    pub fn oidc_state(&self, state: &str, max_age: std::time::Duration) -> Cookie {
        let mut cookie = Cookie::new_with_str(OIDC_STATE_COOKIE, state);
        cookie.set_http_only(true);
        cookie.set_same_site(SameSite::Lax);
        cookie.set_secure(self.secure);
        cookie.set_path("/api/v1/auth/oidc/");
        cookie.set_max_age(max_age);
        cookie
    }
}

pub const OIDC_STATE_COOKIE: &str = "vitrine_oidc_state";

/// A signed-in user; requests without a live session get 401.
pub struct Session {
    pub user: User,
    pub id: Uuid,
}

impl<'a> FromRequest<'a> for Session {
    async fn from_request(request: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let state = request
            .data::<Arc<State>>()
            .ok_or_else(|| poem::Error::from_string("state missing", poem::http::StatusCode::INTERNAL_SERVER_ERROR))?;
        let jar = <&CookieJar>::from_request_without_body(request).await?;
        let token = jar.get(state.cookies.session_name()).map(|cookie| cookie.value_str().to_owned());
        let Some(token) = token else {
            return Err(ApiError::from(vitrine_core::Error::unauthenticated()).into());
        };
        match accounts::authenticate(&state.pool, &token).await.map_err(ApiError::from)? {
            Some((user, id)) => {
                if jar.get(VIEWER_COOKIE).is_none() {
                    jar.add(state.cookies.viewer(&state.viewer.sign(user.id.0), accounts::SESSION_LIFETIME));
                }
                Ok(Session { user, id })
            }
            None => Err(ApiError::from(vitrine_core::Error::unauthenticated()).into()),
        }
    }
}
