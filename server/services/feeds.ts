/**
 * Atom feeds (RFC 4287) of public commentary: the newest glosses and replies of a layer, and of
 * every layer of a group. A feed is always read as a visitor, whoever asks, so it may be cached
 * by anyone: a layer or group a visitor may not read is the same 404 as one that does not exist,
 * and only published posts a visitor may see are listed (never pending, hidden or deleted ones,
 * never anything on a text a visitor may not read). Which rows those are is decided by the
 * reading rules' SQL twins inside the query (storage/feeds.ts).
 *
 * Every string that reaches the document is XML-escaped, and characters XML cannot carry are
 * replaced; bodies go out as `type="html"` content written by the gloss schema (body-html.ts).
 */
import { createHash } from 'node:crypto';
import { DafUrls } from '../../schema/w3c.ts';
import { escapeHtml } from '../escape-html.ts';
import { newestFeedPosts, type FeedPostRow, type FeedScope } from '../storage/feeds.ts';
import { bodyHtml } from './body-html.ts';
import type { AppContext } from './context.ts';
import { visibleGroup } from './groups.ts';
import { readableLayer } from './layers.ts';

/** How many entries a feed carries: the newest posts. */
export const feedSize = 50;

/** The media type of the feeds. */
export const atomMediaType = 'application/atom+xml; charset=utf-8';

/** A feed document, with what its HTTP validators are made of. */
export interface Feed {
  xml: string;
  /** The feed's `updated`: the newest entry's, or when the layer or group was made. */
  updated: string;
  /** A weak validator that changes whenever the document does. */
  etag: string;
}

/** Entry titles are cut to about this many characters. */
const titleLength = 80;

/** Characters XML 1.0 cannot carry (controls, lone surrogates, U+FFFE, U+FFFF). */
const notXml = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** A string as XML character data or a double-quoted attribute value. */
export function xmlEscape(value: string): string {
  return value
    .replace(notXml, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;');
}

/** An element: attributes (undefined ones left out) and content that is already XML. */
function element(name: string, attrs: Record<string, string | undefined>, content?: string): string {
  let open = `<${name}`;
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) open += ` ${k}="${xmlEscape(v)}"`;
  return content === undefined ? `${open}/>` : `${open}>${content}</${name}>`;
}

/** An element holding text. */
function textElement(name: string, value: string, attrs: Record<string, string | undefined> = {}): string {
  return element(name, attrs, xmlEscape(value));
}

/** The start of a body on one line, cut at a word near `titleLength` characters (never inside a character). */
export function excerpt(text: string, length = titleLength): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(line);
  if (chars.length <= length) return line;
  const cut = chars.slice(0, length).join('');
  const space = cut.lastIndexOf(' ');
  return `${(space > length / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** What a feed says about itself. */
interface FeedHead {
  self: string;
  alternate: string;
  title: string;
  subtitle: string | null;
  /** When the feed began (its layer or group was made): its `updated` while it has no entries. */
  since: string;
  /** Show each entry's text and layer (a group's feed spans several). */
  showPlace: boolean;
}

/** The quoted passage of a gloss (its stored selectors' `exact`), or null. */
function quoteOf(row: FeedPostRow): string | null {
  if (row.selectors === null) return null;
  const exact = (JSON.parse(row.selectors) as { exact?: unknown }).exact;
  return typeof exact === 'string' && exact.trim() ? exact : null;
}

function entryXml(row: FeedPostRow, urls: DafUrls, showPlace: boolean): string {
  const glossId = urls.annotation(row.text_slug, row.layer_slug, row.gloss_id);
  const id = row.kind === 'gloss' ? glossId : `${glossId}#reply-${row.id}`;
  const words = excerpt(row.body_text) || (row.kind === 'gloss' ? 'A gloss' : 'A reply');
  const title = row.kind === 'gloss' ? words : `Reply: ${words}`;
  const textUrl = urls.textWithLayers(row.text_slug, [row.layer_slug]);
  let html = '';
  if (showPlace) html += `<p><a href="${escapeHtml(textUrl)}">${escapeHtml(row.text_title)}</a> · ${escapeHtml(row.layer_name)}</p>`;
  const quote = quoteOf(row);
  if (quote !== null) {
    // A quote of the text is in its language and direction; a gloss on a gloss quotes commentary, which claims neither.
    const place = row.target_gloss_id === null ? ` lang="${escapeHtml(row.text_language)}" dir="${escapeHtml(row.text_direction)}"` : '';
    html += `<blockquote${place}><p>${escapeHtml(quote)}</p></blockquote>`;
  }
  html += bodyHtml(row.body_doc);
  const author = row.attribution
    ? textElement('name', row.attribution)
    : textElement('name', row.author_name) + textElement('uri', urls.person(row.author_handle));
  return element(
    'entry',
    {},
    [
      textElement('id', id),
      textElement('title', title),
      textElement('published', row.created_at),
      textElement('updated', row.updated_at),
      element('author', {}, author),
      element('link', { rel: 'alternate', type: 'text/html', href: urls.glossOnPage(row.text_slug, row.gloss_id) }),
      element('category', { term: row.layer_slug, label: row.layer_name }),
      textElement('content', html, { type: 'html' }),
    ].join(''),
  );
}

