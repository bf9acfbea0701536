/**
 * Embedding on other sites, through the server's doors: the passage endpoint the widget reads,
 * oEmbed (the fields oembed.com §2.3 requires, 404 and 501), the discovery link, the iframe page,
 * the sign-in popup's page, the widget's script, and CORS — any origin may read, never with
 * cookies, and a bearer token writes from another origin while a cookie does not. Nothing of a
 * private layer or text travels through any of them. `/t/:slug` and `/embed.js` need the build
 * that `npm test` runs first.
 */
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/expect-error.ts';
import { createLayer, useTestApp, createText, testOrigin, writeGloss, type TestClient } from '../helpers/test-app.ts';

/** Another site, embedding Daf. */
const blog = 'https://blog.example';
/** Words that exist only in private things: no embed door may show them. */
const secret = 'zzembedsecretqx';
const privateTitle = 'zzprivatetitleqx';

/** A ProseMirror text document of a heading and `segment` blocks. */
const doc = {
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Chapter one' }] },
    { type: 'segment', attrs: { ref: '1:1' }, content: [{ type: 'text', text: 'Moses received the Torah at Sinai.' }] },
    { type: 'segment', attrs: { ref: '1:2' }, content: [{ type: 'text', text: 'The world stands on three things.' }] },
    { type: 'segment', attrs: { ref: '1:3' }, content: [{ type: 'text', text: 'Be not like servants who serve for a reward.' }] },
    { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Chapter two' }] },
    { type: 'segment', attrs: { ref: '2:1' }, content: [{ type: 'text', text: 'Which is the right path?' }] },
  ],
};

