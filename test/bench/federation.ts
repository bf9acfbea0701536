/**
 * The federation benchmark (`npm run bench -- fed`, `-- fed-pg`; README, "Benchmarks";
 * docs/federation.md §5). The built server in a child process with federation on, its group
 * `circle` federated and the layer `notes` publishing, followed by 50 people elsewhere: 10 on
 * each of 5 Fedify peers (fed-peers.ts, one child process for the five), who advertise their
 * server's shared inbox, so each activity is one delivery per peer. Each gloss on the text goes
 * out as three activities (the author's Create, the group's Announce of it, the group's boost of
 * the Note): 15 deliveries, through Fedify's queue kept in the database. A second built server,
 * with the same data (its group federated and its layer publishing too) and federation off, is
 * the baseline. Five writers, members of the group, write in turn (the write throttle is per
 * person). First each writer's first gloss, one at a time: its author's keys are made for it.
 * Then:
 *
 * 1. Writes, federation on against off: `POST /api/texts/:slug/layers/:layer/glosses`, one after
 *    another as fast as one client goes, to each server in alternating blocks. After each block
 *    of the federated server the benchmark waits until every peer has every delivery of it
 *    (untimed), so neither server's block runs beside the other's publishing, while what
 *    publishing costs the federated server's own writes, running beside them, is in its figure.
 *    Also the CPU each server process spent per write (all threads): on the federated one it
 *    includes publishing.
 * 2. Delivery: glosses written one at a time, each timed from the POST's answer until every peer
 *    has its Create (printed too: until the first peer has it, and until every peer has all three
 *    activities). Beside each, a write to the server with federation off, before or after it in
 *    turn, both with nothing being published: what the write itself pays for federation.
 * 3. A burst: 200 glosses written as fast as the five writers go side by side, timed from the
 *    first request until every peer has every Create and both Announces of each (3,000
 *    deliveries); the deliveries per second that makes, and the CPU per delivery of the server
 *    and of the peers.
 * 4. Far servers: the peers answer each delivery 100 ms late, as servers across the world would;
 *    the federated server is started again on its database with one queue worker, then with the
 *    default, and takes a burst of 20 glosses (300 deliveries) each time. The figure is the
 *    deliveries a second with the default ÷ with one.
 *
 * Arrivals are stamped in this process when the peers' child reports them over IPC (well under a
 * millisecond while this process waits). `-- fed` runs on SQLite files, `-- fed-pg` on throwaway
 * databases of `DAF_BENCH_PG_URL`. With `DAF_BENCH_CPU_PROF=DIR`, both servers and the peers
 * write CPU profiles there; with `DAF_BENCH_FED_WORKERS=N`, phases 1 to 3 run with N queue workers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/fedi-peer.ts';
import { send } from './event-lag.ts';
import type { PeerMessage } from './fed-peers.ts';
import { formatMs, median, quantile, report, round, spread } from './measure.ts';
import { throwawayDatabase } from './pg-database.ts';
import { procCpuMs, requireBuiltServer, startServerProcess, stopServerProcess } from './server-process.ts';
import { defaultQueueWorkers } from '../../server/services/federation/stores.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** What is measured, and how much. */
export const fedSetup = {
  peers: 5,
  peoplePerPeer: 10,
  /** Accounts that write (members of the group), taken in turn: the write throttle allows each 120 a minute. */
  writers: 5,
  /** Untimed writes to each server before the ratio, after each writer's first gloss. */
  warmup: 5,
  ratio: { runs: 50, block: 10 },
  delivery: { warmup: 2, writes: 20 },
  burst: 200,
  /** 4. Far servers: each delivery answered this late, and the glosses of each of the two bursts. */
  far: { delayMs: 100, burst: 20 },
  /** How long the benchmark waits for deliveries before it gives up, in milliseconds. */
  timeoutMs: 240_000,
};

/** The three activities each gloss on the text goes out as. */
const activities = ['create', 'announce', 'boost'] as const;
type ActivityKind = (typeof activities)[number];

