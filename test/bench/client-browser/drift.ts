/**
 * How far the reader's cards stand from the words they explain (README, "Benchmarks":
 * `drift_p95_px`), read from the page as a person would see it: for every card, the distance
 * from its top to the top of the first mark of its gloss (in the text, or in the card of the gloss
 * it comments on). Runs in the page (`page.evaluate(measureDrift)`): self-contained, no imports.
 */

/** What `measureDrift` finds. */
export interface Drift {
  /** Cards with a mark to measure against, and their distances in CSS pixels, ascending. */
  distances: number[];
  /** Cards whose gloss has no mark on the page (a whole-passage gloss, or a mark another covers). */
  unmarked: number;
  /** Cards waiting behind their stack's toggle ("3 more on 1:1"), not shown until it is opened. */
  waiting: number;
  /** The page's scroll height, and the text's own height (without the room the layout keeps after passages). */
  pageHeight: number;
  textHeight: number;
}

export function measureDrift(): Drift {
  // The page sits in the app's shadow root. (No inner named functions: tsx would wrap them in a
  // helper the browser does not have.)
  let host: Element | null = null;
  const roots: (Document | ShadowRoot)[] = [document];
  while (!host && roots.length) {
    const from = roots.shift()!;
    host = from.querySelector('daf-text-page');
    for (const el of from.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  }
  const root = host?.shadowRoot;
  if (!root) throw new Error('no daf-text-page on this page');
  const text = root.querySelector<HTMLElement>('.ProseMirror');
  const firstMark = new Map<number, Element>();
  for (const el of root.querySelectorAll('[data-gloss]')) {
    for (const id of (el.getAttribute('data-gloss') ?? '').split(/\s+/)) {
      const n = Number(id);
      if (n && !firstMark.has(n)) firstMark.set(n, el);
    }
  }
  const distances: number[] = [];
  let unmarked = 0;
  let waiting = 0;
  for (const card of root.querySelectorAll<HTMLElement>('daf-gloss-card[data-id]')) {
    if (card.classList.contains('waiting')) waiting++;
    if (card.getClientRects().length === 0) continue; // hidden with its layer, or waiting
    const mark = firstMark.get(Number(card.dataset.id));
    if (!mark) {
      unmarked++;
      continue;
    }
    distances.push(Math.abs(card.getBoundingClientRect().top - mark.getBoundingClientRect().top));
  }
  distances.sort((a, b) => a - b);
  let room = 0;
  for (const fold of root.querySelectorAll<HTMLElement>('.ProseMirror .fold')) room += fold.getBoundingClientRect().height;
  const textHeight = (text?.getBoundingClientRect().height ?? 0) - room;
  return { distances, unmarked, waiting, pageHeight: document.documentElement.scrollHeight, textHeight };
}

/** The q-quantile of ascending `values` (nearest rank). */
export function quantileOf(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  return values[Math.min(values.length - 1, Math.max(0, Math.ceil(q * values.length) - 1))];
}
