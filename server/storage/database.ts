/**
 * The database's shape for Kysely: one interface per table, with `Selectable`/`Insertable`
 * aliases beside each. Times are ISO 8601 strings and documents are JSON strings, so the same
 * code runs on SQLite and PostgreSQL.
 */
import type { ColumnType, Generated, Insertable, Kysely, Selectable } from 'kysely';
import type { Role } from '../../schema/responses.ts';
import type { SearchIndexTable } from './search-index.ts';

/** Who may see a text or a layer. `group` needs a group owner. */
export type Visibility = 'public' | 'group' | 'private';
/** A gloss's or reply's state: pending and hidden ones show only to their author and moderators. */
export type PostStatus = 'active' | 'pending' | 'hidden' | 'deleted';
/** What a bearer token may do: everything its holder may (`full`), or only what an embedded passage needs (`embed`). */
export type TokenScope = 'full' | 'embed';
/** How a post from another server was addressed there (Mastodon's reading of `to` and `cc`). */
export type RemoteAudience = 'public' | 'unlisted' | 'followers' | 'direct';
/** Whether a layer's glosses are published to other servers, and whether replies come back (docs/federation.md). */
export type FederationSetting = 'off' | 'publish' | 'publish+replies';
/** How often a person is mailed a digest of what is new (docs/notifications.md, "Digests"). */
export type DigestFrequency = 'off' | 'daily' | 'weekly';
/** A member's role in a group, as the API names it. */
export type { Role };

export interface UserTable {
  id: Generated<number>;
  handle: string;
  /** The handle lower-cased: handles are unique regardless of case. */
  handle_key: string;
  display_name: string;
  password_hash: string;
  created_at: string;
  /** When the account was deleted (its handle and name are then replaced); null while it lives. */
  deleted_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** An e-mail address the person gave, confirmed or not. */
  email: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the address was confirmed (its owner followed the mailed link); null until then. */
  email_verified_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** SHA-256 of the pending confirmation link's secret, hex, and when the link stops working. */
  email_token_hash: ColumnType<string | null, string | null | undefined, string | null>;
  email_token_expires_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** SHA-256 of the pending password-reset link's secret, hex, and when the link stops working. */
  reset_token_hash: ColumnType<string | null, string | null | undefined, string | null>;
  reset_token_expires_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** How often the person is mailed a digest; `off` by default. */
  digest: ColumnType<DigestFrequency, DigestFrequency | undefined, DigestFrequency>;
  /** When the person's digest was last looked at (mailed, or nothing new); null before the first. */
  digest_checked_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** A person from another server: their actor's id (unique); null for an account of this server. */
  actor_uri: ColumnType<string | null, string | null | undefined, string | null>;
  /** A person from another server: their page there. */
  profile_url: ColumnType<string | null, string | null | undefined, string | null>;
}
export type UserRow = Selectable<UserTable>;

export interface SessionTable {
  id: Generated<number>;
  user_id: number;
  /** SHA-256 of the cookie secret, hex. */
  token_hash: string;
  created_at: string;
  expires_at: string;
  /** The browser's User-Agent when the session started (at most 300 characters), if it sent one. */
  user_agent: ColumnType<string | null, string | null | undefined, string | null>;
  /** When a request last used the session, to the minute. */
  last_seen_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ApiTokenTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  /** SHA-256 of the bearer secret, hex. */
  token_hash: string;
  /** full: acts as its holder in everything; embed: only its holder's own glosses and replies. */
  scope: Generated<TokenScope>;
  created_at: string;
  /** When the token stops working (embed tokens), or null for never. */
  expires_at: string | null;
  last_used_at: string | null;
}
export type ApiTokenRow = Selectable<ApiTokenTable>;

export interface TextTable {
  id: Generated<number>;
  slug: string;
  title: string;
  language: string;
  direction: 'ltr' | 'rtl' | 'auto';
  license: string | null;
  attribution: string | null;
  owner_id: number;
  /** The group that owns the text, or null for a person's text. */
  group_id: number | null;
  /** public: everyone; group: the owning group's members; private: the owner only. */
  visibility: Visibility;
  current_version: number;
  created_at: string;
  /** The Sefaria ref it was imported from, or null: with a version's sha256, how servers match a text (docs/federation.md §7). */
  sefaria_ref: ColumnType<string | null, string | null | undefined, string | null>;
}
export type TextRow = Selectable<TextTable>;

