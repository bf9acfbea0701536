/**
 * Gloss and reply bodies: `{markdown}` or `{doc}` in, a checked gloss-schema document and its
 * projection out.
 */
import type { Node as PMNode } from 'prosemirror-model';
import type { BodyInput } from '../../schema/api.ts';
import { ContentError } from '../../schema/import/content-error.ts';
import { docFromJSON } from '../../schema/import/parse-content.ts';
import { markdownToDoc } from '../../schema/import/markdown.ts';
import { Projection } from '../../schema/projection.ts';
import { AppError } from '../errors.ts';

/** A parsed body ready to store. */
export interface ParsedBody {
  doc: PMNode;
  /** ProseMirror JSON, as stored. */
  json: string;
  /** The projection, as stored and searched. */
  text: string;
}

/** Parses a body; 422 `invalid_body` for a malformed document or one with nothing in it. */
export function parseBody(input: BodyInput, options: { allowEmpty?: boolean } = {}): ParsedBody {
  let doc: PMNode;
  try {
    doc = 'markdown' in input ? markdownToDoc(input.markdown, 'gloss') : docFromJSON(input.doc, 'gloss');
  } catch (e) {
    if (e instanceof ContentError) throw new AppError('invalid_body', 422, e.message);
    throw e;
  }
  const text = new Projection(doc).text;
  if (!options.allowEmpty && text.trim().length === 0) throw new AppError('empty_body', 422, 'The body is empty');
  return { doc, json: JSON.stringify(doc.toJSON()), text };
}
