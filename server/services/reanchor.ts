/**
 * Re-anchoring on the server: when a text gets a new version, every gloss on it is placed in
 * the new version (README, "Anchoring"), and when a gloss's body is edited, the glosses on that body are
 * placed in its new revision. Results are stored per version, never recomputed on read.
 */
import {
  createAnchorTarget,
  createTextMapper,
  resolveAnchor,
  type Anchor,
  type AnchorStatus,
  type Segment,
  type TextMapper,
} from '../../schema/anchoring/index.ts';
import type { AnchorRow, DB } from '../storage/database.ts';
import * as glosses from '../storage/glosses.ts';

/** How many glosses ended in each status. */
export type AnchorCounts = Record<AnchorStatus, number>;

/** A counts object with every status at zero. */
export function emptyCounts(): AnchorCounts {
  return { exact: 0, moved: 0, fuzzy: 0, segment: 0, orphan: 0 };
}

/** The stored form of selectors. */
export interface StoredSelectors {
  exact: string;
  prefix: string;
  suffix: string;
  start: number;
  end: number;
  segment: string | null;
}

interface GlossToPlace {
  id: number;
  selectors: string;
  start: number | null;
  end: number | null;
}

/** Places glosses in a new target text, from where each sat in the old one. */
function placeAll(
  items: GlossToPlace[],
  newText: string,
  newSegments: Segment[],
  mapper: TextMapper,
  version: number,
): { rows: AnchorRow[]; counts: AnchorCounts } {
  const target = createAnchorTarget(newText, newSegments);
  const counts = emptyCounts();
  const rows: AnchorRow[] = items.map((item) => {
    const sel = JSON.parse(item.selectors) as StoredSelectors;
    // Start from where the gloss sat in the previous version when it had a place there; the
    // quote and context are always the ones it was written with. A gloss with no place there
    // (an orphan) has only the offsets it was written with, which count in an older version
    // (or body revision) that the mapper knows nothing of — they may even run past the previous
    // text, which the mapper refuses with a RangeError — so it is looked for afresh, with those
    // offsets only as a hint.
    const anchor: Anchor =
      item.start !== null && item.end !== null
        ? resolveAnchor({ ...sel, start: item.start, end: item.end }, target, { mapper })
        : resolveAnchor(sel, target);
    counts[anchor.status]++;
    return toAnchorRow(item.id, version, anchor, newText);
  });
  return { rows, counts };
}

/** The anchor table row of a resolved anchor. */
export function toAnchorRow(glossId: number, version: number, anchor: Anchor, text: string): AnchorRow {
  return {
    gloss_id: glossId,
    version,
    start: anchor.start,
    end: anchor.end,
    status: anchor.status,
    score: anchor.score,
    exact: anchor.start === null || anchor.end === null ? null : text.slice(anchor.start, anchor.end),
  };
}

/**
 * Re-anchors every gloss on a text's body from version `from` to version `to`, stores the
 * anchors and returns them (count only those the caller may see: see `countAnchors`). `mapper` maps old offsets to new ones (from ProseMirror steps
 * or from a diff); by default a diff of the two projections.
 */
export async function reanchorText(
  db: DB,
  textId: number,
  from: { number: number; projection: string },
  to: { number: number; projection: string; segments: Segment[] },
  mapper: TextMapper = createTextMapper(from.projection, to.projection),
): Promise<AnchorRow[]> {
  const items = await glosses.glossesWithAnchor(db, { textId }, from.number);
  const { rows } = placeAll(items, to.projection, to.segments, mapper, to.number);
  await glosses.upsertAnchors(db, rows);
  return rows;
}

/** Re-anchors the glosses on one gloss's body after that body changed. */
export async function reanchorChildren(
  db: DB,
  glossId: number,
  from: { revision: number; text: string },
  to: { revision: number; text: string },
): Promise<AnchorCounts> {
  const items = await glosses.glossesWithAnchor(db, { glossId }, from.revision);
  if (items.length === 0) return emptyCounts();
  const { rows, counts } = placeAll(items, to.text, [], createTextMapper(from.text, to.text), to.revision);
  await glosses.upsertAnchors(db, rows);
  return counts;
}

/** Counts anchors by status, only for the glosses in `visible`. */
export function countAnchors(rows: AnchorRow[], visible: ReadonlySet<number>): AnchorCounts {
  const counts = emptyCounts();
  for (const row of rows) if (visible.has(row.gloss_id)) counts[row.status]++;
  return counts;
}
