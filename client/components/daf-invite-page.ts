import { LitElement, html, css, nothing, type PropertyValues } from 'lit';
import { api, ApiError, type InvitationPreview } from '../api.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { textDirection } from '../layout/text-direction.ts';
import { SessionController } from '../session.ts';
import './daf-account.ts';
import { groupStyles } from './group-styles.ts';

/**
 * An invitation link, `/invite/:token`. The page names the group at once (and describes it, if
 * the group is one the reader may see anyway). A visitor is asked to log in or sign up (the
 * header's account buttons and dialog, here in the page); a signed-in person joins with one
 * button, which accepts the invitation and opens the group's page; a member is shown the way in.
 * An unknown, expired, used-up or revoked invitation shows the server's message instead, and the
 * button goes.
 *
 * @fires daf-navigate - to the group's page once the invitation is accepted.
 */
export class DafInvitePage extends LitElement {
  static override styles = [
    groupStyles,
    css`
      :host {
        max-width: 36rem;
        margin: 3rem auto;
        padding: 0 1.5rem;
      }
      h1 {
        font-weight: 500;
        margin: 0 0 1rem;
      }
      p {
        line-height: 1.5;
      }
      daf-account {
        margin-block: 1rem;
      }
      button.primary {
        font-size: 1rem;
        padding: 0.5rem 1.2rem;
      }
    `,
  ];

  static override properties = {
    token: { type: String },
    invitation: { state: true },
  };

  /** The invitation's secret, from the URL. */
  declare token: string;
  /** What the link names; null while it is read, or when it cannot be used. */
  declare invitation: InvitationPreview | null;

  /**
   * Once someone signs in here, the link is read again (they may be a member already, or see
   * more of the group) and the focus moves on to the button that joins.
   */
  private readonly session = new SessionController(this, () => {
    void this.look(this.token);
    void this.focusJoin();
  });
  /** Accepting the invitation. */
  private readonly actions = new ActionController(this);

  constructor() {
    super();
    this.token = '';
    this.invitation = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    document.title = 'An invitation · Daf';
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('token')) {
      this.actions.clear();
      this.invitation = null;
      void this.look(this.token);
    }
  }

  /** Reads what the link names; a dead link's reason shows where a failed join's would. */
  private async look(token: string) {
    try {
      const invitation = await api.invitation(token);
      if (token !== this.token) return;
      this.invitation = invitation;
      document.title = `An invitation to ${invitation.group.name} · Daf`;
    } catch (e) {
      if (token === this.token) this.actions.fail(e);
    }
  }

  /** Whether the server said the invitation is unknown, expired, used up or revoked. */
  private get dead(): boolean {
    const e = this.actions.failure;
    return e instanceof ApiError && (e.status === 404 || e.status === 410);
  }

  private async focusJoin() {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('button.primary')?.focus();
  }

  private async accept() {
    await this.actions.run(async () => {
      const { group } = await api.acceptInvitation(this.token);
      this.dispatchEvent(new CustomEvent('daf-navigate', { detail: { path: `/g/${encodeURIComponent(group)}` }, bubbles: true, composed: true }));
    });
  }

  /** What a signed-in reader can do with the link: join, go in as a member, or nothing. */
  private nextStep() {
    const group = this.invitation?.group;
    switch (this.invitation?.membership?.state) {
      case 'active':
        return html`<p>You are already a member. <a href=${`/g/${encodeURIComponent(group!.slug)}`}>Open the group</a></p>`;
      case 'banned':
        return html`<p>You are banned from this group: the link cannot let you in.</p>`;
      default:
        return this.dead ? nothing : html`<button type="button" class="primary" @click=${this.accept} ?disabled=${this.actions.busy}>Join the group</button>`;
    }
  }

  override render() {
    if (!this.session.known) return html`<p aria-busy="true">Loading…</p>`;
    const me = this.session.me;
    const group = this.invitation?.group;
    return html`
      <h1>${group ? `You are invited to ${group.name}` : 'You are invited to a reading group'}</h1>
      ${this.invitation?.invitedBy ? html`<p class="sender">From ${this.invitation.invitedBy.name} (@${this.invitation.invitedBy.handle}).</p>` : nothing}
      ${group?.description ? html`<p class="description" dir=${textDirection(group.description)}>${group.description}</p>` : nothing}
      ${me
        ? html`<p>You are signed in as <strong>${me.name}</strong> (@${me.handle}).</p>
            ${this.nextStep()}`
        : this.dead
          ? nothing
          : html`<p>Someone has sent you a link to join ${group ? 'this reading group' : 'a reading group'} on Daf. Log in, or sign up if you are new here, and then join.</p>
              <daf-account></daf-account>`}
      <p class="error" role="alert">${this.actions.error}</p>
      ${this.dead ? html`<p>Ask whoever sent you the link for a new one. <a href="/">Go to the library</a></p>` : nothing}
    `;
  }
}

customElements.define('daf-invite-page', DafInvitePage);

declare global {
  interface HTMLElementTagNameMap {
    'daf-invite-page': DafInvitePage;
  }
}
