/**
 * Texts and their versions: every import format, the projection and segment map returned by
 * GET, right-to-left and astral text, content checks, ownership of versions, and re-anchoring
 * of glosses when a version arrives whole or as ProseMirror steps (README, "Anchoring").
 */
import type { Node as PMNode } from 'prosemirror-model';
import { Transform, type Step } from 'prosemirror-transform';
import { beforeAll, describe, expect, it } from 'vitest';
import { textSchema } from '../../schema/document.ts';
import { Projection } from '../../schema/projection.ts';
import { createLayer, useTestApp, createText, writeGloss, type TestClient } from '../helpers/test-app.ts';
import { expectError } from '../helpers/expect-error.ts';

const genesis11 = 'בְּרֵאשִׁ֖ית בָּרָ֣א אֱלֹהִ֑ים אֵ֥ת הַשָּׁמַ֖יִם וְאֵ֥ת הָאָֽרֶץ׃';

type Seg = { ref: string; start: number; end: number };
type AnchorCounts = { exact: number; moved: number; fuzzy: number; segment: number; orphan: number };


/** A ProseMirror text document of `segment` blocks. */
function segmentsDoc(segments: [string, string][]) {
  return { type: 'doc', content: segments.map(([ref, text]) => ({ type: 'segment', attrs: { ref }, content: [{ type: 'text', text }] })) };
}

/** The text of each segment block of a document JSON, as the projection counts it. */
function segmentTexts(doc: any): { ref: string; text: string }[] {
  const node = textSchema.nodeFromJSON(doc);
  const out: { ref: string; text: string }[] = [];
  node.descendants((n) => {
    if (n.type.name !== 'segment') return true;
    let s = '';
    n.forEach((c) => (s += c.isText ? c.text : '\n'));
    out.push({ ref: n.attrs.ref, text: s });
    return false;
  });
  return out;
}

/** Checks the GET shape and that each segment's range holds that segment's text. */
function expectTextShape(body: any) {
  expect(body).toMatchObject({
    slug: expect.any(String),
    title: expect.any(String),
    language: expect.any(String),
    direction: expect.stringMatching(/^(ltr|rtl|auto)$/),
    version: { number: expect.any(Number) },
    doc: { type: 'doc' },
    text: expect.any(String),
    segments: expect.any(Array),
  });
  expect(new Projection(textSchema.nodeFromJSON(body.doc)).text).toBe(body.text);
  const fromDoc = segmentTexts(body.doc);
  expect(body.segments.map((s: Seg) => s.ref)).toEqual(fromDoc.map((s) => s.ref));
  body.segments.forEach((s: Seg, i: number) => {
    expect(s.start).toBeLessThanOrEqual(s.end);
    expect(body.text.slice(s.start, s.end)).toBe(fromDoc[i].text);
  });
}

/** Counts the anchor statuses of the glosses listed for a text (at its current version). */
async function countStatuses(client: TestClient, slug: string): Promise<AnchorCounts> {
  const list = await client.get(`/api/texts/${slug}/glosses`);
  const counts: AnchorCounts = { exact: 0, moved: 0, fuzzy: 0, segment: 0, orphan: 0 };
  for (const g of list.body.glosses) if (g.target.gloss === null) counts[g.anchor.status as keyof AnchorCounts]++;
  return counts;
}

