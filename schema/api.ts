/**
 * Request shapes of the JSON API, as zod schemas shared by the server (validation) and the
 * client (types). Every string and list is bounded; the limits are named here and documented
 * in the README.
 */
import { z } from 'zod';
import { contentFormats } from './import/parse-content.ts';
import { isDay, maxPlanPassages } from './reading-plan.ts';

/** Longest quote a gloss may target, in UTF-16 code units. */
export const maxQuoteLength = 1000;
/** Longest prefix or suffix accepted; only the nearest 32 characters are kept. */
export const maxContextLength = 1000;
/** Largest text content accepted, in UTF-16 code units of its source (10 MiB). */
export const maxTextContentLength = 10 * 1024 * 1024;
/** Largest gloss or reply body source, in UTF-16 code units. */
export const maxBodyLength = 32 * 1024;
/**
 * Longest segment ref an imported annotation may name (a FragmentSelector value): real refs are
 * a chapter and a verse (`12:34`), or a few words of a title; this leaves them room to spare.
 */
export const maxSegmentRefLength = 64;

export const handleShape = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{1,31}$/, 'A handle is 2–32 letters, digits, "_", "." or "-", not starting with "." or "-"');
/**
 * A person from another server, as Daf names them: `name@host` (the host with its port, if any),
 * `~N` after it when another actor of that host once had the name (docs/federation.md §6).
 */
export const remoteHandleShape = z.string().regex(/^[A-Za-z0-9_.-]{1,64}@[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?(~[0-9]{1,4})?$/, 'A handle from another server is name@host');
/** Anyone a group may ban: a person of this server, or one from another. */
export const anyHandleShape = z.union([handleShape, remoteHandleShape]);
export const passwordShape = z.string().min(8, 'A password has at least 8 characters').max(256);
export const slugShape = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'A slug is 1–64 lower-case letters, digits or "-", starting with a letter or digit');

export const signupShape = z.strictObject({
  handle: handleShape,
  password: passwordShape,
  displayName: z.string().trim().min(1).max(80).optional(),
});
/**
 * What a person may change of their account (`PATCH /api/me`): the display name, and an e-mail
 * address (a new one is confirmed by a mailed link; null or "" removes it).
 */
/** How often a person is mailed a digest (docs/notifications.md, "Digests"). */
export const digestShape = z.enum(['off', 'daily', 'weekly']);
export type DigestChoice = z.infer<typeof digestShape>;
export const updateMeShape = z
  .strictObject({
    displayName: z.string().trim().min(1).max(80).optional(),
    email: z.union([z.literal(''), z.null(), z.string().trim().max(254).pipe(z.email('Not an e-mail address'))]).optional(),
    /** How often to be mailed a digest of what is new in what one follows. */
    digest: digestShape.optional(),
  })
  .refine((me) => me.displayName !== undefined || me.email !== undefined || me.digest !== undefined, 'Give a displayName, an email or a digest');
/** `POST /api/auth/verify-email`: the secret of a confirmation link. */
export const verifyEmailShape = z.strictObject({ token: z.string().min(1).max(200) });
/** `POST /api/auth/reset-request`: the e-mail address of the account whose password is forgotten. */
export const resetRequestShape = z.strictObject({ email: z.string().trim().max(254).pipe(z.email('Not an e-mail address')) });
/** `POST /api/auth/reset`: the secret of a reset link and the new password. */
export const resetPasswordShape = z.strictObject({ token: z.string().min(1).max(200), password: passwordShape });
/** `DELETE /api/me`: the account goes, given its password. */
/** `POST /api/notifications/read`: some of one's notifications, by id, or all. */
export const markNotificationsReadShape = z.union([
  z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(500) }),
  z.strictObject({ all: z.literal(true) }),
]);

export const deleteAccountShape = z.strictObject({ password: z.string().min(1).max(256) });
/** A new password, given with the current one (`POST /api/me/password`). */
export const changePasswordShape = z.strictObject({ current: z.string().min(1).max(256), password: passwordShape });
export const loginShape = z.strictObject({ handle: z.string().min(1).max(64), password: z.string().min(1).max(256) });
/**
 * A new bearer token. `full` (the default) acts as its holder in everything; `embed` may only read
 * and write its holder's own glosses and replies, and expires after 30 days.
 */
