//! Image uploads: only images get in, re-encoded without what rode along, served with the
//! right type; and only to the workspace's own editors.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage};

use crate::helpers::{TestApp, stored_portfolios};

fn picture(format: ImageFormat) -> Vec<u8> {
    let image = DynamicImage::ImageRgb8(RgbImage::from_fn(64, 48, |x, y| Rgb([x as u8 * 4, y as u8 * 5, 90])));
    let mut bytes = Cursor::new(Vec::new());
    image.write_to(&mut bytes, format).unwrap();
    bytes.into_inner()
}

#[tokio::test]
async fn an_image_is_stored_re_encoded_and_served() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let workspace = app.personal_workspace(&ann).await["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/workspaces/{workspace}/media");

    let uploaded = ann.upload(&path, "C:\\me\\photo.jpg", picture(ImageFormat::Jpeg)).await.expect(201).body;
    assert_eq!(uploaded["content_type"], "image/jpeg");
    assert_eq!((uploaded["width"].as_i64(), uploaded["height"].as_i64()), (Some(64), Some(48)));
    assert_eq!(uploaded["original_name"], "photo.jpg");
    let url = uploaded["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("/media/") && url.ends_with(".jpg"));
    let served = ann.client.get(format!("{}{url}", ann.base)).send().await.unwrap();
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    assert_eq!(served.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    let bytes = served.bytes().await.unwrap();
    assert_eq!(image::guess_format(&bytes).unwrap(), ImageFormat::Jpeg);

    // A GIF becomes a PNG; the list shows both, newest first.
    let gif = ann.upload(&path, "anim.gif", picture(ImageFormat::Gif)).await.expect(201).body;
    assert_eq!(gif["content_type"], "image/png");
    let list = ann.get(&path).await.expect(200).body;
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["id"], gif["id"]);

    // Uploaded images can be used in documents.
    let document = serde_json::json!({"schema_version": 2, "sections": [
        {"type": "image", "id": "i", "image": url, "alt": "Me"}]});
    crate::helpers::create_portfolio(&app, &ann, serde_json::json!({ "title": "With image", "document": document }))
        .await;

    ann.delete(&format!("{path}/{}", uploaded["id"].as_str().unwrap())).await.expect(204);
    assert_eq!(ann.client.get(format!("{}{url}", ann.base)).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn what_is_not_an_image_is_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let workspace = app.personal_workspace(&ann).await["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/workspaces/{workspace}/media");
    let before = stored_portfolios(&app.db).await;

    let php = b"<?php echo shell_exec($_GET['cmd']); ?>".to_vec();
    ann.upload(&path, "innocent.png", php).await.expect_error(422, "unsupported_image", Some("file"));
    let mut broken = picture(ImageFormat::Png);
    broken.truncate(60);
    ann.upload(&path, "broken.png", broken).await.expect_error(422, "unreadable_image", Some("file"));
    let no_file = ann
        .client
        .post(format!("{}{path}", ann.base))
        .multipart(reqwest::multipart::Form::new().text("caption", "no file"));
    ann.send(no_file).await.expect_error(422, "missing_field", Some("file"));
    let huge = vec![0u8; 20 * 1024 * 1024];
    ann.upload(&path, "huge.png", huge).await.expect_error(413, "payload_too_large", None);
    assert_eq!(stored_portfolios(&app.db).await, before);

    // A polyglot: a real JPEG carrying a script; only the image survives.
    let mut polyglot = picture(ImageFormat::Jpeg);
    polyglot.extend_from_slice(b"<?php system($_GET['c']); ?><html><script>alert(document.cookie)</script></html>");
    let stored = ann.upload(&path, "polyglot.jpg", polyglot).await.expect(201).body;
    let served = ann.client.get(format!("{}{}", ann.base, stored["url"].as_str().unwrap())).send().await.unwrap();
    let bytes = served.bytes().await.unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("<?php") && !text.contains("<script"));
}

#[tokio::test]
async fn uploads_belong_to_their_workspace() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let (eve, _) = app.signed_in("eve@example.com", "Eve").await;
    let workspace = app.personal_workspace(&ann).await["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/workspaces/{workspace}/media");
    let stored = ann.upload(&path, "ann.png", picture(ImageFormat::Png)).await.expect(201).body;
    let before = stored_portfolios(&app.db).await;

    eve.upload(&path, "eve.png", picture(ImageFormat::Png)).await.expect_error(404, "not_found", None);
    eve.get(&path).await.expect_error(404, "not_found", None);
    eve.delete(&format!("{path}/{}", stored["id"].as_str().unwrap())).await.expect_error(404, "not_found", None);
    let eve_workspace = app.personal_workspace(&eve).await["id"].as_str().unwrap().to_owned();
    eve.delete(&format!("/api/v1/workspaces/{eve_workspace}/media/{}", stored["id"].as_str().unwrap()))
        .await
        .expect_error(404, "not_found", None);
    assert_eq!(stored_portfolios(&app.db).await, before);
    let served = app.browser().client.get(format!("{}{}", ann.base, stored["url"].as_str().unwrap())).send().await;
    assert_eq!(served.unwrap().status(), 200, "the file itself stays reachable for Ann's published pages");
}

#[tokio::test]
async fn with_a_bucket_configured_uploads_go_to_s3() {
    let s3 = vitrine_testing::s3::S3Server::start().await;
    let app = TestApp::spawn_with(&[
        &format!("--s3-bucket={}", s3.bucket),
        &format!("--s3-endpoint={}", s3.endpoint),
        "--s3-access-key-id=test",
        "--s3-secret-access-key=test",
    ])
    .await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let workspace = app.personal_workspace(&ann).await["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/workspaces/{workspace}/media");
    let uploaded = ann.upload(&path, "photo.png", picture(ImageFormat::Png)).await.expect(201).body;
    let url = uploaded["url"].as_str().unwrap();

    let key = url.trim_start_matches("/media/");
    let (status, stored) = s3.object(key).await;
    assert_eq!(status, 200, "the object is in the bucket");
    let served = ann.client.get(format!("{}{url}", ann.base)).send().await.unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.bytes().await.unwrap(), stored, "the platform serves what the bucket holds");

    ann.delete(&format!("{path}/{}", uploaded["id"].as_str().unwrap())).await.expect(204);
    assert_eq!(s3.object(key).await.0, 404);
    assert_eq!(ann.client.get(format!("{}{url}", ann.base)).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn an_upload_that_does_not_state_its_size_is_refused_before_it_is_read() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let workspace = app.personal_workspace(&ann).await["id"].as_str().unwrap().to_owned();
    // Sent in chunks, so no Content-Length; the body never ends, so only an answer given before
    // reading it can come back.
    let mut stream = tokio::net::TcpStream::connect(app.base.trim_start_matches("http://")).await.unwrap();
    let head = format!(
        "POST /api/v1/workspaces/{workspace}/media HTTP/1.1\r\nHost: localhost\r\n\
         Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n\
         10\r\n--b\r\nContent-Dis\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = String::new();
    let mut buffer = vec![0; 4096];
    while !answer.contains(r#""field""#) {
        let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut buffer)).await;
        match read.expect("an answer before the body ends").unwrap() {
            0 => break,
            count => answer.push_str(&String::from_utf8_lossy(&buffer[..count])),
        }
    }
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains(r#""code":"length_required""#) && answer.contains(r#""field":"file""#), "{answer}");
    let media = ann.get(&format!("/api/v1/workspaces/{workspace}/media")).await.expect(200).body;
    assert_eq!(media.as_array().unwrap().len(), 0);
}
