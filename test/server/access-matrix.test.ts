/**
 * The access matrix: the proof that private things never leak (README, "Reading groups"). A world of three
 * reading groups and eight people in every standing (test/helpers/access-world.ts) is read by
 * each person through every reading door, and what each door shows is compared with a table of
 * expectations written out by hand below — deliberately not computed with server/services/
 * policy.ts, so that a wrong rule there cannot agree with itself here. Every piece of content
 * carries a unique marker word, and no response a person gets may contain the marker of
 * anything they may not see. Then each person tries every writing door; refusals must have the
 * expected status and change nothing in any table. Last, every route the app registers must be
 * one of the doors this file covers, so a new endpoint cannot slip past the matrix. The apps here
 * mount federation (docs/federation.md), so its doors — the ActivityPub actors, collections,
 * Notes and inboxes, WebFinger and NodeInfo, most answered by Fedify itself — are among them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DafUrls } from '../../schema/w3c.ts';
import { AppError } from '../../server/errors.ts';
import { embedMayUse } from '../../server/middleware/scope.ts';
import { exportLayer } from '../../server/services/annotation-export.ts';
import {
  buildWorld,
  layerDefs,
  layerKeys,
  marker,
  people,
  roles,
  segmentedDoc,
  snapshot,
  snapshotDiff,
  T1,
  T2,
  T3,
  textContent,
  type LayerKey,
  type Person,
  type World,
} from '../helpers/access-world.ts';
import { readStream as readStreamOf } from '../helpers/read-stream.ts';
import { TestClient, testOrigin, useTestApp, type TestResponse } from '../helpers/test-app.ts';

// ---------------------------------------------------------------------------------------------
// The expectations, by hand.
// ---------------------------------------------------------------------------------------------

const everyone = people;
const openMembers: readonly Person[] = ['olive', 'mona', 'trent', 'penny'];
const closedMembers: readonly Person[] = ['olive', 'mona'];
/** Who may see a pending or hidden post of open-circle besides its author: its owner and moderator. */
const openModerators: readonly Person[] = ['olive', 'mona'];
const withMods = (...authors: Person[]): readonly Person[] => [...authors, ...openModerators];

const texts = [T1, T2, T3] as const;
const textReaders: Record<string, readonly Person[]> = {
  [T1]: everyone,
  [T2]: closedMembers, // a group text of closed-circle; boris is banned
  [T3]: ['trent'], // trent's private text; not even the owner of every group
};

const layerReaders: Record<LayerKey, readonly Person[]> = {
  openPublic: everyone,
  openGroup: openMembers,
  openNotebook: openMembers, // the layer; each member sees only their own entries
  closedPublic: everyone,
  closedGroup: closedMembers,
  closedNotebook: closedMembers,
  askingGroup: ['olive'], // abel's request is still pending
  openClosedLater: openMembers, // was public when written in
  openReadFirst: everyone, // the layer; its glosses only to those who wrote there, and its moderators
  ottoDiary: ['otto'],
  closedTextNotes: closedMembers, // a public layer on a group text: the text decides
  trentNotes: ['trent'],
};

type Status = 'active' | 'pending' | 'hidden' | 'deleted';
/** Every gloss: its status now, and who may see it (a tombstone: its place, never its words). */
const glossTable: Record<string, { status: Status; readers: readonly Person[] }> = {
  opOwner: { status: 'active', readers: everyone },
  opTrustA: { status: 'active', readers: everyone }, // was pending, approved by mona
  opTrustB: { status: 'active', readers: everyone }, // trent is trusted now
  opPending: { status: 'pending', readers: withMods('penny') },
  opHidden: { status: 'hidden', readers: withMods('trent') },
  onHidden: { status: 'hidden', readers: openModerators }, // olive's, on opHidden: hidden with it
  opFlagged: { status: 'active', readers: everyone },
  gog: { status: 'active', readers: everyone },
  opDeleted: { status: 'deleted', readers: everyone },
  ogOwner: { status: 'active', readers: openMembers },
  ogTrusted: { status: 'active', readers: openMembers },
  ogPending: { status: 'pending', readers: withMods('penny') },
  nbTrent: { status: 'active', readers: ['trent'] },
  nbPenny: { status: 'active', readers: ['penny'] },
  nbMona: { status: 'active', readers: ['mona'] },
  cpOwner: { status: 'active', readers: everyone },
  cpMona: { status: 'active', readers: everyone },
  cgOwner: { status: 'active', readers: closedMembers },
  cgBanned: { status: 'active', readers: closedMembers }, // boris's, written before his ban
  cgMona: { status: 'active', readers: closedMembers },
  cnbOwner: { status: 'active', readers: ['olive'] },
  cnbMona: { status: 'active', readers: ['mona'] },
  cnbBoris: { status: 'active', readers: [] }, // a banned member's notebook: no one
  askOwner: { status: 'active', readers: ['olive'] },
  oclOwner: { status: 'active', readers: openMembers },
  rfTrent: { status: 'active', readers: ['olive', 'mona', 'trent', 'penny'] }, // read first: penny's pending gloss counts
  rfPenny: { status: 'pending', readers: withMods('penny') },
  ottoDiary: { status: 'active', readers: ['otto'] },
  ctMona: { status: 'active', readers: closedMembers },
  ptTrent: { status: 'active', readers: ['trent'] },
};

/** Every reply and who may see it (never more than who may see its gloss). */
const replyTable: Record<string, { status: Status; readers: readonly Person[] }> = {
  rHiddenThread: { status: 'active', readers: withMods('trent') }, // under the hidden opHidden
  rTrent: { status: 'active', readers: everyone },
  rPenny: { status: 'pending', readers: withMods('penny') },
  rOtto: { status: 'pending', readers: withMods('otto') }, // an outsider in a pre-moderated group
  rMona: { status: 'active', readers: everyone },
  rDeleted: { status: 'deleted', readers: everyone }, // a tombstone: its place, never its words
  rChild: { status: 'active', readers: everyone }, // an answer to it
  rHidden: { status: 'hidden', readers: withMods('trent') },
  rOnDeleted: { status: 'active', readers: everyone }, // under a tombstone
  rOg: { status: 'active', readers: openMembers },
  rCg: { status: 'active', readers: closedMembers },
  rCgBoris: { status: 'active', readers: closedMembers },
  rOttoDiary: { status: 'active', readers: ['otto'] },
  rOcl: { status: 'active', readers: openMembers },
  rRf: { status: 'active', readers: ['olive', 'mona', 'trent', 'penny'] }, // with its gloss
  rCt: { status: 'active', readers: closedMembers },
};

/** Markers that are not gloss or reply bodies, and who may see them. */
const otherMarkers: Record<string, readonly Person[]> = {
  [marker('gdclosed')]: closedMembers, // closed-circle's description
  [marker('ttclosed')]: textReaders[T2], // T2's title
  [marker('tbclosed')]: textReaders[T2], // T2's body
  [marker('ttpriv')]: textReaders[T3],
  [marker('tbpriv')]: textReaders[T3],
  [marker('hidereason')]: withMods('trent'), // shown to the author and in the audit log
  [marker('rhidereason')]: withMods('trent'),
  [marker('flagreason')]: withMods('otto'), // the flagger, and the moderation queue
  [marker('banreason')]: ['olive'], // closed-circle's audit log: its one moderator
  [marker('planclosed')]: closedMembers, // a passage's title in closed-circle's reading plan
};
for (const key of layerKeys) otherMarkers[marker(`ln${key}`)] = layerReaders[key];

/** Every stance taken: on which gloss, by whom, and the marker of its reason if it gave one, seen by whoever sees the gloss. */
const stanceTable: { gloss: string; by: Person; reason?: string }[] = [
  { gloss: 'opOwner', by: 'trent', reason: 'stop' },
  { gloss: 'opOwner', by: 'penny' },
  { gloss: 'opHidden', by: 'olive', reason: 'sthid' }, // given before the gloss was hidden
  { gloss: 'cgOwner', by: 'mona', reason: 'stcg' },
];
for (const s of stanceTable) if (s.reason) otherMarkers[marker(s.reason)] = glossTable[s.gloss].readers;

/** Search hits each marker should give each reader: `kind:id`, or `text:slug`. */
const textMarkerHits: Record<string, string> = {
  [marker('ttclosed')]: `text:${T2}`,
  [marker('tbclosed')]: `text:${T2}`,
  [marker('ttpriv')]: `text:${T3}`,
  [marker('tbpriv')]: `text:${T3}`,
};

const groupsSeen: Record<Person, string[]> = {
  olive: ['asking-circle', 'closed-circle', 'open-circle'],
  mona: ['asking-circle', 'closed-circle', 'open-circle'],
  trent: ['asking-circle', 'open-circle'],
  penny: ['asking-circle', 'open-circle'],
  abel: ['asking-circle', 'open-circle'],
  boris: ['asking-circle', 'open-circle'], // banned: the private group is gone for him
  otto: ['asking-circle', 'open-circle'],
  visitor: ['asking-circle', 'open-circle'],
};
/** Each person's standing as the group JSON shows it (`null`: none). */
const standing: Record<Person, Record<string, { role: string; state: string } | null>> = {
  olive: { 'open-circle': { role: 'owner', state: 'active' }, 'closed-circle': { role: 'owner', state: 'active' }, 'asking-circle': { role: 'owner', state: 'active' } },
  mona: { 'open-circle': { role: 'moderator', state: 'active' }, 'closed-circle': { role: 'member', state: 'active' }, 'asking-circle': null },
  trent: { 'open-circle': { role: 'member', state: 'active' }, 'asking-circle': null },
  penny: { 'open-circle': { role: 'member', state: 'active' }, 'asking-circle': null },
  abel: { 'open-circle': null, 'asking-circle': { role: 'member', state: 'pending' } },
  boris: { 'open-circle': null, 'asking-circle': null },
  otto: { 'open-circle': null, 'asking-circle': null },
  visitor: { 'open-circle': null, 'asking-circle': null },
};
/** GET /members: the status, and the listing (handle:role:state) when it is 200. */
const memberDoor: Record<string, Partial<Record<Person, number | string[]>> & { others: number }> = {
  'open-circle': {
    olive: ['olive:owner:active', 'mona:moderator:active', 'trent:member:active', 'penny:member:active'],
    mona: ['olive:owner:active', 'mona:moderator:active', 'trent:member:active', 'penny:member:active'],
    trent: ['olive:owner:active', 'mona:moderator:active', 'trent:member:active', 'penny:member:active'],
    penny: ['olive:owner:active', 'mona:moderator:active', 'trent:member:active', 'penny:member:active'],
    others: 403,
  },
  'closed-circle': {
    olive: ['olive:owner:active', 'mona:member:active', 'boris:member:banned'], // moderators see bans
    mona: ['olive:owner:active', 'mona:member:active'], // members see active members only
    others: 404,
  },
  'asking-circle': { olive: ['olive:owner:active', 'abel:member:pending'], others: 403 },
};
/**
 * GET /plan: the passages (`from-to`) of each group's reading plan, and who reads them; everyone
 * else who asks is told 404 (a private group, no plan, or a plan on a text they may not read).
 */
const planDoor: Record<string, { readers: readonly Person[]; text?: string; passages?: string[] }> = {
  'open-circle': { readers: everyone, text: T1, passages: ['1:1-1:2', '1:3-1:6'] },
  'closed-circle': { readers: closedMembers, text: T2, passages: ['1:1-1:7'] },
  'asking-circle': { readers: [] }, // no plan
};
/** GET /moderation, /audit, /invitations, /events: owners and moderators only. */
const moderatorDoor: Record<string, Partial<Record<Person, number>> & { others: number }> = {
  'open-circle': { olive: 200, mona: 200, visitor: 401, others: 403 },
  'closed-circle': { olive: 200, mona: 403, visitor: 401, others: 404 },
  'asking-circle': { olive: 200, visitor: 401, others: 403 },
};

/**
 * Federation (docs/federation.md §2): the world federates open-circle, and four layers publish
 * (buildWorld): open-circle's public, group and read-first layers, and closed-circle's public one.
 * Its doors answer servers elsewhere, and every person through them is a visitor: a Note is served
 * only for a post a visitor may read in a publishing layer of a public, federated group.
 */
const federatedGroups = ['open-circle'];
const publishingLayers: readonly LayerKey[] = ['openPublic', 'openGroup', 'openReadFirst', 'closedPublic'];
/** Each actor identifier, and where a browser asking for it is sent; null: no such actor (404 to servers and browsers alike). */
const actorDoor: Record<string, string | null> = {
  'group.open-circle': '/g/open-circle',
  'group.asking-circle': null, // public, but not federated
  'group.closed-circle': null, // private
  'group.no-such-circle': null,
  ...Object.fromEntries(people.filter((q) => q !== 'visitor').map((q) => [`user.${q}`, `/u/${q}`])),
  'user.nobody-here': null,
  'app.daf': '/',
  'open-circle': null, // an identifier names its kind
};
/** A group's followers (how many, not who) and its outbox: the federated group's only. */
const collectionDoor: Record<string, number> = { 'group.open-circle': 200, 'group.asking-circle': 404, 'group.closed-circle': 404, 'user.olive': 404, 'app.daf': 404 };
/** WebFinger's `acct:NAME@daf.test`: a person by handle, else a federated group by slug. */
const webfingerDoor: Record<string, number> = { 'open-circle': 200, 'asking-circle': 404, 'closed-circle': 404, olive: 200, 'nobody-here': 404 };

