import { LitElement, html, css, type TemplateResult } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import './daf-account.ts';
import './daf-notifications.ts';
import './daf-library.ts';
import './text-page/daf-text-page.ts';

/** The app's own paths: the library, a text, a group, an invitation, one's account, a person. Others load as pages. */
const appPath = /^\/(t\/|g\/|u\/|invite\/|verify-email\/|reset-password\/|account$|$)/;

/**
 * The organisers' pages (a group, an invitation, a new group, Add a text, one's account, and the
 * pages a mailed link opens) load when first opened, in a chunk of their own: most visits are to
 * read, and the reader's script stays small. Their elements upgrade once defined.
 */
const loadGroupPages = () => Promise.all([import('./daf-group-page.ts'), import('./daf-invite-page.ts')]);

/** The printable daf (`/t/:slug/print`) loads on its own too, when first opened. */
const loadPrintPage = () => import('./daf-print-page.ts');

/** A person's page (`/u/:handle`), likewise. */
const loadPersonPage = () => import('./daf-person-page.ts');

/**
 * The reader application: a small router over the URL. `/` is the library, `/t/:slug` a text,
 * `/g/:slug` a reading group, `/u/:handle` a person, `/invite/:token` an invitation. Links inside the app are ordinary
 * links; it listens to `popstate` and intercepts same-origin clicks so navigation does not
 * reload the page. A component that must go elsewhere (an accepted invitation opens its group)
 * fires `daf-navigate`.
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
    header .corner {
      margin-inline-start: auto;
      display: flex;
      align-items: center;
      gap: 0.75rem;
    }
    @media print {
      header {
        display: none;
      }
    }
  `;

  static override properties = {
    path: { state: true },
    chunkFailed: { state: true },
  };

  declare path: string;
  /** Whether the group pages' script could not be loaded (offline, or a newer deployment). */
  declare chunkFailed: boolean;

  constructor() {
    super();
    this.path = location.pathname;
    this.chunkFailed = false;
  }

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('popstate', this.onPopState);
    this.addEventListener('click', this.onClick);
    this.addEventListener('daf-navigate', this.onNavigate);
  }

  override disconnectedCallback() {
    window.removeEventListener('popstate', this.onPopState);
    this.removeEventListener('click', this.onClick);
    this.removeEventListener('daf-navigate', this.onNavigate);
    super.disconnectedCallback();
  }

  private onPopState = () => {
    this.path = location.pathname;
  };

  private onClick = (event: MouseEvent) => {
    const anchor = event.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
    if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin || !appPath.test(url.pathname)) return;
    event.preventDefault();
    this.go(url);
  };

  private onNavigate = (event: CustomEvent<{ path: string }>) => {
    this.go(new URL(event.detail.path, location.href));
  };

  private go(url: URL) {
    // Another place on the same page (a notification's link to a reply on the open text): the
    // page follows the fragment as it would a typed one.
    if (url.pathname === location.pathname && url.search === location.search && url.hash) {
      if (url.hash !== location.hash) location.hash = url.hash;
      return;
    }
    history.pushState(null, '', url);
    this.path = url.pathname;
    // A new page starts at its top, as a loaded one would.
    if (!url.hash) window.scrollTo(0, 0);
  }

  /** A page whose script loads on first use; if it cannot be loaded, the page says so. */
  private lazy(load: () => Promise<unknown>, page: TemplateResult) {
    if (this.chunkFailed) return html`<p role="alert">This page could not be loaded. Check your connection, then reload the page.</p>`;
    void load().catch(() => (this.chunkFailed = true));
    return page;
  }

  private page() {
    const [, kind, param, print] = /^\/(t|g|u|invite|verify-email|reset-password)\/([^/]+)(\/print\/?)?/.exec(this.path) ?? [];
    const value = param === undefined ? '' : decodeURIComponent(param);
    if (kind === 't' && print) return this.lazy(loadPrintPage, html`<daf-print-page slug=${value}></daf-print-page>`);
    if (kind === 't' && value === 'new') return this.lazy(loadGroupPages, html`<daf-add-text></daf-add-text>`);
    // A page per text: going from one text straight to another builds the new one afresh (its
    // view, its measurements, its link target) rather than repainting the old one's.
    if (kind === 't') return keyed(value, html`<daf-text-page slug=${value}></daf-text-page>`);
    if (kind === 'g' && value === 'new') return this.lazy(loadGroupPages, html`<daf-new-group></daf-new-group>`);
    if (kind === 'g') return this.lazy(loadGroupPages, html`<daf-group-page slug=${value}></daf-group-page>`);
    if (kind === 'u') return keyed(value, this.lazy(loadPersonPage, html`<daf-person-page handle=${value}></daf-person-page>`));
    if (kind === 'verify-email') return this.lazy(loadGroupPages, html`<daf-verify-email token=${value}></daf-verify-email>`);
    if (kind === 'reset-password') return this.lazy(loadGroupPages, html`<daf-reset-password token=${value}></daf-reset-password>`);
    if (kind === 'invite') return this.lazy(loadGroupPages, html`<daf-invite-page token=${value}></daf-invite-page>`);
    if (this.path === '/account') return this.lazy(loadGroupPages, html`<daf-account-page></daf-account-page>`);
    return html`<daf-library></daf-library>`;
  }

  override render() {
    return html`
      <header>
        <a href="/">Daf</a><span>a page of commentary for any text</span>
        <div class="corner"><daf-notifications></daf-notifications><daf-account></daf-account></div>
      </header>
      <main>${this.page()}</main>
    `;
  }
}

customElements.define('daf-app', DafApp);

declare global {
  interface HTMLElementTagNameMap {
    'daf-app': DafApp;
  }
  interface GlobalEventHandlersEventMap {
    /** Asks the app to go to `path` within itself, as a followed link would. */
    'daf-navigate': CustomEvent<{ path: string }>;
  }
}