export interface TextVersionTable {
  id: Generated<number>;
  text_id: number;
  number: number;
  /** ProseMirror JSON of the document. */
  doc: string;
  /** The plain-text projection. */
  projection: string;
  /** JSON `[{ref, start, end}]`. */
  segments: string;
  /** The bytes the version takes (doc, projection and segments in UTF-8), for storage quotas. */
  bytes: number;
  created_by: number;
  created_at: string;
  /** SHA-256 (hex) of the projection in UTF-8; `storage/texts.ts` sets it on every insert. */
  sha256: ColumnType<string | null, string | null | undefined, string | null>;
}
export type TextVersionRow = Selectable<TextVersionTable>;

export interface LayerTable {
  id: Generated<number>;
  text_id: number;
  slug: string;
  name: string;
  description: string;
  color: string;
  owner_id: number;
  /** The group that owns the layer, or null for a person's layer. */
  group_id: number | null;
  /**
   * public: everyone who can read the text; group: the group's members; private: a person's
   * layer is its owner's alone, a group's private layer is a notebook where each member sees
   * only their own glosses.
   */
  visibility: Visibility;
  /** Who may add glosses: owner or signed_in (a person's layer); members or moderators (a group's). */
  write_policy: 'owner' | 'signed_in' | 'members' | 'moderators';
  /** Who may reply in its threads. */
  reply_policy: 'signed_in' | 'members' | 'nobody';
  /**
   * 1 when members must write before they read: until they have a gloss of their own here, they
   * see only their own (docs/deliberation.md §4). Moderators, and a person's own layer's owner, see all.
   */
  read_first: ColumnType<number, number | undefined, number>;
  /** For imported commentary: its license and who to credit. */
  license: string | null;
  attribution: string | null;
  created_at: string;
  /**
   * Whether its glosses travel to the group's followers elsewhere (docs/federation.md): `off`,
   * `publish`, or `publish+replies` (replies from elsewhere come back into its threads). Only
   * what a visitor may read is ever published, whatever this says.
   */
  federation: ColumnType<FederationSetting, FederationSetting | undefined, FederationSetting>;
  /**
   * For a layer that mirrors a group's layer on another Daf (docs/federation.md §7): that layer's
   * W3C container. Such a layer is read-only here; null for every layer of this server's own.
   */
  remote_uri: ColumnType<string | null, string | null | undefined, string | null>;
  /** For such a layer, the actor of the followed group it came through (null if made before that was kept). */
  remote_group: ColumnType<string | null, string | null | undefined, string | null>;
}
export type LayerRow = Selectable<LayerTable>;

export interface GlossTable {
  id: Generated<number>;
  layer_id: number;
  text_id: number;
  /** Set when this gloss comments on another gloss's body. */
  target_gloss_id: number | null;
  /** The text version (or the target gloss's body revision) the selectors were made on. */
  target_version: number;
  /** JSON of the W3C-style selectors: `{exact, prefix, suffix, start, end, segment}`. */
  selectors: string;
  body_doc: string;
  body_text: string;
  /** Bumped on every body edit; glosses on this gloss anchor per revision. */
  body_revision: number;
  author_id: number;
  motivation: string;
  status: PostStatus;
  /** Why a moderator hid it (shown to its author). */
  moderation_note: string | null;
  /** The gloss whose hiding hid this one too (restoring that one restores this one). */
  hidden_with: number | null;
  /** The status it had when hidden: restoring returns it there (pending stays unpublished). */
  hidden_from: 'active' | 'pending' | null;
  /** A question's accepted answer (a reply in its thread), or null while it is open. */
  accepted_reply_id: Generated<number | null>;
  /** Who wrote it, when that is not the account that posted it (an imported commentary: "Bartenura"). */
  attribution: Generated<string | null>;
  /** When its author last changed it (body, place or motivation); null if never. */
  edited_at: Generated<string | null>;
  created_at: string;
  updated_at: string;
  /** For a gloss of a mirrored layer: the id of its Note on the server it came from. */
  remote_uri: ColumnType<string | null, string | null | undefined, string | null>;
}
export type GlossRow = Selectable<GlossTable>;

