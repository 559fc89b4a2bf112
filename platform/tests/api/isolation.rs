//! Tenants never see each other: every workspace resource answers 404 to an outsider, exactly
//! as for a resource that does not exist, and nothing changes.

use serde_json::json;
use vitrine_testing::token_in;

use crate::helpers::{TestApp, stored};

#[tokio::test]
async fn another_tenants_user_gets_404_on_every_workspace_resource() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let (eve, _) = app.signed_in("eve@example.com", "Eve").await;
    let (bob, _) = app.signed_in("bob@example.com", "Bob").await;
    let id = app.personal_workspace(&ann).await["id"].as_str().unwrap().to_owned();
    let invitation = ann
        .post(
            &format!("/api/v1/workspaces/{id}/invitations"),
            json!({ "email": "carol@example.com", "role": "viewer" }),
        )
        .await
        .expect(201);
    let invitation_id = invitation.body["id"].as_str().unwrap().to_owned();
    ann.post(&format!("/api/v1/workspaces/{id}/invitations"), json!({ "email": "bob@example.com", "role": "editor" }))
        .await
        .expect(201);
    bob.post(
        "/api/v1/invitations/accept",
        json!({ "token": token_in(&app.db.last_email("bob@example.com").await.text) }),
    )
    .await
    .expect(200);
    let members = ann.get(&format!("/api/v1/workspaces/{id}/members")).await.body;
    let bob_id =
        members.as_array().unwrap().iter().find(|member| member["email"] == "bob@example.com").unwrap()["user_id"]
            .as_str()
            .unwrap()
            .to_owned();

    let before = stored(&app.db).await;
    let workspace = format!("/api/v1/workspaces/{id}");
    let replies = [
        eve.get(&workspace).await,
        eve.patch(&workspace, json!({ "name": "Eve's now" })).await,
        eve.get(&format!("{workspace}/members")).await,
        eve.patch(&format!("{workspace}/members/{bob_id}"), json!({ "role": "viewer" })).await,
        eve.delete(&format!("{workspace}/members/{bob_id}")).await,
        eve.get(&format!("{workspace}/invitations")).await,
        eve.post(&format!("{workspace}/invitations"), json!({ "email": "eve2@example.com", "role": "owner" })).await,
        eve.delete(&format!("{workspace}/invitations/{invitation_id}")).await,
    ];
    for reply in replies {
        reply.expect_error(404, "not_found", None);
        assert!(!reply.body.to_string().contains("Ann"), "no data of the other tenant leaks: {}", reply.body);
    }
    let listed = eve.get("/api/v1/workspaces").await.expect(200);
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
    assert_ne!(listed.body[0]["id"], id.as_str());
    assert_eq!(stored(&app.db).await, before);

    // The same answer as for a workspace that does not exist.
    let missing = eve.get(&format!("/api/v1/workspaces/{}", uuid::Uuid::new_v4())).await;
    missing.expect_error(404, "not_found", None);
}

#[tokio::test]
async fn an_outsider_cannot_use_anothers_invitation_id_or_remove_members_through_their_own_workspace() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let (eve, _) = app.signed_in("eve@example.com", "Eve").await;
    let ann_workspace = app.personal_workspace(&ann).await["id"].as_str().unwrap().to_owned();
    let eve_workspace = app.personal_workspace(&eve).await["id"].as_str().unwrap().to_owned();
    let invitation = ann
        .post(
            &format!("/api/v1/workspaces/{ann_workspace}/invitations"),
            json!({ "email": "carol@example.com", "role": "viewer" }),
        )
        .await
        .expect(201);
    let invitation_id = invitation.body["id"].as_str().unwrap();
    let ann_id = ann.get("/api/v1/me").await.body["id"].as_str().unwrap().to_owned();

    // Eve owns her workspace, but Ann's invitation and membership are not in it.
    eve.delete(&format!("/api/v1/workspaces/{eve_workspace}/invitations/{invitation_id}")).await.expect_error(
        404,
        "not_found",
        None,
    );
    eve.delete(&format!("/api/v1/workspaces/{eve_workspace}/members/{ann_id}")).await.expect_error(
        404,
        "not_found",
        None,
    );
    eve.patch(&format!("/api/v1/workspaces/{eve_workspace}/members/{ann_id}"), json!({ "role": "viewer" }))
        .await
        .expect_error(404, "not_found", None);
    assert_eq!(
        ann.get(&format!("/api/v1/workspaces/{ann_workspace}/invitations")).await.body.as_array().unwrap().len(),
        1
    );
    assert_eq!(ann.get(&format!("/api/v1/workspaces/{ann_workspace}")).await.body["role"], "owner");
}

