import { LitElement, html, css, nothing } from 'lit';
import { DOMSerializer, type Schema } from 'prosemirror-model';
import { glossSchema, textSchema } from '../../schema/document.ts';
import { api, failureMessage, type Gloss, type Layer, type Passage } from '../api.ts';
import { authorName } from '../author-name.ts';
import { cssColor } from '../layer-style.ts';
import { textDirection } from '../layout/text-direction.ts';

const textSerializer = DOMSerializer.fromSchema(textSchema);
const bodySerializer = DOMSerializer.fromSchema(glossSchema);

/** A document's content as DOM, through its schema (never from HTML). */
function serialize(serializer: DOMSerializer, schema: Schema, doc: unknown): DocumentFragment {
  return serializer.serializeFragment(schema.nodeFromJSON(doc).content) as DocumentFragment;
}

/** The paper's margins: `@page` counts only in the document's own styles, not in a shadow root's. */
const paperSheet = new CSSStyleSheet();
paperSheet.replaceSync('@page { margin: 15mm 12mm; }');

/** The longest opening words a gloss starts with, in characters. */
const maxLemma = 80;

/** A gloss, and the glosses on it, in the order their words come. */
interface Entry {
  gloss: Gloss;
  children: Entry[];
}

/** The glosses of one layer on the passage, by where their words start, each with the glosses on it (from any layer shown). */
function entriesOf(layer: Layer, glosses: Gloss[]): Entry[] {
  const byParent = new Map<number, Gloss[]>();
  for (const g of glosses) {
    if (g.target.gloss === null) continue;
    const list = byParent.get(g.target.gloss);
    if (list) list.push(g);
    else byParent.set(g.target.gloss, [g]);
  }
  const at = (g: Gloss) => g.anchor?.start ?? Number.MAX_SAFE_INTEGER;
  const entry = (g: Gloss): Entry => ({ gloss: g, children: (byParent.get(g.id) ?? []).sort((a, b) => at(a) - at(b)).map(entry) });
  return glosses
    .filter((g) => g.layer === layer.slug && g.target.gloss === null && g.status === 'active')
    .sort((a, b) => at(a) - at(b) || a.id - b.id)
    .map(entry);
}

/**
 * A passage laid out for paper, the way a printed daf is (README, "The reader": printing):
 * `/t/:slug/print?ref=1:1-1:6&layers=a,b`. The text stands in the middle; the first layer
 * shown runs beside it on the inline-start side, the second on the inline-end side, and any
 * further layers below, two columns wide (one layer alone runs beside the text, after it). Each gloss opens with the words it explains in bold
 * (the printed commentaries' opening words) and its passage's ref; glosses on a gloss follow it,
 * indented. Replies are the group's conversation and stay on screen. On screen a bar offers to
 * print and to go back; on paper there is nothing but the page.
 */
export class DafPrintPage extends LitElement {
  static override styles = css`
    :host {
      display: block;
      max-width: 72rem;
      margin: 0 auto;
      padding: 1rem 1.5rem 3rem;
      color: var(--daf-ink, #222);
    }
    .bar {
      display: flex;
      gap: 1rem;
      align-items: baseline;
      margin-block-end: 1rem;
      font-family: system-ui, sans-serif;
      font-size: 0.9rem;
    }
    .bar button {
      font: inherit;
      padding: 0.3rem 0.9rem;
    }
    h1 {
      text-align: center;
      font-weight: normal;
      font-size: 1.6rem;
      margin: 0;
    }
    .ref {
      text-align: center;
      margin: 0.2rem 0 1rem;
      color: var(--daf-muted, #666);
    }
    .sheet {
      display: grid;
      grid-template-columns: 1fr 1.5fr 1fr;
      gap: 1.25rem;
      align-items: start;
    }
    .sheet.one {
      grid-template-columns: 1.5fr 1fr;
    }
    .sheet.none {
      grid-template-columns: 1fr;
    }
    .text {
      font-size: 1.15rem;
      line-height: 1.6;
    }
    .text p,
    .text h1,
    .text h2,
    .text h3 {
      margin: 0 0 0.6rem;
    }
    .text .segment::before {
      content: attr(data-ref) ' ';
      color: var(--daf-muted, #666);
      font-size: 0.75em;
      font-family: system-ui, sans-serif;
    }
    section.layer {
      font-size: 0.82rem;
      line-height: 1.45;
      text-align: justify;
      border-block-start: 3px solid var(--c);
      padding-block-start: 0.3rem;
    }
    section.layer h2 {
      font-size: 0.85rem;
      margin: 0 0 0.4rem;
      font-family: system-ui, sans-serif;
      color: var(--c);
    }
    .more {
      column-count: 2;
      column-gap: 1.25rem;
      margin-block-start: 1.25rem;
    }
    .more section.layer {
      break-inside: avoid-column;
      margin-block-end: 1rem;
    }
    .gloss {
      margin: 0 0 0.45rem;
    }
    .gloss .lemma {
      font-weight: 700;
    }
    .gloss .at {
      color: var(--daf-muted, #666);
      font-family: system-ui, sans-serif;
      font-size: 0.85em;
    }
    .gloss .body,
    .gloss .body > :first-child {
      display: inline;
    }
    .gloss .body p {
      margin: 0.2rem 0 0;
    }
    .gloss .by {
      color: var(--daf-muted, #666);
      font-style: italic;
    }
    .gloss .on {
      margin-inline-start: 1rem;
      margin-block-start: 0.3rem;
    }
    footer {
      margin-block-start: 2rem;
      font-size: 0.75rem;
      color: var(--daf-muted, #666);
      text-align: center;
    }
    @media print {
      :host {
        max-width: none;
        padding: 0;
      }
      .bar {
        display: none;
      }
      .text {
        font-size: 11pt;
      }
      section.layer {
        font-size: 8pt;
      }
    }
  `;

