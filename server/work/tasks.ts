/**
 * The heavy, pure steps of a request — parsing a text, placing a quote, resolving imported
 * selectors — as plain functions of their inputs. They run on a worker thread when their input
 * is large (pool.ts) and inline when it is small; either way they touch no database, so the
 * result can be computed before a transaction and checked in it (README, "Bounded work").
 */
import {
  AmbiguousQuoteError,
  createAnchorTarget,
  matchQuote,
  resolveAnchor,
  type Anchor,
  type MatchLimits,
  type Segment,
  type Selectors,
} from '../../schema/anchoring/index.ts';
import { maxTextContentLength, type TargetInput } from '../../schema/api.ts';
import { ContentError } from '../../schema/import/content-error.ts';
import { parseContent, type ContentFormat } from '../../schema/import/parse-content.ts';
import type { Node as PMNode } from 'prosemirror-model';
import { Projection } from '../../schema/projection.ts';
import { AppError } from '../errors.ts';

/** Most blocks (paragraphs, headings, list items, …) one text may hold: a whole Bible has about 32,000 verses. */
export const maxTextBlocks = 50_000;

/**
 * The bounds of placing a quote a writer sends: the matcher's defaults, and no approximate search
 * across more than 256 KiB of text without a position to search near (README, "Bounded work").
 */
export const interactiveLimits: Partial<MatchLimits> = { maxFuzzyWindow: 256 * 1024 };

/** A text parsed and projected: what a version stores. */
export interface ParsedText {
  /** The document as ProseMirror JSON text. */
  doc: string;
  projection: string;
  segments: Segment[];
}

/**
 * Parses content into a text, leaving out an opening heading that repeats `title` (see
 * `withoutTitleHeading`): 422 `invalid_content` for what the format refuses, 413 `too_large`
 * past `maxTextContentLength` characters and 413 `too_many_blocks` past `maxTextBlocks`.
 */
export function parseText(format: ContentFormat, content: unknown, title?: string): ParsedText {
  return checkedText(() => parseContent(format, content, 'text'), title);
}

/**
 * Parses an HTML page or a `.docx` (base64) into a text, as `parseText` does the other formats.
 * Their converters (server/import/) bring a whole DOM, so they are loaded on a worker only, and
 * only when first needed.
 */
export async function parseRichText(format: 'html' | 'docx', content: string, title?: string): Promise<ParsedText> {
  let html = content;
  try {
    if (format === 'docx') html = await (await import('../import/docx.ts')).docxToHtml(content);
  } catch (e) {
    if (e instanceof ContentError) throw new AppError('invalid_content', 422, e.message);
    throw e;
  }
  const { htmlToDoc } = await import('../import/html.ts');
  return checkedText(() => htmlToDoc(html), title);
}

/** The document `parse` makes, as a text within the limits (see `parseText`). */
function checkedText(parse: () => PMNode, title: string | undefined): ParsedText {
  let doc;
  try {
    doc = withoutTitleHeading(parse(), title);
  } catch (e) {
    if (e instanceof ContentError) throw new AppError('invalid_content', 422, e.message);
    throw e;
  }
  const projection = checkTextLimits(doc);
  return { doc: JSON.stringify(doc.toJSON()), projection: projection.text, segments: projection.segments };
}

/**
 * 422 `invalid_target` for offsets that cannot name a span of `text`: one of start and end
 * without the other, an end before the start, or an end past the text. (Offsets that name a
 * span where the quote is not are a hint: the quote is looked for near them.)
 */
export function checkTargetOffsets(text: string, target: TargetInput): void {
  const { start, end } = target;
  if ((start === undefined) !== (end === undefined)) throw new AppError('invalid_target', 422, 'Give both start and end, or neither');
  if (start === undefined || end === undefined) return;
  if (end < start) throw new AppError('invalid_target', 422, `The target ends (${end}) before it starts (${start})`);
  if (end > text.length) throw new AppError('invalid_target', 422, `The target ends at ${end}, past the end of its text (${text.length})`);
}

/**
 * The projection of a text's document, once the document is within the limits: 413
 * `too_many_blocks` past `maxTextBlocks`, 413 `too_large` past `maxTextContentLength` characters.
 * Every way a version is made is held to them (content of any format, and ProseMirror steps).
 */
