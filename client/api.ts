import type { CreateLayerInput, TextFormat } from '../schema/api.ts';

/**
 * The one file that knows the server's URLs. Everything the client reads and writes goes
 * through these functions, which throw `ApiError` with the server's code and message.
 */

/** An error answered by the server, in its JSON error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Shown when a request never reached the server, so there is no message of its own. */
export const unreachable = 'Could not reach the server. Check your connection and try again.';

/** What to tell a person of a failed request: the server's message, or that it could not be reached. */
export function failureMessage(e: unknown): string {
  return e instanceof ApiError ? e.message : unreachable;
}

/** How a request is sent: the reader's own pages use the session cookie; the embed a bearer token. */
interface RequestAuth {
  credentials?: RequestCredentials;
  token?: string | null;
}

async function request<T>(method: string, url: string, body?: unknown, auth: RequestAuth = {}): Promise<T> {
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: auth.credentials ?? 'same-origin',
  });
  const text = await res.text();
  const value = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(res.status, value?.error?.code ?? 'unknown', value?.error?.message ?? res.statusText);
  return value as T;
}

/** A text in the library list. */
export interface TextSummary {
  slug: string;
  title: string;
  language: string;
  direction: 'ltr' | 'rtl' | 'auto';
  license: string | null;
  attribution: string | null;
  group: string | null;
  /** public: everyone; group: the owning group's members; private: its owner. */
  visibility: 'public' | 'group' | 'private';
}

/** A version of a text, with its document and projection. */
export interface TextVersion extends TextSummary {
  version: { number: number };
  doc: unknown;
  text: string;
  segments: { ref: string; start: number; end: number }[];
}

/** A layer of a text. */
export interface Layer {
  slug: string;
  name: string;
  color: string;
  visibility: string;
  glossCount: number;
  group: string | null;
  attribution: string | null;
  license: string | null;
  /**
   * What the reader may do here, as the server will judge it; `edit`: change their own posts (not
   * once banned from its group); `moderate`: approve, hide, restore and delete others' posts.
   */
  you: { write: boolean; reply: boolean; edit: boolean; manage: boolean; moderate: boolean };
}

/** The signed-in person. */
export interface Me {
  handle: string;
  name: string;
}

/** A reading group in the library. */
export interface GroupSummary {
  slug: string;
  name: string;
  description: string | null;
  visibility: 'public' | 'private';
  joinPolicy: 'open' | 'approval' | 'invite';
  memberCount?: number;
  membership: { role: string; state: string } | null;
}

/** A member's role in a group. */
export type Role = 'owner' | 'moderator' | 'member';

/** A reading group's page (`GET /api/groups/:slug`): its settings and where it reads. */
export interface Group extends GroupSummary {
  /** An active owner also learns whether they are its only owner (who may not leave). */
  membership: { role: string; state: string; soleOwner?: boolean } | null;
  premoderation: boolean;
  trustAfter: number;
  /** The group's own texts that the reader may open. */
  texts: Pick<TextSummary, 'slug' | 'title' | 'language' | 'direction'>[];
  /** The group's layers that the reader may see, each with the text it is on. */
  layers: {
    slug: string;
    name: string;
    description: string;
    color: string;
    visibility: string;
    text: Pick<TextSummary, 'slug' | 'title' | 'language' | 'direction'>;
  }[];
}

/** What an owner may change of a group (`PATCH /api/groups/:slug`): any of these, the rest kept. */
export interface GroupSettings {
  name?: string;
  description?: string;
  visibility?: Group['visibility'];
  joinPolicy?: Group['joinPolicy'];
  premoderation?: boolean;
  trustAfter?: number;
}

/**
 * One entry of a group's audit log (`GET /api/groups/:slug/audit`): who (`actor`) did what
 * (`action`, such as `member.banned` or `gloss.hidden`) to whom (`subject`) or to which post
 * (`kind`, `item`), and when. `reason` is the reason given, except for `member.role` (the new
 * role) and `group.updated` (the changed settings, as JSON).
 */
export interface AuditEntry {
  id: number;
  action: string;
  actor: string;
  subject: string | null;
  kind: 'gloss' | 'reply' | null;
  item: number | null;
  reason: string | null;
  at: string;
}

