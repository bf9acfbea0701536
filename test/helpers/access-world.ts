/**
 * The world of the access-matrix tests, built through the public API only: three reading
 * groups, eight people in every standing a person can have, and content in every kind of
 * place (public, group and notebook layers of each group, a person's private layer, a group's
 * text, a person's private text), in every state a post can be in (active, pending, hidden,
 * hidden with the gloss it comments on, flagged, a tombstone), one group federated and four
 * layers publishing to followers elsewhere. Every piece of content carries
 * a marker word of its own, so a leak can be found by searching response bodies for it.
 *
 * This module only builds. Who should see what is written down, by hand, in the test itself.
 */
import { expect } from 'vitest';
import { tableRows, tableRowsDiff, type TableRows } from './db-snapshot.ts';
import type { TestApp, TestClient, TestResponse } from './test-app.ts';

/** Everyone in the world, in the order the matrix lists them. */
export const people = ['olive', 'mona', 'trent', 'penny', 'abel', 'boris', 'otto', 'visitor'] as const;
export type Person = (typeof people)[number];

/**
 * Who they are:
 * - olive: owner of all three groups;
 * - mona: moderator of open-circle (made so by olive), plain member of closed-circle;
 * - trent: member of open-circle, trusted (one post approved);
 * - penny: new member of open-circle, her posts still pending;
 * - abel: asked to join asking-circle (approval policy), still pending;
 * - boris: joined closed-circle by invitation, wrote there, then was banned;
 * - otto: signed in, in no group;
 * - visitor: no account.
 */
export const roles: Record<Person, string> = {
  olive: 'owner of every group',
  mona: 'moderator of open-circle, member of closed-circle',
  trent: 'trusted member of open-circle',
  penny: 'pending (untrusted) member of open-circle',
  abel: 'applicant to asking-circle',
  boris: 'banned from closed-circle',
  otto: 'outsider (signed in, no group)',
  visitor: 'visitor (no account)',
};

/** A marker: a word that exists in exactly one place. `zz…qx` so no marker contains another. */
export const marker = (key: string) => `zz${key.toLowerCase()}qx`;

export const T1 = 'public-text';
export const T2 = 'closed-text';
export const T3 = 'trent-private';

export const textContent =
  'In the beginning the reader opened the book. The first chapter speaks of rivers and mountains. ' +
  'The second chapter speaks of cities and roads. The third chapter speaks of stars and seas. The last chapter closes the book.';

/**
 * A text of the world as ProseMirror JSON: each sentence a segment, refs `1:1`, `1:2`, …, so that
 * a group's reading plan can name its passages.
 */
export function segmentedDoc(content: string) {
  const sentences = content.match(/[^.]+\./g)!.map((s) => s.trim());
  return { type: 'doc', content: sentences.map((text, i) => ({ type: 'segment', attrs: { ref: `1:${i + 1}` }, content: [{ type: 'text', text }] })) };
}

/** Layers: where they are, which group (if any) owns them, their visibility, and whether members read first. */
export const layerDefs = {
  openPublic: { text: T1, slug: 'open-public', group: 'open-circle', visibility: 'public', by: 'olive' },
  openGroup: { text: T1, slug: 'open-group', group: 'open-circle', visibility: 'group', by: 'olive' },
  openNotebook: { text: T1, slug: 'open-notebook', group: 'open-circle', visibility: 'private', by: 'olive' },
  closedPublic: { text: T1, slug: 'closed-public', group: 'closed-circle', visibility: 'public', by: 'olive' },
  closedGroup: { text: T1, slug: 'closed-group', group: 'closed-circle', visibility: 'group', by: 'olive' },
  closedNotebook: { text: T1, slug: 'closed-notebook', group: 'closed-circle', visibility: 'private', by: 'olive' },
  askingGroup: { text: T1, slug: 'asking-group', group: 'asking-circle', visibility: 'group', by: 'olive' },
  // Created public, written in, then closed to the group (see buildWorld).
  openClosedLater: { text: T1, slug: 'open-closed-later', group: 'open-circle', visibility: 'public', by: 'olive' },
  // Read first: a member sees the others' glosses here only once they have written one.
  openReadFirst: { text: T1, slug: 'open-read-first', group: 'open-circle', visibility: 'public', by: 'olive', readFirst: true },
  ottoDiary: { text: T1, slug: 'otto-diary', group: null, visibility: 'private', by: 'otto' },
  closedTextNotes: { text: T2, slug: 'closed-text-notes', group: 'closed-circle', visibility: 'public', by: 'olive' },
  trentNotes: { text: T3, slug: 'trent-notes', group: null, visibility: 'public', by: 'trent' },
} as const;
export type LayerKey = keyof typeof layerDefs;
export const layerKeys = Object.keys(layerDefs) as LayerKey[];
/** The name of a layer: carries its own marker. */
export const layerName = (key: LayerKey) => `Layer ${marker(`ln${key}`)}`;

