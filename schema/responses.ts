/**
 * What the JSON API answers, once: a zod shape for each response body, the types the client
 * reads (inferred from the shapes), and `responseRoutes`, the table that binds a route to its
 * shape. `server/openapi.ts` documents each response from this table, and the server tests
 * (`test/helpers/test-app.ts`) check every 2xx JSON answer of a listed route against it, so a
 * presenter (services/*, the SQL of `storage/gloss-listing.ts`) cannot drift from what is
 * written here without a test failing.
 *
 * Objects are `z.object`, not strict: a field added to a response later must not break a
 * client that does not know it. `z.looseObject` is kept for what is open by design (ProseMirror
 * documents). The client imports these types with `import type` only, so nothing of zod
 * reaches its bundle.
 */
import { z } from 'zod';
import { directionShape, federationShape, motivationShape, visibilityShape } from './api.ts';

// ---------------------------------------------------------------------------------------------
// Small pieces

const id = z.number().int();
const count = z.number().int();
/** An ISO 8601 time, as every time in the API is written. */
const time = z.string();

/** A member's role in a group. */
export const roleShape = z.enum(['owner', 'moderator', 'member']);
/** Where a person stands in a group. */
export const memberStateShape = z.enum(['active', 'pending', 'banned']);
/** A gloss's or reply's state: pending and hidden ones show only to their author and moderators. */
export const postStatusShape = z.enum(['active', 'pending', 'hidden', 'deleted']);
/** How well a gloss's anchor holds in a version of its target. */
export const anchorStatusShape = z.enum(['exact', 'moved', 'fuzzy', 'segment', 'orphan']);
export const tokenScopeShape = z.enum(['full', 'embed']);
export const groupVisibilityShape = z.enum(['public', 'private']);
export const joinPolicyShape = z.enum(['open', 'approval', 'invite']);
export const writePolicyShape = z.enum(['owner', 'signed_in', 'members', 'moderators']);
export const replyPolicyShape = z.enum(['signed_in', 'members', 'nobody']);
export const postKindShape = z.enum(['gloss', 'reply']);

/** A ProseMirror document as JSON: open by design (its nodes are the schema's, in document.ts). */
export const docShape = z.looseObject({ type: z.literal('doc') });

/** A segment of a text: its ref ("1:5") and its [start, end) in the version's projection. */
export const segmentShape = z.object({ ref: z.string(), start: count, end: count });

/** A person as a post names them. */
export const authorShape = z.object({
  handle: z.string(),
  name: z.string(),
  /** A person from another server (a reply that came by federation, handle `name@host`): their page there. */
  profile: z.string().optional(),
});

/** A post's words: the gloss-schema document and its plain text. */
export const postBodyShape = z.object({ doc: docShape, text: z.string() });

/** How many glosses landed in each anchor status (a new version, an import). */
export const anchorCountsShape = z.object({ exact: count, moved: count, fuzzy: count, segment: count, orphan: count });

/** The error every failure answers with. */
export const errorShape = z.object({
  error: z.object({ code: z.string().describe('snake_case, stable'), message: z.string() }),
});

// ---------------------------------------------------------------------------------------------
// Accounts, sessions, tokens

/** The signed-in person. */
export const meShape = z.object({ handle: z.string(), name: z.string() });
/** Who is reading (`GET /api/session`): null for a visitor. */
export const sessionShape = z.object({ me: meShape.nullable() });
/** The account as its owner sees it (`GET /api/me`). */
export const accountShape = meShape.extend({
  email: z.string().nullable(),
  /** The owner followed the link mailed to the address. */
  emailVerified: z.boolean(),
  /** How often the owner is mailed a digest. */
  digest: z.enum(['off', 'daily', 'weekly']),
  /** Whether this Daf sends mail at all (an SMTP server is configured): without it, no digest. */
  mail: z.boolean(),
});
/** `GET /api/unsubscribe/:token` (as JSON): whose digests the link stops, their choice now, and what to do. */
export const unsubscribeLinkShape = z.object({ handle: z.string(), digest: z.enum(['off', 'daily', 'weekly']), post: z.string() });
/** `POST /api/unsubscribe/:token`: whose digests the link turned off. */
export const unsubscribedShape = z.object({ handle: z.string(), digest: z.literal('off') });
export const emailVerifiedShape = z.object({ handle: z.string(), email: z.string() });
export const endedSessionsShape = z.object({ endedSessions: count });
/** What a notification tells of (docs/notifications.md). */
export const notificationKindShape = z.enum(['reply', 'comment', 'mention', 'pending', 'approved', 'hidden', 'invited']);
/** One notification: who did what, on which post, and where to read it. */
export const notificationShape = z.object({
  id,
  kind: notificationKindShape,
  read: z.boolean(),
  created: time,
  /** Who wrote, approved or hid; null when that account is gone. */
  actor: z.object({ handle: z.string(), displayName: z.string() }).nullable(),
  /** The text of the post it is about; null for `invited`. */
  text: z.object({ slug: z.string(), title: z.string() }).nullable(),
  /** For `invited`: the group one is invited to. */
  group: z.object({ slug: z.string(), name: z.string() }).nullable(),
  /** The gloss it is about, or the gloss of the reply it is about; null for `invited`. */
  gloss: id.nullable(),
  reply: id.nullable(),
  /** The start of the post's words. */
  excerpt: z.string(),
  /** For `hidden`: the moderator's reason. */
  note: z.string().nullable(),
  /** The post on its page, or the invitation's page (`/invite/TOKEN`). */
  url: z.string(),
});
/** A page of notifications, newest first (`GET /api/notifications`); `next` is the `before` of the next page. */
export const notificationListShape = z.object({ unread: count, notifications: z.array(notificationShape), next: id.nullable() });
export const notificationsReadShape = z.object({ marked: count, unread: count });
/** Who of the handles a writer names would be told of their post in a layer (`GET …/layers/:layer/mentions`). */
export const mentionReachShape = z.object({ reach: z.array(z.string()), unreached: z.array(z.string()), unknown: z.array(z.string()) });
/** A password-reset request (`POST /api/auth/reset-request`): the same answer whoever the address belongs to, or none. */
export const resetRequestedShape = z.object({ accepted: z.literal(true) });
/** A password set with a reset link (`POST /api/auth/reset`): whose it is, and how many of its sessions ended. */
export const passwordResetShape = z.object({ handle: z.string(), endedSessions: count });
/** What deleting an account did (`DELETE /api/me`). */
export const accountDeletedShape = z.object({ deletedPosts: count, tombstones: count, privateTexts: count, groupsLeft: count });