describe('embedding', () => {
  const t = useTestApp();
  let owner: TestClient;
  let token: string;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    owner = await t.signup('teacher');
    await createText(owner, { title: 'Avot', slug: 'avot', format: 'prosemirror', content: doc });
    await createText(owner, { title: privateTitle, slug: 'hidden', content: `Private ${secret} words.`, visibility: 'private' });
    await createLayer(owner, 'avot', { name: 'Notes', slug: 'notes', writePolicy: 'signed_in' });
    await createLayer(owner, 'avot', { name: 'Bartenura', slug: 'bartenura' });
    await createLayer(owner, 'avot', { name: `Diary ${secret}`, slug: 'diary', visibility: 'private' });
    ids.onSinai = (await writeGloss(owner, 'avot', 'notes', { exact: 'Torah at Sinai' }, 'On Sinai.')).id;
    ids.onPath = (await writeGloss(owner, 'avot', 'notes', { exact: 'right path' }, 'On the path.')).id;
    ids.onThree = (await writeGloss(owner, 'avot', 'bartenura', { exact: 'three things' }, 'Three.')).id;
    ids.onGloss = (await writeGloss(owner, 'avot', 'bartenura', { gloss: ids.onSinai, exact: 'Sinai' }, 'On the note.')).id;
    ids.secret = (await writeGloss(owner, 'avot', 'diary', { exact: 'three things' }, `My ${secret}.`)).id;
    expect((await owner.post(`/api/glosses/${ids.onThree}/replies`, { body: { markdown: 'A reply.' } })).status).toBe(201);
    const res = await owner.post('/api/tokens', { name: 'embed' });
    expect(res.status).toBe(201);
    token = res.body.token;
  });

  /** A client on another site: no cookies, its own Origin, perhaps a bearer token. */
  function elsewhere(bearer: string | null = null): TestClient {
    const c = t.visitor();
    c.origin = blog;
    c.bearer = bearer;
    return c;
  }

  describe('the passage the widget reads', () => {
    it('gives a range of segments: only its blocks, its offsets, and the glosses on it (with glosses on those)', async () => {
      const res = await elsewhere().get('/api/texts/avot/passage?ref=1:1-1:2', { origin: blog });
      expect(res.status).toBe(200);
      const p = res.body;
      expect(p.text).toMatchObject({ slug: 'avot', title: 'Avot', language: 'en', direction: 'ltr' });
      expect(p.ref).toBe('1:1-1:2');
      expect(p.doc.content.map((b: any) => b.attrs?.ref)).toEqual(['1:1', '1:2']);
      expect(p.segments.map((s: any) => s.ref)).toEqual(['1:1', '1:2']);
      const whole = (await t.visitor().get('/api/texts/avot')).body.text as string;
      expect(whole.slice(p.start, p.end)).toBe('Moses received the Torah at Sinai.\nThe world stands on three things.');
      expect(p.glosses.map((g: any) => g.id).sort()).toEqual([ids.onSinai, ids.onThree, ids.onGloss].sort());
      expect(p.glosses.find((g: any) => g.id === ids.onThree).replies).toHaveLength(1);
      expect(p.layers.map((l: any) => l.slug).sort()).toEqual(['bartenura', 'notes']);
      expect(res.text).not.toContain(secret);
    });

    it('takes one segment, a chapter, or the whole text', async () => {
      const one = (await t.visitor().get('/api/texts/avot/passage?ref=2:1')).body;
      expect(one.glosses.map((g: any) => g.id)).toEqual([ids.onPath]);
      const chapter = (await t.visitor().get('/api/texts/avot/passage?ref=1')).body;
      expect(chapter.segments.map((s: any) => s.ref)).toEqual(['1:1', '1:2', '1:3']);
      const across = (await t.visitor().get('/api/texts/avot/passage?ref=1:3-2')).body;
      expect(across.doc.content.map((b: any) => b.type)).toEqual(['segment', 'heading', 'segment']);
      const all = (await t.visitor().get('/api/texts/avot/passage')).body;
      expect(all.ref).toBeNull();
      expect(all.doc.content).toHaveLength(doc.content.length);
      expect(all.glosses).toHaveLength(4);
    });

    it('shows only the layers asked for, in that order', async () => {
      const res = await t.visitor().get('/api/texts/avot/passage?ref=1:1-1:2&layer=notes,diary,bartenura');
      expect(res.body.layers.map((l: any) => l.slug)).toEqual(['notes', 'bartenura']);
      const notes = await t.visitor().get('/api/texts/avot/passage?layer=notes');
      expect(notes.body.glosses.map((g: any) => g.layer)).toEqual(['notes', 'notes']);
      expectError(await t.visitor().get('/api/texts/avot/passage?layer=Not%20a%20slug'), 400, 'invalid_request');
    });

    it('shows a private layer to its owner, by bearer token from another origin, and to no one else', async () => {
      const mine = await elsewhere(token).get('/api/texts/avot/passage?ref=1:2');
      expect(mine.body.layers.map((l: any) => l.slug).sort()).toEqual(['bartenura', 'diary', 'notes']);
      expect(mine.body.glosses.map((g: any) => g.id)).toContain(ids.secret);
      expect(mine.headers.get('access-control-allow-origin')).toBe('*');
      const other = await (await t.signup('reader')).get('/api/texts/avot/passage?ref=1:2');
      expect(other.text).not.toContain(secret);
    });

    it('answers 404 for a ref the text does not have, a backwards range or a private text; 400 for a ref too long', async () => {
      expectError(await t.visitor().get('/api/texts/avot/passage?ref=9:9'), 404, 'ref_not_found');
      expectError(await t.visitor().get('/api/texts/avot/passage?ref=1:3-1:1'), 404, 'ref_not_found');
      expectError(await t.visitor().get('/api/texts/hidden/passage'), 404, 'not_found');
      expectError(await t.visitor().get('/api/texts/nope/passage'), 404, 'not_found');
      expectError(await t.visitor().get(`/api/texts/avot/passage?ref=${'1'.repeat(101)}`), 400, 'invalid_request');
    });

    it('keeps a chain of glosses on glosses to any depth, none from elsewhere, and none whose parent is not shown', async () => {
      const deeper = (await writeGloss(owner, 'avot', 'notes', { gloss: ids.onGloss, exact: 'note' }, 'On the note on the note.')).id;
      const deepest = (await writeGloss(owner, 'avot', 'bartenura', { gloss: deeper, exact: 'note' }, 'And on that.')).id;
      const onPathGloss = (await writeGloss(owner, 'avot', 'bartenura', { gloss: ids.onPath, exact: 'path' }, 'On the path note.')).id;
      const first = (await t.visitor().get('/api/texts/avot/passage?ref=1:1')).body;
      expect(first.glosses.map((g: any) => g.id)).toEqual([ids.onSinai, ids.onGloss, deeper, deepest]);
      const second = (await t.visitor().get('/api/texts/avot/passage?ref=2:1')).body;
      expect(second.glosses.map((g: any) => g.id)).toEqual([ids.onPath, onPathGloss]);
      // Without the notes, the Bartenura glosses on notes have nothing to hang on.
      const bartenura = (await t.visitor().get('/api/texts/avot/passage?ref=1:1-2:1&layer=bartenura')).body;
      expect(bartenura.glosses.map((g: any) => g.id)).toEqual([ids.onThree]);
    });
  });

  describe('oEmbed', () => {
    const oembed = (url: string, extra = '') => t.visitor().get(`/oembed?url=${encodeURIComponent(url)}${extra}`);

    it('answers a rich oEmbed response with every field the spec requires', async () => {
      const res = await oembed(`${testOrigin}/t/avot?ref=1:1-1:3&layers=bartenura,notes`, '&maxwidth=500&maxheight=300&format=json');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const o = res.body;
      // oembed.com §2.3.4: type and version always; html, width and height for `rich`.
      expect(o.type).toBe('rich');
      expect(o.version).toBe('1.0');
      expect(Number.isInteger(o.width) && o.width > 0 && o.width <= 500).toBe(true);
      expect(Number.isInteger(o.height) && o.height > 0 && o.height <= 300).toBe(true);
      expect(o).toMatchObject({ title: 'Avot 1:1-1:3', provider_name: 'Daf', provider_url: `${testOrigin}/`, cache_age: expect.any(Number) });
      const iframe = /^<iframe src="([^"]+)" width="(\d+)" height="(\d+)" title="[^"]+" sandbox="([^"]+)"[^>]*><\/iframe>$/.exec(o.html);
      expect(iframe, o.html).not.toBeNull();
      const src = new URL(iframe![1].replace(/&amp;/g, '&'));
      expect(src.origin + src.pathname).toBe(`${testOrigin}/embed/t/avot`);
      expect(src.searchParams.get('ref')).toBe('1:1-1:3');
      expect(src.searchParams.get('layers')).toBe('bartenura,notes');
      expect([Number(iframe![2]), Number(iframe![3])]).toEqual([o.width, o.height]);
      expect(iframe![4].split(' ')).not.toContain('allow-same-origin');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    });

    it('reads the ref from a #fragment, and sizes within the limits only', async () => {
      const o = (await oembed(`${testOrigin}/t/avot#2:1`)).body;
      expect(o.title).toBe('Avot 2:1');
      expect(o.html).toContain('/embed/t/avot?ref=2%3A1');
      expect(o.width).toBeGreaterThanOrEqual(300);
      expect((await oembed(`${testOrigin}/embed/t/avot`, '&maxwidth=100')).body.width).toBe(100);
    });

    it('answers 404 for unknown, private and foreign URLs, even to the owner of a private text', async () => {
      for (const url of [`${testOrigin}/t/nope`, `${testOrigin}/t/hidden`, `${testOrigin}/t/avot?ref=9:9`, `${testOrigin}/g/avot`, `${testOrigin}/t/avot/extra`, 'https://elsewhere.example/t/avot', 'not a url', `${testOrigin}/t/%E0%A4%A`]) {
        expectError(await oembed(url), 404, url.includes('9:9') ? 'ref_not_found' : 'not_found');
      }
      const res = await owner.get(`/oembed?url=${encodeURIComponent(`${testOrigin}/t/hidden`)}`);
      expectError(res, 404, 'not_found');
      expect(res.text).not.toContain(privateTitle);
    });

    it('answers 501 for formats other than json, and 400 for a missing url or a bad size', async () => {
      expectError(await oembed(`${testOrigin}/t/avot`, '&format=xml'), 501, 'unsupported_format');
      expectError(await t.visitor().get('/oembed'), 400, 'invalid_request');
      expectError(await oembed(`${testOrigin}/t/avot`, '&maxwidth=wide'), 400, 'invalid_request');
      expectError(await oembed(`${testOrigin}/t/avot`, '&maxheight=0'), 400, 'invalid_request');
    });

    it('is named by a discovery link in the text page', async () => {
      const res = await t.visitor().get('/t/avot');
      expect(res.status).toBe(200);
      const link = /<link rel="alternate" type="application\/json\+oembed" href="([^"]+)"/.exec(res.text);
      expect(link).not.toBeNull();
      const href = new URL(link![1].replace(/&amp;/g, '&'));
      expect(href.pathname).toBe('/oembed');
      expect(href.searchParams.get('url')).toBe(`${testOrigin}/t/avot`);
      expect(href.searchParams.get('format')).toBe('json');
      expect((await t.visitor().get(href.pathname + href.search)).status).toBe(200);
    });
  });

  describe('the iframe page', () => {
    it('shows one passage of a public text, framable by any site, loading only our script', async () => {
      const res = await t.visitor().get('/embed/t/avot?ref=1:1-1:3&layers=bartenura,notes');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.text).toContain(`<daf-passage src="${testOrigin}/t/avot" ref="1:1-1:3" layers="bartenura,notes"`);
      expect(res.text).toContain(`<script type="module" src="${testOrigin}/embed.js"></script>`);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain('frame-ancestors *');
      expect(csp).toContain(`script-src 'self' ${testOrigin}`);
      expect(res.headers.get('x-frame-options')).toBeNull();
    });

    it('answers 404 for a private text, even to its owner, and for an unknown ref; 400 for a bad layer', async () => {
      const res = await owner.get('/embed/t/hidden');
      expectError(res, 404, 'not_found');
      expect(res.text).not.toContain(privateTitle);
      expectError(await t.visitor().get('/embed/t/avot?ref=%22%3E%3Cscript%3E'), 404, 'ref_not_found');
      expectError(await t.visitor().get('/embed/t/avot?layers=%3Cb%3E'), 400, 'invalid_request');
    });
  });

  describe('the sign-in popup', () => {
    it('needs the origin of the page asking, and may not be framed', async () => {
      const res = await t.visitor().get(`/embed/connect?origin=${encodeURIComponent(blog)}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain('<daf-connect></daf-connect>');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      for (const origin of ['', 'javascript:alert(1)', `${blog}/page`, 'blog.example', 'data:text/html,x']) {
        expectError(await t.visitor().get(`/embed/connect?origin=${encodeURIComponent(origin)}`), 400, 'invalid_request');
      }
    });
  });

  describe('CORS', () => {
    it('lets any origin read public doors, never with credentials, errors included', async () => {
      for (const url of ['/api/texts/avot', '/api/texts/avot/passage?ref=1:1', '/api/texts/avot/layers', `/oembed?url=${encodeURIComponent(`${testOrigin}/t/avot`)}`, '/api/texts/nope', '/annotations/avot/notes/']) {
        const res = await t.visitor().get(url, { origin: blog });
        expect(res.headers.get('access-control-allow-origin'), url).toBe('*');
        expect(res.headers.get('access-control-allow-credentials'), url).toBeNull();
      }
    });

    it('answers a preflight for Authorization and Content-Type, without credentials', async () => {
      const res = await t.visitor().request('OPTIONS', '/api/texts/avot/layers/notes/glosses', undefined, {
        origin: blog,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
      expect(res.headers.get('access-control-allow-headers')!.toLowerCase()).toEqual(expect.stringContaining('authorization'));
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      // A bare OPTIONS is no preflight: the API has no such route.
      expect((await t.visitor().request('OPTIONS', '/api/texts', undefined, { origin: blog })).status).toBe(404);
    });

    it('accepts writes from another origin with a bearer token, and refuses them with a cookie', async () => {
      const gloss = { target: { exact: 'servants' }, body: { markdown: 'From the blog.' } };
      const res = await elsewhere(token).post('/api/texts/avot/layers/notes/glosses', gloss);
      expect(res.status).toBe(201);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      const reply = await elsewhere(token).post(`/api/glosses/${res.body.id}/replies`, { body: { markdown: 'And a reply.' } });
      expect(reply.status).toBe(201);
      expectError(await owner.post('/api/texts/avot/layers/notes/glosses', gloss, { origin: blog }), 403, 'cross_site');
      expectError(await elsewhere('not-a-token').post('/api/texts/avot/layers/notes/glosses', gloss), 401, 'bad_token');
    });
  });

  describe('the widget script', () => {
    it('is served to any origin as JavaScript, and unknown chunks are 404', async () => {
      const res = await t.visitor().get('/embed.js', { origin: blog });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
      expect(res.text).toContain('daf-passage');
      expectError(await t.visitor().get('/embed/assets/nope.js'), 404, 'not_found');
      expectError(await t.visitor().get('/embed/assets/..%2Fembed.js'), 404, 'not_found');
    });

    it('goes out as the build’s Brotli or gzip copy, whichever the browser accepts, and plain to one that accepts neither', async () => {
      const plain = await t.visitor().get('/embed.js');
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(plain.text).toContain('daf-passage');
      for (const [accept, encoding] of [
        ['gzip, deflate, br, zstd', 'br'],
        ['gzip, deflate', 'gzip'],
        ['br;q=0, gzip', 'gzip'],
        ['*', 'br'],
        ['identity', null],
      ] as const) {
        const res = await t.app.request(`${testOrigin}/embed.js`, { headers: { 'accept-encoding': accept } });
        expect(res.status, accept).toBe(200);
        expect(res.headers.get('content-encoding'), accept).toBe(encoding);
        expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
        // Whatever went over the wire, the script is the same.
        const wire = Buffer.from(await res.arrayBuffer());
        const decoded = encoding === 'br' ? zlib.brotliDecompressSync(wire) : encoding === 'gzip' ? zlib.gunzipSync(wire) : wire;
        expect(decoded.toString('utf8'), accept).toBe(plain.text);
        if (encoding) expect(wire.length, accept).toBeLessThan(decoded.length / 2);
      }
    });

    it('sends the API’s JSON gzipped to a browser that accepts it, and plain to one that does not', async () => {
      const zipped = await t.visitor().get('/api/texts/avot/glosses', { 'accept-encoding': 'gzip, deflate, br' });
      expect(zipped.status).toBe(200);
      expect(zipped.headers.get('content-encoding')).toBe('gzip');
      expect(zipped.headers.get('vary')).toMatch(/accept-encoding/i);
      const plain = await t.visitor().get('/api/texts/avot/glosses');
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(plain.body).toMatchObject({ text: 'avot' });
    });
  });
});
