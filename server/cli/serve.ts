/** `daf serve`: serve Daf, loading the demo into an empty database. */
import { startServer } from '../main.ts';
import { digestCheckMs } from '../services/digests.ts';
import { defaultQueueWorkers, maxQueueWorkers } from '../services/federation/stores.ts';
import { defaultQuotas, mebibyte } from '../services/quotas.ts';
import { shownLocation } from '../storage/open-database.ts';
import { defaultInboxMaxBytes } from '../routes/federation.ts';
import { hostWarning } from './host-warning.ts';
import { UsageError } from './usage-error.ts';

/** Reads a whole-number option from its flag or its environment variable; `fallback` when neither is set. */
function countOption(values: Record<string, unknown>, flag: string, env: string, fallback: number): number {
  const raw = (values[flag] as string | undefined) ?? process.env[env];
  if (raw === undefined) return fallback;
  if (!/^[0-9]{1,15}$/.test(raw) || Number(raw) < 1) throw new UsageError(`--${flag} (or ${env}) must be a whole number above 0, not "${raw}"`);
  return Number(raw);
}

export async function serveCommand({ values, db }: { values: Record<string, unknown>; db: string }) {
  const rawPort = (values.port as string | undefined) ?? process.env.PORT ?? '8080';
  const port = Number(rawPort);
  if (!/^[0-9]{1,5}$/.test(rawPort) || port > 65535) throw new UsageError(`--port must be a port number, not "${rawPort}"`);
  const host = (values.host as string | undefined) ?? process.env.HOST ?? '127.0.0.1';
  const baseUrl = (values['base-url'] as string | undefined) ?? process.env.DAF_BASE_URL;
  if (baseUrl !== undefined && !URL.canParse(baseUrl)) {
    throw new UsageError(`--base-url must be a URL, like https://daf.example.org, not "${baseUrl}"`);
  }
  const migrate = process.env.DAF_MIGRATE ?? 'auto';
  if (migrate !== 'auto' && migrate !== 'off') throw new UsageError(`DAF_MIGRATE is auto or off, not "${migrate}"`);
  const limitStore = process.env.DAF_LIMIT_STORE ?? 'database';
  if (limitStore !== 'database' && limitStore !== 'memory') throw new UsageError(`DAF_LIMIT_STORE is database or memory, not "${limitStore}"`);
  const federationSwitch = process.env.DAF_FEDERATION ?? 'off';
  if (federationSwitch !== 'on' && federationSwitch !== 'off') throw new UsageError(`DAF_FEDERATION is on or off, not "${federationSwitch}"`);
  const federation = values.federation === true || federationSwitch === 'on';
  if (federation && baseUrl === undefined) {
    throw new UsageError('Federation needs --base-url (or DAF_BASE_URL): the public origin every ActivityPub id is made from, like https://daf.example.org');
  }
  const allowPrivate = /^(1|true|yes)$/i.test(process.env.DAF_FEDERATION_ALLOW_PRIVATE ?? '');
  if (federation && allowPrivate) {
    console.error('Warning: DAF_FEDERATION_ALLOW_PRIVATE is set: this server will fetch from and deliver to loopback and private addresses. Use it only for tests or a closed network.');
  }
  const inboxMaxBytes = countOption(values, 'inbox-max-bytes', 'DAF_INBOX_MAX_BYTES', defaultInboxMaxBytes);
  const queueWorkers = countOption(values, 'federation-workers', 'DAF_FEDERATION_WORKERS', defaultQueueWorkers);
  if (queueWorkers > maxQueueWorkers) throw new UsageError(`--federation-workers (or DAF_FEDERATION_WORKERS) is at most ${maxQueueWorkers}, not ${queueWorkers}`);
  const warning = hostWarning(host, baseUrl);
  if (warning) console.error(warning);
  const server = await startServer({
    dbPath: db,
    port,
    host,
    baseUrl,
    trustProxy: values['trust-proxy'] === true || /^(1|true|yes)$/i.test(process.env.DAF_TRUST_PROXY ?? ''),
    quotas: {
      textsPerAccount: countOption(values, 'quota-texts', 'DAF_QUOTA_TEXTS', defaultQuotas.textsPerAccount),
      bytesPerAccount: countOption(values, 'quota-mb', 'DAF_QUOTA_MB', defaultQuotas.bytesPerAccount / mebibyte) * mebibyte,
    },
    demo: !values['no-demo'],
    limitStore,
    federation: federation ? { allowPrivateAddress: allowPrivate, inboxMaxBytes, queueWorkers } : undefined,
    database: {
      poolMax: countOption(values, 'pg-pool-max', 'DAF_PG_POOL_MAX', 10),
      migrate: migrate === 'auto',
    },
    log: (line) => console.log(line),
  });
  console.log(`Daf is serving ${shownLocation(db)} at ${server.url}`);
  if (federation) console.log(`Federation is on: groups that opt in can be followed as @slug@${new URL(baseUrl!).host}`);
  console.log(
    server.context.mailOn
      ? `Digests: looking every ${digestCheckMs / 60_000} minutes for those due`
      : 'Mail is off (no DAF_SMTP_URL): no digests, and mail to confirm an address goes to this log',
  );
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
