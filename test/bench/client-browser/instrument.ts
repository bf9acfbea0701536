/**
 * The client benchmark's probe, injected into every page it opens before the page's own scripts
 * (bundled by esbuild at bench time as a classic script; client-render.ts calls `install` with
 * what the page must show). Times are `performance.now()`: milliseconds from the navigation's
 * start, read in the page, so neither the benchmark's process nor the DevTools protocol adds to
 * them. "Painted" means the next frame after the moment: an animation frame, then a task after it
 * (so when the moment is itself inside an animation frame, as a layout deferred to one is, this
 * counts up to one frame, about 17 ms, past the paint).
 */

/**
 * Highlighted glosses (distinct `data-gloss` of `.gloss-mark`) and placed cards (inside a
 * `.group` of a `.column`, with a `data-id`, moved to their place by `inset-block-start`) on a page.
 */
export interface Placed {
  marks: number;
  cards: number;
}

/** When a page was first fully laid out, in milliseconds from its navigation's start. */
export interface LaidOut extends Placed {
  /** The last of the API responses (text, layers, glosses) fully received. */
  dataMs: number;
  /** The `daf-laid-out` event at which every highlight and card was in place. */
  laidOutMs: number;
  /** The next frame after it, painted. */
  paintedMs: number;
}

/** One click on a layer's checkbox, timed until the `daf-laid-out` event after it and the next frame. */
export interface Toggle extends Placed {
  ms: number;
  /** The checkbox's label, e.g. "Notes (667)". */
  label: string;
}

export interface Probe {
  /** Resolves at the first `daf-laid-out` event with everything expected in place, once painted. */
  done: Promise<LaidOut>;
  /** Clicks the `index`th layer checkbox of the laid-out page. */
  toggle(index: number): Promise<Toggle>;
  /** How many `daf-laid-out` events came before everything expected was in place, and what the last one found. */
  seen: { events: number; last: Placed | null };
}

declare global {
  interface Window {
    __dafBench?: Probe;
  }
}

/**
 * The glosses highlighted and the cards placed. With `seen`, only what a reader can see: the
 * reader hides a layer with a style sheet, so its marks and cards stay in the DOM (checking
 * styles costs time, so the timed load does not ask for it).
 */
function count(root: ParentNode, seen = false): Placed {
  const ids = new Set<string | null>();
  for (const mark of root.querySelectorAll('.gloss-mark')) {
    if (!seen || getComputedStyle(mark).backgroundColor !== 'rgba(0, 0, 0, 0)') ids.add(mark.getAttribute('data-gloss'));
  }
  let cards = 0;
  for (const card of root.querySelectorAll<HTMLElement>('.group [data-id]')) if (card.style.insetBlockStart && (!seen || card.checkVisibility({ visibilityProperty: true }))) cards++;
  return { marks: ids.size, cards };
}

function afterPaint(): Promise<void> {
  return new Promise((resolve) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    }),
  );
}

/** When the last response of the text, its layers or its glosses ended. */
function dataMs(): number {
  const api = /\/api\/texts\/[^/]+(\/glosses|\/layers)?$/;
  const ends = performance
    .getEntriesByType('resource')
    .filter((e) => api.test(new URL(e.name).pathname))
    .map((e) => (e as PerformanceResourceTiming).responseEnd);
  return Math.max(0, ...ends);
}

function nextLaidOut(): Promise<void> {
  return new Promise((resolve) => window.addEventListener('daf-laid-out', () => resolve(), { once: true, capture: true }));
}

/** Installs the probe as `window.__dafBench`, waiting for `expected` highlights and cards. */
export function install(expected: Placed): void {
  let host: HTMLElement | null = null;
  let found: (laidOut: LaidOut) => void = () => {};
  const seen: Probe['seen'] = { events: 0, last: null };
  const onLaidOut = (event: Event): void => {
    const laidOutMs = performance.now();
    const target = event.composedPath()[0] as HTMLElement;
    const placed = count(target.shadowRoot ?? document);
    seen.events++;
    seen.last = placed;
    if (placed.marks < expected.marks || placed.cards < expected.cards) return;
    window.removeEventListener('daf-laid-out', onLaidOut, true);
    host = target;
    void afterPaint().then(() => found({ ...placed, dataMs: dataMs(), laidOutMs, paintedMs: performance.now() }));
  };
  window.addEventListener('daf-laid-out', onLaidOut, true);
  window.__dafBench = {
    seen,
    done: new Promise((resolve) => (found = resolve)),
    async toggle(index) {
      const root = host!.shadowRoot!;
      const input = root.querySelectorAll<HTMLInputElement>('.layers label input[type=checkbox]')[index];
      const laidOut = nextLaidOut();
      const start = performance.now();
      input.click();
      await laidOut;
      await afterPaint();
      const ms = performance.now() - start;
      return { ms, label: input.closest('label')!.textContent!.replace(/\s+/g, ' ').trim(), ...count(root, true) };
    },
  };
}
