/**
 * Where glosses overlap in the text, the page marks each piece of text once per layer, naming
 * every gloss of that layer on it (README, "The reader": markers). These are the pieces.
 */

/** A gloss's span of the text (ProseMirror positions). */
export interface MarkSpan {
  id: number;
  from: number;
  to: number;
}

/** A piece of text and the glosses on it, the innermost (shortest span) first. */
export interface MarkPiece {
  from: number;
  to: number;
  ids: number[];
}

/**
 * Cuts overlapping spans into pieces, each covered by the same glosses throughout; adjacent
 * pieces covered by the same glosses are one. Empty spans mark nothing.
 */
export function markPieces(spans: readonly MarkSpan[]): MarkPiece[] {
  const live = spans.filter((s) => s.to > s.from);
  if (live.length === 0) return [];
  const length = new Map(live.map((s) => [s.id, s.to - s.from]));
  const order = (a: number, b: number) => length.get(a)! - length.get(b)! || a - b;
  const bounds = [...new Set(live.flatMap((s) => [s.from, s.to]))].sort((a, b) => a - b);
  const starts = [...live].sort((a, b) => a.from - b.from);
  const active = new Set<MarkSpan>();
  const pieces: MarkPiece[] = [];
  let next = 0;
  for (let i = 0; i < bounds.length - 1; i++) {
    const [from, to] = [bounds[i], bounds[i + 1]];
    for (const s of active) if (s.to <= from) active.delete(s);
    while (next < starts.length && starts[next].from <= from) {
      if (starts[next].to > from) active.add(starts[next]);
      next++;
    }
    if (active.size === 0) continue;
    const ids = [...active].map((s) => s.id).sort(order);
    const last = pieces[pieces.length - 1];
    if (last && last.to === from && last.ids.length === ids.length && last.ids.every((id, k) => id === ids[k])) last.to = to;
    else pieces.push({ from, to, ids });
  }
  return pieces;
}
