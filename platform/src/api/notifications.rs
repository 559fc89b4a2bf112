//! The signed-in person's notifications and their preferences, and the unsubscribe link of
//! emails (which works without signing in). Everything here is the caller's own.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;
use vitrine_core::notifications::{self, Category, Notification, Preference};

use super::ApiTags;
use super::auth::NoContent;
use crate::State;
use crate::error::{ApiError, ApiResult};
use crate::payload::ApiJson;
use crate::session::Session;

pub struct NotificationsApi {
    pub state: Arc<State>,
}

#[derive(Debug, Object)]
#[oai(rename = "Notification")]
pub struct NotificationView {
    id: Uuid,
    workspace_id: Option<Uuid>,
    category: Category,
    /// What happened, e.g. `export_ready`, `portfolio_edited`
    kind: String,
    title: String,
    body: String,
    /// Where in the app it leads
    link: Option<String>,
    created_at: DateTime<Utc>,
    read_at: Option<DateTime<Utc>>,
}

impl From<Notification> for NotificationView {
    fn from(notification: Notification) -> Self {
        NotificationView {
            id: notification.id,
            workspace_id: notification.workspace_id,
            category: notification.category,
            kind: notification.kind,
            title: notification.title,
            body: notification.body,
            link: notification.link,
            created_at: notification.created_at,
            read_at: notification.read_at,
        }
    }
}

#[derive(Debug, Object)]
pub struct NotificationList {
    /// Newest first
    items: Vec<NotificationView>,
    unread: i64,
}

#[derive(Debug, Object)]
pub struct UnreadCount {
    unread: i64,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkReadRequest {
    /// The notifications to mark read; all of them when absent
    ids: Option<Vec<Uuid>>,
}

#[derive(Debug, Object)]
pub struct MarkedRead {
    marked: u64,
    unread: i64,
}

#[derive(Debug, Object, Deserialize)]
#[oai(rename = "NotificationPreference")]
#[serde(deny_unknown_fields)]
pub struct PreferenceView {
    category: Category,
    /// Shown in the app's bell
    in_app: bool,
    /// Sent by email
    email: bool,
}

impl From<Preference> for PreferenceView {
    fn from(preference: Preference) -> Self {
        PreferenceView { category: preference.category, in_app: preference.in_app, email: preference.email }
    }
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnsubscribeRequest {
    /// From the email's link
    token: String,
    category: Category,
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Notifications")]
impl NotificationsApi {
    /// Your latest notifications (of the categories you see in the app) and the unread count
    #[oai(path = "/notifications", method = "get", operation_id = "listNotifications")]
    async fn list(&self, session: Session, limit: Query<Option<i64>>) -> ApiResult<Json<NotificationList>> {
        let limit = limit.0.unwrap_or(30);
        if !(1..=100).contains(&limit) {
            return Err(ApiError::unprocessable("invalid_value", "limit is 1 to 100", Some("limit".into())));
        }
        let (items, unread) = notifications::list(&self.state.pool, session.user.id, limit).await?;
        Ok(Json(NotificationList { items: items.into_iter().map(Into::into).collect(), unread }))
    }

    /// How many notifications are unread (the bell's badge)
    #[oai(path = "/notifications/unread-count", method = "get", operation_id = "countUnreadNotifications")]
    async fn unread(&self, session: Session) -> ApiResult<Json<UnreadCount>> {
        Ok(Json(UnreadCount { unread: notifications::unread_count(&self.state.pool, session.user.id).await? }))
    }

    /// Mark notifications read: the ones named, or all
    #[oai(path = "/notifications/read", method = "post", operation_id = "markNotificationsRead")]
    async fn mark_read(&self, session: Session, body: ApiJson<MarkReadRequest>) -> ApiResult<Json<MarkedRead>> {
        let user = session.user.id;
        let marked = notifications::mark_read(&self.state.pool, user, body.0.ids.as_deref()).await?;
        Ok(Json(MarkedRead { marked, unread: notifications::unread_count(&self.state.pool, user).await? }))
    }

    /// For each category: shown in the app, sent by email
    #[oai(path = "/me/notification-preferences", method = "get", operation_id = "getNotificationPreferences")]
    async fn preferences(&self, session: Session) -> ApiResult<Json<Vec<PreferenceView>>> {
        let list = notifications::preferences(&self.state.pool, session.user.id).await?;
        Ok(Json(list.into_iter().map(Into::into).collect()))
    }

    /// Change preferences; categories not sent keep theirs
    #[oai(path = "/me/notification-preferences", method = "put", operation_id = "setNotificationPreferences")]
    async fn set_preferences(
        &self,
        session: Session,
        body: ApiJson<Vec<PreferenceView>>,
    ) -> ApiResult<Json<Vec<PreferenceView>>> {
        let changes: Vec<Preference> = body
            .0
            .into_iter()
            .map(|view| Preference { category: view.category, in_app: view.in_app, email: view.email })
            .collect();
        let list = notifications::set_preferences(&self.state.pool, session.user.id, &changes).await?;
        Ok(Json(list.into_iter().map(Into::into).collect()))
    }

    /// Stop emails of one category, from the link at the bottom of such an email
    #[oai(path = "/notifications/unsubscribe", method = "post", operation_id = "unsubscribe")]
    async fn unsubscribe(&self, body: ApiJson<UnsubscribeRequest>) -> ApiResult<NoContent> {
        notifications::unsubscribe(&self.state.pool, &body.0.token, body.0.category).await?;
        Ok(NoContent::Done)
    }
}
