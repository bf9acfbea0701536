/**
 * `daf digest [--now]`, run as an operator runs it (a child process of `server/cli/daf.js`), on
 * the database of a test app, mailing a real SMTP server in this process through
 * `DAF_SMTP_URL`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { partOf, useMailServer } from '../helpers/mail-server.ts';
import { runDaf } from '../helpers/run-daf.ts';
import { databaseArgs } from '../helpers/test-database.ts';
import { createLayer, createText, useTestApp, writeGloss, type TestClient } from '../helpers/test-app.ts';

/** Runs `daf args…` with `env`; the mail, database and base-URL variables are cleared unless `env` sets them. */
const run = (args: string[], env: Record<string, string> = {}) => runDaf(args, { env, clear: ['DAF_SMTP_URL', 'DAF_DB', 'DAF_DATABASE_URL', 'DAF_BASE_URL', 'DAF_MAIL_FROM'] });

describe('daf digest', { timeout: 90_000 }, () => {
  const smtp = useMailServer();
  const t = useTestApp(() => ({ options: { mailer: smtp.mailer() } }));
  let cy: TestClient;
  let slug: string;
  let layer: string;
  /** The options naming the test app's database (a file, or on PostgreSQL a URL). */
  let db: string[];

  /** Signs `handle` up with a confirmed address (set in the database) and `digest` chosen. */
  async function reader(handle: string, digest: 'daily' | 'weekly'): Promise<TestClient> {
    const client = await t.signup(handle);
    await t.database.db.updateTable('user').set({ email: `${handle}@example.org`, email_verified_at: new Date().toISOString() }).where('handle', '=', handle).execute();
    expect((await client.patch('/api/me', { digest })).status).toBe(200);
    return client;
  }

  beforeAll(async () => {
    db = databaseArgs(t.location);
    cy = await t.signup('cy');
    slug = await createText(cy, { title: 'By the command line', content: 'Send what is due, and no more.' });
    layer = await createLayer(cy, slug, { name: 'Notes', writePolicy: 'signed_in' });
    const ada = await reader('ada', 'daily');
    const bob = await reader('bob', 'weekly');
    await writeGloss(ada, slug, layer, { exact: 'Send' }, 'Ada follows.');
    await writeGloss(bob, slug, layer, { exact: 'what is due' }, 'Bob follows.');
    await writeGloss(cy, slug, layer, { exact: 'no more' }, 'Cy: zzfirstqx');
  });

  it('refuses without mail, saying so', async () => {
    const r = await run(['digest', ...db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no DAF_SMTP_URL.*\(mail_off\)/);
    expect(smtp.inbox).toHaveLength(0);
  });

  it('sends the digests that are due, then none until they are due again; --now sends every one that is on', async () => {
    const env = { DAF_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, DAF_MAIL_FROM: 'Daf <digests@daf.example>' };
    const first = await run(['digest', ...db, '--base-url', 'https://daf.example.org/'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('Sent 2 digests (2 people due, 0 failed)\n');
    expect(smtp.inbox.map((m) => m.to[0]).sort()).toEqual(['ada@example.org', 'bob@example.org']);
    expect(smtp.inbox[0].from).toBe('digests@daf.example');
    const text = partOf(smtp.inbox[0], 'text/plain');
    expect(text).toContain('zzfirstqx');
    expect(text).toContain(`https://daf.example.org/t/${slug}#g-`);
    expect(text).toMatch(/https:\/\/daf\.example\.org\/api\/unsubscribe\/[A-Za-z0-9_-]{43}/);

    const again = await run(['digest', ...db], env);
    expect(again.stdout).toBe('Sent 0 digests (0 people due, 0 failed)\n');
    expect(smtp.inbox).toHaveLength(2);

    await writeGloss(cy, slug, layer, { exact: 'and no' }, 'Cy again: zzsecondqx');
    const now = await run(['digest', '--now', ...db], env);
    expect(now.code).toBe(0);
    expect(now.stdout).toBe('Sent 2 digests (2 people due, 0 failed)\n');
    expect(smtp.inbox).toHaveLength(4);
    for (const mail of smtp.inbox.slice(2)) {
      expect(partOf(mail, 'text/plain')).toContain('zzsecondqx');
      expect(partOf(mail, 'text/plain')).not.toContain('zzfirstqx');
    }
  });

  it('exits 2 with the usage for an argument it does not take', async () => {
    const r = await run(['digest', 'extra', ...db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('digest takes no arguments');
  });
});
