/**
 * Stances and decisions in the W3C export (docs/deliberation.md §6): each stance given with a reason is an annotation
 * `assessing` the gloss it is on, in the layer's container after that gloss; the decision in force
 * rides under Daf's JSON-LD context on the decided gloss's annotation; both show only what the
 * reader may read, and the documents stay valid Web Annotations.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DafUrls } from '../../schema/w3c.ts';
import { exportLayer } from '../../server/services/annotation-export.ts';
import { expectError } from '../helpers/expect-error.ts';
import { createText, testOrigin, useTestApp, writeGloss, type TestClient } from '../helpers/test-app.ts';

const annoContext = 'http://www.w3.org/ns/anno.jsonld';
const ldHeaders = { 'content-type': 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"' };

/** The terms of the W3C context (anno.jsonld) that Daf's documents use: Daf's own may be none of them. */
const w3cTerms = new Set(['@context', 'id', 'type', 'motivation', 'created', 'modified', 'creator', 'body', 'target', 'source', 'selector', 'value', 'format', 'purpose', 'nickname', 'name']);
/** The motivations the W3C model defines. */
const w3cMotivations = ['assessing', 'bookmarking', 'classifying', 'commenting', 'describing', 'editing', 'highlighting', 'identifying', 'linking', 'moderating', 'questioning', 'replying', 'tagging'];

/**
 * The checks a Web Annotation passes (the model's MUSTs as the W3C tests state them, and Daf's
 * own terms kept out of the W3C vocabulary): the W3C context first, any other term defined by the
 * context that follows it, a single IRI, a W3C motivation, a target IRI or specific resource, a
 * TextualBody with a value, a creator that is a Person.
 */
