import { LitElement, html, nothing } from 'lit';
import { ApiError, api, type Account } from '../api.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { groupFormStyles } from './group-form.ts';
import { groupStyles } from './group-styles.ts';

/**
 * The account page's e-mail address: what it is and whether it is confirmed. A new address is
 * mailed a link that confirms it (README, "Accounts"); until then nothing else is mailed to it,
 * and the link can be sent again. The server's refusal of an address shows beside the field.
 */
export class DafAccountEmail extends LitElement {
  static override styles = [groupStyles, groupFormStyles];

  static override properties = {
    account: { state: true },
  };

  /** The account, once read. */
  declare account: Account | null;

  private readonly actions = new ActionController(this);

  constructor() {
    super();
    this.account = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.actions.run(async () => {
      this.account = await api.account();
    });
  }

  private get refusedAddress(): boolean {
    const f = this.actions.failure;
    return f instanceof ApiError && f.code === 'invalid_request';
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    const email = String(new FormData(event.target as HTMLFormElement).get('email') ?? '').trim();
    await this.actions.run(async () => {
      this.account = await api.setEmail(email || null);
      if (!this.account.email) return 'Your address is removed.';
      return this.account.emailVerified ? 'Your address is confirmed already.' : `We sent a link to ${this.account.email}: open it to confirm the address.`;
    });
  }

  override render() {
    const a = this.account;
    if (!a) return html`${this.actions.error ? nothing : html`<p aria-busy="true">Reading your address…</p>`}${this.actions.regions()}`;
    const refused = this.refusedAddress;
    const state = !a.email ? 'No address: Daf mails you nothing.' : a.emailVerified ? `${a.email} is confirmed.` : `${a.email} is not confirmed yet: open the link we mailed to it.`;
    return html`<p class="state">${state}</p>
      <form @submit=${this.save} aria-label="Your e-mail address">
        <label
          >E-mail address
          <input name="email" type="email" maxlength="254" autocomplete="email" .value=${a.email ?? ''} aria-invalid=${refused ? 'true' : 'false'} aria-describedby=${refused ? 'email-error' : nothing} />
          ${refused ? html`<span class="field-error" id="email-error" role="alert">${this.actions.error}</span>` : nothing}
        </label>
        <span class="hint">Leave it empty to remove the address.</span>
        <div class="actions">
          <button type="submit" class="primary" ?disabled=${this.actions.busy}>${a.email && !a.emailVerified ? 'Save, or send the link again' : 'Save the address'}</button>
        </div>
      </form>
      ${refused ? nothing : this.actions.regions()}`;
  }
}

customElements.define('daf-account-email', DafAccountEmail);

declare global {
  interface HTMLElementTagNameMap {
    'daf-account-email': DafAccountEmail;
  }
}
