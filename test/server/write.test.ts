/**
 * The write helper (server/services/write.ts): its events wake live readers once per text and
 * only once committed, a write that fails leaves no event and wakes no one, and every moment a
 * write stores is one reading of the context's clock.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { write } from '../../server/services/write.ts';
import { openDatabase } from '../../server/storage/open-database.ts';
import { createLayer, createText, useTestApp, writeGloss, type TestApp, type TestClient } from '../helpers/test-app.ts';

/** Subscribes to each text and counts its wake-ups; `stop` unsubscribes all. */
function countWakeUps(t: TestApp, textIds: number[], onWake: (textId: number) => void = () => {}) {
  const counts = new Map(textIds.map((id) => [id, 0]));
  const stops = textIds.map((id) =>
    t.ctx.bus.subscribe(id, () => {
      counts.set(id, counts.get(id)! + 1);
      onWake(id);
    }),
  );
  return { counts, stop: () => stops.forEach((s) => s()) };
}

async function textId(t: TestApp, slug: string): Promise<number> {
  return (await t.ctx.db.selectFrom('text').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
}

describe('write', () => {
  const t = useTestApp();
  let ada: TestClient;
  let a: number;
  let b: number;
  let c: number;

  beforeAll(async () => {
    ada = await t.signup('ada');
    a = await textId(t, await createText(ada, { title: 'Alpha', content: 'In the beginning.' }));
    b = await textId(t, await createText(ada, { title: 'Beta', content: 'And the earth was void.' }));
    c = await textId(t, await createText(ada, { title: 'Gamma', content: 'And there was light.' }));
  });

  it('wakes each text it recorded events for once, after the commit, where another connection sees them', async () => {
    // A second connection to the database sees only what is committed. Each wake-up asks it at
    // once; the answers are awaited after.
    const other = await openDatabase(t.location, { migrate: false, poolMax: 1 });
    const seenAtWake = new Map<number, Promise<number>>();
    const countEvents = async (id: number) =>
      (
        await other.db
          .selectFrom('event')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('text_id', '=', id)
          .where('payload', '=', '{"probe":1}')
          .executeTakeFirstOrThrow()
      ).n;
    const wakes = countWakeUps(t, [a, b, c], (id) => seenAtWake.set(id, countEvents(id)));
    try {
      const result = await write(t.ctx, async (w) => {
        await w.event({ textId: a, layerIds: [], kind: 'layer.updated', payload: '{"probe":1}' });
        await w.event({ textId: b, layerIds: [], kind: 'layer.updated', payload: '{"probe":1}' });
        await w.event({ textId: a, layerIds: [], kind: 'layer.updated', payload: '{"probe":1}' });
        // Nobody is woken while the transaction is open.
        expect([...wakes.counts.values()]).toEqual([0, 0, 0]);
        return 'done';
      });
      expect(result).toBe('done');
      expect(Object.fromEntries(wakes.counts)).toEqual({ [a]: 1, [b]: 1, [c]: 0 });
      // When each wake-up came, the text's events were committed: another connection read them.
      const seen = await Promise.all([...seenAtWake].map(async ([id, n]) => [id, await n] as const));
      expect(Object.fromEntries(seen)).toEqual({ [a]: 2, [b]: 1 });
    } finally {
      wakes.stop();
      await other.close();
    }
  });

  it('rolls back a write that throws after recording an event, and wakes no one', async () => {
    const wakes = countWakeUps(t, [a, b]);
    const before = await t.ctx.db.selectFrom('event').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    try {
      await expect(
        write(t.ctx, async (w) => {
          await w.event({ textId: a, layerIds: [], kind: 'layer.updated', payload: '{"doomed":1}' });
          await w.trx.updateTable('text').set({ title: 'Renamed' }).where('id', '=', a).execute();
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      const doomed = await t.ctx.db.selectFrom('event').select('id').where('payload', '=', '{"doomed":1}').execute();
      expect(doomed).toEqual([]);
      const after = await t.ctx.db.selectFrom('event').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(after.n).toBe(before.n);
      const title = await t.ctx.db.selectFrom('text').select('title').where('id', '=', a).executeTakeFirstOrThrow();
      expect(title.title).toBe('Alpha');
      expect(Object.fromEntries(wakes.counts)).toEqual({ [a]: 0, [b]: 0 });
      // A later write wakes only the texts it touched itself, not the failed one's.
      await write(t.ctx, (w) => w.event({ textId: b, layerIds: [], kind: 'layer.updated', payload: '{"later":1}' }));
      expect(Object.fromEntries(wakes.counts)).toEqual({ [a]: 0, [b]: 1 });
    } finally {
      wakes.stop();
    }
  });
});

describe('the clock of writes', () => {
  const fixed = new Date('2030-01-02T03:04:05.000Z');
  let readings = 0;
  // Each reading is a second later than the one before, so two readings never agree by chance.
  const t = useTestApp({ options: { clock: () => new Date(fixed.getTime() + 1000 * readings++) } });

  it('gives a gloss, and its event, one reading of the injected clock per write', async () => {
    const ada = await t.signup('ada');
    const slug = await createText(ada, { title: 'Light', content: 'And God said, Let there be light.' });
    const layer = await createLayer(ada, slug, { name: 'Notes' });
    const beforeGloss = readings;
    const gloss = await writeGloss(ada, slug, layer, { exact: 'light' });
    // One write, one reading: its created and updated times and its event's are that reading.
    expect(readings).toBe(beforeGloss + 1);
    const moment = new Date(fixed.getTime() + 1000 * beforeGloss).toISOString();
    expect(moment.startsWith('2030-01-02T03:04:')).toBe(true);
    expect(gloss.created).toBe(moment);
    expect(gloss.updated).toBe(moment);
    const created = await t.ctx.db.selectFrom('event').select('created_at').where('kind', '=', 'gloss.created').where('item_id', '=', gloss.id).executeTakeFirstOrThrow();
    expect(created.created_at).toBe(moment);
    const row = await t.ctx.db.selectFrom('gloss').select(['created_at', 'updated_at']).where('id', '=', gloss.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ created_at: moment, updated_at: moment });

    // The next write reads the clock again: an edit is dated by its own reading.
    const edited = (await ada.patch(`/api/glosses/${gloss.id}`, { body: { markdown: 'Changed.' } })).body;
    const editMoment = new Date(fixed.getTime() + 1000 * (readings - 1)).toISOString();
    expect(editMoment > moment).toBe(true);
    expect(edited.created).toBe(moment);
    expect(edited.updated).toBe(editMoment);
    expect(edited.edited).toBe(editMoment);
    const updated = await t.ctx.db.selectFrom('event').select('created_at').where('kind', '=', 'gloss.updated').where('item_id', '=', gloss.id).executeTakeFirstOrThrow();
    expect(updated.created_at).toBe(editMoment);
  });
});
