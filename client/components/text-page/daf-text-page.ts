import { LitElement, html, css, nothing, type PropertyValues } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import { EditorState, Plugin, TextSelection } from 'prosemirror-state';
import { Decoration, DecorationSet, EditorView } from 'prosemirror-view';
import { textSchema } from '../../../schema/document.ts';
import { Projection } from '../../../schema/projection.ts';
import { api, failureMessage, type Gloss, type GlossTarget, type Layer, type TextVersion } from '../../api.ts';
import { classSelector, cssColor } from '../../layer-style.ts';
import { arrange, type Arrangement, type Placed, type Side } from '../../layout/arrange.ts';
import { bodyOffset, type BodyHighlight } from '../../layout/gloss-body.ts';
import { cardGap, placeCards } from '../../layout/place-cards.ts';
import { SessionController } from '../../session.ts';
import type { ComposerPost } from '../daf-composer.ts';
import { cardStyles, DafGlossCard } from '../daf-gloss-card.ts';

/** The highlights of a gloss nobody has glossed: one shared array, so its card need not re-render. */
const noHighlights: BodyHighlight[] = [];

/**
 * The new list, with each item that has not changed replaced by the old object, so that Lit
 * leaves its card alone.
 */
function keepUnchanged<T extends { slug?: string; id?: number }>(old: T[], next: T[]): T[] {
  const before = new Map(old.map((item) => [item.id ?? item.slug, item]));
  const json = new Map<T, string>();
  const same = (a: T, b: T) => {
    if (!json.has(a)) json.set(a, JSON.stringify(a));
    return json.get(a) === JSON.stringify(b);
  };
  return next.map((item) => {
    const previous = before.get(item.id ?? item.slug);
    return previous && same(previous, item) ? previous : item;
  });
}

/** Widest viewport, in CSS pixels, at which the columns fold into the flow. */
const narrowWidth = 900;

/** How many blocks of the text the cards of one band hang on (see `bands`). */
const bandBlocks = 100;
/** Room a band keeps around its cards, for their focus rings (a band off screen clips its paint). */
const bandMargin = 4;

/** A selected passage waiting for the reader's choice, and where its popover goes. */
interface PendingSelection {
  target: GlossTarget;
  quote: string;
  x: number;
  y: number;
}

/**
 * A text with its commentary: the central text in a ProseMirror view, glosses highlighted in it
 * by decorations coloured by layer, and gloss cards in columns on both sides, each level with
 * its anchor and pushed down where they would collide; glosses on a gloss sit one column
 * further out, level with their span in it. Layers alternate between the inline-start and
 * inline-end sides, so a right-to-left text mirrors them. Selecting a passage of the text or of
 * a gloss opens a popover to write a gloss on it.
 */
export class DafTextPage extends LitElement {
  static override styles = [
    cardStyles,
    css`
    :host {
      display: block;
      position: relative;
      padding: 1rem 1.5rem 4rem;
    }
    h1 {
      font-weight: 500;
      text-align: center;
      margin: 0.5rem 0 0.25rem;
    }
    .credit {
      text-align: center;
      color: var(--daf-muted);
      font-size: 0.85rem;
      margin: 0 0 1rem;
    }
    .layers {
      display: flex;
      flex-wrap: wrap;
      justify-content: center;
      gap: 0.5rem 1rem;
      margin-block-end: 1.5rem;
    }
    .layers label {
      display: inline-flex;
      align-items: center;
      gap: 0.35rem;
      cursor: pointer;
    }
    .swatch {
      inline-size: 0.8rem;
      block-size: 0.8rem;
      border-radius: 2px;
      background: var(--c);
    }
    .page {
      display: grid;
      gap: 1.25rem;
      align-items: start;
    }
    .column {
      position: relative;
      min-block-size: 1px;
    }
    /* Groups of cards lie over each other, each as large as its column; cards place themselves. */
    .group {
      position: absolute;
      inset: 0;
    }
    /* A band of a group's cards: as wide as the column, and a little more for the focus rings. */
    .band {
      position: absolute;
      inset-inline: -${bandMargin}px;
    }
    .band > daf-gloss-card {
      inset-inline: ${bandMargin}px;
    }
    .band.sized {
      content-visibility: auto;
    }
    .text {
      font-size: 1.2rem;
      line-height: 1.75;
    }
    .text .ProseMirror {
      white-space: pre-wrap;
      word-wrap: break-word;
      outline: none;
      caret-color: var(--daf-accent);
    }
    .text p.segment::before {
      content: attr(data-ref);
      color: var(--daf-muted);
      font-size: 0.75rem;
      margin-inline-end: 0.5rem;
      font-family: system-ui, sans-serif;
    }
    .gloss-mark {
      background: color-mix(in srgb, var(--c) 20%, transparent);
      border-block-end: 2px solid color-mix(in srgb, var(--c) 70%, transparent);
      border-radius: 2px;
      color: inherit;
    }
    .text p.segment-glossed {
      border-inline-start: 3px solid var(--c);
      padding-inline-start: 0.5rem;
      margin-inline-start: -0.75rem;
    }
    .gloss-mark.active {
      background: color-mix(in srgb, var(--c) 40%, transparent);
    }
    /* A whole segment in hand: a light wash, so its words stay easy to read. */
    .text p.segment-glossed.active {
      background: color-mix(in srgb, var(--c) 12%, transparent);
    }
    .meta {
      color: var(--daf-muted);
      font-size: 0.8rem;
      font-family: system-ui, sans-serif;
    }
    .unanchored {
      margin-block-start: 2rem;
      display: flex;
      flex-direction: column;
      gap: 0.5rem;
    }
    .unanchored daf-gloss-card {
      position: static;
    }
    /* Folded: the cards lie over room kept for them under each passage (see layoutFolded). */
    .page.narrow {
      grid-template-columns: minmax(0, 1fr);
      position: relative;
    }
    .page.narrow .column {
      position: absolute;
      inset: 0;
      pointer-events: none;
    }
    .page.narrow daf-gloss-card {
      pointer-events: auto;
    }
    .text .fold {
      display: block;
      block-size: 0;
    }
    .page.narrow daf-gloss-card[data-depth='2'] {
      margin-inline-start: 1.5rem;
    }
    .page.narrow daf-gloss-card[data-depth='3'] {
      margin-inline-start: 3rem;
    }
    .text .ProseMirror:focus-visible {
      outline: 2px solid color-mix(in srgb, var(--daf-accent) 50%, transparent);
      outline-offset: 0.5rem;
      border-radius: 2px;
    }
    .popover {
      position: absolute;
      z-index: 10;
      background: var(--daf-card);
      border: 1px solid var(--daf-rule);
      border-radius: 6px;
      box-shadow: 0 6px 24px rgb(0 0 0 / 0.18);
      padding: 0.4rem;
      font: 0.85rem system-ui, sans-serif;
    }
    .popover.open {
      inline-size: min(26rem, calc(100vw - 2rem));
      padding: 0.75rem;
    }
    .popover button {
      font: inherit;
      padding: 0.3rem 0.7rem;
      border-radius: 4px;
      border: 1px solid var(--daf-accent);
      background: var(--daf-accent);
      color: var(--daf-card);
      cursor: pointer;
    }
    .popover button:focus-visible {
      outline: 2px solid var(--daf-fg);
      outline-offset: 2px;
    }
    .popover p {
      margin: 0.2rem 0.3rem;
    }
    .banner {
      margin: 0 auto 1rem;
      max-inline-size: 38rem;
      padding: 0.5rem 0.75rem;
      border: 1px solid var(--daf-accent);
      border-radius: 4px;
      font: 0.9rem system-ui, sans-serif;
      display: flex;
      gap: 1rem;
      align-items: center;
      justify-content: space-between;
    }
    .banner button,
    .unanchored .reattach {
      font: 0.8rem system-ui, sans-serif;
      color: var(--daf-accent);
      background: none;
      border: 1px solid var(--daf-accent);
      border-radius: 4px;
      padding: 0.2rem 0.5rem;
      cursor: pointer;
    }
    .help {
      text-align: center;
      color: var(--daf-muted);
      font: 0.8rem system-ui, sans-serif;
      margin: -1rem 0 1.25rem;
    }
    .layers input:focus-visible {
      outline: 2px solid var(--daf-accent);
    }
  `,
  ];