/** A person in a group: active members, and for moderators also requests (`pending`) and bans. */
export interface Member {
  handle: string;
  name: string;
  role: Role;
  state: 'active' | 'pending' | 'banned';
  trusted: boolean;
  joined: string;
}

/** An invitation to a group, without its secret. */
export interface Invitation {
  id: number;
  expires: string;
  maxUses: number | null;
  uses: number;
  revoked: boolean;
  created: string;
  /** The handle of who made it. */
  createdBy: string;
}

/** An invitation as created: its secret link is shown only this once. */
export interface NewInvitation extends Invitation {
  token: string;
  url: string;
}

/** A group's moderation queue: posts waiting for a moderator, and open flags. */
export interface ModerationQueue {
  group: string;
  pending: {
    kind: 'gloss' | 'reply';
    id: number;
    /** For a reply, the gloss it answers. */
    gloss?: number;
    text: string;
    layer: string;
    author: string;
    excerpt: string;
    created: string;
  }[];
  flags: {
    id: number;
    kind: 'gloss' | 'reply';
    item: number;
    /** The gloss the flagged post is or belongs to; null when it is gone. */
    gloss: number | null;
    reason: string;
    flagger: string;
    created: string;
    /** The flagged post; null when it is gone. A deleted one has no author and an empty excerpt. */
    post: { text: string; layer: string; status: string; author: string | null; excerpt: string; created: string } | null;
  }[];
}

/** What an invitation link names, before joining: the group's description only to those who may see the group. */
export interface InvitationPreview {
  group: { slug: string; name: string; description: string | null; visibility: 'public' | 'private' };
  /** Who made the link. */
  invitedBy: { handle: string; name: string } | null;
  expires: string;
  membership: { role: Role; state: string } | null;
}

/** What a text would be (`POST /api/texts/preview`): its counts and first passages. */
export interface TextPreview {
  blocks: number;
  segments: number;
  characters: number;
  sample: { ref: string | null; text: string }[];
}

/** A new text (`POST /api/texts`), as the browser sends it: content as a string (a Word document in base64). */
export interface NewText {
  title: string;
  format: Exclude<TextFormat, 'prosemirror'>;
  content: string;
  language: string;
  direction?: 'ltr' | 'rtl';
  license?: string;
  attribution?: string;
  visibility: 'public' | 'group' | 'private';
  group?: string;
}

/** One search result; `highlights` are [start, end) ranges of matched words in `snippet`. */
export interface SearchResult {
  kind: 'text' | 'gloss' | 'reply';
  id: number;
  text: string;
  textTitle: string;
  layer: string | null;
  /** The layer's name. */
  layerName: string | null;
  gloss: number | null;
  /** The passage of a gloss or reply ("1:4"), when its text has segments. */
  ref: string | null;
  snippet: string;
  highlights: [number, number][];
}

/** Where a new gloss goes: a quoted span of the text, or (with `gloss`) of another gloss. */
export interface GlossTarget {
  exact: string;
  prefix?: string;
  suffix?: string;
  start?: number;
  end?: number;
  gloss?: number;
}

/** A gloss or reply body: a gloss-schema ProseMirror document. */
export type Body = { doc: unknown };

/** A reply in a thread. */
export interface Reply {
  id: number;
  parent: number | null;
  status: string;
  author: { handle: string; name: string } | null;
  body: { doc: unknown; text: string } | null;
  moderationNote: string | null;
  created: string;
  updated: string;
  /** When its author last changed it; null if never. */
  edited: string | null;
}

/** A gloss with its anchor and thread. */
export interface Gloss {
  id: number;
  layer: string;
  target: { gloss: number | null; exact: string; segment: string | null };
  anchor: { version: number; start: number | null; end: number | null; status: string; exact: string | null } | null;
  body: { doc: unknown; text: string } | null;
  bodyRevision: number;
  motivation: string;
  status: string;
  author: { handle: string; name: string } | null;
  /** Who wrote it when that is not the account that posted it (an imported commentary: "Bartenura"). */
  attribution: string | null;
  moderationNote: string | null;
  created: string;
  /** When its author last changed it; null if never. */
  edited: string | null;
  replies: Reply[];
}

/** A passage of a text with the layers and glosses on it (`GET /api/texts/:slug/passage`). */
export interface Passage {
  text: TextSummary;
  version: number;
  /** The ref asked for, or null for the whole text. */
  ref: string | null;
  /** Where the passage lies in the version's projection: its blocks' offsets start at `start`. */
  start: number;
  end: number;
  /** A text-schema document of the passage's blocks only. */
  doc: unknown;
  segments: { ref: string; start: number; end: number }[];
  layers: Layer[];
  glosses: Gloss[];
}

