import { LitElement, html, css, nothing } from 'lit';
import { api, failureMessage } from '../api.ts';
import { session, SessionController } from '../session.ts';
import { buttonStyles, dialogStyles, focusStyles, linkButtonStyles, messageStyles } from './page-styles.ts';

/** Which form the dialog shows: log in, sign up, or ask for a password-reset link. */
type Mode = 'login' | 'signup' | 'forgot';

/**
 * The account corner of the header. A visitor gets "Log in" and "Sign up", each opening a modal
 * dialog with a labelled form; the server judges handles and passwords and its message is shown
 * in an alert. Under the log-in form, "Forgot your password?" asks for an e-mail address to mail
 * a reset link to (the server answers alike whether or not an account has it, and so does the
 * form). A page may open the log-in form with a `daf-log-in` event on the window (the
 * password-reset page does, with the handle). A signed-in person gets their name and "Log out".
 * Everything goes through the shared session, so the rest of the page follows.
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
    .forgot {
      margin: 0.4rem 0 0;
      font-size: 0.85rem;
    }
    .explain {
      margin: 0.75rem 0 0;
    }
  `;

  static override properties = {
    mode: { state: true },
    error: { state: true },
    busy: { state: true },
    resetAsked: { state: true },
  };

  /** The form the dialog shows (it stays set while the dialog closes). */
  declare mode: Mode;
  /** The server's message for the last failed attempt, shown in an alert. */
  declare error: string;
  /** Whether a request is under way. */
  declare busy: boolean;
  /** The address a reset link was asked for, once it was (the form then says what happens next). */
  declare resetAsked: string;

  private readonly session = new SessionController(this);

  constructor() {
    super();
    this.mode = 'login';
    this.error = '';
    this.busy = false;
    this.resetAsked = '';
  }

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('daf-log-in', this.onLogInAsked);
  }

  override disconnectedCallback() {
    window.removeEventListener('daf-log-in', this.onLogInAsked);
    super.disconnectedCallback();
  }

  private onLogInAsked = (event: CustomEvent<{ handle: string }>) => {
    if (!this.session.me) void this.open('login', event.detail.handle);
  };

  private get dialog(): HTMLDialogElement {
    return this.renderRoot.querySelector('dialog')!;
  }

  /** Opens the dialog on `mode`'s form, its handle filled in with `handle` if given. */
  private async open(mode: Mode, handle = '') {
    this.mode = mode;
    this.error = '';
    this.resetAsked = '';
    await this.updateComplete;
    // The dialog gives focus back to the button that opened it when it closes.
    if (!this.dialog.open) this.dialog.showModal();
    const field = this.renderRoot.querySelector<HTMLInputElement>(mode === 'forgot' ? '#email' : '#handle')!;
    if (handle) field.value = handle;
    (handle ? this.renderRoot.querySelector<HTMLInputElement>('#password')! : field).focus();
  }

  private async askForReset(event: SubmitEvent) {
    event.preventDefault();
    const email = String(new FormData(event.target as HTMLFormElement).get('email') ?? '').trim();
    await this.attempt(async () => {
      await api.requestPasswordReset(email);
      this.resetAsked = email;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#reset-close')?.focus();
    });
  }

  /** Runs one request of the dialog: busy meanwhile, and the server's message shown if it fails. */
  private async attempt(work: () => Promise<void>) {
    this.busy = true;
    this.error = '';
    try {
      await work();
    } catch (e) {
      this.error = failureMessage(e);
    } finally {
      this.busy = false;
    }
  }

  /** The form that asks for a reset link, and then says what comes of it. */
  private forgotForm() {
    const asked = this.resetAsked;
    return html`<form @submit=${this.askForReset} aria-busy=${this.busy}>
      <h2 id="title">Forgot your password?</h2>
      ${asked
        ? html`<p class="explain" role="status">
            If an account has confirmed ${asked}, a link to choose a new password is on its way there. It works once, for an hour.
          </p>`
        : html`<p class="explain">Give the e-mail address your account confirmed, and a link to choose a new password will be mailed to it.</p>
            <label for="email">E-mail address</label>
            <input id="email" name="email" type="email" required maxlength="254" autocomplete="email" />`}
      <p class="error" role="alert">${this.error}</p>
      <div class="actions">
        <button type="button" id="reset-close" @click=${() => this.dialog.close()}>${asked ? 'Close' : 'Cancel'}</button>
        ${asked ? nothing : html`<button type="submit" class="primary" ?disabled=${this.busy}>Send the link</button>`}
      </div>
      <p class="switch">Remembered it? <button type="button" class="link" @click=${() => this.open('login')}>Log in</button></p>
    </form>`;
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const handle = String(data.get('handle') ?? '').trim();
    const password = String(data.get('password') ?? '');
    await this.attempt(async () => {
      if (this.mode === 'signup') await session.signUp(handle, password, String(data.get('displayName') ?? '').trim() || undefined);
      else await session.logIn(handle, password);
      form.reset();
      this.dialog.close();
      // The buttons that opened the dialog are gone: focus moves to what replaced them.
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('.signed-in button')?.focus();
    });
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
      ${signup
        ? html`<p id="password-hint" class="hint">At least 8 characters.</p>`
        : html`<p class="forgot"><button type="button" class="link" @click=${() => this.open('forgot')}>Forgot your password?</button></p>`}
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
      <dialog aria-labelledby="title" @close=${() => (this.error = '')}>${this.mode === 'forgot' ? this.forgotForm() : this.form()}</dialog>
    `;
  }
}

customElements.define('daf-account', DafAccount);

declare global {
  interface HTMLElementTagNameMap {
    'daf-account': DafAccount;
  }
  interface WindowEventMap {
    /** Asks the header to open its log-in form, the handle filled in. */
    'daf-log-in': CustomEvent<{ handle: string }>;
  }
}
