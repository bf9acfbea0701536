import type { ReactiveController } from 'lit';
import type { Arrangement, Placed } from '../../layout/arrange.ts';
import { bandExtents, stackColumns } from '../../layout/columns.ts';
import { foldCards } from '../../layout/fold.ts';
import { bandOfBlock, groupBy, rootOf } from '../../layout/groups.ts';
import { DafGlossCard } from '../daf-gloss-card.ts';
import type { DafTextPage } from './daf-text-page.ts';

/** Widest viewport, in CSS pixels, at which the columns fold into the flow. */
export const narrowWidth = 900;

/**
 * Where the cards go: level with their anchors in the columns beside the text, or folded under
 * their passages on a narrow screen. Measures once, keeps the measures until something moves
 * them (a resize of the window, the text or a card), and writes only what moved.
 */
export class LayoutController implements ReactiveController {
  /** The placed cards by gloss, and their bands, found again after each render that may have changed them (not after a toggle). */
  readonly placedCards = new Map<number, DafGlossCard>();
  private readonly bandOf = new Map<number, HTMLElement>();
  /** Card heights and anchor positions, measured once and kept until something moves them. */
  private readonly heights = new Map<number, number>();
  private readonly anchors = new Map<number, number>();
  /** The text's width when the measures were taken. */
  private textWidth = 0;
  /** The top last written on each card (and fold), and the box on each band, to write only what moved. */
  private written = new WeakMap<Element, number | string>();
  private layoutFrame = 0;
  private hashFollowed = false;
  // One observer for the text and every card: a ResizeController would update the whole page
  // on each report, where a card that grows only needs the columns placed again.
  private observed = new WeakSet<Element>();
  private readonly resizeObserver = new ResizeObserver((entries) => this.onSizes(entries));
  private unsized = new Set<HTMLElement>();
  private sizing = 0;
  private blocksFor: Arrangement | null = null;
  private blocks = new Map<number, number>();

  constructor(private readonly host: DafTextPage) {
    host.addController(this);
  }

  hostConnected() {
    window.addEventListener('resize', this.onResize);
  }

  hostDisconnected() {
    window.removeEventListener('resize', this.onResize);
    this.resizeObserver.disconnect();
    cancelAnimationFrame(this.layoutFrame);
    this.unsized.clear();
  }

  /** Is the window narrow enough to fold the columns? */
  static isNarrow(): boolean {
    return window.innerWidth < narrowWidth;
  }

  private onResize = () => {
    this.host.narrow = LayoutController.isNarrow();
    this.forgetMeasures();
    this.schedule();
  };

  /** Watches the text's width: measures are taken anew when it changes. */
  observeText(mount: HTMLElement) {
    this.resizeObserver.observe(mount);
  }

  /** Finds the rendered cards and their bands again, and watches the new cards' sizes. */
  collectCards() {
    this.placedCards.clear();
    this.bandOf.clear();
    for (const card of this.host.renderRoot.querySelectorAll<DafGlossCard>('daf-gloss-card')) {
      if (!this.observed.has(card)) {
        this.observed.add(card);
        this.resizeObserver.observe(card);
      }
      if (!card.closest('.group')) continue;
      this.placedCards.set(card.gloss.id, card);
      if (card.parentElement!.classList.contains('band')) this.bandOf.set(card.gloss.id, card.parentElement!);
    }
  }

  /**
   * A group's cards in bands by the passage they hang on (every `bandBlocks` blocks of the text),
   * in reading order. A band is a box from its first card's top to its last card's bottom, and
   * the browser skips a band off screen whole (see `sizeWhenIdle`): hiding or showing a group,
   * or moving its cards, then restyles and repaints only the bands in view. A card keeps its
   * band, and so its element and state, while its passage does.
   */
  bands(cards: Placed[]): Map<number, Placed[]> {
    return groupBy(cards, (p) => bandOfBlock(this.blockOf(p)));
  }

  /** The index of the text's block where a placed gloss's root is anchored (kept per arrangement). */
  private blockOf(p: Placed): number {
    const host = this.host;
    if (this.blocksFor !== host.arrangement) {
      this.blocksFor = host.arrangement;
      this.blocks = new Map();
    }
    let block = this.blocks.get(p.gloss.id);
    if (block === undefined) {
      const start = rootOf(p.gloss, (id) => host.glossById(id)).anchor?.start;
      const projection = host.projection;
      block = start === null || start === undefined || !projection ? 0 : projection.doc.resolve(projection.posAt(start)).index(0);
      this.blocks.set(p.gloss.id, block);
    }
    return block;
  }

