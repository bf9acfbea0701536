/**
 * Texts from an HTML page and from a Word document (README, "The API", formats `html` and
 * `docx`): the reading content keeps its structure; everything that could run, style or frame
 * is gone; a file that is not what it says, or that unpacks past the limit, is refused with a
 * 422 and creates nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { docx, zip } from '../helpers/docx.ts';
import { expectError } from '../helpers/expect-error.ts';
import { useTestApp, type TestClient } from '../helpers/test-app.ts';

/** An article as a browser saves it: menus, a sidebar, comments and a footer around the reading. */
const article = `<!doctype html>
<html lang="en"><head>
  <meta charset="utf-8"><title>On Friendship · The Reading Room</title>
  <meta http-equiv="refresh" content="0; url=javascript:alert('meta')">
  <style>body { background: url(javascript:alert('css')) }</style>
  <script>window.stolen = document.cookie</script>
  <base href="javascript:alert('base')//">
</head><body onload="alert('body')">
  <nav class="site-menu"><a href="/">Home</a> · <a href="/essays">Essays</a> · <a href="/shop">Shop</a></nav>
  <aside class="sidebar"><h3>Popular this week</h3><ul><li><a href="/a">Ten tips</a></li><li><a href="/b">Best pens</a></li></ul></aside>
  <main><article>
    <h1>On Friendship</h1>
    <p class="lede" style="font-size:2em" onclick="alert('p')">There are three kinds of friendship, and they differ in what the friends love in each other.
      Some love for what is <em>useful</em>, some for what is <strong>pleasant</strong>, and a few for what is good.</p>
    <h2>The three kinds</h2>
    <ul><li onmouseover="alert('li')">Friendship of utility, which ends when the use ends.</li><li>Friendship of pleasure, common among the young, who change quickly.</li>
      <li>Friendship of the good, which is rare, slow to form and lasting.</li></ul>
    <blockquote><p>Without friends no one would choose to live, though he had all other goods.</p></blockquote>
    <p>Read <a href="javascript:alert('link')">the scholia</a>, <a href="data:text/html,<script>alert(1)</script>">a data link</a>
      and <a href="https://example.org/ethics/viii" onclick="steal()">Book VIII</a> for more. A friend is another self, and the
      wish for friendship arises quickly, but friendship itself does not.</p>
    <iframe src="https://tracker.example/ad"></iframe>
    <object data="evil.swf"></object><embed src="evil.swf">
    <svg onload="alert('svg')"><script>alert('svg script')</script></svg>
    <img src="x" onerror="alert('img')">
    <form action="https://phish.example"><input name="password"><button>Subscribe</button></form>
    <p>Those who wish well to their friends for their sake are most truly friends, for they do this by reason of their own nature and not incidentally.</p>
  </article></main>
  <section class="comments"><h3>3 comments</h3><p>First!</p></section>
  <footer><p>© The Reading Room. <a href="/privacy">Privacy</a></p></footer>
  <script src="https://cdn.example/analytics.js"></script>
</body></html>`;

/** Every trace of active or styling content, looked for in a stored document's JSON. */
const forbidden = /script|alert|onclick|onload|onerror|onmouseover|javascript:|data:|iframe|style|<|cookie|steal|evil|phish/i;

