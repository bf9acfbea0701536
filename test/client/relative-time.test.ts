import { describe, expect, it } from 'vitest';
import { exactTime, relativeTime } from '../../client/relative-time.ts';

describe('relativeTime', () => {
  const now = Date.parse('2026-12-05T12:00:00Z');
  it.each([
    ['2026-12-05T11:59:30Z', 'just now'],
    ['2026-12-05T11:55:00Z', '5 minutes ago'],
    ['2026-12-05T09:00:00Z', '3 hours ago'],
    ['2026-12-04T10:00:00Z', 'yesterday'],
    ['2026-12-01T12:00:00Z', '4 days ago'],
    ['2026-11-14T12:00:00Z', '3 weeks ago'],
    ['2025-11-01T12:00:00Z', 'last year'],
  ])('%s is %s', (iso, words) => {
    expect(relativeTime(iso, now)).toBe(words);
  });
  it('says nothing for a time it cannot read, and gives the exact time in words', () => {
    expect(relativeTime('not a time', now)).toBe('');
    expect(exactTime('2026-12-05T12:00:00Z')).toMatch(/December 5, 2026|5 December 2026/);
  });
});
