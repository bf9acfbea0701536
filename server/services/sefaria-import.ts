/**
 * Importing a Sefaria base text with its commentaries: the text gets one `segment` per `c:v`,
 * each commentary becomes a layer, and each comment is anchored to the span of its opening
 * words (the dibur hamatchil) inside its own segment, using the normalized matcher (so an
 * unpointed lemma finds a pointed text). When the words are not there, the comment anchors to
 * its segment (its first 1,000 characters, the longest quote a gloss may have). A comment never lands outside its own segment: every search is confined
 * to it.
 */
import { matchQuoteOrNull, type Segment } from '../../schema/anchoring/index.ts';
import { maxQuoteLength } from '../../schema/api.ts';
import {
  parseSefariaFile,
  sefariaComments,
  sefariaDirection,
  sefariaLanguage,
  sefariaLeaves,
  type SefariaComment,
  type SefariaFile,
} from '../../schema/import/sefaria.ts';
import { lemmaParts, spellings } from '../../schema/import/lemma.ts';
import { AppError } from '../errors.ts';
import type { DB, TextRow, TextVersionRow } from '../storage/database.ts';
import * as glossStore from '../storage/glosses.ts';
import * as layerStore from '../storage/layers.ts';
import * as textStore from '../storage/texts.ts';
import { indexItem } from '../storage/search-index.ts';
import type { AppContext } from './context.ts';
import { selectorsJson } from './glosses.ts';
import type { Viewer } from './policy.ts';
import { emptyCounts, type AnchorCounts } from './reanchor.ts';
import { slugify, uniqueSlug } from './slugs.ts';
import { createTextIn, textVersion } from './texts.ts';
import { parseText } from '../work/tasks.ts';
import { ContentError } from '../../schema/import/content-error.ts';
import { Projection } from '../../schema/projection.ts';

/** What an import made. */
export interface SefariaImportSummary {
  text: string;
  segments: number;
  layers: { slug: string; name: string; glosses: number; anchors: AnchorCounts }[];
}

/** Attribution line for a Sefaria file. */
export function sefariaAttribution(file: SefariaFile): string {
  const parts = [file.versionTitle, 'via Sefaria'].filter(Boolean);
  return parts.join(' — ') + (file.versionSource ? ` (${file.versionSource})` : '');
}

/** A license field as Sefaria writes it, or null when it says "unknown". */
function sefariaLicense(file: SefariaFile): string | null {
  return file.license && file.license.toLowerCase() !== 'unknown' ? file.license : null;
}

/** The commentator's name: "Bartenura on Pirkei Avot" → "Bartenura". */
export function commentatorName(file: SefariaFile): string {
  const i = file.title.indexOf(' on ');
  return i > 0 ? file.title.slice(0, i) : file.title;
}

/**
 * Imports `base` with `commentaries` (parsed JSON values). Creates the text as `owner`;
 * `options` override the slug, title, license and attribution of the text.
 */
export async function importSefaria(
  ctx: AppContext,
  owner: Viewer,
  baseValue: unknown,
  commentaryValues: unknown[],
  options: { slug?: string; title?: string; license?: string; attribution?: string; visibility?: 'public' | 'private' } = {},
): Promise<SefariaImportSummary> {
  let base: SefariaFile;
  let commentaries: SefariaFile[];
  let commentsByFile: SefariaComment[][];
  try {
    base = parseSefariaFile(baseValue);
    commentaries = commentaryValues.map(parseSefariaFile);
    // Every commentary is split before anything is written, so that a malformed one (say, nested
    // at the wrong depth) fails the import instead of leaving the text without its commentary.
    const leafDepth = sefariaLeaves(base.text)[0]?.path.length ?? 1;
    commentsByFile = commentaries.map((file) => sefariaComments(file, leafDepth));
  } catch (e) {
    if (e instanceof ContentError) throw new AppError('invalid_content', 422, e.message);
    throw e;
  }
  const language = sefariaLanguage(base);
  // Inline, not on the worker pool: this runs from the command line and the demo, not a request.
  const parsed = parseText('sefaria', base);
  // One transaction: a failure anywhere (a full disk, say) leaves no text without its commentary.
  return ctx.db.transaction().execute(async (trx) => {
    const text = await createTextIn(trx, owner, {
      title: options.title ?? base.title,
      slug: options.slug,
      language,
      direction: sefariaDirection(base),
      license: options.license ?? sefariaLicense(base) ?? undefined,
      attribution: options.attribution ?? sefariaAttribution(base),
      visibility: options.visibility,
    }, parsed);
    // The ref it came from: another Daf that imported it too recognises the text by it (docs/federation.md §7).
    await textStore.setSefariaRef(trx, text.id, base.title);
    const version = await textVersion(trx, text);
    const summary: SefariaImportSummary = { text: text.slug, segments: (JSON.parse(version.segments) as Segment[]).length, layers: [] };
    for (const [fileIndex, file] of commentaries.entries()) {
      const slugBase = slugify(`${commentatorName(file)}${sefariaLanguage(file) !== language ? `-${sefariaLanguage(file)}` : ''}`, 'commentary');
      const color = layerColors[summary.layers.length % layerColors.length];
      summary.layers.push(await importCommentary(trx, owner, text, version, file, commentsByFile[fileIndex], { slugBase, color, visibility: options.visibility ?? 'public' }));
    }
    return summary;
  });
}

