/**
 * How published posts thread where they go: the revision of each post's Note now published,
 * and the Note a post answers (`inReplyTo`), which for a reply from elsewhere is its Note there.
 */
import type { DB } from '../../storage/database.ts';
import { publishedObject, replyRemoteUri } from '../../storage/federation.ts';
import type { ApUrls } from './notes.ts';

/** The revision of a post's Note now published, or null when none ever was. */
export async function publishedRevision(db: DB, kind: 'gloss' | 'reply', id: number): Promise<number | null> {
  return (await publishedObject(db, kind, id))?.revision ?? null;
}

/** What a post answers, as a Note id: the gloss a gloss comments on, the reply or gloss a reply answers. */
export async function inReplyToOf(
  db: DB,
  row: { kind: 'gloss' | 'reply'; gloss_id: number; target_gloss_id: number | null; parent_reply_id: number | null },
  urls: ApUrls,
): Promise<URL | null> {
  if (row.kind === 'gloss') {
    if (row.target_gloss_id === null) return null;
    return urls.note('gloss', row.target_gloss_id, (await publishedRevision(db, 'gloss', row.target_gloss_id)) ?? 1);
  }
  if (row.parent_reply_id !== null) {
    // A reply from elsewhere is answered where it lives: its Note there.
    const remote = await replyRemoteUri(db, row.parent_reply_id);
    if (remote !== null) return new URL(remote);
    return urls.note('reply', row.parent_reply_id, (await publishedRevision(db, 'reply', row.parent_reply_id)) ?? 1);
  }
  return urls.note('gloss', row.gloss_id, (await publishedRevision(db, 'gloss', row.gloss_id)) ?? 1);
}
