// A short status word with a colour; the word carries the meaning, the colour only repeats it.
import type { ReactNode } from 'react';

export type Tone = 'neutral' | 'success' | 'warning' | 'danger' | 'info';

export function Badge({ tone = 'neutral', icon, children, title }: { tone?: Tone; icon?: string; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} {...(title ? { title } : {})}>
      {icon ? <span aria-hidden="true" className="badge-icon">{icon}</span> : null}
      {children}
    </span>
  );
}