/** What one run found (milliseconds unless named otherwise). */
export interface FedResult {
  /** Each writer's first gloss: from the answer until every peer has its Create (the author's keys are made then). */
  firstDeliveryMs: number;
  writeOnMs: number;
  writeOffMs: number;
  writeRatio: number;
  /** Server CPU a write (all threads), publishing included on the federated one. */
  cpuOnMs: number;
  cpuOffMs: number;
  deliveryP50Ms: number;
  deliveryP95Ms: number;
  /** Single writes, each with nothing being published: federated ÷ not. */
  idleWriteRatio: number;
  burstS: number;
  burstWritesS: number;
  burstDeliveriesPerS: number;
  /** CPU per delivery in the burst: the federated server's, and the peers'. */
  burstServerCpuMs: number;
  burstPeersCpuMs: number;
  /** Far servers: a burst's deliveries a second with one queue worker, and with the default. */
  farOneWorkerPerS: number;
  farWorkersPerS: number;
  farWorkersRatio: number;
}

/**
 * When each peer received each activity of each gloss of one server (by the Note's id under its
 * base URL), first arrivals only, stamped on arrival here; and how many Accepts came.
 */
class Receipts {
  accepts = 0;
  private readonly arrivals = new Map<number, Record<ActivityKind, (number | undefined)[]>>();
  private readonly note: RegExp;
  private wake: () => void = () => {};
  private changed = new Promise<void>((resolve) => (this.wake = resolve));