describe('texts from HTML and Word documents', () => {
  const t = useTestApp();
  let ada: TestClient;
  const base64 = (b: Buffer) => b.toString('base64');
  const textCount = async () => (await ada.get('/api/texts?limit=100')).body.texts.length;

  beforeAll(async () => {
    ada = await t.signup('ada');
  });

  it('keeps the reading content of a saved web page, with its structure, and nothing that runs or styles', async () => {
    const res = await ada.post('/api/texts', { title: 'On Friendship', language: 'en', format: 'html', content: article });
    expect(res.status, res.text).toBe(201);
    const text = (await ada.get(`/api/texts/${res.body.slug}`)).body;
    const json = JSON.stringify(text.doc);
    expect(json).not.toMatch(forbidden);
    // The heading that repeats the title is left out; the rest keeps its kind.
    expect(text.doc.content.map((n: { type: string }) => n.type)).toEqual(['paragraph', 'heading', 'bullet_list', 'blockquote', 'paragraph', 'paragraph']);
    expect(text.text.startsWith('There are three kinds of friendship')).toBe(true);
    expect(text.text).toContain('Friendship of pleasure, common among the young');
    expect(text.text).toContain('Without friends no one would choose to live');
    // Menus, sidebar, comments and footer are not reading content.
    for (const chrome of ['Shop', 'Popular this week', 'Ten tips', 'First!', 'Privacy', 'Subscribe']) expect(text.text).not.toContain(chrome);
    // Emphasis and the one safe link survive; the unsafe links are their words only.
    const marks = JSON.stringify(text.doc.content[0]);
    expect(marks).toContain('"type":"em"');
    expect(marks).toContain('"type":"strong"');
    const links = json.match(/"href":"[^"]*"/g);
    expect(links).toEqual(['"href":"https://example.org/ethics/viii"']);
    expect(text.text).toContain('Read the scholia, a data link and Book VIII for more.');
  });

  it('reads a short page whole, and refuses one with no words', async () => {
    const slug = (await ada.post('/api/texts', { title: 'Note', language: 'en', format: 'html', content: '<p>One <b>short</b> line.</p><script>alert(1)</script>' })).body.slug;
    expect((await ada.get(`/api/texts/${slug}`)).body.text).toBe('One short line.');
    const before = await textCount();
    const res = await ada.post('/api/texts', { title: 'Empty', language: 'en', format: 'html', content: '<script>alert(1)</script><iframe src="x"></iframe><img src=x>' });
    expectError(res, 422, 'invalid_content');
    expect(res.body.error.message).toMatch(/no text/);
    expect(await textCount()).toBe(before);
  });

  it('keeps a Word document’s headings, lists, emphasis and links', async () => {
    const file = docx([
      { heading: 1, text: 'The Reading Plan' },
      { runs: [{ text: 'We read ' }, { text: 'slowly', italic: true }, { text: ' and ' }, { text: 'together', bold: true }, { text: '.' }] },
      { heading: 2, text: 'Weeks' },
      { bullet: 'Book VIII' },
      { bullet: 'Book IX' },
      { runs: [{ text: 'Notes are ' }, { text: 'online', link: 'https://example.org/notes' }, { text: ' and ' }, { text: 'here', link: 'javascript:alert(1)' }, { text: '.' }] },
    ]);
    const shown = await ada.post('/api/texts/preview', { title: 'The reading plan', format: 'docx', content: base64(file) });
    expect(shown.status, shown.text).toBe(200);
    expect(shown.body.sample.map((s: { text: string }) => s.text)).toEqual(['We read slowly and together.', 'Weeks', 'Book VIII', 'Book IX', 'Notes are online and here.']);
    const res = await ada.post('/api/texts', { title: 'The reading plan', language: 'en', format: 'docx', content: base64(file) });
    expect(res.status, res.text).toBe(201);
    const doc = (await ada.get(`/api/texts/${res.body.slug}`)).body.doc;
    expect(doc.content.map((n: { type: string; attrs?: { level?: number } }) => n.type + (n.attrs?.level ?? ''))).toEqual(['paragraph', 'heading2', 'bullet_list', 'paragraph']);
    const json = JSON.stringify(doc);
    expect(json).toContain('"type":"em"');
    expect(json).toContain('"type":"strong"');
    expect(json.match(/"href":"[^"]*"/g)).toEqual(['"href":"https://example.org/notes"']);
  });

  it('refuses what is not a Word document, or unpacks past the limit, and creates nothing', async () => {
    const before = await textCount();
    const tries: Array<[string, string, RegExp]> = [
      ['plain words called .docx', base64(Buffer.from('This is not a zip at all, only words.')), /not a Word document/],
      ['not base64', 'not base64!!', /base64/],
      ['a zip with no document in it', base64(zip([{ name: 'hello.txt', data: 'hello' }])), /not a Word document/],
      ['an encrypted part', base64(zip([{ name: 'word/document.xml', data: '<x/>', encrypted: true }])), /encrypted/],
      // 200 MB of zeros deflate to about 200 KB; its header says 1 KB.
      ['a zip bomb', base64(docx([{ runs: [{ text: 'x' }] }], [{ name: 'word/bomb.xml', data: Buffer.alloc(200 * 1024 * 1024), claimedSize: 1024 }])), /more than 64 MB/],
      ['a truncated archive', base64(docx([{ runs: [{ text: 'x' }] }]).subarray(0, 300)), /not a Word document/],
    ];
    for (const [what, content, message] of tries) {
      const res = await ada.post('/api/texts', { title: what, language: 'en', format: 'docx', content });
      expectError(res, 422, 'invalid_content');
      expect(res.body.error.message, what).toMatch(message);
    }
    expect(await textCount()).toBe(before);
  });

  it('refuses HTML or a Word document that is not a string', async () => {
    expectError(await ada.post('/api/texts', { title: 'X', language: 'en', format: 'html', content: { p: 'x' } }), 422, 'invalid_content');
    expectError(await ada.post('/api/texts', { title: 'X', language: 'en', format: 'docx', content: ['x'] }), 422, 'invalid_content');
  });
});
