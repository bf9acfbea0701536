/**
 * A private layer, and a private text, never show through any door (README, "Reading groups"): lists,
 * single reads, counts, replies, search, the W3C containers and the live event stream. The
 * owner sees everything. Also the invariant that keeps commentary on commentary readable:
 * everyone who can read a gloss can read what it comments on.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createLayer, useTestApp, createText, testOrigin, writeGloss, type TestClient, type TestResponse } from '../helpers/test-app.ts';
import { expectError } from '../helpers/expect-error.ts';

/** Words that exist only in private places. */
const secrets = {
  privateGloss: 'zanzibarite',
  privateReply: 'quixotrix',
  privateText: 'hiddenword',
  glossOnPrivateText: 'vaultgloss',
};
const secretWords = Object.values(secrets);


function expectNoSecrets(res: TestResponse) {
  for (const w of secretWords) expect(res.text, `${w} leaked`).not.toContain(w);
}

describe('private layers and texts', () => {
  const t = useTestApp();
  let olga: TestClient;
  let otto: TestClient;
  const pub = 'commons';
  const vault = 'vault';
  let publicGloss: any;
  let privateGloss: any;
  let privateReply: any;
  let vaultGloss: any;
  let sentinel: any;

  beforeAll(async () => {
    olga = await t.signup('olga');
    otto = await t.signup('otto');
    await createText(olga, { title: 'Commons', slug: pub, content: 'The public text speaks of ordinary things and quiet words.' });
    await createLayer(olga, pub, { name: 'Open notes', slug: 'open-notes', writePolicy: 'signed_in' });
    await createLayer(olga, pub, { name: 'Diary', slug: 'diary', visibility: 'private' });
    publicGloss = await writeGloss(olga, pub, 'open-notes', { exact: 'ordinary things' }, 'A commonword note.');
    privateGloss = await writeGloss(olga, pub, 'diary', { exact: 'quiet words' }, `My ${secrets.privateGloss} thought.`);
    privateReply = (await olga.post(`/api/glosses/${privateGloss.id}/replies`, { body: { markdown: `And ${secrets.privateReply} too.` } })).body;
    expect(privateReply.id).toEqual(expect.any(Number));
    await createText(olga, { title: 'Vault', slug: vault, visibility: 'private', content: `A private text with the ${secrets.privateText} in it.` });
    await createLayer(olga, vault, { name: 'Vault notes', slug: 'vault-notes' });
    vaultGloss = await writeGloss(olga, vault, 'vault-notes', { exact: 'private text' }, `A ${secrets.glossOnPrivateText} note.`);
    // The last event on the public text: a stream that has delivered it has delivered everything before it.
    sentinel = await writeGloss(olga, pub, 'open-notes', { exact: 'public text' }, 'Sentinel.');
  });

  /** Reads a text's event stream from the start until `untilId` arrives; returns the raw stream text. */
  async function readEvents(client: TestClient, slug: string, untilId: number): Promise<string> {
    const headers: Record<string, string> = {};
    if (client.cookies.size) headers.cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await t.app.request(`${testOrigin}/api/texts/${slug}/events?since=0`, { headers });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let out = '';
    const deadline = Date.now() + 5000;
    while (!new RegExp(`"id":${untilId}\\b`).test(out) && Date.now() < deadline) {
      const { value, done } = await Promise.race([
        reader.read(),
        new Promise<{ value: undefined; done: true }>((r) => setTimeout(() => r({ value: undefined, done: true }), deadline - Date.now())),
      ]);
      if (done) break;
      out += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    expect(out).toMatch(new RegExp(`"id":${untilId}\\b`));
    return out;
  }

  const outsiders: [string, () => TestClient][] = [
    ['a visitor', () => t.visitor()],
    ['another signed-in person', () => otto],
  ];

  describe.each(outsiders)('for %s', (_, who) => {
    it('lists no private text', async () => {
      const res = await who().get('/api/texts');
      expect(res.status).toBe(200);
      expect(res.body.texts.map((x: any) => x.slug)).toEqual([pub]);
      expectNoSecrets(res);
    });

    it.each([
      `/api/texts/${vault}`,
      `/api/texts/${vault}?version=1`,
      `/api/texts/${vault}/versions`,
      `/api/texts/${vault}/layers`,
      `/api/texts/${vault}/layers/vault-notes`,
      `/api/texts/${vault}/layers/vault-notes/glosses`,
      `/api/texts/${vault}/glosses`,
      `/api/texts/${vault}/events`,
      `/api/search?q=words&text=${vault}`,
      `/annotations/${vault}/vault-notes/`,
      `/annotations/${vault}/vault-notes/?page=0`,
    ])('answers 404 for the private text at %s', async (url) => {
      const res = await who().get(url);
      expectError(res, 404, 'not_found');
      expectNoSecrets(res);
    });

    it('answers 404 for a gloss on the private text', async () => {
      expectError(await who().get(`/api/glosses/${vaultGloss.id}`), 404, 'not_found');
      expectError(await who().get(`/annotations/${vault}/vault-notes/${vaultGloss.id}`), 404, 'not_found');
    });

    it('leaves the private layer out of the layer list and out of the public layer’s count', async () => {
      const res = await who().get(`/api/texts/${pub}/layers`);
      expect(res.status).toBe(200);
      expect(res.body.layers.map((l: any) => l.slug)).toEqual(['open-notes']);
      const [open] = res.body.layers;
      const publicCount = (await olga.get(`/api/texts/${pub}/glosses?layer=open-notes`)).body.glosses.length;
      expect(open.glossCount).toBe(publicCount);
      expect(open.glossCount).toBe(2);
      expectNoSecrets(res);
    });

    it('leaves private glosses and their replies out of the gloss listings', async () => {
      const all = await who().get(`/api/texts/${pub}/glosses`);
      expect(all.status).toBe(200);
      expect(all.body.glosses.map((g: any) => g.id)).toEqual([publicGloss.id, sentinel.id]);
      expectNoSecrets(all);
      const filtered = await who().get(`/api/texts/${pub}/glosses?layer=diary`);
      expect(filtered.status).toBe(200);
      expect(filtered.body.glosses).toEqual([]);
      const both = await who().get(`/api/texts/${pub}/glosses?layer=diary,open-notes`);
      expect(both.body.glosses.map((g: any) => g.id)).toEqual([publicGloss.id, sentinel.id]);
    });

    it.each([
      `/api/texts/${pub}/layers/diary`,
      `/api/texts/${pub}/layers/diary/glosses`,
      `/annotations/${pub}/diary/`,
      `/annotations/${pub}/diary/?page=0`,
    ])('answers 404 for the private layer at %s', async (url) => {
      const res = await who().get(url);
      expectError(res, 404, 'not_found');
      expectNoSecrets(res);
    });

    it('answers 404 for the private gloss, through the API and the W3C container', async () => {
      for (const url of [`/api/glosses/${privateGloss.id}`, `/annotations/${pub}/diary/${privateGloss.id}`, `/annotations/${pub}/open-notes/${privateGloss.id}`]) {
        const res = await who().get(url);
        expectError(res, 404, 'not_found');
        expectNoSecrets(res);
      }
    });

    it('finds nothing, not even a count, when searching private words', async () => {
      for (const w of secretWords) {
        const res = await who().get(`/api/search?q=${w}`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ results: [] });
      }
      // Public words are still found.
      expect((await who().get('/api/search?q=commonword')).body.results.map((r: any) => r.id)).toEqual([publicGloss.id]);
    });

    it('shows only public annotations in the public container', async () => {
      const container = await who().get(`/annotations/${pub}/open-notes/`);
      expect(container.status).toBe(200);
      expect(container.body.total).toBe(2);
      const page = await who().get(`/annotations/${pub}/open-notes/?page=0`);
      expect(page.status).toBe(200);
      expect(page.body.items.map((a: any) => a.id)).toEqual([
        `${testOrigin}/annotations/${pub}/open-notes/${publicGloss.id}`,
        `${testOrigin}/annotations/${pub}/open-notes/${sentinel.id}`,
      ]);
      expectNoSecrets(page);
    });

    it('streams no private events', async () => {
      const stream = await readEvents(who(), pub, sentinel.id);
      expect(stream).toContain('commonword');
      for (const w of secretWords) expect(stream).not.toContain(w);
      expect(stream).not.toContain('"slug":"diary"');
      expect(stream).not.toMatch(new RegExp(`"id":${privateGloss.id}\\b`));
    });
  });

  describe('writing through the doors, as another signed-in person', () => {
    it('cannot reply to, edit or delete the private gloss or its reply', async () => {
      expectError(await otto.post(`/api/glosses/${privateGloss.id}/replies`, { body: { markdown: 'Peek.' } }), 404, 'not_found');
      expectError(await otto.patch(`/api/glosses/${privateGloss.id}`, { body: { markdown: 'x' } }), 404, 'not_found');
      expectError(await otto.delete(`/api/glosses/${privateGloss.id}`), 404, 'not_found');
      expectError(await otto.patch(`/api/replies/${privateReply.id}`, { body: { markdown: 'x' } }), 404, 'not_found');
      expectError(await otto.delete(`/api/replies/${privateReply.id}`), 404, 'not_found');
      expectError(await otto.post(`/api/glosses/${vaultGloss.id}/replies`, { body: { markdown: 'Peek.' } }), 404, 'not_found');
      // A visitor is turned away before anything is looked up.
      expectError(await t.visitor().post(`/api/glosses/${privateGloss.id}/replies`, { body: { markdown: 'Peek.' } }), 401, 'unauthenticated');
    });

    it('cannot write in the private layer, nor on the private text', async () => {
      expectError(await otto.post(`/api/texts/${pub}/layers/diary/glosses`, { target: { exact: 'quiet' }, body: { markdown: 'x' } }), 404, 'not_found');
      expectError(await otto.post(`/api/texts/${vault}/layers`, { name: 'Mine', visibility: 'public' }), 404, 'not_found');
      expectError(await otto.post(`/api/texts/${vault}/layers/vault-notes/glosses`, { target: { exact: 'private' }, body: { markdown: 'x' } }), 404, 'not_found');
      expectError(await otto.patch(`/api/texts/${pub}/layers/diary`, { visibility: 'public' }), 404, 'not_found');
      const annotation = { type: 'Annotation', target: { source: `${testOrigin}/t/${pub}`, selector: { type: 'TextQuoteSelector', exact: 'quiet' } }, bodyValue: 'x' };
      const res = await otto.request('POST', `/annotations/${pub}/diary/`, annotation, { 'content-type': 'application/ld+json' });
      expectError(res, 404, 'not_found');
    });

    it('cannot comment on the private gloss: the answer is the same as for a gloss that does not exist', async () => {
      const onPrivate = await otto.post(`/api/texts/${pub}/layers/open-notes/glosses`, { target: { gloss: privateGloss.id, exact: 'thought' }, body: { markdown: 'x' } });
      const onNothing = await otto.post(`/api/texts/${pub}/layers/open-notes/glosses`, { target: { gloss: 999999, exact: 'thought' }, body: { markdown: 'x' } });
      expectError(onPrivate, 422, 'target_not_found');
      expectError(onNothing, 422, 'target_not_found');
      expectNoSecrets(onPrivate);
    });

    it('changed nothing', async () => {
      const own = await olga.get(`/api/glosses/${privateGloss.id}`);
      expect(own.body).toMatchObject({ status: 'active', body: { text: `My ${secrets.privateGloss} thought.` } });
      expect(own.body.replies.map((r: any) => r.id)).toEqual([privateReply.id]);
      expect((await olga.get(`/api/texts/${pub}/layers/diary/glosses`)).body.glosses.map((g: any) => g.id)).toEqual([privateGloss.id]);
    });
  });

  describe('for the owner', () => {
    it('shows everything', async () => {
      expect((await olga.get('/api/texts')).body.texts.map((x: any) => x.slug).sort()).toEqual([pub, vault]);
      expect((await olga.get(`/api/texts/${vault}`)).body.text).toContain(secrets.privateText);
      const layers = (await olga.get(`/api/texts/${pub}/layers`)).body.layers;
      expect(layers.map((l: any) => [l.slug, l.visibility, l.glossCount])).toEqual([
        ['open-notes', 'public', 2],
        ['diary', 'private', 1],
      ]);
      const glosses = (await olga.get(`/api/texts/${pub}/glosses`)).body.glosses.map((g: any) => g.id);
      expect(glosses).toEqual([publicGloss.id, privateGloss.id, sentinel.id]);
      const one = await olga.get(`/api/glosses/${privateGloss.id}`);
      expect(one.status).toBe(200);
      expect(one.body.replies[0].body.text).toContain(secrets.privateReply);
      expect((await olga.get(`/api/glosses/${vaultGloss.id}`)).status).toBe(200);
      expect((await olga.get(`/api/texts/${pub}/layers/diary/glosses`)).status).toBe(200);
    });

    it('finds private words in search', async () => {
      const expected: [string, string, number][] = [
        [secrets.privateGloss, 'gloss', privateGloss.id],
        [secrets.privateReply, 'reply', privateReply.id],
        [secrets.glossOnPrivateText, 'gloss', vaultGloss.id],
      ];
      for (const [word, kind, id] of expected) {
        const results = (await olga.get(`/api/search?q=${word}`)).body.results;
        expect(results.map((r: any) => [r.kind, r.id]), word).toEqual([[kind, id]]);
      }
      const text = (await olga.get(`/api/search?q=${secrets.privateText}`)).body.results;
      expect(text.map((r: any) => [r.kind, r.text])).toEqual([['text', vault]]);
    });

    it('reads the private containers', async () => {
      const container = await olga.get(`/annotations/${pub}/diary/`);
      expect(container.status).toBe(200);
      expect(container.body.total).toBe(1);
      const page = await olga.get(`/annotations/${pub}/diary/?page=0`);
      expect(page.body.items.map((a: any) => a.id)).toEqual([`${testOrigin}/annotations/${pub}/diary/${privateGloss.id}`]);
      expect((await olga.get(`/annotations/${pub}/diary/${privateGloss.id}`)).status).toBe(200);
      expect((await olga.get(`/annotations/${vault}/vault-notes/?page=0`)).status).toBe(200);
    });

    it('streams the private events', async () => {
      const stream = await readEvents(olga, pub, sentinel.id);
      expect(stream).toContain(secrets.privateGloss);
      expect(stream).toContain(secrets.privateReply);
    });
  });

  describe('commentary on commentary across visibilities', () => {
    it('refuses a gloss in a public layer on a private gloss: 409 visibility_mismatch', async () => {
      const res = await olga.post(`/api/texts/${pub}/layers/open-notes/glosses`, { target: { gloss: privateGloss.id, exact: 'thought' }, body: { markdown: 'Leak.' } });
      expectError(res, 409, 'visibility_mismatch');
      expect((await t.visitor().get(`/api/texts/${pub}/glosses`)).body.glosses.map((g: any) => g.id)).toEqual([publicGloss.id, sentinel.id]);
    });

    it('allows it in another private layer of the same owner, which then may not become public', async () => {
      await createLayer(olga, pub, { name: 'Margins', slug: 'margins', visibility: 'private' });
      const ok = await olga.post(`/api/texts/${pub}/layers/margins/glosses`, { target: { gloss: privateGloss.id, exact: 'thought' }, body: { markdown: 'Fine here.' } });
      expect(ok.status).toBe(201);
      expectError(await olga.patch(`/api/texts/${pub}/layers/margins`, { visibility: 'public' }), 409, 'layer_has_dependents');
      expect((await t.visitor().get(`/api/texts/${pub}/layers`)).body.layers.map((l: any) => l.slug)).toEqual(['open-notes']);
      // The other way round is safe: making the commented-on layer public hides nothing from anyone.
      const pubDiary = await olga.patch(`/api/texts/${pub}/layers/diary`, { visibility: 'public' });
      expect(pubDiary.status).toBe(200);
      expect((await olga.patch(`/api/texts/${pub}/layers/diary`, { visibility: 'private' })).status).toBe(200);
    });

    it('refuses to make a layer private while other layers’ glosses comment on it: 409 layer_has_dependents', async () => {
      await createLayer(olga, pub, { name: 'Shared', slug: 'shared' });
      const base = await writeGloss(olga, pub, 'shared', { exact: 'speaks' }, 'Speaks plainly.');
      await createLayer(otto, pub, { name: 'Answers', slug: 'answers' });
      const answer = await writeGloss(otto, pub, 'answers', { gloss: base.id, exact: 'plainly' }, 'Too plainly.');
      const res = await olga.patch(`/api/texts/${pub}/layers/shared`, { visibility: 'private' });
      expectError(res, 409, 'layer_has_dependents');
      const layers = (await t.visitor().get(`/api/texts/${pub}/layers`)).body.layers;
      expect(layers.find((l: any) => l.slug === 'shared')).toMatchObject({ visibility: 'public', glossCount: 1 });
      expect((await t.visitor().get(`/api/glosses/${answer.id}`)).status).toBe(200);
      expect((await t.visitor().get(`/api/glosses/${base.id}`)).status).toBe(200);
      // Other settings may still change.
      expect((await olga.patch(`/api/texts/${pub}/layers/shared`, { name: 'Shared notes' })).body).toMatchObject({ name: 'Shared notes', visibility: 'public' });
    });

    it('hides a layer made private, with its glosses, from then on', async () => {
      await createLayer(olga, pub, { name: 'Later', slug: 'later' });
      const g = await writeGloss(olga, pub, 'later', { exact: 'quiet' }, 'Soon hidden.');
      expect((await otto.get(`/api/glosses/${g.id}`)).status).toBe(200);
      expect((await olga.patch(`/api/texts/${pub}/layers/later`, { visibility: 'private' })).status).toBe(200);
      expectError(await otto.get(`/api/glosses/${g.id}`), 404, 'not_found');
      expect((await otto.get(`/api/texts/${pub}/layers`)).body.layers.map((l: any) => l.slug)).not.toContain('later');
      expect((await otto.get('/api/search?q=hidden')).body.results).toEqual([]);
    });
  });
});
