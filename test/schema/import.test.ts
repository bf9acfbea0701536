/**
 * The pure import code and the projection: Markdown, plain text, ProseMirror JSON and Sefaria
 * in; checked documents (safe links only, no raw HTML) out; and the plain-text projection with
 * its offset ↔ position conversions (README, "The API": the text projection).
 */
import fc from 'fast-check';
import type { Node as PMNode, Schema } from 'prosemirror-model';
import { describe, expect, it } from 'vitest';
import { glossSchema, safeHref, textSchema } from '../../schema/document.ts';
import { ContentError } from '../../schema/import/content-error.ts';
import { markdownToDoc } from '../../schema/import/markdown.ts';
import { checkDocument, docFromJSON, parseContent } from '../../schema/import/parse-content.ts';
import { plainToDoc } from '../../schema/import/plain.ts';
import { decodeEntities, sefariaHtmlToInline } from '../../schema/import/sefaria-html.ts';
import { commentLemma, parseSefariaFile, sefariaBaseToDoc, sefariaComments, sefariaDirection, sefariaLanguage } from '../../schema/import/sefaria.ts';
import { docToText, Projection } from '../../schema/projection.ts';

/** Every mark of a document as [mark name, attrs]. */
function marksOf(doc: PMNode): [string, Record<string, unknown>][] {
  const out: [string, Record<string, unknown>][] = [];
  doc.descendants((n) => {
    for (const m of n.marks) out.push([m.type.name, m.attrs]);
  });
  return out;
}

const para = (...content: unknown[]) => ({ type: 'paragraph', content });
const txt = (text: string, marks?: unknown[]) => (marks ? { type: 'text', text, marks } : { type: 'text', text });
const link = (href: unknown) => ({ type: 'link', attrs: { href } });

describe('safeHref', () => {
  it.each([
    ['http://example.org/a', 'http://example.org/a'],
    ['https://example.org/a?b=c#d', 'https://example.org/a?b=c#d'],
    ['HTTPS://Example.ORG/a b', 'https://example.org/a%20b'],
    ['mailto:someone@example.org', 'mailto:someone@example.org'],
    ['  https://padded.example/  ', 'https://padded.example/'],
  ])('keeps %j as %j', (href, expected) => {
    expect(safeHref(href)).toBe(expected);
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'ftp://example.org/',
    'blob:https://example.org/uuid',
    '/relative/path',
    '//evil.example/x',
    '#fragment',
    '',
    'not a url',
    `https://example.org/${'a'.repeat(2048)}`,
  ])('refuses %j', (href) => {
    expect(safeHref(href)).toBeNull();
  });

  it.each([42, null, undefined, {}, ['https://example.org/']])('refuses the non-string %j', (href) => {
    expect(safeHref(href)).toBeNull();
  });

  it('renders an unsafe href that slipped into a mark as "#"', () => {
    const mark = textSchema.marks.link.create({ href: 'javascript:alert(1)' });
    const spec = textSchema.marks.link.spec.toDOM!(mark, true) as unknown as [string, Record<string, string>];
    expect(spec[1].href).toBe('#');
    expect(spec[1].rel).toContain('noopener');
  });
});

