// A time as people say it ("5 minutes ago"), with the exact time in the title and the machine-readable value.
import { fullTime, relativeTime } from '../lib/relative-time.js';
import { expiryText } from '../lib/expiry.js';
import { Badge, type Tone } from './Badge.js';

export function TimeAgo({ value, fallback = 'never' }: { value: string | null | undefined; fallback?: string }) {
  if (!value) return <span className="muted">{fallback}</span>;
  return (
    <time dateTime={value} title={fullTime(value)}>
      {relativeTime(value)}
    </time>
  );
}

const EXPIRY_TONE: Record<string, Tone> = { ok: 'neutral', warning: 'warning', expired: 'danger', none: 'neutral' };

/** "expires in 12 days" (a warning under 14 days), "expired" in red. */
export function ExpiryCountdown({ expiresAt }: { expiresAt: string | null | undefined }) {
  const { text, level } = expiryText(expiresAt);
  if (level === 'none') return <span className="muted">{text}</span>;
  const icon = level === 'expired' ? '✕' : level === 'warning' ? '!' : undefined;
  return (
    <Badge tone={EXPIRY_TONE[level] ?? 'neutral'} {...(icon ? { icon } : {})} title={fullTime(expiresAt)}>
      {text}
    </Badge>
  );
}
