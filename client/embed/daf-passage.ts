import { authorName } from '../author-name.ts';
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { DOMSerializer } from 'prosemirror-model';
import { glossSchema, textSchema } from '../../schema/document.ts';
import { Projection } from '../../schema/projection.ts';
import { ApiError, failureMessage, remoteApi, type Gloss, type GlossTarget, type Layer, type Me, type Passage, type RemoteApi, type Reply } from '../api.ts';
import { textDirection } from '../layout/text-direction.ts';
import { connect, forgetConnection, savedConnection, type Connection } from './connection.ts';
import { GlossHighlights, highlightsSupported } from './gloss-highlights.ts';
import { cssColor } from '../layer-style.ts';
import { palette } from './palette.ts';
import { passageStyles } from './passage-styles.ts';
import { pointAt } from './text-points.ts';
import type { ComposerPost } from './writing.ts';

/** What loads when a reader starts writing. */
type Writing = typeof import('./writing.ts');

/** A gloss as a card: its layer, and the glosses written on it. */
interface Card {
  gloss: Gloss;
  layer: Layer;
  children: Card[];
}

/** A block of the passage as rendered, where its text lies in the text's projection, and its cards. */
interface Block {
  el: HTMLElement;
  start: number;
  end: number;
  cards: Card[];
}

/** What the reader is writing: a gloss on a span of the text, or a reply in a thread. */
type Composing = { kind: 'gloss'; block: number; target: GlossTarget } | { kind: 'reply'; gloss: number; parent?: number };

/** How far outside the viewport a lazy widget starts loading. */
const lazyMargin = '300px';

const textSerializer = DOMSerializer.fromSchema(textSchema);
const bodySerializer = DOMSerializer.fromSchema(glossSchema);

/** The Daf server and text a `src` names (`https://HOST/t/SLUG`), or null. */
function textAddress(src: string): { origin: string; slug: string } | null {
  try {
    const url = new URL(src, document.baseURI);
    const m = /^\/t\/([^/]+)\/?$/.exec(url.pathname);
    return m && /^https?:$/.test(url.protocol) ? { origin: url.origin, slug: decodeURIComponent(m[1]) } : null;
  } catch {
    return null;
  }
}

/** A rendered body (of a gloss or a reply) from its document, through the schema; never from HTML. */
function renderBody(doc: unknown, className: string): HTMLElement {
  const el = document.createElement('div');
  el.className = className;
  el.setAttribute('part', className);
  el.append(bodySerializer.serializeFragment(glossSchema.nodeFromJSON(doc).content));
  return el;
}

/**
 * A passage of a Daf text with its glosses, for any web page:
 * `<daf-passage src="https://HOST/t/SLUG" ref="1:1-1:3" layers="a,b"></daf-passage>`.
 *
 * It loads when it comes near the viewport, and shows the passage with each gloss highlighted
 * (the CSS Custom Highlight API) and its card under the block it starts in, with its reply
 * count and thread; glosses on glosses nest under their card. It reads as a visitor, so only
 * public layers show. With `interactive`, a reader may sign in through a popup on HOST and then
 * write glosses (select words in the passage) and replies; the editor loads only then.
 *
 * @attr src - the text's page on its Daf server, `https://HOST/t/SLUG` (required)
 * @attr ref - a segment `1:5`, a range `1:1-1:3` or a chapter `2`; the whole text when absent
 * @attr layers - the layers to show, as comma-separated slugs in order; all when absent
 * @attr interactive - let readers sign in and write
 * @attr loading - `lazy` (the default) or `eager`
 * @attr theme - `light` or `dark`; otherwise the host page's `color-scheme`
 * @fires daf-loaded - when the passage and its glosses are shown; `detail.glosses` counts the cards
 * @csspart container, header, title, legend, text, block, segment, heading, cards, card,
 *   card-header, layer, author, quote, body, meta, replies, thread, reply, reply-body, button,
 *   composer, footer, join, error
 * @cssprop --daf-bg, --daf-fg, --daf-muted, --daf-rule, --daf-accent, --daf-card - colours
 * @cssprop --daf-font, --daf-text-font, --daf-font-size, --daf-radius - type and shape
 */
export class DafPassage extends LitElement {
  static override styles = [palette, passageStyles];

  static override properties = {
    src: { type: String },
    ref: { type: String },
    layers: { type: String },
    interactive: { type: Boolean },
    loading: { type: String },
    passage: { state: true },
    error: { state: true },
    me: { state: true },
    open: { state: true },
    active: { state: true },
    selecting: { state: true },
    composing: { state: true },
    busy: { state: true },
    writeError: { state: true },
  };