  static override properties = {
    slug: {},
    passage: { state: true },
    error: { state: true },
  };

  declare slug: string;
  declare passage: Passage | null;
  declare error: string;

  constructor() {
    super();
    this.slug = '';
    this.passage = null;
    this.error = '';
  }

  override connectedCallback() {
    super.connectedCallback();
    if (!document.adoptedStyleSheets.includes(paperSheet)) document.adoptedStyleSheets = [...document.adoptedStyleSheets, paperSheet];
    void this.load();
  }

  override disconnectedCallback() {
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== paperSheet);
    super.disconnectedCallback();
  }

  private async load() {
    const query = new URLSearchParams(location.search);
    const layers = query.get('layers')?.split(',').filter(Boolean) ?? null;
    try {
      const passage = await api.passage(this.slug, query.get('ref'), layers);
      this.passage = passage;
      document.title = `${passage.text.title}${passage.ref ? ` ${passage.ref}` : ''} — Daf`;
    } catch (e) {
      this.error = failureMessage(e);
    }
    await this.updateComplete;
    this.dispatchEvent(new CustomEvent('daf-print-ready', { bubbles: true, composed: true }));
  }

  private layer(layer: Layer, glosses: Gloss[]) {
    const entries = entriesOf(layer, glosses);
    if (!entries.length) return nothing;
    return html`<section class="layer" style="--c: ${cssColor(layer.color)}" aria-label=${layer.name} data-layer=${layer.slug}>
      <h2>${layer.name}</h2>
      ${entries.map((e) => this.entry(e, layer))}
    </section>`;
  }

  private entry(e: Entry, layer: Layer): unknown {
    const g = e.gloss;
    // The opening words, as a printed commentary gives them: none for a gloss on its whole
    // passage (the ref says it), and a long quote cut at a word.
    const quoted = g.anchor?.status === 'segment' ? '' : (g.anchor?.exact ?? g.target.exact).replace(/\s+/g, ' ').trim();
    const words = quoted.length > maxLemma ? `${quoted.slice(0, quoted.lastIndexOf(' ', maxLemma) > 0 ? quoted.lastIndexOf(' ', maxLemma) : maxLemma)}…` : quoted;
    const by = g.attribution ?? authorName(g.author, '');
    const body = g.body ? serialize(bodySerializer, glossSchema, g.body.doc) : null;
    // A note in English on a Hebrew text reads left to right, its Hebrew opening words isolated.
    return html`<div class="gloss" data-gloss=${g.id} dir=${g.body ? textDirection(g.body.text) : 'auto'}>
      ${g.target.segment && g.target.gloss === null ? html`<span class="at">${g.target.segment}</span> ` : nothing}${words ? html`<span class="lemma" dir="auto">${words}</span>` : nothing}
      ${body ? html`<div class="body">${body}</div>` : nothing}
      ${by && by !== layer.name ? html`<span class="by">— ${by}</span>` : nothing}
      ${e.children.length ? html`<div class="on">${e.children.map((c) => this.entry(c, layer))}</div>` : nothing}
    </div>`;
  }

  override render() {
    if (this.error) return html`<p role="alert">${this.error}</p>`;
    const p = this.passage;
    if (!p) return html`<p>Loading…</p>`;
    const shown = p.layers.filter((l) => p.glosses.some((g) => g.layer === l.slug && g.target.gloss === null && g.status === 'active'));
    const [start, end, ...rest] = shown;
    const sheetClass = end ? 'sheet' : start ? 'sheet one' : 'sheet none';
    const back = `/t/${encodeURIComponent(p.text.slug)}`;
    const text = html`<div class="text">${serialize(textSerializer, textSchema, p.doc)}</div>`;
    return html`
      <div class="bar">
        <button @click=${() => print()}>Print</button>
        <a href=${back}>Back to the text</a>
        <span>${shown.length ? `${shown.length} ${shown.length === 1 ? 'layer' : 'layers'} around the text` : 'No commentary on this passage'}</span>
      </div>
      <article dir=${p.text.direction} lang=${p.text.language}>
        <h1>${p.text.title}</h1>
        ${p.ref ? html`<p class="ref">${p.ref}</p>` : nothing}
        <div class=${sheetClass}>
          ${end ? html`${this.layer(start, p.glosses)}${text}${this.layer(end, p.glosses)}` : html`${text}${start ? this.layer(start, p.glosses) : nothing}`}
        </div>
        ${rest.length ? html`<div class="more">${rest.map((l) => this.layer(l, p.glosses))}</div>` : nothing}
        <footer>${[p.text.attribution, p.text.license].filter(Boolean).join(' · ')} · ${location.origin}/t/${p.text.slug}</footer>
      </article>
    `;
  }
}

customElements.define('daf-print-page', DafPrintPage);

declare global {
  interface HTMLElementTagNameMap {
    'daf-print-page': DafPrintPage;
  }
}