/** One of the person's sessions (`GET /api/sessions`). */
export const sessionInfoShape = z.object({
  id,
  created: time,
  lastSeen: time.nullable(),
  expires: time,
  /** The browser as it named itself at log-in, or null. */
  userAgent: z.string().nullable(),
  /** The session asking. */
  current: z.boolean(),
});
export const sessionListShape = z.object({ sessions: z.array(sessionInfoShape) });

/** A bearer token as listed: never its secret. */
export const tokenInfoShape = z.object({
  id,
  name: z.string(),
  /** `full` acts as its holder; `embed` reads, and writes its holder's own glosses and replies. */
  scope: tokenScopeShape,
  created: time,
  /** When it stops working, or null for never. */
  expires: time.nullable(),
  lastUsed: time.nullable(),
});
export const tokenListShape = z.object({ tokens: z.array(tokenInfoShape) });
/** A bearer token, as created; its secret is shown only this once. */
export const newTokenShape = tokenInfoShape.omit({ lastUsed: true }).extend({ token: z.string() });

// ---------------------------------------------------------------------------------------------
// Texts

/** A text in a list (the library, parallels, a passage's text). */
export const textSummaryShape = z.object({
  slug: z.string(),
  title: z.string(),
  language: z.string(),
  direction: directionShape,
  license: z.string().nullable(),
  attribution: z.string().nullable(),
  /** public: everyone; group: the owning group's members; private: its owner. */
  visibility: visibilityShape,
  /** The owner's handle; absent where the server did not load it (a passage). */
  owner: z.string().optional(),
  /** The owning group's slug, when the reader may know it. */
  group: z.string().nullable(),
  version: z.object({ number: count }),
  created: time,
  /** For a signed-in reader: glosses and replies by others, new since they last read the text. */
  new: count.optional(),
});
export const textListShape = z.object({ texts: z.array(textSummaryShape) });
export const parallelListShape = z.object({ parallels: z.array(textSummaryShape) });

/** A version of a text, with its document and projection (`GET /api/texts/:slug`, and a created text). */
export const textVersionShape = z.object({
  slug: z.string(),
  title: z.string(),
  language: z.string(),
  direction: directionShape,
  license: z.string().nullable(),
  attribution: z.string().nullable(),
  visibility: visibilityShape,
  /** The number of the text's current version (`version` may be an older one). */
  currentVersion: count,
  /** `sha256`: of the version's projection in UTF-8, hex; how two servers tell the same text (docs/federation.md §7). */
  version: z.object({ number: count, created: time, sha256: z.string().nullable() }),
  /** The Sefaria ref it was imported from, or null. */
  sefariaRef: z.string().nullable(),
  doc: docShape,
  /** The plain-text projection offsets count in (UTF-16 code units). */
  text: z.string(),
  segments: z.array(segmentShape),
});

export const versionListShape = z.object({ versions: z.array(z.object({ number: count, created: time, createdBy: z.string() })) });
/** A new version and how the glosses the reviser may see were re-anchored. */
export const newVersionShape = z.object({ version: z.object({ number: count }), anchors: anchorCountsShape });

/** What a text would be (`POST /api/texts/preview`): its counts and first passages. */
export const textPreviewShape = z.object({
  blocks: count,
  segments: count,
  characters: count,
  sample: z.array(z.object({ ref: z.string().nullable(), text: z.string() })),
});