  /** The text's page on its Daf server. */
  declare src: string;
  /** The passage: a segment, a range of segments or a chapter; the whole text when empty. */
  declare ref: string;
  /** Comma-separated layer slugs to show; all the reader may see when empty. */
  declare layers: string;
  /** Readers may sign in and write. */
  declare interactive: boolean;
  /** `lazy` (load near the viewport) or `eager`. */
  declare loading: string;
  declare passage: Passage | null;
  declare error: string;
  declare me: Me | null;
  /** Glosses whose threads are open. */
  declare open: ReadonlySet<number>;
  /** The gloss in focus. */
  declare active: number | null;
  /** The reader's selection in the text, while it could become a gloss, and the block it starts in. */
  declare selecting: { range: AbstractRange; block: number } | null;
  declare composing: Composing | null;
  declare busy: boolean;
  declare writeError: string;

  private api: RemoteApi | null = null;
  private origin = '';
  private slug = '';
  private connection: Connection | null = null;
  private blocks: Block[] = [];
  private projectionText = '';
  private bodies = new Map<string, HTMLElement>();
  private highlights: GlossHighlights | null = null;
  /**
   * Each layer's colour as `--c` on what carries its `data-layer`: a stylesheet rather than
   * style attributes, which a host page's Content-Security-Policy may refuse.
   */
  private readonly layerColors = new CSSStyleSheet();
  private observer: IntersectionObserver | null = null;
  private visible = false;
  private loadedKey = '';
  private writing: Promise<Writing> | null = null;

  constructor() {
    super();
    this.src = '';
    this.ref = '';
    this.layers = '';
    this.interactive = false;
    this.loading = 'lazy';
    this.passage = null;
    this.error = '';
    this.me = null;
    this.open = new Set();
    this.active = null;
    this.selecting = null;
    this.composing = null;
    this.busy = false;
    this.writeError = '';
  }

