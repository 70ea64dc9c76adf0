// Sign-in is by one-time link: {service}/sign-in#token=... The token is in the fragment, so it never reaches a
// server log or a Referer header; the page takes it out of the address bar before using it.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { signIn } from '../api/client.js';
import { Loading } from '../components/Loading.js';
import { usePageTitle } from '../components/PageHeader.js';
import { Notice, ProblemAlert } from '../components/ProblemAlert.js';
import { sessionQuery } from '../app/session.js';

function tokenFromFragment(): string | undefined {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const token = params.get('token');
  return token && token.trim() !== '' ? token.trim() : undefined;
}

function HowToGetALink() {
  return (
    <div className="sign-in-help">
      <h2>How to get a sign-in link</h2>
      <ul>
        <li>
          <strong>First start:</strong> the service printed a one-time link for the first administrator when it started
          for the first time. Look in its output (or its log).
        </li>
        <li>
          <strong>On the server:</strong> run <code>azdo-connect admin sign-in-link</code> to make a new link.
        </li>
        <li>
          <strong>Invited?</strong> Ask an administrator of your workspace: <em>Members &amp; tokens → New sign-in link</em>.
        </li>
      </ul>
      <p className="muted">Links work once and expire. Open the link in this browser to sign in.</p>
    </div>
  );
}

export function SignInPage() {
  usePageTitle('Sign in');
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const [token, setToken] = useState(tokenFromFragment);
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);
  const from = (location.state as { from?: string; signedOut?: boolean } | null)?.from ?? '/';
  const signedOut = (location.state as { signedOut?: boolean } | null)?.signedOut === true;
  // Already signed in (no link given): nothing to do here.
  const session = useQuery({ ...sessionQuery, enabled: token === undefined && !signedOut, retry: false });

  // A link pasted into the address bar of this very page changes only the fragment: no reload, so listen for it.
  useEffect(() => {
    const onHash = () => {
      const next = tokenFromFragment();
      if (next !== undefined) {
        started.current = false;
        setError(null);
        setToken(next);
      }
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    if (token === undefined || started.current) return;
    started.current = true;
    // Out of the address bar and the history before anything else: the link works once, and is a secret until used.
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    signIn(token)
      .then(async () => {
        queryClient.clear();
        await navigate(from.startsWith('/sign-in') ? '/' : from, { replace: true });
      })
      .catch((e: unknown) => setError(e));
  }, [token, from, navigate, queryClient]);

  useEffect(() => {
    if (session.data) void navigate(from, { replace: true });
  }, [session.data, from, navigate]);

  return (
    <main className="sign-in" id="main">
      <div className="sign-in-card">
        <p className="brand sign-in-brand">
          <span className="brand-mark" aria-hidden="true">⇄</span> azdo-connect
        </p>
        <h1>Sign in</h1>
        {token !== undefined && !error ? <Loading label="Signing you in…" /> : null}
        {error ? (
          <ProblemAlert error={error} title="That sign-in link did not work.">
            <p>Links work once and expire. Ask for a new one (below).</p>
          </ProblemAlert>
        ) : null}
        {signedOut ? <Notice live>You are signed out.</Notice> : null}
        {token === undefined || error ? (
          <>
            <p>azdo-connect signs you in with a one-time link instead of a password.</p>
            <HowToGetALink />
          </>
        ) : null}
        {session.data ? (
          <p>
            You are signed in. <Link to="/connections">Go to your connections</Link>
          </p>
        ) : null}
      </div>
    </main>
  );
}
