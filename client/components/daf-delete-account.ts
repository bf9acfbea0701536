import { LitElement, html, css, nothing } from 'lit';
import { ApiError, api } from '../api.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { session } from '../session.ts';
import './daf-confirm.ts';
import type { DafConfirm } from './daf-confirm.ts';
import { groupFormStyles } from './group-form.ts';
import { groupStyles } from './group-styles.ts';

/**
 * The account page's last section: deleting the account, given its password and after one
 * question in Daf's dialog. It says beforehand what goes and what stays (README, "Accounts"), and
 * the server's refusal beside the password (a wrong one) or under the form (the only owner of a
 * group). Once done, the person is signed out and taken to the library.
 */
export class DafDeleteAccount extends LitElement {
  static override styles = [
    groupStyles,
    groupFormStyles,
    css`
      button.danger {
        border-color: #a02020;
        color: #a02020;
      }
    `,
  ];

  private readonly actions = new ActionController(this);

  private get wrongPassword(): boolean {
    const f = this.actions.failure;
    return f instanceof ApiError && f.code === 'wrong_password';
  }

  private async deleteAccount(event: SubmitEvent) {
    event.preventDefault();
    const password = String(new FormData(event.target as HTMLFormElement).get('password') ?? '');
    const ok = await this.renderRoot.querySelector<DafConfirm>('daf-confirm')!.ask({
      title: 'Delete your account?',
      message:
        'Your glosses and replies will be deleted; where others answered them, an empty place without your name keeps their answers. Your private texts and notebooks go, and you leave every group. This cannot be undone.',
      confirm: 'Delete my account',
    });
    if (ok === null) return;
    const done = await this.actions.run(async () => {
      await api.deleteAccount(password);
    });
    if (done) {
      session.update(null);
      this.dispatchEvent(new CustomEvent('daf-navigate', { bubbles: true, composed: true, detail: { path: '/' } }));
    }
  }

  override render() {
    const wrong = this.wrongPassword;
    return html`<p>
        Your glosses and replies are deleted; where others replied to them or wrote on them, an empty place without your name stays so their words keep their
        place. Your private texts and notebooks are deleted; texts and layers others can read stay. Download your writing first if you want to keep it.
      </p>
      <form @submit=${this.deleteAccount} aria-label="Delete your account">
        <label
          >Your password
          <input name="password" type="password" required autocomplete="current-password" aria-invalid=${wrong ? 'true' : 'false'} aria-describedby=${wrong ? 'delete-error' : nothing} />
          ${wrong ? html`<span class="field-error" id="delete-error" role="alert">${this.actions.error}</span>` : nothing}
        </label>
        <div class="actions"><button type="submit" class="danger" ?disabled=${this.actions.busy}>Delete my account…</button></div>
      </form>
      ${wrong ? nothing : this.actions.regions()}
      <daf-confirm></daf-confirm>`;
  }
}

customElements.define('daf-delete-account', DafDeleteAccount);

declare global {
  interface HTMLElementTagNameMap {
    'daf-delete-account': DafDeleteAccount;
  }
}
