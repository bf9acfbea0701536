/** Where each gloss goes on the page: sides by layer, one column out per level, orphans apart. */
import { describe, expect, it } from 'vitest';
import type { Gloss } from '../../client/api.ts';
import { arrange, layerSides } from '../../client/layout/arrange.ts';

let next = 1;
function gloss(layer: string, start: number | null, more: { on?: Gloss; status?: Gloss['status']; replies?: number } = {}): Gloss {
  const id = next++;
  return {
    id,
    text: 'mishnah',
    layer,
    target: { version: 1, gloss: more.on?.id ?? null, exact: 'x', prefix: '', suffix: '', start: 0, end: 1, segment: null },
    anchor: { version: 1, start, end: start === null ? null : start + 1, status: start === null ? 'orphan' : 'exact', score: 1, exact: start === null ? null : 'x' },
    body: more.status === 'deleted' ? null : { doc: { type: 'doc' }, text: 'x' },
    bodyRevision: 1,
    motivation: 'commenting',
    status: more.status ?? 'active',
    author: null,
    attribution: null,
    moderationNote: null,
    created: '',
    updated: '',
    edited: null,
    question: null,
    stances: { agree: 0, disagree: 0, abstain: 0, mine: null, reasons: [] },
    decision: null,
    replies: Array.from({ length: more.replies ?? 0 }, (_, i) => ({ id: i + 1, gloss: id, parent: null, status: 'active', author: null, body: null, moderationNote: null, created: '', updated: '', edited: null, stance: null })),
  };
}

describe('arrange', () => {
  it('alternates layers between the two sides, and puts glosses on glosses one column further out', () => {
    const a = gloss('notes', 40);
    const b = gloss('bartenura', 10);
    const onA = gloss('talk', 2, { on: a });
    const onOnA = gloss('notes', 0, { on: onA });
    const r = arrange([onOnA, onA, a, b], [{ slug: 'notes' }, { slug: 'bartenura' }, { slug: 'talk' }], new Set());
    const where = Object.fromEntries(r.placed.map((p) => [p.gloss.id, [p.side, p.depth, p.parent?.id ?? null]]));
    expect(where).toEqual({ [a.id]: ['start', 1, null], [b.id]: ['end', 1, null], [onA.id]: ['start', 2, a.id], [onOnA.id]: ['start', 3, onA.id] });
    expect(r.columns).toEqual({ start: 3, end: 1 });
    expect(r.children.get(a.id)).toEqual([onA]);
    // Parents come before their children, and the text's glosses go in anchor order.
    expect(r.placed.map((p) => p.gloss.id)).toEqual([b.id, a.id, onA.id, onOnA.id]);
  });

  it('gives the busiest layer a side of its own, and balances the rest', () => {
    const sides = layerSides([{ slug: 'notes', glossCount: 3 }, { slug: 'bartenura', glossCount: 62 }, { slug: 'mine', glossCount: 1 }, { slug: 'talk', glossCount: 70 }]);
    expect(Object.fromEntries(sides)).toEqual({ talk: 'start', bartenura: 'end', notes: 'end', mine: 'end' });
    expect(Object.fromEntries(layerSides([{ slug: 'a' }, { slug: 'b' }, { slug: 'c' }]))).toEqual({ a: 'start', b: 'end', c: 'start' });
  });

  it('hides a layer with everything on it from that layer, but keeps glosses of other layers on shown glosses', () => {
    const a = gloss('notes', 5);
    const onA = gloss('talk', 0, { on: a });
    const r = arrange([a, onA], [{ slug: 'notes' }, { slug: 'talk' }], new Set(['talk']));
    expect(r.placed.map((p) => p.gloss.id)).toEqual([a.id]);
    expect(r.children.has(a.id)).toBe(false);
    const hiddenParent = arrange([a, onA], [{ slug: 'notes' }, { slug: 'talk' }], new Set(['notes']));
    expect(hiddenParent.placed).toEqual([]);
  });

  it('lists orphans apart, and keeps tombstones only while a thread or gloss hangs on them', () => {
    const lost = gloss('notes', null);
    const bare = gloss('notes', 3, { status: 'deleted' });
    const talked = gloss('notes', 4, { status: 'deleted', replies: 2 });
    const parent = gloss('notes', 9, { status: 'deleted' });
    const child = gloss('notes', 0, { on: parent });
    const lostChild = gloss('notes', null, { on: child });
    const r = arrange([lost, bare, talked, parent, child, lostChild], [{ slug: 'notes' }], new Set());
    expect(r.unanchored.map((g) => g.id)).toEqual([lost.id, lostChild.id]);
    expect(r.placed.map((p) => p.gloss.id)).toEqual([talked.id, parent.id, child.id]);
  });
});
