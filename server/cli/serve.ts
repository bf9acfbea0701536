/** `daf serve`: serve Daf, loading the demo into an empty database. */
import { startServer } from '../main.ts';
import { UsageError } from './usage-error.ts';

export async function serveCommand({ values, db }: { values: Record<string, unknown>; db: string }) {
  const rawPort = (values.port as string | undefined) ?? process.env.PORT ?? '8080';
  const port = Number(rawPort);
  if (!/^[0-9]{1,5}$/.test(rawPort) || port > 65535) throw new UsageError(`--port must be a port number, not "${rawPort}"`);
  const server = await startServer({
    dbPath: db,
    port,
    host: (values.host as string | undefined) ?? process.env.HOST ?? '127.0.0.1',
    baseUrl: (values['base-url'] as string | undefined) ?? process.env.DAF_BASE_URL,
    demo: !values['no-demo'],
    log: (line) => console.log(line),
  });
  console.log(`Daf is serving ${db} at ${server.url}`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
