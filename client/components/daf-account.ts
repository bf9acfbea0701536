import { LitElement, html, css, nothing } from 'lit';
import { failureMessage } from '../api.ts';
import { session, SessionController } from '../session.ts';
import { buttonStyles, dialogStyles, focusStyles, linkButtonStyles, messageStyles } from './page-styles.ts';

/** Which form the dialog shows. */
type Mode = 'login' | 'signup';

/**
 * The account corner of the header. A visitor gets "Log in" and "Sign up", each opening a modal
 * dialog with a labelled form; the server judges handles and passwords and its message is shown
 * in an alert. A signed-in person gets their name and "Log out". Everything goes through the
 * shared session, so the rest of the page follows.
 */
export class DafAccount extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      align-items: center;
      gap: 0.5rem;
      font-family: system-ui, sans-serif;
      font-size: 0.9rem;
    }
    ${buttonStyles}
    a.name {
      color: inherit;
      text-decoration: none;
    }
    a.name:hover,
    a.name:focus-visible {
      text-decoration: underline;
    }
    ${linkButtonStyles}
    ${focusStyles}
    .signed-in,
    .signed-out {
      display: flex;
      align-items: center;
      gap: 0.5rem;
    }
    ${dialogStyles}
    label {
      display: block;
      margin-block-start: 0.9rem;
      font-weight: 600;
    }
    .optional,
    .hint {
      color: var(--daf-muted);
      font-weight: 400;
    }
    input {
      display: block;
      inline-size: 100%;
      box-sizing: border-box;
      margin-block-start: 0.3rem;
      padding: 0.45rem 0.6rem;
      font: inherit;
      font-size: 1rem;
      color: var(--daf-fg);
      background: var(--daf-bg);
      border: 1px solid var(--daf-muted);
      border-radius: 4px;
    }
    .hint {
      margin: 0.25rem 0 0;
      font-size: 0.8rem;
    }
    ${messageStyles}
    .error:not(:empty) {
      margin: 1rem 0 0;
    }
    .actions {
      display: flex;
      justify-content: flex-end;
      gap: 0.5rem;
      margin-block-start: 1.25rem;
    }
    .switch {
      margin: 1rem 0 0;
      color: var(--daf-muted);
    }
  `;

  static override properties = {
    mode: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  /** The form the dialog shows (it stays set while the dialog closes). */
  declare mode: Mode;
  /** The server's message for the last failed attempt, shown in an alert. */
  declare error: string;
  /** Whether a request is under way. */
  declare busy: boolean;

  private readonly session = new SessionController(this);

  constructor() {
    super();
    this.mode = 'login';
    this.error = '';
    this.busy = false;
  }

  private get dialog(): HTMLDialogElement {
    return this.renderRoot.querySelector('dialog')!;
  }

  private async open(mode: Mode) {
    this.mode = mode;
    this.error = '';
    await this.updateComplete;
    // The dialog gives focus back to the button that opened it when it closes.
    if (!this.dialog.open) this.dialog.showModal();
    this.renderRoot.querySelector<HTMLInputElement>('#handle')!.focus();
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const handle = String(data.get('handle') ?? '').trim();
    const password = String(data.get('password') ?? '');
    this.busy = true;
    this.error = '';
    try {
      if (this.mode === 'signup') await session.signUp(handle, password, String(data.get('displayName') ?? '').trim() || undefined);
      else await session.logIn(handle, password);
      form.reset();
      this.dialog.close();
      // The buttons that opened the dialog are gone: focus moves to what replaced them.
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('.signed-in button')?.focus();
    } catch (e) {
      this.error = failureMessage(e);
    } finally {
      this.busy = false;
    }
  }

  private async logOut() {
    this.error = '';
    try {
      await session.logOut();
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('.signed-out button')?.focus();
    } catch (e) {
      this.error = failureMessage(e);
    }
  }

  private form() {
    const signup = this.mode === 'signup';
    const title = signup ? 'Sign up' : 'Log in';
    return html`<form @submit=${this.submit} aria-busy=${this.busy}>
      <h2 id="title">${title}</h2>
      <label for="handle">Handle</label>
      <input
        id="handle"
        name="handle"
        required
        autocomplete="username"
        autocapitalize="none"
        spellcheck="false"
        aria-describedby=${signup ? 'handle-hint' : nothing}
      />
      ${signup ? html`<p id="handle-hint" class="hint">2–32 letters, digits, “_”, “.” or “-”.</p>` : nothing}
      <label for="password">Password</label>
      <input
        id="password"
        name="password"
        type="password"
        required
        autocomplete=${signup ? 'new-password' : 'current-password'}
        aria-describedby=${signup ? 'password-hint' : nothing}
      />
      ${signup ? html`<p id="password-hint" class="hint">At least 8 characters.</p>` : nothing}
      ${signup
        ? html`<label for="display-name">Display name <span class="optional">(optional)</span></label>
            <input id="display-name" name="displayName" autocomplete="name" aria-describedby="name-hint" />
            <p id="name-hint" class="hint">How others see you; your handle if left empty.</p>`
        : nothing}
      <p class="error" role="alert">${this.error}</p>
      <div class="actions">
        <button type="button" @click=${() => this.dialog.close()}>Cancel</button>
        <button type="submit" class="primary" ?disabled=${this.busy}>${title}</button>
      </div>
      <p class="switch">
        ${signup ? 'Already have an account?' : 'New here?'}
        <button type="button" class="link" @click=${() => this.open(signup ? 'login' : 'signup')}>${signup ? 'Log in' : 'Sign up'}</button>
      </p>
    </form>`;
  }

  override render() {
    if (!this.session.known) return nothing;
    const me = this.session.me;
    return html`
      ${me
        ? html`<div class="signed-in" role="group" aria-label="Account">
            <a class="name" href="/account" title="Your account (@${me.handle})">${me.name}</a>
            <button type="button" @click=${this.logOut}>Log out</button>
            ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : nothing}
          </div>`
        : html`<div class="signed-out" role="group" aria-label="Account">
            <button type="button" @click=${() => this.open('login')}>Log in</button>
            <button type="button" class="primary" @click=${() => this.open('signup')}>Sign up</button>
          </div>`}
      <dialog aria-labelledby="title" @close=${() => (this.error = '')}>${this.form()}</dialog>
    `;
  }
}

customElements.define('daf-account', DafAccount);

declare global {
  interface HTMLElementTagNameMap {
    'daf-account': DafAccount;
  }
}