// ---------------------------------------------------------------------------------------------
// Layers

/**
 * What the reader may do in a layer, as the server will judge it; `edit`: change their own posts
 * (not once banned from its group); `moderate`: approve, hide, restore and delete others' posts.
 */
export const layerPermissionsShape = z.object({ write: z.boolean(), reply: z.boolean(), edit: z.boolean(), manage: z.boolean(), moderate: z.boolean() });

/** A layer's own settings, as its events carry them. */
export const layerShape = z.object({
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  color: z.string(),
  visibility: visibilityShape,
  writePolicy: writePolicyShape,
  replyPolicy: replyPolicyShape,
  /** Members see the others' glosses only once they have written one here (docs/deliberation.md §4). */
  readFirst: z.boolean(),
  license: z.string().nullable(),
  attribution: z.string().nullable(),
  /**
   * Whether its glosses are published to its group's followers elsewhere (`off`, `publish`,
   * `publish+replies`); absent from the events written before there was federation.
   */
  federation: federationShape.optional(),
  /** For a layer that mirrors a group's layer on another Daf: that layer's W3C container (docs/federation.md §7). */
  followedFrom: z.string().optional(),
  /** The owner's handle; absent from a change's event. */
  owner: z.string().optional(),
  group: z.string().nullable(),
  /** Absent from a change's event. */
  glossCount: count.optional(),
  created: time,
});
/**
 * A layer as every route answers it (listed, created, changed, or alone): with its owner, its
 * gloss count and what the reader may do in it.
 */
export const listedLayerShape = layerShape.extend({
  federation: federationShape,
  owner: z.string(),
  glossCount: count,
  /** Published glosses a read-first layer keeps from the reader until they write one (0 elsewhere). */
  hiddenUntilYouWrite: count,
  you: layerPermissionsShape,
});
export const layerListShape = z.object({ layers: z.array(listedLayerShape) });

/** What a W3C import did. */
export const importReportShape = z.object({
  imported: count,
  anchors: anchorCountsShape,
  skipped: z.array(z.object({ index: count, reason: z.string() })),
});

// ---------------------------------------------------------------------------------------------
// Glosses and replies (storage/gloss-listing.ts writes their JSON in SQL)

/** A reply in a thread. A tombstone (`deleted`) keeps no author and no body. */
export const replyShape = z.object({
  id,
  gloss: id,
  parent: id.nullable(),
  status: postStatusShape,
  author: authorShape.nullable(),
  body: postBodyShape.nullable(),
  /** Why a moderator hid it (shown to its author). */
  moderationNote: z.string().nullable(),
  created: time,
  updated: time,
  /** When its author last changed it; null if never. */
  edited: time.nullable(),
  /** How it stands to what it answers (docs/deliberation.md); null when it says nothing. */
  stance: z.enum(['answers', 'supports', 'objects']).nullable(),
  /** In a signed-in reader's listing: written by someone else since they last read the text. */
  unread: z.boolean().optional(),
});

/** Where a gloss was written: the selectors it was made with, in `version` of its target. */
export const glossTargetShape = z.object({
  /** The text version (or the target gloss's body revision) the selectors were made on. */
  version: count,
  /** The gloss it comments on, or null for the text. */
  gloss: id.nullable(),
  exact: z.string(),
  prefix: z.string(),
  suffix: z.string(),
  start: count,
  end: count,
  /** The segment ref the quote lies in, when the text has segments. */
  segment: z.string().nullable(),
});

/** Where a gloss is now: its anchor in the listed version (or its target gloss's current revision). */
export const anchorShape = z.object({
  version: count,
  start: count.nullable(),
  end: count.nullable(),
  status: anchorStatusShape,
  score: z.number(),
  /** The target's words at start..end (they differ from the quote after a fuzzy match). */
  exact: z.string().nullable(),
});

/**
 * A decision recorded on a gloss (docs/deliberation.md §3): the reading adopted, named only to a
 * reader who may read it (else null), the dissent as it stood, and how many decisions came before.
 */
export const decisionShape = z.object({
  statement: z.string(),
  adopted: z.object({ kind: z.enum(['gloss', 'reply']), id }).nullable(),
  decidedBy: authorShape,
  decidedAt: time,
  reviewOn: z.string().nullable(),
  dissent: z.array(z.object({ author: authorShape, reason: z.string() })),
  /** How many decisions on the gloss came before this one (it superseded the newest of them). */
  earlier: count,
});

/** Every decision on a gloss, newest first (`GET /api/glosses/:id/decisions`). */
export const decisionListShape = z.object({ decisions: z.array(decisionShape) });

