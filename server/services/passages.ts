/**
 * Passages: a stretch of a text named by segment refs (`1:1-1:3`, `1:5`, a chapter `2`), or the
 * whole text, with the layers and glosses on it that the viewer may see. This is what the embed
 * widget reads, so it carries only the blocks of the passage, not the whole document.
 */
import { textSchema } from '../../schema/document.ts';
import { Projection, type SegmentRange } from '../../schema/projection.ts';
import { AppError } from '../errors.ts';
import type { DB, TextRow, TextVersionRow } from '../storage/database.ts';
import { glossListingJson } from '../storage/gloss-listing.ts';
import type { AppContext } from './context.ts';
import { layersOfText } from './layers.ts';
import { shownGroupSlug, type Viewer } from './policy.ts';
import { findGroupById } from '../storage/groups.ts';
import { readableText, textSummary, textVersion } from './texts.ts';

/** The longest `ref` accepted: a range of two refs is far shorter in every text we know. */
export const maxRefLength = 100;

/** Where a passage lies in a version's projection, and its segments. */
export interface PassageRange {
  /** The ref as asked for, or null for the whole text. */
  ref: string | null;
  start: number;
  end: number;
  segments: SegmentRange[];
}

/** The index of the first (or last) segment a ref names: a segment's ref, or a chapter before its `:`. */
function segmentIndex(segments: SegmentRange[], ref: string, which: 'first' | 'last'): number {
  const exact = segments.findIndex((s) => s.ref === ref);
  if (exact >= 0) return exact;
  const inChapter = (s: SegmentRange) => s.ref.startsWith(`${ref}:`);
  return which === 'first' ? segments.findIndex(inChapter) : segments.findLastIndex(inChapter);
}

/**
 * Finds the passage `ref` names in a version: `A` or `A-B`, where each side is a segment ref or
 * a chapter (every segment whose ref starts with `A:`). Absent, the whole text. 400 for a ref
 * too long, 404 `ref_not_found` for one the text does not have or a range that runs backwards.
 */
export function passageRange(version: TextVersionRow, ref: string | undefined): PassageRange {
  const segments = JSON.parse(version.segments) as SegmentRange[];
  if (ref === undefined || ref === '') return { ref: null, start: 0, end: version.projection.length, segments };
  if (ref.length > maxRefLength) throw new AppError('invalid_request', 400, `ref may be at most ${maxRefLength} characters`);
  let first = segmentIndex(segments, ref, 'first');
  let last = segmentIndex(segments, ref, 'last');
  if (first < 0) {
    const dash = ref.indexOf('-');
    if (dash > 0) {
      first = segmentIndex(segments, ref.slice(0, dash), 'first');
      last = segmentIndex(segments, ref.slice(dash + 1), 'last');
    }
  }
  if (first < 0 || last < first) throw new AppError('ref_not_found', 404, `The text has no passage "${ref.slice(0, 40)}"`);
  return { ref, start: segments[first].start, end: segments[last].end, segments: segments.slice(first, last + 1) };
}

/** The top-level blocks of a version's document that hold the range, as JSON. */
function blocksOf(version: TextVersionRow, range: PassageRange): unknown {
  const json = JSON.parse(version.doc) as { type: string; content: unknown[] };
  if (range.ref === null) return json;
  const doc = textSchema.nodeFromJSON(json);
  const projection = new Projection(doc);
  const first = doc.resolve(projection.posAt(range.start)).index(0);
  const last = doc.resolve(projection.posAt(range.end)).index(0);
  return { type: 'doc', content: json.content.slice(first, last + 1) };
}

/** The part of a gloss the passage filter looks at. */
interface ListedGloss {
  id: number;
  layer: string;
  target: { gloss: number | null };
  anchor: { start: number | null; end: number | null } | null;
}

/**
 * The glosses on a range: those on the text whose anchor meets it, and the glosses on those
 * glosses, to any depth, each only if the one it comments on is listed too. The database has
 * already left out what lies outside the range; this keeps a gloss whose parent was left out
 * by visibility or the choice of layers from hanging with nothing to hang on. The whole text
 * keeps every gloss, orphans included.
 */
function glossesIn<G extends ListedGloss>(glosses: G[], range: PassageRange): G[] {
  if (range.ref === null) return glosses;
  const kept = new Set<number>();
  const meets = (a: ListedGloss['anchor']) =>
    a !== null && a.start !== null && a.end !== null && (a.start < range.end && a.end > range.start || (a.start === a.end && a.start >= range.start && a.start <= range.end));
  // Listed in id order, and a gloss is always written after the gloss it comments on.
  return glosses.filter((g) => {
    const keep = g.target.gloss === null ? meets(g.anchor) : kept.has(g.target.gloss);
    if (keep) kept.add(g.id);
    return keep;
  });
}

/** Loads a text's current version, as one reader may see it. */
export async function currentVersion(db: DB, viewer: Viewer | null, slug: string): Promise<{ text: TextRow; version: TextVersionRow }> {
  const text = await readableText(db, viewer, slug);
  return { text, version: await textVersion(db, text) };
}

/**
 * A passage of the current version of a text: the text's summary, the range and its blocks, the
 * layers the viewer may see (only `layers`, in that order, when given) and their glosses on it.
 */
export async function readPassage(ctx: AppContext, viewer: Viewer | null, slug: string, options: { ref?: string; layers?: string[] } = {}) {
  const { text, version } = await currentVersion(ctx.db, viewer, slug);
  const range = passageRange(version, options.ref);
  let layers = await layersOfText(ctx.db, viewer, text);
  if (options.layers) {
    const wanted = options.layers;
    layers = layers.filter((l) => wanted.includes(l.slug)).sort((a, b) => wanted.indexOf(a.slug) - wanted.indexOf(b.slug));
  }
  let glosses: ListedGloss[] = [];
  if (layers.length) {
    const within = range.ref === null ? undefined : { start: range.start, end: range.end };
    const listing = await glossListingJson(ctx.db, viewer, text.id, text.slug, version.number, { layerSlugs: layers.map((l) => l.slug), range: within });
    glosses = glossesIn(JSON.parse(listing.toString('utf8')) as ListedGloss[], range);
  }
  return {
    text: textSummary({ ...text, group_slug: await shownGroupOf(ctx.db, viewer, text) }),
    version: version.number,
    ref: range.ref,
    start: range.start,
    end: range.end,
    doc: blocksOf(version, range),
    segments: range.segments,
    layers,
    glosses,
  };
}

/** The slug of the group that owns the text, as the viewer may be told it (see `shownGroupSlug`), as every text listing does. */
async function shownGroupOf(db: DB, viewer: Viewer | null, text: TextRow): Promise<string | null> {
  if (text.group_id === null) return null;
  const group = await findGroupById(db, text.group_id);
  return shownGroupSlug(viewer, { group_id: text.group_id, group_slug: group?.slug, group_visibility: group?.visibility });
}
