/**
 * The Atom feeds (server/routes/feeds.ts): valid RFC 4287 documents, read with a real XML
 * parser (jsdom's), that carry only what a visitor may read, whoever asks; the same 404 for a
 * layer or group a visitor may not read as for one that does not exist; public cache headers
 * and conditional GETs; every string escaped.
 */
import { JSDOM } from 'jsdom';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLayer, createText, testOrigin, useTestApp, writeGloss, type TestClient, type TestResponse } from '../helpers/test-app.ts';

const atomNs = 'http://www.w3.org/2005/Atom';
const { DOMParser } = new JSDOM('').window;
/** RFC 3339 date-time, as Atom's date constructs require (RFC 4287 §3.3). */
const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

interface AtomEntry {
  id: string;
  title: string;
  updated: string;
  published: string;
  authors: string[];
  alternate: string;
  /** The content's HTML, as the feed reader gets it after XML unescaping. */
  html: string;
}
interface AtomFeed {
  id: string;
  title: string;
  updated: string;
  self: string;
  alternate: string;
  entries: AtomEntry[];
}

/** The Atom children of an element with this local name. */
function children(el: Element, name: string): Element[] {
  return [...el.children].filter((c) => c.namespaceURI === atomNs && c.localName === name);
}

/** The one child of this name (RFC 4287 says which elements appear exactly once); fails otherwise. */
function one(el: Element, name: string): Element {
  const found = children(el, name);
  expect(found.length, `<${el.localName}> has exactly one <${name}>`).toBe(1);
  return found[0];
}

function linkHref(el: Element, rel: string): string {
  const links = children(el, 'link').filter((l) => (l.getAttribute('rel') ?? 'alternate') === rel);
  expect(links.length, `<${el.localName}> has one link rel=${rel}`).toBeGreaterThanOrEqual(1);
  return links[0].getAttribute('href')!;
}

/**
 * Parses a feed and holds it to RFC 4287's requirements: a `feed` in the Atom namespace with
 * one id, title and updated, a self link, an author (its own, or on every entry); entries with
 * one id, title and updated, an alternate link and HTML content.
 */
function parseAtom(xml: string): AtomFeed {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  expect(doc.getElementsByTagName('parsererror').length, 'well-formed XML').toBe(0);
  const feed = doc.documentElement;
  expect(feed.namespaceURI).toBe(atomNs);
  expect(feed.localName).toBe('feed');
  const updated = one(feed, 'updated').textContent!;
  expect(updated).toMatch(rfc3339);
  const feedAuthors = children(feed, 'author');
  const entries = children(feed, 'entry').map((e) => {
    const authors = children(e, 'author').map((a) => one(a, 'name').textContent!);
    expect(authors.length + feedAuthors.length, 'an entry has an author, or the feed has').toBeGreaterThan(0);
    const content = one(e, 'content');
    expect(content.getAttribute('type')).toBe('html');
    const entry: AtomEntry = {
      id: one(e, 'id').textContent!,
      title: one(e, 'title').textContent!,
      updated: one(e, 'updated').textContent!,
      published: one(e, 'published').textContent!,
      authors,
      alternate: linkHref(e, 'alternate'),
      html: content.textContent!,
    };
    expect(entry.updated).toMatch(rfc3339);
    expect(entry.published).toMatch(rfc3339);
    expect(() => new URL(entry.id), 'an entry id is an IRI').not.toThrow();
    return entry;
  });
  const ids = entries.map((e) => e.id);
  expect(new Set(ids).size, 'entry ids are unique').toBe(ids.length);
  return {
    id: one(feed, 'id').textContent!,
    title: one(feed, 'title').textContent!,
    updated,
    self: linkHref(feed, 'self'),
    alternate: linkHref(feed, 'alternate'),
    entries,
  };
}

/** The HTML of an entry's content, as a document (to look for elements in it). */
const html = (s: string) => new JSDOM(s).window.document;

function expectAtom(res: TestResponse) {
  expect(res.status, res.text.slice(0, 200)).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
  return parseAtom(res.text);
}

function expectNotFound(res: TestResponse) {
  expect(res.status).toBe(404);
  expect(res.body.error.code).toBe('not_found');
}

