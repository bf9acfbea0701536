import { LitElement, html, css, nothing, type PropertyValues } from 'lit';
import { EditorState } from 'prosemirror-state';
import { Decoration, DecorationSet, EditorView } from 'prosemirror-view';
import { textSchema } from '../../schema/document.ts';
import { Projection } from '../../schema/projection.ts';
import { api, type Gloss, type Layer, type TextVersion } from '../api.ts';
import { placeCards } from '../layout/place-cards.ts';
import { textDirection } from '../layout/text-direction.ts';

/** Widest viewport, in CSS pixels, at which the columns fold into the flow. */
const narrowWidth = 900;

/**
 * A text with its commentary: the central text in a read-only ProseMirror view, glosses
 * highlighted in it by decorations coloured by layer, and gloss cards in columns on both sides,
 * each level with its anchor and pushed down where they would collide. Layers alternate
 * between the inline-start and inline-end columns, so a right-to-left text mirrors them.
 */
export class DafTextPage extends LitElement {
  static override styles = css`
    :host {
      display: block;
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
      grid-template-columns: minmax(12rem, 1fr) minmax(20rem, 38rem) minmax(12rem, 1fr);
      gap: 1.5rem;
      align-items: start;
    }
    .column {
      position: relative;
      min-block-size: 1px;
    }
    .text {
      font-size: 1.2rem;
      line-height: 1.75;
    }
    .text .ProseMirror {
      white-space: pre-wrap;
      word-wrap: break-word;
      outline: none;
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
    }
    .text p.segment-glossed {
      border-inline-start: 3px solid var(--c);
      padding-inline-start: 0.5rem;
      margin-inline-start: -0.75rem;
    }
    .gloss-mark.active {
      background: color-mix(in srgb, var(--c) 40%, transparent);
    }
    article {
      position: absolute;
      inset-inline: 0;
      background: var(--daf-card);
      border: 1px solid var(--daf-rule);
      border-inline-start: 4px solid var(--c);
      border-radius: 4px;
      padding: 0.5rem 0.75rem;
      font-size: 0.9rem;
      line-height: 1.45;
      box-shadow: 0 1px 2px rgb(0 0 0 / 0.06);
    }
    article.active {
      box-shadow: 0 0 0 2px var(--c);
    }
    article header {
      display: flex;
      justify-content: space-between;
      gap: 0.5rem;
      color: var(--daf-muted);
      font-size: 0.8rem;
      font-family: system-ui, sans-serif;
    }
    article p {
      margin: 0.25rem 0;
    }
    .meta {
      color: var(--daf-muted);
      font-size: 0.8rem;
      font-family: system-ui, sans-serif;
    }
    .thread-toggle {
      font: inherit;
      font-size: 0.8rem;
      font-family: system-ui, sans-serif;
      color: var(--daf-accent);
      background: none;
      border: none;
      padding: 0;
      cursor: pointer;
    }
    .thread {
      list-style: none;
      margin: 0.25rem 0 0;
      padding: 0;
    }
    .thread li {
      border-inline-start: 2px solid var(--daf-rule);
      padding-inline-start: 0.5rem;
      margin-block: 0.25rem;
    }
    .nested {
      margin-block-start: 0.5rem;
      padding-inline-start: 0.5rem;
      border-inline-start: 2px solid var(--daf-rule);
    }
    .unanchored {
      margin-block-start: 2rem;
    }
    .page.narrow {
      grid-template-columns: 1fr;
    }
    .page.narrow article {
      position: static;
      margin-block: 0.5rem;
    }
  `;

  static override properties = {
    slug: { type: String },
    text: { state: true },
    layers: { state: true },
    glosses: { state: true },
    hiddenLayers: { state: true },
    openThreads: { state: true },
    active: { state: true },
    narrow: { state: true },
    error: { state: true },
  };

  /** The text to show. */
  declare slug: string;

  declare text: TextVersion | null;
  declare layers: Layer[];
  declare glosses: Gloss[];
  declare hiddenLayers: Set<string>;
  declare openThreads: Set<number>;
  declare active: number | null;
  declare narrow: boolean;
  declare error: string;