export interface AnchorTable {
  gloss_id: number;
  /** Text version number, or the target gloss's body revision. */
  version: number;
  start: number | null;
  end: number | null;
  status: 'exact' | 'moved' | 'fuzzy' | 'segment' | 'orphan';
  score: number;
  /** The target's text at start..end (it differs from the quote after a fuzzy match). */
  exact: string | null;
}
export type AnchorRow = Selectable<AnchorTable>;

/** How a reply stands to what it answers (docs/deliberation.md). */
export type ReplyStance = 'answers' | 'supports' | 'objects';

export interface ReplyTable {
  id: Generated<number>;
  gloss_id: number;
  parent_id: number | null;
  author_id: number;
  body_doc: string;
  body_text: string;
  status: PostStatus;
  moderation_note: string | null;
  hidden_with: number | null;
  hidden_from: 'active' | 'pending' | null;
  /** How it stands to what it answers: `answers`, `supports`, `objects`, or null for none said. */
  stance: Generated<ReplyStance | null>;
  /** When its author last changed its body; null if never. */
  edited_at: Generated<string | null>;
  created_at: string;
  updated_at: string;
  /** A reply from another server: its Note's id there (unique); null for one written here. */
  remote_uri: ColumnType<string | null, string | null | undefined, string | null>;
  /** How a reply from another server was addressed there: public, unlisted, followers or direct. */
  remote_audience: ColumnType<RemoteAudience | null, RemoteAudience | null | undefined, RemoteAudience | null>;
}
export type ReplyRow = Selectable<ReplyTable>;

export interface EventTable {
  id: Generated<number>;
  text_id: number;
  /**
   * JSON array of the layers whose visibility governs the event: the layer of the gloss or reply
   * it is about (or the layer itself); empty for text-wide events (a new version).
   */
  layer_ids: string;
  kind: string;
  payload: string;
  /** The gloss or reply the event is about, whose own visibility governs it too. */
  item_kind: 'gloss' | 'reply' | null;
  item_id: number | null;
  created_at: string;
}
export type EventRow = Selectable<EventTable>;

export interface ReadingGroupTable {
  id: Generated<number>;
  slug: string;
  name: string;
  description: string;
  /** public: anyone may see the group; private: only its members know it exists. */
  visibility: 'public' | 'private';
  join_policy: 'open' | 'approval' | 'invite';
  /** 1 when new members' posts wait for a moderator. */
  premoderation: number;
  /** Approved posts after which a member's posts go straight through. */
  trust_after: number;
  created_by: number;
  created_at: string;
  /** 1 when the group may be followed from other servers (public groups only; docs/federation.md). */
  federated: ColumnType<number, number | undefined, number>;
}
export type ReadingGroupRow = Selectable<ReadingGroupTable>;

export interface MembershipTable {
  group_id: number;
  user_id: number;
  role: Role;
  /** active: a member; pending: asked to join, waiting for approval; banned: shut out. */
  state: 'active' | 'pending' | 'banned';
  approved_posts: number;
  created_at: string;
}
export type MembershipRow = Selectable<MembershipTable>;

export interface InvitationTable {
  id: Generated<number>;
  group_id: number;
  token_hash: string;
  created_by: number;
  expires_at: string;
  max_uses: number | null;
  uses: number;
  revoked_at: string | null;
  created_at: string;
  /** A personal invitation: the one person who may use it (and was told of it); null for a link anyone may use. */
  invitee_id: Generated<number | null>;
}
export type InvitationRow = Selectable<InvitationTable>;

export interface FlagTable {
  id: Generated<number>;
  kind: 'gloss' | 'reply';
  item_id: number;
  group_id: number | null;
  flagger_id: number;
  reason: string;
  resolved_at: string | null;
  created_at: string;
}
export type FlagRow = Selectable<FlagTable>;

export interface AuditLogTable {
  id: Generated<number>;
  group_id: number;
  actor_id: number;
  action: string;
  kind: string | null;
  item_id: number | null;
  /** The person an action was about (a ban, a role change). */
  subject_id: number | null;
  reason: string | null;
  created_at: string;
}
export type AuditLogRow = Selectable<AuditLogTable>;

