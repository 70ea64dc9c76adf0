// The frame of every signed-in page: product name, main navigation, workspace switcher and user menu. On narrow
// screens the navigation folds behind a Menu button. Focus moves to the page on navigation, for screen readers.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { setWorkspaceId, signOut } from '../api/client.js';
import { isWorkspaceAdmin, useSession } from './session.js';

function WorkspaceSwitcher() {
  const session = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  if (session.workspaces.length < 2) return null;
  return (
    <div className="workspace-switcher">
      <label htmlFor="workspace-switcher">Workspace</label>
      <select
        id="workspace-switcher"
        value={session.workspace.id}
        onChange={async (event) => {
          setWorkspaceId(event.target.value);
          // Everything shown belongs to the old workspace: forget it and start at the connections of the new one.
          await navigate('/connections');
          await queryClient.resetQueries();
        }}
      >
        {session.workspaces.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name}
          </option>
        ))}
      </select>
    </div>
  );
}

function UserMenu() {
  const session = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState('');
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    const onClick = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);

  async function doSignOut() {
    try {
      await signOut();
    } catch {
      setError('Signing out failed; close the browser to end the session.');
      return;
    }
    queryClient.clear();
    await navigate('/sign-in', { replace: true, state: { signedOut: true } });
  }

  return (
    <div className="user-menu" ref={root}>
      <button ref={button} type="button" className="btn btn-ghost user-menu-button" aria-expanded={open} aria-controls="user-menu-panel" onClick={() => setOpen(!open)}>
        <span className="avatar" aria-hidden="true">
          {(session.user.name || session.user.email).slice(0, 1).toUpperCase()}
        </span>
        <span className="user-menu-name">{session.user.name || session.user.email}</span>
        <span aria-hidden="true" className="caret">▾</span>
      </button>
      {open ? (
        <div className="user-menu-panel" id="user-menu-panel">
          <p className="user-menu-who">
            <strong>{session.user.name}</strong>
            <br />
            <span className="muted">{session.user.email}</span>
            <br />
            <span className="muted">
              {session.workspace.role === 'admin' ? 'Admin' : 'Member'} of {session.workspace.name}
              {session.user.isAdmin ? ' · service administrator' : ''}
            </span>
          </p>
          <button type="button" className="btn btn-secondary btn-block" onClick={doSignOut}>
            Sign out
          </button>
          {error ? <p className="field-error" role="alert">{error}</p> : null}
        </div>
      ) : null}
    </div>
  );
}

export function AppShell() {
  const session = useSession();
  const location = useLocation();
  const [navOpen, setNavOpen] = useState(false);
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  useEffect(() => {
    setNavOpen(false);
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [location.pathname]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="app-header-inner">
          <Link to="/connections" className="brand">
            <span className="brand-mark" aria-hidden="true">⇄</span> azdo-connect
          </Link>
          <button type="button" className="btn btn-ghost nav-toggle" aria-expanded={navOpen} aria-controls="primary-menu" onClick={() => setNavOpen(!navOpen)}>
            Menu
          </button>
          <div id="primary-menu" className={`header-collapse${navOpen ? ' open' : ''}`}>
            <nav aria-label="Main" className="primary-nav">
              <NavLink to="/connections">Connections</NavLink>
              <NavLink to="/jobs">Jobs</NavLink>
              {isWorkspaceAdmin(session) ? <NavLink to="/members">Members &amp; tokens</NavLink> : null}
            </nav>
            <div className="header-tools">
              <WorkspaceSwitcher />
              <UserMenu />
            </div>
          </div>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="app-main">
        <Outlet />
      </main>
    </div>
  );
}