  override connectedCallback() {
    super.connectedCallback();
    if (this.visible) return;
    if (this.loading === 'eager' || typeof IntersectionObserver === 'undefined') {
      this.visible = true;
      return;
    }
    this.observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        this.stopWatching();
        this.visible = true;
        this.requestUpdate();
      },
      { rootMargin: lazyMargin },
    );
    this.observer.observe(this);
  }

  override disconnectedCallback() {
    this.stopWatching();
    this.highlights?.clear();
    super.disconnectedCallback();
  }

  private stopWatching() {
    this.observer?.disconnect();
    this.observer = null;
  }

  protected override firstUpdated() {
    const root = this.renderRoot as ShadowRoot;
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, this.layerColors];
    this.highlights = new GlossHighlights(root);
  }

  protected override willUpdate(_changed: PropertyValues<this>) {
    const key = `${this.src}\n${this.ref}\n${this.layers}\n${this.interactive}`;
    if (this.visible && key !== this.loadedKey) {
      this.loadedKey = key;
      void this.load();
    }
  }

  protected override updated(changed: PropertyValues<this>) {
    // The blocks' elements are made once per passage, so their ranges hold until it changes.
    if (changed.has('passage') || changed.has('active')) this.drawHighlights();
  }

  /** Reads the passage (again), as the connected reader or as a visitor. */
  private async load(): Promise<void> {
    const address = textAddress(this.src);
    if (!address) {
      this.error = 'This passage needs a src: the address of a Daf text, such as https://daf.example/t/pirkei-avot.';
      return;
    }
    if (address.origin !== this.origin) {
      this.origin = address.origin;
      this.connection = this.interactive ? savedConnection(address.origin) : null;
      this.api = remoteApi(address.origin, () => this.connection?.token ?? null);
    }
    this.slug = address.slug;
    this.me = this.connection?.me ?? null;
    const key = this.loadedKey;
    const layers = this.layers.split(',').map((s) => s.trim()).filter(Boolean);
    try {
      const passage = await this.api!.passage(address.slug, this.ref || null, layers.length ? layers : null);
      if (key === this.loadedKey) this.show(passage);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'bad_token' && this.connection) {
        // The token was revoked on Daf: carry on as a visitor.
        this.signedOut();
        return this.load();
      }
      if (key === this.loadedKey) this.error = `This passage could not be shown: ${failureMessage(e)}`;
    }
  }

  /** Lays out a passage: its blocks, rendered through the schema, and a card for each gloss. */
  private show(passage: Passage) {
    const doc = textSchema.nodeFromJSON(passage.doc);
    const projection = new Projection(doc);
    this.projectionText = projection.text;
    this.blocks = [];
    doc.forEach((node, pos) => {
      const el = textSerializer.serializeNode(node) as HTMLElement;
      el.setAttribute('part', `block ${node.type.name}`);
      const start = passage.start + projection.offsetAt(pos + 1);
      this.blocks.push({ el, start, end: passage.start + projection.offsetAt(pos + node.nodeSize - 1), cards: [] });
    });
    this.layerColors.replaceSync(passage.layers.map((l) => `[data-layer="${CSS.escape(l.slug)}"] { --c: ${cssColor(l.color)}; }`).join('\n'));
    const layerOf = new Map(passage.layers.map((l) => [l.slug, l]));
    const cards = new Map<number, Card>();
    for (const gloss of passage.glosses) {
      const layer = layerOf.get(gloss.layer);
      if (!layer) continue;
      const card: Card = { gloss, layer, children: [] };
      cards.set(gloss.id, card);
      if (gloss.target.gloss !== null) {
        cards.get(gloss.target.gloss)?.children.push(card);
      } else if (gloss.anchor?.start != null) {
        const at = gloss.anchor.start;
        const block = this.blocks.findLast((b) => b.start <= at) ?? this.blocks[0];
        block?.cards.push(card);
      }
    }
    for (const block of this.blocks) block.cards.sort((a, b) => a.gloss.anchor!.start! - b.gloss.anchor!.start! || a.gloss.id - b.gloss.id);
    this.bodies.clear();
    this.error = '';
    this.passage = passage;
    void this.updateComplete.then(() => {
      this.dispatchEvent(new CustomEvent('daf-loaded', { detail: { glosses: cards.size }, bubbles: true, composed: true }));
    });
  }

  /** A body rendered once per load, so re-renders move the same element instead of re-serializing. */
  private body(key: string, doc: unknown, className: string): HTMLElement {
    let el = this.bodies.get(key);
    if (!el) this.bodies.set(key, (el = renderBody(doc, className)));
    return el;
  }

  /** Highlights every gloss on the text that is placed on words (not on a whole segment). */
  private drawHighlights() {
    if (!this.highlights || !this.passage) return;
    const spans = [];
    for (const block of this.blocks) {
      for (const { gloss, layer } of block.cards) {
        const a = gloss.anchor!;
        if (a.status === 'segment' || a.end === null || a.end <= a.start!) continue;
        const end = this.blocks.findLast((b) => b.start < a.end!) ?? block;
        const from = pointAt(block.el, a.start! - block.start);
        const to = pointAt(end.el, Math.min(a.end, end.end) - end.start);
        const range = new StaticRange({ startContainer: from.node, startOffset: from.offset, endContainer: to.node, endOffset: to.offset });
        spans.push({ range, color: layer.color, active: gloss.id === this.active });
      }
    }
    this.highlights.draw(spans);
  }

  private toggleThread(id: number) {
    const open = new Set(this.open);
    if (!open.delete(id)) open.add(id);
    this.open = open;
  }

  private get joinUrl(): string {
    const query = this.layers ? `?layers=${encodeURIComponent(this.layers)}` : '';
    const first = this.passage?.ref ? this.passage.segments[0]?.ref : undefined;
    return `${this.origin}/t/${encodeURIComponent(this.slug)}${query}${first ? `#${encodeURIComponent(first)}` : ''}`;
  }

  // --- Signing in and writing -----------------------------------------------------------------

  private async signIn() {
    this.writeError = '';
    try {
      const connection = await connect(this.origin);
      if (!connection) return;
      this.connection = connection;
      await this.load();
    } catch (e) {
      this.writeError = failureMessage(e);
    }
  }

  private signedOut() {
    forgetConnection(this.origin);
    this.connection = null;
    this.me = null;
    this.composing = null;
    this.selecting = null;
  }

  private async signOut() {
    const id = this.connection?.id;
    if (id !== undefined) await this.api!.revokeToken(id).catch(() => {});
    this.signedOut();
    await this.load();
  }

  private loadWriting(): Promise<Writing> {
    return (this.writing ??= import('./writing.ts'));
  }

  /** After the reader lets go of a selection in the text: offer to gloss it. */
  private onSelectionEnd = () => {
    if (!this.me || this.composing) return;
    requestAnimationFrame(() => {
      const root = this.renderRoot as ShadowRoot;
      const selection = document.getSelection();
      let range: AbstractRange | null = null;
      if (selection && 'getComposedRanges' in selection) {
        range = selection.getComposedRanges({ shadowRoots: [root] })[0] ?? null;
      } else {
        const own = (root as ShadowRoot & { getSelection?: () => Selection | null }).getSelection?.();
        range = own && own.rangeCount ? own.getRangeAt(0) : null;
      }
      const blockOf = (n: Node) => this.blocks.findIndex((b) => b.el.contains(n));
      const block = range && !range.collapsed && blockOf(range.endContainer) >= 0 ? blockOf(range.startContainer) : -1;
      this.selecting = block >= 0 ? { range: range!, block } : null;
    });
  };

  private async startGloss() {
    const selecting = this.selecting;
    if (!selecting || !this.passage) return;
    const writing = await this.loadWriting();
    const target = writing.rangeTarget(selecting.range, this.blocks, this.projectionText, this.passage.start);
    this.selecting = null;
    if (!this.passage.layers.some((l) => l.you.write)) {
      // A site's token may not make layers: a layer of one's own starts on Daf itself.
      this.writeError = 'No layer shown here takes your glosses. Open the passage on Daf to start a layer of your own.';
      return;
    }
    if (target) this.compose({ kind: 'gloss', block: selecting.block, target });
  }

  private async startReply(gloss: number, parent?: number) {
    await this.loadWriting();
    this.compose({ kind: 'reply', gloss, parent });
  }

  private compose(what: Composing) {
    this.writeError = '';
    this.composing = what;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('daf-composer')?.focus());
  }

  private async post(event: CustomEvent<ComposerPost>) {
    const what = this.composing;
    if (!what || !this.api) return;
    this.busy = true;
    this.writeError = '';
    try {
      const { detail } = event;
      if (what.kind === 'gloss') {
        await this.api.createGloss(this.slug, detail.layer!, { target: what.target, body: detail.body, motivation: detail.motivation });
      } else {
        await this.api.reply(what.gloss, detail.body, what.parent);
        this.open = new Set([...this.open, what.gloss]);
      }
      this.composing = null;
      await this.load();
    } catch (e) {
      this.writeError = failureMessage(e);
    } finally {
      this.busy = false;
    }
  }

  // --- Rendering --------------------------------------------------------------------------------

  private renderComposer(what: Composing): TemplateResult {
    const gloss = what.kind === 'gloss';
    const writable = this.passage!.layers.filter((l) => l.you.write);
    return html`<div class="composer" part="composer">
      <daf-composer
        .choose=${gloss}
        .newLayers=${false}
        .quote=${gloss ? what.target.exact : ''}
        .layers=${writable}
        .label=${gloss ? 'Your gloss' : 'Your reply'}
        .submitLabel=${gloss ? 'Post' : 'Reply'}
        .busy=${this.busy}
        .error=${this.writeError}
        @daf-post=${this.post}
        @daf-cancel=${() => (this.composing = null)}
      ></daf-composer>
    </div>`;
  }

  private renderThread(gloss: Gloss, canReply: boolean): TemplateResult {
    const depth = new Map<number, number>();
    const replying = this.composing?.kind === 'reply' && this.composing.gloss === gloss.id ? this.composing : null;
    const reply = (r: Reply) => {
      const d = r.parent === null ? 0 : Math.min((depth.get(r.parent) ?? 0) + 1, 4);
      depth.set(r.id, d);
      return html`<li class="reply depth-${d}" part="reply">
        <div class="reply-author">${authorName(r.author, 'Deleted')}</div>
        ${r.body ? this.body(`r${r.id}`, r.body.doc, 'reply-body') : html`<em class="empty">Deleted</em>`}
        ${canReply && r.body ? html`<button part="button" @click=${() => this.startReply(gloss.id, r.id)}>Answer</button>` : nothing}
        ${replying?.parent === r.id ? this.renderComposer(replying) : nothing}
      </li>`;
    };
    return html`<ul class="thread" part="thread">
      ${gloss.replies.map(reply)}
      ${replying && replying.parent === undefined ? html`<li>${this.renderComposer(replying)}</li>` : nothing}
    </ul>`;
  }

  private renderCard(card: Card): TemplateResult | typeof nothing {
    const { gloss, layer } = card;
    const replies = gloss.replies.filter((r) => r.body !== null).length;
    if (!gloss.body && replies === 0 && card.children.length === 0) return nothing;
    const canReply = !!this.me && layer.you.reply && gloss.status === 'active';
    const open = this.open.has(gloss.id);
    // Without highlights, a card quotes the words it is on; one on a whole segment sits under it.
    const showQuote = !highlightsSupported && gloss.anchor?.status !== 'segment' && gloss.target.gloss === null;
    const focus = (id: number | null) => () => (this.active = id);
    return html`<li
      class="card ${gloss.id === this.active ? 'active' : ''}"
      part="card"
      tabindex="0"
      data-gloss=${gloss.id}
      dir=${gloss.body ? textDirection(gloss.body.text) : 'auto'}
      data-layer=${layer.slug}
      @mouseenter=${focus(gloss.id)}
      @mouseleave=${focus(null)}
      @focusin=${focus(gloss.id)}
    >
      <div class="card-head" part="card-header">
        <span class="layer" part="layer">${layer.name}</span>
        ${gloss.motivation === 'questioning' ? html`<span>Question</span>` : nothing}
        <span part="author">${authorName(gloss.author, '')}</span>
      </div>
      ${showQuote ? html`<p class="quote" part="quote">“${gloss.target.exact}”</p>` : nothing}
      ${gloss.body ? this.body(`g${gloss.id}`, gloss.body.doc, 'body') : html`<p class="empty">This gloss was deleted.</p>`}
      ${replies || canReply
        ? html`<div class="meta" part="meta">
            ${replies
              ? html`<button part="button replies" aria-expanded=${open ? 'true' : 'false'} @click=${() => this.toggleThread(gloss.id)}>
                  ${replies === 1 ? '1 reply' : `${replies} replies`}
                </button>`
              : nothing}
            ${canReply ? html`<button part="button" @click=${() => this.startReply(gloss.id)}>Reply</button>` : nothing}
          </div>`
        : nothing}
      ${open || this.composing?.kind === 'reply' && this.composing.gloss === gloss.id ? this.renderThread(gloss, canReply) : nothing}
      ${card.children.length ? html`<ul class="cards" part="cards">${card.children.map((c) => this.renderCard(c))}</ul>` : nothing}
    </li>`;
  }

  private renderFooter(): TemplateResult {
    return html`<footer part="footer">
      ${this.interactive
        ? this.me
          ? html`<span>Signed in as ${this.me.name}</span>
              <button part="button" @click=${this.signOut}>Sign out</button>
              <span>Select words in the passage to write a gloss.</span>`
          : html`<button part="button sign-in" @click=${this.signIn}>Sign in to write</button>`
        : nothing}
      ${this.writeError && !this.composing ? html`<p class="error" part="error" role="alert">${this.writeError}</p>` : nothing}
      <a class="join" part="join" href=${this.joinUrl} target="_blank" rel="noopener">Join the discussion</a>
    </footer>`;
  }

  override render() {
    const p = this.passage;
    if (!p) {
      return html`<div class="root" part="container">
        ${this.error ? html`<p class="error" part="error" role="alert">${this.error}</p>` : html`<p class="loading">Loading the passage…</p>`}
      </div>`;
    }
    const cardCount = this.blocks.reduce((n, b) => n + b.cards.length, 0);
    return html`<div class="root" part="container">
      <header part="header">
        <a class="title" part="title" href=${this.joinUrl} target="_blank" rel="noopener">${p.text.title}${p.ref ? ` ${p.ref}` : ''}</a>
        <ul class="legend" part="legend">
          ${p.layers.map((l) => html`<li data-layer=${l.slug}>${l.name}</li>`)}
        </ul>
      </header>
      ${this.error ? html`<p class="error" part="error" role="alert">${this.error}</p>` : nothing}
      <div class="text" part="text" dir=${p.text.direction} lang=${p.text.language} @pointerup=${this.onSelectionEnd} @keyup=${this.onSelectionEnd}>
        ${this.blocks.map(
          (b, i) => html`<section class="block">
            ${b.el}
            ${this.selecting?.block === i
              ? html`<p class="offer">
                  <button class="primary" part="button" @mousedown=${(e: Event) => e.preventDefault()} @click=${this.startGloss}>Write a gloss on the selection</button>
                </p>`
              : nothing}
            ${b.cards.length ? html`<ul class="cards" part="cards">${b.cards.map((c) => this.renderCard(c))}</ul>` : nothing}
            ${this.composing?.kind === 'gloss' && this.composing.block === i ? this.renderComposer(this.composing) : nothing}
          </section>`,
        )}
      </div>
      ${cardCount === 0 ? html`<p class="empty">No glosses on this passage yet.</p>` : nothing}
      ${this.renderFooter()}
    </div>`;
  }
}

customElements.define('daf-passage', DafPassage);

declare global {
  interface HTMLElementTagNameMap {
    'daf-passage': DafPassage;
  }
  interface GlobalEventHandlersEventMap {
    'daf-loaded': CustomEvent<{ glosses: number }>;
  }
}