async function glossById(client: TestClient, id: number) {
  const res = await client.get(`/api/glosses/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

describe('creating and reading texts', () => {
  const t = useTestApp();
  let ada: TestClient;
  beforeAll(async () => {
    ada = await t.signup('ada');
  });

  it('creates a text from Markdown and answers GET with doc, projection and segments', async () => {
    const res = await ada.post('/api/texts', {
      title: 'A Markdown text',
      format: 'markdown',
      language: 'en',
      content: '# Heading\n\nFirst *emphasised* paragraph.\n\nSecond **strong** one.',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/texts/${res.body.slug}`);
    const got = await t.visitor().get(`/api/texts/${res.body.slug}`);
    expect(got.status).toBe(200);
    expectTextShape(got.body);
    expect(got.body).toMatchObject({ title: 'A Markdown text', language: 'en', direction: 'ltr', version: { number: 1 }, segments: [] });
    expect(got.body.text).toBe('Heading\nFirst emphasised paragraph.\nSecond strong one.');
    expect(got.body.doc.content.map((n: any) => n.type)).toEqual(['heading', 'paragraph', 'paragraph']);
    expect(JSON.stringify(got.body.doc)).toContain('"type":"em"');
    expect(JSON.stringify(got.body.doc)).toContain('"type":"strong"');
  });

  it('creates a text from plain text: blank line = paragraph, single line break = hard break', async () => {
    const slug = await createText(ada, { title: 'Plain', format: 'plain', content: 'Line one\r\nline two\n\n\nParagraph two' });
    const got = await ada.get(`/api/texts/${slug}`);
    expectTextShape(got.body);
    expect(got.body.text).toBe('Line one\nline two\nParagraph two');
    expect(got.body.doc.content).toHaveLength(2);
    expect(got.body.doc.content[0].content.map((n: any) => n.type)).toEqual(['text', 'hard_break', 'text']);
  });

  it('creates a text from ProseMirror JSON with segments, and maps each segment', async () => {
    const doc = {
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Chapter 1' }] },
        { type: 'segment', attrs: { ref: '1:1' }, content: [{ type: 'text', text: 'In the beginning.' }] },
        {
          type: 'segment',
          attrs: { ref: '1:2' },
          content: [{ type: 'text', text: 'A line' }, { type: 'hard_break' }, { type: 'text', text: 'broken', marks: [{ type: 'em' }] }],
        },
        { type: 'segment', attrs: { ref: '1:3' }, content: [] },
        { type: 'segment', attrs: { ref: '1:4' }, content: [{ type: 'text', text: 'Last.' }] },
      ],
    };
    // Both the object and its string form are accepted.
    for (const content of [doc, JSON.stringify(doc)]) {
      const slug = await createText(ada, { title: 'PM', format: 'prosemirror', content });
      const got = await ada.get(`/api/texts/${slug}`);
      expectTextShape(got.body);
      expect(got.body.text).toBe('Chapter 1\nIn the beginning.\nA line\nbroken\n\nLast.');
      expect(got.body.segments).toEqual([
        { ref: '1:1', start: 10, end: 27 },
        { ref: '1:2', start: 28, end: 41 },
        { ref: '1:3', start: 42, end: 42 },
        { ref: '1:4', start: 43, end: 48 },
      ]);
    }
  });

  it('creates a text from a Sefaria export: one segment per verse, HTML as marks, never raw', async () => {
    const sefaria = {
      title: 'Tiny Book',
      language: 'en',
      versionTitle: 'Test edition',
      text: [
        ['In the <b>beginning</b> was a word.', '', 'Then <i>came</i> another.<br>And a line.'],
        [],
        ['Chapter three &amp; more.<sup class="footnote-marker">1</sup><i class="footnote">a hidden note</i> <script>alert(1)</script>'],
      ],
    };
    const slug = await createText(ada, { title: 'Tiny Book', format: 'sefaria', content: sefaria });
    const got = await ada.get(`/api/texts/${slug}`);
    expectTextShape(got.body);
    expect(got.body.segments.map((s: Seg) => s.ref)).toEqual(['1:1', '1:3', '3:1']);
    const seg = (ref: string) => got.body.segments.find((s: Seg) => s.ref === ref);
    expect(got.body.text.slice(seg('1:1').start, seg('1:1').end)).toBe('In the beginning was a word.');
    expect(got.body.text.slice(seg('1:3').start, seg('1:3').end)).toBe('Then came another.\nAnd a line.');
    expect(got.body.text.slice(seg('3:1').start, seg('3:1').end)).toBe('Chapter three & more. alert(1)');
    const json = JSON.stringify(got.body.doc);
    expect(json).toContain('"type":"strong"');
    expect(json).toContain('"type":"em"');
    expect(json).toContain('"type":"hard_break"');
    expect(json).not.toMatch(/<\/?(b|i|br|sup|script)\b/);
    expect(json).not.toContain('hidden note');
  });

  it.each([
    ['he', undefined, 'rtl'],
    ['he-IL', undefined, 'rtl'],
    ['arc', undefined, 'rtl'],
    ['en', undefined, 'ltr'],
    ['he', 'auto', 'auto'],
    ['en', 'rtl', 'rtl'],
  ])('language %s with direction %s gives %s', async (language, direction, expected) => {
    const res = await ada.post('/api/texts', { title: `Dir ${language}`, format: 'plain', language, content: 'x', ...(direction ? { direction } : {}) });
    expect(res.status).toBe(201);
    expect(res.body.direction).toBe(expected);
  });

  it('keeps Hebrew with full nikkud and cantillation as written, right-to-left', async () => {
    const slug = await createText(ada, { title: 'בראשית', language: 'he', format: 'prosemirror', content: segmentsDoc([['1:1', genesis11]]) });
    expect(slug).toMatch(/^[a-z0-9-]+$/);
    const got = await t.visitor().get(`/api/texts/${slug}`);
    expectTextShape(got.body);
    expect(got.body).toMatchObject({ title: 'בראשית', language: 'he', direction: 'rtl' });
    expect(got.body.text.normalize('NFC')).toBe(genesis11.normalize('NFC'));
    expect(got.body.segments).toEqual([{ ref: '1:1', start: 0, end: got.body.text.length }]);
  });

  it('counts offsets in UTF-16 for text outside the BMP, and code points at the W3C boundary', async () => {
    const first = 'Math: 𝔸 is a double-struck A.';
    const second = 'Smile 😀 then say please.';
    const slug = await createText(ada, { title: 'Astral', format: 'prosemirror', content: segmentsDoc([['a', first], ['b', second]]) });
    const got = await ada.get(`/api/texts/${slug}`);
    expectTextShape(got.body);
    expect(got.body.text).toBe(`${first}\n${second}`);
    expect(got.body.segments).toEqual([
      { ref: 'a', start: 0, end: first.length },
      { ref: 'b', start: first.length + 1, end: first.length + 1 + second.length },
    ]);
    expect(first.length).toBe([...first].length + 1); // one surrogate pair

    const layer = await createLayer(ada, slug, { name: 'Notes' });
    const gloss = await writeGloss(ada, slug, layer, { exact: 'please' });
    const start = got.body.text.indexOf('please');
    expect(gloss.anchor).toMatchObject({ status: 'exact', start, end: start + 6, exact: 'please' });
    const emoji = await writeGloss(ada, slug, layer, { exact: '😀' });
    expect(emoji.anchor).toMatchObject({ start: got.body.text.indexOf('😀'), end: got.body.text.indexOf('😀') + 2 });

    const w3c = await ada.get(`/annotations/${slug}/${layer}/${gloss.id}`);
    expect(w3c.status).toBe(200);
    const position = w3c.body.target.selector.find((s: any) => s.type === 'TextPositionSelector');
    const cpStart = [...got.body.text.slice(0, start)].length;
    expect(position).toEqual({ type: 'TextPositionSelector', start: cpStart, end: cpStart + 6 });
    expect(cpStart).toBe(start - 2); // 𝔸 and 😀 each count one code point, two code units
  });

  it.each([
    ['a javascript: link', { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] }] }] }],
    ['a data: link', { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: { href: 'data:text/html,<script>alert(1)</script>' } }] }] }] }],
    ['a relative link', { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: { href: '/elsewhere' } }] }] }] }],
    ['an unknown node', { type: 'doc', content: [{ type: 'image', attrs: { src: 'https://example.org/x.png' } }] }],
    ['an unknown mark', { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'blink' }] }] }] }],
    ['a gloss-only mark', { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'code' }] }] }] }],
    ['an empty doc', { type: 'doc', content: [] }],
    ['a top node other than doc', { type: 'paragraph', content: [{ type: 'text', text: 'x' }] }],
    ['a duplicated segment ref', segmentsDoc([['1', 'a'], ['1', 'b']])],
    ['a segment ref with spaces', segmentsDoc([['bad ref', 'a']])],
    ['text that is not JSON', '{"type": "doc", '],
  ])('refuses ProseMirror content with %s: 422 invalid_content', async (_, content) => {
    const before = (await ada.get('/api/texts?limit=100')).body.texts.length;
    const res = await ada.post('/api/texts', { title: 'Bad', format: 'prosemirror', language: 'en', content });
    expectError(res, 422, 'invalid_content');
    expect((await ada.get('/api/texts?limit=100')).body.texts.length).toBe(before);
  });

  it('drops an unsafe Markdown link to plain text rather than storing it', async () => {
    const slug = await createText(ada, { title: 'md link', content: 'Click [here](javascript:alert(1)) or [there](https://example.org/).' });
    const got = await ada.get(`/api/texts/${slug}`);
    const links: string[] = [];
    textSchema.nodeFromJSON(got.body.doc).descendants((n) => {
      for (const m of n.marks) if (m.type.name === 'link') links.push(m.attrs.href);
    });
    expect(links).toEqual(['https://example.org/']);
    // The unsafe one stays as literal, inert text.
    expect(got.body.text).toBe('Click [here](javascript:alert(1)) or there.');
  });

  it('refuses a taken slug with 409, and numbers slugs made from titles', async () => {
    await createText(ada, { title: 'Slugged', slug: 'my-slug', content: 'one' });
    const res = await ada.post('/api/texts', { title: 'Other', slug: 'my-slug', format: 'plain', language: 'en', content: 'two' });
    expectError(res, 409, 'slug_taken');
    const a = await createText(ada, { title: 'Same Title!', content: 'a' });
    const b = await createText(ada, { title: 'Same Title!', content: 'b' });
    expect(a).toBe('same-title');
    expect(b).toBe('same-title-2');
  });

  it.each([
    ['no title', { format: 'plain', language: 'en', content: 'x' }],
    ['a bad language tag', { title: 'x', format: 'plain', language: 'english!', content: 'x' }],
    ['an unknown format', { title: 'x', format: 'pdf', language: 'en', content: 'x' }],
    ['a bad slug', { title: 'x', slug: 'Bad Slug', format: 'plain', language: 'en', content: 'x' }],
  ])('refuses %s with 400 invalid_request', async (_, body) => {
    expectError(await ada.post('/api/texts', body), 400, 'invalid_request');
  });

  it('refuses a non-string for Markdown and an empty Sefaria file with 422', async () => {
    expectError(await ada.post('/api/texts', { title: 'x', format: 'markdown', language: 'en', content: { a: 1 } }), 422, 'invalid_content');
    expectError(await ada.post('/api/texts', { title: 'x', format: 'sefaria', language: 'en', content: { title: 'Empty', text: [[''], []] } }), 422, 'invalid_content');
    expectError(await ada.post('/api/texts', { title: 'x', format: 'sefaria', language: 'en', content: { text: 'not an array' } }), 422, 'invalid_content');
  });

  it('answers 401 to a visitor creating a text, 404 for an unknown text', async () => {
    expectError(await t.visitor().post('/api/texts', { title: 'x', format: 'plain', language: 'en', content: 'x' }), 401, 'unauthenticated');
    expectError(await t.visitor().get('/api/texts/no-such-text'), 404, 'not_found');
  });
});

