/**
 * Which gloss goes where on the page. Glosses on the text sit in the first column on their
 * layer's side; glosses on a
 * gloss sit one column further out on the same side, and so on to any depth. Glosses whose
 * passage could not be found (orphans) go to the unanchored list. Pure, so it is tested
 * without a browser.
 */
import type { Gloss } from '../api.ts';

export type Side = 'start' | 'end';

/** A gloss with its place: its side, its column (1 beside the text, 2 beyond…) and its parent. */
export interface Placed {
  gloss: Gloss;
  side: Side;
  depth: number;
  parent: Gloss | null;
}

export interface Arrangement {
  /** Every placed gloss, parents before their children, in anchor order within a parent. */
  placed: Placed[];
  /** Glosses on the text, or on a shown gloss, whose passage is lost. */
  unanchored: Gloss[];
  /** How many columns each side needs. */
  columns: Record<Side, number>;
  /** Glosses on each shown gloss, with their spans in its body (for marking them there). */
  children: Map<number, Gloss[]>;
}

/** Is a gloss worth showing: not deleted, or a tombstone that still holds a thread or glosses? */
function shown(g: Gloss, hasChildren: boolean): boolean {
  return g.status !== 'deleted' || g.replies.length > 0 || hasChildren;
}

function anchored(g: Gloss): boolean {
  return !!g.anchor && g.anchor.start !== null && g.anchor.end !== null;
}

const byAnchor = (a: Gloss, b: Gloss) => (a.anchor?.start ?? 0) - (b.anchor?.start ?? 0) || a.id - b.id;

/**
 * The side of each layer: the busiest layer takes the inline-start side, and each next layer
 * (by gloss count, then in the given order) goes to the side with fewer glosses so far, so that
 * one long commentary does not push a short one far from its anchors.
 */
export function layerSides(layers: readonly { slug: string; glossCount?: number }[]): Map<string, Side> {
  const load: Record<Side, number> = { start: 0, end: 0 };
  const sides = new Map<string, Side>();
  const ordered = layers.map((l, i) => ({ ...l, i })).sort((a, b) => (b.glossCount ?? 0) - (a.glossCount ?? 0) || a.i - b.i);
  for (const l of ordered) {
    const side: Side = load.start <= load.end ? 'start' : 'end';
    sides.set(l.slug, side);
    load[side] += Math.max(1, l.glossCount ?? 0);
  }
  return sides;
}

/** Arranges the glosses of a page, given its layers (in order, with counts) and those the reader hid. */
export function arrange(glosses: readonly Gloss[], layers: readonly { slug: string; glossCount?: number }[], hidden: ReadonlySet<string>): Arrangement {
  const visible = glosses.filter((g) => !hidden.has(g.layer));
  const on = new Map<number, Gloss[]>();
  for (const g of visible) {
    if (g.target.gloss === null) continue;
    const list = on.get(g.target.gloss) ?? [];
    list.push(g);
    on.set(g.target.gloss, list);
  }
  const sides = layerSides(layers);
  const sideOf = (layer: string): Side => sides.get(layer) ?? 'start';
  const placed: Placed[] = [];
  const unanchored: Gloss[] = [];
  const children = new Map<number, Gloss[]>();
  const columns: Record<Side, number> = { start: 0, end: 0 };

  const place = (g: Gloss, side: Side, depth: number, parent: Gloss | null) => {
    const kids = (on.get(g.id) ?? []).sort(byAnchor);
    if (!shown(g, kids.length > 0)) return;
    placed.push({ gloss: g, side, depth, parent });
    columns[side] = Math.max(columns[side], depth);
    const placedKids = kids.filter(anchored);
    if (placedKids.length) children.set(g.id, placedKids);
    for (const k of kids) {
      if (anchored(k)) place(k, side, depth + 1, g);
      else if (shown(k, false)) unanchored.push(k);
    }
  };

  for (const g of visible.filter((g) => g.target.gloss === null).sort(byAnchor)) {
    if (anchored(g)) place(g, sideOf(g.layer), 1, null);
    else if (shown(g, false)) unanchored.push(g);
  }
  return { placed, unanchored, columns, children };
}
