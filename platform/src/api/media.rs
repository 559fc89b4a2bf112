//! Image uploads of a workspace. Files are served at `/media/{id}.{ext}` (see `media_file`)
//! by every host, so published pages can show them.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem::http::{StatusCode, header};
use poem::web::{Data, Path as WebPath};
use poem::{IntoResponse, Response, handler};
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::types::multipart::Upload;
use poem_openapi::{ApiResponse, Multipart, Object, OpenApi};
use uuid::Uuid;
use vitrine_core::media::{self, Media};
use vitrine_core::workspaces::WorkspaceId;

use super::ApiTags;
use super::auth::NoContent;
use crate::State;
use crate::error::{ApiError, ApiResult};
use crate::session::Session;

pub struct MediaApi {
    pub state: Arc<State>,
}

#[derive(Debug, Object)]
#[oai(rename = "Media", skip_serializing_if_is_none)]
pub struct MediaView {
    id: Uuid,
    /// Where the image is served; use it as an image source in documents
    url: String,
    /// `image/jpeg` or `image/png`, whatever was uploaded
    content_type: String,
    width: i32,
    height: i32,
    byte_size: i32,
    original_name: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<Media> for MediaView {
    fn from(media: Media) -> Self {
        MediaView {
            url: media.url(),
            id: media.id,
            content_type: media.content_type,
            width: media.width,
            height: media.height,
            byte_size: media.byte_size,
            original_name: media.original_name,
            created_at: media.created_at,
        }
    }
}

#[derive(Debug, Multipart)]
pub struct UploadRequest {
    /// A JPEG, PNG, WebP or GIF image of at most 10 MB
    file: Upload,
}

#[derive(ApiResponse)]
pub enum Uploaded {
    /// Stored, re-encoded without metadata
    #[oai(status = 201)]
    Created(Json<MediaView>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Media")]
impl MediaApi {
    /// Upload an image (editors)
    #[oai(path = "/workspaces/:workspace_id/media", method = "post", operation_id = "uploadMedia")]
    async fn upload(&self, session: Session, workspace_id: Path<Uuid>, body: UploadRequest) -> ApiResult<Uploaded> {
        if body.file.size() > media::MAX_UPLOAD_BYTES {
            return Err(too_large("images may be at most 10 MB"));
        }
        let name = body.file.file_name().map(str::to_owned);
        let bytes = body.file.into_vec().await.map_err(|_| {
            ApiError::bad_request("unreadable_upload", "the upload could not be read", Some("file".into()))
        })?;
        let media = media::upload(
            &self.state.pool,
            &self.state.media,
            WorkspaceId(workspace_id.0),
            session.user.id,
            bytes,
            name.as_deref(),
        )
        .await?;
        Ok(Uploaded::Created(Json(media.into())))
    }

    /// The workspace's images, newest first
    #[oai(path = "/workspaces/:workspace_id/media", method = "get", operation_id = "listMedia")]
    async fn list(&self, session: Session, workspace_id: Path<Uuid>) -> ApiResult<Json<Vec<MediaView>>> {
        let list = media::list(&self.state.pool, WorkspaceId(workspace_id.0), session.user.id).await?;
        Ok(Json(list.into_iter().map(Into::into).collect()))
    }

    /// Delete an image (editors); pages that show it lose it
    #[oai(path = "/workspaces/:workspace_id/media/:media_id", method = "delete", operation_id = "deleteMedia")]
    async fn delete(&self, session: Session, workspace_id: Path<Uuid>, media_id: Path<Uuid>) -> ApiResult<NoContent> {
        media::delete(&self.state.pool, &self.state.media, WorkspaceId(workspace_id.0), media_id.0, session.user.id)
            .await?;
        Ok(NoContent::Done)
    }
}

pub fn too_large(message: &str) -> ApiError {
    ApiError::too_large(message, Some("file".into()))
}

/// Refuses a body announced as larger than the largest upload (with its multipart framing)
/// before reading any of it; JSON bodies have their own, smaller limit.
pub async fn refuse_oversized_bodies<E: poem::Endpoint>(next: E, request: poem::Request) -> poem::Result<Response> {
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    // Imports take larger files than images.
    let (limit, message) = if request.uri().path().ends_with("/imports") {
        (vitrine_core::imports::MAX_UPLOAD, "imports may be at most 20 MB")
    } else {
        (media::MAX_UPLOAD_BYTES, "images may be at most 10 MB")
    };
    if announced.is_some_and(|length| length > limit + 64 * 1024) {
        return Ok(poem::Error::from(too_large(message)).into_response());
    }
    // A body sent in chunks announces no length, and a form is read whole before its handler
    // runs: uploads must say their size (browsers and curl always do).
    let form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim_start().to_ascii_lowercase().starts_with("multipart/"));
    if form && announced.is_none() {
        let error = ApiError::bad_request(
            "length_required",
            "an upload must state its size in Content-Length",
            Some("file".into()),
        );
        return Ok(poem::Error::from(error).into_response());
    }
    next.call(request).await.map(IntoResponse::into_response)
}

/// An uploaded image. Its name is unguessable and its content never changes, so it may be
/// cached for good.
#[handler]
pub async fn media_file(WebPath(file): WebPath<String>, state: Data<&Arc<State>>) -> Response {
    match state.media.read(&file).await {
        Some((bytes, content_type)) => Response::builder()
            .content_type(content_type)
            .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
            .header("X-Content-Type-Options", "nosniff")
            .header("Content-Security-Policy", "default-src 'none'")
            .body(bytes),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
