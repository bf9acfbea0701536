/**
 * `daf <command>`: serve, import, import-sefaria, export-layer, backup, digest, migrate,
 * migrate-to-postgres, doctor. Every
 * command takes `--db PATH` (default `./data/daf.db`, or `DAF_DB`), or `--database-url URL` (or
 * `DAF_DATABASE_URL`) for PostgreSQL. Errors go to stderr with exit code 1 (2 for a usage
 * mistake); results go to stdout.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError } from '../errors.ts';
import { isPostgresUrl } from '../storage/open-database.ts';
import { backupCommand } from './backup.ts';
import { digestCommand } from './digest.ts';
import { exportLayerCommand } from './export-layer.ts';
import { importCommand } from './import.ts';
import { importSefariaCommand } from './import-sefaria.ts';
import { doctorCommand } from './doctor.ts';
import { migrateCommand } from './migrate.ts';
import { migrateToPostgresCommand } from './migrate-to-postgres.ts';
import { serveCommand } from './serve.ts';
import { UsageError } from './usage-error.ts';

const usage = `Usage: daf <command> [options]

Commands:
  serve                         Serve Daf (loads the demo into an empty database)
        [--port N] [--host H] [--base-url URL] [--no-demo]
        [--quota-texts N] [--quota-mb N]   per-account storage quotas (default 1000 texts, 256 MiB)
        [--trust-proxy]                    client addresses from X-Forwarded-For (behind a proxy)
        [--pg-pool-max N]                  PostgreSQL connections (DAF_PG_POOL_MAX, default 10);
                                           DAF_MIGRATE=off starts without migrating
        [--federation]                     federate over ActivityPub (DAF_FEDERATION=on); needs
                                           --base-url, the public origin every id is made from
  import FILE --title T         Import a text from a file
        [--slug S] [--lang L] [--format markdown|plain|prosemirror|html|docx]
        [--direction ltr|rtl|auto] [--license L] [--attribution A] [--owner HANDLE] [--private]
        [--group SLUG] [--visibility public|group|private]   a group's text (the owner must curate it)
  import-sefaria BASE.json [COMMENTARY.json…]
                                Import a Sefaria text and its commentaries (one layer each);
        [--slug S] [--title T] [--owner HANDLE]      prints a JSON summary
  export-layer TEXT LAYER       Print a layer as a W3C AnnotationCollection, all pages embedded
        [--base-url URL]
  backup OUT.db                 Write a consistent copy of the database (safe while serving)
  digest                        Mail the e-mail digests that are due (needs DAF_SMTP_URL);
        [--now] [--base-url URL]           --now: every digest that is on, whatever its schedule
  migrate                       Bring the database's schema to the latest; prints what ran
        [--status]                         print the migrations it has and lacks, changing nothing
  migrate-to-postgres --from FILE.db --to postgres://URL
                                Copy a SQLite database into an empty PostgreSQL one, in one
        [--dry-run]                        transaction, and prove the copy; --dry-run rolls it back
  doctor                        Check the database: its server, settings, migrations and, on
                                PostgreSQL, LISTEN/NOTIFY; exit 1 if a check fails

Every command (but migrate-to-postgres) takes --db PATH (default ./data/daf.db, or the DAF_DB
environment variable), or --database-url postgres://… (or DAF_DATABASE_URL) for PostgreSQL,
PostgreSQL (docs/postgres.md).
`;

const commands: Record<string, { options: ParseArgsConfig['options']; run: (args: { values: Record<string, unknown>; positionals: string[]; db: string }) => Promise<void> }> = {
  serve: {
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'base-url': { type: 'string' },
      'no-demo': { type: 'boolean' },
      'quota-texts': { type: 'string' },
      'quota-mb': { type: 'string' },
      'trust-proxy': { type: 'boolean' },
      'pg-pool-max': { type: 'string' },
      federation: { type: 'boolean' },
      'inbox-max-bytes': { type: 'string' },
      'federation-workers': { type: 'string' },
    },
    run: serveCommand,
  },
  import: {
    options: {
      title: { type: 'string' },
      slug: { type: 'string' },
      lang: { type: 'string' },
      format: { type: 'string' },
      direction: { type: 'string' },
      license: { type: 'string' },
      attribution: { type: 'string' },
      owner: { type: 'string' },
      private: { type: 'boolean' },
      group: { type: 'string' },
      visibility: { type: 'string' },
    },
    run: importCommand,
  },
  'import-sefaria': {
    options: { slug: { type: 'string' }, title: { type: 'string' }, owner: { type: 'string' } },
    run: importSefariaCommand,
  },
  'export-layer': { options: { 'base-url': { type: 'string' } }, run: exportLayerCommand },
  backup: { options: {}, run: backupCommand },
  digest: { options: { now: { type: 'boolean' }, 'base-url': { type: 'string' } }, run: digestCommand },
  migrate: { options: { status: { type: 'boolean' } }, run: migrateCommand },
  'migrate-to-postgres': { options: { from: { type: 'string' }, to: { type: 'string' }, 'dry-run': { type: 'boolean' } }, run: migrateToPostgresCommand },
  doctor: { options: {}, run: doctorCommand },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`daf: unknown command "${name}"\n\n${usage}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...command.options, db: { type: 'string' }, 'database-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    process.stderr.write(`daf ${name}: ${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const url = (parsed.values['database-url'] as string | undefined) ?? process.env.DAF_DATABASE_URL;
  if (url !== undefined && !isPostgresUrl(url)) {
    process.stderr.write(`daf ${name}: --database-url (or DAF_DATABASE_URL) is a postgres:// URL, not "${url}"\n\n${usage}`);
    return 2;
  }
  const db = url ?? (parsed.values.db as string | undefined) ?? process.env.DAF_DB ?? './data/daf.db';
  try {
    await command.run({ values: parsed.values, positionals: parsed.positionals, db });
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`daf ${name}: ${e.message}\n\n${usage}`);
      return 2;
    }
    if (e instanceof AppError) {
      process.stderr.write(`daf ${name}: ${e.message} (${e.code})\n`);
      return 1;
    }
    process.stderr.write(`daf ${name}: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
if (code !== 0 || process.argv[2] !== 'serve') process.exitCode = code;
