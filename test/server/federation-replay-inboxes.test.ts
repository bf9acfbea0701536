/**
 * Two things the replayed payloads showed (docs/federation.md §8), with the set-up of
 * federation-replay.test.ts: a Lemmy report's reason is in its Flag's `summary`; and a personal
 * inbox (the group's) checks a signature, and reads what an activity names, with Fedify's signed
 * fetch, which Daf is given too (`authenticatedDocumentLoaderFactory`), so that offline it reads
 * the recorded documents as the shared inbox does, and nothing else.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/main.ts';
import { freePort } from '../helpers/fedi-peer.ts';
import { federatedCircle } from '../helpers/federated-circle.ts';
import { Elsewhere, recorded } from '../helpers/replay.ts';
import { answered as ok, Client } from '../helpers/sse-client.ts';
import { newTestDatabase, testDialect } from '../helpers/test-database.ts';

describe(`replayed payloads at the edges, on ${testDialect}`, () => {
  let dir: string;
  let drop: () => Promise<void>;
  let daf: RunningServer;
  let ada: Client;
  let base: string;
  let groupActor: string;
  const elsewhere = new Elsewhere();
  let restoreFetch: () => void;
  const logs: string[] = [];
  /** Whether Fedify's own fetch (not the loader Daf was given) may reach the recorded documents. */
  let ownFetchAnswers = true;

  async function settle() {
    await daf.publisher!.pass();
    for (let i = 0; i < 200; i++) {
      const rows = await daf.database.db.selectFrom('fed_queue').select(['message', 'not_before']).execute();
      if (rows.every((r) => Number(r.not_before) > Date.now())) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the federation queue did not settle');
  }

  beforeAll(async () => {
    const restore = elsewhere.intercept();
    const stand = globalThis.fetch;
    globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (!ownFetchAnswers && url.hostname !== '127.0.0.1') throw new TypeError(`fetch failed: ${url.href} (no network here)`);
      return stand(input, init);
    }) as typeof fetch;
    restoreFetch = restore;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-replay-bugs-'));
    const made = await newTestDatabase(dir);
    drop = made.drop;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    groupActor = `${base}/ap/actors/group.circle`;
    daf = await startServer({
      dbPath: made.location,
      port,
      demo: false,
      baseUrl: base,
      federation: { allowPrivateAddress: true, documentLoaderFactory: elsewhere.loader, contextLoaderFactory: elsewhere.loader, authenticatedDocumentLoaderFactory: () => elsewhere.loader() },
    });
    daf.context.log = (line) => logs.push(line);
    ada = new Client(daf.url);
    await federatedCircle(ada, 'publish+replies');
  });

  afterAll(async () => {
    await daf?.close();
    restoreFetch?.();
    await drop?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the reason of a Lemmy report (Lemmy writes it in the Flag's summary, not its content)", async () => {
    const made = (await ok(ada.request('POST', '/api/texts/light/layers/notes/glosses', { target: { exact: 'Let there be light' }, body: { markdown: 'Reported.' } }))) as { id: number };
    await settle();
    const report = recorded('https://enterprise.lemmy.ml/activities/flag/98b0933f-5e45-4a95-a15f-e0dc86361ba4');
    report.object = `${base}/ap/notes/g${made.id}`;
    report.to = [groupActor];
    expect((await elsewhere.deliver(`${groupActor}/inbox`, report)).status).toBe(202);
    await settle();
    const flags = await daf.database.db.selectFrom('flag').select(['item_id', 'reason']).execute();
    expect(flags).toEqual([{ item_id: made.id, reason: 'report this post' }]);
  });

  it('serves what a personal inbox fetches through the document loader it was given, as it does for the shared inbox', async () => {
    ownFetchAnswers = false;
    const follow = recorded('https://mastodon.madrid/1ea87517-63c5-4118-8831-460ee641b2cf');
    follow.object = groupActor;
    // Fedify's own fetch reaches nothing here: only the loaders Daf was given answer.
    expect((await elsewhere.deliver(`${groupActor}/inbox`, follow)).status).toBe(202);
    await settle();
    expect(elsewhere.fetched.filter((f) => f.via === 'fetch')).toEqual([]);
    expect(await daf.database.db.selectFrom('fed_follower').select('actor_uri').execute()).toEqual([{ actor_uri: 'https://mastodon.madrid/users/felix' }]);
  });
});
