//! Workspaces, members, roles and invitations.

use serde_json::{Value, json};
use vitrine_testing::token_in;

use crate::helpers::{Browser, TestApp, stored};

/// Ann owns a workspace and Bob joins it as `role` through an emailed invitation.
async fn ann_invites_bob(app: &TestApp, role: &str) -> (Browser, Browser, String) {
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let (bob, _) = app.signed_in("bob@example.com", "Bob").await;
    let id = app.personal_workspace(&ann).await["id"].as_str().unwrap().to_owned();
    ann.post(&format!("/api/v1/workspaces/{id}/invitations"), json!({ "email": "bob@example.com", "role": role }))
        .await
        .expect(201);
    let token = token_in(&app.db.last_email("bob@example.com").await.text);
    bob.post("/api/v1/invitations/accept", json!({ "token": token })).await.expect(200);
    (ann, bob, id)
}

fn user_id(member_list: &Value, email: &str) -> String {
    member_list
        .as_array()
        .unwrap()
        .iter()
        .find(|member| member["email"] == email)
        .unwrap_or_else(|| panic!("{email} is not listed: {member_list}"))["user_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn sign_up_makes_a_personal_workspace_with_a_handle_from_the_name() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann Lee").await;
    let (other, _) = app.signed_in("ann2@example.com", "Ann Lee").await;
    let first = app.personal_workspace(&ann).await;
    let second = app.personal_workspace(&other).await;
    assert_eq!(first["handle"], "ann-lee");
    assert_eq!(second["handle"], "ann-lee-2");
    assert_eq!(first["role"], "owner");
    assert_eq!(first["name"], "Ann Lee's workspace");
}

#[tokio::test]
async fn workspaces_are_created_with_valid_free_handles_and_renamed_by_owners() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let created =
        ann.post("/api/v1/workspaces", json!({ "handle": "ann-studio", "name": "Ann's Studio" })).await.expect(201);
    assert_eq!(created.body["role"], "owner");
    let id = created.body["id"].as_str().unwrap();
    ann.get(&format!("/api/v1/workspaces/{id}")).await.expect(200);
    assert_eq!(ann.get("/api/v1/workspaces").await.body.as_array().unwrap().len(), 2);

    let before = stored(&app.db).await;
    for (handle, code) in [
        ("www", "reserved_handle"),
        ("ops", "reserved_handle"),
        ("Ann", "invalid_handle"),
        ("ab", "invalid_handle"),
        ("-ann", "invalid_handle"),
    ] {
        ann.post("/api/v1/workspaces", json!({ "handle": handle, "name": "X" })).await.expect_error(
            422,
            code,
            Some("handle"),
        );
    }
    ann.post("/api/v1/workspaces", json!({ "handle": "ann-studio", "name": "Again" })).await.expect_error(
        409,
        "handle_taken",
        Some("handle"),
    );
    ann.post("/api/v1/workspaces", json!({ "handle": "fine-handle", "name": "" })).await.expect_error(
        422,
        "required",
        Some("name"),
    );
    assert_eq!(stored(&app.db).await, before);

    let renamed = ann
        .patch(&format!("/api/v1/workspaces/{id}"), json!({ "name": "Studio Ann", "handle": "studio-ann" }))
        .await
        .expect(200);
    assert_eq!(
        (renamed.body["name"].as_str(), renamed.body["handle"].as_str()),
        (Some("Studio Ann"), Some("studio-ann"))
    );
    let personal = app.personal_workspace(&ann).await;
    let taken = ann.patch(&format!("/api/v1/workspaces/{id}"), json!({ "handle": personal["handle"] })).await;
    taken.expect_error(409, "handle_taken", Some("handle"));
    ann.get("/api/v1/workspaces/not-a-uuid").await.expect_error(404, "not_found", None);
}