function expectValidAnnotation(a: Record<string, any>) {
  const context = Array.isArray(a['@context']) ? a['@context'] : [a['@context']];
  expect(context[0]).toBe(annoContext);
  const daf = (context[1] ?? {}) as Record<string, unknown>;
  for (const term of Object.keys(daf)) expect(w3cTerms.has(term), `Daf redefines the W3C term ${term}`).toBe(false);
  for (const key of Object.keys(a)) expect(w3cTerms.has(key) || key in daf, `${key} is neither a W3C term nor defined by Daf's context`).toBe(true);
  expect(a.type).toBe('Annotation');
  expect(a.id).toMatch(/^http:\/\/daf\.test\/annotations\/[^\s]+$/);
  expect(w3cMotivations).toContain(a.motivation);
  if (typeof a.target === 'string') expect(a.target).toMatch(/^http:\/\/daf\.test\//);
  else expect(a.target.source).toMatch(/^http:\/\/daf\.test\//);
  if (a.body !== undefined) {
    expect(a.body.type).toBe('TextualBody');
    expect(typeof a.body.value).toBe('string');
  }
  if (a.creator !== undefined) expect(a.creator).toMatchObject({ type: 'Person', id: expect.stringMatching(/^http:\/\/daf\.test\/u\//) });
  if (a.decision !== undefined) {
    expect(daf.decision).toBeDefined();
    for (const key of Object.keys(a.decision)) expect(key in daf || w3cTerms.has(key), `decision.${key} is not defined`).toBe(true);
  }
}

/** Every item of a container, page by page, as a W3C client reads it; and each page's startIndex and size. */
async function readContainer(client: TestClient, path: string) {
  const container = await client.get(path);
  expect(container.status).toBe(200);
  const items: Record<string, any>[] = [];
  const pages: { startIndex: number; size: number }[] = [];
  let url: string | undefined = container.body.first;
  while (url) {
    const page = await client.get(url.slice(testOrigin.length));
    expect(page.status).toBe(200);
    expect(page.body.partOf.total).toBe(container.body.total);
    pages.push({ startIndex: page.body.startIndex, size: page.body.items.length });
    items.push(...page.body.items);
    url = page.body.next;
  }
  return { total: container.body.total as number, items, pages };
}

describe('stances and decisions in the W3C export', () => {
  const t = useTestApp();
  let chair: TestClient;
  let bea: TestClient;
  let cy: TestClient;
  let outsider: TestClient;
  let text: string;
  let reading: number;
  let inner: number;
  let hidden: number;
  const iri = (layer: string, id: number) => `${testOrigin}/annotations/${text}/${layer}/${id}`;

  beforeAll(async () => {
    chair = await t.signup('chair');
    bea = await t.signup('bea');
    cy = await t.signup('cy');
    outsider = await t.signup('otto');
    expect((await chair.post('/api/groups', { slug: 'council', name: 'Council', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    for (const c of [bea, cy]) expect((await c.post('/api/groups/council/join')).status).toBe(200);
    text = await createText(chair, { title: 'Charter', content: 'Every member may speak. The chair keeps the time of each speaker.', group: 'council', visibility: 'public' });
    const layer = (slug: string, visibility: string) =>
      chair.post(`/api/texts/${text}/layers`, { name: slug, slug, group: 'council', visibility, writePolicy: 'members', replyPolicy: 'members' });
    expect((await layer('readings', 'public')).status).toBe(201);
    expect((await layer('inner', 'group')).status).toBe(201);
    reading = (await writeGloss(bea, text, 'readings', { exact: 'Every member may speak' }, 'Speaking includes writing.')).id;
    inner = (await writeGloss(cy, text, 'inner', { exact: 'keeps the time' }, 'The chair may cut a speaker short.')).id;
    hidden = (await writeGloss(bea, text, 'readings', { exact: 'each speaker' }, 'A reading soon hidden.')).id;
    const stance = async (c: TestClient, id: number, body: Record<string, string>) => expect((await c.put(`/api/glosses/${id}/stance`, body)).status).toBe(200);
    await stance(chair, reading, { stance: 'disagree', reason: 'Writing is not speaking.' });
    await stance(cy, reading, { stance: 'agree' });
    await stance(bea, inner, { stance: 'disagree', reason: 'A members-only reason.' });
    await stance(cy, hidden, { stance: 'agree', reason: 'A reason on a hidden reading.' });
    expect((await chair.post(`/api/glosses/${hidden}/hide`, { reason: 'Off topic' })).status).toBe(200);
    const decided = await chair.post(`/api/glosses/${reading}/decision`, { statement: 'We read it as the inner note does.', adopted: { gloss: inner }, reviewOn: '2027-01-01' });
    expect(decided.status, decided.text).toBe(201);
  });

  it('lists each stance given with a reason after its gloss as an annotation assessing it, by its author, and counts them all on the gloss', async () => {
    const { total, items } = await readContainer(t.visitor(), `/annotations/${text}/readings/`);
    expect(total).toBe(items.length);
    expect(items.map((a) => a.motivation)).toEqual(['commenting', 'assessing']);
    const [gloss, disagree] = items;
    expect(gloss.id).toBe(iri('readings', reading));
    // Cy's agreement, given without a reason, is counted on the gloss but names no one, as in listings.
    expect(gloss.stances).toEqual({ agree: 1, disagree: 1, abstain: 0 });
    expect(JSON.stringify(items)).not.toContain('stance-cy');
    for (const a of [disagree]) {
      expect(a.target).toBe(gloss.id);
      expect(a.id.startsWith(`${gloss.id}#stance-`)).toBe(true);
      expect(a['@context']).toEqual([annoContext, expect.objectContaining({ stance: 'daf:stance' })]);
    }
    expect(disagree).toMatchObject({
      id: `${gloss.id}#stance-chair`,
      stance: 'disagree',
      creator: { type: 'Person', nickname: 'chair', id: `${testOrigin}/u/chair` },
      body: { type: 'TextualBody', value: 'Writing is not speaking.', format: 'text/plain', purpose: 'assessing' },
      created: expect.any(String),
      modified: expect.any(String),
    });
    for (const a of items) expectValidAnnotation(a);
  });

  it('puts the decision in force under the Daf context, naming the adopted reading only to those who may read it', async () => {
    const member = await bea.get(`/annotations/${text}/readings/${reading}`);
    expect(member.status).toBe(200);
    expectValidAnnotation(member.body);
    expect(member.body['@context'][1]).toMatchObject({ decision: 'daf:decision', adopted: { '@id': 'daf:adopted', '@type': '@id' } });
    expect(member.body.decision).toEqual({
      statement: 'We read it as the inner note does.',
      adopted: iri('inner', inner),
      decidedBy: { id: `${testOrigin}/u/chair`, type: 'Person', nickname: 'chair', name: 'chair' },
      decidedAt: expect.any(String),
      reviewOn: '2027-01-01',
      dissent: [{ creator: { id: `${testOrigin}/u/chair`, type: 'Person', nickname: 'chair', name: 'chair' }, reason: 'Writing is not speaking.' }],
    });
    // The container's page says the same as the annotation alone.
    expect((await readContainer(bea, `/annotations/${text}/readings/`)).items[0]).toEqual(member.body);
    for (const reader of [t.visitor(), outsider]) {
      const res = await reader.get(`/annotations/${text}/readings/${reading}`);
      expect(res.body.decision.statement).toBe('We read it as the inner note does.');
      expect(res.body.decision.adopted).toBeUndefined();
      expect(res.text).not.toContain('/inner/');
    }
  });

  it('leaves out the stances on glosses the reader may not read', async () => {
    // The members-only layer: its container is 404 to others, and its stance shows nowhere else.
    expect((await outsider.get(`/annotations/${text}/inner/`)).status).toBe(404);
    const members = await readContainer(cy, `/annotations/${text}/inner/`);
    expect(members.items.map((a) => [a.motivation, a.creator.nickname])).toEqual([
      ['commenting', 'cy'],
      ['assessing', 'bea'],
    ]);
    expect(members.items[1].body.value).toBe('A members-only reason.');
    for (const reader of [t.visitor(), outsider, chair, cy]) {
      const { items } = await readContainer(reader, `/annotations/${text}/readings/`);
      const json = JSON.stringify(items);
      expect(json).not.toContain('A members-only reason.');
      // The hidden reading is in no container, nor is the stance on it, even for its moderator.
      expect(json).not.toContain('A reason on a hidden reading.');
      expect(items.some((a) => a.target === iri('readings', hidden) || a.id === iri('readings', hidden))).toBe(false);
    }
    // `daf export-layer` exports what a visitor may read, stances included.
    const exported = await exportLayer(t.ctx, null, text, 'readings', new DafUrls(testOrigin));
    expect(exported.total).toBe(2);
    expect(exported.first.items.map((a) => a.motivation)).toEqual(['commenting', 'assessing']);
    expect(JSON.stringify(exported)).not.toContain('A reason on a hidden reading.');
    expect(JSON.stringify(exported)).not.toContain('/inner/');
  });

  it('takes each person’s stances with them in their account’s export', async () => {
    const doc = JSON.parse((await bea.get('/api/me/export')).text);
    const stances = (doc.first.items as Record<string, any>[]).filter((a) => a.motivation === 'assessing');
    expect(stances).toEqual([expect.objectContaining({ target: iri('inner', inner), stance: 'disagree', body: expect.objectContaining({ value: 'A members-only reason.' }) })]);
    expect(doc.total).toBe(doc.first.items.length);
    // cy's stance on the reading hidden since (cy is not its author) is no longer cy's to read.
    const cys = JSON.parse((await cy.get('/api/me/export')).text).first.items as Record<string, any>[];
    expect(cys.filter((a) => a.motivation === 'assessing').map((a) => a.target)).toEqual([iri('readings', reading)]);
  });

  it('counts stances in total and startIndex, a page holding 100 glosses and the stances on them', async () => {
    expect((await chair.post(`/api/texts/${text}/layers`, { name: 'Many', slug: 'many', group: 'council', visibility: 'public', writePolicy: 'members' })).status).toBe(201);
    const ids: number[] = [];
    for (let i = 0; i < 101; i++) ids.push((await writeGloss(bea, text, 'many', { exact: 'speak' }, `Note ${i}`)).id);
    for (const c of [chair, bea, cy]) expect((await c.put(`/api/glosses/${ids[0]}/stance`, { stance: 'abstain', reason: `${c.handle} is unsure` })).status).toBe(200);
    expect((await cy.put(`/api/glosses/${ids[100]}/stance`, { stance: 'agree', reason: 'Yes.' })).status).toBe(200);
    // One without a reason is counted on its gloss, and is no item of its own.
    expect((await chair.put(`/api/glosses/${ids[50]}/stance`, { stance: 'agree' })).status).toBe(200);
    const { total, items, pages } = await readContainer(t.visitor(), `/annotations/${text}/many/`);
    expect(total).toBe(105);
    expect(items).toHaveLength(105);
    expect(pages).toEqual([
      { startIndex: 0, size: 103 },
      { startIndex: 103, size: 2 },
    ]);
    expect(items.slice(0, 4).map((a) => a.motivation)).toEqual(['commenting', 'assessing', 'assessing', 'assessing']);
    expect(items.at(-1)).toMatchObject({ motivation: 'assessing', target: iri('many', ids[100]), creator: { nickname: 'cy' } });
    expect(items.find((a) => a.id === iri('many', ids[50]))?.stances).toEqual({ agree: 1, disagree: 0, abstain: 0 });
    // A gloss with neither a decision nor a stance keeps the plain W3C context.
    expect(items.find((a) => a.id === iri('many', ids[1]))?.['@context']).toBe(annoContext);
  });

  it('gives the container and its page a new ETag when a stance changes', async () => {
    const path = `/annotations/${text}/readings/`;
    const before = [(await t.visitor().get(path)).headers.get('etag')!, (await t.visitor().get(`${path}?page=0`)).headers.get('etag')!];
    expect((await cy.put(`/api/glosses/${reading}/stance`, { stance: 'abstain' })).status).toBe(200);
    for (const [i, url] of [path, `${path}?page=0`].entries()) {
      const res = await t.visitor().get(url, { 'if-none-match': before[i] });
      expect(res.status, url).toBe(200);
      expect(res.headers.get('etag')).not.toBe(before[i]);
    }
    expect((await cy.put(`/api/glosses/${reading}/stance`, { stance: 'agree' })).status).toBe(200);
  });

  it('refuses a stance POSTed as an annotation (422, pointing to the stance door) and does not import one', async () => {
    const count = async () =>
      Promise.all(['gloss', 'gloss_stance'].map(async (table) => (await t.database.db.selectFrom(table as 'gloss').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n));
    const before = await count();
    const stance = {
      '@context': annoContext,
      type: 'Annotation',
      motivation: 'assessing',
      body: { type: 'TextualBody', value: 'I agree.', format: 'text/plain' },
      target: iri('readings', reading),
    };
    const res = await cy.post(`/annotations/${text}/readings/`, stance, ldHeaders);
    expectError(res, 422, 'assessment_not_supported');
    expect(res.body.error.message).toContain(`PUT /api/glosses/${reading}/stance`);
    expect(await count()).toEqual(before);
    // An assessment that quotes the text is a gloss like any other.
    const quoting = { ...stance, target: { source: `${testOrigin}/t/${text}`, selector: { type: 'TextQuoteSelector', exact: 'The chair' } } };
    const made = await cy.post(`/annotations/${text}/readings/`, quoting, ldHeaders);
    expect(made.status, made.text).toBe(201);
    expect(made.body.motivation).toBe('assessing');
    expect((await cy.delete(made.headers.get('location')!.slice(testOrigin.length), { 'if-match': made.headers.get('etag')! })).status).toBe(204);
    // An exported container brought back in: its glosses come in, its stances are skipped, saying why.
    expect((await chair.post(`/api/texts/${text}/layers`, { name: 'Copy', slug: 'copy', group: 'council', visibility: 'public', writePolicy: 'members' })).status).toBe(201);
    const { items } = await readContainer(t.visitor(), `/annotations/${text}/readings/`);
    const imported = await chair.post(`/api/texts/${text}/layers/copy/import`, { type: 'AnnotationPage', items }, ldHeaders);
    expect(imported.status, imported.text).toBe(201);
    expect(imported.body.imported).toBe(1);
    expect(imported.body.skipped).toEqual([{ index: 1, reason: expect.stringMatching(/stance/) }]);
  });
});
