/**
 * Daf to Daf, the Fedify side of what comes in (docs/federation.md §7): which Notes come from a
 * followed group, reading one into a mirror layer (mirror.ts does the storing), and, once a
 * follow is accepted, what that group published lately, read from its outbox.
 */
import { Create, Group, Link, Note, traverseCollection, type Actor, type Context } from '@fedify/fedify';
import { followersHereOf } from '../../storage/federation-following.ts';
import type { AppContext } from '../context.ts';
import { remoteActor, remoteBody, sourceOf } from './inbound.ts';
import { readFollowedGloss, readLinkedAnnotation, receiveFollowedGloss, receiveFollowedReply, type Loader } from './mirror.ts';

/** How many of a followed group's latest posts are read from its outbox when it accepts. */
export const backfillLimit = 200;

/**
 * Whether a Note comes from a group some group here follows: its `audience` is that group, and
 * the Note and its author are on that group's server.
 */
export async function fromFollowedGroup(fctx: Context<AppContext>, note: Note): Promise<boolean> {
  const group = note.audienceId;
  if (!group || !note.id || note.id.origin !== group.origin || note.attributionId?.origin !== group.origin) return false;
  return (await followersHereOf(fctx.data.db, group.href)).length > 0;
}

/** A Note's Link tags (FEP-e232), as given in it: nothing is fetched. */
export async function linksOf(fctx: Context<AppContext>, note: Note): Promise<{ href: string; mediaType: string | null }[]> {
  const links: { href: string; mediaType: string | null }[] = [];
  for await (const tag of note.getTags({ documentLoader: fctx.documentLoader, contextLoader: fctx.contextLoader, suppressError: true })) {
    if (tag instanceof Link && tag.href) links.push({ href: tag.href.href, mediaType: tag.mediaType ?? null });
  }
  return links;
}

/**
 * Reads a followed group's Note by `author` into the mirror layers here: a gloss (its annotation
 * read `fresh`, the rest through the cache) on a text or on a gloss mirrored here, or a reply in
 * the thread of a gloss mirrored here.
 */
export async function mirrorNote(fctx: Context<AppContext>, fresh: Loader, note: Note, author: Actor): Promise<void> {
  if (!note.id || !note.audienceId) return;
  const links = await linksOf(fctx, note);
  const published = note.published ? new Date(note.published.epochMilliseconds).toISOString() : null;
  if (note.replyTargetId && !links.some((l) => l.mediaType?.includes('anno.jsonld'))) {
    const body = remoteBody(note.content?.toString() ?? '', sourceOf(note));
    if (body) await receiveFollowedReply(fctx.data, { uri: note.id.href, author: remoteActor(author), published, answers: note.replyTargetId.href, body });
    return;
  }
  const linked = await readLinkedAnnotation(fresh, note.id, links);
  if (!linked) return;
  const load: Loader = async (url) => (await fctx.documentLoader(url)).document;
  const gloss = await readFollowedGloss(load, { uri: note.id, group: note.audienceId, author: remoteActor(author), published, replyTo: note.replyTargetId, annotationUrl: linked.url, annotation: linked.annotation });
  if (gloss) await receiveFollowedGloss(fctx.data, gloss);
}

/**
 * What a group published before it was followed: the newest `backfillLimit` items of its outbox,
 * read from its own server, oldest first, each a Create of a Note taken in as if delivered (the same checks:
 * its audience is the group, it and its author are on the group's server). A failure is logged
 * and ends the reading; the follow stands.
 */
export async function backfill(fctx: Context<AppContext>, fresh: Loader, groupUri: URL): Promise<number> {
  let taken = 0;
  try {
    const group = await fctx.lookupObject(groupUri);
    if (!(group instanceof Group) || group.id?.href !== groupUri.href) return 0;
    const outbox = await group.getOutbox(fctx);
    if (!outbox) return 0;
    // Newest first there; taken oldest first here, so a reply finds the gloss it answers.
    const creates: Create[] = [];
    for await (const item of traverseCollection(outbox, { documentLoader: fctx.documentLoader, contextLoader: fctx.contextLoader, suppressError: true })) {
      if (creates.length >= backfillLimit) break;
      if (item instanceof Create && item.id?.origin === groupUri.origin) creates.push(item);
    }
    for (const item of creates.reverse()) {
      const note = await item.getObject(fctx);
      if (!(note instanceof Note) || !(await fromFollowedGroup(fctx, note))) continue;
      const author = await item.getActor(fctx);
      if (!author?.id || author.id.href !== note.attributionId?.href) continue;
      await mirrorNote(fctx, fresh, note, author);
      taken++;
    }
  } catch (err) {
    fctx.data.log(`federation: reading the outbox of ${groupUri.href} stopped: ${err instanceof Error ? err.message : String(err)}`);
  }
  return taken;
}
