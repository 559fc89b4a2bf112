//! Workspaces (the tenants), their members and invitations. Another tenant's workspace answers
//! 404, like one that does not exist.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;
use vitrine_core::accounts::UserId;
use vitrine_core::workspaces::{self, WorkspaceId};

use super::ApiTags;
use super::auth::NoContent;
use crate::State;
use crate::error::ApiResult;
use crate::payload::ApiJson;
use crate::session::Session;

pub struct WorkspacesApi {
    pub state: Arc<State>,
}

#[derive(Debug, Clone, Copy, Enum, Deserialize)]
#[oai(rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Editor,
    Viewer,
}

impl From<workspaces::Role> for Role {
    fn from(role: workspaces::Role) -> Self {
        match role {
            workspaces::Role::Owner => Role::Owner,
            workspaces::Role::Editor => Role::Editor,
            workspaces::Role::Viewer => Role::Viewer,
        }
    }
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }
}

#[derive(Debug, Object)]
#[oai(rename = "Workspace")]
pub struct WorkspaceView {
    id: Uuid,
    /// The workspace's subdomain
    handle: String,
    name: String,
    /// The caller's role in it
    role: Role,
    created_at: DateTime<Utc>,
}

impl From<workspaces::Workspace> for WorkspaceView {
    fn from(workspace: workspaces::Workspace) -> Self {
        WorkspaceView {
            id: workspace.id.0,
            handle: workspace.handle,
            name: workspace.name,
            role: workspace.role.into(),
            created_at: workspace.created_at,
        }
    }
}

#[derive(Debug, Object)]
#[oai(rename = "Member")]
pub struct MemberView {
    user_id: Uuid,
    email: String,
    full_name: String,
    role: Role,
    joined_at: DateTime<Utc>,
}

impl From<workspaces::Member> for MemberView {
    fn from(member: workspaces::Member) -> Self {
        MemberView {
            user_id: member.user_id.0,
            email: member.email,
            full_name: member.full_name,
            role: member.role.into(),
            joined_at: member.joined_at,
        }
    }
}

