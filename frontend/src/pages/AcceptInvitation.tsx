import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { unwrap } from '../api/errors';
import { FormError, useAction } from '../components/Form';
import { AuthCard } from '../components/Layout';
import { nextFrom } from '../next';
import { useSession } from '../session';

export function AcceptInvitation() {
  const [params] = useSearchParams();
  const { user, loading, refresh, chooseWorkspace } = useSession();
  const navigate = useNavigate();
  const token = params.get('token') ?? '';
  const accept = useAction(async () => {
    const workspace = await unwrap(api.POST('/api/v1/invitations/accept', { body: { token } }));
    await refresh();
    chooseWorkspace(workspace.id);
    navigate(`/workspaces/${workspace.id}/members`);
  });

  if (loading) return null;
  const next = encodeURIComponent(nextFrom('/invitations/accept', `?token=${encodeURIComponent(token)}`));
  if (!user) {
    return (
      <AuthCard title="You are invited">
        <p>Someone invited you to a workspace on Vitrine. Sign in, or create an account with the address the invitation was sent to, to accept it.</p>
        <div className="button-row">
          <Link className="button button-primary" to={`/login?next=${next}`}>
            Sign in
          </Link>
          <Link className="button" to={`/signup?next=${next}`}>
            Create an account
          </Link>
        </div>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="You are invited">
      <p>
        Join the workspace as <strong>{user.full_name}</strong> ({user.email}).
      </p>
      <FormError error={accept.error} />
      <button type="button" className="button button-primary" onClick={() => void accept.run()} disabled={accept.running}>
        Accept invitation
      </button>
    </AuthCard>
  );
}