#[tokio::test]
async fn an_invited_person_joins_with_the_offered_role_and_the_link_works_once() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let (bob, _) = app.signed_in("bob@example.com", "Bob").await;
    let id = app.personal_workspace(&ann).await["id"].as_str().unwrap().to_owned();
    let invitation = ann
        .post(&format!("/api/v1/workspaces/{id}/invitations"), json!({ "email": "Bob@Example.com", "role": "editor" }))
        .await
        .expect(201);
    assert_eq!(invitation.body["invited_by"], "Ann");
    let email = app.db.last_email("bob@example.com").await;
    assert!(email.subject.contains("Ann invited you"), "{}", email.subject);
    let pending = ann.get(&format!("/api/v1/workspaces/{id}/invitations")).await.expect(200);
    assert_eq!(pending.body.as_array().unwrap().len(), 1);

    let token = token_in(&email.text);
    let joined = bob.post("/api/v1/invitations/accept", json!({ "token": token })).await.expect(200);
    assert_eq!((joined.body["id"].as_str(), joined.body["role"].as_str()), (Some(id.as_str()), Some("editor")));
    bob.post("/api/v1/invitations/accept", json!({ "token": token })).await.expect_error(
        422,
        "invalid_token",
        Some("token"),
    );
    let members = ann.get(&format!("/api/v1/workspaces/{id}/members")).await.expect(200);
    assert_eq!(members.body.as_array().unwrap().len(), 2);
    assert!(ann.get(&format!("/api/v1/workspaces/{id}/invitations")).await.body.as_array().unwrap().is_empty());
    ann.post(&format!("/api/v1/workspaces/{id}/invitations"), json!({ "email": "bob@example.com", "role": "viewer" }))
        .await
        .expect_error(409, "already_member", Some("email"));
}

#[tokio::test]
async fn bad_invitations_are_refused_and_expired_ones_cannot_be_accepted() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let (bob, _) = app.signed_in("bob@example.com", "Bob").await;
    let id = app.personal_workspace(&ann).await["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/workspaces/{id}/invitations");
    let before = stored(&app.db).await;
    ann.post(&path, json!({ "email": "nope", "role": "editor" })).await.expect_error(
        422,
        "invalid_email",
        Some("email"),
    );
    ann.post(&path, json!({ "email": "c@example.com", "role": "admin" })).await.expect_error(
        422,
        "invalid_value",
        Some("role"),
    );
    ann.post(&path, json!({ "email": "c@example.com" })).await.expect_error(422, "missing_field", Some("role"));
    assert_eq!(stored(&app.db).await, before);

    ann.post(&path, json!({ "email": "bob@example.com", "role": "viewer" })).await.expect(201);
    let token = token_in(&app.db.last_email("bob@example.com").await.text);
    sqlx::query("UPDATE invitations SET expires_at = now() - interval '1 second'").execute(&app.db.pool).await.unwrap();
    bob.post("/api/v1/invitations/accept", json!({ "token": token })).await.expect_error(
        422,
        "invalid_token",
        Some("token"),
    );
    assert_eq!(app.db.count("workspace_members").await, 2);
}

#[tokio::test]
async fn a_revoked_invitation_no_longer_works() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let (bob, _) = app.signed_in("bob@example.com", "Bob").await;
    let id = app.personal_workspace(&ann).await["id"].as_str().unwrap().to_owned();
    let invitation = ann
        .post(&format!("/api/v1/workspaces/{id}/invitations"), json!({ "email": "bob@example.com", "role": "viewer" }))
        .await
        .expect(201);
    let token = token_in(&app.db.last_email("bob@example.com").await.text);
    let invitation_id = invitation.body["id"].as_str().unwrap();
    ann.delete(&format!("/api/v1/workspaces/{id}/invitations/{invitation_id}")).await.expect(204);
    ann.delete(&format!("/api/v1/workspaces/{id}/invitations/{invitation_id}")).await.expect_error(
        404,
        "not_found",
        None,
    );
    bob.post("/api/v1/invitations/accept", json!({ "token": token })).await.expect_error(
        422,
        "invalid_token",
        Some("token"),
    );
}