/** A gloss with its anchor and thread. A tombstone (`deleted`) keeps no author and no body. */
export const glossShape = z.object({
  id,
  /** The text's slug. */
  text: z.string(),
  /** The layer's slug. */
  layer: z.string(),
  target: glossTargetShape,
  /** Null when it has no anchor in the version listed (a gloss on a gloss whose body changed since). */
  anchor: anchorShape.nullable(),
  body: postBodyShape.nullable(),
  bodyRevision: count,
  motivation: motivationShape,
  status: postStatusShape,
  author: authorShape.nullable(),
  moderationNote: z.string().nullable(),
  /** Who wrote it when that is not the account that posted it (an imported commentary: "Bartenura"). */
  attribution: z.string().nullable(),
  created: time,
  updated: time,
  /** When its author last changed it; null if never. */
  edited: time.nullable(),
  /** Stances on this reading (docs/deliberation.md §2): counts, the reader's own, and the reasons given with their authors. */
  stances: z.object({
    agree: count,
    disagree: count,
    abstain: count,
    mine: z.enum(['agree', 'disagree', 'abstain']).nullable(),
    reasons: z.array(z.object({ author: authorShape, stance: z.enum(['agree', 'disagree', 'abstain']), reason: z.string() })),
  }),
  /** The decision in force (the newest recorded), with the dissent as it stood then; null when none (docs/deliberation.md §3). */
  decision: decisionShape.nullable(),
  /** For a question (motivation `questioning`): open, or answered by the accepted reply (while it stands); null otherwise. */
  question: z.object({ status: z.enum(['open', 'answered']), accepted: id.nullable() }).nullable(),
  /** In a signed-in reader's listing: written by someone else since they last read the text. */
  unread: z.boolean().optional(),
  replies: z.array(replyShape),
});

/** The glosses of a text at a version (`GET /api/texts/:slug/glosses`, and of one layer). */
export const glossListingShape = z.object({ text: z.string(), version: count, glosses: z.array(glossShape) });

/** What deleting a gloss or reply did: a tombstone stays where something hangs beneath it. */
export const deletedPostShape = z.object({ tombstone: z.boolean() });

/** A flag, as raised. */
export const flagShape = z.object({ id, kind: postKindShape, item: id, reason: z.string(), created: time });

// ---------------------------------------------------------------------------------------------
// Passages, search, people

/** A passage of a text with the layers and glosses on it (`GET /api/texts/:slug/passage`). */
export const passageShape = z.object({
  text: textSummaryShape,
  version: count,
  /** The ref asked for, or null for the whole text. */
  ref: z.string().nullable(),
  /** Where the passage lies in the version's projection: its blocks' offsets start at `start`. */
  start: count,
  end: count,
  /** A text-schema document of the passage's blocks only. */
  doc: docShape,
  segments: z.array(segmentShape),
  layers: z.array(listedLayerShape),
  glosses: z.array(glossShape),
});

/** One search result; `highlights` are [start, end) ranges of matched words in `snippet`. */
export const searchResultShape = z.object({
  kind: z.enum(['text', 'gloss', 'reply']),
  id,
  text: z.string(),
  textTitle: z.string(),
  layer: z.string().nullable(),
  /** The layer's name. */
  layerName: z.string().nullable(),
  gloss: id.nullable(),
  /** The passage of a gloss or reply ("1:4"), when its text has segments. */
  ref: z.string().nullable(),
  snippet: z.string(),
  highlights: z.array(z.tuple([count, count])).describe('[start, end) ranges of matched words in snippet'),
});
export const searchResultsShape = z.object({ results: z.array(searchResultShape) });

/** A person's page (`GET /api/users/:handle`): what the viewer could find anyway. */
export const personShape = z.object({
  handle: z.string(),
  name: z.string(),
  joined: time,
  groups: z.array(z.object({ slug: z.string(), name: z.string(), role: roleShape })),
  glosses: z.array(
    z.object({
      id,
      text: z.string(),
      textTitle: z.string(),
      layer: z.string(),
      layerName: z.string(),
      ref: z.string().nullable(),
      quote: z.string(),
      excerpt: z.string(),
      created: time,
      /** On one's own page only: active, pending or hidden. */
      status: z.enum(['active', 'pending', 'hidden']).optional(),
    }),
  ),
  /** The `before` of the next page, or null at the end. */
  next: id.nullable(),
});

// ---------------------------------------------------------------------------------------------
// Groups

/** The reader's own standing in a group. */
export const membershipShape = z.object({ role: roleShape, state: memberStateShape });

/** A reading group: its settings and the reader's standing. */
export const groupShape = z.object({
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  visibility: groupVisibilityShape,
  joinPolicy: joinPolicyShape,
  premoderation: z.boolean(),
  trustAfter: count,
  /** Whether the group may be followed from other servers (public groups only). */
  federated: z.boolean(),
  /** Active members. */
  memberCount: count,
  membership: membershipShape.nullable(),
  created: time,
});
export const groupListShape = z.object({ groups: z.array(groupShape) });

/** A text as a group's page lists it. */
export const groupTextShape = textSummaryShape.pick({ slug: true, title: true, language: true, direction: true, new: true });
/** `POST /api/texts/:slug/read`: the text, and the moment up to which it is read. */
export const textReadShape = z.object({ text: z.string(), read: time });

