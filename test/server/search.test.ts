/**
 * Search over texts, glosses and replies: results with highlight ranges into plain snippets,
 * Hebrew folding, inert query syntax, bounds, and an index that follows edits.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createLayer, useTestApp, createText, writeGloss, type TestClient } from '../helpers/test-app.ts';
import { expectError } from '../helpers/expect-error.ts';
import type { SearchResult as Result } from '../../server/services/search.ts';

const genesis11 = 'בְּרֵאשִׁ֖ית בָּרָ֣א אֱלֹהִ֑ים אֵ֥ת הַשָּׁמַ֖יִם וְאֵ֥ת הָאָֽרֶץ׃';



/** Every highlight is a range inside the snippet; returns the highlighted strings. */
function highlighted(r: Result): string[] {
  expect(r.snippet).not.toMatch(/[\uE000\uE001]/);
  expect(r.snippet).not.toMatch(/<\/?b>/);
  return r.highlights.map(([s, e]) => {
    expect(0 <= s && s < e && e <= r.snippet.length).toBe(true);
    return r.snippet.slice(s, e);
  });
}

describe('search', () => {
  const t = useTestApp();
  let ada: TestClient;
  let bob: TestClient;
  let foxText: string;
  let heText: string;
  let layer: string;
  let gloss: any;
  let reply: any;
  const search = async (q: string, client: TestClient = t.visitor()) => {
    const res = await client.get(`/api/search?q=${encodeURIComponent(q)}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.results as Result[];
  };

  beforeAll(async () => {
    ada = await t.signup('ada');
    bob = await t.signup('bob');
    foxText = await createText(ada, { title: 'Fables', content: 'The quick brown fox jumps over the lazy dog.\n\nFoxes are clever; dogs are loyal. 😀 Rocket science too.' });
    heText = await createText(ada, { title: 'Bereshit', language: 'he', format: 'plain', content: genesis11 });
    layer = await createLayer(ada, foxText, { name: 'Notes', writePolicy: 'signed_in' });
    gloss = await writeGloss(ada, foxText, layer, { exact: 'quick brown fox' }, 'A vulpine remark about cunning.');
    reply = (await bob.post(`/api/glosses/${gloss.id}/replies`, { body: { markdown: 'A canine rejoinder.' } })).body;
  });

  it('finds words of a text, with highlights on the word inside the snippet', async () => {
    const results = await search('jumps');
    expect(results).toHaveLength(1);
    const [r] = results;
    expect(r).toMatchObject({ kind: 'text', text: foxText, textTitle: 'Fables', layer: null, layerName: null, gloss: null, ref: null });
    expect(highlighted(r).map((w) => w.toLowerCase())).toEqual(['jumps']);
    expect(r.snippet).toContain('fox jumps over');
  });

  it('finds words of a gloss and of a reply, naming the gloss, the layer and the passage', async () => {
    // The fox text is Markdown without segments: its gloss is on no passage.
    const place = { layer, layerName: 'Notes', ref: null, text: foxText };
    const [g] = await search('vulpine');
    expect(g).toMatchObject({ kind: 'gloss', id: gloss.id, gloss: gloss.id, ...place });
    expect(highlighted(g)).toEqual(['vulpine']);
    const [r] = await search('rejoinder');
    expect(r).toMatchObject({ kind: 'reply', id: reply.id, gloss: gloss.id, ...place });
    expect(highlighted(r)).toEqual(['rejoinder']);
  });

  it('names the passage of a gloss on a text with segments, and of a reply under it', async () => {
    const book = await createText(ada, { title: 'Tiny Book', format: 'sefaria', content: { title: 'Tiny Book', text: [['In the beginning was a word.'], ['Then came another, xylophonic.']] } });
    const notes = await createLayer(ada, book, { name: 'Margins', writePolicy: 'signed_in' });
    const onTwo = await writeGloss(ada, book, notes, { exact: 'came another' }, 'A zither answers.');
    expect(onTwo.target.segment).toBe('2:1');
    await bob.post(`/api/glosses/${onTwo.id}/replies`, { body: { markdown: 'And a marimba.' } });
    expect(await search('zither')).toMatchObject([{ kind: 'gloss', layerName: 'Margins', ref: '2:1' }]);
    expect(await search('marimba')).toMatchObject([{ kind: 'reply', layerName: 'Margins', ref: '2:1', gloss: onTwo.id }]);
    expect(await search('xylophonic')).toMatchObject([{ kind: 'text', ref: null, layerName: null }]);
  });

  it('requires every word, treats the last as a prefix, and ignores case', async () => {
    const both = await search('LAZY dog');
    expect(both.map((r) => r.kind)).toEqual(['text']);
    // "dog" is the last word, so a prefix: it highlights "dogs" too.
    expect(highlighted(both[0]).map((w) => w.toLowerCase()).sort()).toEqual(['dog', 'dogs', 'lazy']);
    expect(await search('lazy vulpine')).toEqual([]);
    const prefix = await search('vulp');
    expect(prefix.map((r) => r.id)).toEqual([gloss.id]);
    expect(highlighted(prefix[0])).toEqual(['vulpine']);
  });

  it('counts highlight offsets in UTF-16 after characters outside the BMP', async () => {
    const [r] = await search('rocket');
    expect(r.snippet).toContain('😀');
    expect(highlighted(r)).toEqual(['Rocket']);
  });

  it('finds a pointed Hebrew text from an unpointed query, and from a differently pointed one', async () => {
    for (const q of ['בראשית', 'בְּרֵאשִׁית', 'ברא אלהים']) {
      const results = await search(q);
      expect(results.map((r) => r.text), q).toEqual([heText]);
      const words = highlighted(results[0]);
      expect(words.length).toBeGreaterThan(0);
      // The snippet is the text as written, so its words come pointed; unpointed, each is in the query.
      const unpointed = (s: string) => s.normalize('NFC').replace(/[\u0591-\u05C7]/g, '');
      for (const w of words) {
        expect(w).toMatch(/[\u0591-\u05C7]/);
        expect(unpointed(q)).toContain(unpointed(w));
      }
    }
  });

  it('limits results to one text with ?text=, 404 for an unknown or hidden text', async () => {
    const res = await t.visitor().get(`/api/search?q=fox&text=${heText}`);
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([]);
    const own = await t.visitor().get(`/api/search?q=fox&text=${foxText}`);
    expect(own.body.results.length).toBeGreaterThan(0);
    expectError(await t.visitor().get('/api/search?q=fox&text=nope'), 404, 'not_found');
  });

  it.each([
    '"',
    '""',
    '"fox',
    'fox"',
    'fox AND',
    'AND',
    'OR dog',
    'NOT fox',
    'fox NEAR dog',
    'NEAR(fox dog, 2)',
    '*',
    'fox*',
    '*fox',
    '(fox',
    'fox)',
    '(fox OR dog) AND NOT cat',
    'body:fox',
    'kind:text',
    '^fox',
    '-fox',
    '+fox',
    '{body}: fox',
    "fox' OR '1'='1",
    'fox; DROP TABLE text;--',
    '\\',
    '\u0000fox',
    'ﷺ',
    '😀',
    '\uE000fox\uE001',
  ])('never fails on the query %j', async (q) => {
    const res = await t.visitor().get(`/api/search?q=${encodeURIComponent(q)}`);
    expect([200, 400]).toContain(res.status);
    if (res.status === 200) {
      expect(Array.isArray(res.body.results)).toBe(true);
      for (const r of res.body.results) highlighted(r);
    } else {
      // A NUL is refused in any address, before search sees it (server/middleware/nul.ts).
      expect(res.body.error.code).toBe(q.includes('\0') ? 'invalid_request' : 'bad_query');
    }
  });

  it('treats operators as words: "fox AND" finds the text that has both', async () => {
    // "and" is in neither text, so nothing; "dog" and "over" are.
    expect(await search('fox AND')).toEqual([]);
    expect((await search('(fox) "over"')).map((r) => r.kind)).toEqual(['text']);
  });

  it.each([
    ['an empty query', ''],
    ['only spaces', '   '],
    ['only punctuation', '"*()'],
  ])('refuses %s with 400', async (_, q) => {
    expectError(await t.visitor().get(`/api/search?q=${encodeURIComponent(q)}`), 400, 'bad_query');
  });

  it('refuses a missing, overlong or badly paged query with 400', async () => {
    expect((await t.visitor().get('/api/search')).status).toBe(400);
    expectError(await t.visitor().get(`/api/search?q=${'a'.repeat(501)}`), 400, 'invalid_request');
    expectError(await t.visitor().get('/api/search?q=fox&limit=0'), 400, 'invalid_request');
    expectError(await t.visitor().get('/api/search?q=fox&limit=101'), 400, 'invalid_request');
    expectError(await t.visitor().get('/api/search?q=fox&offset=-1'), 400, 'invalid_request');
  });

  it('pages with limit and offset', async () => {
    await writeGloss(ada, foxText, layer, { exact: 'Foxes' }, 'Another fox, another note.');
    const all = await search('fox');
    expect(all.length).toBeGreaterThanOrEqual(2);
    const first = (await t.visitor().get('/api/search?q=fox&limit=1')).body.results;
    const second = (await t.visitor().get('/api/search?q=fox&limit=1&offset=1')).body.results;
    expect([first[0].kind + first[0].id, second[0].kind + second[0].id]).toEqual([all[0].kind + all[0].id, all[1].kind + all[1].id]);
  });

  it('follows edits: a changed gloss, a deleted reply, a new version', async () => {
    const g = await writeGloss(ada, foxText, layer, { exact: 'lazy dog' }, 'Somnolent hound.');
    expect((await search('somnolent')).map((r) => r.id)).toEqual([g.id]);
    await ada.patch(`/api/glosses/${g.id}`, { body: { markdown: 'Drowsy hound.' } });
    expect(await search('somnolent')).toEqual([]);
    expect((await search('drowsy')).map((r) => r.id)).toEqual([g.id]);
    await ada.delete(`/api/glosses/${g.id}`);
    expect(await search('drowsy')).toEqual([]);

    const r = (await bob.post(`/api/glosses/${gloss.id}/replies`, { body: { markdown: 'Ephemeral musing.' } })).body;
    expect((await search('ephemeral')).map((x) => x.id)).toEqual([r.id]);
    await bob.delete(`/api/replies/${r.id}`);
    expect(await search('ephemeral')).toEqual([]);

    const v = await ada.post(`/api/texts/${heText}/versions`, { format: 'plain', content: 'ויאמר אלהים יהי אור' });
    expect(v.status).toBe(201);
    expect(await search('בראשית')).toEqual([]);
    expect((await search('יהי אור')).map((x) => x.text)).toEqual([heText]);
  });
});
