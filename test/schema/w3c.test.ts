import { describe, expect, it } from 'vitest';
import { CodePointIndex } from '../../schema/code-points.ts';
import { markdownToDoc } from '../../schema/import/markdown.ts';
import { Projection } from '../../schema/projection.ts';
import {
  annoContext,
  dafContext,
  DafUrls,
  glossToAnnotation,
  incomingAnnotationShape,
  readAnnotation,
  stanceToAnnotation,
  type GlossForExport,
  type IncomingAnnotation,
} from '../../schema/w3c.ts';

const urls = new DafUrls('https://daf.example.org');

/** A text with astral characters (an emoji and a mathematical letter) before the quoted words. */
const text = '😀 𝔸 is a letter.\nLet there be light, and there was light.';
const quote = 'there was light';

function gloss(overrides: Partial<GlossForExport> = {}): GlossForExport {
  const start = text.indexOf(quote);
  return {
    id: 7,
    textSlug: 'genesis',
    layerSlug: 'notes',
    targetGloss: null,
    motivation: 'commenting',
    created: '2024-01-01T00:00:00.000Z',
    updated: '2024-01-02T00:00:00.000Z',
    author: { handle: 'ada', name: 'Ada L.' },
    bodyDoc: markdownToDoc('A *fine* note.', 'gloss').toJSON(),
    selectors: { exact: quote, prefix: 'light, and ', suffix: '.', start, end: start + quote.length, segment: '1:2' },
    ...overrides,
  };
}

function selectorsOf(annotation: Record<string, unknown>): Record<string, any>[] {
  return (annotation.target as { selector: Record<string, any>[] }).selector;
}

/** Reads an annotation as the server does: checked by the zod shape first. */
function read(value: unknown) {
  return readAnnotation(incomingAnnotationShape.parse(value) as IncomingAnnotation);
}

/** What a Markdown body becomes once stored: the projection of its gloss-schema document. */
function stored(markdown: string): string {
  return new Projection(markdownToDoc(markdown, 'gloss')).text;
}

describe('glossToAnnotation', () => {
  const annotation = glossToAnnotation(gloss(), urls, new CodePointIndex(text));

  it('is a W3C Annotation with ids under the container, a creator and a Markdown body', () => {
    expect(annotation['@context']).toBe(annoContext);
    expect(annotation.type).toBe('Annotation');
    expect(annotation.id).toBe('https://daf.example.org/annotations/genesis/notes/7');
    expect(annotation.motivation).toBe('commenting');
    expect(annotation.created).toBe('2024-01-01T00:00:00.000Z');
    expect(annotation.modified).toBe('2024-01-02T00:00:00.000Z');
    expect(annotation.creator).toMatchObject({ type: 'Person', nickname: 'ada', name: 'Ada L.', id: 'https://daf.example.org/u/ada' });
    expect(annotation.body).toEqual({ type: 'TextualBody', value: 'A *fine* note.', format: 'text/markdown' });
    expect((annotation.target as { source: string }).source).toBe('https://daf.example.org/t/genesis');
  });

  it('emits a TextQuoteSelector with the quote and its context', () => {
    const q = selectorsOf(annotation).find((s) => s.type === 'TextQuoteSelector');
    expect(q).toEqual({ type: 'TextQuoteSelector', exact: quote, prefix: 'light, and ', suffix: '.' });
  });

  it('counts the TextPositionSelector in code points, not UTF-16 units', () => {
    const p = selectorsOf(annotation).find((s) => s.type === 'TextPositionSelector')!;
    const unitStart = text.indexOf(quote);
    // Two astral characters precede the quote: each is two UTF-16 units but one code point.
    expect(p.start).toBe(unitStart - 2);
    expect(p.end).toBe(unitStart - 2 + quote.length);
    expect([...text].slice(p.start, p.end).join('')).toBe(quote);
  });

  it('emits a FragmentSelector naming the segment, refined by the quote', () => {
    const f = selectorsOf(annotation).find((s) => s.type === 'FragmentSelector')!;
    expect(f.value).toBe('1:2');
    expect(f.conformsTo).toBe(urls.segmentSpec());
    expect(f.refinedBy).toEqual({ type: 'TextQuoteSelector', exact: quote, prefix: 'light, and ', suffix: '.' });
  });

  it('omits the FragmentSelector without a segment, and the body when it is empty', () => {
    const a = glossToAnnotation(
      gloss({ selectors: { ...gloss().selectors, segment: null }, bodyDoc: markdownToDoc('', 'gloss').toJSON(), motivation: 'highlighting' }),
      urls,
      new CodePointIndex(text),
    );
    expect(selectorsOf(a).map((s) => s.type)).toEqual(['TextQuoteSelector', 'TextPositionSelector']);
    expect(a.body).toBeUndefined();
    expect(a.motivation).toBe('highlighting');
  });

  it('targets the annotation of the gloss it comments on', () => {
    const body = 'The gloss 😀 body';
    const a = glossToAnnotation(
      gloss({ targetGloss: { id: 3, layerSlug: 'rashi' }, selectors: { exact: 'body', prefix: '😀 ', suffix: '', start: 13, end: 17, segment: null } }),
      urls,
      new CodePointIndex(body),
    );
    expect((a.target as { source: string }).source).toBe('https://daf.example.org/annotations/genesis/rashi/3');
    expect(selectorsOf(a).find((s) => s.type === 'TextPositionSelector')).toMatchObject({ start: 12, end: 16 });
  });

  it('is read back by readAnnotation to the same request (round trip)', () => {
    const req = read(JSON.parse(JSON.stringify(annotation)));
    const index = new CodePointIndex(text);
    expect(req.source).toBe('https://daf.example.org/t/genesis');
    expect(req.exact).toBe(quote);
    expect(req.prefix).toBe('light, and ');
    expect(req.suffix).toBe('.');
    expect(req.segment).toBe('1:2');
    expect(index.toCodeUnits(req.cpStart!)).toBe(text.indexOf(quote));
    expect(index.toCodeUnits(req.cpEnd!)).toBe(text.indexOf(quote) + quote.length);
    expect(req.motivation).toBe('commenting');
    expect(stored(req.body.markdown)).toBe('A fine note.');
  });
});