/** A reading group's page (`GET /api/groups/:slug`): its settings and where it reads. */
export const groupPageShape = groupShape.extend({
  /** An active owner also learns whether they are its only owner (who may not leave). */
  membership: membershipShape.extend({ soleOwner: z.boolean().optional() }).nullable(),
  /** The group has a reading plan that the reader may read (`GET /api/groups/:slug/plan`). */
  hasPlan: z.boolean(),
  /** The group's own texts that the reader may open. */
  texts: z.array(groupTextShape),
  /** The group's layers that the reader may see, each with the text it is on. */
  layers: z.array(
    z.object({
      slug: z.string(),
      name: z.string(),
      description: z.string(),
      color: z.string(),
      visibility: visibilityShape,
      replyPolicy: replyPolicyShape,
      /** For a layer mirroring a group on another Daf: that layer's W3C container (docs/federation.md §7). */
      followedFrom: z.string().optional(),
      text: groupTextShape,
    }),
  ),
});

/** A passage of a reading plan: segments `from` to `to`, read from day `start` to day `end` (both included, YYYY-MM-DD). */
export const planPassageShape = z.object({ from: z.string(), to: z.string(), start: z.string(), end: z.string(), title: z.string().nullable() });

/**
 * A group's reading plan (`GET /api/groups/:slug/plan`): the text, how it was set (dated
 * passages, or a pace, whose settings are given back), every passage, and where today falls.
 */
export const readingPlanShape = z.object({
  group: z.string(),
  text: groupTextShape,
  schedule: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('dates') }),
    z.object({ kind: z.literal('pace'), segments: count, every: z.enum(['day', 'week']), start: z.string(), from: z.string().nullable() }),
  ]),
  passages: z.array(planPassageShape),
  /** The server's day (UTC) that `now` and `next` are read for. */
  today: z.string(),
  /** The passage whose days hold today; null before the plan starts and after it ends. */
  now: planPassageShape.nullable(),
  /** The first passage that starts after today. */
  next: planPassageShape.nullable(),
  updated: time,
});

/** What joining did: active at once (open group), or a request (`pending`) to an approval group. */
export const joinedShape = z.object({ role: roleShape, state: z.enum(['active', 'pending']) });
/** A member as a role change or an approval left them. */
export const memberChangedShape = z.object({ handle: z.string(), role: roleShape, state: memberStateShape });

/** A person in a group: active members, and for moderators also requests (`pending`) and bans. */
export const memberShape = z.object({
  handle: z.string(),
  name: z.string(),
  role: roleShape,
  state: memberStateShape,
  trusted: z.boolean(),
  joined: time,
});
export const memberListShape = z.object({ members: z.array(memberShape) });

/** An invitation to a group, without its secret. */
export const invitationInfoShape = z.object({
  id,
  expires: time,
  maxUses: count.nullable(),
  uses: count,
  revoked: z.boolean(),
  created: time,
  /** The handle of who made it. */
  createdBy: z.string(),
});
export const invitationListShape = z.object({ invitations: z.array(invitationInfoShape) });
/** A group on another Daf that a group follows (docs/federation.md §7). */
const followedGroupShape = z.object({ actor: z.string(), handle: z.string(), name: z.string(), state: z.enum(['pending', 'accepted']), since: time });
export const followingListShape = z.object({ following: z.array(followedGroupShape) });
export const followedShape = z.object({ following: followedGroupShape });
/** An invitation as created: its secret link is shown only this once. */
export const newInvitationShape = invitationInfoShape.extend({ token: z.string(), url: z.string() });

/** What an invitation link names, before joining: the group's description only to those who may see the group. */
export const invitationPreviewShape = z.object({
  group: z.object({ slug: z.string(), name: z.string(), description: z.string().nullable(), visibility: groupVisibilityShape }),
  /** Who made the link. */
  invitedBy: authorShape.nullable(),
  expires: time,
  membership: membershipShape.nullable(),
});
export const invitationAcceptedShape = z.object({ group: z.string(), role: roleShape, state: z.literal('active') });

/** A group's moderation queue: posts waiting for a moderator, and open flags. */
export const moderationQueueShape = z.object({
  group: z.string(),
  pending: z.array(
    z.object({
      kind: postKindShape,
      id,
      /** For a reply, the gloss it answers. */
      gloss: id.optional(),
      text: z.string(),
      layer: z.string(),
      author: z.string(),
      excerpt: z.string(),
      created: time,
    }),
  ),
  flags: z.array(
    z.object({
      id,
      kind: postKindShape,
      item: id,
      /** The gloss the flagged post is or belongs to; null when it is gone. */
      gloss: id.nullable(),
      reason: z.string(),
      flagger: z.string(),
      created: time,
      /** The flagged post; null when it is gone. A deleted one has no author and an empty excerpt. */
      post: z
        .object({ text: z.string(), layer: z.string(), status: postStatusShape, author: z.string().nullable(), excerpt: z.string(), created: time })
        .nullable(),
    }),
  ),
});