export function checkTextLimits(doc: PMNode): Projection {
  let blocks = 0;
  doc.descendants((node) => {
    if (node.isBlock) blocks++;
    return blocks <= maxTextBlocks;
  });
  if (blocks > maxTextBlocks) throw new AppError('too_many_blocks', 413, `A text may hold at most ${maxTextBlocks} blocks (paragraphs, headings, list items)`);
  const projection = new Projection(doc);
  if (projection.text.length > maxTextContentLength) {
    throw new AppError('too_large', 413, `A text may hold at most ${maxTextContentLength} characters`);
  }
  return projection;
}

/** A title as compared with a heading: its words, in lower case. */
function titleKey(title: string): string {
  return title.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * The document without its opening heading when that heading is the text's title: the page
 * shows the title already ("# Nicomachean Ethics" pasted under the title "Nicomachean Ethics"
 * would show it twice). A document that is nothing but that heading keeps it.
 */
export function withoutTitleHeading(doc: PMNode, title: string | undefined): PMNode {
  const first = doc.firstChild;
  if (title === undefined || doc.childCount < 2 || !first || first.type.name !== 'heading') return doc;
  if (titleKey(first.textContent) !== titleKey(title)) return doc;
  return doc.copy(doc.content.cut(first.nodeSize));
}

/** Whether the target's offsets already hold its quote: then nothing needs searching. */
export function quoteAtOffsets(text: string, target: TargetInput): { start: number; end: number } | null {
  const { exact, start, end } = target;
  if (start !== undefined && end !== undefined && start <= end && end <= text.length && text.slice(start, end) === exact) {
    return { start, end };
  }
  return null;
}

/**
 * The span a target names in `text` (422 `invalid_target` for offsets that cannot name one): the given offsets if the quote is there, else the quote
 * near them (or anywhere, if none were given) by the matcher re-anchoring uses, within
 * `interactiveLimits`. 422 `anchor_not_found` when it is not there with confidence, 422
 * `anchor_ambiguous` when it fits too many places to choose (send its offsets, or a longer quote).
 */
export function locateQuote(text: string, target: TargetInput): { start: number; end: number } {
  checkTargetOffsets(text, target);
  const at = quoteAtOffsets(text, target);
  if (at) return at;
  let match;
  try {
    match = matchQuote(text, target.exact, { prefix: target.prefix, suffix: target.suffix, hint: target.start, limits: interactiveLimits });
  } catch (e) {
    if (e instanceof AmbiguousQuoteError) throw new AppError('anchor_ambiguous', 422, `${e.message}: send the quote's start and end, or a longer quote`);
    throw e;
  }
  if (!match) throw new AppError('anchor_not_found', 422, 'The quoted passage was not found in the target');
  return { start: match.start, end: match.end };
}

/** Resolves many selectors against one version of a text (an import): one anchor each, in order. */
export function resolveSelectors(text: string, segments: Segment[], selectors: Selectors[]): Anchor[] {
  const target = createAnchorTarget(text, segments);
  // An import is a request: held to the bounds of placing a writer's quote (README, "Bounded work").
  return selectors.map((s) => resolveAnchor(s, target, { limits: interactiveLimits }));
}

/** The tasks a worker runs, by name: each takes one structured-cloneable input (and may answer with a promise). */
export const tasks = {
  parse: (input: { format: ContentFormat; content: unknown; title?: string }) => parseText(input.format, input.content, input.title),
  parseRich: (input: { format: 'html' | 'docx'; content: string; title?: string }) => parseRichText(input.format, input.content, input.title),
  locate: (input: { text: string; target: TargetInput }) => locateQuote(input.text, input.target),
  resolve: (input: { text: string; segments: Segment[]; selectors: Selectors[] }) => resolveSelectors(input.text, input.segments, input.selectors),
};

export type TaskKind = keyof typeof tasks;
export type TaskInput<K extends TaskKind> = Parameters<(typeof tasks)[K]>[0];
export type TaskOutput<K extends TaskKind> = ReturnType<(typeof tasks)[K]>;
