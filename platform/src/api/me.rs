//! The signed-in user's own account.

use std::sync::Arc;

use poem::web::cookie::CookieJar;
use poem_openapi::payload::Json;
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{Object, OpenApi};
use serde::Deserialize;
use vitrine_core::accounts::{self, ProfileChange};

use super::auth::NoContent;
use super::{ApiTags, UserView};
use crate::State;
use crate::error::ApiResult;
use crate::payload::ApiJson;
use crate::session::Session;

pub struct MeApi {
    pub state: Arc<State>,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    #[serde(default)]
    full_name: Option<String>,
    /// An http(s) URL; an empty string or `null` removes the photo
    #[serde(default)]
    photo: MaybeUndefined<String>,
    /// Hide the profile from every listing
    #[serde(default)]
    is_private: Option<bool>,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteMeRequest {
    /// The account's password, as confirmation
    password: String,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    current_password: String,
    new_password: String,
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Account")]
impl MeApi {
    /// The signed-in user
    #[oai(path = "/me", method = "get", operation_id = "getMe")]
    async fn get(&self, session: Session) -> Json<UserView> {
        Json(session.user.into())
    }

    /// Change name, photo or privacy
    #[oai(path = "/me", method = "patch", operation_id = "updateMe")]
    async fn update(&self, session: Session, body: ApiJson<UpdateMeRequest>) -> ApiResult<Json<UserView>> {
        let body = body.0;
        let photo = match &body.photo {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(url) => Some(Some(url.as_str())),
        };
        let change = ProfileChange { full_name: body.full_name.as_deref(), photo, is_private: body.is_private };
        let user = accounts::update_profile(&self.state.pool, session.user.id, change).await?;
        Ok(Json(user.into()))
    }

    /// Delete the account, confirmed by its password
    #[oai(path = "/me", method = "delete", operation_id = "deleteMe")]
    async fn delete(&self, session: Session, jar: &CookieJar, body: ApiJson<DeleteMeRequest>) -> ApiResult<NoContent> {
        accounts::delete(&self.state.pool, session.user.id, &body.0.password).await?;
        jar.add(self.state.cookies.expired_session());
        jar.add(self.state.cookies.viewer("", std::time::Duration::ZERO));
        Ok(NoContent::Done)
    }

    /// Change the password; other sessions end
    #[oai(path = "/me/password", method = "post", operation_id = "changePassword")]
    async fn change_password(&self, session: Session, body: ApiJson<ChangePasswordRequest>) -> ApiResult<NoContent> {
        accounts::change_password(
            &self.state.pool,
            session.user.id,
            session.id,
            &body.0.current_password,
            &body.0.new_password,
        )
        .await?;
        Ok(NoContent::Done)
    }
}
