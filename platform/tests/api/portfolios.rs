//! Portfolios through the API: creating, editing, the document with its revisions, versions,
//! publishing, the trash, templates, the schema and the preview renderer.

use serde_json::{Value, json};

use crate::helpers::{TestApp, create_portfolio, stored_portfolios};

fn text_document(body: &str) -> Value {
    json!({"schema_version": 2, "sections": [{"type": "text", "id": "t1", "body": body}]})
}

#[tokio::test]
async fn a_portfolio_is_created_renamed_duplicated_trashed_and_restored() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let workspace = app.personal_workspace(&ann).await;
    let handle = workspace["handle"].as_str().unwrap();
    let created = create_portfolio(&app, &ann, json!({ "title": "My Work!" })).await;
    assert_eq!(created["slug"], "my-work");
    assert_eq!(created["template"], "minimal");
    assert_eq!(created["access"], "public");
    assert_eq!(created["status"], "draft");
    assert_eq!(created["revision"], 1);
    assert_eq!(created["public_url"], format!("http://{handle}.localhost/my-work"));
    let id = created["id"].as_str().unwrap();

    let again = create_portfolio(&app, &ann, json!({ "title": "My work" })).await;
    assert_eq!(again["slug"], "my-work-2", "a free slug is derived");

    let path = format!("/api/v1/portfolios/{id}");
    let renamed = ann
        .patch(&path, json!({ "title": "Portfolio", "slug": "cv", "template": "developer", "description": "Hi" }))
        .await
        .expect(200);
    assert_eq!(renamed.body["slug"], "cv");
    assert_eq!(renamed.body["template"], "developer");
    ann.patch(&path, json!({ "slug": "my-work-2" })).await.expect_error(409, "slug_taken", Some("slug"));
    ann.patch(&path, json!({ "slug": "Not A Slug" })).await.expect_error(422, "invalid_slug", Some("slug"));
    ann.patch(&path, json!({ "title": "" })).await.expect_error(422, "required", Some("title"));
    ann.patch(&path, json!({ "template": "baroque" })).await.expect_error(422, "invalid_value", Some("template"));
    ann.patch(&path, json!({ "title": "x".repeat(201) })).await.expect_error(422, "too_long", Some("title"));
    // PostgreSQL stores no NUL character: it is refused where it stands, for any text.
    ann.patch(&path, json!({ "description": "a\u{0}b" })).await.expect_error(422, "invalid_value", Some("description"));
    assert_eq!(ann.get(&path).await.expect(200).body["title"], "Portfolio");

    let copy = ann.post_empty(&format!("{path}/duplicate")).await.expect(201).body;
    assert_eq!(copy["title"], "Copy of Portfolio");
    assert_eq!(copy["slug"], "cv-copy");
    assert_eq!(copy["template"], "developer");

    ann.delete(&path).await.expect(204);
    let list_path = format!("/api/v1/workspaces/{}/portfolios", workspace["id"].as_str().unwrap());
    let live = ann.get(&list_path).await.expect(200).body;
    assert!(live.as_array().unwrap().iter().all(|portfolio| portfolio["id"] != id));
    let trash = ann.get(&format!("{list_path}?trashed=true")).await.expect(200).body;
    assert_eq!(trash.as_array().unwrap().len(), 1);
    assert_eq!(trash[0]["id"], id);
    ann.put(&format!("{path}/document"), json!({ "base_revision": 1, "document": text_document("x") }))
        .await
        .expect_error(404, "not_found", None);

    let restored = ann.post_empty(&format!("{path}/restore")).await.expect(200).body;
    assert!(restored.get("deleted_at").is_none());
    ann.post_empty(&format!("{path}/restore")).await.expect_error(409, "not_in_trash", None);
    assert_eq!(ann.get(&list_path).await.body.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn portfolios_start_blank_from_a_template_or_from_a_document() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let blank = create_portfolio(&app, &ann, json!({ "title": "Blank", "template": "creative" })).await;
    let document = ann.get(&format!("/api/v1/portfolios/{}/document", blank["id"].as_str().unwrap())).await;
    assert_eq!(document.body["document"]["sections"], json!([]));
    assert_eq!(document.body["document"]["style"]["heading_font"], "playfair_display");

    let sample =
        create_portfolio(&app, &ann, json!({ "title": "Sample", "template": "modern", "start_with": "sample" })).await;
    let document = ann.get(&format!("/api/v1/portfolios/{}/document", sample["id"].as_str().unwrap())).await;
    assert!(document.body["document"]["sections"].as_array().unwrap().len() >= 6);

    let posted =
        create_portfolio(&app, &ann, json!({ "title": "Posted", "document": text_document("<p>Hi</p>") })).await;
    let document = ann.get(&format!("/api/v1/portfolios/{}/document", posted["id"].as_str().unwrap())).await;
    assert_eq!(document.body["document"]["sections"][0]["body"], "<p>Hi</p>");
    assert!(document.body["document"]["sections"][0].get("title").is_none(), "absent values are left out");
}

