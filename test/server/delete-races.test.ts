/**
 * Deleting a post while someone answers it: a gloss deleted as a gloss is written on it, a reply
 * deleted as a reply to it is written. Whichever comes first wins, and the other is answered as
 * it would be after it: the answer is refused (409 or 422) and the post is gone, or the answer
 * stands and the post stays as a tombstone. Never a 500 (on PostgreSQL, without the text's lock,
 * the two transactions met in a foreign key), and never an answer hanging from nothing. And two
 * accounts deleted at once over the same texts, in the other order: both go (they deadlocked).
 */
import { describe, expect, it } from 'vitest';
import { createLayer, createText, useTestApp, writeGloss, type TestResponse } from '../helpers/test-app.ts';

const rounds = 12;

/**
 * The two outcomes a race may have: the answer stands and the post it answers stays as a
 * tombstone (`row`, its status now), or the answer is refused and the post is gone.
 */
function expectOneOutcome(deleted: TestResponse, answer: TestResponse, row: { status: string } | undefined): void {
  if (answer.status === 201) {
    expect(deleted.body).toEqual({ tombstone: true });
    expect(row).toEqual({ status: 'deleted' });
  } else {
    expect([404, 409, 422], answer.text).toContain(answer.status);
    expect(row).toBeUndefined();
  }
}

describe('deleting a post while it is answered', () => {
  const t = useTestApp();

  it('either refuses the gloss on a gloss being deleted, or keeps the deleted gloss as a tombstone under it', async () => {
    const [ada, bob] = await Promise.all([t.signup('ada'), t.signup('bob')]);
    const text = await createText(ada, { title: 'Races', content: 'Words to gloss, and glosses to answer.' });
    const layer = await createLayer(ada, text, { name: 'Open', writePolicy: 'signed_in' });
    for (let i = 0; i < rounds; i++) {
      const parent = await writeGloss(ada, text, layer, { exact: 'Words to gloss' }, `Parent ${i} with words.`);
      const [deleted, child] = await Promise.all([
        ada.delete(`/api/glosses/${parent.id}`),
        bob.post(`/api/texts/${text}/layers/${layer}/glosses`, { target: { gloss: parent.id, exact: 'words' }, body: { markdown: `Child ${i}.` } }),
      ]);
      expect(deleted.status, deleted.text).toBe(200);
      const row = await t.database.db.selectFrom('gloss').select('status').where('id', '=', parent.id).executeTakeFirst();
      expectOneOutcome(deleted, child, row);
    }
  });

  it('either refuses the reply to a reply being deleted, or keeps the deleted reply as a tombstone under it', async () => {
    const [ada, bob] = await Promise.all([t.signup('cy'), t.signup('dan')]);
    const text = await createText(ada, { title: 'Replies racing', content: 'A thread to answer.' });
    const layer = await createLayer(ada, text, { name: 'Talk', writePolicy: 'signed_in' });
    const gloss = await writeGloss(ada, text, layer, { exact: 'A thread' }, 'Start here.');
    for (let i = 0; i < rounds; i++) {
      const parent = (await ada.post(`/api/glosses/${gloss.id}/replies`, { body: { markdown: `Reply ${i}.` } })).body as { id: number };
      const [deleted, answer] = await Promise.all([
        ada.delete(`/api/replies/${parent.id}`),
        bob.post(`/api/glosses/${gloss.id}/replies`, { parent: parent.id, body: { markdown: `Answer ${i}.` } }),
      ]);
      expect(deleted.status, deleted.text).toBe(200);
      const row = await t.database.db.selectFrom('reply').select('status').where('id', '=', parent.id).executeTakeFirst();
      expectOneOutcome(deleted, answer, row);
    }
  });
});

describe('two accounts deleted at once', () => {
  const t = useTestApp();

  it('both go, though each wrote on the same two texts in the other order', async () => {
    for (let round = 0; round < 12; round++) {
      const [x, y, owner] = await Promise.all([t.signup(`x${round}`), t.signup(`y${round}`), t.signup(`o${round}`)]);
      const [one, two] = [await createText(owner, { title: `One ${round}`, content: 'The first text.' }), await createText(owner, { title: `Two ${round}`, content: 'The second text.' })];
      const [l1, l2] = [await createLayer(owner, one, { name: 'Open', writePolicy: 'signed_in' }), await createLayer(owner, two, { name: 'Open', writePolicy: 'signed_in' })];
      // Deletion takes a person's posts newest first: x's come text two, then one; y's one, then two.
      await writeGloss(x, one, l1, { exact: 'first' }, 'x on one.');
      await writeGloss(y, two, l2, { exact: 'second' }, 'y on two.');
      await writeGloss(x, two, l2, { exact: 'second' }, 'x on two.');
      await writeGloss(y, one, l1, { exact: 'first' }, 'y on one.');
      const gone = await Promise.all([x, y].map((c) => c.request('DELETE', '/api/me', { password: 'correct horse battery' })));
      expect(gone.map((r) => r.status), gone.map((r) => r.text).join(' | ')).toEqual([200, 200]);
    }
  });
});