export interface Post {
  id: number;
  marker: string;
  author: Person;
}

/**
 * Every post mentions every person, so that each is told of every post the moment they may read
 * it, and the notification doors can be checked against the tables (who may read it now).
 */
export const mentionEveryone = people
  .filter((p) => p !== 'visitor')
  .map((p) => `@${p}`)
  .join(' ');
export interface GlossPost extends Post {
  layer: LayerKey;
  text: string;
}
export interface ReplyPost extends Post {
  gloss: string;
}

export interface World {
  t: TestApp;
  clients: Record<Person, TestClient>;
  glosses: Record<string, GlossPost>;
  replies: Record<string, ReplyPost>;
  /** The id of the last event of each text: a version.created every reader of the text gets. */
  lastEvent: Record<string, number>;
  /** A token of an invitation to closed-circle that anyone holding it may use. */
  invitation: string;
}

function ok(res: TestResponse, status: number, what: string) {
  expect(res.status, `${what}: ${res.text.slice(0, 300)}`).toBe(status);
  return res.body;
}

/** Builds the world in `t`, a fresh app (`useTestApp`). */
export async function buildWorld(t: TestApp): Promise<World> {
  const signedUp = await Promise.all(people.filter((p) => p !== 'visitor').map((p) => t.signup(p)));
  const clients = Object.fromEntries([...signedUp.map((c) => [c.handle!, c]), ['visitor', t.visitor()]]) as Record<Person, TestClient>;
  const { olive, mona, trent, penny, abel, boris, otto } = clients;
  const glosses: Record<string, GlossPost> = {};
  const replies: Record<string, ReplyPost> = {};

  // Groups.
  ok(await olive.post('/api/groups', { slug: 'open-circle', name: 'Open circle', visibility: 'public', joinPolicy: 'open', premoderation: true, trustAfter: 1 }), 201, 'open-circle');
  ok(
    await olive.post('/api/groups', { slug: 'closed-circle', name: 'Closed circle', description: `About ${marker('gdclosed')}`, visibility: 'private', joinPolicy: 'invite' }),
    201,
    'closed-circle',
  );
  ok(await olive.post('/api/groups', { slug: 'asking-circle', name: 'Asking circle', visibility: 'public', joinPolicy: 'approval' }), 201, 'asking-circle');

  // Memberships.
  for (const c of [mona, trent, penny]) expect(ok(await c.post('/api/groups/open-circle/join'), 200, `${c.handle} joins`)).toEqual({ state: 'active', role: 'member' });
  ok(await olive.patch('/api/groups/open-circle/members/mona', { role: 'moderator' }), 200, 'mona made moderator');
  const invitation = ok(await olive.post('/api/groups/closed-circle/invitations', { maxUses: 2 }), 201, 'invitation');
  for (const c of [mona, boris]) ok(await c.post(`/api/invitations/${invitation.token}/accept`), 200, `${c.handle} accepts`);
  expect(ok(await abel.post('/api/groups/asking-circle/join'), 200, 'abel asks')).toEqual({ state: 'pending', role: 'member' });

  // Texts and layers, each in segments (`segmentedDoc`).
  const contents: Record<string, string> = {
    [T1]: textContent,
    [T2]: `${textContent} Only ${marker('tbclosed')} here.`,
    [T3]: `${textContent} My ${marker('tbpriv')} words.`,
  };
  const text = (slug: string) => ({ slug, format: 'prosemirror', language: 'en', content: segmentedDoc(contents[slug]) });
  ok(await olive.post('/api/texts', { title: 'Public text', ...text(T1) }), 201, T1);
  ok(await olive.post('/api/texts', { title: `Closed ${marker('ttclosed')}`, ...text(T2), visibility: 'group', group: 'closed-circle' }), 201, T2);
  ok(await trent.post('/api/texts', { title: `Private ${marker('ttpriv')}`, ...text(T3), visibility: 'private' }), 201, T3);
  for (const key of layerKeys) {
    const d = layerDefs[key];
    const res = await clients[d.by].post(`/api/texts/${d.text}/layers`, {
      slug: d.slug,
      name: layerName(key),
      visibility: d.visibility,
      ...(d.group ? { group: d.group } : {}),
      ...(d.group === null && d.visibility === 'public' ? { writePolicy: 'owner' } : {}),
      ...('readFirst' in d ? { readFirst: d.readFirst } : {}),
    });
    ok(res, 201, `layer ${key}`);
  }

  const gloss = async (key: string, who: TestClient, layer: LayerKey, target: Record<string, unknown>, status: string) => {
    const d = layerDefs[layer];
    const m = marker(key);
    const res = await who.post(`/api/texts/${d.text}/layers/${d.slug}/glosses`, { target, body: { markdown: `${m} remarks on the text. ${mentionEveryone}` } });
    const body = ok(res, 201, `gloss ${key}`);
    expect(body.status, `gloss ${key}`).toBe(status);
    glosses[key] = { id: body.id, marker: m, layer, text: d.text, author: who.handle as Person };
    return body.id as number;
  };
  const reply = async (key: string, who: TestClient, glossKey: string, status: string, parent?: string) => {
    const m = marker(key);
    const res = await who.post(`/api/glosses/${glosses[glossKey].id}/replies`, { body: { markdown: `${m} answers. ${mentionEveryone}` }, ...(parent ? { parent: replies[parent].id } : {}) });
    const body = ok(res, 201, `reply ${key}`);
    expect(body.status, `reply ${key}`).toBe(status);
    replies[key] = { id: body.id, marker: m, gloss: glossKey, author: who.handle as Person };
  };
  const q = (exact: string) => ({ exact });
  const onGloss = (key: string) => ({ gloss: glosses[key].id, exact: 'remarks on the text' });

  // open-public: pre-moderated, trustAfter 1.
  await gloss('opOwner', olive, 'openPublic', q('opened the book'), 'active');
  await gloss('opTrustA', trent, 'openPublic', q('rivers and mountains'), 'pending');
  ok(await mona.post(`/api/glosses/${glosses.opTrustA.id}/approve`), 200, 'approve opTrustA');
  await gloss('opTrustB', trent, 'openPublic', q('cities and roads'), 'active');
  await gloss('opPending', penny, 'openPublic', q('stars and seas'), 'pending');
  await gloss('opHidden', trent, 'openPublic', q('closes the book'), 'active');
  await gloss('onHidden', olive, 'openPublic', onGloss('opHidden'), 'active');
  await reply('rHiddenThread', olive, 'opHidden', 'active');
  await gloss('opFlagged', trent, 'openPublic', q('The first chapter'), 'active');
  ok(await otto.post(`/api/glosses/${glosses.opFlagged.id}/flag`, { reason: `Rude ${marker('flagreason')}` }), 201, 'otto flags');
  await gloss('gog', mona, 'openPublic', onGloss('opOwner'), 'active');
  await reply('rTrent', trent, 'opOwner', 'active');
  await reply('rPenny', penny, 'opOwner', 'pending');
  await reply('rOtto', otto, 'opOwner', 'pending', 'rTrent');
  await reply('rMona', mona, 'opOwner', 'active');
  await reply('rDeleted', trent, 'opOwner', 'active');
  await reply('rChild', mona, 'opOwner', 'active', 'rDeleted');
  expect(ok(await trent.delete(`/api/replies/${replies.rDeleted.id}`), 200, 'delete rDeleted')).toEqual({ tombstone: true });
  await reply('rHidden', trent, 'gog', 'active');
  // An edit of the gloss after the reply: its gloss.updated event is written while the reply is still visible.
  ok(await mona.patch(`/api/glosses/${glosses.gog.id}`, { body: { markdown: `${glosses.gog.marker} remarks on the text, revised.` } }), 200, 'edit gog');
  ok(await mona.post(`/api/replies/${replies.rHidden.id}/hide`, { reason: `Off topic ${marker('rhidereason')}` }), 200, 'hide rHidden');
  await gloss('opDeleted', trent, 'openPublic', q('The second chapter'), 'active');
  await reply('rOnDeleted', olive, 'opDeleted', 'active');
  expect(ok(await trent.delete(`/api/glosses/${glosses.opDeleted.id}`), 200, 'delete opDeleted')).toEqual({ tombstone: true });
  // Stances, each reason with its marker: on a published reading (and one with no reason), and on one hidden since.
  const stance = async (who: TestClient, glossKey: string, body: { stance: string; reason?: string }) =>
    ok(await who.put(`/api/glosses/${glosses[glossKey].id}/stance`, body), 200, `${who.handle}'s stance on ${glossKey}`);
  await stance(trent, 'opOwner', { stance: 'disagree', reason: `Not so ${marker('stop')}` });
  await stance(penny, 'opOwner', { stance: 'agree' });
  await stance(olive, 'opHidden', { stance: 'agree', reason: `Well put ${marker('sthid')}` });
  ok(await mona.post(`/api/glosses/${glosses.opHidden.id}/hide`, { reason: `Unkind ${marker('hidereason')}` }), 200, 'hide opHidden');

  // A layer that was public when it was written in, then closed to its group.
  await gloss('oclOwner', olive, 'openClosedLater', q('opened the book'), 'active');
  await reply('rOcl', trent, 'oclOwner', 'active');
  ok(await olive.patch(`/api/texts/${T1}/layers/open-closed-later`, { visibility: 'group' }), 200, 'close open-closed-later');

  // open-group and the open notebook.
  await gloss('ogOwner', olive, 'openGroup', q('opened the book'), 'active');
  await gloss('ogTrusted', trent, 'openGroup', q('rivers and mountains'), 'active');
  await gloss('ogPending', penny, 'openGroup', q('cities and roads'), 'pending');
  await reply('rOg', mona, 'ogOwner', 'active');
  await gloss('nbTrent', trent, 'openNotebook', q('opened the book'), 'active');
  await gloss('nbPenny', penny, 'openNotebook', q('rivers and mountains'), 'active');
  await gloss('nbMona', mona, 'openNotebook', q('cities and roads'), 'active');

  // closed-circle's layers; boris writes, then is banned.
  await gloss('cpOwner', olive, 'closedPublic', q('opened the book'), 'active');
  await gloss('cpMona', mona, 'closedPublic', q('rivers and mountains'), 'active');
  await gloss('cgOwner', olive, 'closedGroup', q('opened the book'), 'active');
  await gloss('cgBanned', boris, 'closedGroup', q('rivers and mountains'), 'active');
  await gloss('cgMona', mona, 'closedGroup', q('cities and roads'), 'active');
  await stance(mona, 'cgOwner', { stance: 'disagree', reason: `Rather ${marker('stcg')}` });
  await reply('rCg', mona, 'cgOwner', 'active');
  await reply('rCgBoris', boris, 'cgOwner', 'active');
  await gloss('cnbOwner', olive, 'closedNotebook', q('opened the book'), 'active');
  await gloss('cnbMona', mona, 'closedNotebook', q('rivers and mountains'), 'active');
  await gloss('cnbBoris', boris, 'closedNotebook', q('cities and roads'), 'active');
  ok(await olive.post('/api/groups/closed-circle/members/boris/ban', { reason: `Spam ${marker('banreason')}` }), 204, 'ban boris');

  // The read-first layer: penny's gloss waits for a moderator (and counts as written: she is
  // told of what follows), trent writes (and so reads), mona answers trent; otto, abel, boris and
  // visitors see none of it.
  await gloss('rfPenny', penny, 'openReadFirst', q('rivers and mountains'), 'pending');
  await gloss('rfTrent', trent, 'openReadFirst', q('opened the book'), 'active');
  await reply('rRf', mona, 'rfTrent', 'active');

  // The rest.
  await gloss('askOwner', olive, 'askingGroup', q('opened the book'), 'active');
  await gloss('ottoDiary', otto, 'ottoDiary', q('stars and seas'), 'active');
  await reply('rOttoDiary', otto, 'ottoDiary', 'active');
  await gloss('ctMona', mona, 'closedTextNotes', q('opened the book'), 'active');
  await reply('rCt', olive, 'ctMona', 'active');
  await gloss('ptTrent', trent, 'trentNotes', q('opened the book'), 'active');

  // Two decisions on olive's public reading: the first adopts trent's reply in its thread; the
  // second, in force, a reading of open-circle's members-only layer, which only those who may
  // read it are told.
  ok(await olive.post(`/api/glosses/${glosses.opOwner.id}/decision`, { statement: 'First decided.', adopted: { reply: replies.rTrent.id } }), 201, 'first decision on opOwner');
  ok(await olive.post(`/api/glosses/${glosses.opOwner.id}/decision`, { statement: 'Read as the circle reads it.', adopted: { gloss: glosses.ogOwner.id } }), 201, 'decide on opOwner');

  // Federation's two opt-ins (docs/federation.md §1): open-circle federates, and its public, group
  // and read-first layers publish, and so does closed-circle's public layer: the setting is stored
  // whatever the layer, and only what a visitor may read in a public, federated group may leave.
  ok(await olive.patch('/api/groups/open-circle', { federated: true }), 200, 'federate open-circle');
  for (const key of ['openPublic', 'openGroup', 'openReadFirst', 'closedPublic'] as const) {
    ok(await olive.patch(`/api/texts/${layerDefs[key].text}/layers/${layerDefs[key].slug}`, { federation: 'publish' }), 200, `${key} publishes`);
  }

  // Last, a new version of each text: an event every reader of the text receives.
  const lastEvent: Record<string, number> = {};
  for (const [slug, owner] of [
    [T1, olive],
    [T2, olive],
    [T3, trent],
  ] as const) {
    ok(await owner.post(`/api/texts/${slug}/versions`, { format: 'prosemirror', content: segmentedDoc(`${contents[slug]} The end.`) }), 201, `version ${slug}`);
    const row = await t.database.db
      .selectFrom('event as e')
      .innerJoin('text as x', 'x.id', 'e.text_id')
      .select((eb) => eb.fn.max('e.id').as('id'))
      .where('x.slug', '=', slug)
      .executeTakeFirstOrThrow();
    lastEvent[slug] = Number(row.id);
  }
  // Reading plans: open-circle reads the public text; closed-circle its own, under a title of its own.
  ok(
    await mona.put('/api/groups/open-circle/plan', { text: T1, schedule: { kind: 'dates', passages: [{ from: '1:1', to: '1:2', date: '2026-12-03', title: 'Opening' }, { from: '1:3', to: '1:6', date: '2026-12-10' }] } }),
    200,
    'plan of open-circle',
  );
  ok(await olive.put('/api/groups/closed-circle/plan', { text: T2, schedule: { kind: 'dates', passages: [{ from: '1:1', to: '1:7', date: '2026-12-10', title: `Week ${marker('planclosed')}` }] } }), 200, 'plan of closed-circle');
  const open = ok(await olive.post('/api/groups/closed-circle/invitations', {}), 201, 'an open invitation');
  // A personal invitation: otto, and only he, is told of it.
  ok(await olive.post('/api/groups/closed-circle/invitations', { handle: 'otto' }), 201, 'otto invited');
  return { t, clients, glosses, replies, lastEvent, invitation: open.token };
}

/** A digest of every table: row counts, and the rows themselves, to prove a refusal changed nothing. */
export function snapshot(t: TestApp): Promise<TableRows> {
  return tableRows(t.database);
}

/** What differs between two snapshots, as readable lines (empty when nothing changed). */
export const snapshotDiff = tableRowsDiff;
