// An error from the service (or the network) as a sentence and how to fix it: the problem's message and hint.
import type { ReactNode } from 'react';
import { ApiProblem, messageOf } from '../api/client.js';

export function ProblemAlert({ error, title, children }: { error: unknown; title?: string; children?: ReactNode }) {
  if (!error) return null;
  const { message, hint } = messageOf(error);
  const code = error instanceof ApiProblem ? error.code : undefined;
  return (
    <div className="alert alert-error" role="alert">
      {title ? <p className="alert-title">{title}</p> : null}
      <p className="alert-message">{message}</p>
      {hint ? <p className="alert-hint">{hint}</p> : null}
      {code ? <p className="alert-code">Error code: <code>{code}</code></p> : null}
      {children}
    </div>
  );
}

export function Notice({ tone = 'info', children, live = false }: { tone?: 'info' | 'success' | 'warning'; children: ReactNode; live?: boolean }) {
  return (
    <div className={`alert alert-${tone}`} {...(live ? { role: 'status' } : {})}>
      {children}
    </div>
  );
}
