//! Uploaded images: photos, backgrounds, project pictures. An upload is trusted for nothing:
//! its type is read from its content, it is decoded within limits and encoded again, so
//! metadata (EXIF, GPS) and anything riding along in the file (a script appended to a JPEG)
//! are gone, and what is served is an image of the type its name says.

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutPayload};
use sqlx::PgPool;
use uuid::Uuid;

use crate::accounts::UserId;
use crate::workspaces::{self, Role, WorkspaceId};
use crate::{Error, Result};

/// Largest upload accepted.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// Images are scaled down to fit this many pixels on their long side.
const MAX_EDGE: u32 = 2560;
/// Refuse to decode anything claiming to be larger than this (a decompression bomb).
const MAX_DECODED_EDGE: u32 = 12_000;

#[derive(Clone, Debug, clap::Args)]
pub struct MediaConfig {
    /// Folder uploaded images are stored in (unless an S3 bucket is set)
    #[arg(long, env = "VITRINE_MEDIA_DIR", default_value = "var/media")]
    pub media_dir: PathBuf,

    /// Store uploads in this bucket of an S3-compatible service instead of the folder
    #[arg(long, env = "VITRINE_S3_BUCKET", requires_all = ["s3_access_key_id", "s3_secret_access_key"])]
    pub s3_bucket: Option<String>,

    /// The service's address, for S3-compatible services other than AWS (MinIO, R2, …)
    #[arg(long, env = "VITRINE_S3_ENDPOINT", value_parser = crate::config::parse_http_url)]
    pub s3_endpoint: Option<url::Url>,

    #[arg(long, env = "VITRINE_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,

    #[arg(long, env = "VITRINE_S3_ACCESS_KEY_ID", hide_env_values = true)]
    pub s3_access_key_id: Option<String>,

    #[arg(long, env = "VITRINE_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<crate::config::Secret>,
}

/// Where the bytes of uploads live: a local folder, or a bucket when several hosts must share
/// them.
#[derive(Clone, Debug)]
pub enum MediaStore {
    Folder(PathBuf),
    Bucket(Arc<dyn ObjectStore>),
}

impl MediaStore {
    pub fn new(config: &MediaConfig) -> anyhow::Result<MediaStore> {
        let Some(bucket) = &config.s3_bucket else { return Ok(MediaStore::Folder(config.media_dir.clone())) };
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_region(&config.s3_region)
            .with_access_key_id(config.s3_access_key_id.clone().unwrap_or_default())
            .with_secret_access_key(
                config.s3_secret_access_key.as_ref().map(|secret| secret.expose().to_owned()).unwrap_or_default(),
            );
        if let Some(endpoint) = &config.s3_endpoint {
            // Services other than AWS are addressed by path, and may be plain HTTP on a private network.
            builder = builder
                .with_endpoint(endpoint.as_str().trim_end_matches('/'))
                .with_virtual_hosted_style_request(false)
                .with_allow_http(endpoint.scheme() == "http");
        }
        let store = builder.build().map_err(|error| anyhow::anyhow!("VITRINE_S3_*: {error}"))?;
        Ok(MediaStore::Bucket(Arc::new(store)))
    }

    /// The stored upload `{id}.{extension}` and its content type, if it exists.
    pub async fn read(&self, file: &str) -> Option<(Vec<u8>, &'static str)> {
        let (id, extension) = file.split_once('.')?;
        let id = Uuid::parse_str(id).ok()?;
        let content_type = content_type_of(extension)?;
        match self.get(&format!("{id}.{extension}")).await {
            Ok(bytes) => Some((bytes?, content_type)),
            Err(error) => {
                tracing::error!(error = %error, "reading an upload failed");
                None
            }
        }
    }

