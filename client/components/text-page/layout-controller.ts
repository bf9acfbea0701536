import type { ReactiveController } from 'lit';
import type { Arrangement, Placed } from '../../layout/arrange.ts';
import { bandExtents } from '../../layout/columns.ts';
import { disputeSlots, giveWayInRows, readingsPerRow } from '../../layout/dispute-rows.ts';
import type { StackToggle, WayCard } from '../../layout/give-way.ts';
import { bandOfBlock, groupBy, rootOf } from '../../layout/groups.ts';
import { disputeHeadHeight } from '../card-styles.ts';
import { DafGlossCard } from '../daf-gloss-card.ts';
import { cardGap } from '../../layout/place-cards.ts';
import type { DafTextPage } from './daf-text-page.ts';
import { StackToggleButtons } from './stack-toggle-buttons.ts';

/** Widest viewport, in CSS pixels, at which the columns fold into the flow. */
export const narrowWidth = 900;

/**
 * How far below its words a card may stand before it waits behind its stack's toggle: half a
 * screen (450 px at 900 px tall), less room for the toggle (README, "The reader": the layout).
 */
export const reach = 400;

/** The height of a stack's toggle ("3 more on 1:6"), in CSS pixels; the styles give it this. */
export const toggleHeight = 28;

/** What a card not measured yet is taken to need, until it is. */
const estimatedHeight = 60;

