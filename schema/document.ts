/**
 * The two ProseMirror schemas of Daf.
 *
 * `textSchema` is for central texts: headings, paragraphs, `segment` blocks that carry a
 * canonical `ref` (a verse, a mishnah), block quotations and lists, hard breaks, and a few marks.
 * Segments are textblocks; quotations and lists hold textblocks; the projection counts every
 * textblock in document order, so the segment map stays simple.
 *
 * `glossSchema` is for gloss and reply bodies: paragraphs, blockquotes, lists, hard breaks, and
 * emphasis, strong, inline code and links.
 *
 * Links accept only http, https and mailto URLs; anything else is refused when a document is
 * checked (see `safeHref`). Rendering always goes through these schemas' `toDOM`, so there is no
 * path by which stored HTML reaches a page.
 */
import { Schema, type MarkSpec, type NodeSpec } from 'prosemirror-model';

/** Link schemes allowed in any document. Everything else (javascript:, data:, …) is refused. */
export const allowedLinkSchemes = ['http:', 'https:', 'mailto:'] as const;

/**
 * Returns the URL if it is an absolute http, https or mailto URL, and `null` otherwise.
 * Used by the schemas' link marks and by every importer.
 */
export function safeHref(href: unknown): string | null {
  if (typeof href !== 'string' || href.length > 2048) return null;
  let url: URL;
  try {
    url = new URL(href.trim());
  } catch {
    return null;
  }
  return (allowedLinkSchemes as readonly string[]).includes(url.protocol) ? url.href : null;
}

const hardBreak: NodeSpec = {
  inline: true,
  group: 'inline',
  selectable: false,
  leafText: () => '\n',
  parseDOM: [{ tag: 'br' }],
  toDOM: () => ['br'],
};

const paragraph: NodeSpec = {
  content: 'inline*',
  group: 'block',
  parseDOM: [{ tag: 'p' }],
  toDOM: () => ['p', 0],
};

const baseMarks: Record<string, MarkSpec> = {
  em: {
    parseDOM: [{ tag: 'i' }, { tag: 'em' }],
    toDOM: () => ['em', 0],
  },
  strong: {
    parseDOM: [{ tag: 'b' }, { tag: 'strong' }],
    toDOM: () => ['strong', 0],
  },
  link: {
    attrs: { href: { validate: 'string' }, title: { default: null } },
    inclusive: false,
    parseDOM: [
      {
        tag: 'a[href]',
        getAttrs: (dom) => {
          const href = safeHref((dom as HTMLElement).getAttribute('href'));
          return href ? { href, title: (dom as HTMLElement).getAttribute('title') } : false;
        },
      },
    ],
    toDOM: (mark) => {
      const href = safeHref(mark.attrs.href) ?? '#';
      return ['a', { href, title: mark.attrs.title, rel: 'noopener noreferrer nofollow' }, 0];
    },
  },
};

/**
 * Quotations and lists, in both schemas: a central text keeps the structure of its source (a
 * Markdown list stays a list), and a gloss body has it too. Their textblocks are counted in the
 * projection like any other, in document order.
 */
const structureNodes: Record<string, NodeSpec> = {
  blockquote: {
    content: 'block+',
    group: 'block',
    defining: true,
    parseDOM: [{ tag: 'blockquote' }],
    toDOM: () => ['blockquote', 0],
  },
  bullet_list: {
    content: 'list_item+',
    group: 'block',
    parseDOM: [{ tag: 'ul' }],
    toDOM: () => ['ul', 0],
  },
  ordered_list: {
    attrs: { order: { default: 1, validate: 'number' } },
    content: 'list_item+',
    group: 'block',
    parseDOM: [
      {
        tag: 'ol',
        getAttrs: (dom) => ({ order: Number((dom as HTMLElement).getAttribute('start') ?? 1) || 1 }),
      },
    ],
    toDOM: (node) => (node.attrs.order === 1 ? ['ol', 0] : ['ol', { start: node.attrs.order }, 0]),
  },
  list_item: {
    content: 'paragraph block*',
    defining: true,
    parseDOM: [{ tag: 'li' }],
    toDOM: () => ['li', 0],
  },
};

/** The schema of central texts. */
export const textSchema = new Schema({
  nodes: {
    doc: { content: 'block+' },
    paragraph,
    heading: {
      attrs: { level: { default: 1, validate: 'number' } },
      content: 'inline*',
      group: 'block',
      defining: true,
      parseDOM: [1, 2, 3, 4, 5, 6].map((level) => ({ tag: `h${level}`, attrs: { level } })),
      toDOM: (node) => [`h${node.attrs.level}`, 0],
    },
    segment: {
      attrs: { ref: { validate: 'string' } },
      content: 'inline*',
      group: 'block',
      parseDOM: [
        {
          tag: 'p[data-ref]',
          getAttrs: (dom) => ({ ref: (dom as HTMLElement).getAttribute('data-ref') }),
        },
      ],
      toDOM: (node) => ['p', { 'data-ref': node.attrs.ref, class: 'segment' }, 0],
    },
    ...structureNodes,
    text: { group: 'inline' },
    hard_break: hardBreak,
  },
  marks: {
    ...baseMarks,
    small_caps: {
      parseDOM: [{ tag: 'span.small-caps' }, { tag: 'small' }],
      toDOM: () => ['span', { class: 'small-caps' }, 0],
    },
  },
});

/** The schema of gloss and reply bodies. */
export const glossSchema = new Schema({
  nodes: {
    doc: { content: 'block+' },
    paragraph,
    ...structureNodes,
    text: { group: 'inline' },
    hard_break: hardBreak,
  },
  marks: {
    ...baseMarks,
    code: {
      code: true,
      parseDOM: [{ tag: 'code' }],
      toDOM: () => ['code', 0],
    },
  },
});

/** Which of the two schemas a document belongs to. */
export type DocumentKind = 'text' | 'gloss';

/** The schema for a document kind. */
export function schemaFor(kind: DocumentKind): Schema {
  return kind === 'text' ? textSchema : glossSchema;
}