/** A bearer token as listed: never its secret. */
export interface TokenInfo {
  id: number;
  name: string;
  scope: 'full' | 'embed';
  created: string;
  expires: string | null;
  lastUsed: string | null;
}

/** The account as its owner sees it (`GET /api/me`). */
export interface Account extends Me {
  email: string | null;
  /** The owner followed the link mailed to the address. */
  emailVerified: boolean;
}

/** One of the person's sessions (`GET /api/sessions`). */
export interface SessionInfo {
  id: number;
  created: string;
  lastSeen: string | null;
  expires: string;
  /** The browser as it named itself at log-in, or null. */
  userAgent: string | null;
  /** The session asking. */
  current: boolean;
}

/** What deleting an account did (`DELETE /api/me`). */
export interface AccountDeleted {
  deletedPosts: number;
  tombstones: number;
  privateTexts: number;
  groupsLeft: number;
}

/** A person's page (`GET /api/users/:handle`): what the viewer could find anyway. */
export interface Person {
  handle: string;
  name: string;
  joined: string;
  groups: { slug: string; name: string; role: Role }[];
  glosses: {
    id: number;
    text: string;
    textTitle: string;
    layer: string;
    layerName: string;
    ref: string | null;
    quote: string;
    excerpt: string;
    created: string;
    /** On one's own page: active, pending or hidden. */
    status?: 'active' | 'pending' | 'hidden';
  }[];
  /** The `before` of the next page, or null at the end. */
  next: number | null;
}

/** A bearer token, as created; its secret is shown only this once. */
export interface Token {
  id: number;
  name: string;
  /** `full` acts as its holder; `embed` reads, and writes its holder's own glosses and replies. */
  scope: 'full' | 'embed';
  /** When it stops working (ISO time), or null for never. */
  expires: string | null;
  token: string;
}

const enc = encodeURIComponent;

/** The path of `GET /api/texts/:slug/passage` for a ref and layers. */
function passagePath(slug: string, ref: string | null, layers: string[] | null): string {
  const query = new URLSearchParams();
  if (ref) query.set('ref', ref);
  if (layers?.length) query.set('layer', layers.join(','));
  const q = query.toString();
  return `/api/texts/${enc(slug)}/passage${q ? `?${q}` : ''}`;
}

