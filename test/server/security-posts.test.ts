/**
 * Posts against abuse: what an import may store, edits that must wait for a moderator again, a
 * banned member's last doors (editing and flagging), notebooks that stay their writers', and an
 * event replay that never brings back words an edit removed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { maxBodyLength } from '../../schema/api.ts';
import { importBodyLimit } from '../../server/middleware/body.ts';
import { expectError } from '../helpers/expect-error.ts';
import { useTestApp, createText, testOrigin, type TestClient } from '../helpers/test-app.ts';

const content = 'The river runs to the sea. The mountain stands in the wind. The city sleeps under the stars.';
const ldHeaders = { 'content-type': 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"' };

describe('posts under attack', () => {
  const t = useTestApp();
  let ann: TestClient; // owner of every group here
  let moe: TestClient; // moderator
  let mel: TestClient; // member
  let mal: TestClient; // a stranger with an account
  let text: string;
  const textUrl = () => `${testOrigin}/t/${text}`;

  beforeAll(async () => {
    [ann, moe, mel, mal] = await Promise.all(['ann', 'moe', 'mel', 'mal'].map((h) => t.signup(h)));
    text = await createText(ann, { title: 'River', slug: 'river', content });
  });

  /** Creates a public group owned by ann with moe as moderator and mel as member. */
  async function circle(slug: string, settings: Record<string, unknown> = {}) {
    expect((await ann.post('/api/groups', { slug, name: slug, visibility: 'public', joinPolicy: 'open', ...settings })).status).toBe(201);
    for (const c of [moe, mel]) expect((await c.post(`/api/groups/${slug}/join`)).status).toBe(200);
    expect((await ann.patch(`/api/groups/${slug}/members/moe`, { role: 'moderator' })).status).toBe(200);
  }
  const gloss = async (who: TestClient, layer: string, exact = 'The river runs', md = 'A note.', extra: Record<string, unknown> = {}) => {
    const res = await who.post(`/api/texts/${text}/layers/${layer}/glosses`, { target: { exact, ...extra }, body: { markdown: md } });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };
  /** An annotation on the text; a `null` body is none at all. */
  const annotation = (selector: unknown[], body: unknown = { type: 'TextualBody', value: 'Imported words.', format: 'text/markdown' }, extra: Record<string, unknown> = {}) => ({
    '@context': 'http://www.w3.org/ns/anno.jsonld',
    type: 'Annotation',
    motivation: 'commenting',
    ...(body === null ? {} : { body }),
    target: { source: textUrl(), selector },
    ...extra,
  });
  const quote = (exact: string) => ({ type: 'TextQuoteSelector', exact });
  const fragment = (value: string) => ({ type: 'FragmentSelector', conformsTo: `${testOrigin}/api/openapi.json#segment-ref`, value });
  const listed = async (c: TestClient, layer: string) => ((await c.get(`/api/texts/${text}/layers/${layer}/glosses`)).body.glosses as any[]).map((g) => g.id);

  describe('imports are held to the limits of the API', () => {
    const layer = 'open';
    const importInto = (items: unknown, headers: Record<string, string> = ldHeaders) => mal.post(`/api/texts/${text}/layers/${layer}/import`, items, headers);

    beforeAll(async () => {
      // A layer anyone signed in may add to, on a public text: the page every visitor reads.
      expect((await ann.post(`/api/texts/${text}/layers`, { slug: layer, name: 'Open', visibility: 'public', writePolicy: 'signed_in' })).status).toBe(201);
    });

    it('skips an annotation whose quote is not in the text, however large its FragmentSelector', async () => {
      const nowhere = quote('Words that are nowhere');
      const res = await importInto([annotation([nowhere, fragment('9:'.repeat(250_000))]), annotation([nowhere, fragment('9:9')])]);
      expect(res.status, res.text).toBe(201);
      expect(res.body.imported).toBe(0);
      expect(res.body.skipped).toEqual([
        { index: 0, reason: expect.stringMatching(/segment ref longer/) },
        { index: 1, reason: expect.stringMatching(/not found/) },
      ]);
      const listing = await t.visitor().get(`/api/texts/${text}/glosses`);
      expect(listing.text.length).toBeLessThan(10_000);
    });

    it('skips a segment ref longer than any Daf names, even beside a quote that is found', async () => {
      const res = await importInto([annotation([quote('The river runs'), fragment('1:'.repeat(40))])]);
      expect(res.body.imported).toBe(0);
      expect(res.body.skipped).toEqual([{ index: 0, reason: expect.stringMatching(/segment/) }]);
    });

    it('skips an annotation with nothing to say, as POST glosses refuses an empty body; a highlight may be empty', async () => {
      const res = await importInto([
        annotation([quote('The river runs')], null),
        annotation([quote('The city sleeps')], null, { motivation: 'highlighting' }),
      ]);
      expect(res.status, res.text).toBe(201);
      expect(res.body.imported).toBe(1);
      expect(res.body.skipped).toEqual([{ index: 0, reason: expect.stringMatching(/empty/) }]);
    });

    it('refuses a body longer than a gloss may have: the whole import, a POST and a PUT (400)', async () => {
      const long = { type: 'TextualBody', value: 'w'.repeat(maxBodyLength + 1), format: 'text/markdown' };
      const before = await listed(t.visitor(), layer);
      expectError(await importInto([annotation([quote('The river runs')]), annotation([quote('The city sleeps')], long)]), 400, 'invalid_annotation');
      expectError(await mal.post(`/annotations/${text}/${layer}/`, annotation([quote('The river runs')], long), ldHeaders), 400, 'invalid_annotation');
      const made = await mal.post(`/annotations/${text}/${layer}/`, annotation([quote('The river runs')]), ldHeaders);
      expect(made.status).toBe(201);
      const put = await mal.put(new URL(made.body.id).pathname, annotation([quote('The river runs')], long), { ...ldHeaders, 'if-match': made.headers.get('etag')! });
      expectError(put, 400, 'invalid_annotation');
      expect((await listed(t.visitor(), layer)).length).toBe(before.length + 1);
    });

    it(`answers 413 to an import over ${importBodyLimit} bytes`, async () => {
      const body = JSON.stringify([annotation([quote('The river runs')], { type: 'TextualBody', value: 'x' })]).replace('"x"', `"${'x'.repeat(importBodyLimit)}"`);
      expectError(await importInto(body), 413, 'body_too_large');
    });
  });

  describe('an edit by someone not yet trusted waits for a moderator again', () => {
    const layer = 'careful';
    let pia: TestClient;

    beforeAll(async () => {
      await circle('careful', { premoderation: true, trustAfter: 5 });
      pia = await t.signup('pia');
      await pia.post('/api/groups/careful/join');
      await ann.post(`/api/texts/${text}/layers`, { slug: layer, name: 'Careful', visibility: 'public', group: 'careful' });
    });
    const approvedGloss = async (who: TestClient, md: string) => {
      const g = await gloss(who, layer, 'The river runs', md);
      if (g.status === 'pending') expect((await moe.post(`/api/glosses/${g.id}/approve`)).status).toBe(200);
      return g;
    };

    it('holds an edited gloss, and the glosses on it, until a moderator approves the edit', async () => {
      const g = await approvedGloss(pia, 'Approved words.');
      const child = await gloss(moe, layer, 'Approved', 'On the approved words.', { gloss: g.id });
      const edit = await pia.patch(`/api/glosses/${g.id}`, { body: { markdown: 'Approved words, and spam.' } });
      expect(edit.status, edit.text).toBe(200);
      expect(edit.body.status).toBe('pending');
      for (const c of [mel, mal, t.visitor()]) {
        expectError(await c.get(`/api/glosses/${g.id}`), 404, 'not_found');
        expectError(await c.get(`/api/glosses/${child.id}`), 404, 'not_found');
        expect(await listed(c, layer)).not.toContain(g.id);
      }
      const queue = (await moe.get('/api/groups/careful/moderation')).body.pending as any[];
      expect(queue).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'gloss', id: g.id })]));
      expect((await moe.post(`/api/glosses/${g.id}/approve`)).status).toBe(200);
      expect((await mel.get(`/api/glosses/${g.id}`)).body.body.text).toBe('Approved words, and spam.');
      expect((await mel.get(`/api/glosses/${child.id}`)).body.status).toBe('active');
    });

    it('holds an edited reply', async () => {
      const g = await gloss(moe, layer, 'The city sleeps', 'Talk here.');
      const r = await pia.post(`/api/glosses/${g.id}/replies`, { body: { markdown: 'A fair reply.' } });
      await moe.post(`/api/replies/${r.body.id}/approve`);
      const edit = await pia.patch(`/api/replies/${r.body.id}`, { body: { markdown: 'A reply turned to spam.' } });
      expect(edit.status, edit.text).toBe(200);
      expect(edit.body.status).toBe('pending');
      expect(((await mel.get(`/api/glosses/${g.id}`)).body.replies as any[]).map((x) => x.id)).not.toContain(r.body.id);
    });

    it('holds an annotation replaced by PUT, and still answers its author with it', async () => {
      const g = await approvedGloss(pia, 'Annotated.');
      const path = `/annotations/${text}/${layer}/${g.id}`;
      const etag = (await pia.get(path)).headers.get('etag')!;
      const put = await pia.put(path, annotation([quote('The river runs')], { type: 'TextualBody', value: 'Annotated, then spammed.' }), { ...ldHeaders, 'if-match': etag });
      expect(put.status, put.text).toBe(200);
      expect((await pia.get(`/api/glosses/${g.id}`)).body.status).toBe('pending');
      expectError(await mal.get(path), 404, 'not_found');
    });

    it('lets moderators and trusted members edit straight through', async () => {
      const mine = await approvedGloss(moe, 'A moderator’s note.');
      expect((await moe.patch(`/api/glosses/${mine.id}`, { body: { markdown: 'Edited by a moderator.' } })).body.status).toBe('active');
      await ann.patch('/api/groups/careful', { trustAfter: 1 });
      const g = await approvedGloss(mel, 'A member’s note.');
      expect((await mel.patch(`/api/glosses/${g.id}`, { body: { markdown: 'Edited once trusted.' } })).body.status).toBe('active');
      await ann.patch('/api/groups/careful', { trustAfter: 5 });
    });
  });

  describe('a banned member', () => {
    const layer = 'banned-public';
    let bea: TestClient;
    let mine: any;
    let reply: any;
    let theirs: any;

    beforeAll(async () => {
      await circle('banning');
      bea = await t.signup('bea');
      await bea.post('/api/groups/banning/join');
      await ann.post(`/api/texts/${text}/layers`, { slug: layer, name: 'Banned public', visibility: 'public', group: 'banning' });
      mine = await gloss(bea, layer, 'The river runs', 'Before the ban.');
      theirs = await gloss(ann, layer, 'The city sleeps', 'The owner’s note.');
      reply = (await bea.post(`/api/glosses/${theirs.id}/replies`, { body: { markdown: 'Before the ban too.' } })).body;
      expect((await ann.post('/api/groups/banning/members/bea/ban', { reason: 'Trouble.' })).status).toBe(204);
    });

    it('may no longer edit a gloss, a reply or an annotation in the group’s layers (403)', async () => {
      expectError(await bea.patch(`/api/glosses/${mine.id}`, { body: { markdown: 'After the ban.' } }), 403, 'banned');
      expectError(await bea.patch(`/api/glosses/${mine.id}`, { target: { exact: 'The mountain stands' } }), 403, 'banned');
      expectError(await bea.patch(`/api/replies/${reply.id}`, { body: { markdown: 'After the ban.' } }), 403, 'banned');
      const path = `/annotations/${text}/${layer}/${mine.id}`;
      const etag = (await bea.get(path)).headers.get('etag')!;
      expectError(await bea.put(path, annotation([quote('The river runs')], { type: 'TextualBody', value: 'After the ban.' }), { ...ldHeaders, 'if-match': etag }), 403, 'banned');
      expect((await t.visitor().get(`/api/glosses/${mine.id}`)).body.body.text).toBe('Before the ban.');
    });

    it('is told by the layer that editing is over there, so the reader offers no Edit', async () => {
      const you = (await bea.get(`/api/texts/${text}/layers/${layer}`)).body.you;
      expect(you).toMatchObject({ write: false, reply: false, edit: false });
      expect((await ann.get(`/api/texts/${text}/layers/${layer}`)).body.you).toMatchObject({ write: true, edit: true });
    });

    it('may no longer flag there (403)', async () => {
      expectError(await bea.post(`/api/glosses/${theirs.id}/flag`, { reason: 'Spite.' }), 403, 'banned');
      expect((await ann.get('/api/groups/banning/moderation')).body.flags).toEqual([]);
    });

    it('may still take their own words down', async () => {
      expect((await bea.delete(`/api/replies/${reply.id}`)).status).toBe(200);
      expect((await bea.delete(`/api/glosses/${mine.id}`)).status).toBe(200);
      expectError(await t.visitor().get(`/api/glosses/${mine.id}`), 404, 'not_found');
    });
  });

  describe('a notebook', () => {
    beforeAll(async () => {
      await circle('notebooks');
    });

    it('cannot be made public or group while it holds entries of others (409), and nothing changes', async () => {
      await ann.post(`/api/texts/${text}/layers`, { slug: 'diary', name: 'Diary', visibility: 'private', group: 'notebooks' });
      const entry = await gloss(mel, 'diary', 'The river runs', 'Mel’s private thought.');
      for (const visibility of ['public', 'group']) {
        expectError(await ann.patch(`/api/texts/${text}/layers/diary`, { visibility }), 409, 'notebook_has_entries');
      }
      expectError(await moe.get(`/api/glosses/${entry.id}`), 404, 'not_found');
      expectError(await t.visitor().get(`/api/glosses/${entry.id}`), 404, 'not_found');
      expect((await ann.get(`/api/texts/${text}/layers/diary`)).body.visibility).toBe('private');
    });

    it('may be opened while it holds its owner’s entries alone', async () => {
      await ann.post(`/api/texts/${text}/layers`, { slug: 'drafts', name: 'Drafts', visibility: 'private', group: 'notebooks' });
      const entry = await gloss(ann, 'drafts', 'The river runs', 'Ann’s draft.');
      expect((await ann.patch(`/api/texts/${text}/layers/drafts`, { visibility: 'group' })).status).toBe(200);
      expect((await mel.get(`/api/glosses/${entry.id}`)).status).toBe(200);
    });
  });

  describe('the event replay', () => {
    /** Reads the text's event stream from the start until `until` shows, then closes it. */
    async function replay(who: TestClient, until: string): Promise<string> {
      const controller = new AbortController();
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (who.cookies.size) headers.cookie = [...who.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const res = await t.app.request(`${testOrigin}/api/texts/${text}/events?since=0`, { headers, signal: controller.signal });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let seen = '';
      while (!seen.includes(until)) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += decoder.decode(value, { stream: true });
      }
      controller.abort();
      await reader.cancel().catch(() => {});
      return seen;
    }

    it('shows a gloss and a reply as they are now, never words an edit removed', async () => {
      await ann.post(`/api/texts/${text}/layers`, { slug: 'replayed', name: 'Replayed', visibility: 'public', writePolicy: 'signed_in' });
      const g = await gloss(mel, 'replayed', 'The mountain stands', 'Regrettedword first draft.');
      await mel.patch(`/api/glosses/${g.id}`, { body: { markdown: 'Second thoughts.' } });
      const r = await mal.post(`/api/glosses/${g.id}/replies`, { body: { markdown: 'Rudeword reply.' } });
      await mal.patch(`/api/replies/${r.body.id}`, { body: { markdown: 'A kinder reply.' } });
      const seen = await replay(t.visitor(), 'A kinder reply.');
      expect(seen).toContain('Second thoughts.');
      expect(seen).not.toContain('Regrettedword');
      expect(seen).not.toContain('Rudeword');
      // Each event keeps its kind and id: a client still sees the gloss created, then changed.
      expect(seen).toMatch(/event: gloss\.created[\s\S]*Second thoughts[\s\S]*event: gloss\.updated/);
    });
  });
});