  static override properties = {
    slug: { type: String },
    text: { state: true },
    layers: { state: true },
    glosses: { state: true },
    hiddenLayers: { state: true },
    narrow: { state: true },
    error: { state: true },
    selection: { state: true },
    composing: { state: true },
    busy: { state: true },
    writeError: { state: true },
    reattaching: { state: true },
  };

  /** The text to show. */
  declare slug: string;

  declare text: TextVersion | null;
  declare layers: Layer[];
  declare glosses: Gloss[];
  declare hiddenLayers: Set<string>;
  declare narrow: boolean;
  declare error: string;
  /** The passage the reader selected, and where to show the popover for it. */
  declare selection: PendingSelection | null;
  /** Is the composer open in the popover? */
  declare composing: boolean;
  declare busy: boolean;
  declare writeError: string;
  /** The orphan being re-attached: the next selection offers "Attach here". */
  declare reattaching: Gloss | null;

  private session = new SessionController(this, () => this.onSessionChange());
  private view: EditorView | null = null;
  private events: EventSource | null = null;
  private refreshing: Promise<void> | null = null;
  private projection: Projection | null = null;
  private arrangement: Arrangement = arrange([], [], new Set());
  /** The marks of glosses on each gloss's body, one array per arrangement (so cards re-render only when they change). */
  private highlights = new Map<number, BodyHighlight[]>();
  /** Hides the hidden layers' cards and highlights; changed on a toggle instead of re-rendering. */
  private hiddenSheet = new CSSStyleSheet();
  /** Card heights and anchor positions, measured once and kept until something moves them. */
  private heights = new Map<number, number>();
  private anchors = new Map<number, number>();
  /** The text's width when the measures were taken. */
  private textWidth = 0;

  private decorationSet = DecorationSet.empty;
  private shownDecorations: DecorationSet | null = null;
  private activeDecorations = DecorationSet.empty;
  /** The top last written on each card (and fold), and the box on each band, to write only what moved. */
  private written = new WeakMap<Element, number | string>();
  private active: number | null = null;
  private layoutFrame = 0;
  private hashFollowed = false;
  private observed = new WeakSet<Element>();
  private resizeObserver = new ResizeObserver((entries) => this.onSizes(entries));

  constructor() {
    super();
    this.slug = '';
    this.text = null;
    this.layers = [];
    this.glosses = [];
    this.hiddenLayers = new Set<string>();
    this.narrow = window.innerWidth < narrowWidth;
    this.error = '';
    this.selection = null;
    this.composing = false;
    this.busy = false;
    this.writeError = '';
    this.reattaching = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('resize', this.onResize);
    window.addEventListener('hashchange', this.onHashChange);
    this.renderRoot.addEventListener('pointerup', this.onSelectionEnd);
    this.renderRoot.addEventListener('keyup', this.onSelectionEnd);
  }

  override disconnectedCallback() {
    this.events?.close();
    this.events = null;
    window.removeEventListener('resize', this.onResize);
    window.removeEventListener('hashchange', this.onHashChange);
    this.resizeObserver.disconnect();
    cancelAnimationFrame(this.layoutFrame);
    cancelAnimationFrame(this.urlFrame);
    this.unsized.clear();
    this.view?.destroy();
    this.view = null;
    super.disconnectedCallback();
  }

  private onResize = () => {
    this.narrow = window.innerWidth < narrowWidth;
    this.forgetMeasures();
    this.scheduleLayout();
  };

  private onHashChange = () => this.followHash();

  protected override async willUpdate(changed: PropertyValues<this>) {
    if (changed.has('glosses') || changed.has('layers') || changed.has('narrow')) {
      // Hiding a layer does not re-arrange: cards and highlights stay, a style sheet hides them.
      this.arrangement = arrange(this.glosses, this.layers, new Set());
      this.highlights = this.bodyHighlights();
      this.decorationSet = this.decorations();
      this.forgetMeasures();
    }
    if (changed.has('layers')) this.layerRules();
    if (changed.has('slug') && this.slug) await this.load();
  }

  private async load() {
    try {
      const [text, layers, glosses] = await Promise.all([api.text(this.slug), api.layers(this.slug), api.glosses(this.slug)]);
      this.projection = new Projection(textSchema.nodeFromJSON(text.doc));
      this.text = text;
      this.layers = layers.layers;
      this.glosses = glosses.glosses;
      const shown = new URLSearchParams(location.search).get('layers');
      if (shown !== null) {
        const keep = new Set(shown.split(',').filter(Boolean));
        this.hiddenLayers = new Set(this.layers.map((l) => l.slug).filter((l) => !keep.has(l)));
      }
      document.title = `${text.title} · Daf`;
      this.listen();
    } catch (e) {
      this.error = failureMessage(e);
    }
  }