  /**
   * Lets measured bands of cards be skipped while off screen (`.band.sized`), a batch at a time
   * when the page is idle, so that turning it on does not delay the page's first paint.
   */
  private sizeWhenIdle() {
    if (this.sizing || !this.unsized.size) return;
    // Safari has no requestIdleCallback before 18.
    const idle = (window as { requestIdleCallback?: typeof requestIdleCallback }).requestIdleCallback?.bind(window);
    const later = (run: () => void): number => (idle ? idle(run, { timeout: 250 }) : window.setTimeout(run, 50));
    this.sizing = later(() => {
      this.sizing = 0;
      let batch = 100;
      for (const band of this.unsized) {
        if (batch-- === 0) break;
        this.unsized.delete(band);
        if (band.isConnected) band.classList.add('sized');
      }
      this.sizeWhenIdle();
    });
  }

  /** Forgets every measure: the text, its width or the glosses changed. */
  forgetMeasures() {
    this.heights.clear();
    this.anchors.clear();
    this.unsized.clear();
    // Measuring needs every card rendered whole: off-screen bands stop being skipped until then.
    for (const band of this.host.renderRoot.querySelectorAll<HTMLElement>('.band.sized')) band.classList.remove('sized');
  }

  /** A card changed size (a thread opened, a reply came): measure it, and what is marked in it, again. */
  private onSizes(entries: ResizeObserverEntry[]) {
    // Cards of a layer being hidden or shown report sizes too; only a real change lays out again.
    let changed = false;
    for (const entry of entries) {
      const el = entry.target;
      if (el instanceof DafGlossCard) {
        if (el.dataset.layers?.split(' ').some((l) => this.host.hiddenLayers.has(l))) continue; // hidden, not resized
        const height = entry.borderBoxSize[0]?.blockSize ?? 0;
        if (height === 0 || Math.abs(height - (this.heights.get(el.gloss.id) ?? -1)) < 0.5) continue;
        this.heights.delete(el.gloss.id);
        for (const kid of this.host.arrangement.children.get(el.gloss.id) ?? []) this.anchors.delete(kid.id);
        changed = true;
      } else if (Math.abs(entry.contentRect.width - this.textWidth) >= 0.5) {
        this.textWidth = entry.contentRect.width;
        this.forgetMeasures();
        changed = true;
      }
    }
    if (changed) this.schedule();
  }

  /** Lays the columns out once per frame, however many things asked for it. */
  schedule() {
    if (this.layoutFrame) return;
    this.layoutFrame = requestAnimationFrame(() => {
      this.layoutFrame = 0;
      this.layout();
    });
  }

  /**
   * Places every shown card level with its anchor, pushed down on collision: first the columns
   * beside the text (anchors in the text), then each column further out (anchors in the cards of
   * the column before). Sizes are measured once, all before any card moves, and kept until
   * something changes them, so a layer toggle only re-places cards.
   */
  layout() {
    const host = this.host;
    if (!host.view) return;
    if (host.narrow) this.layoutFolded();
    else {
      const shown = host.arrangement.placed.filter((p) => host.visibility.shown(p));
      this.measure(shown);
      const { tops, bottoms } = stackColumns(shown, host.arrangement.columns, this.anchors, this.heights);
      // Writes only, after every read.
      this.writeTops(tops);
      for (const column of host.renderRoot.querySelectorAll<HTMLElement>('.column[data-side]')) {
        column.style.minBlockSize = `${bottoms.get(`${column.dataset.side}-${column.dataset.depth}`) ?? 0}px`;
      }
      this.sizeWhenIdle();
    }
    if (!this.hashFollowed) {
      this.hashFollowed = true;
      host.navigation.followHash();
    }
    host.setAttribute('data-laid-out', '');
    host.dispatchEvent(new CustomEvent('daf-laid-out', { bubbles: true, composed: true }));
  }

