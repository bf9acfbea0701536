/**
 * One door for every import format: Markdown, plain text, ProseMirror JSON, and (for central
 * texts) a Sefaria export. Whatever comes in leaves as a checked document of the right schema,
 * or as a ContentError that says what is wrong.
 */
import type { Node as PMNode } from 'prosemirror-model';
import { safeHref, schemaFor, type DocumentKind } from '../document.ts';
import { ContentError } from './content-error.ts';
import { markdownToDoc } from './markdown.ts';
import { plainToDoc } from './plain.ts';
import { parseSefariaFile, sefariaBaseToDoc } from './sefaria.ts';

/** The formats a document can be imported from. */
export const contentFormats = ['markdown', 'plain', 'prosemirror', 'sefaria'] as const;
/** One of `contentFormats`. */
export type ContentFormat = (typeof contentFormats)[number];

/** Deepest nesting accepted in ProseMirror JSON; deeper input is refused before it is walked. */
const maxJsonDepth = 64;

/**
 * Parses `content` in `format` into a document of `kind`. Markdown and plain text take a
 * string; ProseMirror JSON and Sefaria take a JSON value or its string form.
 */
export function parseContent(format: ContentFormat, content: unknown, kind: DocumentKind): PMNode {
  switch (format) {
    case 'markdown':
      return markdownToDoc(requireString(content, format), kind);
    case 'plain':
      return plainToDoc(requireString(content, format), kind);
    case 'prosemirror':
      return docFromJSON(jsonValue(content), kind);
    case 'sefaria':
      if (kind !== 'text') throw new ContentError('A gloss body cannot be a Sefaria file');
      return sefariaBaseToDoc(parseSefariaFile(jsonValue(content)));
    default:
      throw new ContentError(`Unknown format "${String(format)}"`);
  }
}

/** Builds a document of `kind` from ProseMirror JSON and checks it (see `checkDocument`). */
export function docFromJSON(json: unknown, kind: DocumentKind): PMNode {
  if (depth(json, 0) > maxJsonDepth) throw new ContentError(`The document nests deeper than ${maxJsonDepth} levels`);
  let doc: PMNode;
  try {
    doc = schemaFor(kind).nodeFromJSON(json);
  } catch (e) {
    throw new ContentError(`Not a valid document: ${(e as Error).message}`);
  }
  checkDocument(doc);
  return doc;
}

/**
 * Checks a document against its schema, its links (http, https, mailto only) and its segment
 * refs (non-empty, unique, at most 64 characters). Throws ContentError.
 */
export function checkDocument(doc: PMNode): void {
  if (doc.type.name !== 'doc') throw new ContentError('The top node must be "doc"');
  try {
    doc.check();
  } catch (e) {
    throw new ContentError(`Not a valid document: ${(e as Error).message}`);
  }
  const refs = new Set<string>();
  doc.descendants((node) => {
    for (const mark of node.marks) {
      if (mark.type.name === 'link' && safeHref(mark.attrs.href) === null) {
        throw new ContentError(`Links must be http, https or mailto URLs, not "${String(mark.attrs.href).slice(0, 80)}"`);
      }
    }
    if (node.type.name === 'segment') {
      const ref = String(node.attrs.ref);
      if (!/^[\p{L}\p{N}][\p{L}\p{N}:.\-_]{0,63}$/u.test(ref)) throw new ContentError(`Bad segment ref "${ref.slice(0, 80)}"`);
      if (refs.has(ref)) throw new ContentError(`Segment ref "${ref}" appears twice`);
      refs.add(ref);
    }
    return true;
  });
}

function requireString(content: unknown, format: string): string {
  if (typeof content !== 'string') throw new ContentError(`Content in format "${format}" must be a string`);
  return content;
}

function jsonValue(content: unknown): unknown {
  if (typeof content !== 'string') return content;
  try {
    return JSON.parse(content);
  } catch {
    throw new ContentError('Content is not valid JSON');
  }
}

function depth(value: unknown, level: number): number {
  if (level > maxJsonDepth) return level;
  if (Array.isArray(value)) return value.reduce<number>((m, v) => Math.max(m, depth(v, level + 1)), level);
  if (value && typeof value === 'object') {
    return Object.values(value).reduce<number>((m, v) => Math.max(m, depth(v, level + 1)), level);
  }
  return level;
}
