/**
 * The OpenAPI 3.1 description of the JSON API. Request bodies come from the same zod shapes
 * the server validates with, and response bodies from the response contract
 * (`schema/responses.ts`, which the server tests check every answer against), both through
 * `z.toJSONSchema`, so the document cannot drift from the checks.
 */
import { z } from 'zod';
import * as shapes from '../schema/api.ts';
import { responseComponents, responseRoutes, type ResponseRoute } from '../schema/responses.ts';
import * as groupShapes from './services/groups.ts';
import { followShape } from './services/federation/following.ts';

type Op = {
  summary: string;
  body?: z.ZodType;
  auth?: boolean;
  status?: number;
  params?: string[];
  query?: string[];
};

/** JSON Schema keywords zod writes that say nothing here: a component's own `$schema` and `$id`, and the safe-integer bounds of every `z.int()`. */
function tidy(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(tidy);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const o = node as Record<string, unknown>;
  if (o.type === 'integer' && o.minimum === Number.MIN_SAFE_INTEGER && o.maximum === Number.MAX_SAFE_INTEGER) {
    delete o.minimum;
    delete o.maximum;
  }
  Object.values(o).forEach(tidy);
}

const componentRef = (name: string) => `#/components/schemas/${name}`;

/** The response components, built on first use. */
let builtSchemas: { schemas: Record<string, unknown>; names: Map<z.ZodType, string> } | null = null;

/**
 * The response shapes as OpenAPI components, each named as in `responseComponents`; a shape used
 * inside another (a gloss in a listing) is a `$ref` to its component. `io: 'input'`, because in
 * that mode a `z.object` does not say `additionalProperties: false`: a field added to an answer
 * later must not break a client that validates against an older document.
 */
function responseSchemas(): { schemas: Record<string, unknown>; names: Map<z.ZodType, string> } {
  if (builtSchemas) return builtSchemas;
  const registry = z.registry<{ id: string }>();
  const names = new Map<z.ZodType, string>();
  for (const [name, shape] of Object.entries(responseComponents)) {
    registry.add(shape, { id: name });
    names.set(shape, name);
  }
  const { schemas } = z.toJSONSchema(registry, { uri: componentRef, io: 'input', unrepresentable: 'any' });
  for (const schema of Object.values(schemas)) {
    delete (schema as Record<string, unknown>).$schema;
    delete (schema as Record<string, unknown>).$id;
    tidy(schema);
  }
  builtSchemas = { schemas, names };
  return builtSchemas;
}

/** The contract's entry for a documented operation (`/api/texts/{slug}`, `get`), if it has one. */
function responseRouteOf(path: string, method: string): ResponseRoute | undefined {
  const honoPath = path.replace(/\{([^}]+)\}/g, ':$1');
  return responseRoutes.find((r) => r.path === honoPath && r.method === method.toUpperCase());
}

