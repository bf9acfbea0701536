import { LitElement, html, css, nothing } from 'lit';
import { api } from '../api.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { session, SessionController } from '../session.ts';
import { groupFormStyles } from './group-form.ts';
import { groupPageFrame, groupStyles } from './group-styles.ts';

/**
 * `/reset-password/:token`, the page a password-reset link opens, in whatever browser the mail
 * was read: the person chooses a new password (twice, as on the account page). The server then
 * ends every session of the account, this browser's too, and signs nobody in, so the page asks
 * the header's log-in dialog to open (`daf-log-in`) with the handle filled in, and once the person
 * is in, takes them to the library.
 */
export class DafResetPassword extends LitElement {
  static override styles = [
    groupStyles,
    groupPageFrame,
    groupFormStyles,
    css`
      .done {
        font-family: system-ui, sans-serif;
      }
    `,
  ];

  static override properties = {
    token: {},
    handle: { state: true },
  };

  declare token: string;
  /** Whose password was set, once it is. */
  declare handle: string | null;

  private readonly action = new ActionController(this);
  private readonly session = new SessionController(this, () => {
    if (this.handle && this.session.me) this.dispatchEvent(new CustomEvent('daf-navigate', { detail: { path: '/' }, bubbles: true, composed: true }));
  });

  constructor() {
    super();
    this.token = '';
    this.handle = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    document.title = 'Choose a new password · Daf';
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const password = String(data.get('password') ?? '');
    if (password !== String(data.get('again') ?? '')) {
      this.action.refuse('The new password and its repetition differ.');
      return;
    }
    await this.action.run(async () => {
      const { handle } = await api.resetPassword(this.token, password);
      // Every session of the account has ended: if this browser held one, it is a visitor now.
      session.update(await api.me().catch(() => null));
      this.handle = handle;
      this.logIn();
    });
  }

  private logIn() {
    window.dispatchEvent(new CustomEvent('daf-log-in', { detail: { handle: this.handle ?? '' } }));
  }

  override render() {
    if (this.handle) {
      return html`<h1>Password changed</h1>
        <p class="done">
          The password of @${this.handle} is changed, and every browser that was signed in is signed out. Log in with the new password.
        </p>
        <div class="actions"><button type="button" class="primary" @click=${this.logIn}>Log in</button></div>`;
    }
    return html`<h1>Choose a new password</h1>
      <form @submit=${this.submit} aria-label="Choose a new password" aria-busy=${this.action.busy}>
        <label>New password<input name="password" type="password" required minlength="8" maxlength="256" autocomplete="new-password" aria-describedby="password-hint" /></label>
        <span class="hint" id="password-hint">At least 8 characters. Every browser signed in to the account will be signed out.</span>
        <label>New password, again<input name="again" type="password" required minlength="8" maxlength="256" autocomplete="new-password" /></label>
        <div class="actions"><button type="submit" class="primary" ?disabled=${this.action.busy}>Set the password</button></div>
      </form>
      ${this.action.regions()}
      ${this.action.error ? html`<p class="done">A link works once, for an hour: <strong>Log in</strong> in the header, then <strong>Forgot your password?</strong>, mails a new one.</p>` : nothing}`;
  }
}

customElements.define('daf-reset-password', DafResetPassword);

declare global {
  interface HTMLElementTagNameMap {
    'daf-reset-password': DafResetPassword;
  }
}
