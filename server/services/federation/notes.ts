/**
 * A published gloss or reply as an ActivityStreams `Note` (docs/federation.md §4): a plain Note,
 * which Mastodon, Lemmy and the rest render, whose HTML quotes the passage in a
 * `<blockquote lang=…>`, then the gloss, then a link to it on its page. The W3C annotation, which
 * carries the selectors, is one FEP-e232 `Link` tag away. A gloss on a gloss, and a reply, thread
 * with `inReplyTo`.
 */
import { createHash } from 'node:crypto';
import { Link, Note, PUBLIC_COLLECTION, Source } from '@fedify/fedify';
import { Temporal } from '@js-temporal/polyfill';
import { bodyToMarkdown, DafUrls } from '../../../schema/w3c.ts';
import { escapeHtml } from '../../escape-html.ts';
import type { FederablePostRow } from '../../storage/federation.ts';
import { bodyHtml } from '../body-html.ts';

/** The media type of a W3C Web Annotation, as the Link tag names it. */
export const annotationMediaType = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"';

/** Where federation's own documents live under the base URL. */
export class ApUrls {
  readonly daf: DafUrls;
  constructor(readonly base: string) {
    this.daf = new DafUrls(base);
  }
  actor(identifier: string) {
    return new URL(`${this.base}/ap/actors/${encodeURIComponent(identifier)}`);
  }
  followers(identifier: string) {
    return new URL(`${this.base}/ap/actors/${encodeURIComponent(identifier)}/followers`);
  }
  /**
   * A post's Note: `/ap/notes/g12` for gloss 12, `/ap/notes/r7` for reply 7. A revision after the
   * first (a post published again after a Delete) has an id of its own, `/ap/notes/g12.2`.
   */
  note(kind: 'gloss' | 'reply', id: number, revision = 1) {
    return new URL(`${this.base}/ap/notes/${noteKey(kind, id, revision)}`);
  }
}

export function noteKey(kind: 'gloss' | 'reply', id: number, revision = 1): string {
  return `${kind === 'gloss' ? 'g' : 'r'}${id}${revision > 1 ? `.${revision}` : ''}`;
}

/** What a Note's key names, or null when it is not one. */
export function parseNoteKey(key: string): { kind: 'gloss' | 'reply'; id: number; revision: number } | null {
  const match = /^([gr])([1-9][0-9]{0,14})(?:\.([2-9]|[1-9][0-9]{1,8}))?$/.exec(key);
  if (!match) return null;
  return { kind: match[1] === 'g' ? 'gloss' : 'reply', id: Number(match[2]), revision: match[3] ? Number(match[3]) : 1 };
}

/** The identifiers of a local actor: `group.SLUG`, `user.HANDLE`, or the instance's `app.daf`. */
export const groupActor = (slug: string) => `group.${slug}`;
export const userActor = (handle: string) => `user.${handle}`;

/** The quoted passage of a gloss (its stored selectors' `exact`), or null. */
function quoteOf(row: FederablePostRow): string | null {
  if (row.selectors === null) return null;
  const exact = (JSON.parse(row.selectors) as { exact?: unknown }).exact;
  return typeof exact === 'string' && exact.trim() ? exact : null;
}

/** The Note's HTML: the quoted passage, the post, a link to it on its page. Only elements Mastodon keeps. */
export function noteHtml(row: FederablePostRow, urls: ApUrls): string {
  let html = '';
  const quote = quoteOf(row);
  if (quote !== null) {
    // A quote of the text is in the text's language; a gloss on a gloss quotes commentary, which claims none.
    const lang = row.target_gloss_id === null ? ` lang="${escapeHtml(row.text_language)}"` : '';
    html += `<blockquote${lang}><p>${escapeHtml(quote)}</p></blockquote>`;
  }
  html += bodyHtml(row.body_doc);
  if (row.attribution) html += `<p>— ${escapeHtml(row.attribution)}</p>`;
  html += `<p><a href="${escapeHtml(urls.daf.glossOnPage(row.text_slug, row.gloss_id))}">${escapeHtml(row.text_title)} · ${escapeHtml(row.layer_name)}</a></p>`;
  return html;
}

/** The Note of a post that may leave (storage `federablePost`), at its revision. `parentRevision` names what it answers. */
export function postNote(row: FederablePostRow, urls: ApUrls, revision: number, inReplyTo: URL | null): Note {
  const group = groupActor(row.group_slug);
  const onPage = urls.daf.glossOnPage(row.text_slug, row.gloss_id);
  const tags =
    row.kind === 'gloss'
      ? [new Link({ rel: 'alternate', name: 'W3C Web Annotation', href: new URL(urls.daf.annotation(row.text_slug, row.layer_slug, row.id)), mediaType: annotationMediaType })]
      : [];
  return new Note({
    id: urls.note(row.kind, row.id, revision),
    attribution: urls.actor(userActor(row.author_handle)),
    audience: urls.actor(group),
    content: noteHtml(row, urls),
    // Its words as Markdown, which Lemmy and another Daf read with their emphasis and links.
    source: new Source({ content: bodyToMarkdown(JSON.parse(row.body_doc)), mediaType: 'text/markdown' }),
    url: new URL(onPage),
    to: PUBLIC_COLLECTION,
    cc: urls.followers(group),
    tags,
    replyTarget: inReplyTo,
    published: Temporal.Instant.from(row.created_at),
    updated: row.updated_at !== row.created_at ? Temporal.Instant.from(row.updated_at) : null,
  });
}

/** What changes when a post is edited in a way its followers should see: its Note's content. */
export function noteDigest(row: FederablePostRow, urls: ApUrls): string {
  return createHash('sha256').update(noteHtml(row, urls)).digest('hex');
}
