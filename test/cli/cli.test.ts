/**
 * The `daf` command, run as users run it: `node server/cli/daf.js …` in a child process, each
 * on a database of its own — a file in a temporary folder, or on the `server-pg` project a
 * PostgreSQL database (`--database-url`). Spawning costs about a second, so each spawn checks
 * several things. What only files have (backups, usage mistakes that must create no file):
 * cli.sqlite.test.ts.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../server/main.ts';
import { ensureLocalUser } from '../../server/services/auth.ts';
import { createGloss } from '../../server/services/glosses.ts';
import { createLayer } from '../../server/services/layers.ts';
import { createGroup } from '../../server/services/groups.ts';
import type { DB } from '../../server/storage/database.ts';
import { migrationsFor } from '../../server/storage/migrate.ts';
import { openDatabase } from '../../server/storage/open-database.ts';
import { docx } from '../helpers/docx.ts';
import { useTempDir } from '../helpers/fixtures.ts';
import { runDaf, type Run } from '../helpers/run-daf.ts';
import { databaseArgs, newTestDatabase, testDialect } from '../helpers/test-database.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = path.join(root, 'fixtures/sefaria');

/** Runs `daf args…` to completion; DAF_DB, PORT and DAF_BASE_URL are cleared unless `env` sets them. */
function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runDaf(args, { cwd: tmp, env, clear: ['DAF_DB', 'DAF_DATABASE_URL', 'PORT', 'DAF_BASE_URL'] });
}

let tmp: string;

/** The databases this file made, to drop at its end (PostgreSQL's; files go with the folder). */
const made: (() => Promise<void>)[] = [];

/** A new database for the command to use: `file` in the folder, or a PostgreSQL database; `migrated` as newTestDatabase takes it. */
async function database(file: string, options: { migrated?: boolean } = {}): Promise<string> {
  const { location, drop } = await newTestDatabase(tmp, { file, ...options });
  made.push(drop);
  return location;
}

/** Reads the database at `location` with `read`, on a connection of its own. */
async function reading<T>(location: string, read: (db: DB) => Promise<T>): Promise<T> {
  const opened = await openDatabase(location, { migrate: false, poolMax: 1 });
  try {
    return await read(opened.db);
  } finally {
    await opened.close();
  }
}

const markdown = [
  '# בְּרֵאשִׁית',
  '',
  'בְּרֵאשִׁית בָּרָא אֱלֹהִים 😀 אֵת הַשָּׁמַיִם וְאֵת הָאָרֶץ׃',
  '',
  'A line with 𝔸 and then light.',
].join('\n');

