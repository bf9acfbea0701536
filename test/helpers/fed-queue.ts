/** Waiting for a federated Daf server to have done what it was given to do. */
import type { RunningServer } from '../../server/main.ts';

/**
 * Lets the publisher read the log, then waits until Fedify's queue (inbox work, deliveries) is
 * empty; `why`, if given, says in the error what the server logged meanwhile.
 */
export async function settleFederation(daf: RunningServer, why: () => string = () => ''): Promise<void> {
  await daf.publisher!.pass();
  for (let i = 0; i < 200; i++) {
    const { n } = await daf.database.db.selectFrom('fed_queue').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    if (Number(n) === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the federation queue did not empty${why()}`);
}
