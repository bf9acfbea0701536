/**
 * What the `daf` command does with SQLite files, and only with them: backups (PostgreSQL's are
 * pg_dump's), and usage mistakes that must leave no file behind. The rest of the command line,
 * on either dialect: cli.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/fixtures.ts';
import { runDaf, type Run } from '../helpers/run-daf.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/sefaria', import.meta.url));

/** Runs `daf args…` to completion; DAF_DB, DAF_DATABASE_URL, PORT and DAF_BASE_URL are cleared unless `env` sets them. */
function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runDaf(args, { cwd: tmp, env, clear: ['DAF_DB', 'DAF_DATABASE_URL', 'PORT', 'DAF_BASE_URL'] });
}

let tmp: string;

describe('the daf command line on SQLite files', { timeout: 90_000 }, () => {
  /** A file holding Pirkei Avot with Bartenura's 64 comments, and one holding a small text. */
  let sefariaDb: string;
  let textDb: string;

  const dir = useTempDir('daf-cli-files-');
  beforeAll(async () => {
    tmp = dir.path;
    sefariaDb = path.join(tmp, 'avot.db');
    textDb = path.join(tmp, 'text.db');
    const sefaria = await run(['import-sefaria', path.join(fixtures, 'pirkei_avot.he.json'), path.join(fixtures, 'bartenura_on_pirkei_avot.he.json'), '--db', sefariaDb]);
    expect(sefaria.code, sefaria.stderr).toBe(0);
    fs.writeFileSync(path.join(tmp, 'small.md'), 'A small text.');
    const text = await run(['import', path.join(tmp, 'small.md'), '--title', 'Small', '--db', textDb]);
    expect(text.code, text.stderr).toBe(0);
  });

  it('backs up to a file that opens, passes integrity_check and holds the same glosses; never overwrites', async () => {
    const out = path.join(tmp, 'backup.db');
    const r = await run(['backup', out, '--db', sefariaDb]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ backup: out, pages: expect.any(Number) });
    const count = (file: string) => {
      const sqlite = new SQLite(file, { readonly: true });
      try {
        expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
        return (sqlite.prepare('SELECT count(*) AS n FROM gloss').get() as { n: number }).n;
      } finally {
        sqlite.close();
      }
    };
    expect(count(out)).toBe(64);
    expect(count(out)).toBe(count(sefariaDb));

    const before = fs.statSync(out);
    const again = await run(['backup', out, '--db', textDb]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/exists/);
    const after = fs.statSync(out);
    expect(after.size).toBe(before.size);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(count(out)).toBe(64);
  });

  it('takes only a postgres:// URL as --database-url, and backs up only SQLite files', async () => {
    const wrong = await run(['migrate', '--database-url', path.join(tmp, 'x.db')]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('is a postgres:// URL');
    const backup = await run(['backup', path.join(tmp, 'pg-backup.db')], { DAF_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(backup.code).toBe(2);
    expect(backup.stderr).toContain('pg_dump');
    expect(fs.existsSync(path.join(tmp, 'pg-backup.db'))).toBe(false);
  });

  it('exits 2 with the usage for an unknown command or a missing argument', async () => {
    const r = await run(['frobnicate', '--db', path.join(tmp, 'never.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
    expect(r.stderr).toContain('Usage: daf <command>');
    for (const command of ['serve', 'import', 'import-sefaria', 'export-layer', 'backup', 'migrate']) expect(r.stderr).toContain(command);
    expect(r.stdout).toBe('');
    expect(fs.existsSync(path.join(tmp, 'never.db'))).toBe(false);

    const noTitle = await run(['import', path.join(tmp, 'bereshit.md'), '--db', path.join(tmp, 'never.db')]);
    expect(noTitle.code).toBe(2);
    expect(noTitle.stderr).toContain('--title');
    expect(noTitle.stderr).toContain('Usage: daf <command>');
    expect(fs.existsSync(path.join(tmp, 'never.db'))).toBe(false);

    const badQuota = await run(['serve', '--quota-mb', 'lots', '--db', path.join(tmp, 'never.db')]);
    expect(badQuota.code).toBe(2);
    expect(badQuota.stderr).toContain('--quota-mb');
    expect(fs.existsSync(path.join(tmp, 'never.db'))).toBe(false);
  });

});