describe('the daf command line', { timeout: 90_000 }, () => {
  let textDb: string;
  let sefariaDb: string;
  let slug: string;
  let projection: string;

  const dir = useTempDir('daf-cli-');
  beforeAll(async () => {
    tmp = dir.path;
    textDb = await database('text.db', { migrated: true });
    sefariaDb = await database(path.join('sefaria', 'avot.db'), { migrated: true });
  });
  afterAll(async () => {
    await Promise.all(made.splice(0).map((drop) => drop()));
  });

  it('imports a Markdown file with nikkud and an emoji, into the database the options name', async () => {
    const file = path.join(tmp, 'bereshit.md');
    fs.writeFileSync(file, markdown);
    const decoy = path.join(tmp, 'decoy.db');
    // --db (or --database-url) wins over DAF_DB.
    const r = await run(['import', file, '--title', 'Bereshit', '--lang', 'he', ...databaseArgs(textDb)], { DAF_DB: decoy });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({ text: expect.any(String), version: 1 });
    slug = out.text;
    expect(slug).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    expect(fs.existsSync(decoy)).toBe(false);

    await reading(textDb, async (db) => {
      const text = await db.selectFrom('text').select(['id', 'title', 'language', 'direction']).where('slug', '=', slug).executeTakeFirstOrThrow();
      expect(text).toMatchObject({ title: 'Bereshit', language: 'he' });
      const version = await db.selectFrom('text_version').select('projection').where('text_id', '=', text.id).where('number', '=', 1).executeTakeFirstOrThrow();
      projection = version.projection;
    });
    expect(projection).toBe('בְּרֵאשִׁית\nבְּרֵאשִׁית בָּרָא אֱלֹהִים 😀 אֵת הַשָּׁמַיִם וְאֵת הָאָרֶץ׃\nA line with 𝔸 and then light.');
  });

  it("imports a group's text with --group, keeping Markdown's structure and not repeating the title", async () => {
    const groupDb = await database('group.db', { migrated: true });
    const opened = await openDatabase(groupDb);
    try {
      const ctx = createContext(opened.db);
      await createGroup(ctx, await ensureLocalUser(opened.db, 'olga'), { slug: 'circle', name: 'Circle', visibility: 'private', joinPolicy: 'invite' });
      await ensureLocalUser(opened.db, 'stranger');
    } finally {
      await opened.close();
    }
    const file = path.join(tmp, 'ethics.md');
    fs.writeFileSync(file, '# Ethics\n\nThree kinds of friendship:\n\n- utility\n- pleasure\n- the good\n\n> Quoted.\n');
    // Someone outside a private group does not even see it.
    const refused = await run(['import', file, '--title', 'Ethics', '--group', 'circle', '--owner', 'stranger', ...databaseArgs(groupDb)]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Group "circle" not found/);
    const r = await run(['import', file, '--title', 'Ethics', '--group', 'circle', '--owner', 'olga', ...databaseArgs(groupDb)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await reading(groupDb, async (db) => {
      const text = await db
        .selectFrom('text as t')
        .innerJoin('reading_group as g', 'g.id', 't.group_id')
        .select(['t.id', 't.visibility', 'g.slug as grp'])
        .where('t.slug', '=', JSON.parse(r.stdout).text)
        .executeTakeFirstOrThrow();
      expect(text).toMatchObject({ visibility: 'group', grp: 'circle' });
      const version = await db.selectFrom('text_version').select(['projection', 'doc']).where('text_id', '=', text.id).executeTakeFirstOrThrow();
      expect(version.projection).toBe('Three kinds of friendship:\nutility\npleasure\nthe good\nQuoted.');
      expect(JSON.parse(version.doc).content.map((n: { type: string }) => n.type)).toEqual(['paragraph', 'bullet_list', 'blockquote']);
    });
  });

  it('imports an HTML page and a Word document by their extensions', async () => {
    const richDb = await database('rich.db', { migrated: true });
    const page = path.join(tmp, 'essay.html');
    fs.writeFileSync(page, '<html><body><nav>Menu</nav><h1>Essay</h1><p onclick="x()">First <em>line</em>.</p><script>alert(1)</script><ul><li>one</li></ul></body></html>');
    const word = path.join(tmp, 'plan.docx');
    fs.writeFileSync(word, docx([{ heading: 1, text: 'Plan' }, { bullet: 'Week one' }, { runs: [{ text: 'Bring the text.' }] }]));
    const projections: string[] = [];
    for (const [file, title] of [
      [page, 'Essay'],
      [word, 'Plan'],
    ]) {
      const r = await run(['import', file, '--title', title, ...databaseArgs(richDb)]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const row = await reading(richDb, (db) =>
        db
          .selectFrom('text as t')
          .innerJoin('text_version as v', 'v.text_id', 't.id')
          .select('v.projection')
          .where('t.slug', '=', JSON.parse(r.stdout).text)
          .executeTakeFirstOrThrow(),
      );
      projections.push(row.projection);
    }
    expect(projections).toEqual(['First line.\none', 'Week one\nBring the text.']);
  });

  it('imports Sefaria files into the database DAF_DB (or DAF_DATABASE_URL) names, and prints a summary', async () => {
    const r = await run(['import-sefaria', path.join(fixtures, 'pirkei_avot.he.json'), path.join(fixtures, 'bartenura_on_pirkei_avot.he.json')], {
      [testDialect === 'postgres' ? 'DAF_DATABASE_URL' : 'DAF_DB']: sefariaDb,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ text: expect.any(String), segments: 18 });
    expect(summary.layers).toHaveLength(1);
    const [layer] = summary.layers;
    expect(layer).toMatchObject({ slug: expect.any(String), glosses: 64 });
    expect(Object.keys(layer.anchors)).toEqual(expect.arrayContaining(['exact', 'fuzzy', 'segment', 'orphan']));
    expect(Object.values(layer.anchors as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(64);
    expect(layer.anchors.exact).toBe(62);
    if (testDialect === 'sqlite') expect(fs.existsSync(sefariaDb)).toBe(true);
    expect(fs.existsSync(path.join(tmp, 'data', 'daf.db'))).toBe(false);
  });

  it('exports a layer as an AnnotationCollection with every annotation embedded', async () => {
    const summary = await reading(sefariaDb, (db) =>
      db.selectFrom('layer as l').innerJoin('text as t', 't.id', 'l.text_id').select(['t.slug as text', 'l.slug as layer']).executeTakeFirstOrThrow(),
    );
    const r = await run(['export-layer', summary.text, summary.layer, ...databaseArgs(sefariaDb), '--base-url', 'https://daf.example.org/']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c['@context']).toBe('http://www.w3.org/ns/anno.jsonld');
    expect(c.type).toBe('AnnotationCollection');
    expect(c.id).toBe(`https://daf.example.org/annotations/${summary.text}/${summary.layer}/`);
    expect(c.total).toBe(64);
    expect(c.first.type).toBe('AnnotationPage');
    expect(c.first.items).toHaveLength(64);
    for (const a of c.first.items) {
      expect(a.type).toBe('Annotation');
      expect(a.target.source).toBe(`https://daf.example.org/t/${summary.text}`);
      expect(a.target.selector.map((s: { type: string }) => s.type)).toEqual(['TextQuoteSelector', 'TextPositionSelector', 'FragmentSelector']);
      expect(a.body.format).toBe('text/markdown');
    }
    expect(c.first.items[0].target.selector[2]).toMatchObject({ value: '1:1', refinedBy: { type: 'TextQuoteSelector' } });
  });

  describe('on a text with astral characters and a private layer', () => {
    let start: number;

    beforeAll(async () => {
      // Add layers through the services, on the same database the CLI uses.
      const database = await openDatabase(textDb);
      try {
        const ctx = createContext(database.db);
        const owner = await ensureLocalUser(database.db, 'daf');
        await createLayer(ctx, owner, slug, { name: 'Notes', slug: 'notes', visibility: 'public' });
        await createLayer(ctx, owner, slug, { name: 'Secret', slug: 'secret', visibility: 'private' });
        await createGloss(ctx, owner, slug, 'notes', { target: { exact: 'light' }, body: { markdown: 'After 😀 and 𝔸.' } });
        await createGloss(ctx, owner, slug, 'notes', { target: { exact: 'אֱלֹהִים' }, body: { markdown: 'Before the emoji.' } });
        await createGloss(ctx, owner, slug, 'secret', { target: { exact: 'light' }, body: { markdown: 'Hidden.' } });
      } finally {
        await database.close();
      }
      start = projection.indexOf('light');
    });

    it('counts TextPositionSelector offsets in code points', async () => {
      const r = await run(['export-layer', slug, 'notes', ...databaseArgs(textDb)]);
      expect(r.code).toBe(0);
      const c = JSON.parse(r.stdout);
      expect(c.id).toBe(`http://localhost:8080/annotations/${slug}/notes/`);
      expect(c.first.items).toHaveLength(2);
      const [light, elohim] = c.first.items.map((a: any) => a.target.selector.find((s: { type: string }) => s.type === 'TextPositionSelector'));
      // Two astral characters (😀 and 𝔸) precede "light": two code points fewer than UTF-16 units.
      expect(light.start).toBe(start - 2);
      expect(light.end).toBe(start - 2 + 5);
      expect([...projection].slice(light.start, light.end).join('')).toBe('light');
      // Nothing astral precedes אֱלֹהִים: both counts agree.
      expect(elohim.start).toBe(projection.indexOf('אֱלֹהִים'));
      expect(c.first.items.map((a: any) => a.body.value.trim())).toEqual(['After 😀 and 𝔸.', 'Before the emoji.']);
    });

    it('refuses to export a private layer', async () => {
      const r = await run(['export-layer', slug, 'secret', ...databaseArgs(textDb)]);
      expect(r.code).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/secret/i);
      expect(r.stderr).not.toContain('Hidden.');
    });
  });

  it('migrates a database by hand, saying what ran, and tells what it has and lacks without changing it', async () => {
    const db = databaseArgs(await database('migrated.db'));
    const before = await run(['migrate', '--status', ...db]);
    expect(before.code, before.stderr).toBe(0);
    const status = JSON.parse(before.stdout) as { dialect: string; applied: string[]; pending: string[] };
    expect(status.dialect).toBe(testDialect);
    expect(status.applied).toEqual([]);
    // SQLite replays its whole history; PostgreSQL starts from its baseline (docs/postgres.md §2).
    expect(status.pending).toEqual(Object.keys(migrationsFor(testDialect)));
    expect(status.pending[0]).toBe(testDialect === 'sqlite' ? '2026_11_27_001_core' : '2026_12_07_115_postgres_baseline');
    const migrated = await run(['migrate', ...db]);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(JSON.parse(migrated.stdout)).toEqual({ dialect: testDialect, ran: status.pending, latest: status.pending.at(-1) });
    const after = JSON.parse((await run(['migrate', '--status', ...db])).stdout);
    expect(after).toEqual({ dialect: testDialect, applied: status.pending, pending: [] });
    expect(JSON.parse((await run(['migrate', ...db])).stdout).ran).toEqual([]);
  });

  it('refuses to serve with no queue worker or more than 64, before it opens the database', async () => {
    const db = await database('workers.db');
    for (const workers of ['0', '65']) {
      const r = await run(['serve', '--port', '0', '--federation', '--base-url', 'http://127.0.0.1:9', '--federation-workers', workers, ...databaseArgs(db)]);
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toContain('--federation-workers');
      expect(r.stdout).not.toContain('Daf is serving');
    }
  });

  it.each([
    ['from source (daf)', 'server/cli/daf.js'],
    ['built (npm start)', 'dist/server/daf.js'],
  ])('serves an empty database with the demo loaded (serve --port 0), %s', async (_, entry) => {
    const db = await database(`serve-${path.basename(path.dirname(entry))}.db`);
    const childEnv: NodeJS.ProcessEnv = { ...process.env };
    delete childEnv.DAF_DB;
    delete childEnv.DAF_DATABASE_URL;
    delete childEnv.PORT;
    delete childEnv.DAF_BASE_URL;
    const child = spawn(process.execPath, [path.join(root, entry), 'serve', '--port', '0', ...databaseArgs(db)], { cwd: tmp, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve did not start: ${stdout} ${stderr}`)), 30_000);
        child.stdout.setEncoding('utf8').on('data', (d) => {
          stdout += d;
          const m = /Daf is serving .* at (http:\/\/\S+)/.exec(stdout);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
      });
      expect(stdout).toContain('loaded the demo');
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
      const res = await fetch(`${url}/api/texts`);
      expect(res.status).toBe(200);
      const slugs = ((await res.json()) as { texts: { slug: string }[] }).texts.map((t) => t.slug);
      expect(slugs).toEqual(expect.arrayContaining(['pirkei-avot', 'pirkei-avot-en']));
      const glosses = await fetch(`${url}/api/texts/pirkei-avot/glosses`);
      expect(((await glosses.json()) as { glosses: unknown[] }).glosses.length).toBeGreaterThanOrEqual(64);
      // The reader's page and its script, from the built client.
      const page = await fetch(`${url}/`);
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1];
      expect(script).toBeDefined();
      expect((await fetch(`${url}${script}`)).status).toBe(200);
      // A web page read on a worker thread, whose code and converters load as they do in production.
      const headers = { 'content-type': 'application/json', origin: url };
      const signup = await fetch(`${url}/api/auth/signup`, { method: 'POST', headers, body: JSON.stringify({ handle: 'server-test', password: 'a long passphrase' }) });
      expect(signup.status).toBe(201);
      const cookie = signup.headers.get('set-cookie')!.split(';')[0];
      const preview = await fetch(`${url}/api/texts/preview`, {
        method: 'POST',
        headers: { ...headers, cookie },
        body: JSON.stringify({ title: 'Page', format: 'html', content: '<p>Read <b>slowly</b>.</p><script>alert(1)</script>' }),
      });
      expect(await preview.json()).toMatchObject({ blocks: 1, sample: [{ ref: null, text: 'Read slowly.' }] });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });
});
