/**
 * A post's HTML from another server (Mastodon, Lemmy's rendering, …) as Markdown that Daf's own
 * parser reads: paragraphs, line breaks, emphasis, strong emphasis and links (http, https and
 * mailto only) are kept; every other tag is dropped and its words kept; the words themselves are
 * escaped, so nothing in them is read as Markdown. No markup from elsewhere reaches the page:
 * what comes out is parsed by the gloss schema like anything a member types.
 */
import { safeHref } from '../document.ts';
import { escapeMarkdown } from '../w3c.ts';
import { decodeEntities } from './sefaria-html.ts';

const blockTags = new Set(['p', 'div', 'blockquote', 'li', 'ul', 'ol', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

export function remoteHtmlToMarkdown(html: string): string {
  let out = '';
  // Open links: the href of each (null for one not kept: its words are) and where its `[` is.
  const links: { href: string | null; at: number }[] = [];
  let emphasis = 0;
  let strong = 0;
  const tagRe = /<\s*(\/?)\s*([a-z][a-z0-9]*)([^>]*)>/gi;
  let last = 0;
  const text = (raw: string) => {
    const words = decodeEntities(raw).replace(/[ \t\r\n]+/g, ' ');
    out += escapeMarkdown(out === '' || out.endsWith('\n') ? words.replace(/^ /, '') : words);
  };
  for (let m = tagRe.exec(html); m; m = tagRe.exec(html)) {
    text(html.slice(last, m.index));
    last = m.index + m[0].length;
    const closing = m[1] === '/';
    const tag = m[2].toLowerCase();
    if (tag === 'br') {
      out = out.replace(/ +$/, '');
      if (out !== '' && !out.endsWith('\n')) out += '\\\n';
    } else if (blockTags.has(tag)) {
      // Emphasis does not cross a paragraph in Markdown: what is open ends with it.
      out = out.replace(/ +$/, '') + '*'.repeat(emphasis) + '**'.repeat(strong);
      emphasis = 0;
      strong = 0;
      if (out !== '' && !out.endsWith('\n\n')) out += out.endsWith('\n') ? '\n' : '\n\n';
    } else if (tag === 'em' || tag === 'i') {
      if (closing ? emphasis > 0 : true) {
        emphasis += closing ? -1 : 1;
        out += '*';
      }
    } else if (tag === 'strong' || tag === 'b') {
      if (closing ? strong > 0 : true) {
        strong += closing ? -1 : 1;
        out += '**';
      }
    } else if (tag === 'a') {
      if (!closing) {
        const href = /\bhref\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(m[3]);
        const safe = href ? safeHref(decodeEntities(href[2] ?? href[3] ?? href[4] ?? '')) : null;
        links.push({ href: safe, at: out.length });
        if (safe !== null) out += '[';
      } else if (links.length > 0) {
        const { href } = links.pop()!;
        if (href !== null) out += `](<${href.replace(/[<>\\]/g, encodeURIComponent)}>)`;
      }
    }
  }
  text(html.slice(last));
  // A link never closed is no link: its `[` goes. Emphasis left open is closed.
  for (const { href, at } of links.reverse()) if (href !== null) out = out.slice(0, at) + out.slice(at + 1);
  out = out.replace(/\s+$/, '') + '*'.repeat(emphasis) + '**'.repeat(strong);
  return out.trim();
}
