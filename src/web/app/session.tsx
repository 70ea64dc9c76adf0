// Who is signed in, in which workspace: GET /api/v1/session, shared by every page. Pages inside the app shell read
// it with useSession(); anyone without a session is sent to /sign-in, and comes back where they were after signing in.
import { useQuery } from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ApiProblem, currentWorkspaceId, getSession, setCsrfToken, setWorkspaceId, type Session } from '../api/client.js';
import { Loading } from '../components/Loading.js';
import { ProblemAlert } from '../components/ProblemAlert.js';

export const SESSION_KEY = ['session'] as const;

async function loadSession(): Promise<Session> {
  try {
    const session = await getSession();
    setCsrfToken(session.csrfToken);
    if (session.workspace.id !== currentWorkspaceId()) setWorkspaceId(session.workspace.id);
    return session;
  } catch (error) {
    // The remembered workspace is no longer the user's (removed, or another user on this browser): let the service choose.
    if (error instanceof ApiProblem && error.status === 403 && currentWorkspaceId()) {
      setWorkspaceId('');
      return loadSession();
    }
    throw error;
  }
}

export const sessionQuery = { queryKey: SESSION_KEY, queryFn: loadSession, staleTime: 60_000 };

export function isUnauthenticated(error: unknown): boolean {
  return error instanceof ApiProblem && error.status === 401;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() outside <RequireSession>');
  return session;
}

/** Workspace admins (and service administrators) manage members and API tokens. */
export function isWorkspaceAdmin(session: Session): boolean {
  return session.user.isAdmin || session.workspace.role === 'admin';
}

export function RequireSession({ children }: { children: ReactNode }) {
  const query = useQuery(sessionQuery);
  const location = useLocation();
  if (query.error && isUnauthenticated(query.error)) {
    return <Navigate to="/sign-in" replace state={{ from: `${location.pathname}${location.search}` }} />;
  }
  if (query.data) return <SessionContext.Provider value={query.data}>{children}</SessionContext.Provider>;
  if (query.error) {
    return (
      <main className="page-center">
        <ProblemAlert error={query.error} title="azdo-connect could not load your session.">
          <button type="button" className="btn btn-secondary" onClick={() => void query.refetch()}>
            Try again
          </button>
        </ProblemAlert>
      </main>
    );
  }
  return (
    <main className="page-center">
      <Loading label="Loading azdo-connect…" />
    </main>
  );
}
