/**
 * Property-based robustness tests of the write endpoints of reading groups and moderation:
 * groups and their settings, joining and leaving, roles, approving, removing and banning
 * members, invitations, moderating and flagging glosses and replies, and the group fields of
 * texts and layers. Random and malformed payloads (the fuzz kit's: wrong types, strings at and
 * past their limits, deep nesting, not JSON, not UTF-8, wrong content types) and random path
 * segments, sent by every kind of person a group has — its owner, a moderator, a member, a
 * pending applicant, someone banned, an outsider, a visitor — and with a missing or foreign
 * Origin or a bad bearer token.
 *
 * For every request: never a 500 (and nothing logged as one); every 4xx is the JSON error shape
 * with a snake_case code; and a refused request writes nothing — a digest of every table,
 * groups, memberships, invitations, flags and the audit log included, is the same before and
 * after it. Every endpoint must see a success and a refusal: each works on groups of its own,
 * set up alike, so that what one test changes (who is a member, who is banned) does not starve
 * another; posts to moderate are picked afresh in their current state ($PENDING_GLOSS…).
 *
 * Seeds are fixed so a failure reproduces; fast-check prints the counterexample.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect } from 'vitest';
import {
  cookieOf,
  createFuzzKit,
  field,
  json,
  nastyString,
  obj,
  segment,
  sized,
  snapshotTables,
  text,
  wrongType,
  type Body,
  type Req,
} from '../helpers/fuzz-kit.ts';
import { tableRows, type TableRows } from '../helpers/db-snapshot.ts';
import { useTestApp, testOrigin, type TestClient, type TestResponse } from '../helpers/test-app.ts';

const seed = 0x0daf_6209;
const numRuns = 60;

// ---------------------------------------------------------------------------------------------
// The people

/**
 * In every group set up here: ada owns it, mona moderates it, mem is a member, penny has asked
 * to join and waits, boris is banned; otto is signed in but in no group; the visitor has no
 * account. `bearer` is mona's API token; `no-origin`, `foreign-origin` carry ada's cookie.
 */
type Person = 'owner' | 'moderator' | 'member' | 'pending' | 'banned' | 'outsider';
type Who = Person | 'visitor' | 'no-origin' | 'foreign-origin' | 'bad-bearer' | 'bearer';
const persons: Person[] = ['owner', 'moderator', 'member', 'pending', 'banned', 'outsider'];
const strangers: Who[] = ['visitor', 'no-origin', 'foreign-origin', 'bad-bearer', 'bearer'];

/** Mostly the people an endpoint is for, often the other people, sometimes no one proper. */
function whoOf(...usual: Who[]): fc.Arbitrary<Who> {
  const others = persons.filter((p) => !usual.includes(p));
  const options: fc.WeightedArbitrary<Who>[] = [{ weight: 8, arbitrary: fc.constantFrom(...usual) }];
  if (others.length) options.push({ weight: 4, arbitrary: fc.constantFrom(...others) });
  options.push({ weight: 2, arbitrary: fc.constantFrom(...strangers) });
  return fc.oneof(...options);
}

const t = useTestApp();
const clients = {} as Record<Person, TestClient>;
/** Further people, who are only ever the subjects of requests (handles in paths). */
const extras: Record<string, TestClient> = {};
let monaToken: string;

// ---------------------------------------------------------------------------------------------
// The snapshot

/** Per table: row count, last row id, and a digest of the columns writes change. */
const digestSql: Record<string, string> = {
  text: `group_concat(id || ':' || current_version || ':' || visibility || ':' || title || ':' || coalesce(group_id, '-'), ',')`,
  text_version: `sum(length(doc)) || ':' || sum(length(projection))`,
  layer: `group_concat(id || ':' || name || ':' || description || ':' || color || ':' || visibility || ':' || write_policy || ':' || reply_policy || ':' || coalesce(group_id, '-'), ',')`,
  gloss: `group_concat(id || ':' || status || ':' || body_revision || ':' || motivation || ':' || updated_at || ':' || length(body_doc) || ':' || coalesce(moderation_note, '-') || ':' || coalesce(hidden_with, '-'), ',')`,
  anchor: `group_concat(gloss_id || ':' || version || ':' || coalesce(start, '-') || ':' || coalesce("end", '-') || ':' || status, ',')`,
  reply: `group_concat(id || ':' || status || ':' || updated_at || ':' || length(body_doc) || ':' || coalesce(moderation_note, '-') || ':' || coalesce(hidden_with, '-'), ',')`,
  event: `''`,
  search_index: `sum(length(body))`,
  user: `group_concat(id || ':' || handle_key, ',')`,
  session: `''`,
  api_token: `group_concat(id || ':' || name, ',')`,
  reading_group: `group_concat(id || ':' || slug || ':' || name || ':' || description || ':' || visibility || ':' || join_policy || ':' || premoderation || ':' || trust_after, ',')`,
  membership: `group_concat(group_id || ':' || user_id || ':' || role || ':' || state || ':' || approved_posts, ',')`,
  invitation: `group_concat(id || ':' || group_id || ':' || uses || ':' || coalesce(max_uses, '-') || ':' || expires_at || ':' || coalesce(revoked_at, '-'), ',')`,
  flag: `group_concat(id || ':' || kind || ':' || item_id || ':' || coalesce(group_id, '-') || ':' || flagger_id || ':' || coalesce(resolved_at, '-'), ',')`,
  audit_log: `group_concat(id || ':' || group_id || ':' || action || ':' || coalesce(subject_id, '-') || ':' || coalesce(item_id, '-'), ',')`,
};