// Derived from the tables above (and only from them).
const sees = (list: readonly Person[], p: Person) => list.includes(p);
const glossesIn = (layer: LayerKey, w: World) => Object.keys(glossTable).filter((k) => w.glosses[k].layer === layer);
const glossesOn = (text: string, w: World) => Object.keys(glossTable).filter((k) => w.glosses[k].text === text);
const allMarkers = (w: World) => [
  ...Object.values(w.glosses).map((g) => g.marker),
  ...Object.values(w.replies).map((r) => r.marker),
  ...Object.keys(otherMarkers),
];
/** The markers a person may meet anywhere. */
function allowedMarkers(w: World, p: Person): Set<string> {
  const out = new Set<string>();
  for (const [k, g] of Object.entries(glossTable)) if (g.status !== 'deleted' && sees(g.readers, p)) out.add(w.glosses[k].marker);
  for (const [k, r] of Object.entries(replyTable)) if (r.status !== 'deleted' && sees(r.readers, p)) out.add(w.replies[k].marker);
  for (const [m, readers] of Object.entries(otherMarkers)) if (sees(readers, p)) out.add(m);
  return out;
}
const sorted = <T>(xs: Iterable<T>) => [...xs].map(String).sort();
/** May a post leave by federation: published, read by a visitor, in a publishing layer of a federated group. */
const mayLeave = (readers: readonly Person[], status: Status, layer: LayerKey) =>
  status === 'active' && sees(readers, 'visitor') && publishingLayers.includes(layer) && federatedGroups.includes(layerDefs[layer].group ?? '');