describe('Atom feeds', () => {
  const t = useTestApp();
  let ada: TestClient; // owner of the groups and of the texts
  let ben: TestClient; // a trusted member of the public group
  let cy: TestClient; // a new member: held for moderation
  let dora: TestClient; // in no group
  const T = 'feed-text';
  const content = 'In the beginning the reader opened the book. Rivers and mountains. Cities and roads. Stars and seas.';
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    [ada, ben, cy, dora] = await Promise.all(['ada', 'ben', 'cy', 'dora'].map((h) => t.signup(h)));
    expect((await ada.post('/api/groups', { slug: 'readers', name: 'Readers & <friends>', description: 'We read.', visibility: 'public', joinPolicy: 'open', premoderation: true, trustAfter: 1 })).status).toBe(201);
    expect((await ada.post('/api/groups', { slug: 'hush', name: 'Hush circle', visibility: 'private', joinPolicy: 'invite' })).status).toBe(201);
    for (const c of [ben, cy]) expect((await c.post('/api/groups/readers/join')).status).toBe(200);
    // ben becomes trusted: one post approved.
    await createText(ada, { title: 'Rivers & <Roads>', slug: T, content });
    await createText(ada, { title: 'Hidden text', slug: 'ada-private', content, visibility: 'private' });
    await createText(ada, { title: 'Group text', slug: 'readers-text', content, visibility: 'group', group: 'readers' });
    const layer = (text: string, slug: string, visibility: string, group?: string) =>
      ada.post(`/api/texts/${text}/layers`, { slug, name: `Layer ${slug}`, visibility, ...(group ? { group } : {}) });
    for (const [text, slug, visibility, group] of [
      [T, 'open', 'public', 'readers'],
      [T, 'second', 'public', 'readers'],
      [T, 'members', 'group', 'readers'],
      [T, 'notebook', 'private', 'readers'],
      [T, 'hush-public', 'public', 'hush'],
      [T, 'hush-group', 'group', 'hush'],
      ['readers-text', 'on-group-text', 'public', 'readers'],
    ] as const) {
      expect((await layer(text, slug, visibility, group)).status, slug).toBe(201);
    }
    await createLayer(ada, T, { name: 'Ada <b>& notes</b>', slug: 'ada-notes' });
    await createLayer(ada, T, { name: 'Ada private', slug: 'ada-secret', visibility: 'private' });
    expect((await ada.post('/api/texts/ada-private/layers', { slug: 'public-on-private', name: 'Public on private', visibility: 'public' })).status).toBe(201);

    const g = async (key: string, who: TestClient, text: string, layerSlug: string, exact: string, markdown = `${key} remarks.`) => {
      const res = await who.post(`/api/texts/${text}/layers/${layerSlug}/glosses`, { target: { exact }, body: { markdown } });
      expect(res.status, `${key}: ${res.text}`).toBe(201);
      ids[key] = res.body.id;
      return res.body;
    };
    await g('first', ada, T, 'open', 'opened the book');
    const benFirst = await g('benFirst', ben, T, 'open', 'Rivers and mountains');
    expect(benFirst.status).toBe('pending');
    expect((await ada.post(`/api/glosses/${ids.benFirst}/approve`)).status).toBe(200);
    expect((await g('pendingCy', cy, T, 'open', 'Stars and seas', 'zzpendingqx waits.')).status).toBe('pending');
    await g('toHide', ben, T, 'open', 'Cities and roads', 'zzhiddenqx is rude.');
    expect((await ada.post(`/api/glosses/${ids.toHide}/hide`, { reason: 'Rude' })).status).toBe(200);
    await g('tomb', ben, T, 'open', 'the reader', 'zztombqx goes away.');
    const underTomb = await ada.post(`/api/glosses/${ids.tomb}/replies`, { body: { markdown: 'An answer under a tombstone.' } });
    ids.underTomb = underTomb.body.id;
    expect((await ben.delete(`/api/glosses/${ids.tomb}`)).body).toEqual({ tombstone: true });
    const reply = await ben.post(`/api/glosses/${ids.first}/replies`, { body: { markdown: 'A reply & more.' } });
    ids.reply = reply.body.id;
    const pendingReply = await dora.post(`/api/glosses/${ids.first}/replies`, { body: { markdown: 'zzpendingreplyqx from outside.' } });
    expect(pendingReply.body.status).toBe('pending');
    const goneReply = await ben.post(`/api/glosses/${ids.first}/replies`, { body: { markdown: 'zzgonereplyqx soon gone.' } });
    expect((await ben.delete(`/api/replies/${goneReply.body.id}`)).status).toBe(200);
    await g('second', ada, T, 'second', 'Stars and seas', 'In the second layer, with [a link](https://example.org/a?b=1&c=2).');
    await ada.post(`/api/texts/${T}/layers/second/glosses`, { target: { gloss: ids.second, exact: 'second layer' }, body: { markdown: 'A gloss on a gloss.' } }).then((r) => {
      expect(r.status).toBe(201);
      ids.onGloss = r.body.id;
    });
    await g('members', ada, T, 'members', 'opened the book', 'zzmembersqx only.');
    await g('notebook', ada, T, 'notebook', 'opened the book', 'zznotebookqx mine.');
    await g('hushPublic', ada, T, 'hush-public', 'opened the book', 'Public words of a private group.');
    await g('hushGroup', ada, T, 'hush-group', 'opened the book', 'zzhushgroupqx secret.');
    await g('onGroupText', ada, 'readers-text', 'on-group-text', 'opened the book', 'zzgrouptextqx members only.');
    await g('onPrivateText', ada, 'ada-private', 'public-on-private', 'opened the book', 'zzprivatetextqx nobody.');
    await g('secret', ada, T, 'ada-secret', 'opened the book', 'zzsecretqx diary.');
    await g('escape', ada, T, 'ada-notes', 'Cities and roads', 'Fish & chips <script>alert("x")</script> \u0001 done');
  });

  it('serves a layer as a valid Atom feed: its published glosses and replies, newest first', async () => {
    const res = await t.visitor().get(`/feeds/texts/${T}/layers/open.atom`);
    const feed = expectAtom(res);
    const self = `${testOrigin}/feeds/texts/${T}/layers/open.atom`;
    expect(feed.id).toBe(self);
    expect(feed.self).toBe(self);
    expect(feed.alternate).toBe(`${testOrigin}/t/${T}?layers=open`);
    expect(feed.title).toBe('Layer open — Rivers & <Roads>');
    const annotation = (id: number) => `${testOrigin}/annotations/${T}/open/${id}`;
    expect(feed.entries.map((e) => e.id)).toEqual([
      `${annotation(ids.first)}#reply-${ids.reply}`,
      `${annotation(ids.tomb)}#reply-${ids.underTomb}`,
      annotation(ids.benFirst),
      annotation(ids.first),
    ]);
    const [reply, , benFirst, first] = feed.entries;
    expect(feed.updated).toBe([...feed.entries.map((e) => e.updated)].sort().at(-1));
    expect(first.title).toBe('first remarks.');
    expect(first.authors).toEqual(['ada']);
    expect(first.alternate).toBe(`${testOrigin}/t/${T}#g-${ids.first}`);
    expect(html(first.html).querySelector('blockquote')?.textContent).toBe('opened the book');
    expect(html(first.html).querySelector('blockquote')?.getAttribute('lang')).toBe('en');
    expect(html(first.html).body.lastElementChild?.outerHTML).toBe('<p>first remarks.</p>');
    expect(benFirst.authors).toEqual(['ben']);
    expect(reply.title).toBe('Reply: A reply & more.');
    expect(reply.alternate).toBe(`${testOrigin}/t/${T}#g-${ids.first}`);
    expect(html(reply.html).querySelector('blockquote')).toBeNull();
    expect(html(reply.html).body.textContent).toBe('A reply & more.');
  });

  it('answers with public cache headers, and 304 to a conditional GET', async () => {
    const url = `/feeds/texts/${T}/layers/open.atom`;
    const res = await t.visitor().get(url);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.headers.get('vary') ?? '').not.toMatch(/cookie|authorization/i); // the same for everyone
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    const lastModified = res.headers.get('last-modified')!;
    expect(new Date(lastModified).getTime()).toBe(Math.floor(Date.parse(parseAtom(res.text).updated) / 1000) * 1000);
    const byTag = await t.visitor().get(url, { 'if-none-match': etag });
    expect(byTag.status).toBe(304);
    expect(byTag.text).toBe('');
    expect(byTag.headers.get('etag')).toBe(etag);
    expect((await t.visitor().get(url, { 'if-none-match': `"other", ${etag}` })).status).toBe(304);
    expect((await t.visitor().get(url, { 'if-none-match': 'W/"other"' })).status).toBe(200);
    // If-Modified-Since is not honoured: hiding a post changes the feed but not its newest date.
    expect((await t.visitor().get(url, { 'if-modified-since': lastModified })).status).toBe(200);
  });

  it('changes its ETag when a post is taken down, though its Last-Modified may stay', async () => {
    const text = await createText(ada, { title: 'Moderated', slug: 'moderated', content });
    expect((await ada.post('/api/groups', { slug: 'watchers', name: 'Watchers', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    expect((await ben.post('/api/groups/watchers/join')).status).toBe(200);
    expect((await ada.post(`/api/texts/${text}/layers`, { slug: 'mod', name: 'Mod', visibility: 'public', group: 'watchers' })).status).toBe(201);
    const abusive = await writeGloss(ben, text, 'mod', { exact: 'opened the book' }, 'zzabusiveqx older.');
    expect(abusive.status).toBe('active');
    await writeGloss(ben, text, 'mod', { exact: 'Rivers and mountains' }, 'Newer.');
    const url = `/feeds/texts/${text}/layers/mod.atom`;
    const before = await t.visitor().get(url);
    expect(before.text).toContain('zzabusiveqx');
    expect((await ada.post(`/api/glosses/${abusive.id}/hide`, { reason: 'Abuse' })).status).toBe(200);
    const after = await t.visitor().get(url, { 'if-none-match': before.headers.get('etag')! });
    expect(after.status).toBe(200);
    expect(after.text).not.toContain('zzabusiveqx');
    expect(parseAtom(after.text).entries.map((e) => e.title)).toEqual(['Newer.']);
    expect(after.headers.get('last-modified')).toBe(before.headers.get('last-modified'));
    expect((await t.visitor().get(url, { 'if-modified-since': before.headers.get('last-modified')! })).status).toBe(200);
  });

  it('reads as a visitor whoever asks: a member gets the same bytes, never their private posts', async () => {
    for (const url of [`/feeds/texts/${T}/layers/open.atom`, '/feeds/groups/readers.atom']) {
      const visitor = await t.visitor().get(url);
      for (const c of [ada, ben, cy]) {
        const res = await c.get(url);
        expect(res.text, `${c.handle} reads ${url}`).toBe(visitor.text);
        expect(res.headers.get('cache-control')).toBe('public, max-age=300');
      }
      expect(visitor.text).not.toMatch(/zz[a-z]+qx/);
    }
    // Not even the author of a pending post, or the moderator, sees it in the feed.
    expect((await cy.get(`/feeds/texts/${T}/layers/open.atom`)).text).not.toContain('zzpendingqx');
    expect((await ada.get(`/feeds/texts/${T}/layers/open.atom`)).text).not.toContain('zzhiddenqx');
  });

  it('leaves out pending, hidden and deleted posts, and tombstones', async () => {
    const { text } = await t.visitor().get(`/feeds/texts/${T}/layers/open.atom`);
    for (const m of ['zzpendingqx', 'zzhiddenqx', 'zztombqx', 'zzpendingreplyqx', 'zzgonereplyqx']) expect(text).not.toContain(m);
    const ids_ = parseAtom(text).entries.map((e) => e.id);
    for (const k of ['pendingCy', 'toHide', 'tomb']) expect(ids_).not.toContain(`${testOrigin}/annotations/${T}/open/${ids[k]}`);
  });

  it('answers 404 for a layer a visitor may not read, exactly as for one that does not exist', async () => {
    const missing = await t.visitor().get(`/feeds/texts/${T}/layers/no-such-layer.atom`);
    expectNotFound(missing);
    for (const slug of ['members', 'notebook', 'hush-group', 'ada-secret']) {
      for (const c of [t.visitor(), ada]) {
        const res = await c.get(`/feeds/texts/${T}/layers/${slug}.atom`);
        expectNotFound(res);
        expect(res.text.replace(slug, 'no-such-layer')).toBe(missing.text);
      }
    }
    // A text a visitor may not read hides its layers, public ones too: the text's own 404.
    const noText = await t.visitor().get('/feeds/texts/no-such-text/layers/public-on-private.atom');
    for (const [text, layer] of [
      ['ada-private', 'public-on-private'],
      ['readers-text', 'on-group-text'],
    ]) {
      const res = await ada.get(`/feeds/texts/${text}/layers/${layer}.atom`);
      expectNotFound(res);
      expect(res.text.replace(text, 'no-such-text')).toBe(noText.text.replace('public-on-private', layer));
    }
    // A path that is not a feed at all.
    expect((await t.visitor().get(`/feeds/texts/${T}/layers/open`)).status).toBe(404);
  });

  it('serves a private group\'s public layer without naming the group', async () => {
    const feed = expectAtom(await t.visitor().get(`/feeds/texts/${T}/layers/hush-public.atom`));
    expect(feed.entries.map((e) => e.title)).toEqual(['Public words of a private group.']);
    const { text } = await t.visitor().get(`/feeds/texts/${T}/layers/hush-public.atom`);
    expect(text).not.toMatch(/hush circle|\/g\/hush|groups\/hush/i);
  });

  it('serves a public group: the newest posts of its public layers, on texts a visitor may read', async () => {
    const res = await t.visitor().get('/feeds/groups/readers.atom');
    const feed = expectAtom(res);
    expect(feed.id).toBe(`${testOrigin}/feeds/groups/readers.atom`);
    expect(feed.self).toBe(feed.id);
    expect(feed.alternate).toBe(`${testOrigin}/g/readers`);
    expect(feed.title).toBe('Readers & <friends>');
    const annotation = (layer: string, id: number) => `${testOrigin}/annotations/${T}/${layer}/${id}`;
    expect(feed.entries.map((e) => e.id)).toEqual([
      annotation('second', ids.onGloss),
      annotation('second', ids.second),
      `${annotation('open', ids.first)}#reply-${ids.reply}`,
      `${annotation('open', ids.tomb)}#reply-${ids.underTomb}`,
      annotation('open', ids.benFirst),
      annotation('open', ids.first),
    ]);
    // Each entry says where it is: the text (with its layer) and the layer's name.
    const place = html(feed.entries[1].html).querySelector('p a');
    expect(place?.getAttribute('href')).toBe(`${testOrigin}/t/${T}?layers=second`);
    expect(place?.textContent).toBe('Rivers & <Roads>');
    // A gloss on a gloss quotes the gloss, in no claimed language.
    const quote = html(feed.entries[0].html).querySelector('blockquote');
    expect(quote?.textContent).toBe('second layer');
    expect(quote?.hasAttribute('lang')).toBe(false);
    for (const m of ['zzmembersqx', 'zznotebookqx', 'zzgrouptextqx', 'zzpendingqx', 'zzhiddenqx', 'zztombqx']) expect(res.text).not.toContain(m);
  });

  it('answers 404 for a private group, exactly as for one that does not exist, whoever asks', async () => {
    const missing = await t.visitor().get('/feeds/groups/no-such-group.atom');
    expectNotFound(missing);
    for (const c of [t.visitor(), ada, dora]) {
      const res = await c.get('/feeds/groups/hush.atom');
      expectNotFound(res);
      expect(res.text.replace('hush', 'no-such-group')).toBe(missing.text);
    }
  });

  it('is named in the head of a group\'s page (which needs `vite build`)', async () => {
    const page = await t.visitor().get('/g/readers');
    expect(page.status).toBe(200);
    const link = new JSDOM(page.text).window.document.querySelector('head link[rel="alternate"][type="application/atom+xml"]');
    expect(link?.getAttribute('href')).toBe(`${testOrigin}/feeds/groups/readers.atom`);
    // The page that starts a group has none.
    expect((await t.visitor().get('/g/new')).text).not.toContain('application/atom+xml');
  });

  it('serves an empty feed validly', async () => {
    expect((await ada.post('/api/groups', { slug: 'quiet', name: 'Quiet', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    const feed = expectAtom(await t.visitor().get('/feeds/groups/quiet.atom'));
    expect(feed.entries).toEqual([]);
  });

  it('escapes every string: names, titles and bodies with <script> and &', async () => {
    const res = await t.visitor().get(`/feeds/texts/${T}/layers/ada-notes.atom`);
    const feed = expectAtom(res);
    expect(feed.title).toBe('Ada <b>& notes</b> — Rivers & <Roads>');
    const [entry] = feed.entries;
    expect(entry.title).toBe('Fish & chips <script>alert("x")</script> \uFFFD done');
    const doc = html(entry.html);
    expect(doc.querySelector('script')).toBeNull();
    expect(doc.body.textContent).toContain('Fish & chips <script>alert("x")</script>');
    expect(res.text).not.toContain('<script>');
    // A link keeps its query, escaped twice over (HTML inside XML), and the schema's rel.
    const second = expectAtom(await t.visitor().get(`/feeds/texts/${T}/layers/second.atom`)).entries.find((e) => e.id.endsWith(`/${ids.second}`))!;
    const a = html(second.html).querySelector('a[href^="https://example.org"]');
    expect(a?.getAttribute('href')).toBe('https://example.org/a?b=1&c=2');
    expect(a?.getAttribute('rel')).toBe('noopener noreferrer nofollow');
  });

  it('holds at most the newest 50 posts', async () => {
    await createText(ada, { title: 'Busy', slug: 'busy', content });
    await createLayer(ada, 'busy', { name: 'Busy', slug: 'busy' });
    const first = await writeGloss(ada, 'busy', 'busy', { exact: 'opened the book' }, 'Gloss 0');
    for (let i = 1; i <= 52; i++) expect((await ada.post(`/api/glosses/${first.id}/replies`, { body: { markdown: `Reply ${i}` } })).status).toBe(201);
    const feed = expectAtom(await t.visitor().get('/feeds/texts/busy/layers/busy.atom'));
    expect(feed.entries.length).toBe(50);
    expect(feed.entries[0].title).toBe('Reply: Reply 52');
    expect(feed.entries.at(-1)!.title).toBe('Reply: Reply 3');
  });
});