export const tokenShape = z.strictObject({ name: z.string().trim().min(1).max(80), scope: z.enum(['full', 'embed']).optional() });

export const visibilityShape = z.enum(['public', 'group', 'private']);
export const directionShape = z.enum(['ltr', 'rtl', 'auto']);
/**
 * The formats a central text is read from: those `parseContent` reads, and HTML and Word
 * documents, which only the server converts (server/import/). A `.docx` travels as base64.
 */
export const textFormats = [...contentFormats, 'html', 'docx'] as const;
/** One of `textFormats`. */
export type TextFormat = (typeof textFormats)[number];
export const formatShape = z.enum(textFormats);
export const languageShape = z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'A language is a BCP 47 tag such as "en" or "he"');

const contentShape = z.union([z.string().max(maxTextContentLength), z.record(z.string(), z.unknown()), z.array(z.unknown())]);

export const createTextShape = z.strictObject({
  title: z.string().trim().min(1).max(300),
  /** Any free address but "new", kept for the page that adds a text (`/t/new`). */
  slug: slugShape.refine((slug) => slug !== 'new', 'The address "new" is kept for the page that adds a text').optional(),
  language: languageShape,
  direction: directionShape.optional(),
  license: z.string().trim().max(300).optional(),
  attribution: z.string().trim().max(1000).optional(),
  visibility: visibilityShape.optional(),
  /** The group that will own the text (you must be one of its owners or moderators). */
  group: slugShape.optional(),
  format: formatShape,
  content: contentShape,
});

/** What `POST /api/texts/preview` reads: a text's content as it would be created, nothing stored. */
export const previewTextShape = createTextShape.pick({ title: true, format: true, content: true });

export const stepJsonShape = z.record(z.string(), z.unknown());
export const createVersionShape = z.union([
  z.strictObject({ format: formatShape, content: contentShape }),
  z.strictObject({ steps: z.array(stepJsonShape).min(1).max(10_000), baseVersion: z.number().int().positive() }),
]);

export const colorShape = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'A colour is written #rrggbb');
export const createLayerShape = z.strictObject({
  name: z.string().trim().min(1).max(120),
  slug: slugShape.optional(),
  description: z.string().trim().max(2000).optional(),
  color: colorShape.optional(),
  visibility: visibilityShape,
  /** The group that will own the layer (you must be one of its owners or moderators). */
  group: slugShape.optional(),
  /** A person's layer: owner or signed_in; a group's: members or moderators. */
  writePolicy: z.enum(['owner', 'signed_in', 'members', 'moderators']).optional(),
  /** Who may reply in its threads: signed_in, members (of its group), or nobody. */
  replyPolicy: z.enum(['signed_in', 'members', 'nobody']).optional(),
  /** Members see the others' glosses only once they have written one of their own here. */
  readFirst: z.boolean().optional(),
  license: z.string().trim().max(300).optional(),
  attribution: z.string().trim().max(1000).optional(),
});
/**
 * Whether a layer's glosses are published to its group's followers on other servers: `off`,
 * `publish`, or `publish+replies` (replies from elsewhere come back into its threads). Only what
 * a visitor may read is ever published, whatever this says.
 */
export const federationShape = z.enum(['off', 'publish', 'publish+replies']);
export const updateLayerShape = createLayerShape
  .omit({ slug: true, group: true })
  .partial()
  .extend({ federation: federationShape.optional() });

export const motivationShape = z.enum([
  'commenting',
  'questioning',
  'replying',
  'describing',
  'editing',
  'linking',
  'tagging',
  'classifying',
  'highlighting',
  'assessing',
]);

export const bodyShape = z.union([
  z.strictObject({ markdown: z.string().max(maxBodyLength) }),
  z.strictObject({ doc: z.record(z.string(), z.unknown()) }),
]);