#[tokio::test]
async fn invalid_documents_are_refused_with_every_error_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let workspace = app.personal_workspace(&ann).await["id"].as_str().unwrap().to_owned();
    let create = format!("/api/v1/workspaces/{workspace}/portfolios");
    let before = stored_portfolios(&app.db).await;

    let reply = ann
        .post(
            &create,
            json!({ "title": "Bad", "document": {
                "schema_version": 2,
                "style": {"colors": {"primary": "red;}</style><script>alert(1)</script>", "text": "#000",
                          "background": "#fff", "accent": "#000", "muted": "#000"},
                          "heading_font": "inter", "body_font": "inter", "base_font_size": 16,
                          "spacing": "normal", "layout_width": "normal"},
                "sections": [
                    {"type": "marquee", "id": "m"},
                    {"type": "projects", "id": "p", "items": [{"id": "p1", "name": "X", "url": "javascript:alert(1)"}]},
                    {"type": "experience", "id": "e", "items": [
                        {"id": "e1", "role": "", "organisation": "ACME", "start": "2020", "end": "2019"}]},
                    {"type": "text", "id": "t", "body": "<a href=\"javascript:alert(1)\">x</a>"}
                ]
            }}),
        )
        .await;
    reply.expect_error(422, "invalid_document", None);
    let problems: Vec<(String, String)> = reply.body["error"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|problem| (problem["field"].as_str().unwrap().to_owned(), problem["code"].as_str().unwrap().to_owned()))
        .collect();
    for expected in [
        ("document.style.colors.primary", "invalid_value"),
        ("document.sections[0].type", "unknown_section_type"),
        ("document.sections[1].items[0].url", "invalid_value"),
        ("document.sections[2].items[0].role", "required"),
        ("document.sections[2].items[0].end", "end_before_start"),
        ("document.sections[3].body", "invalid_value"),
    ] {
        assert!(
            problems.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} missing in {problems:?}"
        );
    }
    ann.post(&create, json!({ "title": "Bad", "document": {"schema_version": 2} })).await.expect_error(
        422,
        "invalid_document",
        Some("document.sections"),
    );
    ann.post(&create, json!({ "title": "Bad", "document": {"schema_version": 7, "sections": []} })).await.expect_error(
        422,
        "invalid_document",
        Some("document.schema_version"),
    );
    ann.post(&create, json!({ "title": "Bad", "template": "baroque" })).await.expect_error(
        422,
        "invalid_value",
        Some("template"),
    );
    ann.post(&create, json!({ "title": "Bad", "extra": 1 })).await.expect_error(422, "unknown_field", Some("extra"));
    ann.post_raw(&create, "{\"title\": ").await.expect_error(400, "malformed_json", None);
    assert_eq!(stored_portfolios(&app.db).await, before);
}