/** A text paired with a parallel one (its translation), segments matched by ref. */
export interface TextParallelTable {
  text_id: number;
  parallel_id: number;
  created_by: number;
  created_at: string;
}

/** The whole database. */
/** What a notification tells its recipient of (docs/notifications.md). */
export type NotificationKind = 'reply' | 'comment' | 'mention' | 'pending' | 'approved' | 'hidden' | 'invited';

/** One thing a person is told of: a post (a gloss, or a reply under it) and who did what. */
export interface NotificationTable {
  id: Generated<number>;
  recipient_id: number;
  kind: NotificationKind;
  /** Who did it: the writer, or the moderator who approved or hid (null when unknown). */
  actor_id: number | null;
  /** The text of the post it is about; null for an invitation. */
  text_id: number | null;
  /** The gloss it is about, or the gloss of the reply it is about; null for an invitation. */
  gloss_id: number | null;
  reply_id: number | null;
  /** For `invited`: the personal invitation, and the path its recipient follows (`/invite/TOKEN`). */
  invitation_id: number | null;
  link: string | null;
  created_at: string;
  read_at: string | null;
}
export type NotificationRow = Selectable<NotificationTable>;

/** A person's stance on a reading (a gloss): agree, disagree (with a reason) or abstain. */
export type StanceKind = 'agree' | 'disagree' | 'abstain';
export interface GlossStanceTable {
  gloss_id: number;
  user_id: number;
  stance: StanceKind;
  reason: string | null;
  created_at: string;
  updated_at: string;
}

/** A decision recorded on a gloss; the newest of a gloss is the one in force. */
export interface DecisionTable {
  id: Generated<number>;
  gloss_id: number;
  statement: string;
  /** The reading adopted: a gloss (this one, or one on the same text) or a reply in its thread; null for none. */
  adopted_kind: 'gloss' | 'reply' | null;
  adopted_id: number | null;
  decided_by: number;
  decided_at: string;
  /** A day (YYYY-MM-DD) to look at it again, or null. */
  review_on: string | null;
  /** JSON `[{author: {handle, name}, reason}]`: the disagreeing stances as they stood when decided. */
  dissent: string;
}

/** When a person last read a text: what others wrote there after it is new to them. */
export interface TextReadTable {
  user_id: number;
  text_id: number;
  read_at: string;
}
/** A group's reading plan (at most one a group): the text it reads and how, as its moderators set it. */
export interface ReadingPlanTable {
  /** The group; its primary key, so a group has one plan. */
  group_id: number;
  text_id: number;
  /** JSON of the schedule as set (`ReadingSchedule` in schema/api.ts); passages are expanded on read. */
  schedule: string;
  /** Who set it last. */
  set_by: number;
  updated_at: string;
}
export type ReadingPlanRow = Selectable<ReadingPlanTable>;
/** A digest's one-click unsubscribe link (RFC 8058): one per mailed digest, good until one of the person's is used. */
export interface UnsubscribeLinkTable {
  id: Generated<number>;
  user_id: number;
  /** SHA-256 of the link's secret, hex. */
  token_hash: string;
  created_at: string;
}

