/**
 * Sefaria's export format: a base text as nested arrays of strings, and "X on Y" commentaries
 * nested one level deeper.
 *
 * A base file's `text[c-1][v-1]` is the segment `c:v`; a depth-1 text's `text[v-1]` is `v`.
 * A commentary's `text[c-1][v-1][s-1]` is comment `s` on segment `c:v`. Empty strings and empty
 * arrays are skipped. Every segment becomes one `segment` block whose `ref` is the path joined
 * by `:`.
 */
import type { Node as PMNode } from 'prosemirror-model';
import { z } from 'zod';
import { glossSchema, textSchema } from '../document.ts';
import { ContentError } from './content-error.ts';
import { sefariaHtmlToInline, stripSefariaHtml } from './sefaria-html.ts';

type Nested = string | Nested[];
const nested: z.ZodType<Nested> = z.lazy(() => z.union([z.string(), z.array(nested)]));

/** The fields of a Sefaria export that Daf reads; others are ignored. */
export const sefariaFileShape = z.object({
  title: z.string().min(1).max(500),
  heTitle: z.string().max(500).optional(),
  language: z.string().min(1).max(35).optional(),
  actualLanguage: z.string().min(1).max(35).optional(),
  direction: z.enum(['ltr', 'rtl']).optional(),
  license: z.string().max(200).optional(),
  versionTitle: z.string().max(500).optional(),
  versionSource: z.string().max(2000).optional(),
  text: z.array(nested),
});

/** A parsed Sefaria file. */
export type SefariaFile = z.infer<typeof sefariaFileShape>;

/** One leaf string of a Sefaria file with its path of 1-based indices. */
export interface SefariaLeaf {
  path: number[];
  html: string;
}

/** Parses and checks a Sefaria file's JSON value; throws ContentError for anything else. */
export function parseSefariaFile(value: unknown): SefariaFile {
  // Measured before the shape (which, like `sefariaLeaves`, recurses once per level) walks it:
  // a request can nest arrays a million levels deep, which would overflow the stack.
  const text = value && typeof value === 'object' ? (value as { text?: unknown }).text : undefined;
  if (arrayDepth(text, maxTextDepth) > maxTextDepth) {
    throw new ContentError(`Not a Sefaria export: its text nests deeper than ${maxTextDepth} levels`);
  }
  const parsed = sefariaFileShape.safeParse(value);
  if (!parsed.success) {
    throw new ContentError(`Not a Sefaria export: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Deepest nesting of a Sefaria `text` accepted; real exports nest three or four levels. */
const maxTextDepth = 64;

/** How deep arrays nest in `value` (counted up to just past `limit`), level by level without recursion. */
function arrayDepth(value: unknown, limit: number): number {
  let level: unknown[] = [value];
  let depth = 0;
  while (depth <= limit && level.some(Array.isArray)) {
    const next: unknown[] = [];
    for (const v of level) if (Array.isArray(v)) for (const item of v) next.push(item);
    level = next;
    depth++;
  }
  return depth;
}

/** The non-empty leaf strings of a Sefaria `text` array, in order, with their paths. */
export function sefariaLeaves(text: Nested[], prefix: number[] = []): SefariaLeaf[] {
  const out: SefariaLeaf[] = [];
  text.forEach((item, i) => {
    const path = [...prefix, i + 1];
    if (typeof item === 'string') {
      if (stripSefariaHtml(item).trim()) out.push({ path, html: item });
    } else {
      out.push(...sefariaLeaves(item, path));
    }
  });
  return out;
}

/** The language of a Sefaria file as a BCP 47 tag. */
export function sefariaLanguage(file: SefariaFile): string {
  return file.actualLanguage ?? file.language ?? 'en';
}

/** The direction of a Sefaria file: its own field, else right-to-left for Hebrew and Aramaic. */
export function sefariaDirection(file: SefariaFile): 'ltr' | 'rtl' {
  if (file.direction) return file.direction;
  return ['he', 'arc', 'yi', 'ar'].includes(sefariaLanguage(file)) ? 'rtl' : 'ltr';
}

/** Builds the central-text document of a Sefaria base file: one `segment` per leaf. */
export function sefariaBaseToDoc(file: SefariaFile): PMNode {
  const leaves = sefariaLeaves(file.text);
  if (leaves.length === 0) throw new ContentError('The Sefaria file has no text');
  const blocks = leaves.map((leaf) =>
    textSchema.node('segment', { ref: leaf.path.join(':') }, sefariaHtmlToInline(leaf.html, textSchema)),
  );
  return textSchema.node('doc', null, blocks);
}

/** One comment of a Sefaria commentary file. */
export interface SefariaComment {
  /** The base segment it belongs to, e.g. `1:5`. */
  baseRef: string;
  /** Its own ref inside the commentary, e.g. `1:5:2`. */
  ref: string;
  /** The comment as a gloss-body document. */
  doc: PMNode;
  /** The words it comments on (the dibur hamatchil), or null when it has none. */
  lemma: string | null;
}

/**
 * Splits a commentary file into comments on base segments. `baseDepth` is the depth of the
 * base text's refs (2 for `c:v`); the comment's path is one level deeper.
 */
export function sefariaComments(file: SefariaFile, baseDepth: number): SefariaComment[] {
  return sefariaLeaves(file.text).map((leaf) => {
    if (leaf.path.length !== baseDepth + 1) {
      throw new ContentError(
        `Commentary "${file.title}" has a comment at ${leaf.path.join(':')}, expected depth ${baseDepth + 1}`,
      );
    }
    const inline = sefariaHtmlToInline(leaf.html, glossSchema);
    return {
      baseRef: leaf.path.slice(0, baseDepth).join(':'),
      ref: leaf.path.join(':'),
      doc: glossSchema.node('doc', null, [glossSchema.node('paragraph', null, inline)]),
      lemma: commentLemma(leaf.html),
    };
  });
}

/** Longest lemma Daf accepts; a longer opening is not a quotation but the comment itself. */
const maxLemmaLength = 200;

/**
 * The dibur hamatchil of a comment: the text of a leading `<b>…</b>`, or else the words before
 * an opening " – " (the English Bartenura writes the Hebrew words, a dash, then English).
 * Trailing punctuation is kept; the matcher folds it.
 */
export function commentLemma(html: string): string | null {
  const bold = /^\s*<b>([\s\S]*?)<\/b>/i.exec(html);
  let lemma: string | null = null;
  if (bold) lemma = stripSefariaHtml(bold[1]);
  else {
    const plain = stripSefariaHtml(html);
    const dash = plain.indexOf(' – ');
    if (dash > 0) lemma = plain.slice(0, dash);
  }
  lemma = lemma?.trim() ?? null;
  return lemma && lemma.length <= maxLemmaLength ? lemma : null;
}