/** On SQLite the digests above; on PostgreSQL every row of every table (db-snapshot.ts). */
function snapshot(): Record<string, unknown> | Promise<TableRows> {
  return t.database.dialect === 'sqlite' ? snapshotTables(t.database.sqlite, digestSql) : tableRows(t.database);
}

const { ids, dynamic, fillText, bodyArb, encode, fuzz, example } = createFuzzKit<Who>({
  seed,
  numRuns,
  who: whoOf(...persons),
  exampleWho: 'owner',
  send,
  snapshot,
  errors: () => t.errors,
});

async function send(req: Req<Who>) {
  const h = new Headers();
  for (const [k, v] of Object.entries(req.headers ?? {})) h.set(k, fillText(v));
  if (req.contentType !== null) h.set('content-type', req.contentType);
  switch (req.who) {
    case 'visitor':
      break;
    case 'no-origin':
      h.set('cookie', cookieOf(clients.owner));
      break;
    case 'foreign-origin':
      h.set('cookie', cookieOf(clients.owner));
      h.set('origin', 'https://evil.example');
      break;
    case 'bad-bearer':
      h.set('authorization', 'Bearer daf_not-a-token');
      break;
    case 'bearer':
      h.set('authorization', `Bearer ${monaToken}`);
      break;
    default:
      h.set('cookie', cookieOf(clients[req.who]));
      h.set('origin', testOrigin);
  }
  const res = await t.app.request(`${testOrigin}${fillText(req.path)}`, { method: req.method, headers: h, body: encode(req.body) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

// ---------------------------------------------------------------------------------------------
// The world

const clubText =
  'The reading group opened the book at the first page. The river runs to the sea, and the sea is never full. ' +
  'A word spoken in season is a good thing. The light of the morning comes slowly over the hills.';
const quotes = ['reading group', 'river runs', 'the sea', 'never full', 'A word spoken', 'in season', 'good thing', 'light of the morning', 'over the hills', 'first page'];

/** Expects a status, saying what came back otherwise. */
function ok(res: TestResponse, status: number, what: string): TestResponse {
  expect(res.status, `${what}: ${res.status} ${res.text.slice(0, 300)}`).toBe(status);
  return res;
}

async function signup(handle: string): Promise<TestClient> {
  return t.signup(handle);
}

/**
 * A group with the usual cast: ada owns it, mona moderates, mem, m1, m2 and m3 are members,
 * penny, pen2, pen3 and pen4 wait for approval, boris, b2 and b3 are banned. It is built open
 * to requests, then given its `final` settings.
 */
async function castGroup(slug: string, final: { visibility: 'public' | 'private'; joinPolicy: 'open' | 'approval' | 'invite'; premoderation?: boolean; trustAfter?: number }) {
  const ada = clients.owner;
  ok(await ada.post('/api/groups', { slug, name: `Group ${slug}`, visibility: 'public', joinPolicy: 'approval' }), 201, `create ${slug}`);
  const members: [string, TestClient][] = [['mona', clients.moderator], ['mem', clients.member], ['m1', extras.m1], ['m2', extras.m2], ['m3', extras.m3]];
  for (const [handle, c] of members) {
    ok(await c.post(`/api/groups/${slug}/join`), 200, `${handle} joins ${slug}`);
    ok(await ada.post(`/api/groups/${slug}/members/${handle}/approve`), 200, `approve ${handle} in ${slug}`);
  }
  ok(await ada.patch(`/api/groups/${slug}/members/mona`, { role: 'moderator' }), 200, `mona moderates ${slug}`);
  for (const [handle, c] of [['penny', clients.pending], ['pen2', extras.pen2], ['pen3', extras.pen3], ['pen4', extras.pen4]] as const) {
    ok(await c.post(`/api/groups/${slug}/join`), 200, `${handle} asks to join ${slug}`);
  }
  for (const handle of ['boris', 'b2', 'b3']) ok(await ada.post(`/api/groups/${slug}/members/${handle}/ban`, {}), 204, `ban ${handle} from ${slug}`);
  ok(await ada.patch(`/api/groups/${slug}`, final), 200, `settings of ${slug}`);
}

async function gloss(c: TestClient, text: string, layer: string, target: Record<string, unknown>, markdown: string): Promise<number> {
  return ok(await c.post(`/api/texts/${text}/layers/${layer}/glosses`, { target, body: { markdown } }), 201, `gloss in ${layer}`).body.id;
}

async function reply(c: TestClient, glossId: number, markdown: string, parent?: number): Promise<number> {
  return ok(await c.post(`/api/glosses/${glossId}/replies`, { body: { markdown }, ...(parent ? { parent } : {}) }), 201, `reply on ${glossId}`).body.id;
}

async function invitation(c: TestClient, group: string, input: Record<string, unknown> = {}): Promise<{ id: number; token: string }> {
  return ok(await c.post(`/api/groups/${group}/invitations`, input), 201, `invitation to ${group}`).body;
}

/** The club's glosses and replies, in whatever state the tests have left them. */
const clubGlosses: number[] = [];
const clubReplies: number[] = [];

/** The first of the club's posts now in `status` (or `fallback` when none is). */
function firstIn(table: 'gloss' | 'reply', pool: number[], status: string, fallback: () => number) {
  return async () => {
    const row = await t.database.db
      .selectFrom(table)
      .select((eb) => eb.fn.min('id').as('id'))
      .where('status', '=', status as never)
      .where('id', 'in', pool)
      .executeTakeFirst();
    return row?.id ?? fallback();
  };
}

describe('fuzzing the write endpoints of reading groups and moderation', () => {
  beforeAll(async () => {
    clients.owner = await signup('ada');
    clients.moderator = await signup('mona');
    clients.member = await signup('mem');
    clients.pending = await signup('penny');
    clients.banned = await signup('boris');
    clients.outsider = await signup('otto');
    for (const handle of ['m1', 'm2', 'm3', 'pen2', 'pen3', 'pen4', 'b2', 'b3']) extras[handle] = await signup(handle);
    monaToken = ok(await clients.moderator.post('/api/tokens', { name: 'fuzz' }), 201, 'token').body.token;
    const ada = clients.owner;
    const mem = clients.member;

    // Groups of their own for the tests that change who belongs.
    const open = { visibility: 'public', joinPolicy: 'approval' } as const;
    const closed = { visibility: 'private', joinPolicy: 'invite' } as const;
    for (const slug of ['settings', 'leave-a', 'leave-b', 'roles', 'approvals', 'removals', 'bans', 'unbans', 'invites', 'revokes']) await castGroup(slug, open);
    for (const slug of ['settings-private', 'leave-private', 'roles-private', 'invites-private', 'accepts']) await castGroup(slug, closed);
    await castGroup('join-open', { visibility: 'public', joinPolicy: 'open' });
    await castGroup('join-approval', open);
    await castGroup('join-invite', { visibility: 'public', joinPolicy: 'invite' });
    await castGroup('join-private', { visibility: 'private', joinPolicy: 'approval' });
    await castGroup('secret', closed);
    // The moderated group: members' posts wait for a moderator (they never become trusted here).
    await castGroup('club', { visibility: 'public', joinPolicy: 'approval', premoderation: true, trustAfter: 1000 });

    // Invitations to revoke, and to accept.
    const revocable: number[] = [];
    for (let i = 0; i < 4; i++) revocable.push((await invitation(ada, 'revokes')).id);
    const revokedAlready = (await invitation(ada, 'revokes')).id;
    ok(await ada.delete(`/api/groups/revokes/invitations/${revokedAlready}`), 204, 'revoke');
    const elsewhere = (await invitation(ada, 'invites')).id;
    const tokOpen = await invitation(ada, 'accepts');
    const tokOnce = await invitation(clients.moderator, 'accepts', { maxUses: 1, expiresInHours: 2 });
    const tokRevoked = await invitation(ada, 'accepts');
    ok(await ada.delete(`/api/groups/accepts/invitations/${tokRevoked.id}`), 204, 'revoke');
    const tokExpired = await invitation(ada, 'accepts', { expiresInHours: 1 });
    await t.database.db.updateTable('invitation').set({ expires_at: '2000-01-01T00:00:00.000Z' }).where('id', '=', tokExpired.id).execute();

    // Texts and layers: the club's text with its layers, a private group's text, ada's own text.
    const addText = (slug: string, extra: Record<string, unknown>) => ada.post('/api/texts', { title: slug, slug, language: 'en', format: 'markdown', content: clubText, ...extra });
    ok(await addText('club-text', { group: 'club', visibility: 'group' }), 201, 'club text');
    ok(await addText('secret-text', { group: 'secret', visibility: 'group' }), 201, 'secret text');
    ok(await addText('ada-text', {}), 201, "ada's text");
    const layer = (text: string, input: Record<string, unknown>) => ada.post(`/api/texts/${text}/layers`, input);
    ok(await layer('club-text', { name: 'Discuss', slug: 'discuss', group: 'club', visibility: 'group', writePolicy: 'members', replyPolicy: 'members' }), 201, 'discuss');
    ok(await layer('club-text', { name: 'Notebook', slug: 'notebook', group: 'club', visibility: 'private' }), 201, 'notebook');
    ok(await layer('club-text', { name: 'Patch A', slug: 'patch-a', group: 'club', visibility: 'group' }), 201, 'patch-a');
    ok(await layer('club-text', { name: 'Patch B', slug: 'patch-b', group: 'club', visibility: 'group', writePolicy: 'moderators' }), 201, 'patch-b');
    ok(await layer('club-text', { name: 'Patch C', slug: 'patch-c', group: 'club', visibility: 'public', replyPolicy: 'nobody' }), 201, 'patch-c');
    ok(await layer('ada-text', { name: 'Ada notes', slug: 'ada-notes', visibility: 'public', writePolicy: 'signed_in' }), 201, 'ada-notes');
    // patch-b comments on patch-a: neither may open up, nor patch-a close further, alone.
    const onA = await gloss(ada, 'club-text', 'patch-a', { exact: 'the sea' }, 'A note in patch A.');
    await gloss(ada, 'club-text', 'patch-b', { exact: 'note', gloss: onA }, 'On the note in patch A.');

    // Posts to moderate: mem's wait (pending), ada's are published; some hidden, a parent with a
    // gloss on it, a tombstone, a notebook entry, and a post outside any group.
    const pendingGlosses: number[] = [];
    for (let i = 0; i < 8; i++) pendingGlosses.push(await gloss(mem, 'club-text', 'discuss', { exact: quotes[i % quotes.length] }, `Pending ${i}.`));
    const activeGlosses: number[] = [];
    for (let i = 0; i < 6; i++) activeGlosses.push(await gloss(ada, 'club-text', 'discuss', { exact: quotes[(i + 3) % quotes.length] }, `Published ${i}, a note.`));
    const hiddenGlosses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await gloss(ada, 'club-text', 'discuss', { exact: quotes[(i + 5) % quotes.length] }, `To hide ${i}.`);
      ok(await ada.post(`/api/glosses/${id}/hide`, { reason: 'Off topic.' }), 200, 'hide');
      hiddenGlosses.push(id);
    }
    const parent = await gloss(ada, 'club-text', 'discuss', { exact: 'the first page' }, 'A parent note with words to quote.');
    const child = await gloss(clients.moderator, 'club-text', 'discuss', { exact: 'words to quote', gloss: parent }, 'A child of the parent.');
    const grandchild = await gloss(mem, 'club-text', 'discuss', { exact: 'child', gloss: child }, 'A pending grandchild.');
    const tombstone = await gloss(ada, 'club-text', 'discuss', { exact: 'good thing' }, 'Soon deleted.');
    await reply(ada, tombstone, 'Keeps the tombstone.');
    ok(await ada.delete(`/api/glosses/${tombstone}`), 200, 'delete gloss');
    const notebook = await gloss(mem, 'club-text', 'notebook', { exact: 'the sea' }, "Mem's own notebook.");
    const personal = await gloss(ada, 'ada-text', 'ada-notes', { exact: 'the sea' }, 'Outside any group.');
    clubGlosses.push(...pendingGlosses, ...activeGlosses, ...hiddenGlosses, parent, child, grandchild, tombstone);

    const thread = activeGlosses[0];
    const pendingReplies: number[] = [];
    for (let i = 0; i < 8; i++) pendingReplies.push(await reply(mem, thread, `Pending reply ${i}.`));
    const activeReplies: number[] = [];
    for (let i = 0; i < 6; i++) activeReplies.push(await reply(ada, activeGlosses[1 + (i % 2)], `Published reply ${i}.`));
    const hiddenReplies: number[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await reply(clients.moderator, thread, `Reply to hide ${i}.`);
      ok(await ada.post(`/api/replies/${id}/hide`, { reason: 'Unkind.' }), 200, 'hide reply');
      hiddenReplies.push(id);
    }
    const deletedReply = await reply(ada, thread, 'Soon deleted.');
    await reply(ada, thread, 'Keeps the reply tombstone.', deletedReply);
    ok(await ada.delete(`/api/replies/${deletedReply}`), 200, 'delete reply');
    const personalReply = await reply(ada, personal, 'A reply outside any group.');
    clubReplies.push(...pendingReplies, ...activeReplies, ...hiddenReplies, deletedReply);

    Object.assign(ids, {
      INV_A: revocable[0],
      INV_B: revocable[1],
      INV_C: revocable[2],
      INV_D: revocable[3],
      INV_REVOKED: revokedAlready,
      INV_ELSEWHERE: elsewhere,
      TOK_OPEN: tokOpen.token,
      TOK_ONCE: tokOnce.token,
      TOK_REVOKED: tokRevoked.token,
      TOK_EXPIRED: tokExpired.token,
      PG_A: pendingGlosses[0],
      PG_B: pendingGlosses[1],
      AG_A: activeGlosses[0],
      AG_B: activeGlosses[1],
      HG_A: hiddenGlosses[0],
      HG_B: hiddenGlosses[1],
      PARENT: parent,
      CHILD: child,
      GRANDCHILD: grandchild,
      TOMBSTONE: tombstone,
      NOTEBOOK: notebook,
      PERSONAL: personal,
      PR_A: pendingReplies[0],
      PR_B: pendingReplies[1],
      AR_A: activeReplies[0],
      AR_B: activeReplies[1],
      HR_A: hiddenReplies[0],
      DELETED_REPLY: deletedReply,
      PERSONAL_REPLY: personalReply,
    });
    dynamic.PENDING_GLOSS = firstIn('gloss', clubGlosses, 'pending', () => pendingGlosses[0]);
    dynamic.ACTIVE_GLOSS = firstIn('gloss', clubGlosses, 'active', () => activeGlosses[0]);
    dynamic.HIDDEN_GLOSS = firstIn('gloss', clubGlosses, 'hidden', () => hiddenGlosses[0]);
    dynamic.PENDING_REPLY = firstIn('reply', clubReplies, 'pending', () => pendingReplies[0]);
    dynamic.ACTIVE_REPLY = firstIn('reply', clubReplies, 'active', () => activeReplies[0]);
    dynamic.HIDDEN_REPLY = firstIn('reply', clubReplies, 'hidden', () => hiddenReplies[0]);

    // The cast stands as described.
    const standing = async (group: string, handle: string) => {
      const row = await t.database.db
        .selectFrom('membership as m')
        .innerJoin('reading_group as g', 'g.id', 'm.group_id')
        .innerJoin('user as u', 'u.id', 'm.user_id')
        .select(['m.role', 'm.state'])
        .where('g.slug', '=', group)
        .where('u.handle', '=', handle)
        .executeTakeFirst();
      return row && `${row.role}:${row.state}`;
    };
    expect(await Promise.all(['ada', 'mona', 'mem', 'penny', 'boris', 'otto'].map((handle) => standing('club', handle)))).toEqual([
      'owner:active',
      'moderator:active',
      'member:active',
      'member:pending',
      'member:banned',
      undefined,
    ]);
    const statuses = await t.database.db
      .selectFrom('gloss')
      .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
      .where('id', 'in', clubGlosses)
      .groupBy('status')
      .orderBy('status')
      .execute();
    expect(statuses).toEqual([
      { status: 'active', n: 8 },
      { status: 'deleted', n: 1 },
      { status: 'hidden', n: 3 },
      { status: 'pending', n: 9 },
    ]);
    expect(t.errors).toEqual([]);
  });

  const placeholder = (names: string[]) => fc.constantFrom(...names.map((n) => `$${n}`));
  /** A string that is not blank after trimming. */
  const filled = nastyString.map((s) => `x${s}`);
  /** A request body an endpoint does not read: none, or anything at all. */
  const unread = fc.oneof(fc.constant<Body>({ kind: 'none' }), bodyArb({ valid: fc.constant({}), broken: fc.anything() }));
  /** A group's slug: usually one of `usual`, sometimes a group that does not exist, or junk. */
  const groupSlug = (...usual: string[]) =>
    fc.oneof({ weight: 10, arbitrary: fc.constantFrom(...usual) }, { weight: 1, arbitrary: fc.constantFrom('no-such-group', 'secret', 'club') }, { weight: 1, arbitrary: segment(usual[0]) });
  /** A handle in a path: usually one of `usual`, sometimes no one, sometimes not a handle at all. */
  const handle = (...usual: string[]) =>
    fc.oneof(
      { weight: 10, arbitrary: fc.constantFrom(...usual) },
      { weight: 1, arbitrary: fc.constantFrom('nobody', 'ADA', 'a', '.ada', 'a'.repeat(33), 'otto') },
      { weight: 1, arbitrary: segment(usual[0]) },
    );
  const reasonBody = (required: boolean) =>
    bodyArb({
      valid: fc.record({ reason: fc.oneof(filled, sized(1000).map((s) => s.slice(0, 1000))) }, { requiredKeys: required ? ['reason'] : [] }),
      broken: obj({ reason: field(fc.oneof(nastyString, sized(1000), fc.constantFrom('', '   '))) }),
    });
  const groupSettings = {
    name: field(fc.oneof(nastyString, sized(120), fc.constantFrom('A group', '   '))),
    description: field(fc.oneof(nastyString, sized(2000))),
    visibility: field(fc.constantFrom('public', 'private', 'group', 'secret')),
    joinPolicy: field(fc.constantFrom('open', 'approval', 'invite', 'closed')),
    premoderation: field(fc.oneof(fc.boolean(), fc.constantFrom(0, 1, 'true'))),
    trustAfter: field(fc.constantFrom(-1, 0, 3, 1000, 1001, 1.5, '3')),
  };

  // --- Groups -------------------------------------------------------------------------------

  fuzz(
    'POST /api/groups',
    {
      method: 'POST',
      path: fc.constant('/api/groups'),
      body: bodyArb({
        valid: fc.record(
          {
            slug: fc.oneof({ weight: 5, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/) }, { weight: 1, arbitrary: fc.constantFrom('club', 'secret', 'settings') }),
            name: filled,
            description: nastyString,
            visibility: fc.constantFrom('public', 'private'),
            joinPolicy: fc.constantFrom('open', 'approval', 'invite'),
            premoderation: fc.boolean(),
            trustAfter: fc.nat(1000),
          },
          { requiredKeys: ['slug', 'name', 'visibility', 'joinPolicy'] },
        ),
        broken: obj({ slug: field(fc.constantFrom('club', 'Club', '-x', 'a'.repeat(64), 'a'.repeat(65), '')), ...groupSettings }),
      }),
      who: whoOf(...persons),
    },
    [example('POST', '/api/groups', json({ slug: 'SECRET', name: 'x', visibility: 'public', joinPolicy: 'open' })), example('POST', '/api/groups', json({ slug: 'secret', name: 'x', visibility: 'public', joinPolicy: 'open' }), 'application/json', {}, 'outsider')],
  );

  fuzz(
    'PATCH /api/groups/:slug',
    {
      method: 'PATCH',
      path: groupSlug('settings', 'settings', 'settings-private').map((g) => `/api/groups/${g}`),
      body: bodyArb({
        valid: fc.record(
          {
            name: filled,
            description: nastyString,
            visibility: fc.constantFrom('public', 'private'),
            joinPolicy: fc.constantFrom('open', 'approval', 'invite'),
            premoderation: fc.boolean(),
            trustAfter: fc.nat(1000),
            federated: fc.boolean(),
          },
          { requiredKeys: [] },
        ),
        broken: obj({ ...groupSettings, federated: field(fc.oneof(fc.boolean(), fc.constantFrom(0, 1, 'true'))), slug: field(fc.constant('renamed')) }),
      }),
      who: whoOf('owner', 'moderator'),
    },
    // Nothing to change was a 500 (an UPDATE with no columns).
    [example('PATCH', '/api/groups/settings', json({})), example('PATCH', '/api/groups/settings', text('\ufeff{}'))],
  );

  fuzz(
    'POST /api/groups/:slug/join',
    {
      method: 'POST',
      path: groupSlug('join-open', 'join-approval', 'join-invite', 'join-private').map((g) => `/api/groups/${g}/join`),
      body: unread,
      who: whoOf('outsider', 'pending', 'banned', 'member'),
    },
    [example('POST', '/api/groups/join-private/join', { kind: 'none' }, null, {}, 'outsider'), example('POST', '/api/groups/join-invite/join', { kind: 'none' }, null, {}, 'outsider')],
  );

  fuzz(
    'POST /api/groups/:slug/leave',
    {
      method: 'POST',
      path: groupSlug('leave-a', 'leave-b', 'leave-private').map((g) => `/api/groups/${g}/leave`),
      body: unread,
      who: whoOf(...persons),
    },
    [example('POST', '/api/groups/leave-a/leave', { kind: 'none' }, null)],
  );

  // --- Members --------------------------------------------------------------------------------

  fuzz(
    'PATCH /api/groups/:slug/members/:handle',
    {
      method: 'PATCH',
      path: fc
        .tuple(groupSlug('roles', 'roles', 'roles-private'), handle('mem', 'm1', 'm2', 'mona', 'ada', 'penny', 'boris'))
        .map(([g, h]) => `/api/groups/${g}/members/${h}`),
      body: bodyArb({
        valid: fc.record({ role: fc.constantFrom('owner', 'moderator', 'member') }),
        broken: obj({ role: field(fc.constantFrom('owner', 'admin', 'Member', 'banned')) }),
      }),
      who: whoOf('owner', 'owner', 'moderator'),
    },
    [
      // The last owner may not step down.
      example('PATCH', '/api/groups/roles/members/ada', json({ role: 'member' })),
      example('PATCH', '/api/groups/roles/members/penny', json({ role: 'moderator' })),
    ],
  );

  fuzz('POST /api/groups/:slug/members/:handle/approve', {
    method: 'POST',
    path: fc
      .tuple(groupSlug('approvals'), handle('penny', 'pen2', 'pen3', 'pen4', 'mem', 'boris', 'otto'))
      .map(([g, h]) => `/api/groups/${g}/members/${h}/approve`),
    body: unread,
    who: whoOf('owner', 'moderator'),
  });

  fuzz(
    'DELETE /api/groups/:slug/members/:handle',
    {
      method: 'DELETE',
      path: fc
        .tuple(groupSlug('removals'), handle('mem', 'm1', 'm2', 'm3', 'penny', 'pen2', 'pen3', 'boris', 'ada', 'mona', 'otto'))
        .map(([g, h]) => `/api/groups/${g}/members/${h}`),
      body: unread,
      who: whoOf('owner', 'moderator'),
    },
    [example('DELETE', '/api/groups/removals/members/ada', { kind: 'none' }, null), example('DELETE', '/api/groups/removals/members/mem', { kind: 'none' }, null, {}, 'moderator')],
  );

  fuzz(
    'POST /api/groups/:slug/members/:handle/ban',
    {
      method: 'POST',
      path: fc
        .tuple(groupSlug('bans'), handle('mem', 'm1', 'm2', 'penny', 'pen2', 'otto', 'boris', 'ada', 'mona'))
        .map(([g, h]) => `/api/groups/${g}/members/${h}/ban`),
      body: reasonBody(false),
      who: whoOf('owner', 'owner', 'moderator'),
    },
    [example('POST', '/api/groups/bans/members/ada/ban', json({})), example('POST', '/api/groups/bans/members/mona/ban', json({ reason: ' '.repeat(10) }))],
  );

  fuzz('DELETE /api/groups/:slug/members/:handle/ban', {
    method: 'DELETE',
    path: fc.tuple(groupSlug('unbans'), handle('boris', 'b2', 'b3', 'mem', 'penny', 'otto', 'ada')).map(([g, h]) => `/api/groups/${g}/members/${h}/ban`),
    body: unread,
    who: whoOf('owner', 'owner', 'moderator'),
  });

  // --- Invitations ----------------------------------------------------------------------------

  fuzz('POST /api/groups/:slug/invitations', {
    method: 'POST',
    path: groupSlug('invites', 'invites-private').map((g) => `/api/groups/${g}/invitations`),
    body: bodyArb({
      valid: fc.record({ expiresInHours: fc.integer({ min: 1, max: 24 * 365 }), maxUses: fc.integer({ min: 1, max: 10_000 }) }, { requiredKeys: [] }),
      broken: obj({
        expiresInHours: field(fc.constantFrom(0, 1, 24 * 365, 24 * 365 + 1, -1, 1.5, 2 ** 53, '24')),
        maxUses: field(fc.constantFrom(0, 1, 10_000, 10_001, -1, 0.5, null)),
      }),
    }),
    who: whoOf('owner', 'moderator'),
  });

  fuzz(
    'DELETE /api/groups/:slug/invitations/:id',
    {
      method: 'DELETE',
      path: fc
        .tuple(
          groupSlug('revokes'),
          fc.oneof({ weight: 6, arbitrary: placeholder(['INV_A', 'INV_B', 'INV_C', 'INV_D', 'INV_REVOKED', 'INV_ELSEWHERE']) }, { weight: 1, arbitrary: segment('$INV_A') }),
        )
        .map(([g, id]) => `/api/groups/${g}/invitations/${id}`),
      body: unread,
      who: whoOf('owner', 'moderator'),
    },
    [example('DELETE', '/api/groups/invites/invitations/$INV_ELSEWHERE', { kind: 'none' }, null), example('DELETE', '/api/groups/revokes/invitations/$INV_ELSEWHERE', { kind: 'none' }, null)],
  );

  fuzz(
    'POST /api/invitations/:token/accept',
    {
      method: 'POST',
      path: fc
        .oneof(
          { weight: 8, arbitrary: placeholder(['TOK_OPEN', 'TOK_OPEN', 'TOK_ONCE', 'TOK_REVOKED', 'TOK_EXPIRED']) },
          { weight: 1, arbitrary: segment('$TOK_OPEN') },
          { weight: 1, arbitrary: fc.constantFrom('inv_', 'inv_' + 'A'.repeat(32), '$TOK_OPEN'.padEnd(300, 'x'), '$TOK_OPENx', '%24TOK_OPEN') },
        )
        .map((token) => `/api/invitations/${token}/accept`),
      body: unread,
      who: whoOf('outsider', 'pending', 'banned', 'member'),
    },
    [example('POST', '/api/invitations/$TOK_ONCE/accept', { kind: 'none' }, null, {}, 'banned')],
  );

  // --- Moderation -----------------------------------------------------------------------------

  const glossIds = (moving: string) =>
    fc.oneof(
      { weight: 5, arbitrary: fc.constant(`$${moving}`) },
      { weight: 4, arbitrary: placeholder(['PG_A', 'PG_B', 'AG_A', 'AG_B', 'HG_A', 'HG_B', 'PARENT', 'CHILD', 'GRANDCHILD', 'TOMBSTONE', 'NOTEBOOK', 'PERSONAL']) },
      { weight: 1, arbitrary: segment(`$${moving}`) },
    );
  const replyIds = (moving: string) =>
    fc.oneof(
      { weight: 5, arbitrary: fc.constant(`$${moving}`) },
      { weight: 4, arbitrary: placeholder(['PR_A', 'PR_B', 'AR_A', 'AR_B', 'HR_A', 'DELETED_REPLY', 'PERSONAL_REPLY', 'PG_A']) },
      { weight: 1, arbitrary: segment(`$${moving}`) },
    );

  for (const [kind, postId] of [
    ['glosses', glossIds],
    ['replies', replyIds],
  ] as const) {
    const moving = (state: string) => `${state}_${kind === 'glosses' ? 'GLOSS' : 'REPLY'}`;
    const first = kind === 'glosses' ? 'PARENT' : 'AR_A';
    fuzz(`POST /api/${kind}/:id/approve`, {
      method: 'POST',
      path: postId(moving('PENDING')).map((id) => `/api/${kind}/${id}/approve`),
      body: reasonBody(false),
      who: whoOf('owner', 'moderator', 'bearer'),
    });
    fuzz(
      `POST /api/${kind}/:id/hide`,
      {
        method: 'POST',
        path: postId(moving('ACTIVE')).map((id) => `/api/${kind}/${id}/hide`),
        body: reasonBody(true),
        who: whoOf('owner', 'moderator', 'bearer'),
      },
      // Hiding a gloss with glosses on it (one published, one pending beneath), then restoring it.
      [example('POST', `/api/${kind}/$${first}/hide`, json({ reason: 'Hidden by the fuzz.' }), 'application/json', {}, 'moderator')],
    );
    fuzz(
      `POST /api/${kind}/:id/restore`,
      {
        method: 'POST',
        path: postId(moving('HIDDEN')).map((id) => `/api/${kind}/${id}/restore`),
        body: reasonBody(false),
        who: whoOf('owner', 'moderator', 'bearer'),
      },
      [example('POST', `/api/${kind}/$${first}/restore`, json({}), 'application/json', {}, 'owner')],
    );
    fuzz(`POST /api/${kind}/:id/flag`, {
      method: 'POST',
      path: postId(moving('ACTIVE')).map((id) => `/api/${kind}/${id}/flag`),
      body: reasonBody(true),
      who: whoOf('member', 'moderator', 'owner', 'outsider'),
    });
  }

  // --- Texts and layers of groups ------------------------------------------------------------

  const groupField = fc.constantFrom('club', 'club', 'secret', 'settings', 'no-such-group');
  fuzz('POST /api/texts (group fields)', {
    method: 'POST',
    path: fc.constant('/api/texts'),
    body: bodyArb({
      valid: fc.record(
        {
          title: filled,
          slug: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/),
          language: fc.constantFrom('en', 'he'),
          format: fc.constantFrom('plain', 'markdown'),
          content: fc.oneof(fc.constant(clubText), filled),
          group: groupField,
          visibility: fc.constantFrom('public', 'group', 'private'),
        },
        { requiredKeys: ['title', 'language', 'format', 'content'] },
      ),
      broken: obj({
        title: field(filled),
        slug: field(fc.constantFrom('club-text', 'Club', 'a'.repeat(65))),
        language: field(fc.constantFrom('en', 'xx-not-a-lang!')),
        format: field(fc.constantFrom('plain', 'html')),
        content: field(fc.oneof(filled, wrongType)),
        group: field(fc.oneof(groupField, fc.constantFrom('Club', '', 'a'.repeat(65)))),
        visibility: field(fc.constantFrom('public', 'group', 'private', 'members')),
      }),
    }),
    who: whoOf('owner', 'moderator', 'member'),
  });

  const layerSettings = {
    name: filled,
    slug: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,8}$/),
    description: nastyString,
    color: fc.constantFrom('#aabbcc', '#ABCDEF'),
    visibility: fc.constantFrom('public', 'group', 'private'),
    writePolicy: fc.constantFrom('owner', 'signed_in', 'members', 'moderators'),
    replyPolicy: fc.constantFrom('signed_in', 'members', 'nobody'),
  };
  const brokenLayerSettings = {
    name: field(fc.oneof(nastyString, sized(120))),
    description: field(fc.oneof(nastyString, sized(2000))),
    color: field(fc.constantFrom('#aabbcc', 'red')),
    visibility: field(fc.constantFrom('public', 'group', 'private', 'members')),
    writePolicy: field(fc.constantFrom('owner', 'members', 'moderators', 'anyone')),
    replyPolicy: field(fc.constantFrom('signed_in', 'members', 'nobody', 'everyone')),
  };
  fuzz(
    'POST /api/texts/:slug/layers (group fields)',
    {
      method: 'POST',
      path: fc
        .oneof({ weight: 10, arbitrary: fc.constantFrom('club-text', 'club-text', 'ada-text', 'secret-text', 'no-such-text') }, { weight: 1, arbitrary: segment('club-text') })
        .map((s) => `/api/texts/${s}/layers`),
      body: bodyArb({
        valid: fc.record({ ...layerSettings, group: groupField }, { requiredKeys: ['name', 'visibility'] }),
        broken: obj({ ...brokenLayerSettings, slug: field(fc.constantFrom('discuss', 'NOTES', 'a'.repeat(65))), group: field(fc.oneof(groupField, fc.constantFrom('Club', ''))) }),
      }),
      who: whoOf('owner', 'moderator', 'member', 'outsider'),
    },
    [
      example('POST', '/api/texts/club-text/layers', json({ name: 'x', group: 'club', visibility: 'group', writePolicy: 'owner' })),
      example('POST', '/api/texts/ada-text/layers', json({ name: 'x', visibility: 'group' })),
      example('POST', '/api/texts/ada-text/layers', json({ name: 'x', visibility: 'public', replyPolicy: 'members' })),
      example('POST', '/api/texts/secret-text/layers', json({ name: 'x', group: 'club', visibility: 'group' }), 'application/json', {}, 'moderator'),
    ],
  );

  const { slug: _slug, ...changeable } = layerSettings;
  fuzz(
    'PATCH /api/texts/:slug/layers/:layer (group layers)',
    {
      method: 'PATCH',
      path: fc
        .tuple(segment('club-text'), fc.oneof({ weight: 10, arbitrary: fc.constantFrom('patch-a', 'patch-b', 'patch-c', 'patch-c') }, { weight: 1, arbitrary: segment('patch-c') }))
        .map(([s, l]) => `/api/texts/${s}/layers/${l}`),
      body: bodyArb({
        valid: fc.record(changeable, { requiredKeys: [] }),
        broken: obj({ ...brokenLayerSettings, group: field(groupField), slug: field(fc.constant('renamed')) }),
      }),
      who: whoOf('owner', 'owner', 'moderator'),
    },
    [
      // patch-b comments on patch-a: patch-a may not become a notebook, nor patch-b public.
      example('PATCH', '/api/texts/club-text/layers/patch-a', json({ visibility: 'private' })),
      example('PATCH', '/api/texts/club-text/layers/patch-b', json({ visibility: 'public' })),
      example('PATCH', '/api/texts/club-text/layers/patch-c', json({ writePolicy: 'signed_in' })),
    ],
  );
});
