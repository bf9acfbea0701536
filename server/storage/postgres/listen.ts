/**
 * One LISTEN connection per process (docs/postgres.md §6): it hears every process's
 * announcements (postgres/events.ts) and wakes this process's streams. It must be a direct
 * connection — a transaction pooler cannot hold LISTEN — so it may have its own URL
 * (`DAF_PG_LISTEN_URL`). When it drops it reconnects, waiting longer each time up to a few
 * seconds; meanwhile streams still poll, so nothing is lost, only later.
 */
import pg from 'pg';
import { channel, parseAnnouncement } from './events.ts';

export interface Wake {
  text(textId: number): void;
  person(userId: number): void;
}

/** Listens at `url` until `close()`; `log` hears of lost connections. */
export function listenForEvents(url: string, wake: Wake, log: (line: string) => void): { ready: Promise<void>; close(): Promise<void> } {
  let client: pg.Client | null = null;
  let closed = false;
  let delay = 100;
  let timer: NodeJS.Timeout | null = null;
  let firstReady: () => void;
  const ready = new Promise<void>((resolve) => (firstReady = resolve));

  const connect = async () => {
    const c = new pg.Client({ connectionString: url });
    client = c;
    c.on('notification', (n) => {
      const a = n.channel === channel && n.payload ? parseAnnouncement(n.payload) : null;
      if (a && 'text' in a) wake.text(a.text);
      else if (a) wake.person(a.person);
    });
    c.on('error', () => retry(c));
    c.on('end', () => retry(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      delay = 100;
      firstReady();
    } catch (e) {
      log(`Live events: could not listen on PostgreSQL (${String(e)}); streams poll meanwhile`);
      retry(c);
    }
  };
  const retry = (c: pg.Client) => {
    if (closed || client !== c || timer) return;
    client = null;
    void c.end().catch(() => {});
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, delay);
    delay = Math.min(delay * 2, 5000);
  };
  void connect();
  return {
    ready,
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