    /// The stored object `name` (a file name, or `folder/file`), if it exists.
    pub async fn get(&self, name: &str) -> Result<Option<Vec<u8>>> {
        match self {
            MediaStore::Folder(root) => match tokio::fs::read(root.join(name)).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(error) => Err(internal("reading a stored file", error)),
            },
            MediaStore::Bucket(store) => match store.get(&ObjectPath::from(name)).await {
                Ok(found) => {
                    let bytes = found.bytes().await.map_err(|error| internal("reading from the bucket", error))?;
                    Ok(Some(bytes.to_vec()))
                }
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(error) => Err(internal("reading from the bucket", error)),
            },
        }
    }

    pub async fn put(&self, name: &str, bytes: Vec<u8>) -> Result<()> {
        match self {
            MediaStore::Folder(root) => {
                let path = root.join(name);
                let folder = path.parent().unwrap_or(root);
                tokio::fs::create_dir_all(folder)
                    .await
                    .map_err(|error| internal("creating the media folder", error))?;
                // Written aside and renamed, so a reader never sees half a file.
                let partial = folder.join(format!(".{}.partial", Uuid::new_v4()));
                tokio::fs::write(&partial, bytes).await.map_err(|error| internal("writing a file", error))?;
                tokio::fs::rename(&partial, path).await.map_err(|error| internal("storing a file", error))?;
            }
            MediaStore::Bucket(store) => {
                store
                    .put(&ObjectPath::from(name), PutPayload::from(bytes))
                    .await
                    .map_err(|error| internal("storing a file in the bucket", error))?;
            }
        }
        Ok(())
    }

    /// Deletes the object `name`; one already gone is not an error.
    pub async fn delete(&self, name: &str) -> Result<()> {
        match self {
            MediaStore::Folder(root) => match tokio::fs::remove_file(root.join(name)).await {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(internal("deleting a file", error)),
                _ => Ok(()),
            },
            MediaStore::Bucket(store) => match store.delete(&ObjectPath::from(name)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(error) => Err(internal("deleting a file from the bucket", error)),
            },
        }
    }
}

fn internal(what: &str, error: impl std::fmt::Display) -> Error {
    Error::Internal(anyhow::anyhow!("{what}: {error}"))
}

fn content_type_of(extension: &str) -> Option<&'static str> {
    match extension {
        "jpg" => Some("image/jpeg"),
        "png" => Some("image/png"),
        "webp" => Some("image/webp"),
        _ => None,
    }
}

#[derive(Debug, Clone)]
pub struct Media {
    pub id: Uuid,
    pub workspace_id: WorkspaceId,
    pub content_type: String,
    pub extension: String,
    pub width: i32,
    pub height: i32,
    pub byte_size: i32,
    pub original_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl Media {
    /// The address documents use for it (see `ImageSource`).
    pub fn url(&self) -> String {
        format!("/media/{}.{}", self.id, self.extension)
    }
}

/// An image decoded and encoded again.
struct Clean {
    bytes: Vec<u8>,
    extension: &'static str,
    content_type: &'static str,
    width: u32,
    height: u32,
}

fn unsupported() -> Error {
    Error::invalid("file", "unsupported_image", "the file is not a JPEG, PNG, WebP or GIF image")
}

fn clean(bytes: &[u8]) -> Result<Clean> {
    let format = image::guess_format(bytes).map_err(|_| unsupported())?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif) {
        return Err(unsupported());
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODED_EDGE);
    limits.max_image_height = Some(MAX_DECODED_EDGE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let broken = |_| Error::invalid("file", "unreadable_image", "the image is damaged or too large to read");
    let mut decoder = reader.into_decoder().map_err(broken)?;
    let orientation = decoder.orientation().map_err(broken)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(broken)?;
    image.apply_orientation(orientation);
    if image.width() > MAX_EDGE || image.height() > MAX_EDGE {
        image = image.resize(MAX_EDGE, MAX_EDGE, image::imageops::FilterType::Triangle);
    }
    let mut encoded = Cursor::new(Vec::new());
    // Photos stay JPEG; everything else becomes PNG, which keeps transparency.
    let (extension, content_type) = if format == ImageFormat::Jpeg {
        let rgb = DynamicImage::ImageRgb8(image.to_rgb8());
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut encoded, 85);
        rgb.write_with_encoder(encoder).map_err(|error| internal("encoding a JPEG", error))?;
        ("jpg", "image/jpeg")
    } else {
        image.write_to(&mut encoded, ImageFormat::Png).map_err(|error| internal("encoding a PNG", error))?;
        ("png", "image/png")
    };
    Ok(Clean { bytes: encoded.into_inner(), extension, content_type, width: image.width(), height: image.height() })
}

fn original_name(name: Option<&str>) -> Option<String> {
    let name = name?.rsplit(['/', '\\']).next()?.trim();
    (!name.is_empty()).then(|| name.chars().filter(|c| !c.is_control()).take(200).collect())
}