describe('versions', () => {
  const t = useTestApp();
  let ada: TestClient;
  let bob: TestClient;
  beforeAll(async () => {
    ada = await t.signup('ada');
    bob = await t.signup('bob');
  });

  it('lets only the owner add a version: 401 visitor, 403 other person, 404 for a private text', async () => {
    const pub = await createText(ada, { title: 'Owned', content: 'Original words.' });
    const priv = await createText(ada, { title: 'Private', content: 'Secret words.', visibility: 'private' });
    const next = { format: 'plain', content: 'Changed words.' };
    expectError(await t.visitor().post(`/api/texts/${pub}/versions`, next), 401, 'unauthenticated');
    expectError(await bob.post(`/api/texts/${pub}/versions`, next), 403, 'forbidden');
    expectError(await bob.post(`/api/texts/${priv}/versions`, next), 404, 'not_found');
    expect((await ada.get(`/api/texts/${pub}`)).body.version.number).toBe(1);
    const own = await ada.post(`/api/texts/${priv}/versions`, next);
    expect(own.status).toBe(201);
    expect(own.body.version).toEqual({ number: 2 });
  });

  it('re-anchors glosses on a whole new version and reports counts that match', async () => {
    const v1 = segmentsDoc([
      ['1', 'Alpha sentence one.'],
      ['2', 'Beta sentence two. Gamma words vanish here.'],
      ['3', 'Delta sentence four.'],
    ]);
    const slug = await createText(ada, { title: 'Revised', format: 'prosemirror', content: v1 });
    const layer = await createLayer(ada, slug, { name: 'Notes', writePolicy: 'signed_in' });
    const alpha = await writeGloss(ada, slug, layer, { exact: 'Alpha sentence one' });
    const beta = await writeGloss(bob, slug, layer, { exact: 'Beta sentence two' });
    const gamma = await writeGloss(ada, slug, layer, { exact: 'Gamma words vanish here' });
    const delta = await writeGloss(ada, slug, layer, { exact: 'Delta sentence four' });
    const old = (await ada.get(`/api/texts/${slug}`)).body;

    const inserted = 'Inserted clause. ';
    const v2 = segmentsDoc([
      ['1', inserted + 'Alpha sentence one.'],
      ['2', 'Beta sentence two.'],
    ]);
    const res = await ada.post(`/api/texts/${slug}/versions`, { format: 'prosemirror', content: v2 });
    expect(res.status).toBe(201);
    expect(res.body.version).toEqual({ number: 2 });
    expect(res.body.anchors).toEqual({ exact: 2, moved: 0, fuzzy: 0, segment: 1, orphan: 1 });
    expect(await countStatuses(ada, slug)).toEqual(res.body.anchors);

    const cur = (await ada.get(`/api/texts/${slug}`)).body;
    expectTextShape(cur);
    // Unchanged sentences stay exact, shifted by the insertion before them.
    for (const g of [alpha, beta]) {
      const now = await glossById(ada, g.id);
      expect(now.anchor).toMatchObject({ version: 2, status: 'exact', start: g.anchor.start + inserted.length, end: g.anchor.end + inserted.length });
      expect(cur.text.slice(now.anchor.start, now.anchor.end)).toBe(g.anchor.exact);
    }
    // A quote deleted outright falls back to its segment when the segment survives…
    const gammaNow = await glossById(ada, gamma.id);
    const seg2 = cur.segments.find((s: Seg) => s.ref === '2');
    expect(gammaNow.anchor).toMatchObject({ status: 'segment', start: seg2.start, end: seg2.end });
    // …and is an orphan, with no place at all, when the segment went too.
    const deltaNow = await glossById(ada, delta.id);
    expect(deltaNow.anchor).toMatchObject({ status: 'orphan', start: null, end: null, exact: null });
    // The glosses keep the selectors they were written with.
    expect(deltaNow.target).toMatchObject({ version: 1, exact: 'Delta sentence four', start: delta.anchor.start });

    // Version 1 is immutable and its anchors stay as they were.
    const first = await t.visitor().get(`/api/texts/${slug}?version=1`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ version: { number: 1 }, currentVersion: 2, text: old.text, segments: old.segments, doc: old.doc });
    const oldList = await ada.get(`/api/texts/${slug}/glosses?version=1`);
    expect(oldList.body.version).toBe(1);
    const oldDelta = oldList.body.glosses.find((g: any) => g.id === delta.id);
    expect(oldDelta.anchor).toMatchObject({ version: 1, status: 'exact', start: delta.anchor.start });
    const versions = await ada.get(`/api/texts/${slug}/versions`);
    expect(versions.body.versions.map((v: any) => v.number)).toEqual([1, 2]);
    expectError(await ada.get(`/api/texts/${slug}?version=3`), 404, 'not_found');
    expectError(await ada.get(`/api/texts/${slug}?version=one`), 400, 'invalid_request');
  });

  it('finds a passage moved to another place, and never leaves a deleted quote elsewhere', async () => {
    const long1 = 'A long first paragraph about many cats and all of their curious ways.';
    const long2 = 'A long third paragraph about birds singing in the cool spring air.';
    const wander = 'This wandering paragraph carries its words along wherever it goes, the lines intact, and it moves as one.';
    const long3 = 'A long fourth paragraph about the river that runs past the old mill.';
    const slug = await createText(ada, { title: 'Moves', format: 'plain', content: `${long1}\n\n${long2}\n\n${long3}\n\n${wander}\n\nGone sentence entirely.` });
    const layer = await createLayer(ada, slug, { name: 'Notes' });
    // A short quote inside the paragraph that moves: its context moves with it.
    const short = await writeGloss(ada, slug, layer, { exact: 'the lines intact' });
    const gone = await writeGloss(ada, slug, layer, { exact: 'Gone sentence entirely' });
    const cats = await writeGloss(ada, slug, layer, { exact: 'curious ways' });
    const res = await ada.post(`/api/texts/${slug}/versions`, { format: 'plain', content: `${wander}\n\n${long1}\n\n${long2}\n\n${long3}` });
    expect(res.status).toBe(201);
    expect(await countStatuses(ada, slug)).toEqual(res.body.anchors);
    const text = (await ada.get(`/api/texts/${slug}`)).body.text;
    const shortNow = await glossById(ada, short.id);
    expect(['exact', 'moved']).toContain(shortNow.anchor.status);
    expect(shortNow.anchor).toMatchObject({ start: wander.indexOf('the lines intact'), end: wander.indexOf('the lines intact') + 16, exact: 'the lines intact' });
    const goneNow = await glossById(ada, gone.id);
    expect(['segment', 'orphan']).toContain(goneNow.anchor.status);
    expect(goneNow.anchor.status).toBe('orphan'); // a plain text has no segments
    const catsNow = await glossById(ada, cats.id);
    expect(catsNow.anchor.status).toBe('exact');
    expect(text.slice(catsNow.anchor.start, catsNow.anchor.end)).toBe('curious ways');
    expect(res.body.anchors.orphan).toBe(1);
    expect(res.body.anchors.segment + res.body.anchors.fuzzy).toBe(0);
  });

  it('never moves a deleted quote to a look-alike elsewhere', async () => {
    const v1 = segmentsDoc([
      ['1', 'And God saw the light, that it was good.'],
      ['2', 'And God divided the light from the darkness.'],
    ]);
    const slug = await createText(ada, { title: 'Look-alike', format: 'prosemirror', content: v1 });
    const layer = await createLayer(ada, slug, { name: 'Notes' });
    const first = await writeGloss(ada, slug, layer, { exact: 'the light', start: 12, end: 21 });
    expect(first.anchor).toMatchObject({ start: 12, end: 21 });
    const second = await writeGloss(ada, slug, layer, { exact: 'divided the light' });
    const v2 = segmentsDoc([
      ['1', 'Something else was said here instead.'],
      ['2', 'And God divided the light from the darkness.'],
    ]);
    const res = await ada.post(`/api/texts/${slug}/versions`, { format: 'prosemirror', content: v2 });
    expect(res.status).toBe(201);
    expect(await countStatuses(ada, slug)).toEqual(res.body.anchors);
    const cur = (await ada.get(`/api/texts/${slug}`)).body;
    const seg1 = cur.segments.find((s: Seg) => s.ref === '1');
    const firstNow = await glossById(ada, first.id);
    expect(firstNow.anchor).toMatchObject({ status: 'segment', start: seg1.start, end: seg1.end });
    const secondNow = await glossById(ada, second.id);
    expect(secondNow.anchor.status).toBe('exact');
    expect(cur.text.slice(secondNow.anchor.start, secondNow.anchor.end)).toBe('divided the light');
  });

  describe('by ProseMirror steps', () => {
    let slug: string;
    let layer: string;
    let glosses: Record<'first' | 'second' | 'third', any>;
    let doc: PMNode;

    beforeAll(async () => {
      slug = await createText(ada, { title: 'Stepped', content: 'First sentence here.\n\nSecond sentence there.\n\nThird sentence everywhere.' });
      layer = await createLayer(ada, slug, { name: 'Notes' });
      glosses = {
        first: await writeGloss(ada, slug, layer, { exact: 'First sentence here' }),
        second: await writeGloss(ada, slug, layer, { exact: 'sentence there' }),
        third: await writeGloss(ada, slug, layer, { exact: 'Third sentence everywhere' }),
      };
      doc = textSchema.nodeFromJSON((await ada.get(`/api/texts/${slug}`)).body.doc);
    });

    const stepsJson = (steps: readonly Step[]) => steps.map((s) => s.toJSON());

    it('moves anchors through the steps’ own maps', async () => {
      const p = new Projection(doc);
      const text = p.text;
      const tr = new Transform(doc);
      // Insert before the second gloss's quote (in its paragraph), and delete the third's outright.
      tr.insert(p.posAt(text.indexOf('Second')), textSchema.text('Very '));
      const third = text.indexOf('Third sentence everywhere');
      tr.delete(tr.mapping.map(p.posAt(third)), tr.mapping.map(p.posAt(third + 'Third sentence everywhere.'.length)));
      const res = await ada.post(`/api/texts/${slug}/versions`, { steps: stepsJson(tr.steps), baseVersion: 1 });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.version).toEqual({ number: 2 });
      expect(res.body.anchors).toEqual({ exact: 2, moved: 0, fuzzy: 0, segment: 0, orphan: 1 });
      expect(await countStatuses(ada, slug)).toEqual(res.body.anchors);

      const cur = (await ada.get(`/api/texts/${slug}`)).body;
      expect(cur.text).toBe('First sentence here.\nVery Second sentence there.\n');
      expect(cur.doc).toEqual(tr.doc.toJSON());
      const first = await glossById(ada, glosses.first.id);
      expect(first.anchor).toMatchObject({ status: 'exact', start: glosses.first.anchor.start, end: glosses.first.anchor.end });
      const second = await glossById(ada, glosses.second.id);
      expect(second.anchor).toMatchObject({ status: 'exact', start: glosses.second.anchor.start + 5, end: glosses.second.anchor.end + 5 });
      expect(cur.text.slice(second.anchor.start, second.anchor.end)).toBe('sentence there');
      const thirdNow = await glossById(ada, glosses.third.id);
      expect(thirdNow.anchor.status).toBe('orphan');
    });

    it('refuses steps against a stale base version with 409 version_conflict', async () => {
      const tr = new Transform(doc); // version 1's document
      tr.insert(1, textSchema.text('Late '));
      expectError(await ada.post(`/api/texts/${slug}/versions`, { steps: stepsJson(tr.steps), baseVersion: 1 }), 409, 'version_conflict');
      expect((await ada.get(`/api/texts/${slug}`)).body.version.number).toBe(2);
    });

    it.each([
      ['an unknown step type', () => [{ stepType: 'teleport', from: 1, to: 2 }]],
      ['a replace past the end of the document', () => [{ stepType: 'replace', from: 9999, to: 9999, slice: { content: [{ type: 'text', text: 'x' }] } }]],
      ['a replace with a negative position', () => [{ stepType: 'replace', from: -5, to: 2 }]],
      ['a replace inserting an unknown node', () => [{ stepType: 'replace', from: 1, to: 1, slice: { content: [{ type: 'image' }] } }]],
      ['a mark past the end', () => [{ stepType: 'addMark', from: 1, to: 9999, mark: { type: 'em' } }]],
      ['a javascript: link mark', () => [{ stepType: 'addMark', from: 1, to: 4, mark: { type: 'link', attrs: { href: 'javascript:alert(1)' } } }]],
      ['a step that empties the document', (cur: PMNode) => [{ stepType: 'replace', from: 0, to: cur.content.size }]],
      ['a duplicate segment ref', () => [{ stepType: 'replace', from: 0, to: 0, slice: { content: [{ type: 'segment', attrs: { ref: 'x' } }, { type: 'segment', attrs: { ref: 'x' } }] } }]],
    ])('refuses %s with 422 invalid_steps and changes nothing', async (_, make) => {
      const cur = (await ada.get(`/api/texts/${slug}`)).body;
      const curDoc = textSchema.nodeFromJSON(cur.doc);
      const res = await ada.post(`/api/texts/${slug}/versions`, { steps: make(curDoc), baseVersion: cur.version.number });
      expectError(res, 422, 'invalid_steps');
      const after = (await ada.get(`/api/texts/${slug}`)).body;
      expect(after.version.number).toBe(cur.version.number);
      expect(after.text).toBe(cur.text);
    });

    it('refuses a malformed steps body with 400', async () => {
      expectError(await ada.post(`/api/texts/${slug}/versions`, { steps: [], baseVersion: 2 }), 400, 'invalid_request');
      expectError(await ada.post(`/api/texts/${slug}/versions`, { steps: ['x'], baseVersion: 2 }), 400, 'invalid_request');
      expectError(await ada.post(`/api/texts/${slug}/versions`, { steps: [{ stepType: 'replace', from: 1, to: 1 }] }), 400, 'invalid_request');
    });

    it('still serves version 1 unchanged', async () => {
      const first = await ada.get(`/api/texts/${slug}?version=1`);
      expect(first.body.text).toBe('First sentence here.\nSecond sentence there.\nThird sentence everywhere.');
      expect(first.body.doc).toEqual(doc.toJSON());
    });
  });
});