export const targetShape = z.strictObject({
  exact: z.string().min(1).max(maxQuoteLength),
  prefix: z.string().max(maxContextLength).optional(),
  suffix: z.string().max(maxContextLength).optional(),
  start: z.number().int().nonnegative().optional(),
  end: z.number().int().nonnegative().optional(),
  gloss: z.number().int().positive().optional(),
});

export const addParallelShape = z.strictObject({ text: slugShape });

export const createGlossShape = z.strictObject({
  target: targetShape,
  body: bodyShape,
  motivation: motivationShape.optional(),
});
export const updateGlossShape = z
  .strictObject({ body: bodyShape.optional(), motivation: motivationShape.optional(), target: targetShape.omit({ gloss: true }).optional() })
  .refine((v) => v.body !== undefined || v.motivation !== undefined || v.target !== undefined, 'Nothing to change: give body, motivation or target');

/** How a reply stands to what it answers: it answers a question, supports or objects to a reading. */
export const replyStanceShape = z.enum(['answers', 'supports', 'objects']);
/** `PUT /api/glosses/:id/stance`: a stance on a reading; disagreeing needs a reason (422 `reason_required`). */
export const stanceShape = z.strictObject({ stance: z.enum(['agree', 'disagree', 'abstain']), reason: z.string().trim().min(1).max(1000).optional() });
/** `POST /api/glosses/:id/decision`: what was decided, the reading adopted (a gloss, or a reply in the thread), and when to look again. */
export const decisionShape = z.strictObject({
  statement: z.string().trim().min(1).max(2000),
  adopted: z.union([z.strictObject({ gloss: z.number().int().positive() }), z.strictObject({ reply: z.number().int().positive() })]).optional(),
  reviewOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'A day is written YYYY-MM-DD').optional(),
});
export const createReplyShape = z.strictObject({ body: bodyShape, parent: z.number().int().positive().optional(), stance: replyStanceShape.optional() });
export const updateReplyShape = z.strictObject({ body: bodyShape });

/** A calendar day, `YYYY-MM-DD`. */
export const dayShape = z.string().refine(isDay, 'A day is written YYYY-MM-DD, such as 2026-12-10');
/** A segment's ref in a text ("1:5"), as a plan names it. */
export const segmentRefShape = z.string().min(1).max(maxSegmentRefLength);
/**
 * How a group reads a text over time: passages with the day each begins (in order of their days;
 * each is read until the next begins), or a pace of `segments` a day or a week from `start`,
 * beginning at the segment `from` (the text's first by default).
 */
export const readingScheduleShape = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('dates'),
    passages: z
      .array(z.strictObject({ from: segmentRefShape, to: segmentRefShape.optional(), date: dayShape, title: z.string().trim().min(1).max(200).optional() }))
      .min(1)
      .max(maxPlanPassages)
      .refine((ps) => ps.every((p, i) => i === 0 || ps[i - 1].date < p.date), 'Give the passages in order of their dates, one passage a date'),
  }),
  z.strictObject({
    kind: z.literal('pace'),
    segments: z.number().int().min(1).max(10_000),
    every: z.enum(['day', 'week']),
    start: dayShape,
    from: segmentRefShape.optional(),
  }),
]);
/** A group's reading plan (`PUT /api/groups/:slug/plan`): the text, by slug, and its schedule. */
export const setReadingPlanShape = z.strictObject({ text: slugShape, schedule: readingScheduleShape });

export type CreateTextInput = z.infer<typeof createTextShape>;
export type CreateVersionInput = z.infer<typeof createVersionShape>;
export type CreateLayerInput = z.infer<typeof createLayerShape>;
export type PreviewTextInput = z.infer<typeof previewTextShape>;
export type UpdateLayerInput = z.infer<typeof updateLayerShape>;
export type CreateGlossInput = z.infer<typeof createGlossShape>;
export type UpdateGlossInput = z.infer<typeof updateGlossShape>;
export type BodyInput = z.infer<typeof bodyShape>;
export type TargetInput = z.infer<typeof targetShape>;
export type CreateReplyInput = z.infer<typeof createReplyShape>;
export type ReadingSchedule = z.infer<typeof readingScheduleShape>;
export type SetReadingPlanInput = z.infer<typeof setReadingPlanShape>;
