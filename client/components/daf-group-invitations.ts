import { LitElement, html, css, nothing } from 'lit';
import { api, type Invitation, type NewInvitation } from '../api.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { dateText } from '../group-facts.ts';
import { groupStyles, inlineFormStyles } from './group-styles.ts';

/** How long a new invitation lives unless the moderator says otherwise: a week. */
const defaultDays = 7;

/** Where an invitation stands, in a word or two. */
function invitationState(inv: Invitation, now: number): 'revoked' | 'expired' | 'used up' | 'open' {
  if (inv.revoked) return 'revoked';
  if (Date.parse(inv.expires) <= now) return 'expired';
  if (inv.maxUses !== null && inv.uses >= inv.maxUses) return 'used up';
  return 'open';
}

/**
 * A group's invitations, for its owners and moderators: a form that creates a link (expiry in
 * days, an optional use limit), the new link shown this once with a Copy button (the server
 * keeps only a hash of its secret), and the list of invitations with their uses and a Revoke
 * button on those still open.
 */
export class DafGroupInvitations extends LitElement {
  static override styles = [
    groupStyles,
    inlineFormStyles,
    css`
      input[type='number'] {
        inline-size: 7rem;
      }
      .new-link {
        margin-block-start: 1rem;
        padding: 0.75rem;
        background: var(--daf-card);
        border: 1px solid var(--daf-rule);
        border-radius: 6px;
      }
      .new-link label {
        font-weight: 600;
      }
      .new-link input {
        flex: 1;
        min-inline-size: 0;
        font-family: ui-monospace, monospace;
        font-size: 0.8rem;
      }
      .new-link p {
        margin: 0.5rem 0 0;
        font-size: 0.85rem;
        color: var(--daf-muted);
      }
      .invitations {
        margin-block-start: 0.5rem;
      }
      .state {
        font-family: system-ui, sans-serif;
        font-size: 0.85rem;
      }
    `,
  ];

  static override properties = {
    slug: { type: String },
    invitations: { state: true },
    created: { state: true },
    copied: { state: true },
  };

  /** The group's slug. */
  declare slug: string;
  /** The group's invitations, newest first; null while loading. */
  declare invitations: Invitation[] | null;
  /** The invitation just created, whose link is shown this once. */
  declare created: NewInvitation | null;
  /** What became of the last Copy. */
  declare copied: string;

  /** Creating and revoking. */
  private readonly actions = new ActionController(this);

  constructor() {
    super();
    this.slug = '';
    this.invitations = null;
    this.created = null;
    this.copied = '';
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      this.invitations = (await api.invitations(this.slug)).invitations.sort((a, b) => b.id - a.id);
    } catch (e) {
      this.actions.fail(e);
    }
  }

  private async create(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const hours = Number(data.get('days')) * 24;
    const uses = String(data.get('uses') ?? '').trim();
    const handle = String(data.get('handle') ?? '').trim().replace(/^@/, '');
    this.created = null;
    this.copied = '';
    const created = await this.actions.run(async () => {
      this.created = await api.createInvitation(this.slug, { expiresInHours: hours, ...(handle ? { handle } : uses ? { maxUses: Number(uses) } : {}) });
      await this.load();
      return handle
        ? `@${handle} is invited and told so in their notifications; the link below is theirs alone.`
        : 'Invitation created. Copy its link now: it is shown only this once.';
    });
    if (created) this.logged();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('#new-link')?.focus();
  }

  private async copy() {
    const field = this.renderRoot.querySelector<HTMLInputElement>('#new-link')!;
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      this.copied = 'Copied.';
    } catch {
      // No clipboard for this page (an insecure origin, or the permission refused): the link is selected.
      this.copied = 'The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.';
    }
  }

  private async revoke(inv: Invitation) {
    const revoked = await this.actions.run(async () => {
      await api.revokeInvitation(this.slug, inv.id);
      await this.load();
      return 'Invitation revoked: its link no longer works.';
    });
    if (revoked) this.logged();
  }

  /** Tells the page that the audit log has a new entry (creating and revoking are recorded). */
  private logged() {
    this.dispatchEvent(new CustomEvent('daf-audit-changed', { bubbles: true, composed: true }));
  }

  private newLink(inv: NewInvitation) {
    return html`<div class="new-link">
      <div class="row">
        <label for="new-link">New invitation link</label>
        <input id="new-link" class="grow" readonly .value=${inv.url} @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()} />
        <button type="button" @click=${this.copy}>Copy</button>
      </div>
      <p role="status">${this.copied}</p>
      <p>Send it to the people you invite. It works until ${dateText(inv.expires, true)}${inv.maxUses !== null ? `, for ${inv.maxUses} ${inv.maxUses === 1 ? 'person' : 'people'}` : ''}.</p>
    </div>`;
  }

  private list(invitations: Invitation[]) {
    if (invitations.length === 0) return html`<p class="empty">No invitations yet.</p>`;
    const now = Date.now();
    return html`<ul class="invitations" aria-label="Invitations">
      ${invitations.map((inv) => {
        const state = invitationState(inv, now);
        const uses = `${inv.uses} ${inv.maxUses === null ? (inv.uses === 1 ? 'use' : 'uses') : `of ${inv.maxUses} ${inv.maxUses === 1 ? 'use' : 'uses'}`}`;
        return html`<li class="row" data-id=${inv.id}>
          <span class="grow">
            <span class="state">${state === 'open' ? 'Open' : state[0].toUpperCase() + state.slice(1)}</span>
            <span class="meta">Created ${dateText(inv.created)} by @${inv.createdBy} · ${state === 'expired' ? 'expired' : 'expires'} ${dateText(inv.expires, true)} · ${uses}</span>
          </span>
          ${state === 'open'
            ? html`<button type="button" ?disabled=${this.actions.busy} aria-label="Revoke the invitation created ${dateText(inv.created, true)}" @click=${() => this.revoke(inv)}>Revoke</button>`
            : nothing}
        </li>`;
      })}
    </ul>`;
  }

  override render() {
    return html`<section aria-labelledby="invitations-heading">
      <h2 id="invitations-heading">Invitations</h2>
      <form @submit=${this.create} aria-label="Create an invitation">
        <label>Expires in (days)<input name="days" type="number" min="1" max="365" step="1" required value=${defaultDays} /></label>
        <label>Use limit (optional)<input name="uses" type="number" min="1" max="10000" step="1" /></label>
        <label>For one person (optional: their handle; they are told, and only they may use it)<input name="handle" autocomplete="off" spellcheck="false" /></label>
        <button type="submit" class="primary" ?disabled=${this.actions.busy}>Create an invitation</button>
      </form>
      ${this.actions.regions()}
      ${this.created ? this.newLink(this.created) : nothing}
      ${this.invitations ? this.list(this.invitations) : this.actions.error ? nothing : html`<p aria-busy="true">Loading the invitations…</p>`}
    </section>`;
  }
}

customElements.define('daf-group-invitations', DafGroupInvitations);

declare global {
  interface HTMLElementTagNameMap {
    'daf-group-invitations': DafGroupInvitations;
  }
}
