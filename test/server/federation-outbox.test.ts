/**
 * A followed group's outbox, read when it accepts (docs/federation.md §7), is not signed: its
 * server speaks only for what it holds. A hostile server's group serves one good gloss and, beside
 * it, one forgery of each kind — a Note for another group, a Note, author, annotation, text or
 * Create on another server, an author speaking for someone else — and, past the pages read, one
 * more good gloss. Only the good gloss within reach comes in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accept, Create, Link, Note, PUBLIC_COLLECTION, type Activity } from '@fedify/fedify';
import { startServer, type RunningServer } from '../../server/main.ts';
import { newTestDatabase, testDialect } from '../helpers/test-database.ts';
import { answered as ok, Client } from '../helpers/sse-client.ts';
import { FediPeer, freePort } from '../helpers/fedi-peer.ts';
import { settleFederation } from '../helpers/fed-queue.ts';

const content = 'Joshua ben Perachiah said: Make for yourself a teacher, and acquire for yourself a friend.';
/** A server nobody runs: anything naming it must be refused before it is fetched. */
const nowhere = 'http://127.0.0.1:9';

describe(`a hostile followed group's outbox, on ${testDialect}`, () => {
  let dir: string;
  let drop: () => Promise<void>;
  let daf: RunningServer;
  let ben: Client;
  let peer: FediPeer;
  const logged: string[] = [];
  const outbox: Activity[][] = [];
  const documents = new Map<string, unknown>();

  /** A gloss of peer's group `circle`, as a Daf would publish it, with `forge` changing one thing. */
  function gloss(n: number, forge: { audience?: string; note?: string; author?: string; annotation?: string; source?: string; create?: string; actor?: string } = {}): Create {
    const group = peer.person('circle');
    const author = new URL(forge.author ?? peer.alice.href);
    const annotation = forge.annotation ?? `${peer.url}/annotations/avot/study/${n}`;
    documents.set(`/annotations/avot/study/${n}`, {
      '@context': 'http://www.w3.org/ns/anno.jsonld',
      id: annotation,
      type: 'Annotation',
      motivation: 'commenting',
      body: { type: 'TextualBody', value: `Gloss ${n}`, format: 'text/markdown' },
      target: { source: forge.source ?? `${peer.url}/t/avot`, selector: [{ type: 'TextQuoteSelector', exact: 'acquire for yourself a friend' }] },
    });
    const note = new Note({
      id: new URL(forge.note ?? `${peer.url}/notes/${n}`),
      attribution: author,
      audience: new URL(forge.audience ?? group.href),
      content: `<p>Gloss ${n}</p>`,
      tags: [new Link({ href: new URL(annotation), mediaType: 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"' })],
      to: PUBLIC_COLLECTION,
    });
    return new Create({ id: new URL(forge.create ?? `${peer.url}/notes/${n}/activity`), actor: new URL(forge.actor ?? author.href), object: note, to: PUBLIC_COLLECTION });
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-outbox-'));
    const made = await newTestDatabase(dir);
    drop = made.drop;
    const port = await freePort();
    daf = await startServer({ dbPath: made.location, port, demo: false, baseUrl: `http://127.0.0.1:${port}`, federation: { allowPrivateAddress: true }, log: (l) => logged.push(l) });
    ben = new Client(daf.url);
    await ok(ben.request('POST', '/api/auth/signup', { handle: 'ben', password: 'correct horse battery' }));
    await ok(ben.request('POST', '/api/groups', { slug: 'reading-room', name: 'Reading Room', visibility: 'public', joinPolicy: 'open' }));
    await ok(ben.request('PATCH', '/api/groups/reading-room', { federated: true }), 200);
    await ok(ben.request('POST', '/api/texts', { title: 'Avot', slug: 'avot', language: 'en', format: 'markdown', content }));
    const text = (await ok(ben.request('GET', '/api/texts/avot'), 200)) as { version: { sha256: string } };

    peer = await FediPeer.start({ groups: { circle: { outbox } }, documents });
    documents.set('/api/texts/avot', { title: 'Avot', language: 'en', sefariaRef: null, version: { sha256: text.version.sha256 } });
    documents.set('/annotations/avot/study/', { label: 'Study' });
    // Newest first, as an outbox lists them. The first page: the good gloss and a forgery of each kind.
    outbox.push([
      gloss(1),
      gloss(2, { audience: peer.person('other').href }),
      gloss(3, { note: `${nowhere}/notes/3` }),
      gloss(4, { author: `${nowhere}/users/eve` }),
      gloss(5, { annotation: `${nowhere}/annotations/avot/study/5` }),
      gloss(6, { source: `${nowhere}/t/avot` }),
      gloss(7, { create: `${nowhere}/activities/7` }),
      gloss(8, { actor: peer.person('mallory').href }),
    ]);
    // Nine empty pages, then, on the eleventh, a good gloss past what is read.
    for (let i = 0; i < 9; i++) outbox.push([]);
    outbox.push([gloss(9)]);
  }, 60_000);

  afterAll(async () => {
    await daf?.close();
    await peer?.close();
    await drop?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('takes in, when the group accepts, only the good gloss within the pages it reads', async () => {
    const group = peer.person('circle').href;
    expect((await ben.request('POST', '/api/groups/reading-room/following', { actor: group })).status).toBe(202);
    const follow = await peer.waitFor((d) => d.type === 'Follow');
    expect(follow.actor).toMatch(/\/ap\/actors\/group\.reading-room$/);
    await peer.send(`${follow.actor}/inbox`, new Accept({ id: new URL(`${group}#accepts/1`), actor: new URL(group), object: new URL(follow.id!) }), 'circle');
    await settleFederation(daf, () => `; logged: ${logged.join(' | ')}`);
    const { following } = (await ok(ben.request('GET', '/api/groups/reading-room/following'), 200)) as { following: { state: string }[] };
    expect(following).toMatchObject([{ actor: group, state: 'accepted' }]);
    const { layers } = (await ok(ben.request('GET', '/api/texts/avot/layers'), 200)) as { layers: { slug: string; followedFrom?: string }[] };
    expect(layers.map((l) => l.followedFrom)).toEqual([`${peer.url}/annotations/avot/study/`]);
    const { glosses } = (await ok(ben.request('GET', `/api/texts/avot/layers/${layers[0].slug}/glosses`), 200)) as { glosses: { body: { text: string }; author: { handle: string } }[] };
    expect(glosses.map((g) => g.body.text)).toEqual(['Gloss 1']);
    expect(glosses[0].author.handle).toBe(`alice@${new URL(peer.url).host}`);
    // Nothing of the others was stored anywhere, nor any account for the forged author.
    expect(await daf.database.db.selectFrom('gloss').select('remote_uri').execute()).toEqual([{ remote_uri: `${peer.url}/notes/1` }]);
    expect(await daf.database.db.selectFrom('user').select('handle').where('actor_uri', 'is not', null).orderBy('handle').execute()).toEqual([{ handle: `alice@${new URL(peer.url).host}` }]);
  });
});
