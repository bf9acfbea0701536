import { LitElement, html, nothing } from 'lit';
import { ApiError, api, type TokenInfo } from '../api.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { dateText } from '../group-facts.ts';
import { session, SessionController } from '../session.ts';
import './daf-account-email.ts';
import './daf-account-sessions.ts';
import type { DafAccountSessions } from './daf-account-sessions.ts';
import './daf-confirm.ts';
import type { DafConfirm } from './daf-confirm.ts';
import './daf-delete-account.ts';
import { groupFormStyles } from './group-form.ts';
import { groupPageFrame, groupStyles } from './group-styles.ts';

/**
 * `/account`: one's own account. The display name; an e-mail address, confirmed by a mailed
 * link; a new password, given with the current one
 * (every other session then ends: whoever knew the old one is signed out); where one is signed
 * in, each session signed out on its own, or **Sign out everywhere**, which ends every session,
 * this one too, after asking; the tokens made for scripts and embedded passages, each revocable;
 * one's writing to download (W3C JSON-LD); one's public page; and deleting the account. Each form
 * shows the server's answer beside it.
 */
export class DafAccountPage extends LitElement {
  static override styles = [
    groupStyles,
    groupPageFrame,
    groupFormStyles,
  ];

  static override properties = {
    tokens: { state: true },
  };

  /** The person's tokens, once read. */
  declare tokens: TokenInfo[] | null;

  private readonly session = new SessionController(this);
  /** One controller per form, so each says its own outcome where it was asked. */
  private readonly naming = new ActionController(this);
  private readonly password = new ActionController(this);
  private readonly others = new ActionController(this);

  constructor() {
    super();
    this.tokens = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    document.title = 'Your account · Daf';
    void this.loadTokens();
  }

  private async loadTokens() {
    try {
      this.tokens = (await api.tokens()).tokens;
    } catch (e) {
      // Signed out (401): the page asks to log in instead.
      if (!(e instanceof ApiError && e.status === 401)) this.others.fail(e);
    }
  }

  private async rename(event: SubmitEvent) {
    event.preventDefault();
    const name = String(new FormData(event.target as HTMLFormElement).get('displayName') ?? '');
    await this.naming.run(async () => {
      session.update(await api.updateMe(name));
      return 'Your name is changed.';
    });
  }

  private async changePassword(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const fresh = String(data.get('password') ?? '');
    if (fresh !== String(data.get('again') ?? '')) {
      this.password.refuse('The new password and its repetition differ.');
      return;
    }
    const changed = await this.password.run(async () => {
      const { endedSessions } = await api.changePassword(String(data.get('current') ?? ''), fresh);
      void this.renderRoot.querySelector<DafAccountSessions>('daf-account-sessions')?.load();
      const ended = endedSessions === 0 ? 'You were signed in nowhere else.' : `${endedSessions} other ${endedSessions === 1 ? 'session was' : 'sessions were'} signed out.`;
      return `Your password is changed. ${ended}`;
    });
    if (changed) form.reset();
  }

  private async revoke(token: TokenInfo) {
    await this.others.run(async () => {
      await api.revokeToken(token.id);
      await this.loadTokens();
      return `The token “${token.name}” is revoked.`;
    });
  }

  private async signOutEverywhere() {
    const ok = await this.renderRoot.querySelector<DafConfirm>('daf-confirm')!.ask({
      title: 'Sign out everywhere?',
      message: 'Every browser signed in to your account, this one too, will be signed out. Tokens for scripts and embedded passages stay until you revoke them.',
      confirm: 'Sign out everywhere',
    });
    if (ok === null) return;
    const done = await this.others.run(async () => {
      await api.logoutEverywhere();
    });
    if (done) {
      session.update(null);
      this.dispatchEvent(new CustomEvent('daf-navigate', { bubbles: true, composed: true, detail: { path: '/' } }));
    }
  }

  private wrongPassword(): boolean {
    const f = this.password.failure;
    return f instanceof ApiError && f.code === 'wrong_password';
  }

