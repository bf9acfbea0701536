import { LitElement, css, html, nothing } from 'lit';
import { ApiError, api, type Account } from '../api.ts';
import type { DigestChoice } from '../../schema/api.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { groupFormStyles } from './group-form.ts';
import { groupStyles } from './group-styles.ts';

/**
 * The account page's e-mail address: what it is and whether it is confirmed. A new address is
 * mailed a link that confirms it (README, "Accounts"); until then nothing else is mailed to it,
 * and the link can be sent again. The server's refusal of an address shows beside the field.
 * Below it, how often to be mailed a digest (off, daily, weekly): the choice is disabled, and
 * says why, when this Daf sends no mail or the address is not confirmed.
 */
export class DafAccountEmail extends LitElement {
  static override styles = [
    groupStyles,
    groupFormStyles,
    css`
      fieldset.digest {
        border: none;
        padding: 0;
        margin: 1.25rem 0 0;
      }
      fieldset.digest legend {
        font-weight: 600;
        padding: 0;
      }
      .choice {
        display: inline-flex;
        align-items: center;
        gap: 0.3rem;
        margin-right: 1rem;
      }
    `,
  ];

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

  private async chooseDigest(event: Event) {
    const digest = (event.target as HTMLInputElement).value as DigestChoice;
    await this.actions.run(async () => {
      this.account = await api.setDigest(digest);
      return digest === 'off' ? 'No more digests.' : `A ${digest} digest will be mailed to ${this.account.email} when there is something new.`;
    });
  }

  private digestChoice(a: Account) {
    const why = !a.mail
      ? 'This Daf sends no mail, so it cannot send digests.'
      : !a.email || !a.emailVerified
        ? 'Digests go only to a confirmed address: give one above and open the link mailed to it.'
        : null;
    const choices: [DigestChoice, string][] = [
      ['off', 'Off'],
      ['daily', 'Daily'],
      ['weekly', 'Weekly'],
    ];
    // Turning digests off stays possible whatever else is the matter.
    const disabled = (value: DigestChoice) => this.actions.busy || (why !== null && value !== 'off');
    return html`<fieldset class="digest" aria-describedby="digest-hint">
      <legend>E-mail digest</legend>
      ${choices.map(
        ([value, label]) =>
          html`<label class="choice"
            ><input type="radio" name="digest" .value=${value} .checked=${a.digest === value} ?disabled=${disabled(value)} @change=${this.chooseDigest} /> ${label}</label
          >`,
      )}
      <span class="hint" id="digest-hint"
        >${why ?? 'What is new in your groups and in the texts you wrote on, by others, once a day or once a week; nothing is sent when nothing is new. Every digest has a link that stops them.'}</span
      >
    </fieldset>`;
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
      ${this.digestChoice(a)} ${refused ? nothing : this.actions.regions()}`;
  }
}

customElements.define('daf-account-email', DafAccountEmail);

declare global {
  interface HTMLElementTagNameMap {
    'daf-account-email': DafAccountEmail;
  }
}
