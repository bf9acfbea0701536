/**
 * `layer.remote_group`: for a layer that mirrors a followed group's layer on another Daf
 * (docs/federation.md §7), that group's actor. A member's answer in its threads goes to that
 * group, which a group here following two groups on one server could not tell from the
 * container alone. A mirror layer made before gets the group its group follows on that server
 * when there is exactly one; otherwise it keeps null, and its answers go, as before, to the first
 * group followed on that server.
 * Frozen: never import the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('layer').addColumn('remote_group', 'text').execute();
  const mirrors = await db.selectFrom('layer').select(['id', 'group_id', 'remote_uri']).where('remote_uri', 'is not', null).where('group_id', 'is not', null).execute();
  for (const layer of mirrors) {
    const origin = new URL(String(layer.remote_uri)).origin;
    const followed = await db.selectFrom('fed_following').select('actor_uri').where('group_id', '=', layer.group_id).execute();
    const there = followed.filter((f) => new URL(String(f.actor_uri)).origin === origin);
    if (there.length === 1) await db.updateTable('layer').set({ remote_group: there[0].actor_uri }).where('id', '=', layer.id).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('layer').dropColumn('remote_group').execute();
}
