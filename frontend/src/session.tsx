import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { api } from './api/client';
import type { User, Workspace } from './api/client';
import { ApiError, unwrap } from './api/errors';
import { nextFrom } from './next';

const WORKSPACE_KEY = 'vitrine.workspace';

interface Session {
  user: User | null;
  loading: boolean;
  workspaces: Workspace[];
  current: Workspace | null;
  chooseWorkspace: (id: string) => void;
  refresh: () => Promise<void>;
  setUser: (user: User | null) => void;
}

const SessionContext = createContext<Session | null>(null);

interface SignedIn {
  user: User;
  workspaces: Workspace[];
}

/** Who is signed in, or `null` when no one is. */
async function fetchSession(): Promise<SignedIn | null> {
  try {
    const user = await unwrap(api.GET('/api/v1/me'));
    return { user, workspaces: await unwrap(api.GET('/api/v1/workspaces')) };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [workspaces, setWorkspaces] = useState<Workspace[]>([]);
  const [chosen, setChosen] = useState<string | null>(() => localStorage.getItem(WORKSPACE_KEY));
  const [loading, setLoading] = useState(true);

  const apply = useCallback((state: SignedIn | null) => {
    setUser(state?.user ?? null);
    setWorkspaces(state?.workspaces ?? []);
    setLoading(false);
  }, []);

  const refresh = useCallback(async () => apply(await fetchSession()), [apply]);

  useEffect(() => {
    fetchSession()
      .then(apply)
      .catch(() => setLoading(false));
  }, [apply]);

  const chooseWorkspace = useCallback((id: string) => {
    localStorage.setItem(WORKSPACE_KEY, id);
    setChosen(id);
  }, []);

  const value = useMemo<Session>(() => {
    const current = workspaces.find((workspace) => workspace.id === chosen) ?? workspaces[0] ?? null;
    return { user, loading, workspaces, current, chooseWorkspace, refresh, setUser };
  }, [user, loading, workspaces, chosen, chooseWorkspace, refresh]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs a SessionProvider');
  return session;
}

/** Pages for signed-in people: everyone else goes to sign in, and comes back afterwards. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { user, loading } = useSession();
  const location = useLocation();
  if (loading) return <p className="loading" role="status">Loading…</p>;
  if (!user) {
    const next = encodeURIComponent(nextFrom(location.pathname, location.search));
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return <>{children}</>;
}