  constructor(
    base: string,
    private readonly peers: number,
  ) {
    this.note = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/ap/notes/g(\\d+)(#create)?$`);
  }

  add(message: Extract<PeerMessage, { kind: 'delivery' }>, at: number): void {
    if (message.type === 'Accept') this.accepts++;
    const m = message.object === null ? null : this.note.exec(message.object);
    if (m === null) return;
    const kind: ActivityKind | null = message.type === 'Create' ? 'create' : message.type === 'Announce' ? (m[2] ? 'announce' : 'boost') : null;
    if (kind === null) return;
    const id = Number(m[1]);
    let row = this.arrivals.get(id);
    if (!row) this.arrivals.set(id, (row = { create: [], announce: [], boost: [] }));
    row[kind][message.peer] ??= at;
    this.wake();
    this.changed = new Promise<void>((resolve) => (this.wake = resolve));
  }

  /** When each peer received `kind` of gloss `id` (undefined where it has not yet). */
  times(id: number, kind: ActivityKind): (number | undefined)[] {
    const row = this.arrivals.get(id)?.[kind] ?? [];
    return Array.from({ length: this.peers }, (_, p) => row[p]);
  }

  /** Every peer has every activity of gloss `id`. */
  complete(id: number): boolean {
    return activities.every((kind) => this.times(id, kind).every((t) => t !== undefined));
  }

  /** How many of the deliveries of `ids` came. */
  count(ids: readonly number[]): number {
    return ids.reduce((n, id) => n + activities.reduce((k, kind) => k + this.times(id, kind).filter((t) => t !== undefined).length, 0), 0);
  }

  /** Resolves once `done()` holds; rejects, saying `what()`, after `timeoutMs`. */
  async until(done: () => boolean, what: () => string, timeoutMs = fedSetup.timeoutMs): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no deliveries within ${formatMs(timeoutMs)}: ${what()}`);
      await Promise.race([this.changed, new Promise((resolve) => setTimeout(resolve, Math.min(left, 1000)))]);
    }
  }

  /** Resolves once every peer has every activity of each of `ids`. */
  delivered(ids: readonly number[]): Promise<void> {
    const want = ids.length * activities.length * this.peers;
    return this.until(
      () => ids.every((id) => this.complete(id)),
      () => `${this.count(ids)} of ${want} deliveries of ${ids.length} glosses`,
    );
  }
}

/** The peers' child process: its servers' URLs, and every delivery handed to the receipts of the moment. */
class Peers {
  receipts: Receipts | null = null;
  private followed: ((error?: Error) => void) | null = null;

  private constructor(
    readonly child: ChildProcess,
    readonly urls: string[],
  ) {}

  static async start(peers: number, people: number): Promise<Peers> {
    // DAF_BENCH_CPU_PROF=DIR: the peers write a CPU profile there too, as the servers do.
    const profile = process.env.DAF_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.DAF_BENCH_CPU_PROF)}`] : [];
    const child = fork(path.join(repoRoot, 'server/cli/run-ts.js'), ['test/bench/fed-peers.ts', String(peers), String(people)], {
      cwd: repoRoot,
      execArgv: profile,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const urls = await new Promise<string[]>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the peers exited with code ${code} before they served`)));
      child.once('message', (m: PeerMessage) => (m.kind === 'ready' ? resolve(m.urls) : reject(new Error(`the peers: ${JSON.stringify(m)}`))));
    });
    const fleet = new Peers(child, urls);
    child.on('message', (m: PeerMessage) => {
      const at = performance.now();
      if (m.kind === 'delivery') fleet.receipts?.add(m, at);
      else if (m.kind === 'followed') fleet.followed?.();
      else if (m.kind === 'error') fleet.followed?.(new Error(m.message));
    });
    return fleet;
  }

  /** Each peer answers each delivery `ms` late from now on, as a server far away would. */
  delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = (m: PeerMessage) => {
        if (m.kind !== 'delayed') return;
        this.child.off('message', set);
        resolve();
      };
      this.child.on('message', set);
      this.child.send({ kind: 'delay', ms });
    });
  }

  /** Every person of every peer follows `actor`; resolves when every Follow was taken. */
  follow(actor: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.followed = (error) => (error ? reject(error) : resolve());
      this.child.send({ kind: 'follow', actor });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** One server's world: the owner and the writers, signed in, members of `circle`. */
interface World {
  url: string;
  child: ChildProcess;
  writers: string[];
}

/**
 * Makes the same world on a server: ada's public, open group `circle` made federated, the text
 * `light` and its layer `notes` of the group, publishing, and the writers, members of the group.
 */
async function makeWorld(server: { url: string; child: ChildProcess }): Promise<World> {
  const base = server.url;
  const { cookie } = await send(base, '', 'POST', '/api/auth/signup', { handle: 'ada', password: 'correct horse battery' });
  await send(base, cookie, 'POST', '/api/groups', { slug: 'circle', name: 'Circle', visibility: 'public', joinPolicy: 'open' });
  await send(base, cookie, 'PATCH', '/api/groups/circle', { federated: true });
  await send(base, cookie, 'POST', '/api/texts', { title: 'Light', slug: 'light', language: 'en', format: 'markdown', content: 'Let there be light.' });
  await send(base, cookie, 'POST', '/api/texts/light/layers', { name: 'Notes', slug: 'notes', visibility: 'public', group: 'circle' });
  await send(base, cookie, 'PATCH', '/api/texts/light/layers/notes', { federation: 'publish' });
  const writers: string[] = [];
  for (let i = 0; i < fedSetup.writers; i++) {
    const made = await send(base, '', 'POST', '/api/auth/signup', { handle: `writer${i}`, password: 'correct horse battery' });
    await send(base, made.cookie, 'POST', '/api/groups/circle/join', {});
    writers.push(made.cookie);
  }
  return { ...server, writers };
}

/** Writes gloss number `n` through the world's writers in turn; its id, and when it was sent and answered. */
async function writeGloss(world: World, n: number): Promise<{ id: number; sent: number; answered: number }> {
  const sent = performance.now();
  const made = await send(world.url, world.writers[n % world.writers.length], 'POST', '/api/texts/light/layers/notes/glosses', {
    target: { exact: 'light' },
    body: { markdown: `Reading ${n}` },
  });
  return { id: (made.json as { id: number }).id, sent, answered: performance.now() };
}

/** Each writer's first gloss, one at a time, each delivered before the next: the author's keys are made for it. */
async function firstGlosses(on: World, receipts: Receipts, log: (line: string) => void) {
  const times: number[] = [];
  for (let w = 0; w < on.writers.length; w++) {
    const made = await writeGloss(on, w);
    await receipts.delivered([made.id]);
    times.push(Math.max(...(receipts.times(made.id, 'create') as number[])) - made.answered);
  }
  log(`  each writer's first gloss (the author's keys are made for it), the Create at every peer after the answer: ${spread(times)}`);
  return { firstDeliveryMs: median(times) };
}

/** 1. Writes to the federated server against the same to the one with federation off, in alternating blocks. */
async function writeRatio(on: World, off: World, receipts: Receipts, log: (line: string) => void) {
  const { runs, block } = fedSetup.ratio;
  let n = 100;
  const times = { on: [] as number[], off: [] as number[] };
  const onBlock = async (count: number, into: number[] | null) => {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const w = await writeGloss(on, n++);
      ids.push(w.id);
      into?.push(w.answered - w.sent);
    }
    await receipts.delivered(ids);
  };
  const offBlock = async (count: number, into: number[] | null) => {
    for (let i = 0; i < count; i++) {
      const w = await writeGloss(off, n++);
      into?.push(w.answered - w.sent);
    }
  };
  await offBlock(fedSetup.writers, null);
  await onBlock(fedSetup.warmup, null);
  await offBlock(fedSetup.warmup, null);
  const cpu = { on: procCpuMs(on.child.pid!), off: procCpuMs(off.child.pid!) };
  for (let done = 0, k = 0; done < runs; done += block, k++) {
    const count = Math.min(block, runs - done);
    if (k % 2 === 0) {
      await onBlock(count, times.on);
      await offBlock(count, times.off);
    } else {
      await offBlock(count, times.off);
      await onBlock(count, times.on);
    }
  }
  const cpuOnMs = (procCpuMs(on.child.pid!) - cpu.on) / runs;
  const cpuOffMs = (procCpuMs(off.child.pid!) - cpu.off) / runs;
  log(
    `  writes, one after another: ${runs} timed to each server after ${fedSetup.warmup} untimed, in alternating blocks of ${block}; ` +
      'after each block of the federated server, its deliveries awaited',
  );
  log(`  federation on   ${spread(times.on)}; server CPU ${formatMs(cpuOnMs)} a write, publishing included (mean, all threads)`);
  log(`  federation off  ${spread(times.off)}; server CPU ${formatMs(cpuOffMs)} a write (mean, all threads)`);
  return { writeOnMs: median(times.on), writeOffMs: median(times.off), writeRatio: median(times.on) / median(times.off), cpuOnMs, cpuOffMs };
}

/**
 * 2. Glosses written one at a time: from each answer until every peer has its Create. Beside
 * each, one write to the server with federation off, before or after it in turn, each write
 * 100 ms after the last delivery: the same write with nothing being published on either side.
 */
async function deliveryLatency(on: World, off: World, receipts: Receipts, log: (line: string) => void) {
  const { warmup, writes } = fedSetup.delivery;
  const lastCreate: number[] = [];
  const firstCreate: number[] = [];
  const everything: number[] = [];
  const single = { on: [] as number[], off: [] as number[] };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 100));
  for (let i = 0; i < warmup + writes; i++) {
    // Each write after a pause with nothing published; the order swapped each time, so neither always follows the other.
    const o = i % 2 === 1 ? await writeGloss(off, 10_000 + i) : null;
    const w = await writeGloss(on, 10_000 + i);
    await receipts.delivered([w.id]);
    await settle();
    const o2 = o ?? (await writeGloss(off, 10_000 + i));
    if (o === null) await settle();
    if (i < warmup) continue;
    const creates = receipts.times(w.id, 'create') as number[];
    lastCreate.push(Math.max(...creates) - w.answered);
    firstCreate.push(Math.min(...creates) - w.answered);
    everything.push(Math.max(...activities.flatMap((kind) => receipts.times(w.id, kind) as number[])) - w.answered);
    single.on.push(w.answered - w.sent);
    single.off.push(o2.answered - o2.sent);
  }
  log(`  ${writes} glosses written one at a time (after ${warmup} untimed), each once the one before had all its deliveries; from the POST's answer:`);
  log(`  the Create at every peer        ${spread(lastCreate)}`);
  log(`  the Create at the first peer    ${spread(firstCreate)}`);
  log(`  all 3 activities at every peer  ${spread(everything)}`);
  log(`  those writes themselves ${spread(single.on)}; the same to the server with federation off, one beside each, ${spread(single.off)}`);
  return { deliveryP50Ms: median(lastCreate), deliveryP95Ms: quantile(lastCreate, 0.95), idleWriteRatio: median(single.on) / median(single.off) };
}

/** 3. A burst of glosses from every writer side by side, until every peer has every activity of each. */
async function burst(on: World, peers: Peers, receipts: Receipts, log: (line: string) => void) {
  const ids: number[] = [];
  const cpu = { server: procCpuMs(on.child.pid!), peers: procCpuMs(peers.child.pid!) };
  const started = performance.now();
  const writers = on.writers.length;
  await Promise.all(
    on.writers.map(async (_, w) => {
      // Numbered so that writeGloss takes writer w.
      for (let n = 20_000 + w; n < 20_000 + fedSetup.burst; n += writers) ids.push((await writeGloss(on, n)).id);
    }),
  );
  const written = performance.now();
  await receipts.delivered(ids);
  const all = ids.flatMap((id) => activities.flatMap((kind) => receipts.times(id, kind) as number[]));
  const lastCreate = Math.max(...ids.flatMap((id) => receipts.times(id, 'create') as number[]));
  const finished = Math.max(...all);
  const deliveries = all.length;
  const burstServerCpuMs = (procCpuMs(on.child.pid!) - cpu.server) / deliveries;
  const burstPeersCpuMs = (procCpuMs(peers.child.pid!) - cpu.peers) / deliveries;
  log(
    `  ${ids.length} glosses from ${writers} writers side by side, written in ${formatMs(written - started)}; ` +
      `every Create at every peer after ${formatMs(lastCreate - started)}, all ${deliveries.toLocaleString('en')} deliveries after ${formatMs(finished - started)}`,
  );
  log(`  CPU a delivery: ${formatMs(burstServerCpuMs)} in the federated server, ${formatMs(burstPeersCpuMs)} in the peers (means, all threads)`);
  return {
    burstS: (finished - started) / 1000,
    burstWritesS: (written - started) / 1000,
    burstDeliveriesPerS: deliveries / ((finished - started) / 1000),
    burstServerCpuMs,
    burstPeersCpuMs,
  };
}

/**
 * 4. Far servers: the peers answer each delivery `fedSetup.far.delayMs` late, and the federated
 * server, started again on its database by `restart` with a number of queue workers, takes a
 * burst of glosses with one worker, then with the default (`defaultQueueWorkers`). Deliveries
 * to one inbox go one at a time, in order, whatever the workers: with 5 servers, at most 5 at once.
 */
async function farBursts(restart: (workers: number) => Promise<World>, peers: Peers, receipts: Receipts, log: (line: string) => void) {
  await peers.delay(fedSetup.far.delayMs);
  const perS: Record<number, number> = {};
  try {
    let n = 30_000;
    for (const workers of [1, defaultQueueWorkers]) {
      const world = await restart(workers);
      const ids: number[] = [];
      const started = performance.now();
      const writers = world.writers.length;
      await Promise.all(
        world.writers.map(async (_, w) => {
          for (let k = w; k < fedSetup.far.burst; k += writers) ids.push((await writeGloss(world, n + k)).id);
        }),
      );
      n += fedSetup.far.burst;
      await receipts.delivered(ids);
      const all = ids.flatMap((id) => activities.flatMap((kind) => receipts.times(id, kind) as number[]));
      const took = Math.max(...all) - started;
      perS[workers] = all.length / (took / 1000);
      log(`  ${workers} queue worker${workers === 1 ? '' : 's'}: ${fedSetup.far.burst} glosses, ${all.length} deliveries each answered ${fedSetup.far.delayMs} ms late, all after ${formatMs(took)}: ${round(perS[workers], 1)} a second`);
    }
  } finally {
    await peers.delay(0);
  }
  const one = perS[1];
  const many = perS[defaultQueueWorkers];
  return { farOneWorkerPerS: one, farWorkersPerS: many, farWorkersRatio: many / one };
}

/** Runs the measurements on a federated server on `databases.on` and one with federation off on `databases.off`. */
async function runOn(peers: Peers, databases: { on: string; off: string }, log: (line: string) => void): Promise<FedResult> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const children: ChildProcess[] = [];
  const phase = async <T>(fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const value = await fn();
    log(`  [${formatMs(performance.now() - t)}]`);
    return value;
  };
  try {
    const startOn = (workers: number) =>
      startServerProcess(databases.on, {
        port,
        args: ['--federation', '--base-url', base, '--federation-workers', String(workers)],
        env: { DAF_FEDERATION_ALLOW_PRIVATE: '1' },
      });
    // DAF_BENCH_FED_WORKERS=N: phases 1 to 3 with N queue workers instead of the default.
    const onServer = await startOn(Number(process.env.DAF_BENCH_FED_WORKERS) || defaultQueueWorkers);
    children.push(onServer.child);
    const offServer = await startServerProcess(databases.off);
    children.push(offServer.child);
    const on = await makeWorld(onServer);
    const off = await makeWorld(offServer);
    const receipts = new Receipts(base, peers.urls.length);
    peers.receipts = receipts;
    const actor = `${base}/ap/actors/group.circle`;
    const followers = fedSetup.peers * fedSetup.peoplePerPeer;
    const followedAt = performance.now();
    await peers.follow(actor);
    await receipts.until(() => receipts.accepts >= followers, () => `${receipts.accepts} of ${followers} Accepts`);
    const collection = (await (await fetch(`${actor}/followers`, { headers: { accept: 'application/activity+json' } })).json()) as { totalItems?: number };
    if (collection.totalItems !== followers) throw new Error(`the group has ${collection.totalItems} followers, not ${followers}`);
    log(
      `  ${followers} people follow ${actor}, ${fedSetup.peoplePerPeer} on each of ${fedSetup.peers} peers (one shared inbox each), ` +
        `followed and accepted in ${formatMs(performance.now() - followedAt)}`,
    );
    const first = await phase(() => firstGlosses(on, receipts, log));
    const ratio = await phase(() => writeRatio(on, off, receipts, log));
    const delivery = await phase(() => deliveryLatency(on, off, receipts, log));
    const many = await phase(() => burst(on, peers, receipts, log));
    let running = on.child;
    const restart = async (workers: number): Promise<World> => {
      await stopServerProcess(running);
      const again = await startOn(workers);
      children.push((running = again.child));
      return { ...again, writers: on.writers };
    };
    const far = await phase(() => farBursts(restart, peers, receipts, log));
    return { ...first, ...ratio, ...delivery, ...many, ...far };
  } finally {
    peers.receipts = null;
    for (const child of children) await stopServerProcess(child);
  }
}

