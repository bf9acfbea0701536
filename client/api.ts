import type { CreateLayerInput, DigestChoice, SetReadingPlanInput, TextFormat, UpdateLayerInput } from '../schema/api.ts';
import type {
  Account,
  AccountDeleted,
  AuditEntry,
  Decision,
  DecisionList,
  DeletedPost,
  EmailVerified,
  EndedSessions,
  Flag,
  Gloss,
  Group as GroupJson,
  GroupPage,
  InvitationAccepted,
  Invitation,
  InvitationPreview,
  Joined,
  ListedLayer,
  Me,
  MemberChanged,
  Member,
  ModerationQueue,
  NewInvitation,
  NewToken,
  MentionReach,
  NotificationList,
  NotificationsRead,
  Passage,
  PasswordReset,
  Person,
  PlanPassageJson,
  ReadingPlan,
  Reply,
  ResetRequested,
  Role,
  SearchResult,
  Session,
  SessionInfo,
  TextPreview,
  TextSummary,
  TextVersion,
  TokenInfo,
} from '../schema/responses.ts';

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

/*
 * The JSON the server answers: types inferred from the one contract, schema/responses.ts, which
 * the server tests check every response against. Type-only imports, so nothing of zod reaches the
 * bundle; the names are the ones the components use.
 */
export type {
  Account,
  AccountDeleted,
  AuditEntry,
  Decision,
  Gloss,
  Invitation,
  InvitationPreview,
  Me,
  Member,
  ModerationQueue,
  NewInvitation,
  Passage,
  Person,
  ReadingPlan,
  Reply,
  Role,
  SearchResult,
  SessionInfo,
  TextPreview,
  TextSummary,
  TextVersion,
  TokenInfo,
};

/** A layer of a text as listed, with its gloss count and what the reader may do in it. */
export type Layer = ListedLayer;
/** A reading group in the library (and as created or changed). */
export type GroupSummary = GroupJson;
/** A reading group's page (`GET /api/groups/:slug`): its settings and where it reads. */
export type Group = GroupPage;
/** A passage of a reading plan, with its first and last day. */
export type PlanPassage = PlanPassageJson;
/** What a group's owners and moderators send to set its reading plan. */
export type PlanInput = SetReadingPlanInput;
/** A bearer token, as created; its secret is shown only this once. */
export type Token = NewToken;

/** A group's settings as the forms that create and change it hold them (`POST /api/groups` sends them all). */
export interface GroupFields {
  name: string;
  description: string;
  visibility: Group['visibility'];
  joinPolicy: Group['joinPolicy'];
  premoderation: boolean;
  trustAfter: number;
}

/**
 * What an owner may change of a group (`PATCH /api/groups/:slug`): any of these, the rest kept.
 * `federated`: whether it may be followed from other servers (public groups only).
 */
export type GroupSettings = Partial<GroupFields> & { federated?: boolean };