describe('stances and decisions under the Daf context', () => {
  const ada = { handle: 'ada', name: 'Ada L.' };

  it('makes a stance an annotation assessing its gloss, with its reason as the body and its value as a Daf term', () => {
    const gloss = { id: 7, textSlug: 'genesis', layerSlug: 'notes' };
    const s = stanceToAnnotation({ gloss, stance: 'disagree', reason: 'Not *so*.', created: 'c', updated: 'u', author: ada }, urls);
    expect(s).toEqual({
      '@context': [annoContext, dafContext(urls)],
      id: 'https://daf.example.org/annotations/genesis/notes/7#stance-ada',
      type: 'Annotation',
      motivation: 'assessing',
      created: 'c',
      modified: 'u',
      creator: { id: 'https://daf.example.org/u/ada', type: 'Person', nickname: 'ada', name: 'Ada L.' },
      stance: 'disagree',
      target: 'https://daf.example.org/annotations/genesis/notes/7',
      body: { type: 'TextualBody', value: 'Not *so*.', format: 'text/plain', purpose: 'assessing' },
    });
    expect(stanceToAnnotation({ gloss, stance: 'agree', reason: null, created: 'c', updated: 'u', author: ada }, urls).body).toBeUndefined();
    // Daf's terms live under its own namespace, beside the W3C context.
    expect(dafContext(urls)).toMatchObject({ daf: 'https://daf.example.org/api/openapi.json#daf-', stance: 'daf:stance', decision: 'daf:decision' });
  });

  it('puts a decision on its gloss under the Daf context, the adopted reading as an IRI when it is given', () => {
    const decision = { statement: 'So it is.', adopted: { kind: 'reply' as const, id: 4 }, decidedBy: ada, decidedAt: 'd', reviewOn: null, dissent: [{ author: ada, reason: 'No.' }] };
    const a = glossToAnnotation(gloss({ decision }), urls, new CodePointIndex(text));
    expect(a['@context']).toEqual([annoContext, dafContext(urls)]);
    expect(a.decision).toEqual({
      statement: 'So it is.',
      adopted: 'https://daf.example.org/annotations/genesis/notes/7#reply-4',
      decidedBy: { id: 'https://daf.example.org/u/ada', type: 'Person', nickname: 'ada', name: 'Ada L.' },
      decidedAt: 'd',
      dissent: [{ creator: { id: 'https://daf.example.org/u/ada', type: 'Person', nickname: 'ada', name: 'Ada L.' }, reason: 'No.' }],
    });
    const unnamed = glossToAnnotation(gloss({ decision: { ...decision, adopted: null, reviewOn: '2027-01-01' } }), urls, new CodePointIndex(text));
    expect(unnamed.decision).toMatchObject({ reviewOn: '2027-01-01' });
    expect('adopted' in (unnamed.decision as object)).toBe(false);
  });
});