/**
 * One entry of a group's audit log: who (`actor`) did what (`action`, such as `member.banned`
 * or `gloss.hidden`) to whom (`subject`) or to which post (`kind`, `item`), and when. `reason`
 * is the reason given, except for `member.role` (the new role) and `group.updated` (the changed
 * settings, as JSON).
 */
export const auditEntryShape = z.object({
  id,
  action: z.string(),
  actor: z.string(),
  subject: z.string().nullable(),
  kind: postKindShape.nullable(),
  item: id.nullable(),
  reason: z.string().nullable(),
  at: time,
});
export const auditLogShape = z.object({ entries: z.array(auditEntryShape) });

// ---------------------------------------------------------------------------------------------
// oEmbed

/** The oEmbed `rich` answer for a public passage. */
export const oembedShape = z.object({
  type: z.literal('rich'),
  version: z.literal('1.0'),
  title: z.string(),
  provider_name: z.string(),
  provider_url: z.string(),
  cache_age: count,
  html: z.string(),
  width: count,
  height: count,
});

// ---------------------------------------------------------------------------------------------
// Types

export type Role = z.infer<typeof roleShape>;
export type PostStatus = z.infer<typeof postStatusShape>;
export type AnchorStatus = z.infer<typeof anchorStatusShape>;
export type ErrorBody = z.infer<typeof errorShape>;
export type Segment = z.infer<typeof segmentShape>;
export type Author = z.infer<typeof authorShape>;
export type Notification = z.infer<typeof notificationShape>;
export type NotificationList = z.infer<typeof notificationListShape>;
export type NotificationsRead = z.infer<typeof notificationsReadShape>;
export type MentionReach = z.infer<typeof mentionReachShape>;
export type Me = z.infer<typeof meShape>;
export type Session = z.infer<typeof sessionShape>;
export type Account = z.infer<typeof accountShape>;
export type EmailVerified = z.infer<typeof emailVerifiedShape>;
export type Unsubscribed = z.infer<typeof unsubscribedShape>;
export type UnsubscribeLink = z.infer<typeof unsubscribeLinkShape>;
export type EndedSessions = z.infer<typeof endedSessionsShape>;
export type ResetRequested = z.infer<typeof resetRequestedShape>;
export type PasswordReset = z.infer<typeof passwordResetShape>;
export type AccountDeleted = z.infer<typeof accountDeletedShape>;
export type SessionInfo = z.infer<typeof sessionInfoShape>;
export type TokenInfo = z.infer<typeof tokenInfoShape>;
export type NewToken = z.infer<typeof newTokenShape>;
export type TextSummary = z.infer<typeof textSummaryShape>;
export type TextVersion = z.infer<typeof textVersionShape>;
export type VersionList = z.infer<typeof versionListShape>;
export type NewVersion = z.infer<typeof newVersionShape>;
export type TextPreview = z.infer<typeof textPreviewShape>;
export type LayerPermissions = z.infer<typeof layerPermissionsShape>;
export type LayerJson = z.infer<typeof layerShape>;
export type ListedLayer = z.infer<typeof listedLayerShape>;
export type ImportReport = z.infer<typeof importReportShape>;
export type Reply = z.infer<typeof replyShape>;
export type GlossTargetJson = z.infer<typeof glossTargetShape>;
export type Anchor = z.infer<typeof anchorShape>;
export type Gloss = z.infer<typeof glossShape>;
export type Decision = z.infer<typeof decisionShape>;
export type DecisionList = z.infer<typeof decisionListShape>;
export type GlossListing = z.infer<typeof glossListingShape>;
export type DeletedPost = z.infer<typeof deletedPostShape>;
export type Flag = z.infer<typeof flagShape>;
export type Passage = z.infer<typeof passageShape>;
export type SearchResult = z.infer<typeof searchResultShape>;
export type Person = z.infer<typeof personShape>;
export type Membership = z.infer<typeof membershipShape>;
export type Group = z.infer<typeof groupShape>;
export type GroupPage = z.infer<typeof groupPageShape>;
export type PlanPassageJson = z.infer<typeof planPassageShape>;
export type ReadingPlan = z.infer<typeof readingPlanShape>;
export type Joined = z.infer<typeof joinedShape>;
export type MemberChanged = z.infer<typeof memberChangedShape>;
export type Member = z.infer<typeof memberShape>;
export type Invitation = z.infer<typeof invitationInfoShape>;
export type NewInvitation = z.infer<typeof newInvitationShape>;
export type InvitationPreview = z.infer<typeof invitationPreviewShape>;
export type InvitationAccepted = z.infer<typeof invitationAcceptedShape>;
export type ModerationQueue = z.infer<typeof moderationQueueShape>;
export type AuditEntry = z.infer<typeof auditEntryShape>;
export type Oembed = z.infer<typeof oembedShape>;

