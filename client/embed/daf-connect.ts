import { LitElement, html, css, nothing } from 'lit';
import { api, failureMessage } from '../api.ts';
import '../components/daf-account.ts';
import { SessionController } from '../session.ts';
import { buttonStyles, focusStyles } from '../components/page-styles.ts';
import { palette } from './palette.ts';

/**
 * The sign-in popup of interactive embeds, on the Daf server's own page `/embed/connect?origin=…`.
 * It names the site that asks, lets the person log in or sign up (the reader's own account
 * dialogs, with the session cookie, on our origin), and only on their click creates a bearer
 * token and posts it to the opener — at that origin only, so a page that opened the popup while
 * naming another site gets nothing. Cancelling or closing tells the opener nothing but no.
 *
 * The token is an `embed` token: it reads what the person may read and writes their own glosses
 * and replies, nothing else, and runs out after 30 days; the popup says so. Its Allow button
 * takes no click for a moment after it appears and after the window is shown again, so a
 * site cannot open the popup under a double-click and have the second click allow it.
 */
/** How long Allow waits before it takes a click, after it appears or the window is shown again. */
const armDelayMs = 1000;

export class DafConnect extends LitElement {
  static override styles = [
    palette,
    css`
      :host {
        display: block;
        color-scheme: light dark;
        min-block-size: 100vh;
        box-sizing: border-box;
        padding: 1.5rem;
        font-family: system-ui, sans-serif;
        color: var(--daf-fg);
        background: var(--daf-bg);
      }
      h1 {
        font-size: 1.3rem;
        margin: 0 0 1rem;
      }
      .site {
        font-weight: 700;
        overflow-wrap: anywhere;
      }
      .actions {
        display: flex;
        gap: 0.6rem;
        margin-block-start: 1.2rem;
      }
      ${buttonStyles}
      ${focusStyles}
      button {
        padding: 0.4rem 1rem;
      }
      .note {
        color: var(--daf-muted);
        font-size: 0.9rem;
      }
      [role='alert'] {
        color: light-dark(#a02020, #ff8f8f);
      }
    `,
  ];

  static override properties = {
    busy: { state: true },
    error: { state: true },
    armed: { state: true },
  };

  declare busy: boolean;
  declare error: string;
  /** Whether the Allow button takes clicks yet. */
  declare armed: boolean;
  private armTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly session = new SessionController(this);
  /** The origin of the page that asks, as the server checked it. */
  private readonly origin = new URLSearchParams(location.search).get('origin') ?? '';

  constructor() {
    super();
    this.busy = false;
    this.error = '';
    this.armed = false;
  }

  override connectedCallback() {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.onVisibility);
    clearTimeout(this.armTimer);
  }

  /** A window shown again (brought back from behind another) waits again before Allow takes a click. */
  private readonly onVisibility = () => {
    if (document.visibilityState === 'visible' && this.armTimer !== undefined) this.disarm();
  };

  /** Makes Allow wait `armDelayMs` before it takes a click (again). */
  private readonly disarm = () => {
    this.armed = false;
    clearTimeout(this.armTimer);
    this.armTimer = setTimeout(() => (this.armed = true), armDelayMs);
  };

  override updated() {
    // The button has just appeared (the person is known now): start its wait.
    const button = this.renderRoot.querySelector('button.primary');
    if (button && !this.armed && this.armTimer === undefined) this.disarm();
    if (!button) {
      clearTimeout(this.armTimer);
      this.armTimer = undefined;
      if (this.armed) this.armed = false;
    }
  }

  private get site(): string {
    return new URL(this.origin).host;
  }

  private async allow() {
    const opener = window.opener as Window | null;
    const me = this.session.me;
    if (!opener || !me) return;
    this.busy = true;
    this.error = '';
    try {
      const { id, token } = await api.createEmbedToken(`Embed on ${this.site}`);
      opener.postMessage({ type: 'daf-token', connection: { token, id, me } }, this.origin);
      window.close();
    } catch (e) {
      this.error = failureMessage(e);
    } finally {
      this.busy = false;
    }
  }

  private cancel() {
    (window.opener as Window | null)?.postMessage({ type: 'daf-cancel' }, this.origin);
    window.close();
  }

  override render() {
    if (!window.opener) {
      return html`<h1>Connect a site to Daf</h1>
        <p>This window lets a site show Daf passages you can write in. Open it from the site's “Sign in to write” button.</p>`;
    }
    const me = this.session.me;
    return html`<h1>Connect <span class="site">${this.site}</span> to Daf</h1>
      <p><span class="site">${this.origin}</span> asks to let you write glosses and replies on Daf from its pages.</p>
      ${!this.session.known
        ? html`<p class="note">Checking who you are…</p>`
        : me
          ? html`<p>You are signed in to Daf as <strong>${me.name}</strong>.</p>
              <p>If you allow it, that site can, for 30 days or until you sign out there:</p>
              <ul class="note">
                <li>read on Daf what you may read;</li>
                <li>write glosses and replies as you, and edit or delete them.</li>
              </ul>
              <p class="note">Nothing else: not your account, your groups, their moderation or your layers.</p>
              <div class="actions">
                <button class="primary" ?disabled=${this.busy || !this.armed} @click=${this.allow}>Allow</button>
                <button @click=${this.cancel}>Cancel</button>
              </div>`
          : html`<p>Log in or sign up first:</p>
              <daf-account></daf-account>
              <div class="actions"><button @click=${this.cancel}>Cancel</button></div>`}
      ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}`;
  }
}

customElements.define('daf-connect', DafConnect);

declare global {
  interface HTMLElementTagNameMap {
    'daf-connect': DafConnect;
  }
}
