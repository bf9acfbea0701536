/**
 * Embedding a passage elsewhere: which Daf URLs name a passage, the iframe page's address, and
 * the oEmbed answer (https://oembed.com) for a consumer given one of those URLs. Only public
 * texts and layers travel: these are always read as a visitor, whoever asks.
 */
import { slugShape } from '../../schema/api.ts';
import { AppError } from '../errors.ts';
import { escapeHtml } from '../escape-html.ts';
import type { AppContext } from './context.ts';
import { currentVersion, passageRange } from './passages.ts';

/** A passage to embed: a text, optionally a ref and the layers to show. */
export interface EmbedTarget {
  slug: string;
  ref?: string;
  /** Comma-separated layer slugs, as written in the URL (checked by the caller). */
  layers?: string;
}

/** The iframe's size when the consumer sets no limit, in CSS pixels. */
export const defaultEmbedWidth = 640;
export const defaultEmbedHeight = 480;

/** How long a consumer may cache an oEmbed answer, in seconds. */
const cacheAge = 3600;

/** The longest URL accepted, as elsewhere in Daf (links in documents). */
const maxUrlLength = 2048;

/**
 * The passage a URL of this server names: `/t/:slug` (the reader) or `/embed/t/:slug`, with
 * `?ref=` or a `#ref` fragment and `?layers=a,b`. Null for any other URL.
 */
export function embedTarget(url: string, baseUrl: string): EmbedTarget | null {
  if (url.length > maxUrlLength) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.origin !== new URL(baseUrl).origin) return null;
  const m = /^(?:\/embed)?\/t\/([^/]+)\/?$/.exec(parsed.pathname);
  if (!m) return null;
  const slug = decoded(m[1]);
  const fragment = decoded(parsed.hash.slice(1));
  if (slug === null) return null;
  const ref = parsed.searchParams.get('ref') ?? (fragment && !fragment.startsWith('g-') ? fragment : null);
  const layers = parsed.searchParams.get('layers');
  if (layers && !layers.split(',').every((l) => slugShape.safeParse(l).success)) return null;
  return { slug, ...(ref ? { ref } : {}), ...(layers ? { layers } : {}) };
}

/** A URL component decoded, or null when it is not valid percent-encoding. */
function decoded(component: string): string | null {
  try {
    return decodeURIComponent(component);
  } catch {
    return null;
  }
}

/** The address of the iframe page that shows a passage. */
export function embedPageUrl(baseUrl: string, target: EmbedTarget): string {
  const query = new URLSearchParams();
  if (target.ref) query.set('ref', target.ref);
  if (target.layers) query.set('layers', target.layers);
  const q = query.toString();
  return `${baseUrl}/embed/t/${encodeURIComponent(target.slug)}${q ? `?${q}` : ''}`;
}

/** Checks that a target is a public text with that passage, and returns the text's title; 404 otherwise. */
export async function publicPassageTitle(ctx: AppContext, target: EmbedTarget): Promise<string> {
  const { text, version } = await currentVersion(ctx.db, null, target.slug);
  passageRange(version, target.ref);
  return text.title;
}

/** The oEmbed `rich` answer for a Daf URL, sized within the consumer's limits; 404 for a URL that is not a public passage. */
export async function oembedFor(ctx: AppContext, baseUrl: string, url: string, limits: { maxwidth?: number; maxheight?: number } = {}) {
  const target = embedTarget(url, baseUrl);
  if (!target) throw new AppError('not_found', 404, 'That URL is not a text on this Daf server');
  const title = await publicPassageTitle(ctx, target);
  const fullTitle = target.ref ? `${title} ${target.ref}` : title;
  const width = Math.min(defaultEmbedWidth, limits.maxwidth ?? defaultEmbedWidth);
  const height = Math.min(defaultEmbedHeight, limits.maxheight ?? defaultEmbedHeight);
  const src = embedPageUrl(baseUrl, target);
  // allow-popups(-to-escape-sandbox): "Join the discussion" opens the full page as a normal tab.
  // No style attribute: a consumer page's CSP may forbid inline styles.
  const html =
    `<iframe src="${escapeHtml(src)}" width="${width}" height="${height}" title="${escapeHtml(`${fullTitle} — Daf`)}" ` +
    `sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" loading="lazy" frameborder="0"></iframe>`;
  return {
    type: 'rich' as const,
    version: '1.0' as const,
    title: fullTitle,
    provider_name: 'Daf',
    provider_url: `${baseUrl}/`,
    cache_age: cacheAge,
    html,
    width,
    height,
  };
}
