import { LitElement, html, type PropertyValues } from 'lit';
import { DecorationSet } from 'prosemirror-view';
import type { Projection } from '../../../schema/projection.ts';
import { api, failureMessage, type Gloss, type Layer, type TextSummary, type TextVersion } from '../../api.ts';
import { noFilter, type GlossFilter } from '../../gloss-filter.ts';
import { cssColor } from '../../layer-style.ts';
import { arrange, type Arrangement, type Placed, type Side } from '../../layout/arrange.ts';
import { disputePlaces, findDisputes, type Dispute, type DisputePlace } from '../../layout/disputes.ts';
import type { BodyHighlight } from '../../layout/gloss-body.ts';
import { SessionController } from '../../session.ts';
import { TextDataController } from './data-controller.ts';
import { FilterController } from './filter-controller.ts';
import { LayerVisibilityController } from './layer-visibility-controller.ts';
import { LayoutController } from './layout-controller.ts';
import { NavigationController } from './navigation-controller.ts';
import { SelectionController } from './selection-controller.ts';
import { textPageStyles } from './styles.ts';
import { textPageTemplate } from './templates.ts';
import { glossDecorations, TextView, type ParallelText } from './text-view.ts';

/**
 * A text with its commentary: the central text in a ProseMirror view, glosses highlighted in it
 * by decorations coloured by layer, and gloss cards in columns on both sides, each level with
 * its anchor and pushed down where they would collide; glosses on a gloss sit one column
 * further out, level with their span in it. Layers alternate between the inline-start and
 * inline-end sides, so a right-to-left text mirrors them. Selecting a passage of the text or of
 * a gloss opens a popover to write a gloss on it.
 *
 * The element holds the page's data and wires the parts, one controller per job (README,
 * "The reader").
 */
export class DafTextPage extends LitElement {
  static override styles = textPageStyles;

  static override properties = {
    slug: { type: String },
    text: { state: true },
    layers: { state: true },
    glosses: { state: true },
    hiddenLayers: { state: true },
    narrow: { state: true },
    error: { state: true },
    notices: { state: true },
    focused: { state: true },
    parallels: { state: true },
    parallel: { state: true },
    filter: { state: true },
  };

  /** The text to show. */
  declare slug: string;

  declare text: TextVersion | null;
  declare layers: Layer[];
  declare glosses: Gloss[];
  declare hiddenLayers: Set<string>;
  declare narrow: boolean;
  declare error: string;
  /** The texts paired with this one (its translations), and the one shown beside it, if any. */
  declare parallels: TextSummary[];
  declare parallel: ParallelText | null;
  /** The filters in force (client/gloss-filter.ts): the margins show only the glosses that pass. */
  declare filter: GlossFilter;

  /** Shows a paired text beside this one (segments matched by ref), or none; the choice is in the URL (`parallel=`). */
  async showParallel(slug: string | null) {
    const url = new URL(location.href);
    if (slug) url.searchParams.set('parallel', slug);
    else url.searchParams.delete('parallel');
    history.replaceState(history.state, '', url);
    if (!slug) {
      this.parallel = null;
      return;
    }
    try {
      const t = await api.text(slug);
      this.parallel = { slug, title: t.title, language: t.language, direction: t.direction, byRef: new Map(t.segments.map((s) => [s.ref, t.text.slice(s.start, s.end)])) };
    } catch (e) {
      this.showNotice('parallel', failureMessage(e));
    }
  }

  /** The passage in the focus panel: its ref, its words, and every gloss on it; or null. */
  declare focused: { ref: string; words: string; glosses: Placed[] } | null;
  private focusReturn: HTMLElement | null = null;

  /** What the page tells the reader of a link it cannot follow, by what asked (see `showNotice`). */
  declare notices: ReadonlyMap<string, string>;

  projection: Projection | null = null;
  view: TextView | null = null;
  arrangement: Arrangement = arrange([], [], new Set());
  /** The glosses the filters let through (the arrangement also holds those they hang on, for context). */
  passed = new Set<number>();
  /** Readings of one layer on overlapping words, among those shown (docs/deliberation.md §5), and each one's place in its dispute. */
  disputes: Dispute[] = [];
  disputePlaces = new Map<number, DisputePlace>();
  /** The side each dispute stands on (its layer's). */
  disputeSides = new Map<Dispute, Side>();
  /** The marks of glosses on each gloss's body, one array per arrangement (so cards re-render only when they change). */
  highlights = new Map<number, BodyHighlight[]>();
  private decorations = DecorationSet.empty;

