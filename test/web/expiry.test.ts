import { describe, expect, it } from 'vitest';
import { expiryText } from '../../src/web/lib/expiry.js';
import { byteSize, duration, relativeTime } from '../../src/web/lib/relative-time.js';

const now = new Date(2026, 2, 1, 12, 0, 0);
const at = (days: number, hours = 0) => new Date(2026, 2, 1 + days, 12 + hours, 0, 0).toISOString();

describe('expiryText', () => {
  it('counts whole days to a date well ahead and does not warn', () => {
    expect(expiryText(at(30), now)).toEqual({ text: 'expires in 30 days', level: 'ok' });
  });

  it('warns under 14 days', () => {
    expect(expiryText(at(12), now)).toEqual({ text: 'expires in 12 days', level: 'warning' });
    expect(expiryText(at(14), now).level).toBe('ok');
    expect(expiryText(at(13), now).level).toBe('warning');
  });

  it('says tomorrow and today', () => {
    expect(expiryText(at(1), now).text).toBe('expires tomorrow');
    expect(expiryText(at(0, 3), now).text).toBe('expires today');
  });

  it('says expired, in red, once the moment has passed', () => {
    expect(expiryText(at(0, -1), now)).toEqual({ text: 'expired today', level: 'expired' });
    expect(expiryText(at(-1), now)).toEqual({ text: 'expired yesterday', level: 'expired' });
    expect(expiryText(at(-5), now)).toEqual({ text: 'expired 5 days ago', level: 'expired' });
  });

  it('says nothing is known for a missing or unreadable date', () => {
    expect(expiryText(undefined, now).level).toBe('none');
    expect(expiryText('not a date', now).level).toBe('none');
  });
});

describe('relative time and sizes', () => {
  it('says just now, minutes and days ago, and never', () => {
    expect(relativeTime(new Date(now.getTime() - 10_000).toISOString(), now)).toBe('just now');
    expect(relativeTime(new Date(now.getTime() - 5 * 60_000).toISOString(), now)).toBe('5 minutes ago');
    expect(relativeTime(new Date(now.getTime() - 2 * 86_400_000).toISOString(), now)).toBe('2 days ago');
    expect(relativeTime(null, now)).toBe('never');
  });

  it('formats bytes and durations', () => {
    expect(byteSize(512)).toBe('512 B');
    expect(byteSize(1536)).toBe('1.5 KB');
    expect(byteSize(20 * 1024 * 1024)).toBe('20 MB');
    expect(duration(850)).toBe('850 ms');
    expect(duration(2400)).toBe('2.4 s');
  });
});
