import { LitElement, html, css } from 'lit';
import './daf-account.ts';
import './daf-library.ts';
import './daf-text-page.ts';

/**
 * The reader application: a small router over the URL. `/` is the library, `/t/:slug` a text.
 * Links inside the app are ordinary links; it listens to `popstate` and intercepts same-origin
 * clicks so navigation does not reload the page.
 */
export class DafApp extends LitElement {
  static override styles = css`
    :host {
      display: block;
      min-height: 100vh;
    }
    header {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 0.5rem 1rem;
      padding: 0.75rem 1.5rem;
      border-block-end: 1px solid var(--daf-rule);
    }
    header a {
      color: var(--daf-accent);
      text-decoration: none;
      font-size: 1.5rem;
      font-weight: 600;
      letter-spacing: 0.02em;
    }
    header span {
      color: var(--daf-muted);
      font-style: italic;
    }
    header daf-account {
      margin-inline-start: auto;
    }
  `;

  static override properties = {
    path: { state: true },
  };

  declare path: string;

  constructor() {
    super();
    this.path = location.pathname;
  }

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('popstate', this.onPopState);
    this.addEventListener('click', this.onClick);
  }

  override disconnectedCallback() {
    window.removeEventListener('popstate', this.onPopState);
    this.removeEventListener('click', this.onClick);
    super.disconnectedCallback();
  }

  private onPopState = () => {
    this.path = location.pathname;
  };

  private onClick = (event: MouseEvent) => {
    const anchor = event.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
    if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin || !/^\/(t\/|$)/.test(url.pathname)) return;
    event.preventDefault();
    history.pushState(null, '', url);
    this.path = url.pathname;
  };

  override render() {
    const text = /^\/t\/([^/]+)/.exec(this.path);
    return html`
      <header><a href="/">Daf</a><span>a page of commentary for any text</span><daf-account></daf-account></header>
      <main>
        ${text ? html`<daf-text-page slug=${decodeURIComponent(text[1])}></daf-text-page>` : html`<daf-library></daf-library>`}
      </main>
    `;
  }
}

customElements.define('daf-app', DafApp);

declare global {
  interface HTMLElementTagNameMap {
    'daf-app': DafApp;
  }
}