describe('readAnnotation', () => {
  const source = 'https://daf.example.org/t/genesis';

  it('reads the quote from a FragmentSelector refinedBy a TextQuoteSelector', () => {
    const req = read({
      type: 'Annotation',
      target: {
        source,
        selector: {
          type: 'FragmentSelector',
          conformsTo: urls.segmentSpec(),
          value: '1:5',
          refinedBy: { type: 'TextQuoteSelector', exact: 'light', prefix: 'be ', suffix: ',' },
        },
      },
      body: { type: 'TextualBody', value: 'Note', format: 'text/markdown' },
    });
    expect(req).toMatchObject({ source, exact: 'light', prefix: 'be ', suffix: ',', segment: '1:5', cpStart: null, cpEnd: null });
  });

  it('ignores a FragmentSelector that does not conform to the segment spec', () => {
    const req = read({ target: { source, selector: [{ type: 'FragmentSelector', value: 'page=3' }, { type: 'TextQuoteSelector', exact: 'x' }] } });
    expect(req.segment).toBeNull();
    expect(req.exact).toBe('x');
  });

  it('takes the first TextQuoteSelector and a TextPositionSelector only with integer offsets', () => {
    const req = read({
      target: {
        source,
        selector: [
          { type: 'TextQuoteSelector', exact: 'first' },
          { type: 'TextQuoteSelector', exact: 'second' },
          { type: 'TextPositionSelector', start: 1.5, end: 3 },
        ],
      },
    });
    expect(req.exact).toBe('first');
    expect(req.cpStart).toBeNull();
    expect(req.cpEnd).toBeNull();
  });

  it('accepts a bare source string as target, and the first of several motivations', () => {
    const req = read({ target: source, motivation: ['questioning', 'commenting'] });
    expect(req).toMatchObject({ source, exact: null, motivation: 'questioning' });
    expect(read({ target: source }).motivation).toBe('commenting');
  });

  it('takes a text/plain body literally: Markdown characters are escaped', () => {
    const plain = [
      '*not emphasis* and _not either_, `not code`, [not](http://a.link) # not a heading <b>not HTML</b> a\\b',
      '1. not a list item',
      '2) nor this',
      '+ not a bullet',
      '- nor this one',
      '> not a quote',
      'Fish &amp; chips &copy; stay as typed',
      '***',
      '~~tilde~~ |pipe| {brace} 100% e-mail: x@y.z!',
    ];
    for (const value of plain) {
      const req = read({ target: source, body: { type: 'TextualBody', value, format: 'text/plain' } });
      const doc = markdownToDoc(req.body.markdown, 'gloss');
      expect(new Projection(doc).text, value).toBe(value);
      // Nothing but one paragraph of unmarked text.
      expect(doc.childCount, value).toBe(1);
      expect(doc.firstChild!.type.name, value).toBe('paragraph');
      doc.descendants((n) => {
        expect(n.marks, value).toEqual([]);
        return true;
      });
    }
  });

  it('does not let a plain-text line of "=" turn the line above into a heading', () => {
    const req = read({ target: source, body: { type: 'TextualBody', value: 'Title\n===', format: 'text/plain' } });
    const doc = markdownToDoc(req.body.markdown, 'gloss');
    expect(new Projection(doc).text).toBe('Title ==='); // a soft line break reads as a space
  });

  it('escapes a bodyValue (plain text by definition) the same way', () => {
    const req = read({ target: source, bodyValue: '1. **bold?** &amp; no' });
    expect(stored(req.body.markdown)).toBe('1. **bold?** &amp; no');
  });

  it('keeps a text/markdown body (or one with no format) as Markdown', () => {
    expect(read({ target: source, body: { value: '**bold**', format: 'text/markdown' } }).body.markdown).toBe('**bold**');
    expect(read({ target: source, body: { value: '*em*' } }).body.markdown).toBe('*em*');
  });

  it('strips HTML from a text/html body and keeps its words as literal text', () => {
    const req = read({
      target: source,
      body: { type: 'TextualBody', value: '<p>Hello <b>world</b> <script>alert(1)</script><a href="javascript:x">*x*</a> Tom &amp; Jerry</p>', format: 'text/html' },
    });
    expect(req.body.markdown).not.toMatch(/<\/?[a-z]/i);
    const doc = markdownToDoc(req.body.markdown, 'gloss');
    expect(new Projection(doc).text).toBe('Hello world alert(1)*x* Tom & Jerry');
    doc.descendants((n) => {
      expect(n.marks).toEqual([]);
      return true;
    });
  });

  it('prefers a non-tagging body', () => {
    const req = read({
      target: source,
      body: [
        { type: 'TextualBody', value: 'tag', purpose: 'tagging' },
        { type: 'TextualBody', value: 'The comment', purpose: 'commenting' },
      ],
    });
    expect(req.body.markdown).toBe('The comment');
  });

  it('rejects what is not an annotation (through the zod shape)', () => {
    expect(incomingAnnotationShape.safeParse({ body: 'x' }).success).toBe(false);
    expect(incomingAnnotationShape.safeParse({ type: 'Page', target: source }).success).toBe(false);
    expect(incomingAnnotationShape.safeParse({ target: { source: 3 } }).success).toBe(false);
  });
});
