import { Link } from 'react-router';
import { AppShell } from '../components/Layout';
import { CreateWorkspace } from '../components/CreateWorkspace';
import { Portfolios } from '../components/Portfolios';
import { useSession } from '../session';

export function Home() {
  const { user, current } = useSession();
  const firstName = user?.full_name.split(' ')[0] ?? '';
  return (
    <AppShell title={`Welcome, ${firstName}`}>
      {current && (
        <section className="card" aria-labelledby="workspace-title">
          <h2 id="workspace-title">{current.name}</h2>
          <p className="muted">
            Your address: <code>{current.handle}</code> · your role: {current.role} ·{' '}
            <Link to={`/workspaces/${current.id}/members`}>Invite people to this workspace</Link>
          </p>
          <Portfolios key={current.id} workspace={current} />
        </section>
      )}
      <section className="card" aria-labelledby="new-workspace">
        <h2 id="new-workspace">A new workspace</h2>
        <p className="muted">A workspace has its own address, portfolios and members: one for a studio, a team or a client.</p>
        <CreateWorkspace />
      </section>
    </AppShell>
  );
}
