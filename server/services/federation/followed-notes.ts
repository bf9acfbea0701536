/**
 * Daf to Daf, the Fedify side of what comes in (docs/federation.md §7): which Notes come from a
 * followed group, reading one into a mirror layer (mirror.ts does the storing), and, once a
 * follow is accepted, what that group published lately, read from its outbox.
 */
import { Create, Group, Link, Note, type Actor, type Context } from '@fedify/fedify';
import { federableAnswer } from '../../storage/federation.ts';
import { followersHereOf } from '../../storage/federation-following.ts';
import type { AppContext } from '../context.ts';
import { remoteActor, remoteBody, sourceOf } from './inbound.ts';
import { readFollowedGloss, readLinkedAnnotation, receiveFollowedGloss, receiveFollowedReply, storeFollowedReply, type Loader } from './mirror.ts';

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
    if (body) await receiveFollowedReply(fctx.data, { group: note.audienceId.href, uri: note.id.href, author: remoteActor(author), published, answers: note.replyTargetId.href, body });
    return;
  }
  const linked = await readLinkedAnnotation(fresh, note.id, links);
  if (!linked) return;
  const load: Loader = async (url) => (await fctx.documentLoader(url)).document;
  const gloss = await readFollowedGloss(load, { uri: note.id, group: note.audienceId, author: remoteActor(author), published, replyTo: note.replyTargetId, annotationUrl: linked.url, annotation: linked.annotation });
  if (gloss) await receiveFollowedGloss(fctx.data, gloss);
}

/** A reply in a followed group's thread that answers a reply a member here sent there: it goes under that reply here. */
export async function answerToAnswer(fctx: Context<AppContext>, note: Note, author: Actor, answerId: number): Promise<void> {
  const answer = await federableAnswer(fctx.data.db, answerId);
  const body = remoteBody(note.content?.toString() ?? '', sourceOf(note));
  if (!answer || !body || !note.id || !note.audienceId) return;
  const published = note.published ? new Date(note.published.epochMilliseconds).toISOString() : null;
  await storeFollowedReply(fctx.data, { group: note.audienceId.href, uri: note.id.href, author: remoteActor(author), published, answers: note.replyTargetId!.href, body }, [
    { glossId: answer.gloss_id, parentId: answer.id },
  ]);
}

/** How many pages of a followed group's outbox are read when it accepts. */
const backfillPages = 10;

/**
 * What a group published before it was followed: the newest `backfillLimit` items of its outbox
 * (at most `backfillPages` pages, each on the group's own server), oldest first, each a Create of
 * a Note taken in as if delivered, with the same checks and one more: the Note is the group's
 * (its `audience`) and on its server, since nothing in an outbox is signed. A failure is logged
 * and ends the reading, or, for one item, passes it; the follow stands.
 */
export async function backfill(fctx: Context<AppContext>, fresh: Loader, groupUri: URL): Promise<number> {
  let taken = 0;
  const log = (what: string, err: unknown) => fctx.data.log(`federation: ${what} of ${groupUri.href}: ${err instanceof Error ? err.message : String(err)}`);
  const creates: Create[] = [];
  try {
    const group = await fctx.lookupObject(groupUri);
    if (!(group instanceof Group) || group.id?.href !== groupUri.href) return 0;
    const outbox = await group.getOutbox(fctx);
    if (!outbox || outbox.id?.origin !== groupUri.origin) return 0;
    let page = outbox.firstId === null ? null : await outbox.getFirst(fctx);
    const items = outbox.firstId === null ? [outbox.getItems(fctx)] : [];
    for (let pages = 0; page !== null && pages < backfillPages && page.id?.origin === groupUri.origin; pages++) {
      items.push(page.getItems(fctx));
      page = await page.getNext(fctx);
    }
    let seen = 0;
    for (const pageItems of items) {
      for await (const item of pageItems) {
        if (++seen > backfillLimit) break;
        if (item instanceof Create && item.id?.origin === groupUri.origin) creates.push(item);
      }
    }
  } catch (err) {
    log('reading the outbox', err);
  }
  // Newest first there; taken oldest first here, so a reply or a gloss on a gloss finds what it answers.
  for (const item of creates.reverse()) {
    try {
      const note = await item.getObject(fctx);
      if (!(note instanceof Note) || note.audienceId?.href !== groupUri.href || !(await fromFollowedGroup(fctx, note))) continue;
      const author = await item.getActor(fctx);
      if (!author?.id || author.id.href !== note.attributionId?.href) continue;
      await mirrorNote(fctx, fresh, note, author);
      taken++;
    } catch (err) {
      log(`an item (${item.id?.href ?? 'no id'}) of the outbox`, err);
    }
  }
  return taken;
}
