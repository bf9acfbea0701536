/**
 * What comes in from elsewhere (docs/federation.md §6): a reply to a published post becomes a
 * reply in its thread here, written by a remote account; its Update and Delete follow it; a
 * Flag enters the group's moderation queue. The rules of the thread hold for people elsewhere
 * as for members: the layer must take replies from elsewhere (`publish+replies`), the group's
 * bans shut them out, and in a pre-moderated group their replies wait for a moderator. A reply
 * addressed there only to followers or to people named is never shown to anyone but the group's
 * moderators.
 */
import type { Actor, Note } from '@fedify/fedify';
import { maxBodyLength } from '../../../schema/api.ts';
import { markdownToDoc } from '../../../schema/import/markdown.ts';
import { remoteHtmlToMarkdown } from '../../../schema/import/remote-html.ts';
import { Projection } from '../../../schema/projection.ts';
import { AppError } from '../../errors.ts';
import type { RemoteAudience } from '../../storage/database.ts';
import * as store from '../../storage/federation.ts';
import { replyJson } from '../../storage/gloss-listing.ts';
import * as glosses from '../../storage/glosses.ts';
import { findGroupById, findMembership } from '../../storage/groups.ts';
import { indexItem } from '../../storage/search-index.ts';
import { toViewer } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { flagPost } from '../moderation.ts';
import { notifyWritten } from '../notifications.ts';
import { readableGloss } from '../readable-posts.ts';
import { deleteReply, updateReply } from '../replies.ts';
import { write } from '../write.ts';

const publicCollection = 'https://www.w3.org/ns/activitystreams#Public';

/**
 * How a post was addressed, by Mastodon's reading: `Public` in `to` is public, in `cc` unlisted;
 * otherwise the author's followers (their collection named) or only the people named.
 */
export function audienceOf(to: readonly URL[], cc: readonly URL[], followers: URL | null): RemoteAudience {
  const isPublic = (u: URL) => u.href === publicCollection || u.href === 'as:Public' || u.href === 'Public';
  if (to.some(isPublic)) return 'public';
  if (cc.some(isPublic)) return 'unlisted';
  if (followers !== null && [...to, ...cc].some((u) => u.href === followers.href)) return 'followers';
  return 'direct';
}

/**
 * A post's words from elsewhere as a gloss-schema body. Markdown source (Lemmy and Daf send it) is
 * parsed as Markdown; otherwise the HTML is read for its paragraphs, line breaks, emphasis and
 * links (schema/import/remote-html.ts), every other tag dropped: no markup from elsewhere
 * reaches the page, only Markdown through the schema's own parser.
 */
export function remoteBody(html: string, source: { content: string; mediaType: string | null } | null): { json: string; text: string } | null {
  const markdown = source && source.mediaType === 'text/markdown' && source.content.trim() ? source.content : remoteHtmlToMarkdown(html);
  const doc = markdownToDoc(markdown.slice(0, maxBodyLength), 'gloss');
  const text = new Projection(doc).text;
  if (text.trim() === '') return null;
  return { json: JSON.stringify(doc.toJSON()), text };
}

/** A person elsewhere, as their actor document describes them. */
export interface RemoteActor {
  uri: string;
  /** `name@host`. */
  handle: string;
  name: string;
  profileUrl: string | null;
}

export interface IncomingReply {
  actor: RemoteActor;
  /** The Note's id there. */
  uri: string;
  /** What it answers here: a published gloss or reply. */
  answers: { kind: 'gloss' | 'reply'; id: number };
  body: { json: string; text: string };
  audience: RemoteAudience;
}

/** Why an incoming reply was not stored, or `stored`. */
export type ReplyOutcome = 'stored' | 'duplicate' | 'not_published' | 'replies_closed' | 'thread_closed' | 'banned' | 'too_many';

/** Counts one post from the actor's server against its hourly allowance; false (and a line in the log) past it. */
async function withinAllowance(ctx: AppContext, actorUri: string): Promise<boolean> {
  const host = new URL(actorUri).host;
  if ((await ctx.remoteThrottle.take(host)) === 0) return true;
  ctx.log(`federation: dropped a post from ${host}, past its allowance of replies and reports an hour`);
  return false;
}