#[derive(Debug, Object)]
#[oai(rename = "Invitation")]
pub struct InvitationView {
    id: Uuid,
    email: String,
    role: Role,
    /// Name of the member who sent it
    invited_by: String,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

impl From<workspaces::Invitation> for InvitationView {
    fn from(invitation: workspaces::Invitation) -> Self {
        InvitationView {
            id: invitation.id,
            email: invitation.email,
            role: invitation.role.into(),
            invited_by: invitation.invited_by,
            created_at: invitation.created_at,
            expires_at: invitation.expires_at,
        }
    }
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkspaceRequest {
    /// 3–40 lowercase letters, digits and hyphens
    handle: String,
    name: String,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateWorkspaceRequest {
    #[serde(default)]
    handle: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeRoleRequest {
    role: Role,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    email: String,
    role: Role,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitationRequest {
    /// The token from the invitation email
    token: String,
}

#[derive(ApiResponse)]
pub enum WorkspaceCreated {
    #[oai(status = 201)]
    Created(Json<WorkspaceView>),
}

#[derive(ApiResponse)]
pub enum InvitationCreated {
    /// The invitation is stored and its email is on its way
    #[oai(status = 201)]
    Created(Json<InvitationView>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Workspaces")]
impl WorkspacesApi {
    /// The workspaces the caller belongs to
    #[oai(path = "/workspaces", method = "get", operation_id = "listWorkspaces")]
    async fn list(&self, session: Session) -> ApiResult<Json<Vec<WorkspaceView>>> {
        let list = workspaces::list(&self.state.pool, session.user.id).await?;
        Ok(Json(list.into_iter().map(Into::into).collect()))
    }

    /// Create a workspace; the caller becomes its owner
    #[oai(path = "/workspaces", method = "post", operation_id = "createWorkspace")]
    async fn create(&self, session: Session, body: ApiJson<CreateWorkspaceRequest>) -> ApiResult<WorkspaceCreated> {
        let workspace = workspaces::create(&self.state.pool, session.user.id, &body.0.handle, &body.0.name).await?;
        Ok(WorkspaceCreated::Created(Json(workspace.into())))
    }

    #[oai(path = "/workspaces/:workspace_id", method = "get", operation_id = "getWorkspace")]
    async fn get(&self, session: Session, workspace_id: Path<Uuid>) -> ApiResult<Json<WorkspaceView>> {
        let workspace = workspaces::get(&self.state.pool, WorkspaceId(workspace_id.0), session.user.id).await?;
        Ok(Json(workspace.into()))
    }

    /// Rename the workspace or change its handle (owners)
    #[oai(path = "/workspaces/:workspace_id", method = "patch", operation_id = "updateWorkspace")]
    async fn update(
        &self,
        session: Session,
        workspace_id: Path<Uuid>,
        body: ApiJson<UpdateWorkspaceRequest>,
    ) -> ApiResult<Json<WorkspaceView>> {
        let workspace = workspaces::update(
            &self.state.pool,
            WorkspaceId(workspace_id.0),
            session.user.id,
            body.0.handle.as_deref(),
            body.0.name.as_deref(),
        )
        .await?;
        Ok(Json(workspace.into()))
    }

    #[oai(path = "/workspaces/:workspace_id/members", method = "get", operation_id = "listMembers")]
    async fn members(&self, session: Session, workspace_id: Path<Uuid>) -> ApiResult<Json<Vec<MemberView>>> {
        let members = workspaces::members(&self.state.pool, WorkspaceId(workspace_id.0), session.user.id).await?;
        Ok(Json(members.into_iter().map(Into::into).collect()))
    }

    /// Change a member's role (owners); a workspace keeps at least one owner
    #[oai(path = "/workspaces/:workspace_id/members/:user_id", method = "patch", operation_id = "changeMemberRole")]
    async fn change_role(
        &self,
        session: Session,
        workspace_id: Path<Uuid>,
        user_id: Path<Uuid>,
        body: ApiJson<ChangeRoleRequest>,
    ) -> ApiResult<Json<MemberView>> {
        let member = workspaces::change_role(
            &self.state.pool,
            WorkspaceId(workspace_id.0),
            session.user.id,
            UserId(user_id.0),
            body.0.role.as_str(),
        )
        .await?;
        Ok(Json(member.into()))
    }

    /// Remove a member (owners), or leave (anyone, for themselves)
    #[oai(path = "/workspaces/:workspace_id/members/:user_id", method = "delete", operation_id = "removeMember")]
    async fn remove_member(
        &self,
        session: Session,
        workspace_id: Path<Uuid>,
        user_id: Path<Uuid>,
    ) -> ApiResult<NoContent> {
        workspaces::remove_member(&self.state.pool, WorkspaceId(workspace_id.0), session.user.id, UserId(user_id.0))
            .await?;
        Ok(NoContent::Done)
    }

    /// Pending invitations
    #[oai(path = "/workspaces/:workspace_id/invitations", method = "get", operation_id = "listInvitations")]
    async fn invitations(&self, session: Session, workspace_id: Path<Uuid>) -> ApiResult<Json<Vec<InvitationView>>> {
        let list = workspaces::invitations(&self.state.pool, WorkspaceId(workspace_id.0), session.user.id).await?;
        Ok(Json(list.into_iter().map(Into::into).collect()))
    }

    /// Invite someone by email (owners)
    #[oai(path = "/workspaces/:workspace_id/invitations", method = "post", operation_id = "invite")]
    async fn invite(
        &self,
        session: Session,
        workspace_id: Path<Uuid>,
        body: ApiJson<InviteRequest>,
    ) -> ApiResult<InvitationCreated> {
        let invitation = workspaces::invite(
            &self.state.pool,
            &self.state.links,
            WorkspaceId(workspace_id.0),
            &session.user,
            &body.0.email,
            body.0.role.as_str(),
        )
        .await?;
        Ok(InvitationCreated::Created(Json(invitation.into())))
    }

    /// Withdraw a pending invitation (owners)
    #[oai(
        path = "/workspaces/:workspace_id/invitations/:invitation_id",
        method = "delete",
        operation_id = "revokeInvitation"
    )]
    async fn revoke(
        &self,
        session: Session,
        workspace_id: Path<Uuid>,
        invitation_id: Path<Uuid>,
    ) -> ApiResult<NoContent> {
        workspaces::revoke_invitation(&self.state.pool, WorkspaceId(workspace_id.0), session.user.id, invitation_id.0)
            .await?;
        Ok(NoContent::Done)
    }

    /// Join the workspace an emailed invitation is for
    #[oai(path = "/invitations/accept", method = "post", operation_id = "acceptInvitation")]
    async fn accept(&self, session: Session, body: ApiJson<AcceptInvitationRequest>) -> ApiResult<Json<WorkspaceView>> {
        let workspace = workspaces::accept_invitation(&self.state.pool, session.user.id, &body.0.token).await?;
        Ok(Json(workspace.into()))
    }
}
