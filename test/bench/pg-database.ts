/**
 * PostgreSQL databases for the `pg` benchmark (pg.ts): throwaway databases on the server at
 * `DAF_BENCH_PG_URL` (127.0.0.1:5432 as `postgres` by default), each dropped after, filled with
 * rows the app reads as its own. Their schema comes from the app's migrations (`openDatabase`);
 * rows go in thousands to a statement, never through the API, with the secondary indexes and
 * foreign keys of the big tables set aside and made again after (every key is checked then), and
 * the statistics gathered, as in a database in use.
 *
 * (The API benchmark's own database goes over by `daf migrate-to-postgres`: pg.ts.)
 *
 * - `buildMillionDatabases`: a table of 1,000,000 glosses, and beside it a database holding only
 *   the measured text's 1,000. The measured text is the API benchmark's text (its glosses, anchors,
 *   layers and threads as built there); every other text is a copy of it with the first n of its
 *   glosses, n log-uniform between 10 and 1,000 (many texts with few glosses, a few with many), up
 *   to 999,000 glosses in all. Glosses of all texts are interleaved in time, as in a database many
 *   people write to at once: each gloss gets its id (and its creation time, 30 s apart) from a
 *   random order of the million, each text's own keeping their order, so the measured text's
 *   glosses lie scattered through the whole table rather than side by side. The rows are made in
 *   PostgreSQL itself (`INSERT … SELECT` over `generate_series` and the template's rows). The small
 *   database is then copied from the big one, so both list byte for byte the same document.
 */
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { versionBytes } from '../../server/services/quotas.ts';
import { openDatabase } from '../../server/storage/open-database.ts';
import { createRandom } from './random.ts';

/** The server the benchmark makes its databases on (any of its databases will do for the URL). */
export const pgBenchUrl = process.env.DAF_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The million-gloss database's shape. */
export const millionSetup = { seed: 1_000_000, glosses: 1_000_000, fewest: 10, most: 1000 };