/** Every route of the API: path → method → description. The route test checks it is complete. */
export const apiOperations: Record<string, Record<string, Op>> = {
  '/api/auth/signup': { post: { summary: 'Create an account and start a session (sets the daf_session cookie)', body: shapes.signupShape, status: 201 } },
  '/api/auth/login': { post: { summary: 'Log in (throttled: 429 with Retry-After after repeated failures)', body: shapes.loginShape } },
  '/api/auth/logout': { post: { summary: 'End the session', status: 204 } },
  '/api/me': {
    get: { summary: 'The signed-in person: {handle, name, email, emailVerified, digest, mail} (mail: whether this Daf sends mail at all)', auth: true },
    patch: {
      summary:
        'Change your display name, e-mail address and digest (a new address is mailed a confirmation link first: 503 mail_failed if it cannot be sent, and nothing changes; null or "" removes it, and turns digests off; digest "daily" or "weekly" needs mail on, 409 mail_off, and a confirmed address, 409 email_unconfirmed) → as GET',
      body: shapes.updateMeShape,
      auth: true,
    },
    delete: {
      summary:
        'Delete your account, given its password (403 wrong_password; 409 sole_owner while you are the only owner of a group): your posts go, or become tombstones where others answered them; your private texts and notebooks go; you leave every group; → {deletedPosts, tombstones, privateTexts, groupsLeft}',
      body: shapes.deleteAccountShape,
      auth: true,
    },
  },
  '/api/unsubscribe/{token}': {
    get: {
      summary: "What a digest's unsubscribe link does, changing nothing: to a browser (Accept: text/html), a page naming whose digests it stops, with a button that posts to the same URL; to anything else {handle, digest, post}; 404 for a link that is not one",
      params: ['token'],
    },
    post: {
      summary:
        "One-click unsubscribe (RFC 8058), as mail programs post it: turns the link holder's digests off with nothing but the link (no session or Origin needed; a cookie or token sent is ignored), and every unsubscribe link of theirs stops working → {handle, digest: \"off\"} (a page, to a browser that asks for HTML); 422 invalid_link when unknown, used or expired",
      params: ['token'],
    },
  },
  '/api/auth/verify-email': { post: { summary: 'Confirm an e-mail address with the secret of its mailed link (422 invalid_link when unknown, used or expired) → {handle, email}', body: shapes.verifyEmailShape } },
  '/api/notifications': {
    get: {
      summary: 'Your notifications about posts you may read now, newest first (reply, comment, mention, pending, approved, hidden): {unread, notifications, next}; the next page with ?before= the `next` given',
      auth: true,
      query: ['unread', 'limit', 'before'],
    },
  },
  '/api/notifications/read': { post: { summary: 'Mark notifications read: {ids} of yours, or {all: true} → {marked, unread}', body: shapes.markNotificationsReadShape, auth: true } },
  '/api/me/events': { get: { summary: 'Server-Sent Events of your own: ready {unread}, notification {notification, unread}, unread {unread}; ends with your session', auth: true } },
  '/api/auth/reset-request': {
    post: {
      summary:
        'Ask for a password-reset link by e-mail address: an account that confirmed it is mailed BASE/reset-password/SECRET, good once for an hour (a new request replaces it). The answer is the same for any address, known or not, and leaves before the mail is sent → 202 {accepted: true}; 429 rate_limited with Retry-After past 10 requests an hour from one client or 3 for one address',
      body: shapes.resetRequestShape,
      status: 202,
    },
  },
  '/api/auth/reset': {
    post: {
      summary: 'Set a new password with the secret of a reset link (422 invalid_link when unknown, used or expired); every session of the account ends, tokens stay; nobody is signed in → {handle, endedSessions}',
      body: shapes.resetPasswordShape,
    },
  },
  '/api/me/export': { get: { summary: 'Everything you wrote (glosses in any state, replies) as one W3C AnnotationCollection in JSON-LD, offered as a file', auth: true } },
  '/api/sessions': { get: { summary: 'Your live sessions, newest first: {id, created, lastSeen, expires, userAgent, current}', auth: true } },
  '/api/sessions/{id}': { delete: { summary: 'End one of your sessions', auth: true, status: 204, params: ['id'] } },
  '/api/users/{handle}': {
    get: {
      summary: "A person's page: name, the groups of theirs you may see, and their glosses you may read, newest first, 20 a page (next page: ?before= the `next` given)",
      params: ['handle'],
      query: ['before'],
    },
  },
  '/api/me/password': { post: { summary: 'Change your password, given the current one (403 wrong_password; throttled as log-ins are); your other sessions end → {endedSessions}', body: shapes.changePasswordShape, auth: true } },
  '/api/auth/logout-everywhere': { post: { summary: 'End every session of yours, this one included → {endedSessions}', auth: true } },
  '/api/session': { get: { summary: 'Who is reading: { me } with the signed-in person, or { me: null } for a visitor (never 401)' } },
  '/api/tokens': {
    get: { summary: 'Your bearer tokens (without secrets)', auth: true },
    post: { summary: 'Create a bearer token; its secret is shown once', body: shapes.tokenShape, auth: true, status: 201 },
  },
  '/api/tokens/{id}': { delete: { summary: 'Revoke a bearer token', auth: true, status: 204, params: ['id'] } },
  '/api/texts': {
    get: { summary: 'Texts you may read, newest first', query: ['limit', 'offset'] },
    post: { summary: 'Create a text from Markdown, plain text, ProseMirror JSON, a Sefaria export, an HTML page or a Word document (base64)', body: shapes.createTextShape, auth: true, status: 201 },
  },
  '/api/texts/preview': { post: { summary: 'What a text would be, nothing stored: blocks, segments, characters and its first 30 passages; refused as creating it would be', body: shapes.previewTextShape, auth: true } },
  '/api/texts/{slug}': { get: { summary: 'A version of a text (current by default): metadata, doc, text projection, segments', params: ['slug'], query: ['version'] } },
  '/api/texts/{slug}/versions': {
    get: { summary: 'The versions of a text', params: ['slug'] },
    post: { summary: 'Add a version (whole content, or ProseMirror steps against baseVersion); re-anchors every gloss and reports counts by status', body: shapes.createVersionShape, auth: true, status: 201, params: ['slug'] },
  },
  '/api/texts/{slug}/parallels': {
    get: { summary: 'The texts paired with this one (its translations) that you may read; the page matches their segments by ref', params: ['slug'] },
    post: { summary: 'Pair the text with another you may read (those who may revise it); 409 already_paired', body: shapes.addParallelShape, auth: true, status: 201, params: ['slug'] },
  },
  '/api/texts/{slug}/parallels/{other}': { delete: { summary: 'Unpair two texts', auth: true, status: 204, params: ['slug', 'other'] } },
  '/api/texts/{slug}/read': {
    post: { summary: 'Mark everything on the text read, as of now: what others write after this is new to you → {text, read}', auth: true, params: ['slug'] },
  },
  '/api/texts/{slug}/layers': {
    get: { summary: 'Layers of a text you may read, with gloss counts', params: ['slug'] },
    post: { summary: 'Create a layer', body: shapes.createLayerShape, auth: true, status: 201, params: ['slug'] },
  },
  '/api/texts/{slug}/layers/{layer}': {
    get: { summary: 'One layer', params: ['slug', 'layer'] },
    patch: {
      summary:
        'Change a layer (owner only), its federation included (off, publish, publish+replies; stored whatever its visibility); 409 notebook_has_entries to open a group notebook that holds other members\' entries',
      body: shapes.updateLayerShape,
      auth: true,
      params: ['slug', 'layer'],
    },
  },
  '/api/texts/{slug}/layers/{layer}/mentions': {
    get: {
      summary: 'Who of the people you name (?handles=a,b, at most 20) would be told of your post in this layer: {reach, unreached (may not read it), unknown}',
      auth: true,
      params: ['slug', 'layer'],
      query: ['handles'],
    },
  },
  '/api/texts/{slug}/layers/{layer}/glosses': {
    get: { summary: 'The glosses of one layer', params: ['slug', 'layer'] },
    post: { summary: 'Write a gloss on a span of the text, or (target.gloss) on a span of another gloss; 422 anchor_not_found if the quote is not there, anchor_ambiguous if it fits too many places, invalid_target for impossible offsets', body: shapes.createGlossShape, auth: true, status: 201, params: ['slug', 'layer'] },
  },
  '/api/texts/{slug}/layers/{layer}/import': {
    post: { summary: 'Import a W3C AnnotationCollection, AnnotationPage or array of annotations (at most 8 MiB); each is anchored by its selectors, and what POST glosses would refuse (another source, no or too long a quote, a quote found nowhere, an empty body) is listed in `skipped` with its reason', auth: true, status: 201, params: ['slug', 'layer'] },
  },
  '/api/texts/{slug}/passage': {
    get: {
      summary: 'A passage (ref: a segment, a range 1:1-1:3 or a chapter; the whole text without it) with its blocks, the layers you may see (or those named) and their glosses on it; 404 ref_not_found',
      params: ['slug'],
      query: ['ref', 'layer'],
    },
  },
  '/api/texts/{slug}/glosses': { get: { summary: 'All glosses of a text you may read, with anchors and threads', params: ['slug'], query: ['layer', 'version'] } },
  '/api/texts/{slug}/events': { get: { summary: 'Server-Sent Events: version.created, layer.*, gloss.*, reply.*; resumes from Last-Event-ID or ?since=', params: ['slug'], query: ['since'] } },
  '/api/glosses/{id}': {
    get: { summary: 'One gloss with its thread', params: ['id'] },
    patch: { summary: 'Edit your gloss: body (glosses on it re-anchor), motivation, or target (re-attach it to a span of the current text); in a pre-moderated group an untrusted author\'s edit goes back to pending; 403 banned once banned from the layer\'s group', body: shapes.updateGlossShape, auth: true, params: ['id'] },
    delete: { summary: 'Delete your gloss (a tombstone stays if anything hangs beneath it)', auth: true, params: ['id'] },
  },
  '/api/glosses/{id}/decision': {
    post: {
      summary: "Record a decision on a gloss (the layer's moderators, or a personal layer's owner): {statement, adopted?: {gloss}|{reply}, reviewOn?}; the dissent is copied as it stands; a later decision supersedes it → the gloss",
      body: shapes.decisionShape,
      auth: true,
      status: 201,
      params: ['id'],
    },
  },
  '/api/glosses/{id}/decisions': {
    get: {
      summary: 'Every decision on a gloss, newest first (the first is the one in force): {decisions: [{statement, adopted, decidedBy, decidedAt, reviewOn, dissent, earlier}]}, each naming the reading it adopted only to those who may read it; 404 for a gloss you may not read',
      params: ['id'],
    },
  },
  '/api/glosses/{id}/stance': {
    put: {
      summary: 'Take a stance on a reading (whoever may reply): agree, disagree (a reason is required: 422 reason_required) or abstain; 409 gloss_not_active → the gloss, with its stances',
      body: shapes.stanceShape,
      auth: true,
      params: ['id'],
    },
    delete: { summary: 'Take your stance back (404 when you have none) → the gloss', auth: true, params: ['id'] },
  },
  '/api/replies/{id}/accept': {
    post: {
      summary: "Accept a reply as the answer to its question (the asker or a moderator; 403 for others; 409 not_a_question, reply_not_active) → the question's gloss",
      auth: true,
      params: ['id'],
    },
  },
  '/api/glosses/{id}/replies': { post: { summary: 'Reply in a gloss thread (parent: a reply to answer; stance: answers, supports or objects)', body: shapes.createReplyShape, auth: true, status: 201, params: ['id'] } },
  '/api/replies/{id}': {
    patch: { summary: 'Edit your reply (pending again in a pre-moderated group until its author is trusted; 403 banned once banned)', body: shapes.updateReplyShape, auth: true, params: ['id'] },
    delete: { summary: 'Delete your reply (a tombstone stays if it has answers)', auth: true, params: ['id'] },
  },
  '/api/groups': {
    get: { summary: 'Groups you may see: public ones and your own', query: ['limit', 'offset'] },
    post: { summary: 'Create a reading group; you become its first owner', body: groupShapes.createGroupShape, auth: true, status: 201 },
  },
  '/api/groups/{slug}': {
    get: { summary: 'A group, with your membership and the texts and layers of it you may read (404 for a private group you do not belong to)', params: ['slug'] },
    patch: {
      summary:
        'Change a group\'s settings (owners); federated: true only for a public group (409 group_not_public), and a federated group is made private only with federated: false (409 group_federated)',
      body: groupShapes.updateGroupShape,
      auth: true,
      params: ['slug'],
    },
  },
  '/api/groups/{slug}/following': {
    get: { summary: 'The groups on other Daf servers this group follows, each pending until it accepts (docs/federation.md §7)', params: ['slug'] },
    post: {
      summary:
        'Follow a group on another Daf (owners; the group must be federated, 409 group_not_federated; 409 federation_off when federation is off): its actor URL or name@host (422 remote_group_not_found). Its public glosses on a text this server holds show in a read-only layer',
      body: followShape,
      auth: true,
      status: 202,
      params: ['slug'],
    },
    delete: { summary: 'Stop following a group elsewhere (owners; ?actor=its URL): the Follow is undone there; the layers made stay', auth: true, status: 204, params: ['slug'], query: ['actor'] },
  },
  '/api/groups/{slug}/join': { post: { summary: 'Join an open group, or ask to join an approval group (403 for invitation-only or banned)', auth: true, params: ['slug'] } },
  '/api/groups/{slug}/leave': { post: { summary: 'Leave a group (409 for its last owner)', auth: true, status: 204, params: ['slug'] } },
  '/api/groups/{slug}/members': { get: { summary: 'Members (moderators also see requests and bans); members only', auth: true, params: ['slug'] } },
  '/api/groups/{slug}/members/{handle}': {
    patch: { summary: 'Set a member\'s role: owner, moderator, member (owners; a group keeps one owner)', body: groupShapes.roleShape, auth: true, params: ['slug', 'handle'] },
    delete: { summary: 'Remove a member (owners) or decline a request (moderators)', auth: true, status: 204, params: ['slug', 'handle'] },
  },
  '/api/groups/{slug}/members/{handle}/approve': { post: { summary: 'Admit a request to join (moderators)', auth: true, params: ['slug', 'handle'] } },
  '/api/groups/{slug}/members/{handle}/ban': {
    post: { summary: 'Ban a person from the group (owners)', body: groupShapes.optionalReasonShape, auth: true, status: 204, params: ['slug', 'handle'] },
    delete: { summary: 'Lift a ban (owners)', auth: true, status: 204, params: ['slug', 'handle'] },
  },
  '/api/groups/{slug}/invitations': {
    get: { summary: 'Invitations, without secrets (moderators)', auth: true, params: ['slug'] },
    post: { summary: 'Create an invitation link with an expiry and an optional use limit (moderators); the token is shown once. With {handle}, a personal invitation: one use, by that person only, who is told of it (an `invited` notification)', body: groupShapes.invitationShape, auth: true, status: 201, params: ['slug'] },
  },
  '/api/groups/{slug}/invitations/{id}': { delete: { summary: 'Revoke an invitation (moderators)', auth: true, status: 204, params: ['slug', 'id'] } },
  '/api/invitations/{token}': { get: { summary: 'What an invitation link names: its group (the description only for those who may see the group) and its expiry; uses nothing', params: ['token'] } },
  '/api/invitations/{token}/accept': { post: { summary: 'Accept an invitation (410 when expired, used up or revoked; 403 invitation_not_yours for another\'s personal invitation)', auth: true, params: ['token'] } },
  '/api/groups/{slug}/events': { get: { summary: 'Server-Sent Events for moderators: `changed` when the queue or audit log may have changed; ends when the reader is a moderator no more', auth: true, params: ['slug'] } },
  '/api/groups/{slug}/moderation': { get: { summary: 'The moderation queue: pending posts and open flags (moderators)', auth: true, params: ['slug'] } },
  '/api/groups/{slug}/audit': { get: { summary: 'The audit log of moderation and membership actions (owners and moderators)', auth: true, params: ['slug'], query: ['limit', 'offset'] } },
  '/api/groups/{slug}/plan': {
    get: { summary: "The group's reading plan: every passage with its days, and `now` (the passage whose days hold the server's today, UTC) and `next`; 404 when it has none, or its text is not yours to read", params: ['slug'] },
    put: {
      summary: 'Set or replace the reading plan (owners and moderators): dated passages, or N segments a day or a week from a date; 409 text_not_shared for a text not every member reads; 422 for refs the text lacks',
      body: shapes.setReadingPlanShape,
      auth: true,
      params: ['slug'],
    },
    delete: { summary: 'Remove the reading plan (owners and moderators)', auth: true, status: 204, params: ['slug'] },
  },
  '/api/glosses/{id}/approve': { post: { summary: 'Approve a pending gloss (moderators)', auth: true, params: ['id'] } },
  '/api/glosses/{id}/hide': { post: { summary: 'Hide a gloss with a reason shown to its author; glosses on it are hidden with it (moderators)', body: groupShapes.reasonShape, auth: true, params: ['id'] } },
  '/api/glosses/{id}/restore': { post: { summary: 'Restore a hidden gloss and what was hidden with it (moderators)', auth: true, params: ['id'] } },
  '/api/glosses/{id}/flag': { post: { summary: 'Flag a gloss for the moderators, with a reason', body: groupShapes.reasonShape, auth: true, status: 201, params: ['id'] } },
  '/api/replies/{id}/approve': { post: { summary: 'Approve a pending reply (moderators)', auth: true, params: ['id'] } },
  '/api/replies/{id}/hide': { post: { summary: 'Hide a reply with a reason shown to its author (moderators)', body: groupShapes.reasonShape, auth: true, params: ['id'] } },
  '/api/replies/{id}/restore': { post: { summary: 'Restore a hidden reply (moderators)', auth: true, params: ['id'] } },
  '/api/replies/{id}/flag': { post: { summary: 'Flag a reply for the moderators, with a reason', body: groupShapes.reasonShape, auth: true, status: 201, params: ['id'] } },
  '/api/search': { get: { summary: 'Ranked full-text search over texts, glosses and replies you may read; snippets with highlight ranges', query: ['q', 'text', 'limit', 'offset'] } },
  '/api/openapi.json': { get: { summary: 'This document' } },
  '/': { get: { summary: 'The reader: the library (HTML)' } },
  '/t/{slug}': { get: { summary: 'The reader: a text with its commentary (HTML)', params: ['slug'] } },
  '/t/{slug}/print': { get: { summary: 'A passage laid out for paper, its layers around it (HTML; ?ref=, ?layers=)', params: ['slug'] } },
  '/g/{slug}': { get: { summary: 'The reader: a group (HTML)', params: ['slug'] } },
  '/invite/{token}': { get: { summary: 'The reader: accept an invitation (HTML)', params: ['token'] } },
  '/account': { get: { summary: 'The reader: one\'s account (HTML)' } },
  '/verify-email/{token}': { get: { summary: 'The reader: the page a confirmation link opens, which confirms the address (HTML)', params: ['token'] } },
  '/reset-password/{token}': { get: { summary: 'The reader: the page a password-reset link opens, where a new password is chosen (HTML)', params: ['token'] } },
  '/u/{handle}': { get: { summary: "The reader: a person's page (HTML)", params: ['handle'] } },
  '/assets/{file}': { get: { summary: 'The reader\'s built scripts and styles, as Brotli or gzip when the browser takes it', params: ['file'] } },
  '/oembed': {
    get: { summary: 'oEmbed (rich) for the URL of a public text (/t/<slug>?ref=…&layers=…): a sandboxed iframe of /embed/t/<slug>; 404 for other URLs, 501 for formats other than json', query: ['url', 'maxwidth', 'maxheight', 'format'] },
  },
  '/feeds/texts/{slug}/layers/{layer}.atom': {
    get: { summary: 'Atom feed of the newest 50 published glosses and replies of a layer a visitor may read, whoever asks (404 otherwise); public cache, ETag (If-None-Match), Last-Modified', params: ['slug', 'layer'] },
  },
  '/feeds/groups/{slug}.atom': {
    get: { summary: 'Atom feed of the newest 50 published glosses and replies in the layers of a public group that a visitor may read (404 for a private group)', params: ['slug'] },
  },
  '/embed.js': { get: { summary: 'The embed widget, <daf-passage src ref layers interactive> (any origin may load it)' } },
  '/embed/assets/{file}': { get: { summary: 'Scripts the widget loads on demand (the editor, the sign-in popup)', params: ['file'] } },
  '/embed/t/{slug}': { get: { summary: 'A public passage alone in a page, for iframes (HTML; any site may frame it)', params: ['slug'], query: ['ref', 'layers'] } },
  '/embed/connect': { get: { summary: 'The sign-in popup of interactive embeds: after the person approves, it posts a bearer token to the opener at origin (HTML)', query: ['origin'] } },
  '/annotations/{text}/{layer}/': {
    get: {
      summary: 'W3C annotation container of a layer (?page=N for an AnnotationPage of 100 glosses, each followed by the stances on it as `assessing` annotations; total and startIndex count both)',
      params: ['text', 'layer'],
      query: ['page'],
    },
    post: { summary: 'Create an annotation (201 + Location); an `assessing` annotation of a whole gloss (a stance) is 422 assessment_not_supported: take a stance with PUT /api/glosses/{id}/stance', auth: true, status: 201, params: ['text', 'layer'] },
    options: { summary: 'What the container allows (Allow, Accept-Post), as the Web Annotation Protocol requires', status: 204, params: ['text', 'layer'] },
  },
  '/annotations/{text}/{layer}/{id}': {
    get: { summary: 'One annotation (ETag)', params: ['text', 'layer', 'id'] },
    put: { summary: 'Replace an annotation body (If-Match required)', auth: true, params: ['text', 'layer', 'id'] },
    delete: { summary: 'Delete an annotation (If-Match required)', auth: true, status: 204, params: ['text', 'layer', 'id'] },
    options: { summary: 'What the annotation allows (Allow)', status: 204, params: ['text', 'layer', 'id'] },
  },
};