export const api = {
  /** The signed-in person, or null for a visitor (a 200 either way, so no error is logged). */
  me: async (): Promise<Me | null> => (await request<{ me: Me | null }>('GET', '/api/session')).me,
  signup: (handle: string, password: string, displayName?: string) => request<Me>('POST', '/api/auth/signup', { handle, password, ...(displayName ? { displayName } : {}) }),
  login: (handle: string, password: string) => request<Me>('POST', '/api/auth/login', { handle, password }),
  logout: () => request<null>('POST', '/api/auth/logout'),
  updateMe: (displayName: string) => request<Me>('PATCH', '/api/me', { displayName }),
  /** The account as its owner sees it, with its e-mail address. */
  account: () => request<Account>('GET', '/api/me'),
  /** A new address (mailed a confirmation link), or null to remove it. */
  setEmail: (email: string | null) => request<Account>('PATCH', '/api/me', { email }),
  /** Confirms an address with the secret of its mailed link. */
  verifyEmail: (token: string) => request<{ handle: string; email: string }>('POST', '/api/auth/verify-email', { token }),
  /** A new password, with the current one; the person's other sessions end. */
  changePassword: (current: string, password: string) => request<{ endedSessions: number }>('POST', '/api/me/password', { current, password }),
  /** Ends every session of the person, this one included. */
  logoutEverywhere: () => request<{ endedSessions: number }>('POST', '/api/auth/logout-everywhere'),
  tokens: () => request<{ tokens: TokenInfo[] }>('GET', '/api/tokens'),
  revokeToken: (id: number) => request<null>('DELETE', `/api/tokens/${id}`),
  sessions: () => request<{ sessions: SessionInfo[] }>('GET', '/api/sessions'),
  endSession: (id: number) => request<null>('DELETE', `/api/sessions/${id}`),
  /** Deletes the account, given its password; the session ends with it. */
  deleteAccount: (password: string) => request<AccountDeleted>('DELETE', '/api/me', { password }),
  /** A person's page as the viewer may see it; `before` pages back through their glosses. */
  person: (handle: string, before?: number) => request<Person>('GET', `/api/users/${enc(handle)}${before ? `?before=${before}` : ''}`),
  groups: () => request<{ groups: GroupSummary[] }>('GET', '/api/groups'),
  group: (slug: string) => request<Group>('GET', `/api/groups/${enc(slug)}`),
  /** Joins an open group at once, or asks to join an approval group (`state: 'pending'`). */
  joinGroup: (slug: string) => request<{ role: Role; state: 'active' | 'pending' }>('POST', `/api/groups/${enc(slug)}/join`),
  /** Leaves a group, or withdraws a request to join. */
  leaveGroup: (slug: string) => request<null>('POST', `/api/groups/${enc(slug)}/leave`),
  members: (slug: string) => request<{ members: Member[] }>('GET', `/api/groups/${enc(slug)}/members`),
  setRole: (slug: string, handle: string, role: Role) => request<unknown>('PATCH', `/api/groups/${enc(slug)}/members/${enc(handle)}`, { role }),
  /** Admits a request to join. */
  approveMember: (slug: string, handle: string) => request<unknown>('POST', `/api/groups/${enc(slug)}/members/${enc(handle)}/approve`),
  /** Removes a member, or declines a request to join. */
  removeMember: (slug: string, handle: string) => request<null>('DELETE', `/api/groups/${enc(slug)}/members/${enc(handle)}`),
  /** Changes a group's settings (owners); answers the group as it now is. */
  createGroup: (input: Required<GroupSettings> & { slug: string }) => request<GroupSummary>('POST', '/api/groups', input),
  updateGroup: (slug: string, changes: GroupSettings) => request<GroupSummary>('PATCH', `/api/groups/${enc(slug)}`, changes),
  /** Bans a person (owners): they leave the group and may not join or write again until the ban is lifted. */
  banMember: (slug: string, handle: string, reason?: string) => request<null>('POST', `/api/groups/${enc(slug)}/members/${enc(handle)}/ban`, reason ? { reason } : {}),
  /** Lifts a ban (owners): the person may join again under the group's policy. */
  unbanMember: (slug: string, handle: string) => request<null>('DELETE', `/api/groups/${enc(slug)}/members/${enc(handle)}/ban`),
  /** A page of the group's audit log, newest first (owners and moderators). */
  audit: (slug: string, offset = 0) => request<{ entries: AuditEntry[] }>('GET', `/api/groups/${enc(slug)}/audit?offset=${offset}`),
  invitations: (slug: string) => request<{ invitations: Invitation[] }>('GET', `/api/groups/${enc(slug)}/invitations`),
  createInvitation: (slug: string, input: { expiresInHours?: number; maxUses?: number }) =>
    request<NewInvitation>('POST', `/api/groups/${enc(slug)}/invitations`, input),
  revokeInvitation: (slug: string, id: number) => request<null>('DELETE', `/api/groups/${enc(slug)}/invitations/${id}`),
  /** What an invitation link names, without using it: 404 or 410 when it cannot be used. */
  invitation: (token: string) => request<InvitationPreview>('GET', `/api/invitations/${enc(token)}`),
  /** Accepts an invitation: the reader becomes an active member of `group`. */
  acceptInvitation: (token: string) => request<{ group: string; role: Role; state: 'active' }>('POST', `/api/invitations/${enc(token)}/accept`),
  moderationQueue: (slug: string) => request<ModerationQueue>('GET', `/api/groups/${enc(slug)}/moderation`),
  /** Approves, hides (with a reason for the author) or restores a gloss or reply. */
  moderate: (kind: 'gloss' | 'reply', id: number, action: 'approve' | 'hide' | 'restore', reason?: string) =>
    request<unknown>('POST', `/api/${kind === 'gloss' ? 'glosses' : 'replies'}/${id}/${action}`, reason ? { reason } : {}),
  search: (q: string, text?: string) =>
    request<{ results: SearchResult[] }>('GET', `/api/search?q=${enc(q)}${text ? `&text=${enc(text)}` : ''}`),
  /** A layer of one's own (`visibility` public or private), or of a group one curates (`group`). */
  createLayer: (slug: string, input: CreateLayerInput) => request<Layer>('POST', `/api/texts/${enc(slug)}/layers`, input),
  createGloss: (slug: string, layer: string, input: { target: GlossTarget; body: Body; motivation?: string }) =>
    request<Gloss>('POST', `/api/texts/${enc(slug)}/layers/${enc(layer)}/glosses`, input),
  updateGloss: (id: number, input: { body?: Body; motivation?: string; target?: Omit<GlossTarget, 'gloss'> }) => request<Gloss>('PATCH', `/api/glosses/${id}`, input),
  deleteGloss: (id: number) => request<{ tombstone: boolean } | null>('DELETE', `/api/glosses/${id}`),
  reply: (gloss: number, body: Body, parent?: number) => request<Reply>('POST', `/api/glosses/${gloss}/replies`, { body, ...(parent ? { parent } : {}) }),
  updateReply: (id: number, body: Body) => request<Reply>('PATCH', `/api/replies/${id}`, { body }),
  deleteReply: (id: number) => request<unknown>('DELETE', `/api/replies/${id}`),
  /** Flags a gloss or a reply for its group's moderators, with a reason. */
  flag: (kind: 'gloss' | 'reply', id: number, reason: string) => request<unknown>('POST', `/api/${kind === 'gloss' ? 'glosses' : 'replies'}/${id}/flag`, { reason }),
  previewText: (input: Pick<NewText, 'title' | 'format' | 'content'>) => request<TextPreview>('POST', '/api/texts/preview', input),
  createText: (input: NewText) => request<TextSummary>('POST', '/api/texts', input),
  texts: () => request<{ texts: TextSummary[] }>('GET', '/api/texts'),
  text: (slug: string) => request<TextVersion>('GET', `/api/texts/${encodeURIComponent(slug)}`),
  layers: (slug: string) => request<{ layers: Layer[] }>('GET', `/api/texts/${encodeURIComponent(slug)}/layers`),
  parallels: (slug: string) => request<{ parallels: TextSummary[] }>('GET', `/api/texts/${encodeURIComponent(slug)}/parallels`),
  glosses: (slug: string) => request<{ glosses: Gloss[] }>('GET', `/api/texts/${encodeURIComponent(slug)}/glosses`),
  /** A passage (`ref`: a segment, a range or a chapter; the whole text when null) with the glosses of `layers` (all shown when null). */
  passage: (slug: string, ref: string | null, layers: string[] | null) => request<Passage>('GET', passagePath(slug, ref, layers)),
  /** Creates an `embed` bearer token for the signed-in person (the embed's sign-in popup). */
  createEmbedToken: (name: string) => request<Token>('POST', '/api/tokens', { name, scope: 'embed' }),
  /** The live moderation of a group, for its moderators: a `changed` event when its queue or audit log may have changed. */
  groupEvents: (slug: string) => new EventSource(`/api/groups/${enc(slug)}/events`),
  /** The live event stream of a text (Server-Sent Events). */
  events: (slug: string) => new EventSource(`/api/texts/${encodeURIComponent(slug)}/events`),
};

/**
 * The API of the Daf server at `origin`, as the embed widget calls it from another site: never
 * with cookies (a visitor sees public layers only), and with the reader's bearer token once they
 * have connected (`token()` is asked at each call).
 */
export function remoteApi(origin: string, token: () => string | null) {
  const call = <T>(method: string, path: string, body?: unknown) => request<T>(method, origin + path, body, { credentials: 'omit', token: token() });
  return {
    passage: (slug: string, ref: string | null, layers: string[] | null) => call<Passage>('GET', passagePath(slug, ref, layers)),
    createGloss: (slug: string, layer: string, input: { target: GlossTarget; body: Body; motivation?: string }) =>
      call<Gloss>('POST', `/api/texts/${enc(slug)}/layers/${enc(layer)}/glosses`, input),
    reply: (gloss: number, body: Body, parent?: number) => call<Reply>('POST', `/api/glosses/${gloss}/replies`, { body, ...(parent ? { parent } : {}) }),
    revokeToken: (id: number) => call<null>('DELETE', `/api/tokens/${id}`),
  };
}

/** The API of another Daf server, as `remoteApi` returns it. */
export type RemoteApi = ReturnType<typeof remoteApi>;