#[tokio::test]
async fn a_save_must_name_the_latest_revision() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let id = create_portfolio(&app, &ann, json!({ "title": "CV" })).await["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/portfolios/{id}/document");
    let current = ann.get(&path).await.expect(200);
    assert_eq!(current.headers["etag"], "\"1\"");

    let saved = ann.put(&path, json!({ "base_revision": 1, "document": text_document("<p>one</p>") })).await;
    assert_eq!(saved.expect(200).body["revision"], 2);
    let stale = ann.put(&path, json!({ "base_revision": 1, "document": text_document("<p>lost?</p>") })).await;
    stale.expect_error(409, "stale_revision", None);
    assert_eq!(stale.body["error"]["current_revision"], 2);
    assert_eq!(ann.get(&path).await.body["document"]["sections"][0]["body"], "<p>one</p>");

    let with_header = ann
        .send(ann.client.put(format!("{}{path}", ann.base)).header("If-Match", "\"2\"").json(&json!({
            "document": text_document("<p>two</p>")
        })))
        .await;
    assert_eq!(with_header.expect(200).body["revision"], 3);
    ann.put(&path, json!({ "document": text_document("<p>x</p>") })).await.expect_error(
        422,
        "missing_field",
        Some("base_revision"),
    );
    let invalid = ann.put(&path, json!({ "base_revision": 3, "document": text_document("<script>x</script>") })).await;
    invalid.expect_error(422, "invalid_document", Some("document.sections[0].body"));
    assert_eq!(ann.get(&path).await.body["revision"], 3);
}

#[tokio::test]
async fn of_two_saves_from_one_revision_exactly_one_wins_and_no_version_is_lost() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let id = create_portfolio(&app, &ann, json!({ "title": "CV" })).await["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/portfolios/{id}/document");
    let other = app.browser();
    other.post("/api/v1/auth/login", json!({ "email": "ann@example.com", "password": crate::helpers::PASSWORD })).await;

    for round in 1..=5 {
        let base = ann.get(&path).await.body["revision"].as_i64().unwrap();
        let (first, second) = tokio::join!(
            ann.put(&path, json!({ "base_revision": base, "document": text_document(&format!("<p>a{round}</p>")) })),
            other.put(&path, json!({ "base_revision": base, "document": text_document(&format!("<p>b{round}</p>")) })),
        );
        let mut statuses = [first.status, second.status];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "round {round}: {} / {}", first.body, second.body);
        let winner = if first.status == 200 { format!("<p>a{round}</p>") } else { format!("<p>b{round}</p>") };
        let now = ann.get(&path).await.body;
        assert_eq!(now["revision"], base + 1);
        assert_eq!(now["document"]["sections"][0]["body"], winner.as_str());
        // The winning document is in the history (its latest version holds it).
        let versions = ann.get(&format!("/api/v1/portfolios/{id}/versions")).await.body;
        let latest = ann.get(&format!("/api/v1/versions/{}", versions[0]["id"].as_str().unwrap())).await.body;
        assert_eq!(latest["revision"], base + 1);
        assert_eq!(latest["document"]["sections"][0]["body"], winner.as_str());
    }
}