  /**
   * The folded layout of a narrow screen: the cards of each passage lie one under another in the
   * room kept for them under it (a widget in the text), glosses on a gloss under their gloss.
   * All positions are read first; the room below a passage moves every later passage down by
   * what was added above it, which is computed rather than measured again.
   */
  private layoutFolded() {
    const host = this.host;
    const view = host.view!.editor;
    const projection = host.projection!;
    const page = host.renderRoot.querySelector<HTMLElement>('.page')!;
    const shown = host.arrangement.placed.filter((p) => host.visibility.shown(p));
    const cards = this.placedCards;
    // Reads.
    const origin = page.getBoundingClientRect().top;
    const folds = [...view.dom.querySelectorAll<HTMLElement>('.fold')];
    let above = 0;
    const natural = folds.map((fold) => {
      const top = fold.getBoundingClientRect().top - origin - above;
      above += Number(this.written.get(fold) ?? 0);
      return top;
    });
    for (const p of shown) if (!this.heights.has(p.gloss.id)) this.heights.set(p.gloss.id, cards.get(p.gloss.id)?.offsetHeight ?? 0);
    // Which fold each card goes in: the one after its passage's block, in the text's order.
    const foldAt = new Map(folds.map((fold, i) => [view.posAtDOM(fold, 0), i]));
    const byFold = groupBy(shown, (p) => foldAt.get(view.state.doc.resolve(projection.posAt(rootOf(p.gloss, (id) => host.glossById(id)).anchor!.start!)).after(1)));
    const inFolds = new Map([...byFold].map(([i, inFold]) => [i, inFold.map((p) => p.gloss.id).filter((id) => cards.has(id))]));
    const { tops, rooms } = foldCards(natural, inFolds, this.heights);
    // Writes.
    for (const [id, y] of tops) {
      const card = cards.get(id)!;
      if (this.written.get(card) !== y) {
        this.written.set(card, y);
        card.style.insetBlockStart = `${y}px`;
      }
    }
    folds.forEach((fold, i) => {
      if (this.written.get(fold) !== rooms[i]) {
        this.written.set(fold, rooms[i]);
        fold.style.blockSize = `${rooms[i]}px`;
      }
    });
  }

  /**
   * Moves the cards to their tops in the column. A band spans its cards (with room for a focus
   * ring), and its cards' tops are written from its own; only what moved is written.
   */
  private writeTops(tops: Map<number, number>) {
    const extents = bandExtents(tops, (id) => this.bandOf.get(id), this.heights);
    for (const [band, extent] of extents) {
      const box = `${extent.top} ${extent.bottom}`;
      if (this.written.get(band) !== box) {
        this.written.set(band, box);
        band.style.insetBlockStart = `${extent.top}px`;
        band.style.blockSize = `${extent.bottom - extent.top}px`;
      }
      if (!band.classList.contains('sized')) this.unsized.add(band);
    }
    for (const [id, top] of tops) {
      const card = this.placedCards.get(id);
      const band = this.bandOf.get(id);
      if (!card) continue;
      const from = band ? top - extents.get(band)!.top : top;
      if (this.written.get(card) === from) continue;
      this.written.set(card, from);
      card.style.insetBlockStart = `${from}px`;
    }
  }

  /**
   * Measures what is not known yet of the shown cards: each card's height, and its anchor —
   * for a gloss on the text, the top of its passage from the top of the text; for a gloss on a
   * gloss, the top of its marked span from the top of the card it is on. Reads only.
   */
  private measure(shown: Placed[]) {
    const { view, projection } = this.host;
    const missing = shown.filter((p) => !this.heights.has(p.gloss.id) || !this.anchors.has(p.gloss.id));
    if (!missing.length || !view || !projection) return;
    // The resize observer's first report of the text is then no news, and measures nothing again.
    if (!this.heights.size) this.textWidth = view.dom.parentElement!.getBoundingClientRect().width;
    const cards = this.placedCards;
    const origin = view.dom.getBoundingClientRect().top;
    let textMarks: Map<number, Element> | null = null;
    for (const { gloss, parent } of missing) {
      const card = cards.get(gloss.id);
      if (!card) continue;
      this.heights.set(gloss.id, card.offsetHeight);
      if (parent) {
        const host = cards.get(parent.id);
        const mark = host?.querySelector(`[data-gloss~="${gloss.id}"]`);
        if (host && mark) this.anchors.set(gloss.id, mark.getBoundingClientRect().top - host.getBoundingClientRect().top);
        continue;
      }
      if (!textMarks) {
        textMarks = new Map();
        for (const el of view.dom.querySelectorAll('[data-gloss]')) {
          for (const id of el.getAttribute('data-gloss')!.split(' ').map(Number)) if (!textMarks.has(id)) textMarks.set(id, el);
        }
      }
      const mark = textMarks.get(gloss.id);
      const top = mark ? mark.getBoundingClientRect().top : view.editor.coordsAtPos(projection.posAt(gloss.anchor!.start!)).top;
      this.anchors.set(gloss.id, top - origin);
    }
  }
}
