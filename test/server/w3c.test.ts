import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createLayer, useTestApp, createText, testOrigin, writeGloss, type TestClient } from '../helpers/test-app.ts';

const anno = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"';
const ldHeaders = { 'content-type': anno };

/** Six emoji (two UTF-16 units each, one code point each), then "light" three times. */
const astralContent = '😀😀😀😀😀😀 light light light\n\nAnd 𝔸 is not 𝔹 at all.';
const astralText = '😀😀😀😀😀😀 light light light\nAnd 𝔸 is not 𝔹 at all.';

const genesis = [
  'In the beginning God created the heaven and the earth.',
  'And the earth was without form, and void; and darkness was upon the face of the deep.',
  'And God said, Let there be light: and there was light.',
  'And God saw the light, that it was good: and God divided the light from the darkness.',
].join('\n\n');

const genesisRevised = [
  'In the beginning God created the heaven and the earth.',
  'This sentence was added by the editor, who felt the text was too short.',
  'And the earth was without form, and void; and darkness was upon the face of the deep.',
  'And God said, Let there be light: and there was light.',
  'Another added line, right here.',
  'And God saw the light, that it was good: and God divided the light from the darkness.',
].join('\n\n');

function annotation(source: string, selector: unknown[], body = 'A note from a W3C client.', extra: Record<string, unknown> = {}) {
  return {
    '@context': 'http://www.w3.org/ns/anno.jsonld',
    type: 'Annotation',
    motivation: 'commenting',
    body: { type: 'TextualBody', value: body, format: 'text/markdown' },
    target: { source, selector },
    ...extra,
  };
}