/** A URL like `pgBenchUrl` naming the database `name`. */
function urlOf(name: string): string {
  const url = new URL(pgBenchUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `fn` with a client connected to `url`, and ends the client after. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Null when the benchmark's PostgreSQL server answers; else why not. */
export async function pgUnreachable(): Promise<string | null> {
  try {
    await withClient(pgBenchUrl, (c) => c.query('SELECT 1'));
    return null;
  } catch (e) {
    return (e as Error).message || String(e);
  }
}

let made = 0;

/** A new, empty database on the benchmark's server, with the app's schema; `drop` removes it, ending whatever is still connected. */
export async function throwawayDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `daf_bench_${process.pid}_${++made}_${Date.now().toString(36)}`;
  await withClient(pgBenchUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  const drop = async () => {
    await withClient(pgBenchUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  };
  try {
    const database = await openDatabase(urlOf(name), { poolMax: 1 });
    await database.close();
  } catch (e) {
    await drop();
    throw e;
  }
  return { url: urlOf(name), drop };
}

/** Inserts rows (objects keyed by column, all with the same keys) into `table`, thousands per statement. */
async function insertRows(client: pg.Client, table: string, rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0])
    .map((c) => `"${c}"`)
    .join(', ');
  for (let i = 0; i < rows.length; i += 2000) {
    await client.query(`INSERT INTO "${table}" (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::public."${table}", $1::json)`, [
      JSON.stringify(rows.slice(i, i + 2000)),
    ]);
  }
}

/**
 * Drops the secondary indexes and foreign keys of `tables` before a bulk load; the function it
 * returns makes them again from PostgreSQL's own definitions of them. One index build, and one
 * check of each key over the whole table as it is added back, instead of an index insertion and a
 * key look-up per row; every key is still checked.
 */
async function setAsideIndexesAndKeys(client: pg.Client, tables: readonly string[]): Promise<() => Promise<void>> {
  const { rows: indexes } = await client.query<{ name: string; definition: string }>(
    `SELECT CAST(CAST(i.indexrelid AS regclass) AS text) AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i WHERE i.indrelid = ANY(CAST($1 AS regclass[]))
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid)`,
    [tables],
  );
  const { rows: keys } = await client.query<{ owner: string; name: string; definition: string }>(
    `SELECT CAST(CAST(conrelid AS regclass) AS text) AS owner, conname AS name, pg_get_constraintdef(oid) AS definition
     FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(CAST($1 AS regclass[]))`,
    [tables],
  );
  for (const key of keys) await client.query(`ALTER TABLE ${key.owner} DROP CONSTRAINT "${key.name}"`);
  for (const index of indexes) await client.query(`DROP INDEX ${index.name}`);
  return async () => {
    for (const index of indexes) await client.query(index.definition);
    for (const key of keys) await client.query(`ALTER TABLE ${key.owner} ADD CONSTRAINT "${key.name}" ${key.definition}`);
  };
}

/** Sets every identity column's sequence past the largest id inserted, so the app's own inserts follow on, and gathers statistics. */
async function settle(client: pg.Client): Promise<void> {
  const identities = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'`,
  );
  for (const { table_name: table, column_name: column } of identities.rows) {
    await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max("${column}"), 0) + 1, false) FROM "${table}"`, [`"${table}"`, column]);
  }
  // As a database in use would be: its statistics gathered and its pages all-visible.
  await client.query('VACUUM (ANALYZE)');
}

/** The big ones, loaded with their indexes and keys set aside. */
const bulkTables = ['gloss', 'anchor', 'reply'];

/** How many glosses each text of the million gets: the measured text's all, the others log-uniform between `fewest` and `most`. */
function glossCounts(measured: number): number[] {
  const { seed, glosses, fewest, most } = millionSetup;
  const rnd = createRandom(seed);
  const counts: number[] = [];
  let left = glosses - measured;
  while (left > 0) {
    const n = Math.min(left, Math.round(fewest * (most / fewest) ** rnd.next()));
    counts.push(n);
    left -= n;
  }
  counts.splice(counts.length >> 1, 0, measured);
  return counts;
}

/** An ISO time in SQL: `base` plus `seconds`, as the app writes times. */
const isoSql = (base: string, seconds: string) => `to_char(timestamp '${base}' + (${seconds}) * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** What `buildMillionDatabases` made. */
export interface MillionDatabases {
  texts: number;
  glosses: number;
  replies: number;
  /** The measured text's slug, the same in both databases. */
  slug: string;
  /** The big database's size on disk. */
  megabytes: number;
  /** How long each step of the build took, in ms. */
  steps: [string, number][];
}

/**
 * Fills `big` with a million glosses and `small` with the measured text's alone (see the top of
 * this file), from the text `slug` of the SQLite database at `file` as the template.
 */
export async function buildMillionDatabases(file: string, slug: string, urls: { big: string; small: string }): Promise<MillionDatabases> {
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  // The template: the measured text, its version, layers, glosses with their anchors, and replies.
  const text = sqlite.prepare('SELECT * FROM text WHERE slug = ?').get(slug) as { id: number; current_version: number } | undefined;
  if (!text) throw new Error(`no text "${slug}" to copy`);
  const version = sqlite.prepare('SELECT doc, projection, segments FROM text_version WHERE text_id = ? AND number = ?').get(text.id, text.current_version) as {
    doc: string;
    projection: string;
    segments: string;
  };
  const layerIds = (sqlite.prepare('SELECT id FROM layer WHERE text_id = ? ORDER BY id').all(text.id) as { id: number }[]).map((l) => l.id);
  const glosses = sqlite
    .prepare(
      `SELECT g.id, g.layer_id, g.target_gloss_id, g.selectors, g.body_doc, g.body_text, g.author_id, g.motivation,
              a.start, a."end", a.status, a.score, a.exact
       FROM gloss g JOIN anchor a ON a.gloss_id = g.id AND a.version = 1 WHERE g.text_id = ? ORDER BY g.id`,
    )
    .all(text.id) as { id: number; layer_id: number; target_gloss_id: number | null; [column: string]: unknown }[];
  const replies = sqlite
    .prepare('SELECT r.id, r.gloss_id, r.parent_id, r.author_id, r.body_doc, r.body_text FROM reply r JOIN gloss g ON g.id = r.gloss_id WHERE g.text_id = ? ORDER BY r.id')
    .all(text.id) as { id: number; gloss_id: number; parent_id: number | null; author_id: number; body_doc: string; body_text: string }[];
  const users = sqlite.prepare('SELECT * FROM user ORDER BY id').all() as object[];
  sqlite.close();

  const layerNames = ['Notes', 'Questions', 'Translation notes'];
  if (layerIds.length !== layerNames.length) throw new Error(`the template text has ${layerIds.length} layers, not ${layerNames.length}`);
  const indexOf = new Map(glosses.map((g, i) => [g.id, i + 1]));
  const rankOf = new Map<number, number>();
  const threadLength = new Map<number, number>();
  const templateGlosses = glosses.map((g) => ({
    idx: indexOf.get(g.id),
    layer_pos: layerIds.indexOf(g.layer_id) + 1,
    target_idx: g.target_gloss_id === null ? null : indexOf.get(g.target_gloss_id),
    selectors: g.selectors,
    body_doc: g.body_doc,
    body_text: g.body_text,
    author_id: g.author_id,
    motivation: g.motivation,
    a_start: g.start,
    a_end: g.end,
    a_status: g.status,
    a_score: g.score,
    a_exact: g.exact,
  }));
  const templateReplies = replies.map((r) => {
    const rank = (threadLength.get(r.gloss_id) ?? 0) + 1;
    threadLength.set(r.gloss_id, rank);
    rankOf.set(r.id, rank);
    return {
      gloss_idx: indexOf.get(r.gloss_id),
      rank,
      parent_rank: r.parent_id === null ? null : rankOf.get(r.parent_id),
      author_id: r.author_id,
      body_doc: r.body_doc,
      body_text: r.body_text,
    };
  });
  const counts = glossCounts(glosses.length);
  const measuredId = (counts.length >> 1) + 1;
  const texts = counts.map((n, i) => ({
    id: i + 1,
    slug: i + 1 === measuredId ? slug : `shelf-${String(i + 1).padStart(5, '0')}`,
    n,
    owner_id: 1 + (i % users.length),
  }));

  const steps: [string, number][] = [];
  /** Runs one step of the build, noting how long it took. */
  const step = async (name: string, work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    steps.push([name, performance.now() - started]);
  };
  await withClient(urls.big, async (client) => {
    await client.query(`SET work_mem = '256MB'`);
    await client.query(`SET maintenance_work_mem = '256MB'`);
    await insertRows(client, 'user', users);
    await step('plan', async () => {
      await client.query(`CREATE UNLOGGED TABLE bench_text (id integer PRIMARY KEY, slug text NOT NULL, n integer NOT NULL, owner_id integer NOT NULL)`);
      await client.query(
        `CREATE UNLOGGED TABLE bench_gloss (idx integer PRIMARY KEY, layer_pos integer NOT NULL, target_idx integer, selectors text NOT NULL,
           body_doc text NOT NULL, body_text text NOT NULL, author_id integer NOT NULL, motivation text NOT NULL,
           a_start integer, a_end integer, a_status text NOT NULL, a_score double precision NOT NULL, a_exact text)`,
      );
      await client.query(
        `CREATE UNLOGGED TABLE bench_reply (gloss_idx integer NOT NULL, rank integer NOT NULL, parent_rank integer, author_id integer NOT NULL,
           body_doc text NOT NULL, body_text text NOT NULL)`,
      );
      await insertRows(client, 'bench_text', texts);
      await insertRows(client, 'bench_gloss', templateGlosses);
      await insertRows(client, 'bench_reply', templateReplies);
      // Each gloss's id: its place in a random order of all of them; `idx`: its place among its text's, which picks its template.
      await client.query('SELECT setseed(0.5781)');
      await client.query(
        `CREATE UNLOGGED TABLE bench_plan AS
         SELECT CAST(row_number() OVER (ORDER BY k) AS integer) AS id, text_id, CAST(row_number() OVER (PARTITION BY text_id ORDER BY k) AS integer) AS idx
         FROM (SELECT t.id AS text_id, random() AS k FROM bench_text t CROSS JOIN LATERAL generate_series(1, t.n)) AS s`,
      );
      await client.query('CREATE INDEX ON bench_plan (text_id, idx)');
    });
    await step('texts', async () => {
      await client.query(
        `INSERT INTO text (id, slug, title, language, direction, license, attribution, owner_id, visibility, current_version, created_at)
         SELECT id, slug, 'Benchmark text ' || id, 'en', 'ltr', NULL, NULL, owner_id, 'public', 1, ${isoSql('2024-12-01', 'id')} FROM bench_text ORDER BY id`,
      );
      await client.query(
        `INSERT INTO text_version (text_id, number, doc, projection, segments, created_by, created_at, bytes)
         SELECT id, 1, $1, $2, $3, owner_id, ${isoSql('2024-12-01', 'id')}, $4 FROM bench_text ORDER BY id`,
        [version.doc, version.projection, version.segments, versionBytes(version)],
      );
      await client.query(
        `INSERT INTO layer (id, text_id, slug, name, description, color, owner_id, visibility, write_policy, license, attribution, created_at)
         SELECT (t.id - 1) * 3 + l.pos, t.id, l.slug, l.name, l.name || ' on text ' || t.id, '#2e6f9e', 1 + (t.id * 7 + l.pos) % ${users.length},
                'public', 'signed_in', NULL, NULL, ${isoSql('2024-12-01', 't.id')}
         FROM bench_text t CROSS JOIN (VALUES ${layerNames.map((name, i) => `(${i + 1}, '${name.toLowerCase().replace(/ /g, '-')}', '${name}')`).join(', ')}) AS l (pos, slug, name)
         ORDER BY 1`,
      );
    });
    const created = isoSql('2025-01-01', 'p.id * 30');
    const restore = await setAsideIndexesAndKeys(client, bulkTables);
    await step('glosses', () =>
      client.query(
        `INSERT INTO gloss (id, layer_id, text_id, target_gloss_id, target_version, selectors, body_doc, body_text, body_revision,
           author_id, motivation, status, created_at, updated_at)
         SELECT p.id, (p.text_id - 1) * 3 + g.layer_pos, p.text_id, tp.id, 1, g.selectors, g.body_doc, g.body_text, 1,
                g.author_id, g.motivation, 'active', ${created}, ${created}
         FROM bench_plan p JOIN bench_gloss g ON g.idx = p.idx LEFT JOIN bench_plan tp ON tp.text_id = p.text_id AND tp.idx = g.target_idx
         ORDER BY p.id`,
      ),
    );
    await step('anchors', () =>
      client.query(
        `INSERT INTO anchor (gloss_id, version, start, "end", status, score, exact)
         SELECT p.id, 1, g.a_start, g.a_end, g.a_status, g.a_score, g.a_exact FROM bench_plan p JOIN bench_gloss g ON g.idx = p.idx ORDER BY p.id`,
      ),
    );
    // A thread's replies take consecutive ids, so a parent's id is found from its rank.
    const replied = isoSql('2025-01-01', 'q.gloss_id * 30 + q.rank * 300');
    await step('replies', () =>
      client.query(
        `INSERT INTO reply (id, gloss_id, parent_id, author_id, body_doc, body_text, status, created_at, updated_at)
         SELECT q.id, q.gloss_id, q.id - q.rank + q.parent_rank, q.author_id, q.body_doc, q.body_text, 'active', ${replied}, ${replied}
         FROM (SELECT CAST(row_number() OVER (ORDER BY p.id, r.rank) AS integer) AS id, p.id AS gloss_id, r.*
               FROM bench_plan p JOIN bench_reply r ON r.gloss_idx = p.idx) AS q
         ORDER BY q.id`,
      ),
    );
    await step('indexes and keys', restore);
    await client.query('DROP TABLE bench_plan, bench_text, bench_gloss, bench_reply');
    await step('vacuum', () => settle(client));
  });

  // The small database: the measured text's rows, as the big one has them.
  await step('the text alone', () =>
    withClient(urls.big, (big) =>
      withClient(urls.small, async (small) => {
        const rows = async (query: string) => (await big.query(query, [measuredId])).rows as object[];
        await insertRows(small, 'user', (await big.query('SELECT * FROM "user" ORDER BY id')).rows as object[]);
        await insertRows(small, 'text', await rows('SELECT * FROM text WHERE id = $1'));
        await insertRows(small, 'text_version', await rows('SELECT * FROM text_version WHERE text_id = $1'));
        await insertRows(small, 'layer', await rows('SELECT * FROM layer WHERE text_id = $1 ORDER BY id'));
        await insertRows(small, 'gloss', await rows('SELECT * FROM gloss WHERE text_id = $1 ORDER BY id'));
        await insertRows(small, 'anchor', await rows('SELECT a.* FROM anchor a JOIN gloss g ON g.id = a.gloss_id WHERE g.text_id = $1 ORDER BY a.gloss_id'));
        await insertRows(small, 'reply', await rows('SELECT r.* FROM reply r JOIN gloss g ON g.id = r.gloss_id WHERE g.text_id = $1 ORDER BY r.id'));
        await settle(small);
      }),
    ),
  );

  return withClient(urls.big, async (client) => {
    const row = (await client.query<{ texts: number; glosses: number; replies: number; bytes: number }>(
      `SELECT (SELECT count(*) FROM text) AS texts, (SELECT count(*) FROM gloss) AS glosses, (SELECT count(*) FROM reply) AS replies,
              pg_database_size(current_database()) AS bytes`,
    )).rows[0];
    return { texts: Number(row.texts), glosses: Number(row.glosses), replies: Number(row.replies), slug, megabytes: Number(row.bytes) / 1024 / 1024, steps };
  });
}