/** The OpenAPI document for a server at `baseUrl`. */
export function openapiDocument(baseUrl: string) {
  const { schemas, names } = responseSchemas();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, methods] of Object.entries(apiOperations)) {
    paths[path] = {};
    for (const [method, op] of Object.entries(methods)) {
      const status = String(op.status ?? 200);
      const answer = responseRouteOf(path, method);
      const answerName = answer && names.get(answer.shape);
      if (answer && !answerName) throw new Error(`The response shape of ${method.toUpperCase()} ${path} is not in responseComponents`);
      paths[path][method] = {
        summary: op.summary,
        parameters: [
          ...(op.params ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
          ...(op.query ?? []).map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
        ],
        ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(op.body, { unrepresentable: 'any' }) } } } } : {}),
        ...(op.auth ? { security: [{ cookie: [] }, { bearer: [] }] } : {}),
        responses: {
          [status]: answerName ? { description: 'Success', content: { 'application/json': { schema: { $ref: componentRef(answerName) } } } } : { description: 'Success' },
          '4XX': { description: 'A problem with the request', content: { 'application/json': { schema: { $ref: componentRef('Error') } } } },
        },
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Daf API',
      version: '0.1.0',
      description:
        'Layered commentary on texts. Offsets are UTF-16 code units into a version\'s `text` projection; W3C selectors under /annotations count code points. A segment FragmentSelector (conformsTo this document, #segment-ref) names a segment by its ref, e.g. "1:5". Daf\'s own JSON-LD terms in W3C documents (prefix daf: = this document, #daf-) are: stance (agree, disagree or abstain: the value of an `assessing` annotation that is a stance on a gloss, its target), and decision (the decision in force on a gloss: statement, adopted, the IRI of the reading adopted, given to those who may read it, decidedBy, decidedAt, reviewOn, and dissent, a list of {creator, reason}).',
    },
    servers: [{ url: baseUrl }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        cookie: { type: 'apiKey', in: 'cookie', name: 'daf_session', description: 'Unsafe requests must show our Origin' },
        bearer: { type: 'http', scheme: 'bearer', description: 'A token from POST /api/tokens' },
      },
    },
  };
}