describe('Markdown', () => {
  it('makes headings, paragraphs, emphasis, strong and hard breaks in a text', () => {
    const doc = markdownToDoc('## Title\n\nSome *em* and **strong**.  \nNext line.', 'text');
    expect(doc.toJSON()).toEqual({
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [txt('Title')] },
        para(txt('Some '), txt('em', [{ type: 'em' }]), txt(' and '), txt('strong', [{ type: 'strong' }]), txt('.'), { type: 'hard_break' }, txt('Next line.')),
      ],
    });
    expect(docToText(doc)).toBe('Title\nSome em and strong.\nNext line.');
  });

  it('keeps the structure of a text: lists, quotes, headings, emphasis and links (inline code stays literal)', () => {
    const doc = markdownToDoc(
      '# The Good\n\nThree kinds:\n\n- utility\n- pleasure\n- the *good*\n\n2. second\n\n> a [quoted](https://example.org) line\n\n`code`',
      'text',
    );
    expect(doc.content.content.map((n) => n.type.name)).toEqual(['heading', 'paragraph', 'bullet_list', 'ordered_list', 'blockquote', 'paragraph']);
    expect(doc.child(2).childCount).toBe(3);
    expect(doc.child(3).attrs.order).toBe(2);
    expect(marksOf(doc).map(([name]) => name)).toEqual(['em', 'link']);
    // Each list item and quoted line is a block of the projection, as in a gloss: no "- " or "> ".
    expect(docToText(doc)).toBe('The Good\nThree kinds:\nutility\npleasure\nthe good\nsecond\na quoted line\n`code`');
    checkDocument(doc);
  });

  it('makes lists, quotes and inline code in a gloss, and headings into paragraphs', () => {
    const doc = markdownToDoc('# Head\n\n- one\n- two\n\n3. three\n\n> quoted\n\n```\nblock\n```\n\nSome `code`.', 'gloss');
    expect(doc.content.content.map((n) => n.type.name)).toEqual(['paragraph', 'bullet_list', 'ordered_list', 'blockquote', 'paragraph', 'paragraph']);
    expect(doc.child(2).attrs.order).toBe(3);
    expect(marksOf(doc).map(([name]) => name)).toEqual(['code']);
    expect(docToText(doc)).toBe('Head\none\ntwo\nthree\nquoted\nblock\nSome code.');
    checkDocument(doc);
  });

  it.each(['text', 'gloss'] as const)('never interprets raw HTML (%s)', (kind) => {
    const doc = markdownToDoc('<script>alert(1)</script>\n\nA <b>bold</b> <img src=x onerror=alert(1)> word', kind);
    expect(marksOf(doc)).toEqual([]);
    expect(docToText(doc)).toBe('<script>alert(1)</script>\nA <b>bold</b> <img src=x onerror=alert(1)> word');
  });

  it.each(['text', 'gloss'] as const)('keeps safe links and leaves unsafe ones as plain text (%s)', (kind) => {
    const doc = markdownToDoc('[a](https://example.org/) [b](javascript:alert(1)) [c](mailto:x@example.org) [d](data:text/html,x) [e](/relative)', kind);
    expect(marksOf(doc)).toEqual([
      ['link', { href: 'https://example.org/', title: null }],
      ['link', { href: 'mailto:x@example.org', title: null }],
    ]);
    expect(docToText(doc)).toContain('[b](javascript:alert(1))');
    checkDocument(doc);
  });

  it('gives one empty paragraph for empty input', () => {
    expect(markdownToDoc('', 'text').toJSON()).toEqual({ type: 'doc', content: [{ type: 'paragraph' }] });
    expect(markdownToDoc('   \n\n', 'gloss').toJSON()).toEqual({ type: 'doc', content: [{ type: 'paragraph' }] });
  });
});

describe('plain text', () => {
  it('splits paragraphs on blank lines and keeps single line breaks as hard breaks', () => {
    const doc = plainToDoc('One\ntwo\n\n  \n\nThree', 'text');
    expect(doc.toJSON()).toEqual({ type: 'doc', content: [para(txt('One'), { type: 'hard_break' }, txt('two')), para(txt('Three'))] });
    expect(docToText(doc)).toBe('One\ntwo\nThree');
  });

  it('normalizes CRLF and CR line endings', () => {
    expect(docToText(plainToDoc('a\r\nb\r\n\r\nc\r\rd', 'text'))).toBe('a\nb\nc\nd');
    expect(plainToDoc('a\r\nb', 'gloss').child(0).childCount).toBe(3);
  });

  it('keeps Markdown and HTML characters literal', () => {
    const doc = plainToDoc('*not em* <b>not bold</b> [not](javascript:link)', 'text');
    expect(marksOf(doc)).toEqual([]);
    expect(docToText(doc)).toBe('*not em* <b>not bold</b> [not](javascript:link)');
  });

  it('gives one empty paragraph for empty or blank input', () => {
    for (const input of ['', '\n\n\n', '  \n \t\n']) {
      expect(plainToDoc(input, 'text').toJSON()).toEqual({ type: 'doc', content: [{ type: 'paragraph' }] });
    }
  });
});