/** The one column of a narrow screen, under each passage. */
const foldColumn = 'fold';

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
  /** The text's height without the room kept in it, when the passages were measured; and that room, as written. */
  private textNatural = 0;
  private roomWritten = 0;
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
  private blocks = new Map<number, { block: number; after: number }>();
  /** Whether the passages' ends are measured; where each ends, and the room written above it now. */
  private measured = false;
  private ends: number[] = [];
  private above: number[] = [];
  /** The room after each passage with glosses, in the text's order, and each one's index by position. */
  private foldEls: HTMLElement[] = [];
  private foldIndex = new Map<number, number>();
  /** The stacks shown whole, the toggles of the last layout, and the cards waiting behind them. */
  private readonly opened = new Set<string>();
  private readonly pinned = new Set<number>();
  private toggles: StackToggle[] = [];
  private waitingNow = new Set<number>();
  private readonly toggleButtons: StackToggleButtons;
  /** How many readings in dispute stand side by side in each column beside the text, and the slot last written on each card. */
  private perRow = new Map<string, number>();
  private slotted = new WeakMap<Element, string>();

  constructor(private readonly host: DafTextPage) {
    host.addController(this);
    this.toggleButtons = new StackToggleButtons(host, (key) => {
      const now = this.toggles.find((t) => t.key === key);
      if (now) this.openStack(now, !now.open);
    });
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

  /** Every placed gloss on the same passage as a gloss (its root's block), in reading order. */
  onSamePassage(id: number): Placed[] {
    const placed = this.host.arrangement.placed;
    const self = placed.find((p) => p.gloss.id === id);
    if (!self) return [];
    const block = this.blockOf(self);
    return placed.filter((p) => this.blockOf(p) === block);
  }

  /** The index of the text's block where a placed gloss's root is anchored. */
  private blockOf(p: Placed): number {
    return this.rootPlace(p).block;
  }

  /** The position just after the block where a placed gloss's root is anchored (where the room after its passage is). */
  private rootAfter(p: Placed): number {
    return this.rootPlace(p).after;
  }

  /** Where a placed gloss's root is anchored: its block's index and the position after it (kept per arrangement). */
  private rootPlace(p: Placed): { block: number; after: number } {
    const host = this.host;
    if (this.blocksFor !== host.arrangement) {
      this.blocksFor = host.arrangement;
      this.blocks = new Map();
    }
    let place = this.blocks.get(p.gloss.id);
    if (place === undefined) {
      const start = rootOf(p.gloss, (id) => host.glossById(id)).anchor?.start;
      const projection = host.projection;
      if (start === null || start === undefined || !projection) place = { block: 0, after: -1 };
      else {
        const $pos = projection.doc.resolve(projection.posAt(start));
        place = { block: $pos.index(0), after: $pos.after(1) };
      }
      this.blocks.set(p.gloss.id, place);
    }
    return place;
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
    this.measured = false;
    // Waiting cards are measured too: they are shown until the next layout.
    for (const card of this.host.renderRoot.querySelectorAll('daf-gloss-card.waiting')) card.classList.remove('waiting');
    this.waitingNow = new Set();
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
      } else if (this.measured && Math.abs(entry.contentRect.height - this.roomWritten - this.textNatural) >= 0.5) {
        // The text itself grew or shrank (a font came, say): where its passages are is measured again.
        this.measured = false;
        this.anchors.clear();
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
   * Lays the page out (README, "The reader": the layout): every shown card level with its words,
   * the text giving way after a passage whose commentary needs more room than it has, and cards
   * that would stand too far below their words waiting behind their stack's toggle — on a narrow
   * screen, every passage's cards folded under it behind "N glosses". Sizes are measured once,
   * all before anything moves, and kept until something changes them, so a layer toggle only
   * places the cards again.
   */
  layout() {
    const host = this.host;
    if (!host.view) return;
    const narrow = host.narrow;
    const placed = host.arrangement.placed;
    const shown = placed.filter((p) => host.visibility.shown(p));
    if (!this.measured) this.placeDisputes();
    this.measure(shown, placed);
    const ends = this.ends;
    const cards: WayCard[] = [];
    const shownCards: WayCard[] = [];
    // A card not measured yet (its layer hidden) is taken to be as tall as the measured ones are on average.
    let sum = 0;
    for (const h of this.heights.values()) sum += h;
    const typical = this.heights.size ? sum / this.heights.size : estimatedHeight;
    placed.forEach((p, order) => {
      const id = p.gloss.id;
      const passage = this.passageOf(p);
      if (passage === undefined || !this.placedCards.has(id)) return;
      const anchor = narrow ? ends[passage] + cardGap : this.anchors.get(id);
      if (anchor === undefined) return;
      const height = this.heights.get(id) ?? typical;
      const column = narrow ? foldColumn : `${p.side}-${p.depth}`;
      const card = { id, passage, column, depth: narrow ? 1 : p.depth, parent: narrow ? null : (p.parent?.id ?? null), anchor, height, order };
      cards.push(card);
      if (host.visibility.shown(p)) shownCards.push(card);
    });
    const options = { reach: narrow ? -1 : reach, toggleHeight, opened: this.opened, pinned: this.pinned, perRow: (column: string) => this.perRow.get(column) ?? 1, head: disputeHeadHeight };
    // Readings in dispute stand together, side by side (docs/deliberation.md §5).
    const disputes = host.disputes.map((d) => d.ids);
    // The text gives way for every layer, shown or hidden: hiding one moves no text, only the
    // cards below it in its columns (README, "The reader": the layout).
    const { rooms } = giveWayInRows(ends, cards, disputes, options);
    const way = giveWayInRows(ends, shownCards, disputes, { ...options, rooms });
    this.toggles = way.toggles;
    // Writes only, after every read.
    this.writeWaiting(way.waiting);
    if (narrow) this.writeFolded(way.tops);
    else this.writeTops(way.tops);
    this.toggleButtons.write(way.toggles);
    let above = 0;
    this.foldEls.forEach((fold, i) => {
      // The room now above each passage: a word measured later is taken back to where it would be without it.
      this.above[i] = above;
      const room = way.rooms[i] ?? 0;
      above += room;
      const was = Number(this.written.get(fold) ?? 0);
      if (was === room) return;
      this.roomWritten += room - was;
      this.written.set(fold, room);
      fold.style.blockSize = `${room}px`;
    });
    if (!narrow) {
      for (const column of host.renderRoot.querySelectorAll<HTMLElement>('.column[data-side]')) {
        column.style.minBlockSize = `${way.bottoms.get(`${column.dataset.side}-${column.dataset.depth}`) ?? 0}px`;
      }
      this.sizeWhenIdle();
    }
    // The link is followed once, and again while it names a gloss the page did not have.
    if (!this.hashFollowed || host.navigation.waiting) {
      this.hashFollowed = true;
      host.navigation.followHash();
    }
    host.setAttribute('data-laid-out', '');
    host.dispatchEvent(new CustomEvent('daf-laid-out', { bubbles: true, composed: true }));
  }

  /** Is this gloss's card waiting behind its stack's toggle? */
  isWaiting(id: number): boolean {
    return this.waitingNow.has(id);
  }

  /**
   * Shows a waiting card (a link or a click on its words asked for it): it stands before its
   * stack's toggle, with the card it comments on if that waits too, and the page is laid out at
   * once, so that it can be focused and scrolled to in the same task.
   */
  reveal(id: number) {
    if (!this.waitingNow.has(id)) return;
    for (let at: number | null | undefined = id; at != null && this.waitingNow.has(at); at = this.host.glossById(at)?.target.gloss) {
      this.pinned.add(at);
      this.placedCards.get(at)?.classList.remove('waiting');
      this.waitingNow.delete(at);
      this.heights.delete(at);
    }
    this.layout();
  }

  /** Opens or closes a stack's waiting cards, in place. */
  private openStack(toggle: StackToggle, open: boolean) {
    if (open) this.opened.add(toggle.key);
    else this.opened.delete(toggle.key);
    if (open) {
      // Shown now, and measured as they are.
      for (const id of toggle.ids) {
        this.placedCards.get(id)?.classList.remove('waiting');
        this.waitingNow.delete(id);
        this.heights.delete(id);
      }
    }
    this.layout();
  }

  /**
   * Puts each reading in dispute in its slot (`--slot`, `--slots`), as many to a row as its
   * column has room for (one on a narrow screen), before the cards are measured: a card's width
   * sets its height. Reads the columns' widths, then writes only what changed.
   */
  private placeDisputes() {
    const { host } = this;
    this.perRow = new Map();
    if (!host.narrow) for (const c of host.renderRoot.querySelectorAll<HTMLElement>('.column[data-depth="1"]')) this.perRow.set(`${c.dataset.side}-1`, readingsPerRow(c.clientWidth));
    const slots = new Map(host.disputes.flatMap((d) => [...disputeSlots([d.ids], this.perRow.get(`${host.disputeSides.get(d)}-1`) ?? 1)]));
    for (const [id, card] of this.placedCards) {
      const slot = slots.get(id);
      const value = slot ? `${slot.slot} ${slot.slots}` : '';
      if ((this.slotted.get(card) ?? '') === value) continue;
      this.slotted.set(card, value);
      this.heights.delete(id);
      if (!slot) for (const name of ['--slot', '--slots']) card.style.removeProperty(name);
      else {
        card.style.setProperty('--slot', String(slot.slot));
        card.style.setProperty('--slots', String(slot.slots));
      }
    }
  }

  /** Hides the cards that wait, and shows those that no longer do. */
  private writeWaiting(waiting: Set<number>) {
    for (const id of this.waitingNow) if (!waiting.has(id)) this.placedCards.get(id)?.classList.remove('waiting');
    for (const id of waiting) if (!this.waitingNow.has(id)) this.placedCards.get(id)?.classList.add('waiting');
    this.waitingNow = waiting;
  }

  /** The cards of a narrow screen, from the top of the page. */
  private writeFolded(tops: Map<number, number>) {
    for (const [id, y] of tops) {
      const card = this.placedCards.get(id)!;
      if (this.written.get(card) === y) continue;
      this.written.set(card, y);
      card.style.insetBlockStart = `${y}px`;
    }
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
   * Measures what is not known yet: where each passage ends (the top of the room after it), each
   * shown card's height, and its anchor — for a gloss on the text, the top of its words; for a
   * gloss on a gloss, the top of its marked span from the top of the card it is on. Positions in
   * the text are taken as if no room were kept anywhere (the room written above is taken off),
   * from the top of the text (on a narrow screen, of the page, where the folded cards lie).
   * Reads only.
   */
  private measure(shown: Placed[], placed: readonly Placed[]) {
    const { view, projection, narrow } = this.host;
    if (!view || !projection) return;
    const missing = shown.filter((p) => !this.heights.has(p.gloss.id) || (!narrow && !this.anchors.has(p.gloss.id)));
    // The words of a hidden layer's glosses on the text are measured too (their marks stay in the
    // text), so the room after each passage counts them from the first layout: showing the layer
    // later then moves no text. Their cards are taken at a folded card's height until shown.
    if (!narrow) {
      const listed = new Set(missing);
      for (const p of placed) if (!p.parent && !this.anchors.has(p.gloss.id) && !listed.has(p)) missing.push(p);
    }
    if (this.measured && !missing.length) return;
    // The resize observer's first report of the text is then no news, and measures nothing again.
    const textBox = this.measured ? null : view.dom.parentElement!.getBoundingClientRect();
    const originEl = narrow ? this.host.renderRoot.querySelector<HTMLElement>('.page')! : view.dom;
    const origin = originEl.getBoundingClientRect().top;
    if (!this.measured) {
      this.measured = true;
      this.foldEls = [...view.dom.querySelectorAll<HTMLElement>('.fold')];
      this.above = [];
      let above = 0;
      this.ends = this.foldEls.map((fold) => {
        this.above.push(above);
        const top = fold.getBoundingClientRect().top - origin - above;
        above += Number(this.written.get(fold) ?? 0);
        return top;
      });
      this.roomWritten = above;
      this.textWidth = textBox!.width;
      this.textNatural = textBox!.height - above;
      this.foldIndex = new Map(this.foldEls.map((fold, i) => [view.editor.posAtDOM(fold, 0), i]));
    }
    const cards = this.placedCards;
    let textMarks: Map<number, Element> | null = null;
    for (const p of missing) {
      const { gloss, parent } = p;
      const card = cards.get(gloss.id);
      if (!card) continue;
      // A card hidden with its layer is not laid out: not measured until it is shown.
      if (!card.classList.contains('waiting') && this.host.visibility.shown(p)) this.heights.set(gloss.id, card.offsetHeight);
      if (narrow) continue;
      if (parent) {
        const host = cards.get(parent.id);
        const mark = host?.querySelector(`[data-gloss~="${gloss.id}"]`);
        if (host && mark && !host.classList.contains('waiting')) this.anchors.set(gloss.id, mark.getBoundingClientRect().top - host.getBoundingClientRect().top);
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
      const passage = this.passageOf(p);
      this.anchors.set(gloss.id, top - origin - (passage === undefined ? 0 : (this.above[passage] ?? 0)));
    }
  }

  /** The passage (an index into the rooms after passages) that a placed gloss's root belongs to. */
  private passageOf(p: Placed): number | undefined {
    return this.foldIndex.get(this.rootAfter(p));
  }
}
