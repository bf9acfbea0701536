/**
 * The database's shape for Kysely: one interface per table, with `Selectable`/`Insertable`
 * aliases beside each. Times are ISO 8601 strings and documents are JSON strings, so the same
 * code runs on SQLite and PostgreSQL.
 */
import type { Generated, Insertable, Kysely, Selectable } from 'kysely';

export interface UserTable {
  id: Generated<number>;
  handle: string;
  /** The handle lower-cased: handles are unique regardless of case. */
  handle_key: string;
  display_name: string;
  password_hash: string;
  created_at: string;
}
export type UserRow = Selectable<UserTable>;

export interface SessionTable {
  id: Generated<number>;
  user_id: number;
  /** SHA-256 of the cookie secret, hex. */
  token_hash: string;
  created_at: string;
  expires_at: string;
}

export interface ApiTokenTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  /** SHA-256 of the bearer secret, hex. */
  token_hash: string;
  created_at: string;
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
  visibility: 'public' | 'private';
  current_version: number;
  created_at: string;
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
  created_by: number;
  created_at: string;
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
  visibility: 'public' | 'private';
  /** Who may add glosses: the owner only, or anyone signed in. */
  write_policy: 'owner' | 'signed_in';
  /** For imported commentary: its license and who to credit. */
  license: string | null;
  attribution: string | null;
  created_at: string;
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
  status: 'active' | 'deleted';
  created_at: string;
  updated_at: string;
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

export interface ReplyTable {
  id: Generated<number>;
  gloss_id: number;
  parent_id: number | null;
  author_id: number;
  body_doc: string;
  body_text: string;
  status: 'active' | 'deleted';
  created_at: string;
  updated_at: string;
}
export type ReplyRow = Selectable<ReplyTable>;

export interface EventTable {
  id: Generated<number>;
  text_id: number;
  /**
   * JSON array of the layers whose visibility governs the event: the gloss's layer and those of
   * every gloss above it; empty for text-wide events (a new version).
   */
  layer_ids: string;
  kind: string;
  payload: string;
  created_at: string;
}
export type EventRow = Selectable<EventTable>;

/** The whole database. */
export interface Database {
  user: UserTable;
  session: SessionTable;
  api_token: ApiTokenTable;
  text: TextTable;
  text_version: TextVersionTable;
  layer: LayerTable;
  gloss: GlossTable;
  anchor: AnchorTable;
  reply: ReplyTable;
  event: EventTable;
}

/** The Kysely handle every storage module takes. */
export type DB = Kysely<Database>;
export type NewRow<T extends keyof Database> = Insertable<Database[T]>;