#[tokio::test]
async fn edits_coalesce_publishing_freezes_and_a_restore_is_a_new_revision() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let id = create_portfolio(&app, &ann, json!({ "title": "CV" })).await["id"].as_str().unwrap().to_owned();
    let document = format!("/api/v1/portfolios/{id}/document");
    let versions = format!("/api/v1/portfolios/{id}/versions");
    for (base, text) in [(1, "<p>draft 1</p>"), (2, "<p>draft 2</p>"), (3, "<p>draft 3</p>")] {
        ann.put(&document, json!({ "base_revision": base, "document": text_document(text) })).await.expect(200);
    }
    let list = ann.get(&versions).await.expect(200).body;
    let kinds: Vec<&str> = list.as_array().unwrap().iter().map(|version| version["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["edit", "created"], "three quick saves by one author are one version");
    assert_eq!(list[0]["revision"], 4);

    let published = ann.post_empty(&format!("/api/v1/portfolios/{id}/publish")).await.expect(200).body;
    assert_eq!(published["status"], "published");
    assert_eq!(published["published_revision"], 4);
    assert_eq!(published["has_unpublished_changes"], false);
    ann.put(&document, json!({ "base_revision": 4, "document": text_document("<p>after</p>") })).await.expect(200);
    let after = ann.get(&format!("/api/v1/portfolios/{id}")).await.body;
    assert_eq!(after["published_revision"], 4, "later edits are drafts");
    assert_eq!(after["has_unpublished_changes"], true);
    let kinds: Vec<String> = ann
        .get(&versions)
        .await
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|version| version["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["edit", "publish", "edit", "created"], "an edit after a publish starts a new version");

    let first = ann.get(&versions).await.body.as_array().unwrap().last().unwrap()["id"].as_str().unwrap().to_owned();
    let restored = ann.post_empty(&format!("/api/v1/versions/{first}/restore")).await.expect(200).body;
    assert_eq!(restored["revision"], 6);
    let now = ann.get(&document).await.body;
    assert_eq!(now["document"]["sections"], json!([]));
    let list = ann.get(&versions).await.body;
    assert_eq!(list[0]["kind"], "restore");
    assert_eq!(list[0]["restored_from"], first.as_str());
    assert_eq!(list.as_array().unwrap().len(), 5, "nothing is lost");

    let unpublished = ann.post_empty(&format!("/api/v1/portfolios/{id}/unpublish")).await.expect(200).body;
    assert_eq!(unpublished["status"], "draft");
}

#[tokio::test]
async fn viewers_read_but_cannot_change() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let (vic, _) = app.signed_in("vic@example.com", "Vic").await;
    let workspace = app.personal_workspace(&ann).await["id"].as_str().unwrap().to_owned();
    ann.post(
        &format!("/api/v1/workspaces/{workspace}/invitations"),
        json!({"email": "vic@example.com", "role": "viewer"}),
    )
    .await
    .expect(201);
    let token = vitrine_testing::token_in(&app.db.last_email("vic@example.com").await.text);
    vic.post("/api/v1/invitations/accept", json!({ "token": token })).await.expect(200);
    let id = create_portfolio(&app, &ann, json!({ "title": "CV" })).await["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/portfolios/{id}");
    vic.get(&path).await.expect(200);
    vic.get(&format!("{path}/document")).await.expect(200);
    vic.put(&format!("{path}/document"), json!({ "base_revision": 1, "document": text_document("x") }))
        .await
        .expect_error(403, "insufficient_role", None);
    vic.post_empty(&format!("{path}/publish")).await.expect_error(403, "insufficient_role", None);
    vic.delete(&path).await.expect_error(403, "insufficient_role", None);
    vic.post(&format!("/api/v1/workspaces/{workspace}/portfolios"), json!({ "title": "Mine" })).await.expect_error(
        403,
        "insufficient_role",
        None,
    );
}

#[tokio::test]
async fn templates_are_listed_previewed_and_saved_by_a_workspace() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let builtin = ann.get("/api/v1/templates").await.expect(200).body;
    let ids: Vec<&str> = builtin.as_array().unwrap().iter().map(|template| template["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["minimal", "modern", "creative", "developer"]);
    for template in builtin.as_array().unwrap() {
        let preview = ann.get(template["preview_url"].as_str().unwrap()).await.expect(200);
        let html = preview.body.as_str().unwrap();
        assert!(html.contains(&format!("theme-{}", template["id"].as_str().unwrap())));
        assert!(html.contains("noindex"));
        let thumbnail = ann
            .client
            .get(format!("{}{}", ann.base, template["thumbnail_url"].as_str().unwrap()))
            .send()
            .await
            .unwrap();
        assert_eq!(thumbnail.headers()["content-type"], "image/png");
        assert!(thumbnail.bytes().await.unwrap().starts_with(b"\x89PNG"));
    }
    ann.get("/api/v1/templates/baroque/preview").await.expect_error(404, "not_found", None);

    let workspace = app.personal_workspace(&ann).await["id"].as_str().unwrap().to_owned();
    let source =
        create_portfolio(&app, &ann, json!({ "title": "Source", "template": "developer", "start_with": "sample" }))
            .await;
    let saved = ann
        .post(
            &format!("/api/v1/portfolios/{}/save-as-template", source["id"].as_str().unwrap()),
            json!({ "name": "House style" }),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(saved["kind"], "workspace");
    assert_eq!(saved["template"], "developer");
    let listed = ann.get(&format!("/api/v1/workspaces/{workspace}/templates")).await.expect(200).body;
    assert_eq!(listed.as_array().unwrap().len(), 5);
    assert_eq!(listed[4]["name"], "House style");
    let preview = ann.get(saved["preview_url"].as_str().unwrap()).await.expect(200);
    assert!(preview.body.as_str().unwrap().contains("theme-developer"));

    let from_saved = create_portfolio(
        &app,
        &ann,
        json!({ "title": "From saved", "workspace_template_id": saved["id"].as_str().unwrap() }),
    )
    .await;
    assert_eq!(from_saved["template"], "developer");
    let document = ann.get(&format!("/api/v1/portfolios/{}/document", from_saved["id"].as_str().unwrap())).await;
    let original = ann.get(&format!("/api/v1/portfolios/{}/document", source["id"].as_str().unwrap())).await;
    assert_eq!(document.body["document"], original.body["document"]);

    ann.post(&format!("/api/v1/portfolios/{}/save-as-template", source["id"].as_str().unwrap()), json!({ "name": "" }))
        .await
        .expect_error(422, "invalid_name", Some("name"));
    let template_path = format!("/api/v1/workspaces/{workspace}/templates/{}", saved["id"].as_str().unwrap());
    ann.delete(&template_path).await.expect(204);
    ann.delete(&template_path).await.expect_error(404, "not_found", None);
}

#[tokio::test]
async fn the_document_schema_and_the_preview_renderer() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let schema = ann.get("/api/v1/schema/document").await.expect(200).body;
    assert_eq!(schema["$ref"], "#/$defs/Document");
    for name in ["Document", "PageStyle", "ExperienceSection", "ExperienceItem", "GallerySection"] {
        assert!(schema["$defs"].get(name).is_some(), "{name} is in the schema");
    }
    assert!(!schema.to_string().contains("#/components/schemas"));
    let spec = ann.get("/api/openapi.json").await.expect(200).body;
    assert!(spec["components"]["schemas"].get("Document").is_some(), "the spec describes the document");

    let preview = ann
        .post("/api/v1/render/preview", json!({ "template": "modern", "document": text_document("<p>Hello</p>") }))
        .await
        .expect(200);
    let html = preview.body.as_str().unwrap();
    assert!(html.contains("data-section-id=\"t1\""));
    assert!(html.contains("<p>Hello</p>"));
    assert_eq!(preview.headers["cache-control"], "private, no-store");
    ann.post(
        "/api/v1/render/preview",
        json!({ "template": "modern", "document": {"schema_version": 2, "sections": [
        {"type": "text", "id": "t1"}]} }),
    )
    .await
    .expect_error(422, "invalid_document", Some("document.sections[0].body"));
    app.browser()
        .post("/api/v1/render/preview", json!({ "template": "modern", "document": text_document("x") }))
        .await
        .expect_error(401, "unauthenticated", None);
}

#[tokio::test]
async fn saves_from_two_editors_of_one_person_keep_separate_versions() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let id = create_portfolio(&app, &ann, json!({ "title": "CV" })).await["id"].as_str().unwrap().to_owned();
    let url = format!("{}/api/v1/portfolios/{id}/document", ann.base);
    let save = |editor: &'static str, base: i64, text: &str| {
        ann.client
            .put(&url)
            .header("X-Editor-Id", editor)
            .json(&json!({ "base_revision": base, "document": text_document(text) }))
    };
    for (editor, base, text) in [("tab-a", 1, "a1"), ("tab-a", 2, "a2"), ("tab-b", 3, "b1"), ("tab-a", 4, "a3")] {
        ann.send(save(editor, base, text)).await.expect(200);
    }
    let versions = ann.get(&format!("/api/v1/portfolios/{id}/versions")).await.body;
    let revisions: Vec<i64> =
        versions.as_array().unwrap().iter().map(|version| version["revision"].as_i64().unwrap()).collect();
    assert_eq!(revisions, [5, 4, 3, 1], "tab a's first two saves join; tab b's and tab a's next stand apart");
    let long = "x".repeat(65);
    let reply = ann
        .send(ann.client.put(&url).header("X-Editor-Id", long).json(&json!({
            "base_revision": 5, "document": text_document("y")
        })))
        .await;
    reply.expect_error(400, "invalid_editor_id", Some("X-Editor-Id"));
}
