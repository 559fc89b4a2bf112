import type { ReactNode } from 'react';
import { Link, NavLink, useNavigate } from 'react-router';
import { api } from '../api/client';
import { unwrap } from '../api/errors';
import { useSession } from '../session';
import { Bell } from './Bell';

export function Brand() {
  return (
    <Link to="/" className="brand" aria-label="Vitrine home">
      <span className="brand-mark" aria-hidden="true">
        V
      </span>
      Vitrine
    </Link>
  );
}

/** The frame of sign-in, sign-up and the other pages used without a session. */
export function AuthCard({ title, children, footer }: { title: string; children: ReactNode; footer?: ReactNode }) {
  return (
    <main className="auth">
      <Brand />
      <section className="card auth-card" aria-labelledby="page-title">
        <h1 id="page-title">{title}</h1>
        {children}
      </section>
      {footer && <p className="auth-footer">{footer}</p>}
    </main>
  );
}

/** The frame of every signed-in page: navigation, workspace switcher, account. */
export function AppShell({ title, children }: { title: string; children: ReactNode }) {
  const { user, workspaces, current, chooseWorkspace, setUser } = useSession();
  const navigate = useNavigate();

  async function signOut() {
    await unwrap(api.POST('/api/v1/auth/logout')).catch(() => undefined);
    setUser(null);
    navigate('/login');
  }

  return (
    <div className="shell">
      <header className="topbar">
        <Brand />
        {workspaces.length > 0 && (
          <label className="switcher">
            <span className="visually-hidden">Workspace</span>
            <select value={current?.id ?? ''} onChange={(event) => chooseWorkspace(event.target.value)}>
              {workspaces.map((workspace) => (
                <option key={workspace.id} value={workspace.id}>
                  {workspace.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <nav aria-label="Main" className="nav">
          <NavLink to="/" end>
            Home
          </NavLink>
          <NavLink to="/import">Import</NavLink>
          <NavLink to="/stats">Statistics</NavLink>
          <NavLink to="/domains">Domains</NavLink>
          {current && <NavLink to={`/workspaces/${current.id}/members`}>Members</NavLink>}
          <NavLink to="/settings">Account</NavLink>
        </nav>
        <div className="account">
          <Bell />
          <span className="account-name" title={user?.email}>
            {user?.full_name}
          </span>
          <button type="button" className="button button-quiet" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main className="page">
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  );
}