  constructor() {
    super();
    this.slug = '';
    this.text = null;
    this.layers = [];
    this.glosses = [];
    this.hiddenLayers = new Set<string>();
    this.openThreads = new Set<number>();
    this.active = null;
    this.narrow = window.innerWidth < narrowWidth;
    this.error = '';
  }

  private view: EditorView | null = null;
  private events: EventSource | null = null;
  private refreshing: Promise<void> | null = null;
  private projection: Projection | null = null;
  private resizeObserver = new ResizeObserver(() => this.layoutColumns());

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('resize', this.onResize);
  }

  override disconnectedCallback() {
    this.events?.close();
    this.events = null;
    window.removeEventListener('resize', this.onResize);
    this.resizeObserver.disconnect();
    this.view?.destroy();
    this.view = null;
    super.disconnectedCallback();
  }

  private onResize = () => {
    this.narrow = window.innerWidth < narrowWidth;
  };

  protected override async willUpdate(changed: PropertyValues<this>) {
    if (changed.has('slug') && this.slug) await this.load();
  }

  private async load() {
    try {
      const [text, layers, glosses] = await Promise.all([api.text(this.slug), api.layers(this.slug), api.glosses(this.slug)]);
      this.text = text;
      this.layers = layers.layers;
      this.glosses = glosses.glosses;
      this.projection = new Projection(textSchema.nodeFromJSON(text.doc));
      document.title = `${text.title} · Daf`;
      this.listen();
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  /**
   * Follows the text's event stream: when glosses, replies or layers change, the glosses and
   * layers are read again (the server filters what this reader may see) and laid out anew,
   * without a reload. A new version of the text reloads the page's data whole.
   */
  private listen() {
    this.events?.close();
    this.events = api.events(this.slug);
    const refresh = () => {
      this.refreshing ??= Promise.all([api.glosses(this.slug), api.layers(this.slug)])
        .then(([glosses, layers]) => {
          this.glosses = glosses.glosses;
          this.layers = layers.layers;
        })
        .catch(() => {})
        .finally(() => (this.refreshing = null));
    };
    for (const kind of ['gloss.created', 'gloss.updated', 'gloss.deleted', 'reply.created', 'reply.updated', 'reply.deleted', 'layer.created', 'layer.updated']) {
      this.events.addEventListener(kind, refresh);
    }
    this.events.addEventListener('version.created', () => {
      this.view?.destroy();
      this.view = null;
      void this.load();
    });
  }

  /** Glosses on the text itself (not on other glosses), with a place in it, in visible layers. */
  private get placed(): Gloss[] {
    return this.glosses.filter(
      (g) => g.target.gloss === null && g.anchor && g.anchor.start !== null && g.status !== 'deleted' && !this.hiddenLayers.has(g.layer),
    );
  }

  private layerOf(slug: string): Layer | undefined {
    return this.layers.find((l) => l.slug === slug);
  }

  private side(layer: string): 'start' | 'end' {
    return this.layers.findIndex((l) => l.slug === layer) % 2 === 0 ? 'start' : 'end';
  }

  private decorations(): DecorationSet {
    if (!this.projection) return DecorationSet.empty;
    const doc = this.projection.doc;
    const decos = this.placed.map((g) => {
      const from = this.projection!.posAt(g.anchor!.start!);
      const to = this.projection!.posAt(g.anchor!.end!);
      const color = this.layerOf(g.layer)?.color ?? '#888';
      if (g.anchor!.status === 'segment') {
        // Commentary on a whole segment: a bar beside the segment, not a highlight over all of it.
        const block = doc.resolve(from).before(1);
        return Decoration.node(block, block + doc.resolve(from).parent.nodeSize, { class: 'segment-glossed', style: `--c: ${color}` }, { glossId: g.id });
      }
      return Decoration.inline(
        from,
        to,
        { class: `gloss-mark${this.active === g.id ? ' active' : ''}`, style: `--c: ${color}`, 'data-gloss': String(g.id) },
        { glossId: g.id },
      );
    });
    return DecorationSet.create(doc, decos);
  }

  protected override updated() {
    const mount = this.renderRoot.querySelector<HTMLElement>('.text');
    if (!mount || !this.projection) return;
    const state = () => EditorState.create({ doc: this.projection!.doc });
    if (!this.view) {
      this.view = new EditorView(mount, {
        state: state(),
        editable: () => false,
        decorations: () => this.decorations(),
        handleDOMEvents: {
          mouseover: (_view, event) => this.onTextHover(event),
          click: (_view, event) => this.onTextHover(event),
        },
      });
      this.resizeObserver.observe(mount);
      this.layoutColumns();
      this.followHash();
    } else {
      this.view.setProps({ decorations: () => this.decorations() });
    }
    this.layoutColumns();
  }

  private onTextHover(event: Event): boolean {
    const target = (event.target as HTMLElement).closest?.('[data-gloss]');
    const id = target ? Number(target.getAttribute('data-gloss')) : null;
    if (id !== this.active) this.active = id;
    return false;
  }

  /** Places every card of each column level with its anchor, pushed down on collision. */
  private layoutColumns() {
    if (!this.view) return;
    if (this.narrow) return this.laidOut();
    for (const column of this.renderRoot.querySelectorAll<HTMLElement>('.column')) {
      const origin = column.getBoundingClientRect().top;
      const cards = [...column.querySelectorAll<HTMLElement>('article[data-id]')];
      const requests = cards.map((card) => {
        const gloss = this.glosses.find((g) => g.id === Number(card.dataset.id))!;
        const pos = this.projection!.posAt(gloss.anchor!.start!);
        return { id: gloss.id, top: this.view!.coordsAtPos(pos).top - origin, height: card.offsetHeight };
      });
      const tops = placeCards(requests);
      for (const card of cards) card.style.insetBlockStart = `${tops.get(Number(card.dataset.id))}px`;
      const last = Math.max(0, ...requests.map((r) => (tops.get(r.id) ?? 0) + r.height));
      column.style.minBlockSize = `${last}px`;
    }
    this.laidOut();
  }

  /** Tells whoever waits (tests, benchmarks) that highlights and columns are in place. */
  private laidOut() {
    this.setAttribute('data-laid-out', '');
    this.dispatchEvent(new CustomEvent('daf-laid-out', { bubbles: true, composed: true }));
  }

  private toggle(layer: string) {
    const hiddenLayers = new Set(this.hiddenLayers);
    if (hiddenLayers.has(layer)) hiddenLayers.delete(layer);
    else hiddenLayers.add(layer);
    this.hiddenLayers = hiddenLayers;
  }

  private card(g: Gloss) {
    const layer = this.layerOf(g.layer);
    const children = this.glosses.filter((c) => c.target.gloss === g.id && c.status !== 'deleted' && !this.hiddenLayers.has(c.layer));
    return html`<article
      data-id=${g.id}
      id="g-${g.id}"
      tabindex="-1"
      class=${this.active === g.id ? 'active' : ''}
      style="--c: ${layer?.color ?? '#888'}"
      aria-label="${layer?.name ?? g.layer}: ${g.motivation === 'questioning' ? 'question' : 'gloss'} by ${g.author?.name ?? 'someone'}"
      @mouseenter=${() => (this.active = g.id)}
    >
      <header><span>${layer?.name ?? g.layer}</span><span>${g.author?.name ?? ''}</span></header>
      ${g.motivation === 'questioning' ? html`<div class="meta">Question</div>` : nothing}
      <p dir=${textDirection(g.body?.text ?? '')}>${g.body?.text ?? ''}</p>
      ${g.replies.length
        ? html`<button class="thread-toggle" aria-expanded=${this.openThreads.has(g.id)} @click=${() => this.toggleThread(g.id)}>
            ${g.replies.length} ${g.replies.length === 1 ? 'reply' : 'replies'}
          </button>`
        : nothing}
      ${this.openThreads.has(g.id) ? this.thread(g) : nothing}
      ${children.length
        ? html`<div class="nested">${children.map(
            (c) => html`<div><span class="meta">${this.layerOf(c.layer)?.name ?? c.layer} on “${c.anchor?.exact ?? c.target.exact}”:</span>
              <p dir=${textDirection(c.body?.text ?? '')}>${c.body?.text ?? ''}</p></div>`,
          )}</div>`
        : nothing}
    </article>`;
  }

  private toggleThread(id: number) {
    const open = new Set(this.openThreads);
    if (open.has(id)) open.delete(id);
    else open.add(id);
    this.openThreads = open;
  }

  /** A gloss's thread: replies in order, each indented under the reply it answers. */
  private thread(g: Gloss) {
    const depth = new Map<number, number>();
    for (const r of g.replies) depth.set(r.id, r.parent === null ? 0 : (depth.get(r.parent) ?? 0) + 1);
    return html`<ol class="thread" aria-label="Replies">
      ${g.replies.map(
        (r) => html`<li style="margin-inline-start: ${Math.min(depth.get(r.id) ?? 0, 4) * 0.75}rem">
          <span class="meta">${r.author?.name ?? 'deleted'}</span>
          <p dir=${textDirection(r.body?.text ?? '')}>${r.body?.text ?? '(deleted)'}</p>
        </li>`,
      )}
    </ol>`;
  }

  /** Follows the URL's fragment once the page is laid out: `#g-12` a gloss, `#1:5` a segment. */
  private followHash() {
    const hash = decodeURIComponent(location.hash.slice(1));
    if (!hash) return;
    const gloss = /^g-(\d+)$/.exec(hash);
    if (gloss) {
      const id = Number(gloss[1]);
      const card = this.renderRoot.querySelector<HTMLElement>(`article[data-id="${id}"]`);
      if (!card) return;
      this.active = id;
      card.scrollIntoView({ block: 'center' });
      card.focus({ preventScroll: true });
    } else {
      this.renderRoot.querySelector<HTMLElement>(`p[data-ref="${CSS.escape(hash)}"]`)?.scrollIntoView({ block: 'center' });
    }
  }

  override render() {
    if (this.error) return html`<p role="alert">${this.error}</p>`;
    if (!this.text) return html`<p aria-busy="true">Loading…</p>`;
    const t = this.text;
    const placed = this.placed;
    const unanchored = this.glosses.filter((g) => g.target.gloss === null && g.anchor?.status === 'orphan' && !this.hiddenLayers.has(g.layer));
    return html`
      <h1 lang=${t.language} dir=${t.direction}>${t.title}</h1>
      <p class="credit">${t.attribution ?? ''}${t.license ? ` · ${t.license}` : ''}</p>
      <div class="layers" role="group" aria-label="Layers">
        ${this.layers.map(
          (l) => html`<label style="--c: ${l.color}">
            <input type="checkbox" .checked=${!this.hiddenLayers.has(l.slug)} @change=${() => this.toggle(l.slug)} />
            <span class="swatch"></span>${l.name} <span class="meta">(${l.glossCount})</span>
          </label>`,
        )}
      </div>
      <div class="page ${this.narrow ? 'narrow' : ''}" dir=${t.direction}>
        <aside class="column start" aria-label="Commentary">${this.narrow ? nothing : placed.filter((g) => this.side(g.layer) === 'start').map((g) => this.card(g))}</aside>
        <div class="text" lang=${t.language} dir=${t.direction}></div>
        <aside class="column end" aria-label="Commentary">${this.narrow ? placed.map((g) => this.card(g)) : placed.filter((g) => this.side(g.layer) === 'end').map((g) => this.card(g))}</aside>
      </div>
      ${unanchored.length ? html`<section class="unanchored"><h2>Unanchored</h2>${unanchored.map((g) => this.card(g))}</section>` : nothing}
    `;
  }
}

customElements.define('daf-text-page', DafTextPage);

declare global {
  interface HTMLElementTagNameMap {
    'daf-text-page': DafTextPage;
  }
}