  private tokenList() {
    const tokens = this.tokens;
    if (tokens === null) return html`<p aria-busy="true">Reading your tokens…</p>`;
    if (tokens.length === 0) return html`<p class="empty">No tokens. Scripts and embedded passages you sign in to get one each.</p>`;
    return html`<ul class="tokens" aria-label="Your tokens">
      ${tokens.map(
        (t) => html`<li class="row" data-id=${t.id}>
          <span class="grow"
            >${t.name}
            <span class="meta"
              >${t.scope === 'embed' ? 'For an embedded passage' : 'Acts as you'} · made ${dateText(t.created)}${t.lastUsed ? ` · last used ${dateText(t.lastUsed)}` : ' · never used'}${t.expires
                ? ` · expires ${dateText(t.expires)}`
                : ''}</span
            ></span
          >
          <button type="button" ?disabled=${this.others.busy} aria-label="Revoke the token ${t.name}" @click=${() => this.revoke(t)}>Revoke</button>
        </li>`,
      )}
    </ul>`;
  }

  override render() {
    if (!this.session.known) return html`<p aria-busy="true">Loading…</p>`;
    const me = this.session.me;
    if (!me) return html`<h1>Your account</h1><p>Log in (at the top of the page) to see your account.</p>`;
    const wrong = this.wrongPassword();
    return html`<h1>Your account</h1>
      <p>Signed in as <strong>${me.name}</strong> (@${me.handle}). <a href="/u/${encodeURIComponent(me.handle)}">Your page</a> shows others what you wrote where they may read it.</p>
      <section aria-labelledby="name-heading">
        <h2 id="name-heading">Your name</h2>
        <form @submit=${this.rename} aria-label="Your name">
          <label>Display name<input name="displayName" required maxlength="80" .value=${me.name} /></label>
          <div class="actions"><button type="submit" class="primary" ?disabled=${this.naming.busy}>Save the name</button></div>
        </form>
        ${this.naming.regions()}
      </section>
      <section aria-labelledby="email-heading">
        <h2 id="email-heading">E-mail</h2>
        <daf-account-email></daf-account-email>
      </section>
      <section aria-labelledby="password-heading">
        <h2 id="password-heading">Password</h2>
        <form @submit=${this.changePassword} aria-label="Change your password">
          <label
            >Current password
            <input name="current" type="password" required autocomplete="current-password" aria-invalid=${wrong ? 'true' : 'false'} aria-describedby=${wrong ? 'current-error' : nothing} />
            ${wrong ? html`<span class="field-error" id="current-error" role="alert">${this.password.error}</span>` : nothing}
          </label>
          <label>New password<input name="password" type="password" required minlength="8" maxlength="256" autocomplete="new-password" /></label>
          <label>New password, again<input name="again" type="password" required minlength="8" maxlength="256" autocomplete="new-password" /></label>
          <span class="hint">At least 8 characters. Every other browser signed in to your account will be signed out.</span>
          <div class="actions"><button type="submit" class="primary" ?disabled=${this.password.busy}>Change the password</button></div>
        </form>
        ${wrong ? nothing : this.password.regions()}
      </section>
      <section aria-labelledby="everywhere-heading">
        <h2 id="everywhere-heading">Where you are signed in</h2>
        <daf-account-sessions></daf-account-sessions>
        <p>Lost a phone, or signed in on a shared computer?</p>
        <div class="actions"><button type="button" ?disabled=${this.others.busy} @click=${this.signOutEverywhere}>Sign out everywhere</button></div>
        ${this.others.regions()}
      </section>
      <section aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">Tokens</h2>
        ${this.tokenList()}
      </section>
      <section aria-labelledby="export-heading">
        <h2 id="export-heading">Your writing</h2>
        <p>Everything you wrote that you can still read — glosses, whether published or waiting, and replies — as one file of W3C annotations (JSON-LD), which other annotation tools read.</p>
        <div class="actions"><a class="button" href="/api/me/export" download>Download your writing</a></div>
      </section>
      <section aria-labelledby="delete-heading">
        <h2 id="delete-heading">Delete your account</h2>
        <daf-delete-account></daf-delete-account>
      </section>
      <daf-confirm></daf-confirm>`;
  }
}

customElements.define('daf-account-page', DafAccountPage);

declare global {
  interface HTMLElementTagNameMap {
    'daf-account-page': DafAccountPage;
  }
}