// ---------------------------------------------------------------------------------------------
// Which route answers which shape

/**
 * The shapes named in the OpenAPI document (`components.schemas`), so that a shape used by many
 * responses (a gloss, a layer) is described once and referred to. Every shape of
 * `responseRoutes` must be here; the names are the document's.
 */
export const responseComponents = {
  Error: errorShape,
  Doc: docShape,
  Segment: segmentShape,
  Author: authorShape,
  PostBody: postBodyShape,
  AnchorCounts: anchorCountsShape,
  Me: meShape,
  Session: sessionShape,
  Account: accountShape,
  EmailVerified: emailVerifiedShape,
  Unsubscribed: unsubscribedShape,
  UnsubscribeLink: unsubscribeLinkShape,
  EndedSessions: endedSessionsShape,
  ResetRequested: resetRequestedShape,
  PasswordReset: passwordResetShape,
  AccountDeleted: accountDeletedShape,
  Notification: notificationShape,
  NotificationList: notificationListShape,
  NotificationsRead: notificationsReadShape,
  MentionReach: mentionReachShape,
  SessionInfo: sessionInfoShape,
  SessionList: sessionListShape,
  TokenInfo: tokenInfoShape,
  TokenList: tokenListShape,
  NewToken: newTokenShape,
  TextSummary: textSummaryShape,
  TextList: textListShape,
  TextRead: textReadShape,
  ParallelList: parallelListShape,
  TextVersion: textVersionShape,
  VersionList: versionListShape,
  NewVersion: newVersionShape,
  TextPreview: textPreviewShape,
  LayerPermissions: layerPermissionsShape,
  Layer: layerShape,
  ListedLayer: listedLayerShape,
  LayerList: layerListShape,
  ImportReport: importReportShape,
  Reply: replyShape,
  GlossTarget: glossTargetShape,
  Anchor: anchorShape,
  Gloss: glossShape,
  Decision: decisionShape,
  DecisionList: decisionListShape,
  GlossListing: glossListingShape,
  DeletedPost: deletedPostShape,
  Flag: flagShape,
  Passage: passageShape,
  SearchResult: searchResultShape,
  SearchResults: searchResultsShape,
  Person: personShape,
  Membership: membershipShape,
  Group: groupShape,
  GroupList: groupListShape,
  GroupText: groupTextShape,
  GroupPage: groupPageShape,
  PlanPassage: planPassageShape,
  ReadingPlan: readingPlanShape,
  Joined: joinedShape,
  MemberChanged: memberChangedShape,
  Member: memberShape,
  MemberList: memberListShape,
  Invitation: invitationInfoShape,
  InvitationList: invitationListShape,
  FollowingList: followingListShape,
  Followed: followedShape,
  NewInvitation: newInvitationShape,
  InvitationPreview: invitationPreviewShape,
  InvitationAccepted: invitationAcceptedShape,
  ModerationQueue: moderationQueueShape,
  AuditEntry: auditEntryShape,
  AuditLog: auditLogShape,
  Oembed: oembedShape,
} satisfies Record<string, z.ZodType>;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A route (its method and path as Hono writes it, `/api/texts/:slug`) and the shape of its JSON answer. */
export interface ResponseRoute {
  method: HttpMethod;
  path: string;
  shape: z.ZodType;
}

const route = (method: HttpMethod, path: string, shape: z.ZodType): ResponseRoute => ({ method, path, shape });

/**
 * Every route that answers JSON of a known shape. Routes that answer nothing (204), a stream,
 * HTML, a file, or W3C JSON-LD (`/annotations/*`, `/api/me/export`) are not here.
 */