/** The colours of imported commentary layers, in turn. */
const layerColors = ['#b5651d', '#2e6f9e', '#7a4fa3', '#2f855a'];

/** Writes one commentary as a layer of `text`, each comment a gloss anchored in its own segment. */
/**
 * Where a comment's quoted words are inside its segment, or null: the lemma without its closing
 * abbreviations (וגו', כו'…), whole; failing that, for a range ("X עד Y"), from the start of its
 * first words to the end of its last, found after them; each as quoted or with the Name spelt out
 * (see schema/import/lemma.ts). A span longer
 * than a quote may be is cut to one.
 */
function placeLemma(projection: string, lemma: string, segment: Segment): { start: number; end: number; fuzzy: boolean; score: number } | null {
  /** The first of the words' spellings found inside the segment, at `from` or after. */
  const find = (words: string, from: number) => {
    for (const spelling of spellings(words)) {
      const m = matchQuoteOrNull(projection, spelling, { within: { start: from, end: segment.end }, hint: from });
      if (m && m.start >= segment.start && m.end <= segment.end) return m;
    }
    return null;
  };
  const parts = lemmaParts(lemma);
  const whole = find(parts.whole, segment.start);
  if (whole) return { start: whole.start, end: whole.end, fuzzy: whole.kind === 'fuzzy', score: whole.score };
  if (!parts.range) return null;
  const first = find(parts.range.first, segment.start);
  const last = first && find(parts.range.last, first.end);
  if (!first || !last) return null;
  return { start: first.start, end: Math.min(last.end, first.start + maxQuoteLength), fuzzy: first.kind === 'fuzzy' || last.kind === 'fuzzy', score: Math.min(first.score, last.score) };
}

async function importCommentary(
  trx: DB,
  owner: Viewer,
  text: TextRow,
  version: TextVersionRow,
  file: SefariaFile,
  comments: SefariaComment[],
  layerOptions: { slugBase: string; color: string; visibility: 'public' | 'private' },
): Promise<SefariaImportSummary['layers'][number]> {
  const segments = JSON.parse(version.segments) as Segment[];
  const byRef = new Map(segments.map((s) => [s.ref, s]));
  const name = commentatorName(file);
  const slug = await uniqueSlug(layerOptions.slugBase, async (s) => (await layerStore.findLayer(trx, text.id, s)) !== undefined);
  const layer = await layerStore.insertLayer(trx, {
    text_id: text.id,
    slug,
    name,
    description: file.title,
    color: layerOptions.color,
    owner_id: owner.id,
    group_id: null,
    visibility: layerOptions.visibility,
    write_policy: 'owner',
    reply_policy: 'signed_in',
    license: sefariaLicense(file),
    attribution: sefariaAttribution(file),
    created_at: new Date().toISOString(),
  });
  const counts = emptyCounts();
  let created = 0;
  const now = new Date().toISOString();
  for (const comment of comments) {
    const segment = byRef.get(comment.baseRef);
    if (!segment) continue; // a comment on a segment the base lacks: nowhere safe to put it
    const match = comment.lemma === null ? null : placeLemma(version.projection, comment.lemma, segment);
    let span: { start: number; end: number };
    let status: 'exact' | 'fuzzy' | 'segment';
    if (match) {
      span = match;
      status = match.fuzzy ? 'fuzzy' : 'exact';
    } else {
      span = { start: segment.start, end: Math.min(segment.end, segment.start + maxQuoteLength) };
      status = 'segment';
    }
    counts[status]++;
    const body = comment.doc;
    const bodyText = new Projection(body).text;
    const gloss = await glossStore.insertGloss(trx, {
      layer_id: layer.id,
      text_id: text.id,
      target_gloss_id: null,
      target_version: version.number,
      selectors: selectorsJson(version.projection, span.start, span.end, segments),
      body_doc: JSON.stringify(body.toJSON()),
      body_text: bodyText,
      body_revision: 1,
      author_id: owner.id,
      attribution: name,
      motivation: 'commenting',
      status: 'active',
      created_at: now,
      updated_at: now,
    });
    await glossStore.upsertAnchors(trx, [
      {
        gloss_id: gloss.id,
        version: version.number,
        start: span.start,
        end: span.end,
        status,
        score: status === 'segment' ? 0 : (match?.score ?? 1),
        exact: version.projection.slice(span.start, span.end),
      },
    ]);
    await indexItem(trx, { kind: 'gloss', itemId: gloss.id, textId: text.id, layerId: layer.id, body: bodyText });
    created++;
  }
  return { slug, name, glosses: created, anchors: counts };
}