describe('ProseMirror JSON', () => {
  const good = { type: 'doc', content: [{ type: 'segment', attrs: { ref: '1:1' }, content: [txt('Verse', [link('https://example.org/')])] }] };

  it('accepts a checked document, as an object or as a string', () => {
    for (const content of [good, JSON.stringify(good)]) {
      const doc = parseContent('prosemirror', content, 'text');
      expect(doc.toJSON()).toEqual({ type: 'doc', content: [{ type: 'segment', attrs: { ref: '1:1' }, content: [txt('Verse', [{ type: 'link', attrs: { href: 'https://example.org/', title: null } }])] }] });
    }
  });

  const deep = (levels: number) => {
    let node: Record<string, unknown> = { type: 'paragraph' };
    for (let i = 0; i < levels; i++) node = { type: 'blockquote', content: [node] };
    return { type: 'doc', content: [node] };
  };

  it.each<[string, unknown, 'text' | 'gloss']>([
    ['a javascript: link', { type: 'doc', content: [para(txt('x', [link('javascript:alert(1)')]))] }, 'text'],
    ['a javascript: link in a gloss list', { type: 'doc', content: [{ type: 'bullet_list', content: [{ type: 'list_item', content: [para(txt('x', [link(' JAVASCRIPT:alert(1)')]))] }] }] }, 'gloss'],
    ['a link with no href', { type: 'doc', content: [para(txt('x', [{ type: 'link' }]))] }, 'text'],
    ['a link whose href is not a string', { type: 'doc', content: [para(txt('x', [link(['https://example.org/'])]))] }, 'text'],
    ['an unknown node', { type: 'doc', content: [{ type: 'image', attrs: { src: 'x' } }] }, 'text'],
    ['an unknown mark', { type: 'doc', content: [para(txt('x', [{ type: 'script' }]))] }, 'gloss'],
    ['a text-only node in a gloss', good, 'gloss'],
    ['a gloss-only node in a text', { type: 'doc', content: [{ type: 'bullet_list', content: [] }] }, 'text'],
    ['a code mark in a text', { type: 'doc', content: [para(txt('x', [{ type: 'code' }]))] }, 'text'],
    ['invalid content (text directly in doc)', { type: 'doc', content: [txt('loose')] }, 'text'],
    ['an empty doc', { type: 'doc', content: [] }, 'text'],
    ['a paragraph as the top node', para(txt('x')), 'text'],
    ['an empty text node', { type: 'doc', content: [para(txt(''))] }, 'text'],
    ['a heading level that is not a number', { type: 'doc', content: [{ type: 'heading', attrs: { level: '<h1>' }, content: [] }] }, 'text'],
    ['a duplicated segment ref', { type: 'doc', content: [{ type: 'segment', attrs: { ref: 'a' } }, { type: 'segment', attrs: { ref: 'a' } }] }, 'text'],
    ['an empty segment ref', { type: 'doc', content: [{ type: 'segment', attrs: { ref: '' } }] }, 'text'],
    ['a segment ref of 65 characters', { type: 'doc', content: [{ type: 'segment', attrs: { ref: 'a'.repeat(65) } }] }, 'text'],
    ['a segment ref with markup', { type: 'doc', content: [{ type: 'segment', attrs: { ref: '<b>1</b>' } }] }, 'text'],
    ['a segment without a ref', { type: 'doc', content: [{ type: 'segment' }] }, 'text'],
    ['nesting deeper than 64 levels', deep(70), 'gloss'],
    ['null', null, 'text'],
    ['a string that is not JSON', '{"type":"doc"', 'text'],
  ])('refuses %s with a ContentError', (_, json, kind) => {
    expect(() => parseContent('prosemirror', json, kind)).toThrow(ContentError);
  });

  it('accepts nesting up to the limit', () => {
    expect(() => docFromJSON({ type: 'doc', content: [{ type: 'blockquote', content: [{ type: 'blockquote', content: [para(txt('x'))] }] }] }, 'gloss')).not.toThrow();
  });
});

