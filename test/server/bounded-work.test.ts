/**
 * Bounded work per request (README, "Bounded work"): a crafted quote or a text of a million tiny
 * blocks is refused with a clear 4xx, and heavy parsing and matching run on worker threads, so
 * that other readers are served meanwhile.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { maxTextBlocks } from '../../server/work/tasks.ts';
import { createLayer, useTestApp, createText, writeGloss, type TestClient } from '../helpers/test-app.ts';
import { expectError } from '../helpers/expect-error.ts';

/** `unit` repeated to at least `length` code units. */
const repeated = (unit: string, length: number): string => unit.repeat(Math.ceil(length / unit.length));

describe('bounded work per request', () => {
  const t = useTestApp();
  let ada: TestClient;
  let slug: string;
  let layer: string;
  let projection: string;

  beforeAll(async () => {
    ada = await t.signup('ada');
    // One's own private, repetitive, 1 MiB text: the review's attack.
    slug = await createText(ada, { title: 'Echo', format: 'plain', content: repeated('ab ab ab ab ba ', 1 << 20), visibility: 'private' });
    layer = await createLayer(ada, slug, { name: 'Notes', visibility: 'private' });
    projection = (await ada.get(`/api/texts/${slug}`)).body.text;
  }, 60_000);

  const post = (target: Record<string, unknown>) => ada.post(`/api/texts/${slug}/layers/${layer}/glosses`, { target, body: { markdown: 'x' } });

  it('refuses a crafted quote on a repetitive text with 422 anchor_ambiguous, without a position and with one', async () => {
    const quote = 'ab ab ab ab ba '.repeat(60) + 'zz';
    expectError(await post({ exact: quote }), 422, 'anchor_ambiguous');
    expectError(await post({ exact: quote, start: 5000, end: 5000 + quote.length }), 422, 'anchor_ambiguous');
    expectError(await post({ exact: 'ab ab' }), 422, 'anchor_ambiguous');
  });

  it('still places a quote given where it is, on the same text', async () => {
    const g = await writeGloss(ada, slug, layer, { exact: projection.slice(150, 165), start: 150, end: 165 });
    expect(g.anchor).toMatchObject({ status: 'exact', start: 150, end: 165 });
  });

  it('places a quote without a position in a long text off the event loop (worker), exactly', async () => {
    const long = await createText(ada, { title: 'Long', format: 'plain', content: 'Lorem ipsum dolor sit amet. '.repeat(4000) + 'The one sentence that differs.' });
    const notes = await createLayer(ada, long, { name: 'N' });
    const g = await writeGloss(ada, long, notes, { exact: 'The one sentence that differs' });
    expect(g.anchor).toMatchObject({ status: 'exact', start: 28 * 4000 });
  });

  it(`refuses a text of more than ${maxTextBlocks} blocks with 413 too_many_blocks`, async () => {
    const res = await ada.post('/api/texts', { title: 'Dust', language: 'en', format: 'markdown', content: 'a\n\n'.repeat(maxTextBlocks + 1) });
    expectError(res, 413, 'too_many_blocks');
    const ok = await ada.post('/api/texts', { title: 'Sand', language: 'en', format: 'markdown', content: 'a\n\n'.repeat(1000) });
    expect(ok.status).toBe(201);
  });

  it(`holds a version made of ProseMirror steps to ${maxTextBlocks} blocks too`, async () => {
    const small = await createText(ada, { title: 'Steps', content: 'One line.' });
    const paragraphs = (n: number) => Array.from({ length: n }, () => ({ type: 'paragraph', content: [{ type: 'text', text: 'a' }] }));
    const insert = (n: number) => ({ stepType: 'replace', from: 0, to: 0, slice: { content: paragraphs(n) } });
    const res = await ada.post(`/api/texts/${small}/versions`, { steps: [insert(maxTextBlocks)], baseVersion: 1 });
    expectError(res, 413, 'too_many_blocks');
    const ok = await ada.post(`/api/texts/${small}/versions`, { steps: [insert(10)], baseVersion: 1 });
    expect(ok.status, ok.text).toBe(201);
  });

  it('serves other readers while a heavy text is being parsed', async () => {
    // Half a million blocks take seconds to parse; on the event loop every other request waited.
    const heavy = ada.post('/api/texts', { title: 'Heavy', language: 'en', format: 'markdown', content: 'a\n\n'.repeat(500_000) });
    const order: string[] = [];
    const heavyDone = heavy.then((r) => {
      order.push('heavy');
      return r;
    });
    await new Promise((r) => setTimeout(r, 100));
    const reader = t.visitor();
    const read = await reader.get('/api/texts');
    order.push('reader');
    expect(read.status).toBe(200);
    expectError(await heavyDone, 413, 'too_many_blocks');
    expect(order).toEqual(['reader', 'heavy']);
  }, 60_000);

  it('resolves an import on a long text on a worker: ambiguous quotes are skipped with their reason', async () => {
    const source = `http://daf.test/t/${slug}`;
    const annotation = (exact: string) => ({ type: 'Annotation', body: { type: 'TextualBody', value: 'n' }, target: { source, selector: { type: 'TextQuoteSelector', exact } } });
    const items = [annotation('ab ab ab ab ba '.repeat(60) + 'zz'), ...Array.from({ length: 59 }, () => annotation('ab ab'))];
    const res = await ada.post(`/api/texts/${slug}/layers/${layer}/import`, items);
    expect(res.status).toBe(201);
    expect(res.body.imported).toBe(0);
    expect(res.body.skipped).toHaveLength(60);
    expect(res.body.skipped[0]).toMatchObject({ index: 0, reason: 'quote not found in the text' });
  });

  it('holds an import to the bound on approximate search: a reworded quote in a long text needs its position', async () => {
    const sentence = 'The one sentence that differs from all the rest of this long text.';
    const content = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(5000) + sentence;
    const long = await createText(ada, { title: 'Long import', format: 'plain', content });
    const notes = await createLayer(ada, long, { name: 'Imported' });
    const source = `http://daf.test/t/${long}`;
    const reworded = 'The one sentance that diffres from all the rest of this long text.';
    const at = content.length - sentence.length;
    const quote = { type: 'TextQuoteSelector', exact: reworded };
    const position = { type: 'TextPositionSelector', start: at, end: at + sentence.length };
    const annotation = (selector: unknown) => ({ type: 'Annotation', body: { type: 'TextualBody', value: 'n' }, target: { source, selector } });
    const res = await ada.post(`/api/texts/${long}/layers/${notes}/import`, [annotation(quote), annotation([quote, position])]);
    expect(res.status, res.text).toBe(201);
    // Without a position, no approximate search across 280 KB: skipped, not searched for seconds.
    expect(res.body.skipped).toEqual([{ index: 0, reason: 'quote not found in the text' }]);
    // With one, it is found near it.
    expect(res.body.anchors).toMatchObject({ fuzzy: 1 });
  });

  it.each([
    ['start after end', { exact: 'ab', start: 10, end: 5 }],
    ['an end past the text', { exact: 'ab', start: 0, end: (1 << 20) + 100 }],
    ['a start without an end', { exact: 'ab', start: 3 }],
    ['an end without a start', { exact: 'ab', end: 3 }],
  ])('refuses %s with 422 invalid_target', async (_name, target) => {
    expectError(await post(target), 422, 'invalid_target');
  });

  it('refuses inconsistent targets on a gloss and when re-attaching', async () => {
    const g = await writeGloss(ada, slug, layer, { exact: projection.slice(0, 5), start: 0, end: 5 });
    const res = await ada.patch(`/api/glosses/${g.id}`, { target: { exact: 'ab', start: 9, end: 2 } });
    expectError(res, 422, 'invalid_target');
    const child = await ada.post(`/api/texts/${slug}/layers/${layer}/glosses`, { target: { gloss: g.id, exact: 'x', start: 0, end: 99 }, body: { markdown: 'y' } });
    expectError(child, 422, 'invalid_target');
  });
});
