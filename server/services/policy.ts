/**
 * Who may see and do what. Every permission decision in Daf is made here, in one place. Each
 * reading rule exists twice: as a predicate on loaded rows (for single items), here, and as a SQL
 * condition (for lists, search and counts) in storage/visibility-sql.ts, beneath the services
 * because storage's queries use it; the access-matrix tests check that the two agree at every
 * door (docs/access.md).
 *
 * The model:
 * - A text or layer belongs to a person or to a group. Its visibility is `public` (everyone),
 *   `group` (the group's active members) or `private` (a person's: the owner alone; a group
 *   layer's: a notebook where each member sees only their own glosses).
 * - Members of a group have a role (owner, moderator, member) and a state (active, pending
 *   approval, banned). Only active members count as members.
 * - Posts (glosses and replies) are `active`, `pending` (waiting for a moderator), `hidden`
 *   (by a moderator) or `deleted` (a tombstone). Pending and hidden posts show only to their
 *   author and to the moderators of the layer's group.
 * - Everyone who can read a gloss can read the gloss it comments on. This is kept true when
 *   glosses are written, when layers change visibility and when glosses are hidden, so reads
 *   never need to walk chains of glosses.
 */
import type { GlossRow, LayerRow, ReplyRow, Role, TextRow } from '../storage/database.ts';

import type { Viewer } from '../viewer.ts';

export type { MembershipInfo, Viewer } from '../viewer.ts';

type TextLike = Pick<TextRow, 'visibility' | 'owner_id' | 'group_id'>;
type LayerLike = Pick<LayerRow, 'id' | 'visibility' | 'owner_id' | 'group_id'>;
type PostLike = Pick<GlossRow | ReplyRow, 'author_id' | 'status'>;

/** The viewer's role in a group if they are an active member, else null. */
export function roleIn(viewer: Viewer | null, groupId: number | null): Role | null {
  if (viewer === null || groupId === null) return null;
  const m = viewer.memberships.get(groupId);
  return m && m.state === 'active' ? m.role : null;
}

/** Is the viewer an active member of the group? */
export function isMember(viewer: Viewer | null, groupId: number | null): boolean {
  return roleIn(viewer, groupId) !== null;
}

/** Is the viewer an owner or moderator of the group? */
export function isModerator(viewer: Viewer | null, groupId: number | null): boolean {
  const role = roleIn(viewer, groupId);
  return role === 'owner' || role === 'moderator';
}

/** Is the viewer an owner of the group? */
export function isGroupOwner(viewer: Viewer | null, groupId: number | null): boolean {
  return roleIn(viewer, groupId) === 'owner';
}

/** Is the viewer banned from the group? */
export function isBanned(viewer: Viewer | null, groupId: number | null): boolean {
  return viewer !== null && groupId !== null && viewer.memberships.get(groupId)?.state === 'banned';
}

/** May the viewer see this group (and so know it exists)? */
export function canSeeGroup(viewer: Viewer | null, group: { id: number; visibility: 'public' | 'private' }): boolean {
  if (group.visibility === 'public') return true;
  const m = viewer?.memberships.get(group.id);
  return m !== undefined && m.state !== 'banned';
}

/**
 * The slug of the group that owns a layer or a text, as the viewer may be shown it: null when
 * there is no group or the viewer may not see it. A private group's public layers and texts
 * are readable by all, but who keeps them is the group's secret, like its existence.
 */
export function shownGroupSlug(
  viewer: Viewer | null,
  row: { group_id: number | null; group_slug?: string | null; group_visibility?: 'public' | 'private' | null },
): string | null {
  if (row.group_id === null || !row.group_slug || !row.group_visibility) return null;
  return canSeeGroup(viewer, { id: row.group_id, visibility: row.group_visibility }) ? row.group_slug : null;
}

/**
 * Is the viewer the text's owner? For a group's text, its creator counts as its owner only while
 * still an active member: a removed or banned creator keeps nothing of the group's.
 */
function ownsText(viewer: Viewer | null, text: TextLike): boolean {
  return viewer !== null && viewer.id === text.owner_id && (text.group_id === null || isMember(viewer, text.group_id));
}