describe('the W3C Web Annotation Protocol', () => {
  const t = useTestApp();
  let ada: TestClient;
  let bob: TestClient;
  let slug: string;
  let astral: string;

  beforeAll(async () => {
    ada = await t.signup('ada');
    bob = await t.signup('bob');
    slug = await createText(ada, { title: 'Genesis', content: genesis, slug: 'genesis' });
    astral = await createText(ada, { title: 'Astral', content: astralContent, slug: 'astral' });
    await createLayer(ada, slug, { name: 'Notes', slug: 'notes' });
    await writeGloss(ada, slug, 'notes', { exact: 'In the beginning' }, 'First *note*.');
    await writeGloss(ada, slug, 'notes', { exact: 'without form, and void' }, 'Second note.');
    await writeGloss(ada, slug, 'notes', { exact: 'there was light' }, 'Third note.', 'questioning');
  });

  describe('the container', () => {
    it('is an AnnotationCollection and an LDP BasicContainer with total, first and last', async () => {
      const res = await t.visitor().get(`/annotations/${slug}/notes/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/ld+json');
      expect(res.headers.get('content-type')).toContain('profile="http://www.w3.org/ns/anno.jsonld"');
      expect(res.headers.get('etag')).toMatch(/^(W\/)?".+"$/);
      const link = res.headers.get('link') ?? '';
      expect(link).toContain('<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"');
      expect(link).toContain('http://www.w3.org/TR/annotation-protocol/');
      expect(res.headers.get('allow')).toContain('POST');
      expect(res.headers.get('accept-post')).toContain('application/ld+json');
      const body = res.body;
      expect(body['@context']).toContain('http://www.w3.org/ns/anno.jsonld');
      expect(body.type).toEqual(expect.arrayContaining(['AnnotationCollection', 'BasicContainer']));
      expect(body.id).toBe(`${testOrigin}/annotations/${slug}/notes/`);
      expect(body.label).toBe('Notes');
      expect(body.total).toBe(3);
      expect(body.first).toBe(`${testOrigin}/annotations/${slug}/notes/?page=0`);
      expect(body.last).toBe(`${testOrigin}/annotations/${slug}/notes/?page=0`);
    });

    it('answers 304 to a matching If-None-Match, and a new ETag once the layer changes', async () => {
      const first = await t.visitor().get(`/annotations/${slug}/notes/`);
      const etag = first.headers.get('etag')!;
      const again = await t.visitor().get(`/annotations/${slug}/notes/`, { 'if-none-match': etag });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      const g = await writeGloss(ada, slug, 'notes', { exact: 'face of the deep' }, 'Temporary.');
      const changed = await t.visitor().get(`/annotations/${slug}/notes/`, { 'if-none-match': etag });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).not.toBe(etag);
      expect(changed.body.total).toBe(4);
      expect((await ada.delete(`/api/glosses/${g.id}`)).status).toBe(200);
      expect((await t.visitor().get(`/annotations/${slug}/notes/`)).body.total).toBe(3);
    });

    it('serves ?page=0 as an AnnotationPage with the annotations', async () => {
      const res = await t.visitor().get(`/annotations/${slug}/notes/?page=0`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('profile="http://www.w3.org/ns/anno.jsonld"');
      expect(res.headers.get('etag')).toBeTruthy();
      expect(res.body.type).toBe('AnnotationPage');
      expect(res.body.id).toBe(`${testOrigin}/annotations/${slug}/notes/?page=0`);
      expect(res.body.partOf).toMatchObject({ id: `${testOrigin}/annotations/${slug}/notes/`, total: 3 });
      expect(res.body.startIndex).toBe(0);
      expect(res.body.next).toBeUndefined();
      expect(res.body.prev).toBeUndefined();
      const items = res.body.items as any[];
      expect(items.map((a) => a.target.selector[0].exact)).toEqual(['In the beginning', 'without form, and void', 'there was light']);
      expect(items.map((a) => a.motivation)).toEqual(['commenting', 'commenting', 'questioning']);
      for (const a of items) {
        expect(a.type).toBe('Annotation');
        expect(a.id).toMatch(new RegExp(`^${testOrigin}/annotations/${slug}/notes/[0-9]+$`));
        expect(a.target.source).toBe(`${testOrigin}/t/${slug}`);
        expect(a.creator).toMatchObject({ nickname: 'ada' });
        expect(a.body).toMatchObject({ type: 'TextualBody', format: 'text/markdown' });
      }
      expect(items[0].body.value.trim()).toBe('First *note*.');
    });

    it('answers 404 for a page past the last, 400 for a bad page number', async () => {
      expect((await t.visitor().get(`/annotations/${slug}/notes/?page=1`)).status).toBe(404);
      const bad = await t.visitor().get(`/annotations/${slug}/notes/?page=-1`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBeTruthy();
    });

    it('pages more than 100 annotations with next and prev', async () => {
      await createLayer(ada, slug, { name: 'Many', slug: 'many' });
      for (let i = 0; i < 205; i++) await writeGloss(ada, slug, 'many', { exact: 'darkness' }, `Note ${i}`);
      const container = await t.visitor().get(`/annotations/${slug}/many/`);
      expect(container.body.total).toBe(205);
      const base = `${testOrigin}/annotations/${slug}/many/`;
      expect(container.body.first).toBe(`${base}?page=0`);
      expect(container.body.last).toBe(`${base}?page=2`);

      const seen: string[] = [];
      let url: string | undefined = container.body.first;
      const pages: any[] = [];
      while (url) {
        const res = await t.visitor().get(url.slice(testOrigin.length));
        expect(res.status).toBe(200);
        pages.push(res.body);
        seen.push(...res.body.items.map((a: { id: string }) => a.id));
        url = res.body.next;
      }
      expect(pages.map((p) => p.items.length)).toEqual([100, 100, 5]);
      expect(pages.map((p) => p.startIndex)).toEqual([0, 100, 200]);
      expect(pages.map((p) => p.prev)).toEqual([undefined, `${base}?page=0`, `${base}?page=1`]);
      expect(pages.map((p) => p.next)).toEqual([`${base}?page=1`, `${base}?page=2`, undefined]);
      expect(new Set(seen).size).toBe(205);
      const ids = seen.map((s) => Number(s.split('/').at(-1)));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      const bodies = pages.flatMap((p) => p.items.map((a: any) => a.body.value.trim()));
      expect(bodies[0]).toBe('Note 0');
      expect(bodies[204]).toBe('Note 204');
      expect((await t.visitor().get(`/annotations/${slug}/many/?page=3`)).status).toBe(404);
    });

    it('hides a private layer from everyone but its readers', async () => {
      await createLayer(ada, slug, { name: 'Secret', slug: 'secret', visibility: 'private' });
      await writeGloss(ada, slug, 'secret', { exact: 'In the beginning' }, 'Private thoughts.');
      expect((await t.visitor().get(`/annotations/${slug}/secret/`)).status).toBe(404);
      expect((await t.visitor().get(`/annotations/${slug}/secret/?page=0`)).status).toBe(404);
      expect((await bob.get(`/annotations/${slug}/secret/?page=0`)).status).toBe(404);
      const own = await ada.get(`/annotations/${slug}/secret/?page=0`);
      expect(own.status).toBe(200);
      expect(own.body.items).toHaveLength(1);
      const id = own.body.items[0].id.split('/').at(-1);
      expect((await t.visitor().get(`/annotations/${slug}/secret/${id}`)).status).toBe(404);
      // Nor through another layer's URL.
      expect((await t.visitor().get(`/annotations/${slug}/notes/${id}`)).status).toBe(404);
      const post = await bob.post(`/annotations/${slug}/secret/`, annotation(`${testOrigin}/t/${slug}`, [{ type: 'TextQuoteSelector', exact: 'earth' }]), ldHeaders);
      expect(post.status).toBe(404);
    });

    it('answers HEAD and OPTIONS, as the protocol requires and Allow advertises', async () => {
      const head = await t.visitor().request('HEAD', `/annotations/${slug}/notes/`);
      expect(head.status).toBe(200);
      expect(head.text).toBe('');
      expect(head.headers.get('etag')).toBe((await t.visitor().get(`/annotations/${slug}/notes/`)).headers.get('etag'));
      const options = await t.visitor().request('OPTIONS', `/annotations/${slug}/notes/`);
      expect(options.status).toBeLessThan(300);
      expect(options.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
      expect(options.headers.get('accept-post')).toContain('application/ld+json');
      const id = (await t.visitor().get(`/annotations/${slug}/notes/?page=0`)).body.items[0].id.split('/').at(-1);
      const one = await t.visitor().request('OPTIONS', `/annotations/${slug}/notes/${id}`);
      expect(one.status).toBeLessThan(300);
      expect(one.headers.get('allow')).toBe('GET, HEAD, PUT, DELETE, OPTIONS');
      expect((await t.visitor().request('HEAD', `/annotations/${slug}/notes/${id}`)).status).toBe(200);
      // No more than GET would tell: a missing (or private) layer or annotation is a 404.
      expect((await t.visitor().request('OPTIONS', `/annotations/${slug}/nope/`)).status).toBe(404);
      expect((await t.visitor().request('OPTIONS', `/annotations/${slug}/notes/999999`)).status).toBe(404);
    });

    it('answers 404 for a missing text or layer', async () => {
      expect((await t.visitor().get(`/annotations/nope/notes/`)).status).toBe(404);
      expect((await t.visitor().get(`/annotations/${slug}/nope/`)).status).toBe(404);
    });
  });

  describe('one annotation', () => {
    it('is served with an ETag and answers 304 to If-None-Match', async () => {
      const page = await t.visitor().get(`/annotations/${slug}/notes/?page=0`);
      const id: string = page.body.items[0].id;
      const path = id.slice(testOrigin.length);
      const res = await t.visitor().get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('profile="http://www.w3.org/ns/anno.jsonld"');
      const etag = res.headers.get('etag');
      expect(etag).toBeTruthy();
      expect(res.headers.get('allow')).toContain('PUT');
      expect(res.body).toEqual(page.body.items[0]);
      const again = await t.visitor().get(path, { 'if-none-match': etag! });
      expect(again.status).toBe(304);
      expect(again.headers.get('etag')).toBe(etag);
      const other = await t.visitor().get(path, { 'if-none-match': '"something-else"' });
      expect(other.status).toBe(200);
    });

    it('answers 404 for an id that is not in the layer, or not a number', async () => {
      expect((await t.visitor().get(`/annotations/${slug}/notes/999999`)).status).toBe(404);
      expect((await t.visitor().get(`/annotations/${slug}/notes/abc`)).status).toBe(404);
      const many = await t.visitor().get(`/annotations/${slug}/many/?page=0`);
      const idInMany = many.body.items[0].id.split('/').at(-1);
      expect((await t.visitor().get(`/annotations/${slug}/notes/${idInMany}`)).status).toBe(404);
    });
  });

  describe('creating by POST', () => {
    beforeAll(async () => {
      await createLayer(ada, astral, { name: 'W3C', slug: 'w3c' });
    });

    it('creates a gloss from code-point selectors on a text with astral characters (201 + Location)', async () => {
      const source = `${testOrigin}/t/${astral}`;
      // The second "light": UTF-16 offset 19, code-point offset 13 (six emoji precede it).
      const unitStart = astralText.indexOf('light', astralText.indexOf('light') + 1);
      expect(unitStart).toBe(19);
      const cpStart = [...astralText.slice(0, unitStart)].length;
      expect(cpStart).toBe(13);
      const res = await ada.post(
        `/annotations/${astral}/w3c/`,
        annotation(source, [
          { type: 'TextQuoteSelector', exact: 'light' },
          { type: 'TextPositionSelector', start: cpStart, end: cpStart + 5 },
        ]),
        ldHeaders,
      );
      expect(res.status).toBe(201);
      expect(res.headers.get('content-type')).toContain('profile="http://www.w3.org/ns/anno.jsonld"');
      expect(res.headers.get('etag')).toBeTruthy();
      const location = res.headers.get('location')!;
      expect(location).toMatch(new RegExp(`^${testOrigin}/annotations/${astral}/w3c/[0-9]+$`));
      expect(res.body.id).toBe(location);
      expect(res.body.target.source).toBe(source);
      const position = res.body.target.selector.find((s: { type: string }) => s.type === 'TextPositionSelector');
      expect(position).toEqual({ type: 'TextPositionSelector', start: 13, end: 18 });
      expect(res.body.target.selector.find((s: { type: string }) => s.type === 'TextQuoteSelector')).toMatchObject({ exact: 'light', prefix: '😀😀😀😀😀😀 light ', suffix: ' light\nAnd 𝔸 is not 𝔹 at all.' });

      const fetched = await t.visitor().get(location.slice(testOrigin.length));
      expect(fetched.status).toBe(200);
      expect(fetched.body).toEqual(res.body);

      const list = await t.visitor().get(`/api/texts/${astral}/glosses`);
      const id = Number(location.split('/').at(-1));
      const gloss = list.body.glosses.find((g: { id: number }) => g.id === id);
      expect(gloss.anchor).toMatchObject({ status: 'exact', start: 19, end: 24, exact: 'light' });
      expect(gloss.body.text).toBe('A note from a W3C client.');
      const text = await t.visitor().get(`/api/texts/${astral}`);
      expect(text.body.text).toBe(astralText);
      expect(text.body.text.slice(gloss.anchor.start, gloss.anchor.end)).toBe('light');
    });

    it('converts a quote that itself holds astral characters', async () => {
      const source = `${testOrigin}/t/${astral}`;
      const quote = '𝔸 is not 𝔹';
      const unitStart = astralText.indexOf(quote);
      const cpStart = [...astralText.slice(0, unitStart)].length;
      const res = await ada.post(
        `/annotations/${astral}/w3c/`,
        annotation(source, [
          { type: 'TextPositionSelector', start: cpStart, end: cpStart + [...quote].length },
          { type: 'TextQuoteSelector', exact: quote },
        ], 'Plain *text*', { body: { type: 'TextualBody', value: 'Plain *text*', format: 'text/plain' }, motivation: 'questioning' }),
        ldHeaders,
      );
      expect(res.status).toBe(201);
      const g = JSON.parse((await t.visitor().get(`/api/glosses/${res.body.id.split('/').at(-1)}`)).text);
      expect(g.anchor).toMatchObject({ start: unitStart, end: unitStart + quote.length, exact: quote });
      expect(g.motivation).toBe('questioning');
      expect(g.body.text).toBe('Plain *text*');
      expect(res.body.target.selector.find((s: { type: string }) => s.type === 'TextPositionSelector')).toMatchObject({ start: cpStart, end: cpStart + 10 });
    });

    it('accepts application/json too', async () => {
      const res = await ada.post(
        `/annotations/${astral}/w3c/`,
        annotation(`${testOrigin}/t/${astral}`, [{ type: 'TextQuoteSelector', exact: 'at all' }]),
        { 'content-type': 'application/json' },
      );
      expect(res.status).toBe(201);
    });

    it('answers 422 when the quote is not in the text, and writes nothing', async () => {
      const before = (await ada.get(`/api/texts/${astral}/layers/w3c/glosses`)).body.glosses.length;
      const res = await ada.post(
        `/annotations/${astral}/w3c/`,
        annotation(`${testOrigin}/t/${astral}`, [{ type: 'TextQuoteSelector', exact: 'darkness was upon the face' }]),
        ldHeaders,
      );
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('anchor_not_found');
      expect(typeof res.body.error.message).toBe('string');
      expect((await ada.get(`/api/texts/${astral}/layers/w3c/glosses`)).body.glosses.length).toBe(before);
    });

    it('answers 422 for a target on another source, 400 without a quote or for a non-annotation', async () => {
      const other = await ada.post(
        `/annotations/${astral}/w3c/`,
        annotation('https://elsewhere.example/t/astral', [{ type: 'TextQuoteSelector', exact: 'light' }]),
        ldHeaders,
      );
      expect(other.status).toBe(422);
      expect(other.body.error.code).toBe('unknown_source');
      const noQuote = await ada.post(
        `/annotations/${astral}/w3c/`,
        annotation(`${testOrigin}/t/${astral}`, [{ type: 'TextPositionSelector', start: 0, end: 3 }]),
        ldHeaders,
      );
      expect(noQuote.status).toBe(400);
      const notAnnotation = await ada.post(`/annotations/${astral}/w3c/`, { hello: 'world' }, ldHeaders);
      expect(notAnnotation.status).toBe(400);
      expect(notAnnotation.body.error.code).toBe('invalid_annotation');
      const badJson = await ada.post(`/annotations/${astral}/w3c/`, '{not json', ldHeaders);
      expect(badJson.status).toBe(400);
      expect(badJson.body.error.code).toBe('invalid_json');
    });

    it('refuses a quote longer than 1000 characters instead of cutting it short', async () => {
      const long = await createText(ada, { title: 'Long', content: 'word '.repeat(400).trim() });
      await createLayer(ada, long, { name: 'L', slug: 'l' });
      const quote = 'word '.repeat(250).trim(); // 1249 characters, all in the text
      const res = await ada.post(`/annotations/${long}/l/`, annotation(`${testOrigin}/t/${long}`, [{ type: 'TextQuoteSelector', exact: quote }]), ldHeaders);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/1000/);
      expect((await t.visitor().get(`/annotations/${long}/l/`)).body.total).toBe(0);
      // The JSON API says the same.
      const api = await ada.post(`/api/texts/${long}/layers/l/glosses`, { target: { exact: quote }, body: { markdown: 'x' } });
      expect(api.status).toBe(400);
    });

    it('answers 415 to a body that is not JSON-LD', async () => {
      const res = await ada.post(`/annotations/${astral}/w3c/`, 'exact=light', { 'content-type': 'application/x-www-form-urlencoded' });
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('unsupported_media_type');
      const plain = await ada.post(
        `/annotations/${astral}/w3c/`,
        JSON.stringify(annotation(`${testOrigin}/t/${astral}`, [{ type: 'TextQuoteSelector', exact: 'light' }])),
        { 'content-type': 'text/plain' },
      );
      expect(plain.status).toBe(415);
    });

    it('requires a signed-in writer', async () => {
      const body = annotation(`${testOrigin}/t/${astral}`, [{ type: 'TextQuoteSelector', exact: 'light' }]);
      const visitor = await t.visitor().post(`/annotations/${astral}/w3c/`, body, ldHeaders);
      expect(visitor.status).toBe(401);
      const stranger = await bob.post(`/annotations/${astral}/w3c/`, body, ldHeaders);
      expect(stranger.status).toBe(403);
      // A cookie without our Origin is refused as cross-site.
      const foreign = await ada.post(`/annotations/${astral}/w3c/`, body, { ...ldHeaders, origin: 'https://evil.example' });
      expect(foreign.status).toBe(403);
      expect(foreign.body.error.code).toBe('cross_site');
    });

    it('creates a gloss on a gloss when the source is that gloss’s annotation', async () => {
      const page = await t.visitor().get(`/annotations/${slug}/notes/?page=0`);
      const parent = page.body.items[1];
      await createLayer(ada, slug, { name: 'Super', slug: 'super' });
      const res = await ada.post(`/annotations/${slug}/super/`, annotation(parent.id, [{ type: 'TextQuoteSelector', exact: 'Second' }]), ldHeaders);
      expect(res.status).toBe(201);
      expect(res.body.target.source).toBe(parent.id);
      const g = JSON.parse((await t.visitor().get(`/api/glosses/${res.body.id.split('/').at(-1)}`)).text);
      expect(g.target.gloss).toBe(Number(parent.id.split('/').at(-1)));
      expect(g.anchor).toMatchObject({ start: 0, end: 6, exact: 'Second' });
    });
  });

  describe('replacing and deleting', () => {
    let path: string;
    let etag: string;

    beforeAll(async () => {
      await createLayer(ada, slug, { name: 'Editable', slug: 'editable' });
      const res = await ada.post(
        `/annotations/${slug}/editable/`,
        annotation(`${testOrigin}/t/${slug}`, [{ type: 'TextQuoteSelector', exact: 'divided the light' }], 'Version one.'),
        ldHeaders,
      );
      expect(res.status).toBe(201);
      path = res.headers.get('location')!.slice(testOrigin.length);
      etag = res.headers.get('etag')!;
    });

    it('PUT without If-Match is 428', async () => {
      const res = await ada.put(path, annotation(`${testOrigin}/t/${slug}`, [], 'Version two.'), ldHeaders);
      expect(res.status).toBe(428);
      expect(res.body.error.code).toBe('precondition_required');
    });

    it('PUT with a stale If-Match is 412', async () => {
      const res = await ada.put(path, annotation(`${testOrigin}/t/${slug}`, [], 'Version two.'), { ...ldHeaders, 'if-match': 'W/"stale"' });
      expect(res.status).toBe(412);
      expect(res.body.error.code).toBe('precondition_failed');
      expect((await t.visitor().get(path)).body.body.value.trim()).toBe('Version one.');
    });

    it('PUT with the fresh ETag is 200 with the new body and a new ETag; the old ETag is then stale', async () => {
      const res = await ada.put(
        path,
        annotation(`${testOrigin}/t/${slug}`, [{ type: 'TextQuoteSelector', exact: 'ignored: glosses do not move by PUT' }], 'Version **two**.', { motivation: 'questioning' }),
        { ...ldHeaders, 'if-match': etag },
      );
      expect(res.status).toBe(200);
      expect(res.body.body.value.trim()).toBe('Version **two**.');
      expect(res.body.motivation).toBe('questioning');
      expect(res.body.target.selector[0].exact).toBe('divided the light');
      const newEtag = res.headers.get('etag')!;
      expect(newEtag).toBeTruthy();
      expect(newEtag).not.toBe(etag);
      const read = await t.visitor().get(path);
      expect(read.headers.get('etag')).toBe(newEtag);
      expect(read.body.body.value.trim()).toBe('Version **two**.');
      const g = JSON.parse((await t.visitor().get(`/api/glosses/${path.split('/').at(-1)}`)).text);
      expect(g.body.text).toBe('Version two.');

      // Someone still holding the first ETag cannot overwrite the second version.
      const stale = await ada.put(path, annotation(`${testOrigin}/t/${slug}`, [], 'Version three.'), { ...ldHeaders, 'if-match': etag });
      expect(stale.status).toBe(412);
      etag = newEtag;
    });

    it('PUT by someone else is refused, even with the right ETag', async () => {
      await ada.patch(`/api/texts/${slug}/layers/editable`, { writePolicy: 'signed_in' });
      const res = await bob.put(path, annotation(`${testOrigin}/t/${slug}`, [], 'Hijack.'), { ...ldHeaders, 'if-match': etag });
      expect(res.status).toBe(403);
      const del = await bob.delete(path, { 'if-match': etag });
      expect(del.status).toBe(403);
      expect((await t.visitor().get(path)).status).toBe(200);
    });

    it('PUT with a wrong content type is 415, and with a non-annotation 400', async () => {
      expect((await ada.put(path, 'body', { 'content-type': 'text/plain', 'if-match': etag })).status).toBe(415);
      expect((await ada.put(path, { nope: true }, { ...ldHeaders, 'if-match': etag })).status).toBe(400);
    });

    it('DELETE without If-Match is 428, stale 412, fresh 204, then the annotation is 404', async () => {
      const none = await ada.delete(path);
      expect(none.status).toBe(428);
      const stale = await ada.delete(path, { 'if-match': 'W/"stale"' });
      expect(stale.status).toBe(412);
      expect((await t.visitor().get(path)).status).toBe(200);
      const ok = await ada.delete(path, { 'if-match': etag });
      expect(ok.status).toBe(204);
      expect(ok.text).toBe('');
      expect((await t.visitor().get(path)).status).toBe(404);
      expect((await ada.delete(path, { 'if-match': etag })).status).toBe(404);
      expect((await ada.put(path, annotation(`${testOrigin}/t/${slug}`, [], 'x'), { ...ldHeaders, 'if-match': etag })).status).toBe(404);
      expect((await t.visitor().get(`/annotations/${slug}/editable/`)).body.total).toBe(0);
    });

    it('gives every successful PUT a new ETag, even two in the same millisecond', async () => {
      const created = await ada.post(
        `/annotations/${slug}/editable/`,
        annotation(`${testOrigin}/t/${slug}`, [{ type: 'TextQuoteSelector', exact: 'the face of the deep' }], 'Round 0'),
        ldHeaders,
      );
      const p = created.headers.get('location')!.slice(testOrigin.length);
      let current = created.headers.get('etag')!;
      // A fast server can do two writes in one millisecond: freeze the clock to make that certain.
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
      try {
        for (let round = 1; round <= 10; round++) {
        const put = await ada.put(p, annotation(`${testOrigin}/t/${slug}`, [], `Round ${round}`), { ...ldHeaders, 'if-match': current });
        expect(put.status).toBe(200);
        const next = put.headers.get('etag')!;
        expect(next, `round ${round}`).not.toBe(current);
        // The ETag read before this PUT is now stale: a second writer holding it is refused.
        const late = await ada.put(p, annotation(`${testOrigin}/t/${slug}`, [], 'Late writer'), { ...ldHeaders, 'if-match': current });
        expect(late.status, `round ${round}`).toBe(412);
        current = next;
        }
      } finally {
        vi.useRealTimers();
      }
      expect((await t.visitor().get(p)).body.body.value.trim()).toBe('Round 10');
      expect((await ada.delete(p, { 'if-match': current })).status).toBe(204);
    });

    it('accepts If-Match: * on a live annotation', async () => {
      const res = await ada.post(
        `/annotations/${slug}/editable/`,
        annotation(`${testOrigin}/t/${slug}`, [{ type: 'TextQuoteSelector', exact: 'God saw the light' }]),
        ldHeaders,
      );
      const p = res.headers.get('location')!.slice(testOrigin.length);
      expect((await ada.delete(p, { 'if-match': '*' })).status).toBe(204);
    });
  });

  describe('importing a collection', () => {
    let exported: any;

    beforeAll(async () => {
      // Export the notes layer page by page, as a W3C client would, into one collection.
      const container = await t.visitor().get(`/annotations/${slug}/notes/`);
      const items: unknown[] = [];
      let url: string | undefined = container.body.first;
      while (url) {
        const page = await t.visitor().get(url.slice(testOrigin.length));
        items.push(...page.body.items);
        url = page.body.next;
      }
      exported = { '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'AnnotationCollection', total: items.length, first: { type: 'AnnotationPage', items } };
      expect(items).toHaveLength(3);
      // Revise the text: two sentences are added, so every position after the first paragraph moves.
      const v = await ada.post(`/api/texts/${slug}/versions`, { format: 'markdown', content: genesisRevised });
      expect(v.status).toBe(201);
    });

    it('imports into a new layer of the revised text; each gloss lands on its quote', async () => {
      await createLayer(ada, slug, { name: 'Imported', slug: 'imported' });
      const foreign = annotation('https://elsewhere.example/t/genesis', [{ type: 'TextQuoteSelector', exact: 'In the beginning' }], 'Not ours.');
      const tooLong = annotation(`${testOrigin}/t/${slug}`, [{ type: 'TextQuoteSelector', exact: 'x'.repeat(1001) }], 'Too long.');
      const collection = { ...exported, first: { ...exported.first, items: [...exported.first.items, foreign, tooLong] } };
      const res = await ada.post(`/api/texts/${slug}/layers/imported/import`, collection, ldHeaders);
      expect(res.status).toBe(201);
      expect(res.body.imported).toBe(3);
      expect(res.body.skipped).toEqual([
        { index: 3, reason: expect.any(String) },
        { index: 4, reason: expect.any(String) },
      ]);
      expect(res.body.skipped[0].reason).toMatch(/not this text/);
      // Each skip says why: this one is on the right text, its quote is too long.
      expect(res.body.skipped[1].reason).not.toMatch(/not this text/);
      expect(res.body.skipped[1].reason).toMatch(/1000|long/);
      const counts = res.body.anchors as Record<string, number>;
      expect(Object.keys(counts)).toEqual(expect.arrayContaining(['exact', 'moved', 'fuzzy', 'segment', 'orphan']));
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(3);
      expect(counts.orphan).toBe(0);
      expect(counts.segment).toBe(0);

      const text = (await t.visitor().get(`/api/texts/${slug}`)).body;
      expect(text.currentVersion).toBe(2);
      const list = (await t.visitor().get(`/api/texts/${slug}/layers/imported/glosses`)).body.glosses as any[];
      expect(list).toHaveLength(3);
      const quotes = ['In the beginning', 'without form, and void', 'there was light'];
      expect(list.map((g) => g.anchor.exact)).toEqual(quotes);
      for (const g of list) {
        expect(g.anchor.version).toBe(2);
        expect(text.text.slice(g.anchor.start, g.anchor.end)).toBe(g.anchor.exact);
        expect(g.author.handle).toBe('ada');
      }
      // The quote after the inserted sentence moved; it is still found at its new place.
      expect(list[1].anchor.start).toBe(text.text.indexOf('without form, and void'));
      expect(list[2].anchor.start).toBe(text.text.indexOf('there was light'));
      expect(list.map((g) => g.body.text)).toEqual(['First note.', 'Second note.', 'Third note.']);
      expect(list[2].motivation).toBe('questioning');
      // The foreign annotation did not come in.
      expect(list.some((g) => g.body.text === 'Not ours.')).toBe(false);
    });

    it('imports the CLI/export form, an AnnotationPage and a bare array alike', async () => {
      await createLayer(ada, slug, { name: 'Again', slug: 'again' });
      const page = await ada.post(`/api/texts/${slug}/layers/again/import`, { type: 'AnnotationPage', items: exported.first.items.slice(0, 1) }, ldHeaders);
      expect(page.status).toBe(201);
      expect(page.body.imported).toBe(1);
      const array = await ada.post(`/api/texts/${slug}/layers/again/import`, exported.first.items.slice(1), { 'content-type': 'application/json' });
      expect(array.status).toBe(201);
      expect(array.body.imported).toBe(2);
      expect((await t.visitor().get(`/annotations/${slug}/again/`)).body.total).toBe(3);
    });

    it('rejects a malformed collection with 400 and imports nothing', async () => {
      await createLayer(ada, slug, { name: 'Strict', slug: 'strict' });
      const count = async () => (await ada.get(`/api/texts/${slug}/layers/strict/glosses`)).body.glosses.length as number;
      expect(await count()).toBe(0);
      const good = exported.first.items[0];
      const broken = { ...exported, first: { ...exported.first, items: [good, { type: 'Annotation', body: { value: 'no target' } }, good] } };
      const res = await ada.post(`/api/texts/${slug}/layers/strict/import`, broken, ldHeaders);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_annotation');
      expect(res.body.error.message).toMatch(/Annotation 1/);
      expect(await count()).toBe(0);

      for (const body of [{ hello: 'world' }, 'not json at all', 42, { type: 'AnnotationCollection', first: 'https://elsewhere.example/page0' },
        // Only the first page embedded, the rest linked: importing it would silently drop the rest.
        { type: 'AnnotationCollection', first: { type: 'AnnotationPage', items: [good], next: 'https://elsewhere.example/page1' } }]) {
        const r = await ada.post(`/api/texts/${slug}/layers/strict/import`, typeof body === 'string' ? body : JSON.stringify(body), ldHeaders);
        expect(r.status, JSON.stringify(body)).toBe(400);
      }
      expect(await count()).toBe(0);
      const wrongType = await ada.post(`/api/texts/${slug}/layers/strict/import`, exported, { 'content-type': 'text/plain' });
      expect(wrongType.status).toBe(415);
      expect(await count()).toBe(0);
    });

    it('lets only writers of the layer import', async () => {
      const res = await bob.post(`/api/texts/${slug}/layers/strict/import`, exported, ldHeaders);
      expect(res.status).toBe(403);
      expect((await t.visitor().post(`/api/texts/${slug}/layers/strict/import`, exported, ldHeaders)).status).toBe(401);
      expect((await ada.get(`/api/texts/${slug}/layers/strict/glosses`)).body.glosses).toHaveLength(0);
    });
  });
});