/** Prints the figures of a run under `prefix` (`fed` or `pg_fed`). */
function reportRun(prefix: string, r: FedResult): void {
  report(
    `${prefix}_write_ratio`,
    `${round(r.writeRatio)}×`,
    `median POST of a gloss, one after another, with federation on (${formatMs(r.writeOnMs)}; 50 followers on 5 servers, publishing beside the writes) ÷ the same with it off (${formatMs(r.writeOffMs)})`,
  );
  report(`${prefix}_write_cpu_ms`, `${round(r.cpuOnMs, 0)} ms`, `server CPU a write with federation on, publishing to 5 servers included (off: ${round(r.cpuOffMs, 1)} ms)`);
  report(`${prefix}_idle_write_ratio`, `${round(r.idleWriteRatio)}×`, 'the same ratio for single writes with nothing being published: what the write itself pays');
  report(
    `${prefix}_delivery_ms`,
    `${formatMs(r.deliveryP50Ms)} (p95 ${formatMs(r.deliveryP95Ms)})`,
    "from a gloss's POST answered until every follower's server has its Create, glosses written one at a time (median)",
  );
  report(`${prefix}_first_delivery_ms`, formatMs(r.firstDeliveryMs), "the same for each writer's first gloss, for which the author's keys are made (median of 5)");
  report(
    `${prefix}_burst_s`,
    `${round(r.burstS, 1)} s`,
    `${fedSetup.burst} glosses written as fast as ${fedSetup.writers} writers go (${round(r.burstWritesS, 1)} s), until all 5 servers have every Create and both Announces: ` +
      `${round(r.burstDeliveriesPerS, 0)} deliveries a second`,
  );
  report(
    `${prefix}_far_workers_ratio`,
    `${round(r.farWorkersRatio)}×`,
    `deliveries a second to 5 servers that each answer ${fedSetup.far.delayMs} ms late, ${fedSetup.far.burst} glosses in a burst: with ${defaultQueueWorkers} queue workers (${round(r.farWorkersPerS, 1)}) ÷ with one (${round(r.farOneWorkerPerS, 1)})`,
  );
}

/**
 * Starts the peers and runs on SQLite (`dialect` sqlite) or on throwaway databases of the
 * PostgreSQL server at `DAF_BENCH_PG_URL` (the caller checks that it answers); prints the figures.
 */
export async function runFederationBench(dialect: 'sqlite' | 'postgres', log: (line: string) => void = console.log): Promise<FedResult> {
  requireBuiltServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-bench-fed-'));
  const drops: (() => Promise<void>)[] = [];
  let peers: Peers | null = null;
  try {
    let databases = { on: path.join(dir, 'on.db'), off: path.join(dir, 'off.db') };
    if (dialect === 'postgres') {
      const made = [await throwawayDatabase(), await throwawayDatabase()];
      drops.push(...made.map((m) => m.drop));
      databases = { on: made[0].url, off: made[1].url };
    }
    peers = await Peers.start(fedSetup.peers, fedSetup.peoplePerPeer);
    const result = await runOn(peers, databases, log);
    reportRun(dialect === 'sqlite' ? 'fed' : 'pg_fed', result);
    return result;
  } finally {
    await peers?.stop();
    for (const drop of drops) await drop().catch((e: Error) => console.error(`  could not drop a benchmark database: ${e.message}`));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