#[tokio::test]
async fn another_tenants_user_gets_404_on_every_portfolio_resource() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let (eve, _) = app.signed_in("eve@example.com", "Eve").await;
    let workspace = app.personal_workspace(&ann).await["id"].as_str().unwrap().to_owned();
    let portfolio = crate::helpers::create_portfolio(
        &app,
        &ann,
        json!({ "title": "Ann's secret plans", "start_with": "sample", "template": "modern" }),
    )
    .await;
    let id = portfolio["id"].as_str().unwrap().to_owned();
    let version =
        ann.get(&format!("/api/v1/portfolios/{id}/versions")).await.body[0]["id"].as_str().unwrap().to_owned();
    let template = ann
        .post(&format!("/api/v1/portfolios/{id}/save-as-template"), json!({ "name": "Ann's template" }))
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    ann.put(&format!("/api/v1/portfolios/{id}/access"), json!({ "mode": "secret_link" })).await.expect(200);

    let before = crate::helpers::stored_portfolios(&app.db).await;
    let portfolio_path = format!("/api/v1/portfolios/{id}");
    // All Ann sees of it: title, access and its secret, publishing, primary, document, versions.
    let seen_by_ann = async || {
        let mut seen = Vec::new();
        for path in [portfolio_path.clone(), format!("{portfolio_path}/document"), format!("{portfolio_path}/versions")]
        {
            seen.push(ann.get(&path).await.expect(200).body);
        }
        seen
    };
    let ann_saw = seen_by_ann().await;
    let document = json!({"schema_version": 2, "sections": []});
    let replies = [
        eve.get(&format!("/api/v1/workspaces/{workspace}/portfolios")).await,
        eve.get(&format!("/api/v1/workspaces/{workspace}/portfolios?trashed=true")).await,
        eve.post(&format!("/api/v1/workspaces/{workspace}/portfolios"), json!({ "title": "Eve's" })).await,
        eve.get(&portfolio_path).await,
        eve.patch(&portfolio_path, json!({ "title": "Eve's now" })).await,
        eve.delete(&portfolio_path).await,
        eve.post_empty(&format!("{portfolio_path}/restore")).await,
        eve.post_empty(&format!("{portfolio_path}/duplicate")).await,
        eve.get(&format!("{portfolio_path}/document")).await,
        eve.put(&format!("{portfolio_path}/document"), json!({ "base_revision": 1, "document": document })).await,
        eve.post_empty(&format!("{portfolio_path}/publish")).await,
        eve.post_empty(&format!("{portfolio_path}/unpublish")).await,
        eve.post_empty(&format!("{portfolio_path}/make-primary")).await,
        eve.put(&format!("{portfolio_path}/access"), json!({ "mode": "public" })).await,
        eve.post_empty(&format!("{portfolio_path}/access/rotate-secret")).await,
        eve.get(&format!("{portfolio_path}/versions")).await,
        eve.post(&format!("{portfolio_path}/save-as-template"), json!({ "name": "stolen" })).await,
        eve.get(&format!("/api/v1/versions/{version}")).await,
        eve.post_empty(&format!("/api/v1/versions/{version}/restore")).await,
        eve.get(&format!("/api/v1/workspaces/{workspace}/templates")).await,
        eve.get(&format!("/api/v1/workspaces/{workspace}/templates/{template}/preview")).await,
        eve.delete(&format!("/api/v1/workspaces/{workspace}/templates/{template}")).await,
    ];
    for reply in replies {
        reply.expect_error(404, "not_found", None);
        let text = reply.body.to_string();
        assert!(!text.contains("Ann") && !text.contains("Maya"), "no data of the other tenant leaks: {text}");
    }
    // Eve's own workspace template list has only the built-in ones.
    let eve_workspace = app.personal_workspace(&eve).await["id"].as_str().unwrap().to_owned();
    let eve_templates = eve.get(&format!("/api/v1/workspaces/{eve_workspace}/templates")).await.expect(200);
    assert_eq!(eve_templates.body.as_array().unwrap().len(), 4);
    // A template of another workspace cannot seed a portfolio.
    eve.post(
        &format!("/api/v1/workspaces/{eve_workspace}/portfolios"),
        json!({ "title": "Copy", "workspace_template_id": template }),
    )
    .await
    .expect_error(422, "unknown_template", Some("workspace_template_id"));
    assert_eq!(crate::helpers::stored_portfolios(&app.db).await, before);
    assert_eq!(seen_by_ann().await, ann_saw);
    assert_eq!(ann_saw[0]["title"], "Ann's secret plans");
}