#[tokio::test]
async fn only_owners_invite_rename_change_roles_and_remove_others() {
    let app = TestApp::spawn().await;
    let (ann, bob, id) = ann_invites_bob(&app, "editor").await;
    let members = ann.get(&format!("/api/v1/workspaces/{id}/members")).await.expect(200).body;
    let ann_id = user_id(&members, "ann@example.com");
    let before = stored(&app.db).await;
    bob.post(&format!("/api/v1/workspaces/{id}/invitations"), json!({ "email": "c@example.com", "role": "owner" }))
        .await
        .expect_error(403, "insufficient_role", None);
    bob.patch(&format!("/api/v1/workspaces/{id}"), json!({ "name": "Mine now" })).await.expect_error(
        403,
        "insufficient_role",
        None,
    );
    bob.patch(&format!("/api/v1/workspaces/{id}/members/{ann_id}"), json!({ "role": "viewer" })).await.expect_error(
        403,
        "insufficient_role",
        None,
    );
    bob.delete(&format!("/api/v1/workspaces/{id}/members/{ann_id}")).await.expect_error(403, "insufficient_role", None);
    assert_eq!(stored(&app.db).await, before);
    // Members can still read the workspace.
    bob.get(&format!("/api/v1/workspaces/{id}/members")).await.expect(200);
    bob.get(&format!("/api/v1/workspaces/{id}/invitations")).await.expect(200);
}

#[tokio::test]
async fn roles_change_but_a_workspace_always_keeps_an_owner() {
    let app = TestApp::spawn().await;
    let (ann, bob, id) = ann_invites_bob(&app, "viewer").await;
    let members = ann.get(&format!("/api/v1/workspaces/{id}/members")).await.body;
    let (ann_id, bob_id) = (user_id(&members, "ann@example.com"), user_id(&members, "bob@example.com"));

    ann.patch(&format!("/api/v1/workspaces/{id}/members/{ann_id}"), json!({ "role": "editor" })).await.expect_error(
        409,
        "last_owner",
        None,
    );
    ann.delete(&format!("/api/v1/workspaces/{id}/members/{ann_id}")).await.expect_error(409, "last_owner", None);
    ann.patch(&format!("/api/v1/workspaces/{id}/members/{bob_id}"), json!({ "role": "superuser" })).await.expect_error(
        422,
        "invalid_value",
        Some("role"),
    );

    let promoted =
        ann.patch(&format!("/api/v1/workspaces/{id}/members/{bob_id}"), json!({ "role": "owner" })).await.expect(200);
    assert_eq!(promoted.body["role"], "owner");
    // With a second owner Ann may now leave, and Bob stays as the owner.
    ann.delete(&format!("/api/v1/workspaces/{id}/members/{ann_id}")).await.expect(204);
    ann.get(&format!("/api/v1/workspaces/{id}")).await.expect_error(404, "not_found", None);
    let remaining = bob.get(&format!("/api/v1/workspaces/{id}/members")).await.expect(200);
    assert_eq!(remaining.body.as_array().unwrap().len(), 1);
    bob.delete(&format!("/api/v1/workspaces/{id}/members/{ann_id}")).await.expect_error(404, "not_found", None);
}

#[tokio::test]
async fn a_member_can_leave_and_an_owner_can_remove_members() {
    let app = TestApp::spawn().await;
    let (ann, bob, id) = ann_invites_bob(&app, "editor").await;
    let members = ann.get(&format!("/api/v1/workspaces/{id}/members")).await.body;
    let bob_id = user_id(&members, "bob@example.com");
    bob.delete(&format!("/api/v1/workspaces/{id}/members/{bob_id}")).await.expect(204);
    bob.get(&format!("/api/v1/workspaces/{id}")).await.expect_error(404, "not_found", None);

    ann.post(&format!("/api/v1/workspaces/{id}/invitations"), json!({ "email": "bob@example.com", "role": "viewer" }))
        .await
        .expect(201);
    let token = token_in(&app.db.last_email("bob@example.com").await.text);
    bob.post("/api/v1/invitations/accept", json!({ "token": token })).await.expect(200);
    ann.delete(&format!("/api/v1/workspaces/{id}/members/{bob_id}")).await.expect(204);
    bob.get(&format!("/api/v1/workspaces/{id}/members")).await.expect_error(404, "not_found", None);
}
