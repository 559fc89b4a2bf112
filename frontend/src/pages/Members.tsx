import { useCallback, useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api } from '../api/client';
import type { Invitation, Member, Role, Workspace } from '../api/client';
import { ApiError, unwrap } from '../api/errors';
import { Field, FormError, Notice, text, useAction, useSubmit } from '../components/Form';
import { AppShell } from '../components/Layout';
import { useSession } from '../session';

const ROLES: Role[] = ['owner', 'editor', 'viewer'];

interface WorkspaceState {
  workspace: Workspace;
  members: Member[];
  invitations: Invitation[];
}

async function fetchWorkspace(workspaceId: string): Promise<WorkspaceState> {
  const params = { params: { path: { workspace_id: workspaceId } } };
  const [workspace, members, invitations] = await Promise.all([
    unwrap(api.GET('/api/v1/workspaces/{workspace_id}', params)),
    unwrap(api.GET('/api/v1/workspaces/{workspace_id}/members', params)),
    unwrap(api.GET('/api/v1/workspaces/{workspace_id}/invitations', params)),
  ]);
  return { workspace, members, invitations };
}

export function Members() {
  const { workspaceId = '' } = useParams();
  const { user, refresh } = useSession();
  const navigate = useNavigate();
  const [workspace, setWorkspace] = useState<Workspace | null>(null);
  const [members, setMembers] = useState<Member[]>([]);
  const [invitations, setInvitations] = useState<Invitation[]>([]);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [invited, setInvited] = useState<string | null>(null);
  const path = { params: { path: { workspace_id: workspaceId } } };

  const apply = useCallback((state: WorkspaceState) => {
    setWorkspace(state.workspace);
    setMembers(state.members);
    setInvitations(state.invitations);
    setLoadError(null);
  }, []);

  const load = useCallback(async () => apply(await fetchWorkspace(workspaceId)), [apply, workspaceId]);

  useEffect(() => {
    fetchWorkspace(workspaceId)
      .then(apply)
      .catch((error: ApiError) => setLoadError(error));
  }, [apply, workspaceId]);

  const isOwner = workspace?.role === 'owner';

  const rename = useSubmit(async (form) => {
    await unwrap(
      api.PATCH('/api/v1/workspaces/{workspace_id}', { ...path, body: { name: text(form, 'name'), handle: text(form, 'handle') } }),
    );
    await Promise.all([load(), refresh()]);
  });

  const invite = useSubmit(async (form) => {
    const email = text(form, 'email');
    await unwrap(
      api.POST('/api/v1/workspaces/{workspace_id}/invitations', { ...path, body: { email, role: text(form, 'role') as Role } }),
    );
    setInvited(email);
    await load();
  });

  const changeRole = useAction(async (member: Member, role: Role) => {
    await unwrap(
      api.PATCH('/api/v1/workspaces/{workspace_id}/members/{user_id}', {
        params: { path: { workspace_id: workspaceId, user_id: member.user_id } },
        body: { role },
      }),
    );
    await load();
  });

  const removeMember = useAction(async (member: Member) => {
    const leaving = member.user_id === user?.id;
    const question = leaving ? `Leave ${workspace?.name}?` : `Remove ${member.full_name} from ${workspace?.name}?`;
    if (!window.confirm(question)) return;
    await unwrap(
      api.DELETE('/api/v1/workspaces/{workspace_id}/members/{user_id}', {
        params: { path: { workspace_id: workspaceId, user_id: member.user_id } },
      }),
    );
    if (leaving) {
      await refresh();
      navigate('/');
    } else {
      await load();
    }
  });

  const revoke = useAction(async (invitation: Invitation) => {
    await unwrap(
      api.DELETE('/api/v1/workspaces/{workspace_id}/invitations/{invitation_id}', {
        params: { path: { workspace_id: workspaceId, invitation_id: invitation.id } },
      }),
    );
    await load();
  });

  if (loadError) {
    return (
      <AppShell title="Members">
        <div className="banner banner-error" role="alert">
          {loadError.status === 404 ? 'This workspace does not exist, or you are not a member of it.' : loadError.message}
        </div>
      </AppShell>
    );
  }
  if (!workspace) {
    return (
      <AppShell title="Members">
        <p className="loading" role="status">
          Loading…
        </p>
      </AppShell>
    );
  }
  const actionError = changeRole.error ?? removeMember.error ?? revoke.error;
  return (
    <AppShell title={`Members of ${workspace.name}`}>
      {isOwner && (
        <section className="card" aria-labelledby="workspace-settings">
          <h2 id="workspace-settings">Workspace</h2>
          <form onSubmit={rename.onSubmit} noValidate className="inline-form">
            <FormError error={rename.error} fields={['name', 'handle']} />
            <Field label="Name" name="name" defaultValue={workspace.name} required error={rename.error} />
            <Field label="Handle" name="handle" defaultValue={workspace.handle} required error={rename.error} />
            <button className="button" type="submit" disabled={rename.submitting}>
              Save
            </button>
          </form>
        </section>
      )}

      <section className="card" aria-labelledby="members-title">
        <h2 id="members-title">Members</h2>
        <FormError error={actionError} />
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <tr key={member.user_id}>
                <td data-label="Name">{member.full_name}</td>
                <td data-label="Email">{member.email}</td>
                <td data-label="Role">
                  {isOwner ? (
                    <select
                      aria-label={`Role of ${member.full_name}`}
                      value={member.role}
                      disabled={changeRole.running}
                      onChange={(event) => void changeRole.run(member, event.target.value as Role)}
                    >
                      {ROLES.map((role) => (
                        <option key={role} value={role}>
                          {role}
                        </option>
                      ))}
                    </select>
                  ) : (
                    member.role
                  )}
                </td>
                <td className="actions">
                  {member.user_id === user?.id ? (
                    <button type="button" className="button button-quiet" onClick={() => void removeMember.run(member)}>
                      Leave
                    </button>
                  ) : (
                    isOwner && (
                      <button type="button" className="button button-quiet" onClick={() => void removeMember.run(member)}>
                        Remove
                      </button>
                    )
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="card" aria-labelledby="invitations-title">
        <h2 id="invitations-title">Invitations</h2>
        {invitations.length === 0 ? (
          <p className="muted">No pending invitations.</p>
        ) : (
          <ul className="list">
            {invitations.map((invitation) => (
              <li key={invitation.id}>
                <span>
                  <strong>{invitation.email}</strong> as {invitation.role}
                  <span className="muted"> · invited by {invitation.invited_by}</span>
                </span>
                {isOwner && (
                  <button type="button" className="button button-quiet" onClick={() => void revoke.run(invitation)}>
                    Revoke
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {isOwner && (
          <form onSubmit={invite.onSubmit} noValidate className="inline-form">
            {invited && <Notice>We emailed an invitation to {invited}.</Notice>}
            <FormError error={invite.error} fields={['email', 'role']} />
            <Field label="Email to invite" name="email" type="email" required error={invite.error} />
            <div className="field">
              <label htmlFor="invite-role">Role</label>
              <select id="invite-role" name="role" defaultValue="editor">
                <option value="editor">editor: edits portfolios</option>
                <option value="viewer">viewer: reads only</option>
                <option value="owner">owner: also manages members</option>
              </select>
            </div>
            <button className="button button-primary" type="submit" disabled={invite.submitting}>
              Send invitation
            </button>
          </form>
        )}
      </section>
    </AppShell>
  );
}