  /**
   * Reads glosses and layers again (the server filters what this reader may see). Asked while a
   * read is running, it runs one more after it — that read's answer may predate what asked — and
   * every caller in the meantime waits for that one.
   */
  private refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain ??= this.refreshing.then(() => {
        this.refreshAgain = null;
        return this.refresh();
      });
      return this.refreshAgain;
    }
    this.refreshing = Promise.all([api.glosses(this.slug), api.layers(this.slug)])
      .then(([glosses, layers]) => {
        this.glosses = keepUnchanged(this.glosses, glosses.glosses);
        this.layers = keepUnchanged(this.layers, layers.layers);
      })
      .catch(() => {})
      .finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private refreshAgain: Promise<void> | null = null;

  /**
   * Someone signed in or out: what they may see and do changed, so the glosses, the layers with
   * their permissions, and the event stream (filtered per reader) are all taken anew.
   */
  private onSessionChange = () => {
    if (!this.text) return;
    this.listen();
    void this.refresh();
  };

  /**
   * Follows the text's event stream: when glosses, replies or layers change, they are read
   * again and laid out anew, without a reload. Cards sit in columns beside the text, so an
   * arrival never moves the text the reader is looking at. A new version reloads the page.
   */
  private listen() {
    this.events?.close();
    this.events = api.events(this.slug);
    const refresh = () => void this.refresh();
    for (const kind of ['gloss.created', 'gloss.updated', 'gloss.deleted', 'reply.created', 'reply.updated', 'reply.deleted', 'layer.created', 'layer.updated']) {
      this.events.addEventListener(kind, refresh);
    }
    this.events.addEventListener('version.created', () => {
      this.view?.destroy();
      this.view = null;
      void this.load();
    });
  }

  private layerOf(slug: string): Layer | undefined {
    return this.layers.find((l) => l.slug === slug);
  }

  /** Highlights for the glosses on the text: inline for a quoted span, a bar for a segment. */
  private decorations(): DecorationSet {
    if (!this.projection) return DecorationSet.empty;
    const doc = this.projection.doc;
    const decos: Decoration[] = [];
    for (const { gloss: g, depth } of this.arrangement.placed) {
      if (depth !== 1) continue;
      const from = this.projection.posAt(g.anchor!.start!);
      const to = this.projection.posAt(g.anchor!.end!);
      // The colour comes from the layer's class (see layerRules): marks without a style of their
      // own share their computed style, which makes restyling them cheap.
      const layerClass = `layer-${g.layer}`;
      if (g.anchor!.status === 'segment') {
        // Commentary on a whole segment: a bar beside the segment, not a highlight over all of it.
        const $from = doc.resolve(from);
        const block = $from.before(1);
        decos.push(Decoration.node(block, block + $from.parent.nodeSize, { class: `segment-glossed ${layerClass}` }, { glossId: g.id }));
      } else {
        decos.push(Decoration.inline(from, to, { class: `gloss-mark ${layerClass}`, 'data-gloss': String(g.id) }, { glossId: g.id }));
      }
    }
    if (this.narrow) {
      // Room under each passage with glosses, where its cards lie when the columns fold.
      const blocks = new Set<number>();
      for (const { gloss: g, depth } of this.arrangement.placed) {
        if (depth === 1) blocks.add(doc.resolve(this.projection.posAt(g.anchor!.start!)).after(1));
      }
      for (const after of blocks) {
        decos.push(Decoration.widget(after, () => Object.assign(document.createElement('div'), { className: 'fold' }), { key: `fold-${after}`, side: 1 }));
      }
    }
    return DecorationSet.create(doc, decos);
  }

  /** For each gloss with glosses on it, the spans to mark in its body. */
  private bodyHighlights(): Map<number, BodyHighlight[]> {
    const colors = new Map(this.layers.map((l) => [l.slug, cssColor(l.color)]));
    const map = new Map<number, BodyHighlight[]>();
    for (const [id, kids] of this.arrangement.children) {
      map.set(id, kids.map((c) => ({ id: c.id, start: c.anchor!.start!, end: c.anchor!.end!, layer: c.layer, color: colors.get(c.layer) ?? '#888' })));
    }
    return map;
  }

  /**
   * Each layer's colour, and the rules that hide a layer — its cards (and every card on them)
   * and its highlights — when the page has the class `hide-SLUG`. A toggle changes that class:
   * nothing is re-rendered, and only that layer's groups of cards and its marks are restyled
   * (with the cards that move up into the room it leaves). The layer's class comes first in each
   * selector: the browser picks the first class to decide which elements to restyle, and
   * `.gloss-mark` first would restyle the marks of every layer.
   */
  private layerRules() {
    const rules = this.layers.map(
      // A hidden group keeps its cards' boxes and rendering state (content-visibility), so
      // neither hiding nor showing it restyles or lays out a card: it stops or starts painting them.
      ({ slug, color }) => {
        const [layer, hidden, group] = [classSelector('layer-', slug), `.page${classSelector('hide-', slug)}`, classSelector('in-', slug)];
        return `${layer} { --c: ${cssColor(color)}; }
          ${hidden} .group${group} { content-visibility: hidden; }
          ${hidden} ${layer}.gloss-mark { background: none; border-block-end-color: transparent; }
          ${hidden} ${layer}.segment-glossed { border-inline-start-color: transparent; }`;
      },
    );
    this.hiddenSheet.replaceSync(rules.join('\n'));
  }

  /** Is a placed gloss shown: its layer, and the layers of every gloss it hangs on, are shown? */
  private shown(p: Placed): boolean {
    return !this.ancestry(p).some((layer) => this.hiddenLayers.has(layer));
  }

  /** The layers of a placed gloss and of every gloss above it (kept for each arrangement). */
  private ancestry(p: Placed): string[] {
    if (this.ancestriesFor !== this.arrangement) {
      this.ancestriesFor = this.arrangement;
      this.ancestries = new Map();
    }
    let layers = this.ancestries.get(p.gloss.id);
    if (!layers) {
      layers = [p.gloss.layer];
      for (let parent = p.parent; parent; parent = this.glossById(parent.target.gloss)) layers.push(parent.layer);
      this.ancestries.set(p.gloss.id, layers);
    }
    return layers;
  }

  private ancestriesFor: Arrangement | null = null;
  private ancestries = new Map<number, string[]>();

  /** The placed cards by gloss, and their bands, found again after each render that may have changed them (not after a toggle). */
  private placedCards = new Map<number, DafGlossCard>();
  private bandOf = new Map<number, HTMLElement>();

  private glossById(id: number | null): Gloss | null {
    return id === null ? null : (this.byId.get(id) ?? null);
  }

  private get byId(): Map<number, Gloss> {
    if (this.byIdFor !== this.glosses) {
      this.byIdFor = this.glosses;
      this.byIdMap = new Map(this.glosses.map((g) => [g.id, g]));
    }
    return this.byIdMap;
  }

  private byIdFor: Gloss[] | null = null;
  private byIdMap = new Map<number, Gloss>();

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

  private unsized = new Set<HTMLElement>();
  private sizing = 0;

  /** Forgets every measure: the text, its width or the glosses changed. */
  private forgetMeasures() {
    this.heights.clear();
    this.anchors.clear();
    this.unsized.clear();
    // Measuring needs every card rendered whole: off-screen bands stop being skipped until then.
    for (const band of this.renderRoot.querySelectorAll<HTMLElement>('.band.sized')) band.classList.remove('sized');
  }

  /** A card changed size (a thread opened, a reply came): measure it, and what is marked in it, again. */
  private onSizes = (entries: ResizeObserverEntry[]) => {
    // Cards of a layer being hidden or shown report sizes too; only a real change lays out again.
    let changed = false;
    for (const entry of entries) {
      const el = entry.target;
      if (el instanceof DafGlossCard) {
        if (el.dataset.layers?.split(' ').some((l) => this.hiddenLayers.has(l))) continue; // hidden, not resized
        const height = entry.borderBoxSize[0]?.blockSize ?? 0;
        if (height === 0 || Math.abs(height - (this.heights.get(el.gloss.id) ?? -1)) < 0.5) continue;
        this.heights.delete(el.gloss.id);
        for (const kid of this.arrangement.children.get(el.gloss.id) ?? []) this.anchors.delete(kid.id);
        changed = true;
      } else if (Math.abs(entry.contentRect.width - this.textWidth) >= 0.5) {
        this.textWidth = entry.contentRect.width;
        this.forgetMeasures();
        changed = true;
      }
    }
    if (changed) this.scheduleLayout();
  };

  protected override firstUpdated() {
    const root = this.renderRoot as ShadowRoot;
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, this.hiddenSheet];
  }

  protected override updated(changed: PropertyValues<this>) {
    const mount = this.renderRoot.querySelector<HTMLElement>('.text');
    if (!mount || !this.projection) return;
    if (!this.view) {
      this.view = this.createView(mount);
      this.resizeObserver.observe(mount);
    } else if (this.shownDecorations !== this.decorationSet) {
      this.view.setProps({ decorations: () => this.decorationSet });
    }
    this.shownDecorations = this.decorationSet;
    // A toggle renders no card: only another update may bring new ones.
    if (!(changed.size === 1 && changed.has('hiddenLayers'))) {
      this.placedCards.clear();
      this.bandOf.clear();
      for (const card of this.renderRoot.querySelectorAll<DafGlossCard>('daf-gloss-card')) {
        if (!this.observed.has(card)) {
          this.observed.add(card);
          this.resizeObserver.observe(card);
        }
        if (!card.closest('.group')) continue;
        this.placedCards.set(card.gloss.id, card);
        if (card.parentElement!.classList.contains('band')) this.bandOf.set(card.gloss.id, card.parentElement!);
      }
    }
    this.showActive();
    // A toggle needs no measuring: place the cards now, before the next frame is painted.
    if (changed.has('hiddenLayers') && !changed.has('glosses')) this.layoutColumns();
    else this.scheduleLayout();
  }

  /**
   * The central text: a ProseMirror view that can hold a caret and a selection (so a keyboard
   * can select a passage) but refuses every change to the document.
   */
  private createView(mount: HTMLElement): EditorView {
    const readOnly = new Plugin({ filterTransaction: (tr) => !tr.docChanged });
    const active = new Plugin({ props: { decorations: () => this.activeDecorations } });
    const view = new EditorView(mount, {
      state: EditorState.create({ doc: this.projection!.doc, plugins: [readOnly, active] }),
      decorations: () => this.decorationSet,
      attributes: {
        role: 'textbox',
        'aria-readonly': 'true',
        'aria-multiline': 'true',
        'aria-label': `${this.text!.title}: the text. Select a passage to comment on it.`,
        inputmode: 'none',
        spellcheck: 'false',
      },
      handleKeyDown: (v, event) => this.onTextKey(v, event),
      handleTextInput: () => true,
      handlePaste: () => true,
      handleDrop: () => true,
      handleDOMEvents: {
        beforeinput: (_v, event) => {
          event.preventDefault();
          return true;
        },
        mouseover: (_v, event) => this.onTextPointer(event, false),
        click: (_v, event) => this.onTextPointer(event, true),
      },
    });
    return view;
  }

  /** Keys in the text: Enter comments on the selection, or opens the gloss under the caret. */
  private onTextKey(view: EditorView, event: KeyboardEvent): boolean {
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey) {
      // What the reader sees selected is the DOM's selection: ProseMirror's state follows it only
      // on `selectionchange`, which a busy page may deliver after a quick Shift+→ and Enter.
      this.readSelection();
      if (this.selection) {
        void this.startComposing();
        return true;
      }
      const caret = this.domSelection();
      const pos = caret?.focusNode && view.dom.contains(caret.focusNode) ? view.posAtDOM(caret.focusNode, caret.focusOffset) : view.state.selection.from;
      const offset = this.projection!.offsetAt(pos);
      const hit = this.arrangement.placed.find((p) => p.depth === 1 && p.gloss.anchor!.start! <= offset && offset <= p.gloss.anchor!.end!);
      if (hit) this.focusCard(hit.gloss.id);
      return true;
    }
    // Letting a key through would edit the text; navigation keys have no printable value.
    return event.key.length === 1 && !event.ctrlKey && !event.metaKey;
  }

  private onTextPointer(event: Event, click: boolean): boolean {
    const target = (event.target as HTMLElement).closest?.('[data-gloss]');
    if (!target) return false;
    const id = Number(target.getAttribute('data-gloss'));
    this.setActive(id);
    if (click && this.view!.state.selection.empty) this.cardOf(id)?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    return false;
  }

  /** Marks a gloss and its highlight as the one in hand, without re-rendering the page. */
  private setActive(id: number | null) {
    if (id === this.active) return; // updated() puts the classes back after a re-render
    this.active = id;
    // In the text, the mark is a decoration: ProseMirror owns that DOM and would undo a class.
    const placed = this.arrangement.placed.find((p) => p.gloss.id === id && p.depth === 1);
    let decos: Decoration[] = [];
    if (placed && this.view && this.projection) {
      const g = placed.gloss;
      const from = this.projection.posAt(g.anchor!.start!);
      if (g.anchor!.status === 'segment') {
        const $from = this.view.state.doc.resolve(from);
        decos = [Decoration.node($from.before(1), $from.before(1) + $from.parent.nodeSize, { class: 'active' })];
      } else {
        decos = [Decoration.inline(from, this.projection.posAt(g.anchor!.end!), { class: 'active' })];
      }
    }
    this.activeDecorations = this.view ? DecorationSet.create(this.view.state.doc, decos) : DecorationSet.empty;
    this.view?.updateState(this.view.state);
    this.showActive();
  }

  /** Puts the `active` class on the active gloss's card and on its marks in cards (again, after a re-render). */
  private showActive() {
    for (const el of this.activeElements) el.classList.remove('active');
    this.activeElements = [];
    const id = this.active;
    const card = id === null ? null : this.cardOf(id);
    if (!card) return;
    const parent = card.gloss.target.gloss === null ? null : this.cardOf(card.gloss.target.gloss);
    this.activeElements = [card, ...(parent?.querySelectorAll(`[data-gloss="${id}"]`) ?? [])];
    for (const el of this.activeElements) el.classList.add('active');
  }

  private activeElements: Element[] = [];

  private cardOf(id: number): DafGlossCard | null {
    // Placed cards are known; an unanchored one is looked for.
    return this.placedCards.get(id) ?? this.renderRoot.querySelector<DafGlossCard>(`daf-gloss-card[data-id="${id}"]`);
  }

  private focusCard(id: number) {
    const card = this.cardOf(id);
    if (!card) return;
    this.setActive(id);
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: 'nearest' });
  }

  /**
   * Keys on a card: ↓/j and ↑/k move to the next or previous gloss in reading order, Enter
   * opens its thread, Escape goes back to its passage in the text.
   */
  private onCardKey = (event: KeyboardEvent) => {
    const card = event.target as HTMLElement;
    if (!(card instanceof DafGlossCard)) return;
    const order = this.arrangement.placed.filter((p) => this.shown(p)).map((p) => p.gloss.id);
    const at = order.indexOf(card.gloss.id);
    if (event.key === 'ArrowDown' || event.key === 'j' || event.key === 'ArrowUp' || event.key === 'k') {
      const next = order[at + (event.key === 'ArrowDown' || event.key === 'j' ? 1 : -1)];
      if (next !== undefined) this.focusCard(next);
    } else if (event.key === 'Enter') {
      card.open = !card.open;
    } else if (event.key === 'Escape') {
      this.focusPassage(card.gloss);
    } else {
      return;
    }
    event.preventDefault();
  };

  /** Puts the caret on a gloss's passage in the text (or the card it comments on). */
  private focusPassage(g: Gloss) {
    if (g.target.gloss !== null) return this.focusCard(g.target.gloss);
    if (!this.view || g.anchor?.start == null) return;
    const from = this.projection!.posAt(g.anchor.start);
    const to = this.projection!.posAt(g.anchor.end!);
    this.view.dispatch(this.view.state.tr.setSelection(TextSelection.create(this.view.state.doc, from, to)).scrollIntoView());
    this.view.focus();
  }

  private onCardEnter = (event: Event) => {
    const card = (event.target as Element).closest?.('daf-gloss-card');
    if (card instanceof DafGlossCard) this.setActive(card.gloss.id);
  };

  /** Lays the columns out once per frame, however many things asked for it. */
  private scheduleLayout() {
    if (this.layoutFrame) return;
    this.layoutFrame = requestAnimationFrame(() => {
      this.layoutFrame = 0;
      this.layoutColumns();
    });
  }

  /**
   * Places every shown card level with its anchor, pushed down on collision: first the columns
   * beside the text (anchors in the text), then each column further out (anchors in the cards of
   * the column before). Sizes are measured once, all before any card moves, and kept until
   * something changes them, so a layer toggle only re-places cards.
   */
  private layoutColumns() {
    if (!this.view) return;
    if (this.narrow) this.layoutFolded();
    else {
      const shown = this.arrangement.placed.filter((p) => this.shown(p));
      this.measure(shown);
      const tops = new Map<number, number>();
      const bottoms = new Map<string, number>();
      const depths = Math.max(this.arrangement.columns.start, this.arrangement.columns.end);
      for (let depth = 1; depth <= depths; depth++) {
        for (const side of ['start', 'end'] as const) {
          const requests = [];
          for (const p of shown) {
            if (p.depth !== depth || p.side !== side) continue;
            const anchor = this.anchors.get(p.gloss.id);
            const base = p.parent ? tops.get(p.parent.id) : 0;
            if (anchor === undefined || base === undefined) continue;
            requests.push({ id: p.gloss.id, top: base + anchor, height: this.heights.get(p.gloss.id) ?? 0 });
          }
          const placed = placeCards(requests);
          let bottom = 0;
          for (const r of requests) {
            const top = placed.get(r.id)!;
            tops.set(r.id, top);
            bottom = Math.max(bottom, top + r.height);
          }
          bottoms.set(`${side}-${depth}`, bottom);
        }
      }
      // Writes only, after every read.
      this.writeTops(tops);
      for (const column of this.renderRoot.querySelectorAll<HTMLElement>('.column[data-side]')) {
        column.style.minBlockSize = `${bottoms.get(`${column.dataset.side}-${column.dataset.depth}`) ?? 0}px`;
      }
      this.sizeWhenIdle();
    }
    if (!this.hashFollowed) {
      this.hashFollowed = true;
      this.followHash();
    }
    this.setAttribute('data-laid-out', '');
    this.dispatchEvent(new CustomEvent('daf-laid-out', { bubbles: true, composed: true }));
  }

  /**
   * The folded layout of a narrow screen: the cards of each passage lie one under another in the
   * room kept for them under it (a widget in the text), glosses on a gloss under their gloss.
   * All positions are read first; the room below a passage moves every later passage down by
   * what was added above it, which is computed rather than measured again.
   */
  private layoutFolded() {
    const view = this.view!;
    const page = this.renderRoot.querySelector<HTMLElement>('.page')!;
    const shown = this.arrangement.placed.filter((p) => this.shown(p));
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
    const byFold = new Map<number, Placed[]>();
    const rootOf = (p: Placed): Gloss => {
      let g = p.gloss;
      for (let up = this.glossById(g.target.gloss); up; up = this.glossById(up.target.gloss)) g = up;
      return g;
    };
    for (const p of shown) {
      const root = rootOf(p);
      const after = view.state.doc.resolve(this.projection!.posAt(root.anchor!.start!)).after(1);
      const i = foldAt.get(after);
      if (i === undefined) continue;
      const inFold = byFold.get(i);
      if (inFold) inFold.push(p);
      else byFold.set(i, [p]);
    }
    // Writes.
    const gap = cardGap;
    let added = 0;
    folds.forEach((fold, i) => {
      let y = natural[i] + added + gap;
      for (const p of byFold.get(i) ?? []) {
        const card = cards.get(p.gloss.id);
        if (!card) continue;
        if (this.written.get(card) !== y) {
          this.written.set(card, y);
          card.style.insetBlockStart = `${y}px`;
        }
        y += (this.heights.get(p.gloss.id) ?? 0) + gap;
      }
      const room = y - (natural[i] + added);
      const height = byFold.has(i) ? room + gap : 0;
      if (this.written.get(fold) !== height) {
        this.written.set(fold, height);
        fold.style.blockSize = `${height}px`;
      }
      added += height;
    });
  }

  /**
   * Moves the cards to their tops in the column. A band spans its cards (with room for a focus
   * ring), and its cards' tops are written from its own; only what moved is written.
   */
  private writeTops(tops: Map<number, number>) {
    const extents = new Map<HTMLElement, { top: number; bottom: number }>();
    for (const [id, top] of tops) {
      const band = this.bandOf.get(id);
      if (!band) continue;
      const bottom = top + (this.heights.get(id) ?? 0);
      const extent = extents.get(band);
      if (!extent) extents.set(band, { top, bottom });
      else {
        extent.top = Math.min(extent.top, top);
        extent.bottom = Math.max(extent.bottom, bottom);
      }
    }
    for (const [band, extent] of extents) {
      extent.top -= bandMargin;
      const box = `${extent.top} ${extent.bottom + bandMargin}`;
      if (this.written.get(band) !== box) {
        this.written.set(band, box);
        band.style.insetBlockStart = `${extent.top}px`;
        band.style.blockSize = `${extent.bottom + bandMargin - extent.top}px`;
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
    const missing = shown.filter((p) => !this.heights.has(p.gloss.id) || !this.anchors.has(p.gloss.id));
    if (!missing.length || !this.view || !this.projection) return;
    // The resize observer's first report of the text is then no news, and measures nothing again.
    if (!this.heights.size) this.textWidth = this.view.dom.parentElement!.getBoundingClientRect().width;
    const cards = this.placedCards;
    const origin = this.view.dom.getBoundingClientRect().top;
    let textMarks: Map<number, Element> | null = null;
    for (const { gloss, parent } of missing) {
      const card = cards.get(gloss.id);
      if (!card) continue;
      this.heights.set(gloss.id, card.offsetHeight);
      if (parent) {
        const host = cards.get(parent.id);
        const mark = host?.querySelector(`[data-gloss="${gloss.id}"]`);
        if (host && mark) this.anchors.set(gloss.id, mark.getBoundingClientRect().top - host.getBoundingClientRect().top);
        continue;
      }
      if (!textMarks) {
        textMarks = new Map();
        for (const el of this.view.dom.querySelectorAll('[data-gloss]')) {
          const id = Number(el.getAttribute('data-gloss'));
          if (!textMarks.has(id)) textMarks.set(id, el);
        }
      }
      const mark = textMarks.get(gloss.id);
      const top = mark ? mark.getBoundingClientRect().top : this.view.coordsAtPos(this.projection.posAt(gloss.anchor!.start!)).top;
      this.anchors.set(gloss.id, top - origin);
    }
  }

  private toggle(layer: string) {
    const hiddenLayers = new Set(this.hiddenLayers);
    if (hiddenLayers.has(layer)) hiddenLayers.delete(layer);
    else hiddenLayers.add(layer);
    this.hiddenLayers = hiddenLayers;
    // The choice of layers has a URL of its own, written once the toggle is painted: writing
    // a URL takes the browser a few milliseconds that the reader would otherwise wait for.
    cancelAnimationFrame(this.urlFrame);
    this.urlFrame = requestAnimationFrame(() => setTimeout(() => this.writeLayersUrl()));
  }

  private urlFrame = 0;

  private writeLayersUrl() {
    const url = new URL(location.href);
    if (this.hiddenLayers.size === 0) url.searchParams.delete('layers');
    else url.searchParams.set('layers', this.layers.filter((l) => !this.hiddenLayers.has(l.slug)).map((l) => l.slug).join(','));
    history.replaceState(history.state, '', url);
  }

  /** Follows the URL's fragment: `#g-12` a gloss, `#1:5` a segment. */
  private followHash() {
    const hash = decodeURIComponent(location.hash.slice(1));
    if (!hash) return;
    const gloss = /^g-(\d+)$/.exec(hash);
    if (gloss) {
      const card = this.cardOf(Number(gloss[1]));
      if (!card) return;
      this.setActive(card.gloss.id);
      card.scrollIntoView({ block: 'center' });
      card.focus({ preventScroll: true });
    } else {
      this.renderRoot.querySelector<HTMLElement>(`p[data-ref="${CSS.escape(hash)}"]`)?.scrollIntoView({ block: 'center' });
    }
  }

  private onSelectionEnd = () => {
    if (!this.composing) requestAnimationFrame(() => this.readSelection());
  };

  /** The selection in the page's shadow root (Chromium and WebKit), else in the document. */
  private domSelection(): Selection | null {
    const root = this.renderRoot as ShadowRoot & { getSelection?: () => Selection | null };
    return root.getSelection?.() ?? document.getSelection();
  }

  /** Turns the reader's selection into a target: a span of the text, or of one gloss's body. */
  private readSelection() {
    const sel = this.domSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) {
      if (!this.composing) this.selection = null;
      return;
    }
    const range = sel.getRangeAt(0);
    const target = this.targetOf(range);
    if (!target) {
      this.selection = null;
      return;
    }
    const rect = range.getBoundingClientRect();
    const host = this.getBoundingClientRect();
    // The popover goes just under the selection, kept inside the page.
    const x = Math.min(Math.max(rect.left - host.left, 8), Math.max(8, host.width - 420));
    this.selection = { target, quote: target.exact, x, y: rect.bottom - host.top + 8 };
  }

  private targetOf(range: Range): GlossTarget | null {
    const mount = this.view?.dom;
    if (!mount || !this.projection) return null;
    const trim = (text: string, start: number, end: number) => {
      while (start < end && /\s/.test(text[start])) start++;
      while (end > start && /\s/.test(text[end - 1])) end--;
      return start < end ? { exact: text.slice(start, end), start, end } : null;
    };
    if (mount.contains(range.startContainer) && mount.contains(range.endContainer)) {
      const view = this.view!;
      const from = this.projection.offsetAt(view.posAtDOM(range.startContainer, range.startOffset));
      const to = this.projection.offsetAt(view.posAtDOM(range.endContainer, range.endOffset));
      return trim(this.projection.text, from, to);
    }
    const bodyOf = (n: Node) => (n instanceof Element ? n : n.parentElement)?.closest<HTMLElement>('[data-gloss-body]');
    const body = bodyOf(range.startContainer);
    if (!body || body !== bodyOf(range.endContainer)) return null;
    const id = Number(body.dataset.glossBody);
    const gloss = this.glosses.find((g) => g.id === id);
    if (!gloss?.body) return null;
    const span = trim(gloss.body.text, bodyOffset(body, range.startContainer, range.startOffset), bodyOffset(body, range.endContainer, range.endOffset));
    return span && { ...span, gloss: id };
  }

  private async startComposing() {
    this.composing = true;
    this.writeError = '';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('.popover daf-composer')?.focus();
  }

  private closePopover() {
    this.selection = null;
    this.composing = false;
    this.writeError = '';
  }

  /**
   * Runs a write from the popover: on success the popover closes, the page re-reads and the
   * written gloss gets the focus; on failure the server's message stays in the popover.
   */
  private async writeFromPopover(action: (target: GlossTarget) => Promise<number>) {
    const selection = this.selection;
    if (!selection) return;
    this.busy = true;
    this.writeError = '';
    try {
      const id = await action(selection.target);
      this.reattaching = null;
      this.closePopover();
      await this.refresh();
      await this.updateComplete;
      requestAnimationFrame(() => this.focusCard(id));
    } catch (e) {
      this.writeError = failureMessage(e);
    } finally {
      this.busy = false;
    }
  }

  /** Posts a new gloss on the selected passage (starting a layer of the writer's own if asked). */
  private onPost(event: CustomEvent<ComposerPost>) {
    const { layer, newLayer, body, motivation } = event.detail;
    void this.writeFromPopover(async (target) => {
      let slug = layer;
      if (slug === null) {
        slug = (await api.createLayer(this.slug, newLayer!)).slug;
        this.hiddenLayers = new Set([...this.hiddenLayers].filter((l) => l !== slug));
      }
      return (await api.createGloss(this.slug, slug, { target, body, motivation })).id;
    });
  }

  /** Re-attaches the orphan in hand to the selected passage. */
  private attachHere() {
    const gloss = this.reattaching;
    if (!gloss) return;
    void this.writeFromPopover(async ({ exact, start, end }) => (await api.updateGloss(gloss.id, { target: { exact, start, end } })).id);
  }

  private popoverTemplate() {
    const s = this.selection;
    if (!s) return nothing;
    const me = this.session.me;
    const writable = this.layers.filter((l) => l.you.write);
    const reattaching = this.reattaching;
    const fits = reattaching && (reattaching.target.gloss ?? null) === (s.target.gloss ?? null);
    let content;
    if (reattaching) {
      content = fits
        ? html`<button @click=${this.attachHere} ?disabled=${this.busy}>Attach here</button>`
        : html`<p>Select a passage in ${reattaching.target.gloss ? 'the gloss it comments on' : 'the text'}.</p>`;
    } else if (!me) {
      content = html`<p>Log in or sign up (at the top of the page) to write a gloss here.</p>`;
    } else if (!this.composing) {
      content = html`<button @click=${this.startComposing}>Comment <span aria-hidden="true">↵</span></button>`;
    } else {
      content = html`<daf-composer
        choose
        .quote=${s.quote}
        .layers=${writable}
        .newLayerName=${`${me.name}’s notes`}
        .busy=${this.busy}
        .error=${this.writeError}
        @daf-post=${this.onPost}
        @daf-cancel=${this.closePopover}
      ></daf-composer>`;
    }
    return html`<div
      class="popover ${this.composing ? 'open' : ''}"
      role=${this.composing ? 'dialog' : 'group'}
      aria-label=${this.composing ? 'Write a gloss' : 'Selected passage'}
      style="top: ${s.y}px; left: ${s.x}px"
      @pointerup=${(e: Event) => e.stopPropagation()}
      @keyup=${(e: Event) => e.stopPropagation()}
    >
      ${content}${this.writeError && !this.composing ? html`<p role="alert">${this.writeError}</p>` : nothing}
    </div>`;
  }

  private card(p: Placed) {
    return html`<daf-gloss-card
      data-layers=${this.ancestry(p).join(' ')}
      data-id=${p.gloss.id}
      data-depth=${p.depth}
      id="g-${p.gloss.id}"
      .gloss=${p.gloss}
      .layer=${this.layerOf(p.gloss.layer)}
      .highlights=${this.highlights.get(p.gloss.id) ?? noHighlights}
      .me=${this.session.me?.handle ?? null}
    ></daf-gloss-card>`;
  }

  /**
   * A column's cards, in groups of the same layers (a gloss's own and those of the glosses it
   * hangs on), each group in reading order: hiding a layer hides its groups whole (see
   * layerRules), so a toggle restyles a few groups rather than hundreds of cards.
   */
  private groups(cards: Placed[], banded: boolean) {
    const groups = new Map<string, Placed[]>();
    for (const p of cards) {
      const key = this.ancestry(p).join(' ');
      const group = groups.get(key);
      if (group) group.push(p);
      else groups.set(key, [p]);
    }
    const cardsOf = (inGroup: Placed[]) => repeat(inGroup, (p) => p.gloss.id, (p) => this.card(p));
    return repeat(
      groups,
      ([key]) => key,
      ([key, inGroup]) => {
        const layers = key.split(' ');
        const names = layers.map((l) => this.layerOf(l)?.name ?? l);
        return html`<div class="group ${layers.map((l) => `in-${l}`).join(' ')}" role="group" aria-label=${names.join(' on ')}>
          ${banded ? repeat(this.bands(inGroup), ([band]) => band, ([, inBand]) => html`<div class="band">${cardsOf(inBand)}</div>`) : cardsOf(inGroup)}
        </div>`;
      },
    );
  }

  /**
   * A group's cards in bands by the passage they hang on (every `bandBlocks` blocks of the text),
   * in reading order. A band is a box from its first card's top to its last card's bottom, and
   * the browser skips a band off screen whole (see `sizeWhenIdle`): hiding or showing a group,
   * or moving its cards, then restyles and repaints only the bands in view. A card keeps its
   * band, and so its element and state, while its passage does.
   */
  private bands(cards: Placed[]): Map<number, Placed[]> {
    const bands = new Map<number, Placed[]>();
    for (const p of cards) {
      const band = Math.floor(this.blockOf(p) / bandBlocks);
      const inBand = bands.get(band);
      if (inBand) inBand.push(p);
      else bands.set(band, [p]);
    }
    return bands;
  }

  /** The index of the text's block where a placed gloss's root is anchored (kept per arrangement). */
  private blockOf(p: Placed): number {
    if (this.blocksFor !== this.arrangement) {
      this.blocksFor = this.arrangement;
      this.blocks = new Map();
    }
    let block = this.blocks.get(p.gloss.id);
    if (block === undefined) {
      let root = p.gloss;
      for (let up = this.glossById(root.target.gloss); up; up = this.glossById(up.target.gloss)) root = up;
      const start = root.anchor?.start;
      block = start === null || start === undefined || !this.projection ? 0 : this.projection.doc.resolve(this.projection.posAt(start)).index(0);
      this.blocks.set(p.gloss.id, block);
    }
    return block;
  }

  private blocksFor: Arrangement | null = null;
  private blocks = new Map<number, number>();

  /** The columns of cards: one per side and level on a wide screen, one under the text on a narrow one. */
  private columns(starts: number, ends: number) {
    const { placed } = this.arrangement;
    if (this.narrow) return html`<aside class="column" aria-label="Commentary">${this.groups(placed, false)}</aside>`;
    const column = (side: Side, depth: number) => {
      const cards = placed.filter((p) => p.side === side && p.depth === depth);
      const at = side === 'start' ? starts - depth + 1 : starts + 1 + depth;
      const names = [...new Set(cards.map((p) => this.layerOf(p.gloss.layer)?.name ?? p.gloss.layer))].join(', ');
      const label = `${depth === 1 ? 'Commentary' : `Commentary on commentary (level ${depth})`}${names ? `: ${names}` : ''}, ${side === 'start' ? 'first' : 'second'} side`;
      return html`<aside class="column" data-side=${side} data-depth=${depth} style="grid-column: ${at}; grid-row: 1" aria-label=${label}>
        ${this.groups(cards, true)}
      </aside>`;
    };
    return html`${Array.from({ length: starts }, (_, i) => column('start', i + 1))}${Array.from({ length: ends }, (_, i) => column('end', i + 1))}`;
  }

  private unanchored() {
    const list = this.arrangement.unanchored.filter((g) => !this.hiddenLayers.has(g.layer));
    if (!list.length) return nothing;
    const me = this.session.me?.handle;
    return html`<section class="unanchored" aria-labelledby="unanchored-title">
      <h2 id="unanchored-title">Unanchored</h2>
      <p class="meta">These glosses lost their passage when the text changed.</p>
      ${list.map(
        (g) => html`<div>
          <p class="meta">Was on “${g.target.exact}”</p>
          <daf-gloss-card data-id=${g.id} id="g-${g.id}" .gloss=${g} .layer=${this.layerOf(g.layer)} .me=${me ?? null}></daf-gloss-card>
          ${me && g.author?.handle === me
            ? html`<button class="reattach" @click=${() => (this.reattaching = g)}>Re-attach…</button>`
            : nothing}
        </div>`,
      )}
    </section>`;
  }

  override render() {
    if (this.error) return html`<p role="alert">${this.error}</p>`;
    if (!this.text) return html`<p aria-busy="true">Loading…</p>`;
    const t = this.text;
    const starts = Math.max(1, this.arrangement.columns.start);
    const ends = Math.max(1, this.arrangement.columns.end);
    const outer = (n: number) => 'minmax(9rem, 0.8fr) '.repeat(n - 1);
    const template = `${outer(starts)}minmax(11rem, 1fr) minmax(20rem, 38rem) minmax(11rem, 1fr) ${outer(ends)}`;
    return html`
      <h1 lang=${t.language} dir=${t.direction}>${t.title}</h1>
      <p class="credit">${t.attribution ?? ''}${t.license ? ` · ${t.license}` : ''}</p>
      <div class="layers" role="group" aria-label="Layers">
        ${this.layers.map(
          (l) => html`<label style="--c: ${cssColor(l.color)}">
            <input type="checkbox" .checked=${!this.hiddenLayers.has(l.slug)} @change=${() => this.toggle(l.slug)} />
            <span class="swatch"></span>${l.name} <span class="meta">(${l.glossCount})</span>
          </label>`,
        )}
      </div>
      <p class="help">Select words to comment · Enter on a highlight opens its gloss · ↑ ↓ move between glosses · Esc returns to the text</p>
      ${this.reattaching
        ? html`<div class="banner" role="status">
            <span>Select the passage where this gloss belongs.</span>
            <button @click=${() => ((this.reattaching = null), this.closePopover())}>Cancel</button>
          </div>`
        : nothing}
      <div
        class="page ${this.narrow ? 'narrow' : ''} ${[...this.hiddenLayers].map((l) => `hide-${l}`).join(' ')}"
        dir=${t.direction}
        style=${this.narrow ? '' : `grid-template-columns: ${template}`}
        @keydown=${this.onCardKey}
        @mouseover=${this.onCardEnter}
        @focusin=${this.onCardEnter}
        @daf-changed=${() => void this.refresh()}
      >
        <div class="text" lang=${t.language} dir=${t.direction} style=${this.narrow ? '' : `grid-column: ${starts + 1}; grid-row: 1`}></div>
        ${guard([this.arrangement, this.layers, this.highlights, this.session.me, this.narrow], () => this.columns(starts, ends))}
      </div>
      ${this.unanchored()} ${this.popoverTemplate()}
    `;
  }
}

customElements.define('daf-text-page', DafTextPage);

declare global {
  interface HTMLElementTagNameMap {
    'daf-text-page': DafTextPage;
  }
}
