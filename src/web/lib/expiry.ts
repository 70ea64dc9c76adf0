// How soon a credential stops working, in words, and how loudly to say it. Pure, so it is tested without a browser.

/** Under this many days left, the countdown is a warning. */
export const EXPIRY_WARNING_DAYS = 14;

export type ExpiryLevel = 'none' | 'ok' | 'warning' | 'expired';

export interface ExpiryText {
  text: string;
  level: ExpiryLevel;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole calendar days from `now` to `then` in the viewer's time zone (today = 0, tomorrow = 1). */
function calendarDays(then: Date, now: Date): number {
  const a = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  const b = Date.UTC(then.getFullYear(), then.getMonth(), then.getDate());
  return Math.round((b - a) / DAY_MS);
}

/** "expires in 12 days", "expires today", "expired 3 days ago"; level says how to colour it. */
export function expiryText(expiresAt: string | null | undefined, now: Date = new Date()): ExpiryText {
  if (!expiresAt) return { text: 'no expiry date known', level: 'none' };
  const then = new Date(expiresAt);
  if (Number.isNaN(then.getTime())) return { text: 'no expiry date known', level: 'none' };
  const days = calendarDays(then, now);
  if (then.getTime() <= now.getTime()) {
    if (days >= 0) return { text: 'expired today', level: 'expired' };
    return { text: days === -1 ? 'expired yesterday' : `expired ${-days} days ago`, level: 'expired' };
  }
  const level: ExpiryLevel = days < EXPIRY_WARNING_DAYS ? 'warning' : 'ok';
  if (days <= 0) return { text: 'expires today', level };
  if (days === 1) return { text: 'expires tomorrow', level };
  return { text: `expires in ${days} days`, level };
}
