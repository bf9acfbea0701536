import { LitElement, html, css } from 'lit';
import { ApiError, api, type SessionInfo } from '../api.ts';
import { browserName } from '../browser-name.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { dateText } from '../group-facts.ts';
import { groupStyles } from './group-styles.ts';

/**
 * The account page's list of where one is signed in: each session with its browser, when it
 * began and was last used, "this browser" for the one reading; any other can be signed out on
 * its own (a phone left somewhere), without ending the rest.
 */
export class DafAccountSessions extends LitElement {
  static override styles = [
    groupStyles,
    css`
      ul {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      .here {
        font-weight: 600;
      }
    `,
  ];

  static override properties = {
    sessions: { state: true },
  };

  /** The sessions, once read. */
  declare sessions: SessionInfo[] | null;

  private readonly actions = new ActionController(this);

  constructor() {
    super();
    this.sessions = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  /** Reads the sessions again (after "sign out everywhere" elsewhere on the page, say). */
  async load() {
    try {
      this.sessions = (await api.sessions()).sessions;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) this.actions.fail(e);
    }
  }

  private async end(s: SessionInfo) {
    await this.actions.run(async () => {
      await api.endSession(s.id);
      await this.load();
      return `${browserName(s.userAgent)} is signed out.`;
    });
  }

  override render() {
    const sessions = this.sessions;
    if (sessions === null) return html`<p aria-busy="true">Reading your sessions…</p>${this.actions.regions()}`;
    return html`<ul aria-label="Where you are signed in">
        ${sessions.map(
          (s) => html`<li class="row" data-id=${s.id}>
            <span class="grow"
              >${browserName(s.userAgent)}${s.current ? html` · <span class="here">this browser</span>` : ''}
              <span class="meta">signed in ${dateText(s.created)}${s.lastSeen ? ` · last used ${dateText(s.lastSeen, true)}` : ''}</span></span
            >
            ${s.current
              ? ''
              : html`<button type="button" ?disabled=${this.actions.busy} aria-label="Sign out ${browserName(s.userAgent)}, signed in ${dateText(s.created)}" @click=${() => this.end(s)}>
                  Sign out
                </button>`}
          </li>`,
        )}
      </ul>
      ${this.actions.regions()}`;
  }
}

customElements.define('daf-account-sessions', DafAccountSessions);

declare global {
  interface HTMLElementTagNameMap {
    'daf-account-sessions': DafAccountSessions;
  }
}