pub async fn upload(
    pool: &PgPool,
    store: &MediaStore,
    workspace: WorkspaceId,
    actor: UserId,
    bytes: Vec<u8>,
    name: Option<&str>,
) -> Result<Media> {
    workspaces::require_role(pool, workspace, actor, Role::Editor).await?;
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(Error::invalid("file", "too_large", "images may be at most 10 MB"));
    }
    let clean = tokio::task::spawn_blocking(move || clean(&bytes))
        .await
        .map_err(|error| internal("processing an upload", error))??;
    let id = Uuid::new_v4();
    let byte_size = clean.bytes.len() as i32;
    store.put(&format!("{id}.{}", clean.extension), clean.bytes).await?;
    let row = sqlx::query!(
        "INSERT INTO media (id, workspace_id, content_type, extension, width, height, byte_size, original_name,
                            created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING created_at",
        id,
        workspace.0,
        clean.content_type,
        clean.extension,
        clean.width as i32,
        clean.height as i32,
        byte_size,
        original_name(name),
        actor.0,
    )
    .fetch_one(pool)
    .await;
    let row = match row {
        Ok(row) => row,
        Err(error) => {
            // No row points at the file: it must not linger.
            let _ = store.delete(&format!("{id}.{}", clean.extension)).await;
            return Err(error.into());
        }
    };
    Ok(Media {
        id,
        workspace_id: workspace,
        content_type: clean.content_type.to_owned(),
        extension: clean.extension.to_owned(),
        width: clean.width as i32,
        height: clean.height as i32,
        byte_size,
        original_name: original_name(name),
        created_at: row.created_at,
    })
}

pub async fn list(pool: &PgPool, workspace: WorkspaceId, actor: UserId) -> Result<Vec<Media>> {
    workspaces::require_role(pool, workspace, actor, Role::Viewer).await?;
    let rows = sqlx::query!(
        "SELECT id, workspace_id, content_type, extension, width, height, byte_size, original_name, created_at
         FROM media WHERE workspace_id = $1 ORDER BY created_at DESC",
        workspace.0,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Media {
            id: row.id,
            workspace_id: WorkspaceId(row.workspace_id),
            content_type: row.content_type,
            extension: row.extension,
            width: row.width,
            height: row.height,
            byte_size: row.byte_size,
            original_name: row.original_name,
            created_at: row.created_at,
        })
        .collect())
}

pub async fn delete(pool: &PgPool, store: &MediaStore, workspace: WorkspaceId, id: Uuid, actor: UserId) -> Result<()> {
    workspaces::require_role(pool, workspace, actor, Role::Editor).await?;
    let extension = sqlx::query_scalar!(
        "DELETE FROM media WHERE id = $1 AND workspace_id = $2 RETURNING extension",
        id,
        workspace.0,
    )
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)?;
    store.delete(&format!("{id}.{extension}")).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image =
            DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(width, height, image::Rgba([200, 30, 30, 128])));
        let mut bytes = Cursor::new(Vec::new());
        image.write_to(&mut bytes, ImageFormat::Png).unwrap();
        bytes.into_inner()
    }

    #[test]
    fn images_are_encoded_again_without_what_rode_along() {
        let mut polyglot = png(8, 6);
        polyglot.extend_from_slice(b"<?php system($_GET['c']); ?><script>alert(1)</script>");
        let clean = clean(&polyglot).unwrap();
        assert_eq!((clean.width, clean.height, clean.extension), (8, 6, "png"));
        let text = String::from_utf8_lossy(&clean.bytes);
        assert!(!text.contains("<?php") && !text.contains("<script"));
    }

    #[test]
    fn only_images_are_accepted() {
        for bytes in [&b"<?php echo 1; ?>"[..], b"GIF89a broken", b"%PDF-1.7", b""] {
            assert!(
                matches!(clean(bytes), Err(Error::Invalid { .. })),
                "{:?} accepted",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn large_images_are_scaled_down() {
        let clean = clean(&png(3000, 1000)).unwrap();
        assert_eq!((clean.width, clean.height), (2560, 853));
    }

    #[test]
    fn names_lose_their_folders() {
        assert_eq!(original_name(Some("C:\\photos\\me.jpg")).as_deref(), Some("me.jpg"));
        assert_eq!(original_name(Some("  ")), None);
    }
}
