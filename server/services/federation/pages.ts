/**
 * Where a browser that follows a federation id lands: an actor's page (a group's, a person's),
 * a post on its text's page. The same rules as the ActivityStreams documents: 404 for anything
 * those would not serve.
 */
import { notFound } from '../../errors.ts';
import { federablePost } from '../../storage/federation.ts';
import type { AppContext } from '../context.ts';
import { federatedGroup, livePerson, parseActor, type DafFederation } from './federation.ts';
import { parseNoteKey } from './notes.ts';

export async function localActorPage(ctx: AppContext, fed: DafFederation, identifier: string): Promise<string> {
  const ref = parseActor(identifier);
  if (ref?.kind === 'app') return `${fed.urls.base}/`;
  if (ref?.kind === 'group' && (await federatedGroup(ctx.db, ref.slug))) return fed.urls.daf.group(ref.slug);
  if (ref?.kind === 'user' && (await livePerson(ctx.db, ref.handle))) return fed.urls.daf.person(ref.handle);
  throw notFound(`Actor ${identifier}`);
}

export async function federablePostPage(ctx: AppContext, fed: DafFederation, key: string): Promise<string> {
  const note = parseNoteKey(key);
  const row = note ? await federablePost(ctx.db, note.kind, note.id) : undefined;
  if (!row) throw notFound(`Note ${key}`);
  return fed.urls.daf.glossOnPage(row.text_slug, row.gloss_id);
}
