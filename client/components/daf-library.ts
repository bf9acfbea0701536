import { LitElement, html, css } from 'lit';
import { api, type TextSummary } from '../api.ts';

/** The library: the texts the reader may open, with their language and attribution. */
export class DafLibrary extends LitElement {
  static override styles = css`
    :host {
      display: block;
      max-width: 48rem;
      margin: 2rem auto;
      padding: 0 1.5rem;
    }
    h1 {
      font-weight: 500;
    }
    ul {
      list-style: none;
      padding: 0;
    }
    li {
      padding: 0.75rem 0;
      border-block-end: 1px solid var(--daf-rule);
    }
    a {
      color: var(--daf-fg);
      font-size: 1.25rem;
      text-decoration: none;
    }
    a:hover,
    a:focus-visible {
      color: var(--daf-accent);
      text-decoration: underline;
    }
    small {
      display: block;
      color: var(--daf-muted);
    }
  `;

  static override properties = {
    texts: { state: true },
    error: { state: true },
  };

  declare texts: TextSummary[] | null;
  declare error: string;

  constructor() {
    super();
    this.texts = null;
    this.error = '';
  }

  override async connectedCallback() {
    super.connectedCallback();
    try {
      this.texts = (await api.texts()).texts;
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  override render() {
    if (this.error) return html`<p role="alert">${this.error}</p>`;
    if (!this.texts) return html`<p aria-busy="true">Loading the library…</p>`;
    return html`
      <h1>Library</h1>
      <ul>
        ${this.texts.map(
          (t) => html`<li>
            <a href="/t/${encodeURIComponent(t.slug)}" lang=${t.language} dir=${t.direction}>${t.title}</a>
            <small>${t.attribution ?? ''}${t.license ? ` · ${t.license}` : ''}</small>
          </li>`,
        )}
      </ul>
    `;
  }
}

customElements.define('daf-library', DafLibrary);

declare global {
  interface HTMLElementTagNameMap {
    'daf-library': DafLibrary;
  }
}