describe('parseContent', () => {
  it('refuses a non-string for Markdown and plain text, Sefaria for a gloss, and an unknown format', () => {
    expect(() => parseContent('markdown', { a: 1 }, 'text')).toThrow(ContentError);
    expect(() => parseContent('plain', 42, 'gloss')).toThrow(ContentError);
    expect(() => parseContent('sefaria', { title: 'X', text: ['a'] }, 'gloss')).toThrow(ContentError);
    expect(() => parseContent('docx' as never, 'x', 'text')).toThrow(ContentError);
  });

  it('accepts a Sefaria file as a JSON string', () => {
    const doc = parseContent('sefaria', JSON.stringify({ title: 'X', text: [['a', 'b']] }), 'text');
    expect(new Projection(doc).segments.map((s) => s.ref)).toEqual(['1:1', '1:2']);
  });
});

describe('Sefaria', () => {
  /** The inline content as a paragraph's JSON content (adjacent text with the same marks joined). */
  const inline = (html: string, schema: Schema = textSchema) => schema.node('paragraph', null, sefariaHtmlToInline(html, schema)).toJSON().content ?? [];

  it('turns <b>, <i>, <small> and <br> into marks and breaks', () => {
    expect(inline('<b>Bold <i>both</i></b> plain<br>next <small>Lord</small>')).toEqual([
      txt('Bold ', [{ type: 'strong' }]),
      txt('both', [{ type: 'em' }, { type: 'strong' }]),
      txt(' plain'),
      { type: 'hard_break' },
      txt('next '),
      txt('Lord', [{ type: 'small_caps' }]),
    ]);
    // The gloss schema has no small caps: the words stay, the mark goes.
    expect(inline('<small>Lord</small>', glossSchema)).toEqual([txt('Lord')]);
  });

  it('drops footnotes, strips other tags keeping their text, and never keeps HTML', () => {
    const nodes = inline('Word<sup class="footnote-marker">1</sup><i class="footnote">A <b>note</b>.</i> goes <span class="x">on</span> <a href="javascript:alert(1)">here</a><script>alert(2)</script>.');
    expect(nodes).toEqual([txt('Word goes on herealert(2).')]);
  });

  it('decodes entities, leaving unknown and invalid ones as written', () => {
    expect(decodeEntities('&amp; &lt;b&gt; &quot;q&quot; &#1488;&#x5D1; &nbsp;&mdash; &AMP;')).toBe('& <b> "q" אב \u00a0— &');
    expect(decodeEntities('&bogus; &#xD800; &#0; &#x110000;')).toBe('&bogus; &#xD800; &#0; &#x110000;');
    // A decoded "<b>" is text, not a tag.
    expect(inline('&lt;b&gt;not bold&lt;/b&gt;')).toEqual([txt('<b>not bold</b>')]);
  });

  it('collapses whitespace as a browser shows it, across tags and around breaks', () => {
    expect(inline('  a \n\t b  ')).toEqual([txt('a b')]);
    expect(inline('one <b> two</b> three')).toEqual([txt('one '), txt('two', [{ type: 'strong' }]), txt(' three')]);
    expect(inline('Word <sup class="footnote-marker">1</sup><i class="footnote">note</i> next')).toEqual([txt('Word next')]);
    expect(inline('line <br> next')).toEqual([txt('line'), { type: 'hard_break' }, txt('next')]);
    expect(docToText(sefariaBaseToDoc(parseSefariaFile({ title: 'X', text: ['a  <i> b </i>  <br/>  c'] })))).toBe('a b\nc');
  });

  it('makes one segment per non-empty leaf, with refs from the path', () => {
    const file = parseSefariaFile({
      title: 'Tiny',
      language: 'en',
      text: [['One', '', 'Three'], [], ['<br>', 'Two-two']],
    });
    const doc = sefariaBaseToDoc(file);
    const p = new Projection(doc);
    expect(p.segments.map((s) => [s.ref, p.text.slice(s.start, s.end)])).toEqual([
      ['1:1', 'One'],
      ['1:3', 'Three'],
      ['3:2', 'Two-two'],
    ]);
    checkDocument(doc);
    expect(new Projection(sefariaBaseToDoc(parseSefariaFile({ title: 'Flat', text: ['a', 'b'] }))).segments.map((s) => s.ref)).toEqual(['1', '2']);
  });

  it('refuses files that are not Sefaria exports, or have no text', () => {
    for (const value of [null, 'text', { text: [] }, { title: '', text: [] }, { title: 'X', text: 'flat' }, { title: 'X', text: [1, 2] }]) {
      expect(() => parseSefariaFile(value), JSON.stringify(value)).toThrow(ContentError);
    }
    expect(() => sefariaBaseToDoc(parseSefariaFile({ title: 'X', text: [['', '  '], [], ['<b></b>']] }))).toThrow(ContentError);
  });

  it('refuses a text nested absurdly deep without overflowing the stack', () => {
    let text: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) text = [text];
    expect(() => parseSefariaFile({ title: 'Deep', text })).toThrow(ContentError);
  });

  it('reads language and direction', () => {
    expect(sefariaLanguage(parseSefariaFile({ title: 'X', text: [] }))).toBe('en');
    expect(sefariaLanguage(parseSefariaFile({ title: 'X', language: 'en', actualLanguage: 'arc', text: [] }))).toBe('arc');
    expect(sefariaDirection(parseSefariaFile({ title: 'X', language: 'he', text: [] }))).toBe('rtl');
    expect(sefariaDirection(parseSefariaFile({ title: 'X', language: 'en', text: [] }))).toBe('ltr');
    expect(sefariaDirection(parseSefariaFile({ title: 'X', language: 'he', direction: 'ltr', text: [] }))).toBe('ltr');
  });

  it('splits a commentary into comments on base segments, with their lemmas', () => {
    const file = parseSefariaFile({
      title: 'Bartenura on Tiny',
      text: [[['<b>משה קבל.</b> From Sinai.', 'Second comment.'], []], [['Moses received – the Torah.']]],
    });
    const comments = sefariaComments(file, 2);
    expect(comments.map((c) => [c.baseRef, c.ref, c.lemma, docToText(c.doc)])).toEqual([
      ['1:1', '1:1:1', 'משה קבל.', 'משה קבל. From Sinai.'],
      ['1:1', '1:1:2', null, 'Second comment.'],
      ['2:1', '2:1:1', 'Moses received', 'Moses received – the Torah.'],
    ]);
    for (const c of comments) checkDocument(c.doc);
    expect(() => sefariaComments(parseSefariaFile({ title: 'Flat', text: [['not deep enough']] }), 2)).toThrow(ContentError);
  });

  it('takes no lemma longer than 200 characters', () => {
    expect(commentLemma(`<b>${'a'.repeat(200)}</b> x`)).toBe('a'.repeat(200));
    expect(commentLemma(`<b>${'a'.repeat(201)}</b> x`)).toBeNull();
    expect(commentLemma('No dash here.')).toBeNull();
  });
});

