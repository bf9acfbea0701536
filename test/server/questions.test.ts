/**
 * Questions that get answered (docs/deliberation.md): a reply's stance, and the one accepted
 * answer that the asker or a moderator chooses; who may, and what the listing then says.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/expect-error.ts';
import { readStream } from '../helpers/read-stream.ts';
import { createText, useTestApp, writeGloss, type TestClient } from '../helpers/test-app.ts';

describe('questions and their answers', () => {
  const t = useTestApp();
  let asker: TestClient;
  let answerer: TestClient;
  let moderator: TestClient;
  let stranger: TestClient;
  let text: string;
  let layer: string;

  type Listed = { id: number; question: { status: string; accepted: number | null } | null; replies: { id: number; stance: string | null }[] };
  const listed = async (id: number) => ((await asker.get(`/api/texts/${text}/glosses`)).body.glosses as Listed[]).find((g) => g.id === id)!;
  const reply = async (client: TestClient, gloss: number, markdown: string, stance?: string) => {
    const res = await client.post(`/api/glosses/${gloss}/replies`, { body: { markdown }, ...(stance ? { stance } : {}) });
    expect(res.status, res.text).toBe(201);
    return res.body as { id: number; stance: string | null };
  };

  beforeAll(async () => {
    asker = await t.signup('asher');
    answerer = await t.signup('ana');
    moderator = await t.signup('mod');
    stranger = await t.signup('stan');
    expect((await moderator.post('/api/groups', { slug: 'readers', name: 'Readers', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    for (const c of [asker, answerer, stranger]) expect((await c.post('/api/groups/readers/join')).status).toBe(200);
    text = await createText(moderator, { title: 'Ordinance', content: 'Section one. Parking is allowed on Sundays.', group: 'readers', visibility: 'public' });
    const made = await moderator.post(`/api/texts/${text}/layers`, { name: 'Our reading', slug: 'reading', group: 'readers', visibility: 'public', writePolicy: 'members' });
    expect(made.status, made.text).toBe(201);
    layer = 'reading';
  });

  it('keeps a reply’s stance, and refuses one that is not a stance', async () => {
    const q = await writeGloss(asker, text, layer, { exact: 'Parking is allowed' }, 'Does this include holidays?', 'questioning');
    expect((await reply(answerer, q.id, 'Yes, holidays count as Sundays.', 'answers')).stance).toBe('answers');
    expect((await reply(stranger, q.id, 'Just a thought.')).stance).toBeNull();
    expectError(await answerer.post(`/api/glosses/${q.id}/replies`, { body: { markdown: 'x' }, stance: 'agrees' }), 400, 'invalid_request');
    expect((await listed(q.id)).replies.map((r) => r.stance)).toEqual(['answers', null]);
  });

  it('lets the one who asked accept an answer: the question is answered, and says by which reply', async () => {
    const q = await writeGloss(asker, text, layer, { exact: 'Section one.' }, 'What is section one for?', 'questioning');
    expect((await listed(q.id)).question).toEqual({ status: 'open', accepted: null });
    const a = await reply(answerer, q.id, 'It defines terms.', 'answers');
    const b = await reply(stranger, q.id, 'It sets the scope.', 'answers');
    // Anyone else who may read it: 403; a visitor: 401.
    expectError(await stranger.post(`/api/replies/${a.id}/accept`), 403, 'forbidden');
    expectError(await answerer.post(`/api/replies/${a.id}/accept`), 403, 'forbidden');
    expectError(await t.visitor().post(`/api/replies/${a.id}/accept`), 401, 'unauthenticated');
    expect((await listed(q.id)).question).toEqual({ status: 'open', accepted: null });
    const accepted = await asker.post(`/api/replies/${a.id}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.question).toEqual({ status: 'answered', accepted: a.id });
    // A moderator may choose another: it replaces the first.
    expect((await moderator.post(`/api/replies/${b.id}/accept`)).body.question).toEqual({ status: 'answered', accepted: b.id });
    expect((await listed(q.id)).question).toEqual({ status: 'answered', accepted: b.id });
  });

  it('refuses an answer to what is not a question, and an answer that is not published', async () => {
    const note = await writeGloss(asker, text, layer, { exact: 'on Sundays' }, 'A plain note.');
    expect((await listed(note.id)).question).toBeNull();
    const r = await reply(answerer, note.id, 'A reply.');
    expectError(await asker.post(`/api/replies/${r.id}/accept`), 409, 'not_a_question');
    const q = await writeGloss(asker, text, layer, { exact: 'allowed on Sundays' }, 'Allowed for whom?', 'questioning');
    const hidden = await reply(answerer, q.id, 'Rude answer.', 'answers');
    expect((await moderator.post(`/api/replies/${hidden.id}/hide`, { reason: 'Unkind' })).status).toBe(200);
    // The asker no longer sees it (404, as for any hidden post); a moderator, who does, may not choose it.
    expectError(await asker.post(`/api/replies/${hidden.id}/accept`), 404, 'not_found');
    expectError(await moderator.post(`/api/replies/${hidden.id}/accept`), 409, 'reply_not_active');
    expectError(await asker.post('/api/replies/999999/accept'), 404, 'not_found');
  });

  it('opens the question again when its accepted answer is hidden later', async () => {
    const q = await writeGloss(asker, text, layer, { exact: 'Parking' }, 'Which parking?', 'questioning');
    const a = await reply(answerer, q.id, 'Street parking.', 'answers');
    expect((await asker.post(`/api/replies/${a.id}/accept`)).status).toBe(200);
    expect((await moderator.post(`/api/replies/${a.id}/hide`, { reason: 'Wrong' })).status).toBe(200);
    expect((await listed(q.id)).question).toEqual({ status: 'open', accepted: null });
  });
});

describe('stances on a reading', () => {
  const t = useTestApp();
  let author: TestClient;
  let member: TestClient;
  let other: TestClient;
  let outsider: TestClient;
  let text: string;
  let glossId: number;

  type Stances = { agree: number; disagree: number; abstain: number; mine: string | null; reasons: { author: { handle: string }; stance: string; reason: string }[] };
  const stancesAs = async (client: TestClient) => ((await client.get(`/api/glosses/${glossId}`)).body as { stances: Stances }).stances;

  beforeAll(async () => {
    author = await t.signup('rina');
    member = await t.signup('sam');
    other = await t.signup('tova');
    outsider = await t.signup('uri');
    expect((await author.post('/api/groups', { slug: 'council', name: 'Council', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    for (const c of [member, other]) expect((await c.post('/api/groups/council/join')).status).toBe(200);
    text = await createText(author, { title: 'Platform', content: 'We will plant trees on every street.', group: 'council', visibility: 'public' });
    const made = await author.post(`/api/texts/${text}/layers`, { name: 'Readings', slug: 'readings', group: 'council', visibility: 'public', writePolicy: 'members', replyPolicy: 'members' });
    expect(made.status, made.text).toBe(201);
    glossId = (await writeGloss(author, text, 'readings', { exact: 'every street' }, 'Every street means every street.')).id;
  });

  it('counts agree, disagree and abstain, says one’s own, and keeps each reason with its author', async () => {
    expect(await stancesAs(member)).toEqual({ agree: 0, disagree: 0, abstain: 0, mine: null, reasons: [] });
    expect((await member.put(`/api/glosses/${glossId}/stance`, { stance: 'agree' })).body.stances).toMatchObject({ agree: 1, mine: 'agree' });
    const disagreed = await other.put(`/api/glosses/${glossId}/stance`, { stance: 'disagree', reason: 'Some streets have no room.' });
    expect(disagreed.status).toBe(200);
    expect(await stancesAs(member)).toEqual({
      agree: 1,
      disagree: 1,
      abstain: 0,
      mine: 'agree',
      reasons: [{ author: { handle: 'tova', name: 'tova' }, stance: 'disagree', reason: 'Some streets have no room.' }],
    });
    // A visitor reads the counts and reasons, with no stance of their own.
    expect((await stancesAs(t.visitor())).mine).toBeNull();
    // Changing one's mind replaces the stance; taking it back removes it.
    expect((await member.put(`/api/glosses/${glossId}/stance`, { stance: 'abstain' })).body.stances).toMatchObject({ agree: 0, abstain: 1, mine: 'abstain' });
    expect((await member.delete(`/api/glosses/${glossId}/stance`)).body.stances).toMatchObject({ abstain: 0, mine: null });
    expectError(await member.delete(`/api/glosses/${glossId}/stance`), 404, 'not_found');
  });

  it('needs a reason to disagree, a valid stance, and the right to reply', async () => {
    expectError(await member.put(`/api/glosses/${glossId}/stance`, { stance: 'disagree' }), 422, 'reason_required');
    expectError(await member.put(`/api/glosses/${glossId}/stance`, { stance: 'maybe' }), 400, 'invalid_request');
    expectError(await member.put(`/api/glosses/${glossId}/stance`, { stance: 'agree', reason: '' }), 400, 'invalid_request');
    // Not a member: may read, may not reply, so may take no stance.
    expectError(await outsider.put(`/api/glosses/${glossId}/stance`, { stance: 'agree' }), 403, 'forbidden');
    expectError(await t.visitor().put(`/api/glosses/${glossId}/stance`, { stance: 'agree' }), 401, 'unauthenticated');
    expectError(await member.put('/api/glosses/999999/stance', { stance: 'agree' }), 404, 'not_found');
  });
});

describe('decisions that keep their dissent', () => {
  const t = useTestApp();
  let chair: TestClient;
  let member: TestClient;
  let critic: TestClient;
  let loner: TestClient;
  let text: string;
  let reading: number;

  type Decision = { statement: string; adopted: { kind: string; id: number } | null; decidedBy: { handle: string }; reviewOn: string | null; dissent: { author: { handle: string }; reason: string }[] } | null;
  const decisionOf = async (client: TestClient, id: number) => ((await client.get(`/api/glosses/${id}`)).body as { decision: Decision }).decision;

  beforeAll(async () => {
    chair = await t.signup('chair');
    member = await t.signup('mem');
    critic = await t.signup('crit');
    loner = await t.signup('lone');
    expect((await chair.post('/api/groups', { slug: 'board', name: 'Board', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    for (const c of [member, critic]) expect((await c.post('/api/groups/board/join')).status).toBe(200);
    text = await createText(chair, { title: 'Report', content: 'The budget shall be balanced within two years.', group: 'board', visibility: 'public' });
    expect((await chair.post(`/api/texts/${text}/layers`, { name: 'Board readings', slug: 'readings', group: 'board', visibility: 'public', writePolicy: 'members' })).status).toBe(201);
    reading = (await writeGloss(member, text, 'readings', { exact: 'within two years' }, 'Two fiscal years, not calendar years.')).id;
  });

  it('records a decision with the reading adopted and the dissent as it stood, kept when minds change', async () => {
    expect(await decisionOf(member, reading)).toBeNull();
    expect((await critic.put(`/api/glosses/${reading}/stance`, { stance: 'disagree', reason: 'Calendar years are simpler.' })).status).toBe(200);
    expect((await member.put(`/api/glosses/${reading}/stance`, { stance: 'agree' })).status).toBe(200);
    const decided = await chair.post(`/api/glosses/${reading}/decision`, { statement: 'We read fiscal years.', adopted: { gloss: reading }, reviewOn: '2027-06-01' });
    expect(decided.status, decided.text).toBe(201);
    expect(decided.body.decision).toMatchObject({
      statement: 'We read fiscal years.',
      adopted: { kind: 'gloss', id: reading },
      decidedBy: { handle: 'chair' },
      reviewOn: '2027-06-01',
      dissent: [{ author: { handle: 'crit' }, reason: 'Calendar years are simpler.' }],
    });
    // The critic changes their mind: the decision's dissent stays as it was.
    expect((await critic.put(`/api/glosses/${reading}/stance`, { stance: 'agree' })).status).toBe(200);
    expect((await decisionOf(t.visitor(), reading))?.dissent).toEqual([{ author: { handle: 'crit', name: 'crit' }, reason: 'Calendar years are simpler.' }]);
    // A later decision supersedes it; the audit log keeps both.
    const reply = await critic.post(`/api/glosses/${reading}/replies`, { body: { markdown: 'A compromise: fiscal, reviewed yearly.' }, stance: 'supports' });
    expect((await chair.post(`/api/glosses/${reading}/decision`, { statement: 'Adopted the compromise.', adopted: { reply: reply.body.id } })).body.decision).toMatchObject({
      statement: 'Adopted the compromise.',
      adopted: { kind: 'reply', id: reply.body.id },
      dissent: [],
    });
    const audit = (await chair.get('/api/groups/board/audit')).body.entries as { action: string }[];
    expect(audit.filter((e) => e.action === 'gloss.decided')).toHaveLength(2);
  });

  it('lets only the moderators (or a personal layer’s owner) decide, and checks what is adopted', async () => {
    expectError(await member.post(`/api/glosses/${reading}/decision`, { statement: 'Mine.' }), 403, 'forbidden');
    expectError(await t.visitor().post(`/api/glosses/${reading}/decision`, { statement: 'No.' }), 401, 'unauthenticated');
    expectError(await chair.post(`/api/glosses/${reading}/decision`, { statement: '' }), 400, 'invalid_request');
    expectError(await chair.post(`/api/glosses/${reading}/decision`, { statement: 'x', reviewOn: 'soon' }), 400, 'invalid_request');
    expectError(await chair.post(`/api/glosses/${reading}/decision`, { statement: 'x', adopted: { reply: 999999 } }), 422, 'adopted_not_found');
    expectError(await chair.post(`/api/glosses/${reading}/decision`, { statement: 'x', adopted: { gloss: 999999 } }), 422, 'adopted_not_found');
    // A personal layer: its owner decides there.
    const own = await createText(loner, { title: 'Notes', content: 'A plain page of words.' });
    const layer = await loner.post(`/api/texts/${own}/layers`, { name: 'Mine', slug: 'mine', visibility: 'public', writePolicy: 'signed_in' });
    expect(layer.status).toBe(201);
    const g = await writeGloss(member, own, 'mine', { exact: 'plain page' }, 'Plain?');
    expectError(await member.post(`/api/glosses/${g.id}/decision`, { statement: 'x' }), 403, 'forbidden');
    expect((await loner.post(`/api/glosses/${g.id}/decision`, { statement: 'Plain it is.' })).status).toBe(201);
  });

  /** A text's live stream as `client` reads it, replayed from the start to the newest event. */
  async function streamAs(client: TestClient): Promise<string> {
    const { last } = await t.database.db
      .selectFrom('event as e')
      .innerJoin('text as x', 'x.id', 'e.text_id')
      .select((eb) => eb.fn.max('e.id').as('last'))
      .where('x.slug', '=', text)
      .executeTakeFirstOrThrow();
    const stream = await readStream(t.app, client, `/api/texts/${text}/events?since=0`, new RegExp(`^id: ${last}$`, 'm'));
    expect(stream.status).toBe(200);
    return stream.text;
  }

  it('names the adopted reading only to those who may read it: in listings, single reads and the live stream', async () => {
    // Adopting a published reading of the same layer: every reader of the decision may read it, the stream says so too.
    expect((await chair.post(`/api/glosses/${reading}/decision`, { statement: 'This reading stands.', adopted: { gloss: reading } })).status).toBe(201);
    const sameLayer = `"adopted":{"kind":"gloss","id":${reading}}`;
    expect(await streamAs(loner)).toContain(sameLayer);
    // A members-only layer of the board: the loner (no member) and a visitor may not read it.
    expect((await chair.post(`/api/texts/${text}/layers`, { name: 'Inner', slug: 'inner', group: 'board', visibility: 'group', writePolicy: 'members' })).status).toBe(201);
    const inner = await writeGloss(member, text, 'inner', { exact: 'budget shall be balanced' }, 'Balanced means no deficit at all.');
    const decided = await chair.post(`/api/glosses/${reading}/decision`, { statement: 'We follow the inner reading.', adopted: { gloss: inner.id } });
    expect(decided.status, decided.text).toBe(201);
    const adopted = { kind: 'gloss', id: inner.id };
    expect(decided.body.decision.adopted).toEqual(adopted);
    expect((await decisionOf(member, reading))?.adopted).toEqual(adopted);
    for (const outsider of [loner, t.visitor()]) {
      expect((await outsider.get(`/api/glosses/${inner.id}`)).status).toBe(404);
      const d = await decisionOf(outsider, reading);
      expect(d?.statement).toBe('We follow the inner reading.');
      expect(d?.adopted).toBeNull();
      const listed = ((await outsider.get(`/api/texts/${text}/glosses`)).body.glosses as { id: number; decision: Decision }[]).find((g) => g.id === reading)!;
      expect(listed.decision?.adopted).toBeNull();
    }
    // The stream's payloads are built once for every reader: one in another layer is never named there.
    const stream = await streamAs(loner);
    expect(stream).toContain('We follow the inner reading.');
    expect(stream).not.toContain(`"adopted":${JSON.stringify(adopted)}`);
    expect(await streamAs(member)).not.toContain(`"adopted":${JSON.stringify(adopted)}`);

    // A reply of the thread is named while the reader may read it: once hidden, only to its author and the moderators.
    const r = await critic.post(`/api/glosses/${reading}/replies`, { body: { markdown: 'Then say so in the minutes.' } });
    expect((await chair.post(`/api/glosses/${reading}/decision`, { statement: 'Minutes it is.', adopted: { reply: r.body.id } })).status).toBe(201);
    expect((await decisionOf(member, reading))?.adopted).toEqual({ kind: 'reply', id: r.body.id });
    expect((await chair.post(`/api/replies/${r.body.id}/hide`, { reason: 'Off the record' })).status).toBe(200);
    expect((await decisionOf(member, reading))?.adopted).toBeNull();
    expect((await decisionOf(critic, reading))?.adopted).toEqual({ kind: 'reply', id: r.body.id });
    expect((await decisionOf(chair, reading))?.adopted).toEqual({ kind: 'reply', id: r.body.id });
  });

  it('keeps every decision: the history, newest first, each as its reader may see it', async () => {
    type Listed = NonNullable<Decision> & { earlier: number };
    const history = async (client: TestClient, id = reading) => {
      const res = await client.get(`/api/glosses/${id}/decisions`);
      expect(res.status, res.text).toBe(200);
      return res.body.decisions as Listed[];
    };
    const all = await history(chair);
    expect(all.map((d) => d.statement)).toEqual(['Minutes it is.', 'We follow the inner reading.', 'This reading stands.', 'Adopted the compromise.', 'We read fiscal years.']);
    expect(all.map((d) => d.earlier)).toEqual([4, 3, 2, 1, 0]);
    // The newest is the one every listing carries, with the same count of those before it.
    expect(all[0]).toEqual((await chair.get(`/api/glosses/${reading}`)).body.decision);
    expect(all[4]).toMatchObject({ adopted: { kind: 'gloss', id: reading }, reviewOn: '2027-06-01', dissent: [{ author: { handle: 'crit' }, reason: 'Calendar years are simpler.' }] });
    // Each names what it adopted only to those who may read that: the inner reading, the reply hidden since.
    const inner = all[1].adopted!;
    expect(inner.kind).toBe('gloss');
    expect((await history(member)).map((d) => d.adopted)).toEqual([null, inner, ...all.slice(2).map((d) => d.adopted)]);
    expect((await history(loner)).map((d) => d.adopted)).toEqual([null, null, ...all.slice(2).map((d) => d.adopted)]);
    expect((await history(t.visitor())).map((d) => d.statement)).toEqual(all.map((d) => d.statement));
    // A gloss without decisions has an empty history; one the reader may not read, none at all (404).
    const fresh = await writeGloss(member, text, 'readings', { exact: 'The budget' }, 'Which budget?');
    expect(await history(loner, fresh.id)).toEqual([]);
    expectError(await loner.get(`/api/glosses/${inner.id}/decisions`), 404, 'not_found');
    expectError(await t.visitor().get(`/api/glosses/${inner.id}/decisions`), 404, 'not_found');
    expect(await history(member, inner.id)).toEqual([]);
    expectError(await chair.get('/api/glosses/999999/decisions'), 404, 'not_found');
    expectError(await chair.get('/api/glosses/nope/decisions'), 404, 'not_found');
  });
});
