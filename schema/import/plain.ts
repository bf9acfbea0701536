/**
 * Plain text → ProseMirror: a blank line starts a new paragraph; a single line break inside a
 * paragraph is kept as a hard break. Line endings are normalized (CRLF and CR become LF).
 */
import type { Node as PMNode, Schema } from 'prosemirror-model';
import { glossSchema, textSchema } from '../document.ts';

/** Parses plain text into a document of the given schema kind. */
export function plainToDoc(input: string, kind: 'text' | 'gloss'): PMNode {
  const schema: Schema = kind === 'text' ? textSchema : glossSchema;
  const normalized = input.replace(/\r\n?/g, '\n');
  const paragraphs = normalized
    .split(/\n[ \t]*\n+/)
    .map((p) => p.replace(/^\n+|\n+$/g, ''))
    .filter((p) => p.trim().length > 0);
  const blocks = paragraphs.map((p) => {
    const inline: PMNode[] = [];
    p.split('\n').forEach((line, i) => {
      if (i > 0) inline.push(schema.node('hard_break'));
      if (line.length > 0) inline.push(schema.text(line));
    });
    return schema.node('paragraph', null, inline);
  });
  return schema.node('doc', null, blocks.length > 0 ? blocks : [schema.node('paragraph')]);
}