/** One allowed event of a rate limit's sliding window (storage/rate-limits.ts). */
export interface LimitHitTable {
  /** The limit's name and whom it counts: `write:w:12`, `signup:a:192.0.2.7`. */
  key: string;
  /** When, in milliseconds since 1970. */
  at: number;
}
/** Failed log-ins counted against a handle (`h:…`) or a handle from an address (`p:… …`); see services/login-guard.ts. */
export interface LoginFailureTable {
  key: string;
  count: number;
  /** The last failure, in milliseconds since 1970. */
  last: number;
}
/** Fedify's key-value store: a JSON value per JSON-encoded key (docs/federation.md §3). */
export interface FedKvTable {
  key: string;
  value: string;
  /** When it lapses, in milliseconds since 1970; null: never. */
  expires_at: number | null;
}
/** Fedify's message queue: one message until a worker has handled it (docs/federation.md §3). */
export interface FedQueueTable {
  id: string;
  /** The message, JSON. */
  message: string;
  /** Not handled before this moment (ms since 1970): a delay, or a retry's backoff. */
  not_before: number;
  /** A worker holds it until then (ms since 1970); 0 when nobody does. */
  leased_until: ColumnType<number, number | undefined, number>;
  created_at: number;
  /** Messages of one lane are handed out one at a time, in order (a delivery's inbox, a sender's server). */
  lane: ColumnType<string, string | undefined, string>;
}
/** A local actor's key pair, generated once: `owner` is `group:ID`, `user:ID` or `app`. */
export interface FedKeyTable {
  owner: string;
  /** `RSASSA-PKCS1-v1_5` (HTTP signatures) or `Ed25519` (object integrity proofs). */
  algorithm: string;
  private_jwk: string;
  public_jwk: string;
  created_at: string;
}
/** An actor elsewhere that follows a group, and where to deliver to it. */
export interface FedFollowerTable {
  group_id: number;
  actor_uri: string;
  inbox_uri: string;
  shared_inbox_uri: string | null;
  /** The id of their Follow, which the Accept names. */
  follow_uri: string | null;
  created_at: string;
}
/** A group elsewhere that a group here follows (docs/federation.md §7). */
export interface FedFollowingTable {
  group_id: number;
  actor_uri: string;
  inbox_uri: string;
  /** `name@host`, and its name, as its actor document gave them when followed. */
  handle: string;
  name: string;
  /** The id of the Follow sent, which its Accept names. */
  follow_uri: string;
  state: 'pending' | 'accepted';
  created_at: string;
}
/** A Note from elsewhere deleted here from a layer: it never comes back into it (docs/federation.md §6). */
export interface FedRemovedTable {
  layer_id: number;
  remote_uri: string;
  removed_at: string;
}
/** What was last published of a gloss or reply (docs/federation.md §5). */
export interface FedObjectTable {
  item_kind: 'gloss' | 'reply';
  item_id: number;
  /** The group whose followers received it. */
  group_id: number;
  /** Bumped when a deleted object is published again: the new revision has a new id. */
  revision: number;
  /** SHA-256 of the published object: an edit that changes it goes out as Update. */
  digest: string;
  /** 1 once a Delete went out. */
  deleted: ColumnType<number, number | undefined, number>;
  updated_at: string;
  /**
   * For a reply written here in a followed group's thread (docs/federation.md §7): the group there
   * it was sent to, and its inbox. Null for what went to the group's followers.
   */
  sent_to: ColumnType<string | null, string | null | undefined, string | null>;
  sent_inbox: ColumnType<string | null, string | null | undefined, string | null>;
  /** The local actor (`user.HANDLE`) that sent its Create: who sends its Delete once the row is gone. */
  sent_by: ColumnType<string | null, string | null | undefined, string | null>;
}
/** How far a reader of the event log has got, and which process holds it for how long. */
export interface FedCursorTable {
  name: string;
  last_event_id: number;
  holder: string | null;
  leased_until: ColumnType<number, number | undefined, number>;
}
export interface Database {
  user: UserTable;
  session: SessionTable;
  api_token: ApiTokenTable;
  text: TextTable;
  text_version: TextVersionTable;
  text_parallel: TextParallelTable;
  layer: LayerTable;
  gloss: GlossTable;
  anchor: AnchorTable;
  reply: ReplyTable;
  event: EventTable;
  reading_group: ReadingGroupTable;
  membership: MembershipTable;
  invitation: InvitationTable;
  flag: FlagTable;
  audit_log: AuditLogTable;
  notification: NotificationTable;
  text_read: TextReadTable;
  gloss_stance: GlossStanceTable;
  decision: DecisionTable;
  reading_plan: ReadingPlanTable;
  unsubscribe_link: UnsubscribeLinkTable;
  limit_hit: LimitHitTable;
  login_failure: LoginFailureTable;
  fed_kv: FedKvTable;
  fed_queue: FedQueueTable;
  fed_key: FedKeyTable;
  fed_follower: FedFollowerTable;
  fed_following: FedFollowingTable;
  fed_removed: FedRemovedTable;
  fed_object: FedObjectTable;
  fed_cursor: FedCursorTable;
  /** The FTS5 full-text index (SQLite); see storage/search-index.ts. */
  search_index: SearchIndexTable;
}

/** The Kysely handle every storage module takes. */
export type DB = Kysely<Database>;
export type NewRow<T extends keyof Database> = Insertable<Database[T]>;
