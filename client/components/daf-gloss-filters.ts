import { LitElement, css, html, nothing } from 'lit';
import { kindName, noFilter, type Facets, type GlossFilter } from '../gloss-filter.ts';
import { focusStyles } from './page-styles.ts';

/**
 * The reading page's filters (docs/deliberation.md §5), as a panel under the layer switches: open
 * questions only, kinds and authors, each with how many glosses of the page it holds. Every
 * change fires `daf-filter` with the filter now wanted; Esc or Done fires `daf-filter-close`.
 * Loaded on first use (filter-controller.ts `loadFilters`).
 */
export class DafGlossFilters extends LitElement {
  static override styles = [
    focusStyles,
    css`
      :host {
        display: block;
        margin: 0 auto 1.25rem;
        max-inline-size: 52rem;
        padding: 0.75rem 1rem;
        box-sizing: border-box;
        font: 0.85rem system-ui, sans-serif;
        background: var(--daf-card);
        border: 1px solid var(--daf-rule);
        border-radius: 6px;
      }
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem 2rem;
        align-items: flex-start;
      }
      fieldset {
        border: none;
        margin: 0;
        padding: 0;
        min-inline-size: 0;
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem 0.9rem;
        max-inline-size: 100%;
      }
      legend {
        padding: 0;
        margin-block-end: 0.3rem;
        font-weight: 600;
        color: var(--daf-muted);
      }
      label {
        display: inline-flex;
        align-items: center;
        gap: 0.3rem;
        cursor: pointer;
        min-block-size: 1.75rem;
      }
      .count {
        color: var(--daf-muted);
      }
      .done {
        margin-inline-start: auto;
        align-self: flex-end;
        font: inherit;
        padding: 0.3rem 0.8rem;
        border-radius: 4px;
        border: 1px solid var(--daf-accent);
        background: none;
        color: var(--daf-accent);
        cursor: pointer;
      }
    `,
  ];

  static override properties = {
    filter: { attribute: false },
    facets: { attribute: false },
  };

  declare filter: GlossFilter;
  /** What the page holds: kinds and authors with their counts, and its open questions. */
  declare facets: Facets;

  constructor() {
    super();
    this.filter = noFilter;
    this.facets = { open: 0, kinds: [], authors: [] };
  }

  private change(next: Partial<GlossFilter>) {
    this.dispatchEvent(new CustomEvent<GlossFilter>('daf-filter', { detail: { ...this.filter, ...next } }));
  }

  private close() {
    this.dispatchEvent(new CustomEvent('daf-filter-close'));
  }

  /** A list with `key` in it or out of it. */
  private static toggled(list: readonly string[], key: string, on: boolean): string[] {
    return on ? [...list.filter((k) => k !== key), key] : list.filter((k) => k !== key);
  }

  override render() {
    const f = this.filter;
    // What the page holds, and anything the filter names that it does not (a shared link), so it can be unset.
    const kinds = [...this.facets.kinds, ...f.kinds.filter((k) => !this.facets.kinds.some((x) => x.kind === k)).map((kind) => ({ kind, count: 0 }))];
    const authors = [...this.facets.authors, ...f.authors.filter((k) => !this.facets.authors.some((x) => x.key === k)).map((key) => ({ key, name: key.replace(/^~/, ''), count: 0 }))];
    const box = (checked: boolean, label: string, count: number, set: (on: boolean) => void) =>
      html`<label><input type="checkbox" .checked=${checked} @change=${(e: Event) => set((e.target as HTMLInputElement).checked)} />${label} <span class="count">(${count})</span></label>`;
    return html`<form aria-label="Filter glosses" @submit=${(e: Event) => e.preventDefault()} @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.close()}>
      <fieldset>
        <legend>Show</legend>
        ${box(f.open, 'Open questions only', this.facets.open, (open) => this.change({ open }))}
      </fieldset>
      <fieldset>
        <legend>Kind</legend>
        ${kinds.map(({ kind, count }) => box(f.kinds.includes(kind), kindName(kind), count, (on) => this.change({ kinds: DafGlossFilters.toggled(f.kinds, kind, on) })))}
      </fieldset>
      ${authors.length
        ? html`<fieldset>
            <legend>Author</legend>
            ${authors.map(({ key, name, count }) => box(f.authors.includes(key), name, count, (on) => this.change({ authors: DafGlossFilters.toggled(f.authors, key, on) })))}
          </fieldset>`
        : nothing}
      <button type="button" class="done" @click=${() => this.close()}>Done</button>
    </form>`;
  }
}

customElements.define('daf-gloss-filters', DafGlossFilters);

declare global {
  interface HTMLElementTagNameMap {
    'daf-gloss-filters': DafGlossFilters;
  }
}
