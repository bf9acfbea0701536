/**
 * What the browser's "Add a text" (`/t/new`) relies on: `POST /api/texts/preview` (README, "The
 * API") tells what a text would be before it is created — its counts and first passages — judged
 * exactly as creating it would be, storing nothing; and no text takes the address "new".
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/expect-error.ts';
import { useTestApp, type TestClient } from '../helpers/test-app.ts';

describe('adding a text from the browser', () => {
  const t = useTestApp();
  let ada: TestClient;
  const preview = (body: Record<string, unknown>, client = ada) => client.post('/api/texts/preview', body);

  beforeAll(async () => {
    ada = await t.signup('ada');
  });

  it('shows a Markdown text by its paragraphs, list items and quotes, without a heading that repeats the title', async () => {
    const res = await preview({ title: 'Friendship', format: 'markdown', content: '# Friendship\n\nThree kinds:\n\n- utility\n- pleasure\n\n> A single soul.' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      blocks: 4,
      segments: 0,
      characters: 'Three kinds:\nutility\npleasure\nA single soul.'.length,
      sample: ['Three kinds:', 'utility', 'pleasure', 'A single soul.'].map((text) => ({ ref: null, text })),
    });
  });

  it('shows a Sefaria text by its refs, and cuts a long passage', async () => {
    const long = 'word '.repeat(100).trim();
    const res = await preview({ title: 'Tiny Book', format: 'sefaria', content: { title: 'Tiny Book', text: [['In the beginning.', long], ['Then another.']] } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.segments).toBe(3);
    expect(res.body.sample.map((s: { ref: string }) => s.ref)).toEqual(['1:1', '1:2', '2:1']);
    expect(res.body.sample[1].text).toHaveLength(200);
    expect(res.body.sample[1].text.endsWith('…')).toBe(true);
  });

  it('shows at most 30 passages of a long text, with the whole counts', async () => {
    const content = Array.from({ length: 45 }, (_, i) => `Paragraph ${i + 1}.`).join('\n\n');
    const res = await preview({ title: 'Long', format: 'markdown', content });
    expect(res.body.blocks).toBe(45);
    expect(res.body.sample).toHaveLength(30);
    expect(res.body.sample[29].text).toBe('Paragraph 30.');
  });

  it('keeps the address "new" for the page that adds a text', async () => {
    expectError(await ada.post('/api/texts', { title: 'New', slug: 'new', format: 'markdown', language: 'en', content: 'Words.' }), 400, 'invalid_request');
    const made = await ada.post('/api/texts', { title: 'New', format: 'markdown', language: 'en', content: 'Words.' });
    expect(made.status).toBe(201);
    expect(made.body.slug).toBe('new-2');
  });

  it('refuses what creating would refuse, with the same message, and stores nothing', async () => {
    const bad = { title: 'Bad', format: 'sefaria', content: { nothing: true } };
    const previewed = await preview(bad);
    const created = await ada.post('/api/texts', { ...bad, language: 'en' });
    expect(previewed.status).toBe(created.status);
    expect(previewed.body).toEqual(created.body);
    expectError(await preview({ title: 'Bad', format: 'pdf', content: 'x' }), 400, 'invalid_request');
    expectError(await preview({ title: 'Bad', format: 'markdown', content: 'x' }, t.visitor()), 401, 'unauthenticated');
    await preview({ title: 'Kept?', format: 'markdown', content: 'Words.' });
    const { texts } = (await ada.get('/api/texts')).body as { texts: { title: string }[] };
    expect(texts.map((x) => x.title)).not.toContain('Kept?');
  });
});