/** A group on another Daf server that a group follows (docs/federation.md §7). */
export interface FollowedGroup {
  actor: string;
  /** `name@host`. */
  handle: string;
  name: string;
  /** Pending until that group accepts. */
  state: 'pending' | 'accepted';
  since: string;
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
  me: async (): Promise<Me | null> => (await request<Session>('GET', '/api/session')).me,
  signup: (handle: string, password: string, displayName?: string) => request<Me>('POST', '/api/auth/signup', { handle, password, ...(displayName ? { displayName } : {}) }),
  login: (handle: string, password: string) => request<Me>('POST', '/api/auth/login', { handle, password }),
  logout: () => request<null>('POST', '/api/auth/logout'),
  updateMe: (displayName: string) => request<Me>('PATCH', '/api/me', { displayName }),
  /** The account as its owner sees it, with its e-mail address. */
  account: () => request<Account>('GET', '/api/me'),
  /** A new address (mailed a confirmation link), or null to remove it. */
  setEmail: (email: string | null) => request<Account>('PATCH', '/api/me', { email }),
  /** How often to be mailed a digest of what is new in one's groups and texts (needs mail on and a confirmed address). */
  setDigest: (digest: DigestChoice) => request<Account>('PATCH', '/api/me', { digest }),
  /** Confirms an address with the secret of its mailed link. */
  verifyEmail: (token: string) => request<EmailVerified>('POST', '/api/auth/verify-email', { token }),
  /** The signed-in person's notifications, newest first; `before` pages back. */
  notifications: (before?: number) => request<NotificationList>('GET', `/api/notifications${before ? `?before=${before}` : ''}`),
  /** Marks some of one's notifications read, or all. */
  markNotificationsRead: (which: { ids: number[] } | { all: true }) => request<NotificationsRead>('POST', '/api/notifications/read', which),
  /** Marks everything on a text read, as of now: what others write after is new. */
  markTextRead: (slug: string) => request<{ text: string; read: string }>('POST', `/api/texts/${enc(slug)}/read`),
  /** Who of the people named would be told of one's post in a layer (and who may not read it). */
  mentionReach: (slug: string, layer: string, handles: string[]) =>
    request<MentionReach>('GET', `/api/texts/${enc(slug)}/layers/${enc(layer)}/mentions?handles=${handles.map(enc).join(',')}`),
  /** The signed-in person's own live stream: `ready`, `notification` and `unread` events. */
  myEvents: () => new EventSource('/api/me/events'),
  /** Asks for a password-reset link for an e-mail address; the same answer whatever the address. */
  requestPasswordReset: (email: string) => request<ResetRequested>('POST', '/api/auth/reset-request', { email }),
  /** Sets a new password with the secret of a reset link; every session of the account ends. */
  resetPassword: (token: string, password: string) => request<PasswordReset>('POST', '/api/auth/reset', { token, password }),
  /** A new password, with the current one; the person's other sessions end. */
  changePassword: (current: string, password: string) => request<EndedSessions>('POST', '/api/me/password', { current, password }),
  /** Ends every session of the person, this one included. */
  logoutEverywhere: () => request<EndedSessions>('POST', '/api/auth/logout-everywhere'),
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
  joinGroup: (slug: string) => request<Joined>('POST', `/api/groups/${enc(slug)}/join`),
  /** Leaves a group, or withdraws a request to join. */
  leaveGroup: (slug: string) => request<null>('POST', `/api/groups/${enc(slug)}/leave`),
  members: (slug: string) => request<{ members: Member[] }>('GET', `/api/groups/${enc(slug)}/members`),
  setRole: (slug: string, handle: string, role: Role) => request<MemberChanged>('PATCH', `/api/groups/${enc(slug)}/members/${enc(handle)}`, { role }),
  /** Admits a request to join. */
  approveMember: (slug: string, handle: string) => request<MemberChanged>('POST', `/api/groups/${enc(slug)}/members/${enc(handle)}/approve`),
  /** Removes a member, or declines a request to join. */
  removeMember: (slug: string, handle: string) => request<null>('DELETE', `/api/groups/${enc(slug)}/members/${enc(handle)}`),
  /** Changes a group's settings (owners); answers the group as it now is. */
  createGroup: (input: GroupFields & { slug: string }) => request<GroupSummary>('POST', '/api/groups', input),
  updateGroup: (slug: string, changes: GroupSettings) => request<GroupSummary>('PATCH', `/api/groups/${enc(slug)}`, changes),
  /** Bans a person (owners): they leave the group and may not join or write again until the ban is lifted. */
  banMember: (slug: string, handle: string, reason?: string) => request<null>('POST', `/api/groups/${enc(slug)}/members/${enc(handle)}/ban`, reason ? { reason } : {}),
  /** Lifts a ban (owners): the person may join again under the group's policy. */
  unbanMember: (slug: string, handle: string) => request<null>('DELETE', `/api/groups/${enc(slug)}/members/${enc(handle)}/ban`),
  /** A page of the group's audit log, newest first (owners and moderators). */
  audit: (slug: string, offset = 0) => request<{ entries: AuditEntry[] }>('GET', `/api/groups/${enc(slug)}/audit?offset=${offset}`),
  following: (slug: string) => request<{ following: FollowedGroup[] }>('GET', `/api/groups/${enc(slug)}/following`),
  follow: (slug: string, actor: string) => request<{ following: FollowedGroup }>('POST', `/api/groups/${enc(slug)}/following`, { actor }),
  unfollow: (slug: string, actor: string) => request<null>('DELETE', `/api/groups/${enc(slug)}/following?actor=${enc(actor)}`),
  invitations: (slug: string) => request<{ invitations: Invitation[] }>('GET', `/api/groups/${enc(slug)}/invitations`),
  createInvitation: (slug: string, input: { expiresInHours?: number; maxUses?: number; handle?: string }) =>
    request<NewInvitation>('POST', `/api/groups/${enc(slug)}/invitations`, input),
  revokeInvitation: (slug: string, id: number) => request<null>('DELETE', `/api/groups/${enc(slug)}/invitations/${id}`),
  /** What an invitation link names, without using it: 404 or 410 when it cannot be used. */
  invitation: (token: string) => request<InvitationPreview>('GET', `/api/invitations/${enc(token)}`),
  /** Accepts an invitation: the reader becomes an active member of `group`. */
  acceptInvitation: (token: string) => request<InvitationAccepted>('POST', `/api/invitations/${enc(token)}/accept`),
  /** The group's reading plan, with the passage of today (by the server's day) and the next; 404 when it has none. */
  readingPlan: (slug: string) => request<ReadingPlan>('GET', `/api/groups/${enc(slug)}/plan`),
  /** Sets or replaces the group's reading plan (owners and moderators). */
  setReadingPlan: (slug: string, input: PlanInput) => request<ReadingPlan>('PUT', `/api/groups/${enc(slug)}/plan`, input),
  removeReadingPlan: (slug: string) => request<null>('DELETE', `/api/groups/${enc(slug)}/plan`),
  moderationQueue: (slug: string) => request<ModerationQueue>('GET', `/api/groups/${enc(slug)}/moderation`),
  /** Approves, hides (with a reason for the author) or restores a gloss or reply. */
  moderate: (kind: 'gloss' | 'reply', id: number, action: 'approve' | 'hide' | 'restore', reason?: string) =>
    request<Gloss | Reply>('POST', `/api/${kind === 'gloss' ? 'glosses' : 'replies'}/${id}/${action}`, reason ? { reason } : {}),
  search: (q: string, text?: string) =>
    request<{ results: SearchResult[] }>('GET', `/api/search?q=${enc(q)}${text ? `&text=${enc(text)}` : ''}`),
  /** A layer of one's own (`visibility` public or private), or of a group one curates (`group`). */
  // The server answers the layer without `you` (routes/texts.ts); its creator may do everything in it.
  createLayer: (slug: string, input: CreateLayerInput) => request<Layer>('POST', `/api/texts/${enc(slug)}/layers`, input),
  layer: (slug: string, layer: string) => request<Layer>('GET', `/api/texts/${enc(slug)}/layers/${enc(layer)}`),
  updateLayer: (slug: string, layer: string, input: UpdateLayerInput) => request<Layer>('PATCH', `/api/texts/${enc(slug)}/layers/${enc(layer)}`, input),
  createGloss: (slug: string, layer: string, input: { target: GlossTarget; body: Body; motivation?: string }) =>
    request<Gloss>('POST', `/api/texts/${enc(slug)}/layers/${enc(layer)}/glosses`, input),
  updateGloss: (id: number, input: { body?: Body; motivation?: string; target?: Omit<GlossTarget, 'gloss'> }) => request<Gloss>('PATCH', `/api/glosses/${id}`, input),
  deleteGloss: (id: number) => request<DeletedPost>('DELETE', `/api/glosses/${id}`),
  reply: (gloss: number, body: Body, parent?: number, stance?: 'answers' | 'supports' | 'objects') =>
    request<Reply>('POST', `/api/glosses/${gloss}/replies`, { body, ...(parent ? { parent } : {}), ...(stance ? { stance } : {}) }),
  /** Takes (or, with null, takes back) a stance on a reading; a reason is needed to disagree. */
  setStance: (gloss: number, stance: { stance: 'agree' | 'disagree' | 'abstain'; reason?: string } | null) =>
    stance ? request<Gloss>('PUT', `/api/glosses/${gloss}/stance`, stance) : request<Gloss>('DELETE', `/api/glosses/${gloss}/stance`),
  /** Records a decision on a gloss (its layer's moderators, or a personal layer's owner). */
  decide: (gloss: number, input: { statement: string; adopted?: { gloss: number } | { reply: number }; reviewOn?: string }) =>
    request<Gloss>('POST', `/api/glosses/${gloss}/decision`, input),
  /** Every decision on a gloss, newest first (the first is the one in force). */
  decisions: (gloss: number) => request<DecisionList>('GET', `/api/glosses/${gloss}/decisions`),
  /** Accepts a reply as the answer to its question (the asker, or a moderator). */
  acceptAnswer: (reply: number) => request<Gloss>('POST', `/api/replies/${reply}/accept`),
  updateReply: (id: number, body: Body) => request<Reply>('PATCH', `/api/replies/${id}`, { body }),
  deleteReply: (id: number) => request<DeletedPost>('DELETE', `/api/replies/${id}`),
  /** Flags a gloss or a reply for its group's moderators, with a reason. */
  flag: (kind: 'gloss' | 'reply', id: number, reason: string) => request<Flag>('POST', `/api/${kind === 'gloss' ? 'glosses' : 'replies'}/${id}/flag`, { reason }),
  previewText: (input: Pick<NewText, 'title' | 'format' | 'content'>) => request<TextPreview>('POST', '/api/texts/preview', input),
  createText: (input: NewText) => request<TextVersion>('POST', '/api/texts', input),
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
