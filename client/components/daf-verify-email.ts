import { LitElement, html } from 'lit';
import { api } from '../api.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { groupPageFrame, groupStyles } from './group-styles.ts';

/**
 * `/verify-email/:token`, the page a confirmation link opens: it confirms the address at once,
 * in whatever browser the mail was read, and says so, or says why not.
 */
export class DafVerifyEmail extends LitElement {
  static override styles = [groupStyles, groupPageFrame];

  static override properties = {
    token: {},
    confirmed: { state: true },
  };

  declare token: string;
  /** The address confirmed, once it is. */
  declare confirmed: string | null;

  private readonly actions = new ActionController(this);

  constructor() {
    super();
    this.token = '';
    this.confirmed = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    document.title = 'Confirm your address · Daf';
    void this.actions.run(async () => {
      this.confirmed = (await api.verifyEmail(this.token)).email;
    });
  }

  override render() {
    if (this.confirmed) return html`<h1>Address confirmed</h1><p>${this.confirmed} is confirmed. <a href="/account">Your account</a></p>`;
    if (this.actions.busy) return html`<h1>Confirming your address…</h1>`;
    return html`<h1>Confirm your address</h1>${this.actions.regions()}<p><a href="/account">Your account</a> can send a new link.</p>`;
  }
}

customElements.define('daf-verify-email', DafVerifyEmail);

declare global {
  interface HTMLElementTagNameMap {
    'daf-verify-email': DafVerifyEmail;
  }
}