/** Stores a reply from elsewhere in the thread of what it answers, if the thread takes it. */
export async function receiveReply(ctx: AppContext, incoming: IncomingReply): Promise<ReplyOutcome> {
  if (!(await withinAllowance(ctx, incoming.actor.uri))) return 'too_many';
  return write(ctx, async (w) => {
    const { trx, now, event } = w;
    if (await store.replyByRemoteUri(trx, incoming.uri)) return 'duplicate';
    const target = await store.federablePost(trx, incoming.answers.kind, incoming.answers.id);
    if (!target) return 'not_published';
    if (target.layer_federation !== 'publish+replies') return 'replies_closed';
    const { gloss, text, layer } = await readableGloss(trx, null, target.gloss_id);
    if (gloss.status !== 'active' || layer.reply_policy === 'nobody') return 'thread_closed';
    if (await store.wasRemoved(trx, layer.id, incoming.uri)) return 'duplicate';
    const author = await store.upsertRemoteUser(
      trx,
      { actor_uri: incoming.actor.uri, handle: incoming.actor.handle, display_name: incoming.actor.name, profile_url: incoming.actor.profileUrl },
      now,
    );
    const group = (await findGroupById(trx, target.group_id))!;
    if ((await findMembership(trx, group.id, author.id))?.state === 'banned') return 'banned';
    const notPublic = incoming.audience === 'followers' || incoming.audience === 'direct';
    const status = notPublic ? 'hidden' : group.premoderation === 1 ? 'pending' : 'active';
    const reply = await glosses.insertReply(trx, {
      gloss_id: gloss.id,
      parent_id: incoming.answers.kind === 'reply' ? incoming.answers.id : null,
      author_id: author.id,
      body_doc: incoming.body.json,
      body_text: incoming.body.text,
      status,
      moderation_note: notPublic ? 'Addressed only to followers or to people named where it was written: shown to moderators only' : null,
      hidden_with: null,
      hidden_from: notPublic ? 'pending' : null,
      stance: null,
      created_at: now,
      updated_at: now,
      remote_uri: incoming.uri,
      remote_audience: incoming.audience,
    });
    await indexItem(trx, { kind: 'reply', itemId: reply.id, textId: text.id, layerId: layer.id, body: incoming.body.text });
    const json = await replyJson(trx, reply.id);
    await event({ textId: text.id, layerIds: [layer.id], kind: 'reply.created', payload: json ?? '{}', item: { kind: 'reply', id: reply.id } });
    await notifyWritten(w, { text, layer, gloss, reply });
    return 'stored';
  });
}

/** The remote account of `actorUri` as a viewer, when it wrote the reply whose Note is `uri`. */
async function remoteAuthorOf(ctx: AppContext, actorUri: string, uri: string) {
  const reply = await store.replyByRemoteUri(ctx.db, uri);
  if (!reply) return null;
  const user = await store.remoteUserByActor(ctx.db, actorUri);
  if (!user || user.id !== reply.author_id) return null;
  return { reply, viewer: await toViewer(ctx.db, user) };
}

/** Its author edited a reply from elsewhere: the words change here too. */
export async function receiveReplyEdit(ctx: AppContext, actorUri: string, uri: string, body: { json: string; text: string }): Promise<boolean> {
  const found = await remoteAuthorOf(ctx, actorUri, uri);
  if (!found || found.reply.status === 'deleted') return false;
  await updateReply(ctx, found.viewer, found.reply.id, { body: { doc: JSON.parse(body.json) as Record<string, unknown> } });
  return true;
}

/** Its author deleted a reply from elsewhere: it goes here too (a tombstone if answered). */
export async function receiveReplyDeletion(ctx: AppContext, actorUri: string, uri: string): Promise<boolean> {
  const found = await remoteAuthorOf(ctx, actorUri, uri);
  if (!found || found.reply.status === 'deleted') return false;
  await deleteReply(ctx, found.viewer, found.reply.id);
  return true;
}

/** A report from elsewhere about a published post: a flag in the group's moderation queue. */
export async function receiveFlag(ctx: AppContext, actor: RemoteActor, post: { kind: 'gloss' | 'reply'; id: number }, reason: string): Promise<boolean> {
  if (!(await store.federablePost(ctx.db, post.kind, post.id))) return false;
  if (!(await withinAllowance(ctx, actor.uri))) return false;
  const user = await store.upsertRemoteUser(ctx.db, { actor_uri: actor.uri, handle: actor.handle, display_name: actor.name, profile_url: actor.profileUrl }, new Date().toISOString());
  const viewer = await toViewer(ctx.db, (await store.remoteUserByActor(ctx.db, actor.uri))!);
  if (viewer.id !== user.id) return false;
  try {
    await flagPost(ctx, viewer, post.kind, post.id, reason.slice(0, 1000) || 'Reported from elsewhere');
    return true;
  } catch (err) {
    // Flagged already, or banned: the report is dropped, as a member's would be refused.
    if (err instanceof AppError && err.status < 500) return false;
    throw err;
  }
}

/** How a person elsewhere is shown here: `name@host`, their name, their page there. */
export function remoteActor(actor: Actor): RemoteActor {
  const uri = actor.id!;
  const name = (actor.preferredUsername?.toString() ?? '').replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 64) || 'someone';
  // Only a web address becomes a link on the page: never `javascript:` or the like.
  const given = actor.url instanceof URL ? actor.url : (actor.url?.href ?? null);
  const url = given !== null && (given.protocol === 'https:' || given.protocol === 'http:') ? given.href : null;
  const shown = actor.name?.toString().trim().slice(0, 100);
  return { uri: uri.href, handle: `${name}@${uri.host}`, name: shown || `${name}@${uri.host}`, profileUrl: url ?? uri.href };
}

/** A Note's source, when it carries one (Lemmy's Markdown). */
export function sourceOf(note: Note): { content: string; mediaType: string | null } | null {
  const source = note.source;
  return source?.content ? { content: source.content.toString(), mediaType: source.mediaType ?? null } : null;
}
