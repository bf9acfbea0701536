/**
 * HTML → a central text: an article saved from the web, or what a `.docx` became (docx.ts).
 *
 * Three well-kept libraries do the work, each what it is known for, over one spec-conformant
 * parse (jsdom's, which never runs the page's scripts):
 *  1. Mozilla's Readability (Firefox's reader view) keeps the reading content of a page — the
 *     article, not its menus, footers and comment forms. A page too short for it to judge is kept
 *     whole (its body).
 *  2. DOMPurify removes everything that is not reading matter, with an allowlist: scripts,
 *     styles, iframes, forms, images, event handlers, classes and `style` attributes all go, and
 *     links keep only their address.
 *  3. ProseMirror's DOMParser, through the text schema's own parse rules (schema/document.ts),
 *     makes the document: headings, paragraphs, block quotations, lists, emphasis and links keep
 *     their structure; anything else becomes the text it holds. A link that is not http, https
 *     or mailto stays as plain text (the link mark refuses it).
 *
 * This module is loaded only on a worker thread (server/work/tasks.ts): the DOM is heavy, and a
 * hostile page costs that thread, never the server's.
 */
import { Readability } from '@mozilla/readability';
import createDOMPurify from 'dompurify';
import { JSDOM } from 'jsdom';
import { DOMParser as PMDOMParser, type Node as PMNode } from 'prosemirror-model';
import { textSchema } from '../../schema/document.ts';
import { ContentError } from '../../schema/import/content-error.ts';

/** The elements that carry reading matter; every other element but the containers below is removed with what it holds. */
const allowedTags = ['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'ol', 'li', 'em', 'i', 'strong', 'b', 'a', 'br', 'small'];
/** Containers whose words are kept: ProseMirror's parser reads a block container (a `div`, a cell) as a break between paragraphs and an inline one as its words. */
const unwrappedTags = ['div', 'span', 'section', 'article', 'main', 'header', 'figure', 'figcaption', 'cite', 'q', 'u', 'sup', 'sub', 'abbr', 'time', 'mark', 'dl', 'dt', 'dd', 'center', 'font', 'pre', 'code', 'table', 'thead', 'tbody', 'tfoot'];
const allowedAttributes = ['href', 'start', 'title'];

/** The reading content of an HTML page as a text document; ContentError when nothing readable is left. */
export function htmlToDoc(source: string): PMNode {
  const { window } = new JSDOM(source); // scripts never run: jsdom's default
  try {
    const document = window.document;
    const article = new Readability(document.cloneNode(true) as Document, { charThreshold: 200, keepClasses: false }).parse();
    const reading = article?.content ?? document.body?.innerHTML ?? '';
    const purify = createDOMPurify(window as unknown as Parameters<typeof createDOMPurify>[0]);
    const clean = purify.sanitize(reading, {
      ALLOWED_TAGS: ['body', '#text', ...allowedTags, ...unwrappedTags, 'tr', 'td', 'th'],
      ALLOWED_ATTR: allowedAttributes,
      ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
      KEEP_CONTENT: false,
      RETURN_DOM: true,
    });
    rowsToParagraphs(clean);
    const doc = PMDOMParser.fromSchema(textSchema).parse(clean);
    if (doc.textContent.trim() === '') throw new ContentError('This HTML has no text to read');
    return doc;
  } finally {
    window.close();
  }
}

/** A table row becomes a paragraph of its cells' words, separated by " · " (the schema has no tables). */
function rowsToParagraphs(root: Element): void {
  for (const row of Array.from(root.querySelectorAll('tr'))) {
    const p = row.ownerDocument.createElement('p');
    p.textContent = Array.from(row.querySelectorAll('td, th'), (cell) => cell.textContent?.replace(/\s+/g, ' ').trim() ?? '')
      .filter(Boolean)
      .join(' · ');
    row.replaceWith(p);
  }
}