/** May the viewer see this text (and so its versions)? */
export function canReadText(viewer: Viewer | null, text: TextLike): boolean {
  if (text.visibility === 'public') return true;
  if (ownsText(viewer, text)) return true;
  return text.visibility === 'group' && isMember(viewer, text.group_id);
}

/** May the viewer add a version to this text? Its owner, or a group text's moderators. */
export function canEditText(viewer: Viewer | null, text: TextLike): boolean {
  if (viewer === null) return false;
  return ownsText(viewer, text) || isModerator(viewer, text.group_id);
}

/** May the viewer create texts and layers for this group? Its owners and moderators. */
export function canCurateGroup(viewer: Viewer | null, groupId: number): boolean {
  return isModerator(viewer, groupId);
}

/**
 * Can every member of the group read this text, so that the group may read it together (its
 * layers, its plan)? A public text, or a text of that group.
 */
export function textSharedWithGroup(text: Pick<TextLike, 'visibility' | 'group_id'>, groupId: number): boolean {
  return text.visibility === 'public' || (text.visibility === 'group' && text.group_id === groupId);
}

/** May the viewer add a layer of their own to this text? Anyone signed in who can see it. */
export function canCreateLayer(viewer: Viewer | null, text: TextLike): boolean {
  return viewer !== null && canReadText(viewer, text);
}

/** May the viewer see this layer (its name, its count, and the glosses in it they may see)? */
export function canReadLayer(viewer: Viewer | null, text: TextLike, layer: LayerLike): boolean {
  if (!canReadText(viewer, text)) return false;
  switch (layer.visibility) {
    case 'public':
      return true;
    case 'group':
      return isMember(viewer, layer.group_id);
    case 'private':
      return layer.group_id === null ? viewer !== null && viewer.id === layer.owner_id : isMember(viewer, layer.group_id);
  }
}

/** Is this layer a group's private notebook, where each member sees only their own glosses? */
export function isNotebook(layer: Pick<LayerRow, 'visibility' | 'group_id'>): boolean {
  return layer.visibility === 'private' && layer.group_id !== null;
}

/**
 * May the viewer see this post by its place and state (a gloss, or a reply under a gloss of this
 * layer)? For a gloss, `canSeeGloss` adds the read-first rule; a reply is seen only with its gloss.
 */
export function canSeePost(viewer: Viewer | null, text: TextLike, layer: LayerLike, post: PostLike): boolean {
  if (!canReadLayer(viewer, text, layer)) return false;
  const mine = viewer !== null && viewer.id === post.author_id;
  if (isNotebook(layer) && !mine) return false;
  if (post.status === 'active' || post.status === 'deleted') return true;
  return mine || isModerator(viewer, layer.group_id);
}

/**
 * Does a read-first layer still keep this gloss from the viewer (docs/deliberation.md §4)? Only
 * another's gloss, from one who has no gloss of their own in the layer yet (`wroteHere`: one
 * published or awaiting a moderator) and who is neither a moderator of the layer's group nor, on a
 * person's layer, its owner. Replies go with their gloss.
 */
export function readFirstHides(viewer: Viewer | null, layer: Pick<LayerRow, 'read_first' | 'group_id' | 'owner_id'>, gloss: Pick<GlossRow, 'author_id'>, wroteHere: boolean): boolean {
  if (!layer.read_first || wroteHere) return false;
  if (viewer !== null && (viewer.id === gloss.author_id || (layer.group_id === null && viewer.id === layer.owner_id))) return false;
  return !isModerator(viewer, layer.group_id);
}

/**
 * May the viewer see this gloss? `canSeePost`, and not kept by a read-first layer until they write
 * (`readFirstHides`). `wroteHere`: whether the viewer has a gloss of their own in the layer.
 */
export function canSeeGloss(viewer: Viewer | null, text: TextLike, layer: LayerLike & Pick<LayerRow, 'read_first'>, gloss: PostLike, wroteHere: boolean): boolean {
  return canSeePost(viewer, text, layer, gloss) && !readFirstHides(viewer, layer, gloss, wroteHere);
}