/** A W3C page's items: the ids of its glosses, and its stances (annotations assessing a gloss) as `glossKey:handle`. */
function w3cItems(w: World, items: Record<string, any>[]) {
  const stance = (a: Record<string, any>) => a.motivation === 'assessing' && typeof a.target === 'string';
  const idIn = (iri: string) => Number(iri.split('/').pop());
  const keyOf = (id: number) => Object.keys(w.glosses).find((k) => w.glosses[k].id === id);
  return {
    glossIds: items.filter((a) => !stance(a)).map((a) => idIn(String(a.id))),
    stances: items.filter(stance).map((a) => `${keyOf(idIn(a.target))}:${a.creator.nickname}`),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading every door.
// ---------------------------------------------------------------------------------------------

/** Reads a text's event stream from the start (`?since=0`) until event `untilId`; the raw stream. */
function readEvents(w: World, client: TestClient, slug: string, untilId: number): Promise<{ status: number; text: string }> {
  return readStream(w, client, `/api/texts/${slug}/events?since=0`, new RegExp(`^id: ${untilId}$`, 'm'));
}

/** Reads an event stream until `until` matches (or 5 s pass); the raw stream. */
function readStream(w: World, client: TestClient, url: string, until: RegExp): Promise<{ status: number; text: string }> {
  return readStreamOf(w.t.app, client, url, until);
}

/** The doors read below, as "METHOD path" in Hono's notation. */
const readDoors = new Set([
  'GET /api/me',
  'GET /api/session',
  'GET /api/tokens',
  'GET /api/sessions',
  'GET /api/me/export',
  'GET /api/notifications',
  'GET /api/me/events',
  'GET /api/users/:handle',
  'GET /api/openapi.json',
  'GET /api/texts',
  'GET /api/texts/:slug',
  'GET /api/texts/:slug/versions',
  'GET /api/texts/:slug/parallels',
  'GET /api/texts/:slug/layers',
  'GET /api/texts/:slug/layers/:layer',
  'GET /api/texts/:slug/layers/:layer/glosses',
  'GET /api/texts/:slug/layers/:layer/mentions',
  'GET /api/texts/:slug/glosses',
  'GET /api/texts/:slug/passage',
  'GET /api/texts/:slug/events',
  'GET /api/glosses/:id',
  'GET /api/glosses/:id/decisions',
  'GET /api/search',
  'GET /annotations/:text/:layer/',
  'OPTIONS /annotations/:text/:layer/',
  'GET /annotations/:text/:layer/:id',
  'OPTIONS /annotations/:text/:layer/:id',
  'GET /api/groups',
  'GET /api/groups/:slug',
  'GET /api/groups/:slug/members',
  'GET /api/groups/:slug/moderation',
  'GET /api/groups/:slug/audit',
  'GET /api/groups/:slug/events',
  'GET /api/groups/:slug/invitations',
  'GET /api/groups/:slug/following',
  'GET /api/groups/:slug/plan',
  'GET /api/invitations/:token',
  'GET /',
  'GET /t/:slug',
  'GET /t/:slug/print',
  'GET /g/:slug',
  'GET /invite/:token',
  'GET /account',
  'GET /u/:handle',
  'GET /verify-email/:token',
  'GET /reset-password/:token',
  'GET /api/unsubscribe/:token',
  'GET /assets/:file',
  'GET /oembed',
  'GET /embed.js',
  'GET /embed/assets/:file',
  'GET /embed/t/:slug',
  'GET /embed/connect',
  'GET /feeds/texts/:slug/layers/:layer{[^/]+\\.atom}',
  'GET /feeds/groups/:slug{[^/]+\\.atom}',
  'GET /ap/actors/:identifier',
  'GET /ap/actors/:identifier/followers',
  'GET /ap/actors/:identifier/outbox',
  'GET /ap/notes/:key',
  'GET /.well-known/webfinger',
  'GET /.well-known/nodeinfo',
  'GET /nodeinfo/2.1',
]);

/** A read a person made, replayed with an embed token. */
interface Read {
  method: string;
  url: string;
  headers?: Record<string, string>;
  status: number;
  text: string;
}

/** Gives person `p` an embed token (what the widget's sign-in popup makes) and returns a client that uses it. */
async function embedClient(w: World, p: Person): Promise<TestClient> {
  const made = await w.clients[p].post('/api/tokens', { name: 'Embed on blog.example', scope: 'embed' });
  expect(made.status).toBe(201);
  const c = new TestClient(w.t.app);
  c.bearer = made.body.token;
  c.origin = null;
  return c;
}

/** The paths of the doors about the account and groups, which an embed token may not even read. */
const closedToEmbed = (url: string) => !embedMayUse('GET', new URL(url, testOrigin).pathname, null);

describe('the access matrix: reading', () => {
  let w: World;
  /** Every read each person made with their session: replayed with an embed token below. */
  const sessionReads = new Map<Person, Read[]>();

  const t = useTestApp({ options: { federation: true } });
  beforeAll(async () => {
    w = await buildWorld(t);
    // An actor's keys are made the first time anyone asks for it (docs/federation.md §2), each
    // RSA pair in seconds on a busy machine: asked for here, not in the first reader's time.
    const actors = Object.entries(actorDoor).filter(([, page]) => page !== null);
    await Promise.all(actors.map(([identifier]) => w.t.visitor().get(`/ap/actors/${identifier}`, { accept: 'application/activity+json' })));
  }, 180_000);

  it('starts from a consistent table (replies within their gloss, glosses within their layer)', () => {
    const problems: string[] = [];
    for (const [k, g] of Object.entries(glossTable)) {
      const layer = w.glosses[k].layer;
      for (const p of g.readers) {
        if (!sees(layerReaders[layer], p)) problems.push(`${p} sees gloss ${k} but not layer ${layer}`);
        if (!sees(textReaders[w.glosses[k].text], p)) problems.push(`${p} sees gloss ${k} but not its text`);
      }
    }
    for (const [k, r] of Object.entries(replyTable)) {
      for (const p of r.readers) if (!sees(glossTable[w.replies[k].gloss].readers, p)) problems.push(`${p} sees reply ${k} but not its gloss`);
    }
    expect(problems).toEqual([]);
    expect(sorted(Object.keys(glossTable))).toEqual(sorted(Object.keys(w.glosses)));
    expect(sorted(Object.keys(replyTable))).toEqual(sorted(Object.keys(w.replies)));
    // Federation's tables let some posts of the publishing layers leave, and keep others.
    const publishing = Object.entries(glossTable).filter(([k]) => publishingLayers.includes(w.glosses[k].layer));
    expect(publishing.filter(([k, g]) => mayLeave(g.readers, g.status, w.glosses[k].layer)).length).toBeGreaterThan(0);
    expect(publishing.filter(([k, g]) => !mayLeave(g.readers, g.status, w.glosses[k].layer)).length).toBeGreaterThan(0);
    const markers = allMarkers(w);
    expect(new Set(markers).size).toBe(markers.length);
    for (const a of markers) for (const b of markers) if (a !== b) expect(b.includes(a), `${a} inside ${b}`).toBe(false);
  });

  it.each(people.map((p) => [p, roles[p]] as const))('%s (%s) sees through every reading door exactly what the table says', async (p) => {
    const c = w.clients[p];
    const problems: string[] = [];
    const bodies: { door: string; text: string }[] = [];
    const reads: Read[] = [];
    sessionReads.set(p, reads);
    const read = async (url: string, method = 'GET', headers?: Record<string, string>): Promise<TestResponse> => {
      const res = await c.request(method, url, undefined, headers);
      bodies.push({ door: `${method} ${url}`, text: res.text });
      reads.push({ method, url, headers, status: res.status, text: res.text });
      if (res.status >= 500) problems.push(`${method} ${url} → ${res.status}`);
      // Other sites may read (CORS), but never with the person's cookies.
      const allowOrigin = res.headers.get('access-control-allow-origin');
      if (res.headers.get('access-control-allow-credentials') !== null || (allowOrigin !== null && allowOrigin !== '*')) {
        problems.push(`${method} ${url}: CORS for ${allowOrigin} with credentials ${res.headers.get('access-control-allow-credentials')}`);
      }
      return res;
    };
    const expectStatus = (res: TestResponse, status: number, what: string) => {
      if (res.status !== status) problems.push(`${what}: status ${res.status}, expected ${status}`);
      else if (status >= 400 && res.body?.error?.code === undefined) problems.push(`${what}: ${status} without the JSON error shape`);
      return res.status === status && status < 300;
    };
    const expectSame = (actual: Iterable<unknown>, expected: Iterable<unknown>, what: string) => {
      const a = sorted(actual);
      const e = sorted(expected);
      if (JSON.stringify(a) !== JSON.stringify(e)) problems.push(`${what}: got [${a.join(', ')}], expected [${e.join(', ')}]`);
    };
    const visibleGlosses = (keys: string[]) => keys.filter((k) => sees(glossTable[k].readers, p));
    const visibleReplies = (glossKey: string) => Object.keys(replyTable).filter((k) => w.replies[k].gloss === glossKey && sees(replyTable[k].readers, p));
    const idOf = (k: string) => w.glosses[k].id;
    const keyOfGloss = new Map(Object.entries(w.glosses).map(([k, g]) => [g.id, k]));
    const keyOfReply = new Map(Object.entries(w.replies).map(([k, r]) => [r.id, k]));
    /** Checks a gloss JSON: status, and exactly the visible replies. */
    const checkGlossJson = (g: any, where: string) => {
      const key = keyOfGloss.get(g.id);
      if (!key) return void problems.push(`${where}: unknown gloss ${g.id}`);
      if (g.status !== glossTable[key].status) problems.push(`${where}: gloss ${key} has status ${g.status}, expected ${glossTable[key].status}`);
      if (glossTable[key].status === 'deleted' && g.body !== null) problems.push(`${where}: tombstone ${key} still has a body`);
      expectSame(
        (g.replies as any[]).map((r) => r.id),
        visibleReplies(key).map((k) => w.replies[k].id),
        `${where}: replies of ${key}`,
      );
      // A decision names the reading it adopted only to those who may read it.
      const adopted = g.decision?.adopted as { kind: 'gloss' | 'reply'; id: number } | null | undefined;
      if (adopted) {
        const row = adopted.kind === 'gloss' ? glossTable[keyOfGloss.get(adopted.id) ?? ''] : replyTable[keyOfReply.get(adopted.id) ?? ''];
        if (!row || !sees(row.readers, p)) problems.push(`${where}: the decision on ${key} names ${adopted.kind} ${adopted.id}, which ${p} may not read`);
      }
      for (const r of g.replies as any[]) {
        const rk = keyOfReply.get(r.id);
        if (rk && r.status !== replyTable[rk].status) problems.push(`${where}: reply ${rk} has status ${r.status}, expected ${replyTable[rk].status}`);
        if (rk && replyTable[rk].status === 'deleted' && r.body !== null) problems.push(`${where}: tombstone ${rk} still has a body`);
      }
    };

    // Who one's mentions would reach, in every layer: asked only where one may read (else 404).
    for (const key of layerKeys) {
      const d = layerDefs[key];
      const res = await read(`/api/texts/${d.text}/layers/${d.slug}/mentions?handles=olive,mona,trent,penny,abel,boris,otto`);
      if (expectStatus(res, p === 'visitor' ? 401 : sees(layerReaders[key], p) ? 200 : 404, `mentions in ${key}`) && key !== 'openNotebook' && key !== 'closedNotebook') {
        // On a read-first layer one's post reaches its moderators and those who wrote there.
        const readers = 'readFirst' in d ? glossTable.rfTrent.readers : layerReaders[key];
        expectSame(res.body.reach, readers.filter((q) => q !== p && q !== 'visitor'), `mentions in ${key} reach`);
      }
    }

    // Who am I.
    expectStatus(await read('/api/me'), p === 'visitor' ? 401 : 200, 'GET /api/me');
    const session = await read('/api/session');
    expectStatus(session, 200, 'GET /api/session');
    if (p === 'visitor') expect(session.body).toEqual({ me: null });
    else expect(session.body.me.handle).toBe(p);
    expectStatus(await read('/api/tokens'), p === 'visitor' ? 401 : 200, 'GET /api/tokens');
    expectStatus(await read('/api/sessions'), p === 'visitor' ? 401 : 200, 'GET /api/sessions');
    // One's own export holds one's own posts that one may still read: the marker check below reads it.
    expectStatus(await read('/api/me/export'), p === 'visitor' ? 401 : 200, 'GET /api/me/export');
    // Everyone's page, as this person sees it: the marker check reads them all.
    for (const q of people.filter((x) => x !== 'visitor')) expectStatus(await read(`/api/users/${q}`), 200, `GET /api/users/${q}`);
    expectStatus(await read('/api/users/nobody-here'), 404, 'GET /api/users/:handle');
    expectStatus(await read('/api/openapi.json'), 200, 'GET /api/openapi.json');

    // Notifications. Every post mentions everyone (access-world.ts), so a person is told of each
    // post the moment they may read it; what their list shows now must be exactly the posts they
    // may read now (a tombstone tells nothing), less their own — and of their own, only a
    // moderator's decision. The marker check below reads the excerpts too.
    const told = await read('/api/notifications?limit=100');
    if (expectStatus(told, p === 'visitor' ? 401 : 200, 'GET /api/notifications')) {
      const items = told.body.notifications as { kind: string; read: boolean; gloss: number; reply: number | null }[];
      const key = (n: { gloss: number; reply: number | null }) => (n.reply === null ? `gloss:${keyOfGloss.get(n.gloss)}` : `reply:${keyOfReply.get(n.reply)}`);
      const readable = [
        ...Object.entries(glossTable).map(([k, g]) => ({ key: `gloss:${k}`, ...g, author: w.glosses[k].author })),
        ...Object.entries(replyTable).map(([k, r]) => ({ key: `reply:${k}`, ...r, author: w.replies[k].author })),
      ].filter((x) => x.status !== 'deleted' && sees(x.readers, p));
      // The one personal invitation is otto's: he alone is told of it.
      expectSame(
        items.filter((n) => n.kind === 'invited').map((n) => (n as unknown as { group: { slug: string } }).group.slug),
        p === 'otto' ? ['closed-circle'] : [],
        'invitations told of',
      );
      expectSame(
        new Set(items.filter((n) => n.kind !== 'approved' && n.kind !== 'hidden' && n.kind !== 'invited').map(key)),
        readable.filter((x) => x.author !== p).map((x) => x.key),
        'notifications of others’ posts',
      );
      const ownNotices = items.filter((n) => n.kind === 'approved' || n.kind === 'hidden').map(key);
      for (const k of ownNotices) if (!readable.some((x) => x.key === k && x.author === p)) problems.push(`a moderator's notice about ${k}, not ${p}'s to read`);
      const unread = items.filter((n) => !n.read).length;
      if (told.body.unread !== unread) problems.push(`unread ${told.body.unread}, but ${unread} unread notifications listed`);
    }
    // One's own stream opens with the same count, and nothing else.
    const mine = await readStream(w, c, '/api/me/events', /^event: ready$/m);
    bodies.push({ door: 'GET /api/me/events', text: mine.text });
    if (mine.status !== (p === 'visitor' ? 401 : 200)) problems.push(`GET /api/me/events: status ${mine.status}`);
    else if (p !== 'visitor' && !mine.text.includes(`"unread":${told.body.unread}`)) problems.push(`GET /api/me/events: ready without the unread count ${told.body.unread}`);
    // The reader's pages are one static shell for everyone: no data is in them (the marker check
    // below reads them too). They need `vite build`, which `npm test` runs first.
    for (const url of ['/', `/t/${texts[0]}`, `/t/${texts[0]}/print`, '/g/closed-circle', '/invite/inv_unknown', '/account', '/u/olive', '/verify-email/not-a-link', '/reset-password/not-a-link']) expectStatus(await read(url), 200, `GET ${url}`);
    expectStatus(await read('/assets/no-such-file.js'), 404, 'GET /assets/:file');
    // A digest's unsubscribe page: a link that is not one is the same 404 page for everyone.
    expectStatus(await read('/api/unsubscribe/not-a-link'), 404, 'GET /api/unsubscribe/:token');

    // Texts.
    const list = await read('/api/texts');
    if (expectStatus(list, 200, 'GET /api/texts')) {
      expectSame((list.body.texts as any[]).map((x) => x.slug), texts.filter((s) => sees(textReaders[s], p)), 'text list');
      // What is new to a reader counts only posts they may read (everyone signed up before any was written).
      for (const x of list.body.texts as { slug: string; new?: number }[]) {
        const expected =
          p === 'visitor'
            ? undefined
            : Object.entries(glossTable).filter(([k, g]) => w.glosses[k].text === x.slug && g.status !== 'deleted' && sees(g.readers, p) && w.glosses[k].author !== p).length +
              Object.entries(replyTable).filter(([k, r]) => w.glosses[w.replies[k].gloss].text === x.slug && r.status !== 'deleted' && sees(r.readers, p) && w.replies[k].author !== p).length;
        if (x.new !== expected) problems.push(`new posts on ${x.slug}: ${x.new}, expected ${expected}`);
      }
    }
    for (const slug of texts) {
      const reader = sees(textReaders[slug], p);
      const expected = reader ? 200 : 404;
      expectStatus(await read(`/api/texts/${slug}`), expected, `text ${slug}`);
      expectStatus(await read(`/api/texts/${slug}?version=1`), expected, `text ${slug} v1`);
      expectStatus(await read(`/api/texts/${slug}/versions`), expected, `versions of ${slug}`);
      expectStatus(await read(`/api/texts/${slug}/parallels`), expected, `parallels of ${slug}`);
      expectStatus(await read(`/api/texts/${slug}/glosses?version=1`), expected, `glosses of ${slug} v1`);
      const scoped = await read(`/api/search?q=remarks&text=${slug}`);
      if (expectStatus(scoped, expected, `search in ${slug}`)) {
        const hits = (scoped.body.results as any[]).map((h) => `${h.kind}:${h.id}`);
        const expectedHits = glossesOn(slug, w).filter((k) => glossTable[k].status !== 'deleted' && sees(glossTable[k].readers, p)).map((k) => `gloss:${idOf(k)}`);
        expectSame(hits, expectedHits, `search "remarks" in ${slug}`);
      }

      const layerList = await read(`/api/texts/${slug}/layers`);
      const onText = layerKeys.filter((k) => layerDefs[k].text === slug);
      if (expectStatus(layerList, expected, `layers of ${slug}`)) {
        const shown = layerList.body.layers as any[];
        const expectedLayers = onText.filter((k) => sees(layerReaders[k], p));
        expectSame(shown.map((l) => l.slug), expectedLayers.map((k) => layerDefs[k].slug), `layers of ${slug}`);
        for (const k of expectedLayers) {
          const l = shown.find((x) => x.slug === layerDefs[k].slug);
          const count = visibleGlosses(glossesIn(k, w)).filter((g) => glossTable[g].status !== 'deleted').length;
          if (l && l.glossCount !== count) problems.push(`glossCount of ${k}: ${l.glossCount}, expected ${count}`);
          // A read-first layer counts the published glosses it keeps from one until one writes.
          const waiting = 'readFirst' in layerDefs[k] ? glossesIn(k, w).filter((g) => glossTable[g].status === 'active' && !sees(glossTable[g].readers, p)).length : 0;
          if (l && l.hiddenUntilYouWrite !== waiting) problems.push(`hiddenUntilYouWrite of ${k}: ${l.hiddenUntilYouWrite}, expected ${waiting}`);
        }
      }

      const all = await read(`/api/texts/${slug}/glosses`);
      if (expectStatus(all, expected, `glosses of ${slug}`)) {
        expectSame((all.body.glosses as any[]).map((g) => g.id), visibleGlosses(glossesOn(slug, w)).map(idOf), `glosses of ${slug}`);
        for (const g of all.body.glosses) checkGlossJson(g, `glosses of ${slug}`);
      }

      // The embed widget's passage: the whole text, as /glosses shows it; an unknown ref is 404.
      const passage = await read(`/api/texts/${slug}/passage`);
      if (expectStatus(passage, expected, `passage of ${slug}`)) {
        expectSame((passage.body.glosses as any[]).map((g) => g.id), visibleGlosses(glossesOn(slug, w)).map(idOf), `passage of ${slug}`);
        expectSame((passage.body.layers as any[]).map((l) => l.slug), onText.filter((k) => sees(layerReaders[k], p)).map((k) => layerDefs[k].slug), `passage layers of ${slug}`);
      }
      expectStatus(await read(`/api/texts/${slug}/passage?ref=9:9`), 404, `passage 9:9 of ${slug}`);

      for (const k of onText) {
        const d = layerDefs[k];
        const layerReader = sees(layerReaders[k], p);
        const inLayer = visibleGlosses(glossesIn(k, w));
        const filtered = await read(`/api/texts/${slug}/glosses?layer=${d.slug}`);
        if (expectStatus(filtered, expected, `glosses of ${slug}?layer=${d.slug}`)) {
          expectSame((filtered.body.glosses as any[]).map((g) => g.id), inLayer.map(idOf), `?layer=${d.slug}`);
        }
        expectStatus(await read(`/api/texts/${slug}/layers/${d.slug}`), layerReader ? 200 : 404, `layer ${k}`);
        const layerGlosses = await read(`/api/texts/${slug}/layers/${d.slug}/glosses`);
        if (expectStatus(layerGlosses, layerReader ? 200 : 404, `layers/${d.slug}/glosses`)) {
          expectSame((layerGlosses.body.glosses as any[]).map((g) => g.id), inLayer.map(idOf), `layers/${d.slug}/glosses`);
          for (const g of layerGlosses.body.glosses) checkGlossJson(g, `layers/${d.slug}/glosses`);
        }

        // The W3C container shows published glosses only, each followed by the stances on it.
        const published = inLayer.filter((g) => glossTable[g].status === 'active');
        // Stances given with a reason are annotations of their own; the others are only counted.
        const stancesOn = stanceTable.filter((st) => st.reason && published.includes(st.gloss)).map((st) => `${st.gloss}:${st.by}`);
        const container = await read(`/annotations/${slug}/${d.slug}/`);
        if (expectStatus(container, layerReader ? 200 : 404, `container ${k}`) && container.body.total !== published.length + stancesOn.length) {
          problems.push(`container ${k}: total ${container.body.total}, expected ${published.length + stancesOn.length}`);
        }
        const page = await read(`/annotations/${slug}/${d.slug}/?page=0`);
        if (expectStatus(page, layerReader ? 200 : 404, `container ${k} page 0`)) {
          const { glossIds, stances } = w3cItems(w, page.body.items);
          expectSame(glossIds, published.map(idOf), `container ${k} page 0`);
          expectSame(stances, stancesOn, `stances in container ${k} page 0`);
        }
        expectStatus(await read(`/annotations/${slug}/${d.slug}/`, 'OPTIONS'), layerReader ? 204 : 404, `OPTIONS container ${k}`);
        for (const g of glossesIn(k, w)) {
          const status = published.includes(g) ? 200 : 404;
          expectStatus(await read(`/annotations/${slug}/${d.slug}/${idOf(g)}`), status, `annotation ${g}`);
          expectStatus(await read(`/annotations/${slug}/${d.slug}/${idOf(g)}`, 'OPTIONS'), status === 200 ? 204 : 404, `OPTIONS annotation ${g}`);
        }
      }

      // The live stream, replayed from the start.
      const events = await readEvents(w, c, slug, w.lastEvent[slug]);
      bodies.push({ door: `GET /api/texts/${slug}/events?since=0`, text: events.text });
      if (events.status !== expected) problems.push(`events of ${slug}: status ${events.status}, expected ${expected}`);
      if (reader) {
        const allowed = allowedMarkers(w, p);
        const expectedThere = [
          ...glossesOn(slug, w).map((k) => w.glosses[k].marker),
          ...Object.keys(replyTable).filter((k) => w.glosses[w.replies[k].gloss].text === slug).map((k) => w.replies[k].marker),
          ...onText.map((k) => marker(`ln${k}`)),
        ].filter((m) => allowed.has(m));
        for (const m of expectedThere) if (!events.text.includes(m)) problems.push(`events of ${slug}: ${m} missing`);
        // Payloads are built once for every reader: the decision's adopted reading is not named where some may not read it.
        const adoptedOgJson = `"adopted":{"kind":"gloss","id":${idOf('ogOwner')}}`;
        if (!sees(glossTable.ogOwner.readers, p) && events.text.includes(adoptedOgJson)) problems.push(`LEAK of the adopted ogOwner through the events of ${slug}`);
      }
    }

    // Single glosses, their threads and their decisions.
    for (const [k, g] of Object.entries(glossTable)) {
      const res = await read(`/api/glosses/${idOf(k)}`);
      if (expectStatus(res, sees(g.readers, p) ? 200 : 404, `gloss ${k}`)) checkGlossJson(res.body, `gloss ${k}`);
      const decisions = await read(`/api/glosses/${idOf(k)}/decisions`);
      if (expectStatus(decisions, sees(g.readers, p) ? 200 : 404, `decisions on ${k}`)) {
        // opOwner's two: the one in force adopts ogOwner (named to its readers), the first trent's reply rTrent.
        const expected = k !== 'opOwner' ? [] : [sees(glossTable.ogOwner.readers, p) ? { kind: 'gloss', id: idOf('ogOwner') } : null, sees(replyTable.rTrent.readers, p) ? { kind: 'reply', id: w.replies.rTrent.id } : null];
        const adopted = (decisions.body.decisions as { adopted: unknown }[]).map((d) => d.adopted);
        if (JSON.stringify(adopted) !== JSON.stringify(expected)) problems.push(`decisions on ${k}: adopted ${JSON.stringify(adopted)}, expected ${JSON.stringify(expected)}`);
      }
    }
    // The decision on opOwner adopted ogOwner: named to its readers, null to everyone else.
    const decided = JSON.parse(bodies.find((b) => b.door === `GET /api/glosses/${idOf('opOwner')}`)!.text).decision;
    const adoptedOg = sees(glossTable.ogOwner.readers, p) ? { kind: 'gloss', id: idOf('ogOwner') } : null;
    if (JSON.stringify(decided?.adopted) !== JSON.stringify(adoptedOg)) problems.push(`opOwner's decision adopts ${JSON.stringify(decided?.adopted)}, expected ${JSON.stringify(adoptedOg)}`);
    // The author of the hidden gloss, and the moderators, read why it was hidden.
    const hidden = bodies.find((b) => b.door === `GET /api/glosses/${idOf('opHidden')}`)!;
    if (sees(glossTable.opHidden.readers, p) && !String(JSON.parse(hidden.text).moderationNote).includes(marker('hidereason'))) {
      problems.push('opHidden: no moderationNote with the reason');
    }

    // Search: each marker finds its item for those who may see it, and nothing for anyone else.
    const hitsFor = (m: string): string[] => {
      const g = Object.entries(w.glosses).find(([, x]) => x.marker === m);
      if (g) return glossTable[g[0]].status !== 'deleted' && sees(glossTable[g[0]].readers, p) ? [`gloss:${g[1].id}`] : [];
      const r = Object.entries(w.replies).find(([, x]) => x.marker === m);
      if (r) return replyTable[r[0]].status !== 'deleted' && sees(replyTable[r[0]].readers, p) ? [`reply:${r[1].id}`] : [];
      return textMarkerHits[m] && sees(otherMarkers[m], p) ? [textMarkerHits[m]] : [];
    };
    for (const m of allMarkers(w)) {
      const res = await read(`/api/search?q=${m}`);
      if (expectStatus(res, 200, `search ${m}`)) {
        expectSame((res.body.results as any[]).map((h) => (h.kind === 'text' ? `text:${h.text}` : `${h.kind}:${h.id}`)), hitsFor(m), `search ${m}`);
      }
    }

    // Groups.
    const groupList = await read('/api/groups');
    if (expectStatus(groupList, 200, 'GET /api/groups')) {
      expectSame((groupList.body.groups as any[]).map((g) => g.slug), groupsSeen[p], 'group list');
      for (const g of groupList.body.groups) {
        if (JSON.stringify(g.membership) !== JSON.stringify(standing[p][g.slug] ?? null)) problems.push(`group list: ${g.slug} membership ${JSON.stringify(g.membership)}`);
      }
    }
    for (const slug of ['open-circle', 'closed-circle', 'asking-circle']) {
      const visible = groupsSeen[p].includes(slug);
      const one = await read(`/api/groups/${slug}`);
      if (expectStatus(one, visible ? 200 : 404, `group ${slug}`)) {
        // The group's page also tells an active owner whether they are its only one (olive is, in each).
        const own = standing[p][slug];
        const expected = own?.role === 'owner' && own.state === 'active' ? { ...own, soleOwner: true } : (own ?? null);
        if (JSON.stringify(one.body.membership) !== JSON.stringify(expected)) problems.push(`group ${slug}: membership ${JSON.stringify(one.body.membership)}`);
        // Where the group reads: its layers and its own texts, each only to those who may read it.
        const groupLayers = layerKeys.filter((k) => layerDefs[k].group === slug && sees(layerReaders[k], p));
        expectSame((one.body.layers as any[]).map((l) => `${l.text.slug}/${l.slug}`), groupLayers.map((k) => `${layerDefs[k].text}/${layerDefs[k].slug}`), `layers of group ${slug}`);
        expectSame((one.body.texts as any[]).map((x) => x.slug), slug === 'closed-circle' ? texts.filter((x) => x === T2 && sees(textReaders[x], p)) : [], `texts of group ${slug}`);
        if (one.body.hasPlan !== sees(planDoor[slug].readers, p)) problems.push(`group ${slug}: hasPlan ${one.body.hasPlan}`);
      }
      const door = memberDoor[slug];
      const expectedMembers = door[p] ?? door.others;
      const members = await read(`/api/groups/${slug}/members`);
      if (expectStatus(members, Array.isArray(expectedMembers) ? 200 : expectedMembers, `members of ${slug}`) && Array.isArray(expectedMembers)) {
        expectSame((members.body.members as any[]).map((m) => `${m.handle}:${m.role}:${m.state}`), expectedMembers, `members of ${slug}`);
      }
      const mod = moderatorDoor[slug][p] ?? moderatorDoor[slug].others;
      const queue = await read(`/api/groups/${slug}/moderation`);
      if (expectStatus(queue, mod, `moderation of ${slug}`) && slug === 'open-circle') {
        expectSame(
          (queue.body.pending as any[]).map((x) => `${x.kind}:${x.id}`),
          [`gloss:${idOf('opPending')}`, `gloss:${idOf('ogPending')}`, `gloss:${idOf('rfPenny')}`, `reply:${w.replies.rPenny.id}`, `reply:${w.replies.rOtto.id}`],
          'moderation queue: pending',
        );
        expectSame((queue.body.flags as any[]).map((f) => `${f.kind}:${f.item}`), [`gloss:${idOf('opFlagged')}`], 'moderation queue: flags');
      }
      const audit = await read(`/api/groups/${slug}/audit`);
      if (expectStatus(audit, mod, `audit of ${slug}`)) {
        const actions = (audit.body.entries as any[]).map((e) => e.action);
        const needed = { 'open-circle': ['gloss.approved', 'gloss.hidden', 'reply.hidden', 'gloss.flagged', 'member.role'], 'closed-circle': ['member.banned', 'invitation.accepted'], 'asking-circle': [] }[slug]!;
        for (const a of needed) if (!actions.includes(a)) problems.push(`audit of ${slug}: no ${a}`);
      }
      expectStatus(await read(`/api/groups/${slug}/invitations`), mod, `invitations of ${slug}`);
      const follows = await read(`/api/groups/${slug}/following`);
      if (expectStatus(follows, visible ? 200 : 404, `following of ${slug}`)) expectSame(follows.body.following as any[], [], `following of ${slug}`);
      const planned = planDoor[slug];
      const plan = await read(`/api/groups/${slug}/plan`);
      if (expectStatus(plan, sees(planned.readers, p) ? 200 : 404, `plan of ${slug}`)) {
        if (plan.body.text.slug !== planned.text) problems.push(`plan of ${slug}: text ${plan.body.text.slug}`);
        expectSame((plan.body.passages as any[]).map((x) => `${x.from}-${x.to}`), planned.passages!, `plan of ${slug}`);
      }

      // The live moderation of the group: a stream for its moderators, which names no post.
      const live = await readStream(w, c, `/api/groups/${slug}/events`, /^event: ready$/m);
      bodies.push({ door: `GET /api/groups/${slug}/events`, text: live.text });
      if (live.status !== mod) problems.push(`events of group ${slug}: status ${live.status}, expected ${mod}`);
      else if (mod === 200 && !live.text.includes(`"group":"${slug}"`)) problems.push(`events of group ${slug}: no ready event`);
    }

    // An invitation tells whoever holds the link the group's name, and its description only to
    // those who may see the group (the marker check below holds it to that).
    const invitation = await read(`/api/invitations/${w.invitation}`);
    if (expectStatus(invitation, 200, 'an invitation to closed-circle')) {
      expect(invitation.body.group).toMatchObject({ slug: 'closed-circle', visibility: 'private' });
      expect(invitation.body.group.description === null).toBe(!sees(closedMembers, p));
    }
    expectStatus(await read('/api/invitations/inv_unknown'), 404, 'an unknown invitation');

    // Embedding shows public texts and layers only, whoever asks: their doors may carry
    // nothing a visitor may not see, even to the members of a group.
    const embedBodies = bodies.length;
    for (const slug of texts) {
      const status = sees(textReaders[slug], 'visitor') ? 200 : 404;
      expectStatus(await read(`/oembed?url=${encodeURIComponent(`${testOrigin}/t/${slug}`)}&format=json`), status, `oEmbed of ${slug}`);
      expectStatus(await read(`/embed/t/${slug}`), status, `iframe page of ${slug}`);
    }
    expectStatus(await read('/embed.js'), 200, 'GET /embed.js');
    expectStatus(await read('/embed/assets/no-such-chunk.js'), 404, 'GET /embed/assets/:file');
    expectStatus(await read(`/embed/connect?origin=${encodeURIComponent('https://blog.example')}`), 200, 'GET /embed/connect');
    // The Atom feeds too are read as a visitor, whoever asks: a layer's, and a group's (its
    // layers'), each with exactly the published posts a visitor may see, and 404 where a visitor
    // may read nothing.
    const published = (glossKeys: string[]) => {
      const glosses = glossKeys.filter((k) => glossTable[k].status === 'active' && sees(glossTable[k].readers, 'visitor'));
      const replies = Object.keys(replyTable).filter((k) => glossKeys.includes(w.replies[k].gloss) && replyTable[k].status === 'active' && sees(replyTable[k].readers, 'visitor'));
      return [...glosses.map((k) => w.glosses[k].marker), ...replies.map((k) => w.replies[k].marker)];
    };
    const feedMarkers = (text: string) => allMarkers(w).filter((m) => text.includes(m));
    for (const k of layerKeys) {
      const d = layerDefs[k];
      const feed = await read(`/feeds/texts/${d.text}/layers/${d.slug}.atom`);
      if (expectStatus(feed, sees(layerReaders[k], 'visitor') ? 200 : 404, `feed of layer ${k}`)) {
        expectSame(feedMarkers(feed.text), [...published(glossesIn(k, w)), marker(`ln${k}`)], `feed of layer ${k}`);
      }
    }
    for (const slug of ['open-circle', 'closed-circle', 'asking-circle']) {
      const feed = await read(`/feeds/groups/${slug}.atom`);
      if (expectStatus(feed, groupsSeen.visitor.includes(slug) ? 200 : 404, `feed of group ${slug}`)) {
        const layers = layerKeys.filter((k) => layerDefs[k].group === slug && sees(layerReaders[k], 'visitor'));
        const posts = published(layers.flatMap((k) => glossesIn(k, w)));
        // Each entry names its layer; a layer without published posts is not named.
        const names = layers.filter((k) => published(glossesIn(k, w)).length > 0).map((k) => marker(`ln${k}`));
        expectSame(feedMarkers(feed.text), [...posts, ...names], `feed of group ${slug}`);
      }
    }
    const visitorMay = allowedMarkers(w, 'visitor');
    for (const b of bodies.slice(embedBodies)) {
      for (const m of allMarkers(w)) if (!visitorMay.has(m) && b.text.includes(m)) problems.push(`LEAK of ${m} through the embed door ${b.door}`);
    }

    // Federation's doors answer as to a visitor, whoever asks: servers get ActivityStreams, a
    // browser is sent to the page, and what does not exist for a visitor is 404 to both.
    const federationBodies = bodies.length;
    const as2 = { accept: 'application/activity+json' };
    const html = { accept: 'text/html' };
    /** A document served to servers (200, with `check` of its JSON) and its page to browsers (303 to `page`), or 404 to both when `page` is null. */
    const served = async (url: string, page: string | null, what: string, check: (json: any) => string | null = () => null) => {
      const server = await read(url, 'GET', as2);
      if (expectStatus(server, page === null ? 404 : 200, `${what} to servers`)) {
        const wrong = check(JSON.parse(server.text));
        if (wrong !== null) problems.push(`${what}: ${wrong}`);
      }
      const browser = await read(url, 'GET', html);
      if (page === null) expectStatus(browser, 404, `${what} to browsers`);
      else if (browser.status !== 303 || browser.headers.get('location') !== `${testOrigin}${page}`) problems.push(`${what} to browsers: ${browser.status} to ${browser.headers.get('location')}, expected 303 to ${page}`);
    };
    const types: Record<string, string> = { group: 'Group', user: 'Person', app: 'Application' };
    for (const [identifier, page] of Object.entries(actorDoor)) {
      await served(`/ap/actors/${identifier}`, page, `actor ${identifier}`, (json) =>
        json.type === types[identifier.split('.')[0]] && json.id === `${testOrigin}/ap/actors/${identifier}` ? null : `a ${json.type} ${json.id}`,
      );
    }
    for (const [identifier, status] of Object.entries(collectionDoor)) {
      // Nobody follows from elsewhere, and nothing is published: the app runs no publisher.
      const followers = await read(`/ap/actors/${identifier}/followers`, 'GET', as2);
      if (expectStatus(followers, status, `followers of ${identifier}`) && followers.body.totalItems !== 0) problems.push(`followers of ${identifier}: ${followers.body.totalItems}`);
      const outbox = await read(`/ap/actors/${identifier}/outbox?cursor=`, 'GET', as2);
      if (expectStatus(outbox, status, `the outbox of ${identifier}`) && outbox.body.orderedItems !== undefined) problems.push(`the outbox of ${identifier} lists what was never published`);
      expectStatus(await read(`/ap/actors/${identifier}/outbox`, 'GET', as2), status, `the outbox of ${identifier}`);
    }
    for (const [k, g] of Object.entries(glossTable)) {
      const { id, layer, text } = w.glosses[k];
      await served(`/ap/notes/g${id}`, mayLeave(g.readers, g.status, layer) ? `/t/${text}#g-${id}` : null, `the Note of gloss ${k}`, (json) =>
        json.type === 'Note' && json.id === `${testOrigin}/ap/notes/g${id}` ? null : `a ${json.type} ${json.id}`,
      );
    }
    for (const [k, r] of Object.entries(replyTable)) {
      const { id, gloss } = w.replies[k];
      const { layer, text, id: glossId } = w.glosses[gloss];
      await served(`/ap/notes/r${id}`, mayLeave(r.readers, r.status, layer) ? `/t/${text}#g-${glossId}` : null, `the Note of reply ${k}`, (json) =>
        json.type === 'Note' && json.id === `${testOrigin}/ap/notes/r${id}` ? null : `a ${json.type} ${json.id}`,
      );
    }
    for (const key of ['g999999', 'r999999', 'nonsense']) await served(`/ap/notes/${key}`, null, `the Note ${key}`);
    for (const [name, status] of Object.entries(webfingerDoor)) {
      const finger = await read(`/.well-known/webfinger?resource=${encodeURIComponent(`acct:${name}@daf.test`)}`);
      if (expectStatus(finger, status, `WebFinger of ${name}`) && JSON.parse(finger.text).subject !== `acct:${name}@daf.test`) problems.push(`WebFinger of ${name}: ${finger.text.slice(0, 80)}`);
    }
    expectStatus(await read('/.well-known/nodeinfo'), 200, 'GET /.well-known/nodeinfo');
    expectStatus(await read('/nodeinfo/2.1'), 200, 'GET /nodeinfo/2.1');
    for (const b of bodies.slice(federationBodies)) {
      for (const m of allMarkers(w)) if (!visitorMay.has(m) && b.text.includes(m)) problems.push(`LEAK of ${m} through federation's door ${b.door}`);
    }

    // A private group's identity (its slug and name) shows only to those who may see the group,
    // through no door: not on its public layers or texts, not in events. The invitation names it
    // to whoever holds the link (and the notification of a personal invitation, to the one person
    // invited: otto), and a door asked by the slug may say the slug back.
    const listed = JSON.parse(bodies.find((b) => b.door === `GET /api/texts/${T1}/layers`)!.text).layers as { slug: string; group: string | null }[];
    const closedPublicGroup = listed.find((l) => l.slug === layerDefs.closedPublic.slug)?.group;
    if (closedPublicGroup !== (groupsSeen[p].includes('closed-circle') ? 'closed-circle' : null)) problems.push(`closed-public's group shown as ${closedPublicGroup}`);
    if (!groupsSeen[p].includes('closed-circle')) {
      for (const b of bodies) {
        if (b.door.includes('closed-circle') || b.door.includes(`/api/invitations/${w.invitation}`)) continue;
        if (p === 'otto' && b.door.startsWith('GET /api/notifications')) continue;
        for (const identity of ['closed-circle', 'Closed circle']) if (b.text.includes(identity)) problems.push(`LEAK of the private group's "${identity}" through ${b.door}`);
      }
    }

    // Nothing this person may not see is in any response they got.
    const allowed = allowedMarkers(w, p);
    for (const m of allMarkers(w)) {
      if (allowed.has(m)) continue;
      for (const b of bodies) if (b.text.includes(m)) problems.push(`LEAK of ${m} through ${b.door}`);
    }
    expect(problems).toEqual([]);
  });

  it.each(people.filter((p) => p !== 'visitor'))(
    '%s with an embed token reads exactly what their session reads, except the account and groups (403)',
    async (p) => {
      const reads = sessionReads.get(p);
      expect(reads?.length).toBeGreaterThan(50);
      const c = await embedClient(w, p);
      const problems: string[] = [];
      for (const r of reads!) {
        const res = await c.request(r.method, r.url, undefined, r.headers);
        const api = /^\/(api|annotations)\//.test(r.url);
        if (api && closedToEmbed(r.url)) {
          if (res.status !== 403 || res.body?.error?.code !== 'insufficient_scope') problems.push(`${r.method} ${r.url}: ${res.status}, expected 403 insufficient_scope`);
        } else if (res.status !== r.status || res.text !== r.text) {
          problems.push(`${r.method} ${r.url}: ${res.status} ${res.text.slice(0, 80)}, the session got ${r.status} ${r.text.slice(0, 80)}`);
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it('exports (daf export-layer) only what the public may read', async () => {
    const urls = new DafUrls(testOrigin);
    const forbidden = allMarkers(w).filter((m) => !allowedMarkers(w, 'visitor').has(m));
    for (const k of layerKeys) {
      const d = layerDefs[k];
      if (!sees(layerReaders[k], 'visitor')) {
        const err = await exportLayer(w.t.ctx, null, d.text, d.slug, urls).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err, k).toBeInstanceOf(AppError);
        expect((err as AppError).status, k).toBe(404);
        continue;
      }
      const exported = await exportLayer(w.t.ctx, null, d.text, d.slug, urls);
      const published = glossesIn(k, w).filter((g) => glossTable[g].status === 'active' && sees(glossTable[g].readers, 'visitor'));
      const stancesOn = stanceTable.filter((st) => st.reason && published.includes(st.gloss)).map((st) => `${st.gloss}:${st.by}`);
      expect(exported.total, k).toBe(published.length + stancesOn.length);
      const { glossIds, stances } = w3cItems(w, exported.first.items);
      expect(sorted(glossIds), k).toEqual(sorted(published.map((g) => w.glosses[g].id)));
      expect(sorted(stances), k).toEqual(sorted(stancesOn));
      const json = JSON.stringify(exported);
      for (const m of forbidden) expect(json.includes(m), `${m} in the export of ${k}`).toBe(false);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Writing through every door.
// ---------------------------------------------------------------------------------------------

type Expect = Record<Person, number>;
/** Statuses: those named, `others` for everyone else signed in, `visitor` (401 by default). */
function expect_(named: Partial<Record<Person, number>>, others: number, visitor = 401): Expect {
  return Object.fromEntries(people.map((p) => [p, named[p] ?? (p === 'visitor' ? visitor : others)])) as Expect;
}
const each = (status: number, ...ps: Person[]): Partial<Record<Person, number>> => Object.fromEntries(ps.map((p) => [p, status]));
const openMembersCan = (status: number) => each(status, 'olive', 'mona', 'trent', 'penny');
const closedMembersCan = (status: number) => each(status, 'olive', 'mona');

interface WriteCase {
  /** The route, as "METHOD path" in Hono's notation. */
  door: string;
  what: string;
  expect: Expect;
  /** Prepares a fresh target before each person's attempt (before the "nothing changed" snapshot). */
  setup?: (p: Person) => Promise<any>;
  run: (c: TestClient, s: any, p: Person) => Promise<TestResponse>;
  /** Puts the world back after a success that would change later cases. */
  cleanup?: (c: TestClient, p: Person, res: TestResponse) => Promise<void>;
  /**
   * With an embed token, where it differs from `expect` on a door that token may use: a
   * moderator's power over others' posts stays with their full credentials.
   */
  embed?: Partial<Record<Person, number>>;
  /** The case makes its own client (signing up, logging in): a credential under test is not used. */
  ownClient?: true;
}

describe('the access matrix: writing', () => {
  let w: World;
  const cases: WriteCase[] = [];
  let fresh = 0;
  let lastPending = 0;
  const secondSessions = new Map<Person, TestClient>();
  const embedClients: Partial<Record<Person, TestClient>> = {};

  /** A client of its own for a person (a second session), so a door cannot disturb the first. */
  async function ownSession(p: Person): Promise<TestClient> {
    const c = new TestClient(w.t.app);
    if (p !== 'visitor') {
      const res = await c.post('/api/auth/login', { handle: p, password: 'correct horse battery' });
      expect(res.status).toBe(200);
    }
    return c;
  }
  /** Gives the world's client of `p` a session again, after a door that ended them all. */
  async function logInAgain(c: TestClient, p: Person): Promise<void> {
    await must(c.post('/api/auth/login', { handle: p, password: 'correct horse battery' }), 200, 'log in again');
  }
  const as = (p: Person) => w.clients[p];
  async function must(res: Promise<TestResponse>, status: number, what: string) {
    const r = await res;
    expect(r.status, `${what}: ${r.text.slice(0, 200)}`).toBe(status);
    return r.body;
  }
  /** Setting a layer's federation: as any change of the layer; a success is undone. */
  const federationCase = (layer: string, expected: Expect): WriteCase => ({
    door: 'PATCH /api/texts/:slug/layers/:layer',
    what: `set ${layer}'s federation`,
    expect: expected,
    run: (c) => c.patch(`/api/texts/${T1}/layers/${layer}`, { federation: 'publish+replies' }),
    cleanup: async (c) => {
      await must(c.patch(`/api/texts/${T1}/layers/${layer}`, { federation: 'off' }), 200, 'federation off again');
    },
  });
  const glossBody = (md = 'New words.') => ({ target: { exact: 'opened the book' }, body: { markdown: md } });
  async function freshGloss(p: Person, layer: LayerKey, status = 'active'): Promise<number> {
    const d = layerDefs[layer];
    const g = await must(as(p).post(`/api/texts/${d.text}/layers/${d.slug}/glosses`, glossBody(`Fresh ${++fresh}.`)), 201, `fresh gloss in ${layer}`);
    expect(g.status).toBe(status);
    return g.id;
  }
  async function freshReply(p: Person, glossKey: string, status = 'active'): Promise<number> {
    const r = await must(as(p).post(`/api/glosses/${w.glosses[glossKey].id}/replies`, { body: { markdown: `Fresh reply ${++fresh}.` } }), 201, 'fresh reply');
    expect(r.status).toBe(status);
    return r.id;
  }
  const annotation = (slug: string) => ({
    '@context': 'http://www.w3.org/ns/anno.jsonld',
    type: 'Annotation',
    body: { type: 'TextualBody', value: 'Annotated.' },
    target: { source: `${testOrigin}/t/${slug}`, selector: { type: 'TextQuoteSelector', exact: 'opened the book' } },
  });
  const ld = { 'content-type': 'application/ld+json' };
  const extra: Record<string, TestClient> = {};

  // --- glosses in every layer, by the API, the W3C protocol and import ---
  const writeGlossExpect: Record<LayerKey, Expect> = {
    openPublic: expect_(openMembersCan(201), 403),
    openGroup: expect_(openMembersCan(201), 404),
    openNotebook: expect_(openMembersCan(201), 404),
    closedPublic: expect_(closedMembersCan(201), 403), // boris too: banned
    closedGroup: expect_(closedMembersCan(201), 404),
    closedNotebook: expect_(closedMembersCan(201), 404),
    askingGroup: expect_({ olive: 201 }, 404), // abel is still pending
    openReadFirst: expect_(openMembersCan(201), 403), // a layer one may read, before one has read its glosses
    openClosedLater: expect_(openMembersCan(201), 404),
    ottoDiary: expect_({ otto: 201 }, 404),
    closedTextNotes: expect_(closedMembersCan(201), 404),
    trentNotes: expect_({ trent: 201 }, 404),
  };
  for (const k of layerKeys) {
    const d = layerDefs[k];
    cases.push({
      door: 'POST /api/texts/:slug/layers/:layer/glosses',
      what: `write a gloss in ${k}`,
      expect: writeGlossExpect[k],
      run: (c) => c.post(`/api/texts/${d.text}/layers/${d.slug}/glosses`, glossBody()),
    });
  }
  for (const k of ['openPublic', 'closedGroup', 'ottoDiary'] as const) {
    const d = layerDefs[k];
    cases.push({
      door: 'POST /annotations/:text/:layer/',
      what: `POST an annotation to ${k}`,
      expect: writeGlossExpect[k],
      run: (c) => c.post(`/annotations/${d.text}/${d.slug}/`, annotation(d.text), ld),
    });
    cases.push({
      door: 'POST /api/texts/:slug/layers/:layer/import',
      what: `import annotations into ${k}`,
      expect: writeGlossExpect[k],
      run: (c) => c.post(`/api/texts/${d.text}/layers/${d.slug}/import`, [annotation(d.text)], ld),
    });
  }

  // --- replies ---
  const replyExpect: Record<string, Expect> = {
    opOwner: expect_({}, 201), // signed in may reply; boris is banned elsewhere only
    ogOwner: expect_(openMembersCan(201), 404),
    cpOwner: expect_({ boris: 403 }, 201), // a banned person may not reply in the group's layers
    cgOwner: expect_(closedMembersCan(201), 404),
    nbTrent: expect_({ trent: 201 }, 404), // a notebook entry is its author's alone
    askOwner: expect_({ olive: 201 }, 404),
    ottoDiary: expect_({ otto: 201 }, 404),
    ctMona: expect_(closedMembersCan(201), 404),
    ptTrent: expect_({ trent: 201 }, 404),
    opHidden: expect_(each(409, 'trent', 'olive', 'mona'), 404), // its thread is closed
    opPending: expect_(each(409, 'penny', 'olive', 'mona'), 404),
    opDeleted: expect_({}, 409), // a tombstone
    rfTrent: expect_(openMembersCan(201), 404), // read first: only those who wrote there, and its moderators
  };
  for (const [k, e] of Object.entries(replyExpect)) {
    cases.push({
      door: 'POST /api/glosses/:id/replies',
      what: `reply to ${k}`,
      expect: e,
      run: (c) => c.post(`/api/glosses/${w.glosses[k].id}/replies`, { body: { markdown: 'A reply.' } }),
    });
  }

  // --- editing and deleting glosses ---
  cases.push(
    {
      door: 'PATCH /api/glosses/:id',
      what: "edit trent's gloss in open-public",
      expect: expect_({ trent: 200 }, 403),
      setup: () => freshGloss('trent', 'openPublic'),
      run: (c, id) => c.patch(`/api/glosses/${id}`, { body: { markdown: 'Edited.' } }),
    },
    {
      door: 'PATCH /api/glosses/:id',
      what: 'edit the hidden gloss (not even its author)',
      expect: expect_(each(403, 'trent', 'olive', 'mona'), 404),
      run: (c) => c.patch(`/api/glosses/${w.glosses.opHidden.id}`, { body: { markdown: 'Edited.' } }),
    },
    {
      door: 'PATCH /api/glosses/:id',
      what: "edit mona's gloss in closed-group",
      expect: expect_({ mona: 200, olive: 403 }, 404),
      setup: () => freshGloss('mona', 'closedGroup'),
      run: (c, id) => c.patch(`/api/glosses/${id}`, { body: { markdown: 'Edited.' } }),
    },
    {
      door: 'PATCH /api/glosses/:id',
      what: "edit penny's notebook entry",
      expect: expect_({ penny: 200 }, 404),
      run: (c) => c.patch(`/api/glosses/${w.glosses.nbPenny.id}`, { body: { markdown: `${w.glosses.nbPenny.marker} edited.` } }),
    },
    {
      door: 'DELETE /api/glosses/:id',
      what: "delete trent's gloss in open-public",
      expect: expect_(each(200, 'trent', 'olive', 'mona'), 403),
      embed: each(403, 'olive', 'mona'),
      setup: () => freshGloss('trent', 'openPublic'),
      run: (c, id) => c.delete(`/api/glosses/${id}`),
    },
    {
      door: 'DELETE /api/glosses/:id',
      what: "delete mona's gloss in closed-group",
      expect: expect_(closedMembersCan(200), 404),
      embed: each(403, 'olive'),
      setup: () => freshGloss('mona', 'closedGroup'),
      run: (c, id) => c.delete(`/api/glosses/${id}`),
    },
    {
      door: 'DELETE /api/glosses/:id',
      what: "delete olive's gloss in closed-public (mona moderates another group)",
      expect: expect_({ olive: 200 }, 403),
      setup: () => freshGloss('olive', 'closedPublic'),
      run: (c, id) => c.delete(`/api/glosses/${id}`),
    },
    {
      door: 'DELETE /api/glosses/:id',
      what: "delete otto's private gloss",
      expect: expect_({ otto: 200 }, 404),
      setup: () => freshGloss('otto', 'ottoDiary'),
      run: (c, id) => c.delete(`/api/glosses/${id}`),
    },
    {
      door: 'PUT /annotations/:text/:layer/:id',
      what: "replace trent's annotation in open-public",
      expect: expect_({ trent: 200 }, 403),
      setup: () => freshGloss('trent', 'openPublic'),
      run: (c, id) => c.put(`/annotations/${T1}/open-public/${id}`, annotation(T1), { ...ld, 'if-match': '*' }),
    },
    {
      door: 'PUT /annotations/:text/:layer/:id',
      what: "replace mona's annotation in closed-group",
      expect: expect_({ mona: 200, olive: 403 }, 404),
      setup: () => freshGloss('mona', 'closedGroup'),
      run: (c, id) => c.put(`/annotations/${T1}/closed-group/${id}`, annotation(T1), { ...ld, 'if-match': '*' }),
    },
    {
      door: 'DELETE /annotations/:text/:layer/:id',
      what: "delete trent's annotation in open-public",
      expect: expect_(each(204, 'trent', 'olive', 'mona'), 403),
      setup: () => freshGloss('trent', 'openPublic'),
      run: (c, id) => c.delete(`/annotations/${T1}/open-public/${id}`, { 'if-match': '*' }),
    },
  );

  // --- moderating glosses ---
  cases.push(
    {
      door: 'POST /api/glosses/:id/approve',
      what: "approve a new member's pending gloss",
      expect: expect_(each(200, 'olive', 'mona'), 404),
      setup: async () => {
        // A gloss still pending from an earlier attempt will do (signing up costs a password hash).
        if (lastPending && (await as('olive').get(`/api/glosses/${lastPending}`)).body.status === 'pending') return lastPending;
        const handle = `newbie${++fresh}`;
        const c = await w.t.signup(handle);
        await must(c.post('/api/groups/open-circle/join'), 200, 'newbie joins');
        const g = await must(c.post(`/api/texts/${T1}/layers/open-public/glosses`, glossBody()), 201, 'newbie writes');
        expect(g.status).toBe('pending');
        return (lastPending = g.id);
      },
      run: (c, id) => c.post(`/api/glosses/${id}/approve`),
    },
    {
      door: 'POST /api/glosses/:id/approve',
      what: 'approve a published gloss',
      expect: expect_(each(409, 'olive', 'mona'), 403),
      run: (c) => c.post(`/api/glosses/${w.glosses.opOwner.id}/approve`),
    },
    {
      door: 'POST /api/glosses/:id/hide',
      what: "hide trent's gloss in open-public",
      expect: expect_(each(200, 'olive', 'mona'), 403),
      setup: () => freshGloss('trent', 'openPublic'),
      run: (c, id) => c.post(`/api/glosses/${id}/hide`, { reason: 'Because.' }),
    },
    {
      door: 'POST /api/glosses/:id/hide',
      what: "hide olive's gloss in closed-public (another group's content for mona)",
      expect: expect_({ olive: 200 }, 403),
      setup: () => freshGloss('olive', 'closedPublic'),
      run: (c, id) => c.post(`/api/glosses/${id}/hide`, { reason: 'Because.' }),
    },
    {
      door: 'POST /api/glosses/:id/hide',
      what: "hide mona's gloss in closed-group",
      expect: expect_({ olive: 200, mona: 403 }, 404),
      setup: () => freshGloss('mona', 'closedGroup'),
      run: (c, id) => c.post(`/api/glosses/${id}/hide`, { reason: 'Because.' }),
    },
    {
      door: 'POST /api/glosses/:id/hide',
      what: "hide otto's private gloss (no group: no moderators)",
      expect: expect_({ otto: 403 }, 404),
      run: (c) => c.post(`/api/glosses/${w.glosses.ottoDiary.id}/hide`, { reason: 'Because.' }),
    },
    {
      door: 'POST /api/glosses/:id/restore',
      what: "restore trent's hidden gloss",
      expect: expect_({ olive: 200, mona: 200, trent: 403 }, 404),
      setup: async () => {
        const id = await freshGloss('trent', 'openPublic');
        await must(as('mona').post(`/api/glosses/${id}/hide`, { reason: 'Because.' }), 200, 'hide');
        return id;
      },
      run: (c, id) => c.post(`/api/glosses/${id}/restore`),
    },
    {
      door: 'POST /api/glosses/:id/flag',
      what: "flag trent's gloss in open-public",
      expect: expect_({}, 201),
      setup: () => freshGloss('trent', 'openPublic'),
      run: (c, id) => c.post(`/api/glosses/${id}/flag`, { reason: 'Look.' }),
    },
    {
      door: 'POST /api/glosses/:id/flag',
      what: 'flag a gloss in closed-group',
      expect: expect_(closedMembersCan(201), 404),
      run: (c) => c.post(`/api/glosses/${w.glosses.cgOwner.id}/flag`, { reason: 'Look.' }),
    },
    {
      door: 'POST /api/glosses/:id/flag',
      what: "flag penny's pending gloss",
      expect: expect_(each(201, 'penny', 'olive', 'mona'), 404),
      run: (c) => c.post(`/api/glosses/${w.glosses.opPending.id}/flag`, { reason: 'Look.' }),
    },
    {
      door: 'POST /api/glosses/:id/flag',
      what: 'flag a tombstone',
      expect: expect_({}, 409),
      run: (c) => c.post(`/api/glosses/${w.glosses.opDeleted.id}/flag`, { reason: 'Look.' }),
    },
  );

  // --- replies: edit, delete, moderate, flag ---
  cases.push(
    {
      door: 'PATCH /api/replies/:id',
      what: "edit trent's reply",
      expect: expect_({ trent: 200 }, 403),
      setup: () => freshReply('trent', 'opOwner'),
      run: (c, id) => c.patch(`/api/replies/${id}`, { body: { markdown: 'Edited.' } }),
    },
    {
      door: 'PATCH /api/replies/:id',
      what: "edit mona's reply in closed-group",
      expect: expect_({ mona: 200, olive: 403 }, 404),
      run: (c) => c.patch(`/api/replies/${w.replies.rCg.id}`, { body: { markdown: `${w.replies.rCg.marker} edited.` } }),
    },
    {
      door: 'PATCH /api/replies/:id',
      what: "edit the banned boris's reply in closed-group (not even boris)",
      expect: expect_({ olive: 403, mona: 403 }, 404),
      run: (c) => c.patch(`/api/replies/${w.replies.rCgBoris.id}`, { body: { markdown: 'Edited.' } }),
    },
    {
      door: 'DELETE /api/replies/:id',
      what: "delete trent's reply",
      expect: expect_(each(200, 'trent', 'olive', 'mona'), 403),
      embed: each(403, 'olive', 'mona'),
      setup: () => freshReply('trent', 'opOwner'),
      run: (c, id) => c.delete(`/api/replies/${id}`),
    },
    {
      door: 'DELETE /api/replies/:id',
      what: "delete mona's reply in closed-group",
      expect: expect_(closedMembersCan(200), 404),
      embed: each(403, 'olive'),
      setup: () => freshReply('mona', 'cgOwner'),
      run: (c, id) => c.delete(`/api/replies/${id}`),
    },
    {
      door: 'POST /api/replies/:id/approve',
      what: "approve otto's pending reply",
      expect: expect_({ olive: 200, mona: 200, otto: 403 }, 404),
      setup: () => freshReply('otto', 'opOwner', 'pending'),
      run: (c, id) => c.post(`/api/replies/${id}/approve`),
    },
    {
      door: 'POST /api/replies/:id/hide',
      what: "hide trent's reply",
      expect: expect_(each(200, 'olive', 'mona'), 403),
      setup: () => freshReply('trent', 'opOwner'),
      run: (c, id) => c.post(`/api/replies/${id}/hide`, { reason: 'Because.' }),
    },
    {
      door: 'POST /api/replies/:id/hide',
      what: "hide mona's reply in closed-public (another group's content for mona herself)",
      expect: expect_({ olive: 200 }, 403),
      setup: () => freshReply('mona', 'cpOwner'),
      run: (c, id) => c.post(`/api/replies/${id}/hide`, { reason: 'Because.' }),
    },
    {
      door: 'POST /api/replies/:id/restore',
      what: "restore trent's hidden reply",
      expect: expect_({ olive: 200, mona: 200, trent: 403 }, 404),
      setup: async () => {
        const id = await freshReply('trent', 'opOwner');
        await must(as('mona').post(`/api/replies/${id}/hide`, { reason: 'Because.' }), 200, 'hide reply');
        return id;
      },
      run: (c, id) => c.post(`/api/replies/${id}/restore`),
    },
    {
      door: 'POST /api/replies/:id/flag',
      what: "flag trent's reply",
      expect: expect_({}, 201),
      setup: () => freshReply('trent', 'opOwner'),
      run: (c, id) => c.post(`/api/replies/${id}/flag`, { reason: 'Look.' }),
    },
    {
      door: 'PUT /api/glosses/:id/stance',
      what: "agree with olive's reading",
      expect: expect_({}, 200),
      run: (c) => c.put(`/api/glosses/${w.glosses.opOwner.id}/stance`, { stance: 'agree' }),
    },
    {
      door: 'PUT /api/glosses/:id/stance',
      what: 'agree with a reading in closed-circle’s group layer',
      expect: expect_(closedMembersCan(200), 404),
      run: (c) => c.put(`/api/glosses/${w.glosses.cgOwner.id}/stance`, { stance: 'agree' }),
    },
    {
      door: 'PUT /api/glosses/:id/stance',
      what: 'agree with a reading in a read-first layer',
      expect: expect_(openMembersCan(200), 404),
      run: (c) => c.put(`/api/glosses/${w.glosses.rfTrent.id}/stance`, { stance: 'agree' }),
    },
    {
      door: 'POST /api/glosses/:id/decision',
      what: "record a decision on olive's reading",
      expect: expect_({ olive: 201, mona: 201 }, 403),
      run: (c) => c.post(`/api/glosses/${w.glosses.opOwner.id}/decision`, { statement: 'Decided.' }),
    },
    {
      door: 'POST /api/glosses/:id/decision',
      what: 'record a decision on a reading in closed-circle’s group layer',
      expect: expect_({ olive: 201, mona: 403 }, 404),
      run: (c) => c.post(`/api/glosses/${w.glosses.cgOwner.id}/decision`, { statement: 'Decided.' }),
    },
    {
      door: 'DELETE /api/glosses/:id/stance',
      what: "take back a stance on mona's gloss, where one has none",
      expect: expect_({}, 404),
      run: (c) => c.delete(`/api/glosses/${w.glosses.gog.id}/stance`),
    },
    {
      door: 'POST /api/replies/:id/accept',
      what: "accept trent's reply to olive's gloss, which is no question",
      expect: expect_({ olive: 409, mona: 409 }, 403),
      run: (c) => c.post(`/api/replies/${w.replies.rTrent.id}/accept`),
    },
    {
      door: 'POST /api/replies/:id/accept',
      what: "accept penny's pending reply",
      // Its author sees it, and may not accept it.
      expect: expect_({ ...each(409, 'olive', 'mona'), penny: 403 }, 404, 401),
      run: (c) => c.post(`/api/replies/${w.replies.rPenny.id}/accept`),
    },
    {
      door: 'POST /api/replies/:id/flag',
      what: "flag penny's pending reply",
      expect: expect_(each(201, 'penny', 'olive', 'mona'), 404),
      run: (c) => c.post(`/api/replies/${w.replies.rPenny.id}/flag`, { reason: 'Look.' }),
    },
  );

  // --- layers and texts ---
  cases.push(
    {
      door: 'POST /api/texts/:slug/layers',
      what: 'create a layer of open-circle',
      expect: expect_(closedMembersCan(201), 403), // olive and mona: open-circle's owner and moderator
      run: (c) => c.post(`/api/texts/${T1}/layers`, { name: 'New', visibility: 'group', group: 'open-circle' }),
    },
    {
      door: 'POST /api/texts/:slug/layers',
      what: 'create a layer of closed-circle',
      expect: expect_({ olive: 201, mona: 403 }, 404),
      run: (c) => c.post(`/api/texts/${T1}/layers`, { name: 'New', visibility: 'group', group: 'closed-circle' }),
    },
    {
      door: 'POST /api/texts/:slug/layers',
      what: 'create a layer of asking-circle',
      expect: expect_({ olive: 201 }, 403),
      run: (c) => c.post(`/api/texts/${T1}/layers`, { name: 'New', visibility: 'public', group: 'asking-circle' }),
    },
    {
      door: 'POST /api/texts/:slug/layers',
      what: "create one's own layer on the group text",
      expect: expect_(closedMembersCan(201), 404),
      run: (c) => c.post(`/api/texts/${T2}/layers`, { name: 'Mine', visibility: 'private' }),
    },
    {
      door: 'POST /api/texts/:slug/layers',
      what: 'create a "group" layer without a group',
      expect: expect_({}, 400),
      run: (c) => c.post(`/api/texts/${T1}/layers`, { name: 'Mine', visibility: 'group' }),
    },
    {
      door: 'PATCH /api/texts/:slug/layers/:layer',
      what: 'change open-public',
      expect: expect_({ olive: 200 }, 403),
      run: (c) => c.patch(`/api/texts/${T1}/layers/open-public`, { description: 'Changed.' }),
    },
    {
      door: 'PATCH /api/texts/:slug/layers/:layer',
      what: 'change closed-group',
      expect: expect_({ olive: 200, mona: 403 }, 404),
      run: (c) => c.patch(`/api/texts/${T1}/layers/closed-group`, { description: 'Changed.' }),
    },
    {
      door: 'PATCH /api/texts/:slug/layers/:layer',
      what: "change otto's private layer",
      expect: expect_({ otto: 200 }, 404),
      run: (c) => c.patch(`/api/texts/${T1}/layers/otto-diary`, { description: 'Changed.' }),
    },
    federationCase('open-public', expect_({ olive: 200 }, 403)),
    // Stored whatever the layer's visibility: the publisher sends only what a visitor may read.
    federationCase('closed-group', expect_({ olive: 200, mona: 403 }, 404)),
    {
      door: 'POST /api/texts/:slug/parallels',
      what: "pair the group text with olive's public text",
      expect: expect_({ olive: 201, mona: 403 }, 404),
      run: (c) => c.post(`/api/texts/${T2}/parallels`, { text: T1 }),
    },
    {
      door: 'POST /api/texts/:slug/parallels',
      what: "pair olive's public text with trent's private text",
      expect: expect_({ olive: 404, trent: 403 }, 403),
      run: (c) => c.post(`/api/texts/${T1}/parallels`, { text: T3 }),
    },
    {
      door: 'DELETE /api/texts/:slug/parallels/:other',
      what: "unpair the group text from olive's public text (paired by the door above)",
      expect: expect_({ olive: 204, mona: 403 }, 404),
      run: (c) => c.delete(`/api/texts/${T2}/parallels/${T1}`),
    },
    {
      door: 'POST /api/texts/:slug/versions',
      what: 'add a version to the group text',
      expect: expect_({ olive: 201, mona: 403 }, 404), // mona is a plain member of closed-circle
      run: (c) => c.post(`/api/texts/${T2}/versions`, { format: 'prosemirror', content: segmentedDoc(`${textContent} Revised.`) }),
    },
    {
      door: 'POST /api/texts/:slug/versions',
      what: "add a version to olive's public text",
      expect: expect_({ olive: 201 }, 403),
      run: (c) => c.post(`/api/texts/${T1}/versions`, { format: 'prosemirror', content: segmentedDoc(`${textContent} Revised.`) }),
    },
    {
      door: 'POST /api/texts/:slug/versions',
      what: "add a version to trent's private text",
      expect: expect_({ trent: 201 }, 404),
      run: (c) => c.post(`/api/texts/${T3}/versions`, { format: 'markdown', content: `${textContent} Revised.` }),
    },
    {
      door: 'POST /api/texts',
      what: 'create a text of closed-circle',
      expect: expect_({ olive: 201, mona: 403 }, 404),
      run: (c) => c.post('/api/texts', { title: 'Group text', format: 'markdown', language: 'en', content: 'Words.', visibility: 'group', group: 'closed-circle' }),
    },
    {
      door: 'POST /api/texts',
      what: 'create a text of open-circle',
      expect: expect_(closedMembersCan(201), 403),
      run: (c) => c.post('/api/texts', { title: 'Group text', format: 'markdown', language: 'en', content: 'Words.', visibility: 'group', group: 'open-circle' }),
    },
    {
      door: 'POST /api/texts/preview',
      what: 'preview a text: anyone signed in, and nothing is stored',
      expect: expect_({}, 200),
      run: (c) => c.post('/api/texts/preview', { title: 'A preview', format: 'markdown', content: '# A preview\n\nWords.' }),
    },
    {
      door: 'POST /api/texts',
      what: "create one's own text",
      expect: expect_({}, 201),
      run: (c) => c.post('/api/texts', { title: 'Own text', format: 'markdown', language: 'en', content: 'Words.' }),
    },
  );

  // --- groups: settings, joining, leaving ---
  cases.push(
    {
      door: 'POST /api/groups',
      what: 'create a group',
      expect: expect_({}, 201),
      run: (c, _s, p) => c.post('/api/groups', { slug: `g-${p}-${++fresh}`, name: 'G', visibility: 'private', joinPolicy: 'invite' }),
    },
    {
      door: 'PATCH /api/groups/:slug',
      what: 'change open-circle',
      expect: expect_({ olive: 200 }, 403),
      run: (c) => c.patch('/api/groups/open-circle', { description: 'Changed.' }),
    },
    {
      door: 'PATCH /api/groups/:slug',
      what: 'change closed-circle',
      expect: expect_({ olive: 200, mona: 403 }, 404),
      run: (c) => c.patch('/api/groups/closed-circle', { description: 'Changed.' }),
    },
    {
      door: 'PATCH /api/groups/:slug',
      what: 'federate open-circle',
      expect: expect_({ olive: 200 }, 403),
      run: (c) => c.patch('/api/groups/open-circle', { federated: true }),
      cleanup: async (c) => {
        await must(c.patch('/api/groups/open-circle', { federated: false }), 200, 'stop federating');
      },
    },
    {
      door: 'PATCH /api/groups/:slug',
      what: 'federate closed-circle, a private group',
      expect: expect_({ olive: 409, mona: 403 }, 404),
      run: (c) => c.patch('/api/groups/closed-circle', { federated: true }),
    },
    {
      door: 'POST /api/groups/:slug/join',
      what: 'join open-circle',
      expect: expect_({}, 200),
      run: (c) => c.post('/api/groups/open-circle/join'),
      cleanup: async (c, p) => {
        if (['abel', 'boris', 'otto'].includes(p)) await must(c.post('/api/groups/open-circle/leave'), 204, 'leave again');
      },
    },
    {
      door: 'POST /api/groups/:slug/join',
      what: 'join closed-circle (invitation only; private, and banned boris no longer sees it)',
      expect: expect_(closedMembersCan(200), 404),
      run: (c) => c.post('/api/groups/closed-circle/join'),
    },
    {
      door: 'POST /api/groups/:slug/join',
      what: 'ask to join asking-circle',
      expect: expect_({}, 200),
      run: (c) => c.post('/api/groups/asking-circle/join'),
      cleanup: async (c, p, res) => {
        expect(res.body.state, p).toBe(p === 'olive' ? 'active' : 'pending');
        if (!['olive', 'abel'].includes(p)) await must(c.post('/api/groups/asking-circle/leave'), 204, 'withdraw');
      },
    },
    {
      door: 'POST /api/groups/:slug/leave',
      what: 'leave asking-circle',
      expect: expect_({ abel: 204 }, 409), // olive: last owner; the rest: not members
      run: (c) => c.post('/api/groups/asking-circle/leave'),
      cleanup: async (c, p) => {
        if (p === 'abel') await must(c.post('/api/groups/asking-circle/join'), 200, 'ask again');
      },
    },
    {
      door: 'POST /api/groups/:slug/leave',
      what: 'leave closed-circle',
      expect: expect_({ olive: 409, mona: 204 }, 404),
      run: (c) => c.post('/api/groups/closed-circle/leave'),
      cleanup: async (c, p) => {
        if (p !== 'mona') return;
        const inv = await must(as('olive').post('/api/groups/closed-circle/invitations', { maxUses: 1 }), 201, 'invite mona back');
        await must(c.post(`/api/invitations/${inv.token}/accept`), 200, 'mona comes back');
      },
    },
  );

  // --- members, roles, bans, invitations ---
  cases.push(
    {
      door: 'PATCH /api/groups/:slug/members/:handle',
      what: "set trent's role in open-circle",
      expect: expect_({ olive: 200 }, 403), // moderators cannot change roles
      run: (c) => c.patch('/api/groups/open-circle/members/trent', { role: 'member' }),
    },
    {
      door: 'PATCH /api/groups/:slug/members/:handle',
      what: "set mona's role in closed-circle",
      expect: expect_({ olive: 200, mona: 403 }, 404),
      run: (c) => c.patch('/api/groups/closed-circle/members/mona', { role: 'member' }),
    },
    {
      door: 'PATCH /api/groups/:slug/members/:handle',
      what: 'demote the last owner',
      expect: expect_({ olive: 409 }, 403),
      run: (c) => c.patch('/api/groups/open-circle/members/olive', { role: 'member' }),
    },
    {
      door: 'POST /api/groups/:slug/members/:handle/approve',
      what: 'admit a request to asking-circle',
      expect: expect_({ olive: 200 }, 403),
      setup: async () => {
        await extra.asker.post('/api/groups/asking-circle/leave');
        expect((await must(extra.asker.post('/api/groups/asking-circle/join'), 200, 'ask')).state).toBe('pending');
      },
      run: (c) => c.post('/api/groups/asking-circle/members/asker/approve'),
    },
    {
      door: 'POST /api/groups/:slug/members/:handle/approve',
      what: 'admit someone not pending',
      expect: expect_(closedMembersCan(409), 403),
      run: (c) => c.post('/api/groups/open-circle/members/trent/approve'),
    },
    {
      door: 'DELETE /api/groups/:slug/members/:handle',
      what: 'remove a member of open-circle',
      expect: expect_({ olive: 204 }, 403), // mona moderates, but only owners remove members
      setup: () => must(extra.member2.post('/api/groups/open-circle/join'), 200, 'member2 joins'),
      run: (c) => c.delete('/api/groups/open-circle/members/member2'),
    },
    {
      door: 'DELETE /api/groups/:slug/members/:handle',
      what: 'decline a request to asking-circle',
      expect: expect_({ olive: 204 }, 403),
      setup: async () => {
        await extra.asker.post('/api/groups/asking-circle/leave');
        await must(extra.asker.post('/api/groups/asking-circle/join'), 200, 'ask');
      },
      run: (c) => c.delete('/api/groups/asking-circle/members/asker'),
    },
    {
      door: 'DELETE /api/groups/:slug/members/:handle',
      what: 'remove the banned boris (lift the ban instead)',
      expect: expect_({ olive: 409, mona: 403 }, 404),
      run: (c) => c.delete('/api/groups/closed-circle/members/boris'),
    },
    {
      door: 'DELETE /api/groups/:slug/members/:handle',
      what: 'remove the last owner',
      expect: expect_({ olive: 409 }, 403),
      run: (c) => c.delete('/api/groups/open-circle/members/olive'),
    },
    {
      door: 'POST /api/groups/:slug/members/:handle/ban',
      what: 'ban a member of open-circle',
      expect: expect_({ olive: 204 }, 403),
      setup: async () => {
        await as('olive').delete('/api/groups/open-circle/members/victim/ban');
        await must(extra.victim.post('/api/groups/open-circle/join'), 200, 'victim joins');
      },
      run: (c) => c.post('/api/groups/open-circle/members/victim/ban', { reason: 'Because.' }),
    },
    {
      door: 'POST /api/groups/:slug/members/:handle/ban',
      what: 'ban someone from closed-circle',
      expect: expect_({ olive: 204, mona: 403 }, 404),
      setup: () => as('olive').delete('/api/groups/closed-circle/members/victim/ban'),
      run: (c) => c.post('/api/groups/closed-circle/members/victim/ban', {}),
    },
    {
      door: 'POST /api/groups/:slug/members/:handle/ban',
      what: 'ban oneself',
      expect: expect_({ olive: 409 }, 403),
      run: (c) => c.post('/api/groups/open-circle/members/olive/ban', {}),
    },
    {
      door: 'DELETE /api/groups/:slug/members/:handle/ban',
      what: 'lift the ban on boris',
      expect: expect_({ olive: 204, mona: 403 }, 404),
      setup: () => must(as('olive').post('/api/groups/closed-circle/members/boris/ban', {}), 204, 'ban boris'),
      run: (c) => c.delete('/api/groups/closed-circle/members/boris/ban'),
      cleanup: async () => {
        await must(as('olive').post('/api/groups/closed-circle/members/boris/ban', {}), 204, 'ban boris again');
      },
    },
    {
      door: 'POST /api/groups/:slug/invitations',
      what: 'invite to open-circle',
      expect: expect_(closedMembersCan(201), 403),
      run: (c) => c.post('/api/groups/open-circle/invitations', {}),
    },
    {
      door: 'POST /api/groups/:slug/invitations',
      what: 'invite to closed-circle',
      expect: expect_({ olive: 201, mona: 403 }, 404),
      run: (c) => c.post('/api/groups/closed-circle/invitations', {}),
    },
    {
      door: 'POST /api/groups/:slug/following',
      what: 'follow a group elsewhere as open-circle (which does not federate)',
      expect: expect_({ olive: 409 }, 403),
      run: (c) => c.post('/api/groups/open-circle/following', { actor: 'avot-circle@daf.example.org' }),
    },
    {
      door: 'POST /api/groups/:slug/following',
      what: 'follow a group elsewhere as closed-circle',
      expect: expect_({ olive: 409, mona: 403 }, 404),
      run: (c) => c.post('/api/groups/closed-circle/following', { actor: 'avot-circle@daf.example.org' }),
    },
    {
      door: 'DELETE /api/groups/:slug/following',
      what: 'stop following, as open-circle, a group it does not follow',
      expect: expect_({ olive: 404 }, 403),
      run: (c) => c.delete('/api/groups/open-circle/following?actor=https%3A%2F%2Fdaf.example.org%2Fap%2Factors%2Fgroup.x'),
    },
    {
      door: 'DELETE /api/groups/:slug/following',
      what: 'stop following as closed-circle',
      expect: expect_({ olive: 404, mona: 403 }, 404),
      run: (c) => c.delete('/api/groups/closed-circle/following?actor=https%3A%2F%2Fdaf.example.org%2Fap%2Factors%2Fgroup.x'),
    },
    {
      door: 'DELETE /api/groups/:slug/invitations/:id',
      what: 'revoke an invitation to open-circle',
      expect: expect_(closedMembersCan(204), 403),
      setup: async () => (await must(as('olive').post('/api/groups/open-circle/invitations', {}), 201, 'invite')).id,
      run: (c, id) => c.delete(`/api/groups/open-circle/invitations/${id}`),
    },
    {
      door: 'DELETE /api/groups/:slug/invitations/:id',
      what: "revoke closed-circle's invitation through open-circle",
      expect: expect_(closedMembersCan(404), 403),
      setup: async () => (await must(as('olive').post('/api/groups/closed-circle/invitations', {}), 201, 'invite')).id,
      run: (c, id) => c.delete(`/api/groups/open-circle/invitations/${id}`),
    },
    {
      door: 'POST /api/invitations/:token/accept',
      what: 'accept an invitation to closed-circle',
      expect: expect_({ boris: 403 }, 200), // members stay what they are; boris stays out
      setup: async () => (await must(as('olive').post('/api/groups/closed-circle/invitations', { maxUses: 1 }), 201, 'invite')).token,
      run: (c, token) => c.post(`/api/invitations/${token}/accept`),
      cleanup: async (c, p) => {
        if (!['olive', 'mona'].includes(p)) await must(c.post('/api/groups/closed-circle/leave'), 204, 'leave again');
      },
    },
    {
      door: 'POST /api/invitations/:token/accept',
      what: 'accept an unknown invitation',
      expect: expect_({}, 404),
      run: (c) => c.post('/api/invitations/inv_nothing/accept'),
    },
  );

  // --- accounts ---
  cases.push(
    {
      door: 'POST /api/auth/signup',
      what: 'sign up',
      expect: expect_({}, 201, 201),
      ownClient: true,
      run: async (c, _s, p) => {
        const other = new TestClient(w.t.app);
        for (const [k, v] of c.cookies) other.cookies.set(k, v);
        return other.post('/api/auth/signup', { handle: `new-${p}-${++fresh}`, password: 'correct horse battery' });
      },
    },
    {
      door: 'POST /api/auth/login',
      what: 'log in as oneself',
      expect: expect_({}, 200, 401),
      ownClient: true,
      run: async (_c, _s, p) => {
        const own = new TestClient(w.t.app);
        const res = await own.post('/api/auth/login', { handle: p, password: 'correct horse battery' });
        if (res.status === 200) secondSessions.set(p, own);
        return res;
      },
    },
    {
      door: 'POST /api/auth/logout',
      what: 'log out (of a second session)',
      expect: expect_({}, 204, 204),
      ownClient: true,
      setup: async (p) => secondSessions.get(p) ?? (await ownSession(p)), // from the log-in above
      run: (_c, own: TestClient) => own.post('/api/auth/logout'),
    },
    {
      door: 'POST /api/tokens',
      what: 'create a token',
      expect: expect_({}, 201),
      run: (c) => c.post('/api/tokens', { name: 'script' }),
    },
    {
      door: 'DELETE /api/tokens/:id',
      what: "revoke olive's token",
      expect: expect_({ olive: 204 }, 404),
      setup: async () => (await must(as('olive').post('/api/tokens', { name: 'script' }), 201, 'token')).id,
      run: (c, id) => c.delete(`/api/tokens/${id}`),
    },
    {
      door: 'DELETE /api/sessions/:id',
      what: "end olive's second session",
      expect: expect_({ olive: 204 }, 404),
      setup: async () => {
        const second = await ownSession('olive');
        const listed = await must(second.get('/api/sessions'), 200, 'sessions');
        return listed.sessions.find((x: { current: boolean }) => x.current).id;
      },
      run: (c, id) => c.delete(`/api/sessions/${id}`),
    },
    {
      door: 'POST /api/auth/verify-email',
      what: 'confirm an e-mail address with a link that is not one',
      expect: expect_({}, 422, 422),
      run: (c) => c.post('/api/auth/verify-email', { token: 'not-a-link' }),
    },
    {
      door: 'POST /api/auth/reset-request',
      what: 'ask for a password-reset link for an address no account has (the answer any address gets)',
      expect: expect_({}, 202, 202),
      run: (c) => c.post('/api/auth/reset-request', { email: 'nobody@example.org' }),
    },
    {
      door: 'POST /api/auth/reset',
      what: 'set a password with a reset link that is not one',
      expect: expect_({}, 422, 422),
      run: (c) => c.post('/api/auth/reset', { token: 'not-a-link', password: 'a new password' }),
    },
    {
      door: 'POST /api/unsubscribe/:token',
      what: 'unsubscribe from digests with a link that is not one (the door reads no credential: the same for everyone, any token too)',
      expect: expect_({}, 422, 422),
      run: (c) => c.post('/api/unsubscribe/not-a-link'),
    },
    {
      door: 'PATCH /api/me',
      what: 'turn daily digests on where mail is off (the world has no SMTP server)',
      expect: expect_({}, 409),
      run: (c) => c.patch('/api/me', { digest: 'daily' }),
    },
    {
      door: 'DELETE /api/me',
      what: 'delete one’s account (a new account of one’s own, with its password)',
      expect: expect_({}, 200),
      ownClient: true,
      setup: async (p) => (p === 'visitor' ? new TestClient(w.t.app) : w.t.signup(`gone-${p}-${++fresh}`)),
      run: (_c, own: TestClient) => own.request('DELETE', '/api/me', { password: 'correct horse battery' }),
    },
    {
      door: 'POST /api/texts/:slug/read',
      what: `mark ${T2} read`,
      expect: expect_({ olive: 200, mona: 200 }, 404),
      run: (c) => c.post(`/api/texts/${T2}/read`),
    },
    {
      door: 'POST /api/notifications/read',
      what: 'mark one’s notifications read',
      expect: expect_({}, 200),
      run: (c) => c.post('/api/notifications/read', { all: true }),
    },
    {
      door: 'PATCH /api/me',
      what: 'rename oneself (to the name one has)',
      expect: expect_({}, 200),
      run: (c, _s, p) => c.patch('/api/me', { displayName: p }),
    },
    // These two end sessions, the world's own among them: its client logs in again after each.
    {
      door: 'POST /api/me/password',
      what: 'change one’s password (to the same one), which ends one’s other sessions',
      expect: expect_({}, 200),
      ownClient: true,
      setup: (p) => ownSession(p),
      run: (_c, own: TestClient) => own.post('/api/me/password', { current: 'correct horse battery', password: 'correct horse battery' }),
      cleanup: (c, p) => logInAgain(c, p),
    },
    {
      door: 'POST /api/auth/logout-everywhere',
      what: 'sign out everywhere',
      expect: expect_({}, 200),
      ownClient: true,
      setup: (p) => ownSession(p),
      run: (_c, own: TestClient) => own.post('/api/auth/logout-everywhere'),
      cleanup: (c, p) => logInAgain(c, p),
    },
  );

  // --- reading plans (the world's texts keep their segments: the versions above are in segments too) ---
  const pace = (text: string) => ({ text, schedule: { kind: 'pace', segments: 2, every: 'week', start: '2026-12-10' } });
  const planAgain = (slug: string, text: string) => () => must(as('olive').put(`/api/groups/${slug}/plan`, pace(text)), 200, `plan of ${slug} again`);
  cases.push(
    {
      door: 'PUT /api/groups/:slug/plan',
      what: "set open-circle's plan",
      expect: expect_(each(200, 'olive', 'mona'), 403),
      run: (c) => c.put('/api/groups/open-circle/plan', pace(T1)),
    },
    {
      door: 'PUT /api/groups/:slug/plan',
      what: "set closed-circle's plan on its own text",
      expect: expect_({ olive: 200, mona: 403 }, 404), // mona is a plain member there
      run: (c) => c.put('/api/groups/closed-circle/plan', pace(T2)),
    },
    {
      door: 'PUT /api/groups/:slug/plan',
      what: "set open-circle's plan on closed-circle's text",
      expect: expect_(each(409, 'olive', 'mona'), 403), // they read it, but open-circle's members do not
      run: (c) => c.put('/api/groups/open-circle/plan', pace(T2)),
    },
    {
      door: 'PUT /api/groups/:slug/plan',
      what: "set open-circle's plan on a passage the text lacks",
      expect: expect_(each(422, 'olive', 'mona'), 403),
      run: (c) => c.put('/api/groups/open-circle/plan', { text: T1, schedule: { kind: 'dates', passages: [{ from: '9:9', date: '2026-12-10' }] } }),
    },
    {
      door: 'DELETE /api/groups/:slug/plan',
      what: "remove open-circle's plan",
      expect: expect_(each(204, 'olive', 'mona'), 403),
      setup: planAgain('open-circle', T1),
      run: (c) => c.delete('/api/groups/open-circle/plan'),
    },
    {
      door: 'DELETE /api/groups/:slug/plan',
      what: "remove closed-circle's plan",
      expect: expect_({ olive: 204, mona: 403 }, 404),
      setup: planAgain('closed-circle', T2),
      run: (c) => c.delete('/api/groups/closed-circle/plan'),
    },
  );

  // --- federation's inboxes (docs/federation.md §2): no session or token counts there. A body
  // over 256 KiB is refused before anything reads it (413), an actor that does not exist has no
  // inbox (404), and an unsigned activity is refused (401, Fedify's own answer: plain text, not
  // the JSON error shape). None of it stores anything.
  const activity = { 'content-type': 'application/activity+json' };
  const unsigned = (to: string) =>
    JSON.stringify({ '@context': 'https://www.w3.org/ns/activitystreams', type: 'Follow', id: 'http://elsewhere.example/follows/1', actor: 'http://elsewhere.example/users/mallory', object: `${testOrigin}${to}` });
  for (const [door, inbox, what, status] of [
    ['POST /ap/inbox', '/ap/inbox', 'the shared inbox', 401],
    ['POST /ap/actors/:identifier/inbox', '/ap/actors/user.olive/inbox', "olive's inbox", 401],
    ['POST /ap/actors/:identifier/inbox', '/ap/actors/app.daf/inbox', "the server's inbox", 401],
    ['POST /ap/actors/:identifier/inbox', '/ap/actors/group.asking-circle/inbox', 'the inbox of a group that does not federate', 404],
    ['POST /ap/actors/:identifier/inbox', '/ap/actors/group.closed-circle/inbox', 'the inbox of a private group', 404],
  ] as const) {
    cases.push({
      door,
      what: `post an unsigned Follow to ${what}`,
      expect: expect_({}, status, status),
      run: (c) => c.post(inbox, unsigned('/ap/actors/user.olive'), activity),
    });
    cases.push({
      door,
      what: `post a body over 256 KiB to ${what}`,
      expect: expect_({}, 413, 413),
      run: (c) => c.post(inbox, JSON.stringify({ ...JSON.parse(unsigned('/ap/actors/user.olive')), padding: 'x'.repeat(256 * 1024) }), activity),
    });
  }

  const writeDoors = new Set(cases.map((c) => c.door));

  const t = useTestApp({ options: { federation: true } });
  beforeAll(async () => {
    w = await buildWorld(t);
    for (const handle of ['asker', 'member2', 'victim']) extra[handle] = await w.t.signup(handle);
    // What any server's first moments make once, so the inboxes' refusals below change nothing:
    // the keys of the actors whose inboxes are posted to, made the first time an actor is asked
    // for. (The contexts an activity names are read from memory, never stored: a refusal stores
    // nothing however long since the last.)
    for (const identifier of ['user.olive', 'app.daf']) await must(w.t.visitor().get(`/ap/actors/${identifier}`, { accept: 'application/activity+json' }), 200, identifier);
  }, 180_000);

  it.each(cases.map((c) => [`${c.door} — ${c.what}`, c] as const))('%s', async (_, wc) => {
    const problems: string[] = [];
    for (const p of people) {
      const s = wc.setup ? await wc.setup(p) : undefined;
      const expected = wc.expect[p];
      const before = expected >= 400 ? await snapshot(w.t) : null;
      const res = await wc.run(w.clients[p], s, p);
      if (res.status !== expected) {
        problems.push(`${p}: ${res.status}, expected ${expected} (${res.text.slice(0, 160)})`);
        continue;
      }
      if (expected >= 400) {
        if (res.body?.error?.code === undefined) problems.push(`${p}: ${expected} without the JSON error shape`);
        const diff = snapshotDiff(before!, await snapshot(w.t));
        if (diff.length) problems.push(`${p}: refused with ${expected} but changed ${diff.join('; ')}`);
      } else if (wc.cleanup) {
        await wc.cleanup(w.clients[p], p, res);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(cases.filter((c) => !c.ownClient).map((c) => [`${c.door} — ${c.what}`, c] as const))('with an embed token: %s', async (_, wc) => {
    const problems: string[] = [];
    const [method, route] = wc.door.split(' ');
    for (const p of people.filter((x) => x !== 'visitor')) {
      const c = (embedClients[p] ??= await embedClient(w, p));
      const s = wc.setup ? await wc.setup(p) : undefined;
      // A door the token may use answers as the session would (or as `embed` says); any other is
      // closed. Only the API and the W3C containers read a token: other doors answer as to anyone.
      const open = !/^\/(api|annotations)\//.test(route) || embedMayUse(method, route.replace(/:[a-z]+/g, '1'), null);
      const expected = open ? (wc.embed?.[p] ?? wc.expect[p]) : 403;
      const before = expected >= 400 ? await snapshot(w.t) : null;
      const res = await wc.run(c, s, p);
      if (res.status !== expected) {
        problems.push(`${p}: ${res.status}, expected ${expected} (${res.text.slice(0, 160)})`);
        continue;
      }
      if (expected >= 400) {
        if (!open && res.body?.error?.code !== 'insufficient_scope') problems.push(`${p}: ${res.body?.error?.code}, expected insufficient_scope`);
        const diff = snapshotDiff(before!, await snapshot(w.t));
        if (diff.length) problems.push(`${p}: refused with ${expected} but changed ${diff.join('; ')}`);
      } else if (wc.cleanup) {
        await wc.cleanup(c, p, res);
      }
    }
    expect(problems).toEqual([]);
  });

  it('covers every route the app registers, and every door Fedify answers behind it', () => {
    const covered = new Set([...readDoors, ...writeDoors]);
    // Fedify's doors are behind the app's handlers of whole prefixes (`ALL /ap/*` and the like),
    // so they are listed as its router was given them (test-app.ts).
    const routes = [...new Set([...w.t.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`), ...w.t.federationDoors])];
    expect(routes.length).toBeGreaterThan(50);
    expect(w.t.federationDoors).toContain('GET /ap/actors/:identifier/followers');
    expect(routes.filter((r) => !covered.has(r))).toEqual([]);
    // And the matrix names no door the app does not have.
    expect([...covered].filter((d) => !routes.includes(d))).toEqual([]);
  });
});
