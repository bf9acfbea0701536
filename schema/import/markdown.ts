/**
 * Markdown → ProseMirror, for central texts and for gloss bodies.
 *
 * Raw HTML in Markdown is never interpreted (markdown-it runs with `html: false`, so it stays
 * literal text), and links whose scheme is not http, https or mailto are left as plain text.
 * Lists, block quotes, headings (in a central text), emphasis and links keep their structure.
 * Constructs a schema cannot hold are turned into something it can: code blocks become
 * paragraphs; in a gloss, headings become paragraphs too.
 */
import MarkdownIt from 'markdown-it';
import { MarkdownParser } from 'prosemirror-markdown';
import type { Node as PMNode } from 'prosemirror-model';
import { glossSchema, safeHref, textSchema } from '../document.ts';

function tokenizer(disabled: string[]) {
  const md = new MarkdownIt('commonmark', { html: false, linkify: false });
  md.disable(disabled);
  md.validateLink = (url: string) => safeHref(url) !== null;
  return md;
}

const linkSpec = {
  mark: 'link',
  getAttrs: (tok: { attrGet(name: string): string | null }) => ({
    href: safeHref(tok.attrGet('href')) ?? '',
    title: tok.attrGet('title') || null,
  }),
};

const asParagraph = { block: 'paragraph' };

/** Quotations and lists, the same in both schemas. */
const structureTokens = {
  blockquote: { block: 'blockquote' },
  bullet_list: { block: 'bullet_list' },
  ordered_list: {
    block: 'ordered_list',
    getAttrs: (tok: { attrGet(name: string): string | null }) => ({ order: Number(tok.attrGet('start')) || 1 }),
  },
  list_item: { block: 'list_item' },
  code_block: { block: 'paragraph', noCloseToken: true },
  fence: { block: 'paragraph', noCloseToken: true },
};

const textParser = new MarkdownParser(textSchema, tokenizer(['hr', 'image', 'backticks']), {
  paragraph: { block: 'paragraph' },
  heading: { block: 'heading', getAttrs: (tok) => ({ level: Number(tok.tag.slice(1)) }) },
  ...structureTokens,
  hardbreak: { node: 'hard_break' },
  em: { mark: 'em' },
  strong: { mark: 'strong' },
  link: linkSpec,
});

const glossParser = new MarkdownParser(glossSchema, tokenizer(['hr', 'image']), {
  paragraph: { block: 'paragraph' },
  heading: asParagraph,
  ...structureTokens,
  hardbreak: { node: 'hard_break' },
  em: { mark: 'em' },
  strong: { mark: 'strong' },
  code_inline: { mark: 'code', noCloseToken: true },
  link: linkSpec,
});

/** Parses Markdown into a document of the given schema kind. Empty input gives one empty paragraph. */
export function markdownToDoc(markdown: string, kind: 'text' | 'gloss'): PMNode {
  const parser = kind === 'text' ? textParser : glossParser;
  const doc = parser.parse(markdown);
  if (doc.childCount > 0) return doc;
  const schema = parser.schema;
  return schema.node('doc', null, [schema.node('paragraph')]);
}