  readonly session = new SessionController(this, () => this.data.onSessionChange());
  readonly data = new TextDataController(this);
  readonly visibility = new LayerVisibilityController(this);
  readonly filters = new FilterController(this);
  readonly layout = new LayoutController(this);
  readonly navigation = new NavigationController(this);
  readonly composer = new SelectionController(this);

  constructor() {
    super();
    this.slug = '';
    this.text = null;
    this.layers = [];
    this.glosses = [];
    this.hiddenLayers = new Set<string>();
    this.narrow = LayoutController.isNarrow();
    this.error = '';
    this.notices = new Map();
    this.focused = null;
    this.parallels = [];
    this.parallel = null;
    this.filter = noFilter;
  }

  /** Opens the focus panel on the passage of a gloss; focus comes back to `from` when it closes. */
  async openFocus(id: number, from: HTMLElement) {
    const glosses = this.layout.onSamePassage(id);
    const root = glosses.find((p) => p.depth === 1);
    if (!root || !this.projection) return;
    const $pos = this.projection.doc.resolve(this.projection.posAt(root.gloss.anchor!.start!));
    const block = $pos.node(1);
    this.focusReturn = from;
    this.focused = { ref: root.gloss.target.segment ?? block.attrs.ref ?? 'this passage', words: block.textContent, glosses };
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('.focus-panel .close')?.focus();
  }

  closeFocus() {
    this.focused = null;
    this.focusReturn?.focus();
    this.focusReturn = null;
  }

  /** Says (or, with '', stops saying) something about the link the page was opened with. */
  showNotice(from: string, message: string) {
    if ((this.notices.get(from) ?? '') === message) return;
    const next = new Map(this.notices);
    if (message) next.set(from, message);
    else next.delete(from);
    this.notices = next;
  }

  override disconnectedCallback() {
    this.dropView();
    super.disconnectedCallback();
  }

  /** Lets the text's view go: the next render of a text makes a new one. */
  dropView() {
    this.view?.destroy();
    this.view = null;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('glosses') || changed.has('layers') || changed.has('narrow') || changed.has('parallel') || changed.has('filter')) {
      // Hiding a layer does not re-arrange: cards and highlights stay, a style sheet hides them.
      // A filter does: the glosses it leaves out have no card and no highlight.
      const filtered = this.filters.apply(this.glosses);
      this.passed = filtered.passed;
      this.arrangement = arrange(filtered.glosses, this.layers, new Set());
      this.disputes = findDisputes(filtered.glosses.filter((g) => filtered.passed.has(g.id)));
      this.disputePlaces = disputePlaces(this.disputes);
      const sides = new Map(this.disputes.length ? this.arrangement.placed.map((p) => [p.gloss.id, p.side]) : []);
      this.disputeSides = new Map(this.disputes.map((d) => [d, sides.get(d.ids[0]) ?? 'start']));
      this.highlights = this.bodyHighlights();
      this.decorations = this.projection ? glossDecorations(this.projection, this.arrangement.placed, this.layers.map((l) => l.slug), this.parallel) : DecorationSet.empty;
      this.layout.forgetMeasures();
    }
    if (changed.has('layers')) this.visibility.writeRules();
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

  layerOf(slug: string): Layer | undefined {
    return this.layers.find((l) => l.slug === slug);
  }

  glossById(id: number | null): Gloss | null {
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

  protected override updated(changed: PropertyValues<this>) {
    const mount = this.renderRoot.querySelector<HTMLElement>('.text');
    // While a new version loads, its view waits for its projection.
    if (!mount || !this.projection || this.data.loading) return;
    if (!this.view) {
      this.view = new TextView(mount, this.projection, this.text!.title, this.decorations, {
        onKey: (view, event) => this.composer.onTextKey(view, event),
        onPointer: (event, click) => this.navigation.onTextPointer(event, click),
      });
      this.layout.observeText(mount);
    } else {
      this.view.setDecorations(this.decorations);
    }
    // A toggle renders no card: only another update may bring new ones.
    if (!(changed.size === 1 && changed.has('hiddenLayers'))) this.layout.collectCards();
    this.navigation.showActive();
    // A toggle needs no measuring: place the cards now, before the next frame is painted.
    if (changed.has('hiddenLayers') && !changed.has('glosses')) this.layout.layout();
    else this.layout.schedule();
  }

  override render() {
    if (this.error) return html`<p role="alert">${this.error}</p>`;
    if (!this.text) return html`<p aria-busy="true">Loading…</p>`;
    return textPageTemplate(this, this.text);
  }
}

customElements.define('daf-text-page', DafTextPage);

declare global {
  interface HTMLElementTagNameMap {
    'daf-text-page': DafTextPage;
  }
}