describe('the projection', () => {
  const doc = textSchema.nodeFromJSON({
    type: 'doc',
    content: [
      { type: 'heading', attrs: { level: 1 }, content: [txt('Title')] },
      { type: 'segment', attrs: { ref: '1' }, content: [txt('Ab'), { type: 'hard_break' }, txt('c𝔸d', [{ type: 'em' }])] },
      { type: 'paragraph' },
      { type: 'segment', attrs: { ref: '2' }, content: [txt('😀')] },
    ],
  });
  const p = new Projection(doc);

  it('joins blocks with one "\\n", counts a hard break as "\\n", and counts UTF-16', () => {
    expect(p.text).toBe('Title\nAb\nc𝔸d\n\n😀');
    expect(p.text.length).toBe(17);
    expect(p.segments).toEqual([
      { ref: '1', start: 6, end: 13 },
      { ref: '2', start: 15, end: 17 },
    ]);
  });

  it('maps offsets to positions and back', () => {
    // "T" of Title is at position 1; "A" of Ab at 8 (heading is 7 wide: 1 + 5 + 1).
    expect(p.posAt(0)).toBe(1);
    expect(p.posAt(6)).toBe(8);
    expect(doc.textBetween(p.posAt(6), p.posAt(8))).toBe('Ab');
    expect(doc.textBetween(p.posAt(9), p.posAt(13))).toBe('c𝔸d');
    // A separator offset belongs to the end of the block before it.
    expect(p.posAt(5)).toBe(6);
    expect(p.offsetAt(p.posAt(5))).toBe(5);
    // A position between blocks counts as the end of the block before it.
    expect(p.offsetAt(7)).toBe(5);
    expect(p.offsetAt(0)).toBe(0);
    expect(p.offsetAt(doc.content.size)).toBe(p.text.length);
    for (let o = 0; o <= p.text.length; o++) expect(p.offsetAt(p.posAt(o)), `offset ${o}`).toBe(o);
  });

  it('throws a RangeError outside the text or the document', () => {
    expect(() => p.posAt(-1)).toThrow(RangeError);
    expect(() => p.posAt(p.text.length + 1)).toThrow(RangeError);
    expect(() => p.posAt(1.5)).toThrow(RangeError);
    expect(() => p.offsetAt(doc.content.size + 1)).toThrow(RangeError);
  });

  it('finds the segment of an offset', () => {
    expect(p.segmentAt(0)).toBeNull();
    expect(p.segmentAt(6)?.ref).toBe('1');
    expect(p.segmentAt(13)?.ref).toBe('1');
    expect(p.segmentAt(14)).toBeNull();
    expect(p.segmentAt(16)?.ref).toBe('2');
  });

  it('projects nested gloss blocks in document order', () => {
    const body = markdownToDoc('Intro\n\n> quoted *line*\n\n- one\n  - nested\n- two', 'gloss');
    expect(docToText(body)).toBe('Intro\nquoted line\none\nnested\ntwo');
    const q = new Projection(body);
    for (let o = 0; o <= q.text.length; o++) expect(q.offsetAt(q.posAt(o))).toBe(o);
    const at = q.text.indexOf('nested');
    expect(body.textBetween(q.posAt(at), q.posAt(at + 6))).toBe('nested');
  });

  it('round-trips every offset, and each character sits at its position, for any flat text', () => {
    const chars = fc.constantFrom('a', 'b', ' ', 'א', 'ְ', '𝔸', '😀', '\u0301');
    const inlineArb = fc.array(fc.oneof(fc.string({ unit: chars, minLength: 1, maxLength: 6 }), fc.constant('\n')), { maxLength: 6 });
    const blockArb = fc.tuple(fc.constantFrom('paragraph', 'heading', 'segment'), inlineArb);
    fc.assert(
      fc.property(fc.array(blockArb, { minLength: 1, maxLength: 6 }), (blocks) => {
        const json = {
          type: 'doc',
          content: blocks.map(([type, parts], i) => ({
            type,
            ...(type === 'segment' ? { attrs: { ref: `s${i}` } } : {}),
            content: parts.map((s) => (s === '\n' ? { type: 'hard_break' } : txt(s))),
          })),
        };
        const d = textSchema.nodeFromJSON(json);
        const proj = new Projection(d);
        const expected = blocks.map(([, parts]) => parts.join('')).join('\n');
        expect(proj.text).toBe(expected);
        for (let o = 0; o <= proj.text.length; o++) {
          expect(proj.offsetAt(proj.posAt(o))).toBe(o);
          if (o < proj.text.length && proj.text[o] !== '\n') {
            expect(d.textBetween(proj.posAt(o), proj.posAt(o + 1))).toBe(proj.text[o]);
          }
        }
        for (const s of proj.segments) {
          const i = Number(s.ref.slice(1));
          expect(proj.text.slice(s.start, s.end)).toBe(blocks[i][1].join(''));
        }
      }),
      { numRuns: 200 },
    );
  });
});
