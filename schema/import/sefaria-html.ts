/**
 * The small HTML found inside Sefaria strings (`<b>`, `<i>`, `<br>`, `<small>`, `<sup>`,
 * footnotes) turned into ProseMirror inline content. It is a tokenizer, not an HTML parser:
 * tags it knows become marks or breaks, footnotes are dropped, every other tag is removed and
 * its text kept, and entities are decoded. No HTML ever reaches a document.
 */
import type { Mark, Node as PMNode, Schema } from 'prosemirror-model';

const markForTag: Record<string, string> = {
  b: 'strong',
  strong: 'strong',
  i: 'em',
  em: 'em',
  small: 'small_caps',
};

const namedEntities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  thinsp: '\u2009',
  ndash: '\u2013',
  mdash: '\u2014',
};

/** Decodes the HTML entities Sefaria strings use; an unknown entity stays as written. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return namedEntities[name.toLowerCase()] ?? whole;
  });
}

/** Removes every tag and decodes entities: the plain words of a Sefaria string. */
export function stripSefariaHtml(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ''));
}

/**
 * Converts a Sefaria string into inline nodes of `schema`. Marks the schema lacks are skipped;
 * whitespace runs collapse to one space and the ends are trimmed, as a browser would show it.
 */
export function sefariaHtmlToInline(html: string, schema: Schema): PMNode[] {
  const out: PMNode[] = [];
  const open: string[] = []; // stack of open tag names
  let skipDepth = 0; // > 0 inside a footnote
  const tagRe = /<\s*(\/?)\s*([a-z][a-z0-9]*)([^>]*)>/gi;
  let last = 0;
  const pushText = (raw: string) => {
    if (skipDepth > 0 || raw.length === 0) return;
    let text = decodeEntities(raw).replace(/[ \t\r\n]+/g, ' ');
    // A run of spaces split by tags (or by a dropped footnote) is still one run, and a line
    // starts without one, as a browser shows it.
    const prev = out[out.length - 1];
    if (text[0] === ' ' && prev && (!prev.isText || prev.text!.endsWith(' '))) text = text.slice(1);
    if (!text) return;
    const marks: Mark[] = [];
    for (const tag of open) {
      const markName = markForTag[tag];
      const type = markName ? schema.marks[markName] : undefined;
      if (type) marks.push(type.create());
    }
    out.push(schema.text(text, marks));
  };
  for (let m = tagRe.exec(html); m; m = tagRe.exec(html)) {
    pushText(html.slice(last, m.index));
    last = m.index + m[0].length;
    const closing = m[1] === '/';
    const tag = m[2].toLowerCase();
    const attrs = m[3];
    if (tag === 'br') {
      if (skipDepth === 0) {
        // A line ends without a space either.
        const prev = out[out.length - 1];
        if (prev?.isText && prev.text!.endsWith(' ')) {
          if (prev.text!.length > 1) out[out.length - 1] = schema.text(prev.text!.slice(0, -1), prev.marks);
          else out.pop();
        }
        out.push(schema.node('hard_break'));
      }
      continue;
    }
    const isFootnote =
      (tag === 'i' && /class\s*=\s*["']?footnote\b/i.test(attrs)) ||
      (tag === 'sup' && /class\s*=\s*["']?footnote-marker/i.test(attrs));
    if (closing) {
      const idx = open.lastIndexOf(tag);
      if (idx >= 0) {
        const removed = open.splice(idx);
        skipDepth -= removed.filter((t) => t.startsWith('!')).length;
      } else {
        const fIdx = open.lastIndexOf('!' + tag);
        if (fIdx >= 0) {
          const removed = open.splice(fIdx);
          skipDepth -= removed.filter((t) => t.startsWith('!')).length;
        }
      }
      continue;
    }
    if (/\/\s*$/.test(attrs)) continue; // self-closing, not a br
    if (isFootnote) {
      open.push('!' + tag);
      skipDepth++;
    } else {
      open.push(tag);
    }
  }
  pushText(html.slice(last));
  return trimInline(out, schema);
}

/** Trims leading and trailing spaces of an inline run. */
function trimInline(nodes: PMNode[], schema: Schema): PMNode[] {
  const result = nodes.slice();
  while (result.length && result[0].isText) {
    const t = result[0].text!.replace(/^\s+/, '');
    if (t) {
      result[0] = schema.text(t, result[0].marks);
      break;
    }
    result.shift();
  }
  while (result.length && result[result.length - 1].isText) {
    const n = result[result.length - 1];
    const t = n.text!.replace(/\s+$/, '');
    if (t) {
      result[result.length - 1] = schema.text(t, n.marks);
      break;
    }
    result.pop();
  }
  return result;
}
