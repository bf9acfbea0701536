/**
 * The heavy steps of requests, run where they cost nobody else: inline when the input is small
 * (the work is then bounded by a few milliseconds), on the worker pool otherwise (README,
 * "Bounded work"). `key` names whose request it is (an account id): one heavy task each at a time.
 */
import type { Anchor, Segment, Selectors } from '../../schema/anchoring/index.ts';
import type { TargetInput, TextFormat } from '../../schema/api.ts';
import { AppError } from '../errors.ts';
import { workerPool } from './pool.ts';
import { checkTargetOffsets, locateQuote, parseText, quoteAtOffsets, resolveSelectors, type ParsedText } from './tasks.ts';

/** Inputs up to this many UTF-16 code units are worked on inline. */
export const inlineLength = 64 * 1024;

/**
 * Parses a text's content (see `parseText`). Structured content (a JSON value) travels as its
 * JSON text, which both formats that take it accept: copying a deeply nested value to a worker
 * would exhaust the stack before the parser could refuse it. HTML and `.docx`, however small,
 * are always read on a worker (see `parseRichText`).
 */
export async function parseTextContent(format: TextFormat, content: unknown, title: string, key?: number): Promise<ParsedText> {
  if (format === 'html' || format === 'docx') {
    if (typeof content !== 'string') throw new AppError('invalid_content', 422, `Content in format "${format}" must be a string${format === 'docx' ? ' (the file in base64)' : ''}`);
    if (format === 'docx' && !/^[A-Za-z0-9+/]*={0,2}$/.test(content)) throw new AppError('invalid_content', 422, 'A .docx is sent as base64');
    return workerPool().run('parseRich', { format, content, title }, key);
  }
  if (typeof content === 'string') {
    return content.length <= inlineLength ? parseText(format, content, title) : workerPool().run('parse', { format, content, title }, key);
  }
  if (format !== 'prosemirror' && format !== 'sefaria') return parseText(format, content, title); // refused at once: not a string
  let source: string;
  try {
    source = JSON.stringify(content) ?? '';
  } catch (e) {
    if (e instanceof RangeError) throw new AppError('invalid_content', 422, 'The content nests too deeply');
    throw e;
  }
  return source.length <= inlineLength ? parseText(format, content, title) : workerPool().run('parse', { format, content: source, title }, key);
}

/** Places a writer's quote in `text` (see `locateQuote`). */
export async function locateTarget(text: string, target: TargetInput, key?: number): Promise<{ start: number; end: number }> {
  checkTargetOffsets(text, target);
  const at = quoteAtOffsets(text, target);
  if (at) return Promise.resolve(at);
  if (text.length <= inlineLength) return Promise.resolve().then(() => locateQuote(text, target));
  return workerPool().run('locate', { text, target }, key);
}

/** Resolves imported selectors against a text (see `resolveSelectors`). */
export function resolveImported(text: string, segments: Segment[], selectors: Selectors[], key?: number): Promise<Anchor[]> {
  if (text.length <= inlineLength && selectors.length <= 50) return Promise.resolve().then(() => resolveSelectors(text, segments, selectors));
  return workerPool().run('resolve', { text, segments, selectors }, key);
}
