// Loading the table-driven anchoring cases from fixtures/anchoring/ (data, so that every bug found
// becomes a row, not a test function).
import { readFileSync } from 'node:fs';
import type { Segment } from '../../../schema/anchoring/index.ts';

/** Reads `fixtures/anchoring/<name>` as JSON. */
export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/anchoring/${name}`, import.meta.url), 'utf8')) as T;
}

/** A text in a fixture: a plain projection, or [ref, text] segments joined by newlines. */
export type FixtureText = string | [string, string][];

/** Builds the projection and segments of a fixture text. */
export function buildText(t: FixtureText): { text: string; segments: Segment[] } {
  if (typeof t === 'string') return { text: t, segments: [] };
  const segments: Segment[] = [];
  let text = '';
  for (const [ref, block] of t) {
    if (text.length > 0 || segments.length > 0) text += '\n';
    segments.push({ ref, start: text.length, end: text.length + block.length });
    text += block;
  }
  return { text, segments };
}

/** The offset of the `n`th (0-based) occurrence of `needle` in `hay`; throws if there is none. */
export function nthIndexOf(hay: string, needle: string, n: number): number {
  let at = -1;
  for (let i = 0; i <= n; i++) {
    at = hay.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`fixture: occurrence ${n} of ${JSON.stringify(needle)} not found`);
  }
  return at;
}