export const responseRoutes: readonly ResponseRoute[] = [
  route('POST', '/api/auth/signup', meShape),
  route('POST', '/api/auth/login', meShape),
  route('GET', '/api/session', sessionShape),
  route('GET', '/api/me', accountShape),
  route('PATCH', '/api/me', accountShape),
  route('DELETE', '/api/me', accountDeletedShape),
  route('POST', '/api/auth/verify-email', emailVerifiedShape),
  route('GET', '/api/unsubscribe/:token', unsubscribeLinkShape),
  route('POST', '/api/unsubscribe/:token', unsubscribedShape),
  route('GET', '/api/notifications', notificationListShape),
  route('POST', '/api/notifications/read', notificationsReadShape),
  route('POST', '/api/auth/reset-request', resetRequestedShape),
  route('POST', '/api/auth/reset', passwordResetShape),
  route('POST', '/api/me/password', endedSessionsShape),
  route('POST', '/api/auth/logout-everywhere', endedSessionsShape),
  route('GET', '/api/sessions', sessionListShape),
  route('GET', '/api/tokens', tokenListShape),
  route('POST', '/api/tokens', newTokenShape),
  route('GET', '/api/users/:handle', personShape),
  route('GET', '/api/texts', textListShape),
  route('POST', '/api/texts', textVersionShape),
  route('POST', '/api/texts/preview', textPreviewShape),
  route('GET', '/api/texts/:slug', textVersionShape),
  route('GET', '/api/texts/:slug/versions', versionListShape),
  route('POST', '/api/texts/:slug/read', textReadShape),
  route('POST', '/api/texts/:slug/versions', newVersionShape),
  route('GET', '/api/texts/:slug/parallels', parallelListShape),
  route('POST', '/api/texts/:slug/parallels', parallelListShape),
  route('GET', '/api/texts/:slug/layers', layerListShape),
  route('POST', '/api/texts/:slug/layers', listedLayerShape),
  route('GET', '/api/texts/:slug/layers/:layer', listedLayerShape),
  route('PATCH', '/api/texts/:slug/layers/:layer', listedLayerShape),
  route('GET', '/api/texts/:slug/layers/:layer/glosses', glossListingShape),
  route('GET', '/api/texts/:slug/layers/:layer/mentions', mentionReachShape),
  route('POST', '/api/texts/:slug/layers/:layer/glosses', glossShape),
  route('POST', '/api/texts/:slug/layers/:layer/import', importReportShape),
  route('GET', '/api/texts/:slug/passage', passageShape),
  route('GET', '/api/texts/:slug/glosses', glossListingShape),
  route('GET', '/api/glosses/:id', glossShape),
  route('PATCH', '/api/glosses/:id', glossShape),
  route('DELETE', '/api/glosses/:id', deletedPostShape),
  route('POST', '/api/glosses/:id/replies', replyShape),
  route('PATCH', '/api/replies/:id', replyShape),
  route('DELETE', '/api/replies/:id', deletedPostShape),
  route('POST', '/api/glosses/:id/approve', glossShape),
  route('POST', '/api/glosses/:id/hide', glossShape),
  route('POST', '/api/glosses/:id/restore', glossShape),
  route('POST', '/api/glosses/:id/flag', flagShape),
  route('POST', '/api/replies/:id/approve', replyShape),
  route('POST', '/api/replies/:id/hide', replyShape),
  route('POST', '/api/replies/:id/restore', replyShape),
  route('POST', '/api/replies/:id/flag', flagShape),
  route('POST', '/api/replies/:id/accept', glossShape),
  route('PUT', '/api/glosses/:id/stance', glossShape),
  route('POST', '/api/glosses/:id/decision', glossShape),
  route('GET', '/api/glosses/:id/decisions', decisionListShape),
  route('DELETE', '/api/glosses/:id/stance', glossShape),
  route('GET', '/api/search', searchResultsShape),
  route('GET', '/api/groups', groupListShape),
  route('POST', '/api/groups', groupShape),
  route('GET', '/api/groups/:slug', groupPageShape),
  route('PATCH', '/api/groups/:slug', groupShape),
  route('POST', '/api/groups/:slug/join', joinedShape),
  route('GET', '/api/groups/:slug/members', memberListShape),
  route('PATCH', '/api/groups/:slug/members/:handle', memberChangedShape),
  route('POST', '/api/groups/:slug/members/:handle/approve', memberChangedShape),
  route('GET', '/api/groups/:slug/invitations', invitationListShape),
  route('GET', '/api/groups/:slug/following', followingListShape),
  route('POST', '/api/groups/:slug/following', followedShape),
  route('POST', '/api/groups/:slug/invitations', newInvitationShape),
  route('GET', '/api/invitations/:token', invitationPreviewShape),
  route('POST', '/api/invitations/:token/accept', invitationAcceptedShape),
  route('GET', '/api/groups/:slug/moderation', moderationQueueShape),
  route('GET', '/api/groups/:slug/audit', auditLogShape),
  route('GET', '/api/groups/:slug/plan', readingPlanShape),
  route('PUT', '/api/groups/:slug/plan', readingPlanShape),
  route('GET', '/oembed', oembedShape),
];

/**
 * The entry of `routes` that a request's method and path (no query; percent-encoded as sent)
 * would reach, or undefined. A path's `:name` matches one non-empty segment; where two entries
 * match, the one whose first differing segment is literal wins, as it does in the router
 * (`/api/texts/preview` before `/api/texts/:slug`).
 */
export function findResponseRoute(method: string, path: string, routes: readonly ResponseRoute[] = responseRoutes): ResponseRoute | undefined {
  const wanted = method.toUpperCase();
  const segments = path.split('?')[0].split('/');
  let best: ResponseRoute | undefined;
  let bestScore = '';
  for (const r of routes) {
    if (r.method !== wanted) continue;
    const pattern = r.path.split('/');
    if (pattern.length !== segments.length) continue;
    let score = '';
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      if (pattern[i].startsWith(':')) {
        ok = segments[i] !== '';
        score += '0';
      } else {
        ok = pattern[i] === segments[i];
        score += '1';
      }
    }
    if (ok && score > bestScore) {
      best = r;
      bestScore = score;
    }
  }
  return best;
}