/** The whole document, with its validators. */
function feedDocument(head: FeedHead, rows: FeedPostRow[], urls: DafUrls): Feed {
  const updated = rows.reduce((newest, r) => (r.updated_at > newest ? r.updated_at : newest), head.since);
  const parts = [
    textElement('id', head.self),
    textElement('title', head.title),
    head.subtitle ? textElement('subtitle', head.subtitle) : '',
    textElement('updated', updated),
    // Every entry names its author; the feed names its publisher, so that a feed with no entries is valid too.
    element('author', {}, textElement('name', 'Daf') + textElement('uri', `${urls.base}/`)),
    element('link', { rel: 'self', type: 'application/atom+xml', href: head.self }),
    element('link', { rel: 'alternate', type: 'text/html', href: head.alternate }),
    textElement('generator', 'Daf', { uri: `${urls.base}/` }),
    ...rows.map((r) => entryXml(r, urls, head.showPlace)),
  ];
  const xml = `<?xml version="1.0" encoding="utf-8"?>\n${element('feed', { xmlns: 'http://www.w3.org/2005/Atom' }, parts.join(''))}\n`;
  const etag = `W/"${createHash('sha256').update(xml).digest('base64url').slice(0, 27)}"`;
  return { xml, updated, etag };
}

/** The feed of a layer a visitor may read; 404 otherwise, as for a layer that does not exist. */
export async function layerFeed(ctx: AppContext, baseUrl: string, textSlug: string, layerSlug: string): Promise<Feed> {
  const { text, layer } = await readableLayer(ctx.db, null, textSlug, layerSlug);
  const urls = new DafUrls(baseUrl);
  const rows = await newestFeedPosts(ctx.db, null, { layerId: layer.id }, feedSize);
  return feedDocument(
    {
      self: urls.layerFeed(text.slug, layer.slug),
      alternate: urls.textWithLayers(text.slug, [layer.slug]),
      title: `${layer.name} — ${text.title}`,
      subtitle: layer.description,
      since: layer.created_at,
      showPlace: false,
    },
    rows,
    urls,
  );
}

/**
 * The feed of a public group: the newest posts in its layers that a visitor may read. A private
 * group is the same 404 as a group that does not exist.
 */
export async function groupFeed(ctx: AppContext, baseUrl: string, groupSlug: string): Promise<Feed> {
  const group = await visibleGroup(ctx.db, null, groupSlug);
  const urls = new DafUrls(baseUrl);
  const scope: FeedScope = { groupId: group.id };
  const rows = await newestFeedPosts(ctx.db, null, scope, feedSize);
  return feedDocument(
    {
      self: urls.groupFeed(group.slug),
      alternate: urls.group(group.slug),
      title: group.name,
      subtitle: group.description,
      since: group.created_at,
      showPlace: true,
    },
    rows,
    urls,
  );
}
