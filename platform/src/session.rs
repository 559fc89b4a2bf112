//! The session cookie and the extractor that turns it into the signed-in user.

use std::sync::Arc;

use poem::web::cookie::{Cookie, CookieJar, SameSite};
use poem::{FromRequest, Request, RequestBody};
use uuid::Uuid;
use vitrine_core::accounts::{self, User};

use crate::State;
use crate::error::ApiError;

/// Names and attributes of our cookies. With TLS the `__Host-` prefix makes the browser refuse
/// a cookie that is not `Secure`, host-only and for `/`.
#[derive(Debug, Clone)]
pub struct CookiePolicy {
    pub secure: bool,
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
        let token = <&CookieJar>::from_request_without_body(request)
            .await?
            .get(state.cookies.session_name())
            .map(|cookie| cookie.value_str().to_owned());
        let Some(token) = token else {
            return Err(ApiError::from(vitrine_core::Error::unauthenticated()).into());
        };
        match accounts::authenticate(&state.pool, &token).await.map_err(ApiError::from)? {
            Some((user, id)) => Ok(Session { user, id }),
            None => Err(ApiError::from(vitrine_core::Error::unauthenticated()).into()),
        }
    }
}