/** May the viewer add glosses to this layer? */
export function canWriteLayer(viewer: Viewer | null, text: TextLike, layer: LayerLike & Pick<LayerRow, 'write_policy' | 'remote_uri'>): boolean {
  if (viewer === null || !canReadLayer(viewer, text, layer)) return false;
  // A layer that mirrors a group elsewhere is written only by what comes from there (docs/federation.md §7).
  if (layer.remote_uri !== null) return false;
  if (layer.group_id === null) return viewer.id === layer.owner_id || layer.write_policy === 'signed_in';
  if (isNotebook(layer)) return isMember(viewer, layer.group_id);
  return layer.write_policy === 'moderators' ? isModerator(viewer, layer.group_id) : isMember(viewer, layer.group_id);
}

/** May the viewer reply in threads of this layer's glosses? */
export function canReply(viewer: Viewer | null, text: TextLike, layer: LayerLike & Pick<LayerRow, 'reply_policy'>): boolean {
  if (viewer === null || !canReadLayer(viewer, text, layer) || isBanned(viewer, layer.group_id)) return false;
  switch (layer.reply_policy) {
    case 'nobody':
      return false;
    case 'members':
      return layer.group_id === null ? viewer.id === layer.owner_id : isMember(viewer, layer.group_id);
    case 'signed_in':
      return true;
  }
}

/** May the viewer change the layer's settings? A person's layer: its owner; a group's: its owners. */
export function canManageLayer(viewer: Viewer | null, layer: Pick<LayerRow, 'owner_id' | 'group_id'>): boolean {
  if (viewer === null) return false;
  return layer.group_id === null ? viewer.id === layer.owner_id : isGroupOwner(viewer, layer.group_id);
}

/** May the viewer moderate posts in this layer? The moderators and owners of its group. */
export function canModerate(viewer: Viewer | null, layer: Pick<LayerRow, 'group_id'>): boolean {
  return isModerator(viewer, layer.group_id);
}

/**
 * May the viewer edit this post? Only its author, not once a moderator has hidden it, and not
 * once banned from the layer's group (a ban ends writing there, edits included; deleting one's
 * own post stays open, see `canDeletePost`).
 */
export function canEditPost(viewer: Viewer | null, layer: Pick<LayerRow, 'group_id'>, post: PostLike): boolean {
  return viewer !== null && viewer.id === post.author_id && post.status !== 'hidden' && !isBanned(viewer, layer.group_id);
}

/** May the viewer flag posts of this layer they can see? Anyone but those banned from its group. */
export function canFlag(viewer: Viewer | null, layer: Pick<LayerRow, 'group_id'>): boolean {
  return viewer !== null && !isBanned(viewer, layer.group_id);
}

/**
 * May the viewer delete this post? Its author (even one banned from the group since: taking
 * one's own words down harms no one), or a moderator of the layer's group acting with a full
 * credential (an embed token touches its holder's own posts only).
 */
export function canDeletePost(viewer: Viewer | null, layer: Pick<LayerRow, 'group_id'>, post: PostLike): boolean {
  if (viewer === null) return false;
  return viewer.id === post.author_id || (viewer.scope === 'full' && canModerate(viewer, layer));
}

/**
 * Can everyone who reads glosses in layer `inner` also read the glosses of layer `outer`?
 * Glosses in `inner` may comment on glosses in `outer` only if so (both on the same text).
 */
export function readersContained(inner: LayerLike & Pick<LayerRow, 'read_first'>, outer: LayerLike & Pick<LayerRow, 'read_first'>): boolean {
  if (inner.id === outer.id) return true;
  // A read-first layer's glosses are hidden from some who read the layer; only its own glosses,
  // whose readers have all written there, may comment on them.
  if (outer.read_first) return false;
  if (outer.visibility === 'public') return true;
  if (outer.group_id === null) {
    // A person's private layer: only that person's private layers may comment on it.
    return inner.group_id === null && inner.visibility === 'private' && inner.owner_id === outer.owner_id;
  }
  // A group layer (`group`, or a notebook): only the same group's closed layers, and a
  // notebook only from itself (its glosses are their authors' alone).
  return outer.visibility === 'group' && inner.group_id === outer.group_id && inner.visibility !== 'public';
}
