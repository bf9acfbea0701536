/**
 * `layer.remote_group`: for a layer that mirrors a followed group's layer on another Daf
 * (docs/federation.md §7), that group's actor. A member's answer in its threads goes to that
 * group, which a group here following two groups on one server could not tell from the
 * container alone. Mirror layers made before keep null and are told by their server, as before.
 * Frozen: never import the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('layer').addColumn('remote_group', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('layer').dropColumn('remote_group').execute();
}
