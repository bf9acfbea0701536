/**
 * How the text page gathers its cards: by the layers they hang on, by band of the text, by the
 * passage they fold under. Pure, so it is tested without a browser.
 */
import type { Gloss } from '../api.ts';
import type { Placed } from './arrange.ts';

/** How many blocks of the text the cards of one band hang on (see the layout controller's `bands`). */
export const bandBlocks = 100;

/** A gloss by its id, or null (the text itself, or a gloss not read). */
export type GlossLookup = (id: number | null) => Gloss | null;

/**
 * The items under each key, keys in order of first appearance and items in their order; an
 * item whose key is undefined is left out.
 */
export function groupBy<T, K>(items: Iterable<T>, key: (item: T) => K | undefined): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** The layers of a placed gloss and of every gloss above it, its own first. */
export function layersAbove(p: Placed, glossById: GlossLookup): string[] {
  const layers = [p.gloss.layer];
  for (let parent = p.parent; parent; parent = glossById(parent.target.gloss)) layers.push(parent.layer);
  return layers;
}

/** The gloss on the text that a gloss hangs on, through every gloss between (itself if on the text). */
export function rootOf(gloss: Gloss, glossById: GlossLookup): Gloss {
  let root = gloss;
  for (let up = glossById(root.target.gloss); up; up = glossById(up.target.gloss)) root = up;
  return root;
}

/** The band of a card whose root hangs on the text's block `block`. */
export function bandOfBlock(block: number): number {
  return Math.floor(block / bandBlocks);
}
