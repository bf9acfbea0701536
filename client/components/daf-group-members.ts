import { LitElement, html, css, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { api, type Member, type Role } from '../api.ts';
import { dateText, withArticle } from '../group-facts.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { session } from '../session.ts';
import './daf-confirm.ts';
import type { DafConfirm } from './daf-confirm.ts';
import { groupStyles } from './group-styles.ts';

/**
 * Who belongs to a group, for its members: names and roles. Owners change roles with a select
 * and remove people; owners and moderators approve or decline requests to join. Every change is
 * the server's to judge (a group keeps one owner), and its message is shown when it refuses.
 *
 * @fires daf-group-changed - after a change of who belongs or of a role, so the page reloads the group.
 */
export class DafGroupMembers extends LitElement {
  static override styles = [
    groupStyles,
    css`
      h3 {
        margin: 1.25rem 0 0.25rem;
        font-size: 0.95rem;
        font-weight: 600;
      }
      .name {
        font-size: 1.05rem;
      }
      .role {
        font-family: system-ui, sans-serif;
        font-size: 0.85rem;
        color: var(--daf-muted);
      }
    `,
  ];

  static override properties = {
    slug: { type: String },
    viewerRole: { attribute: false },
    members: { state: true },
  };

  /** The group's slug. */
  declare slug: string;
  /** The reader's role in the group: what they may change. */
  declare viewerRole: Role;
  /** The members, and for moderators the requests; null while loading. */
  declare members: Member[] | null;

  /** Changes of roles and of who belongs. */
  private readonly actions = new ActionController(this);

  constructor() {
    super();
    this.slug = '';
    this.viewerRole = 'member';
    this.members = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      this.members = (await api.members(this.slug)).members;
    } catch (e) {
      this.actions.fail(e);
    }
  }

  /**
   * Runs a change, loads the members again (as the server now has them: a refused change
   * shows as it was), says what it did, and tells the page.
   */
  private async change(run: () => Promise<unknown>, done: string) {
    const changed = await this.actions.run(async () => {
      await run();
      await this.load();
      return done;
    });
    if (changed) this.dispatchEvent(new CustomEvent('daf-group-changed', { bubbles: true, composed: true }));
    else await this.load();
  }

  private setRole(m: Member, event: Event) {
    const role = (event.target as HTMLSelectElement).value as Role;
    // The select shows the new role while the server answers (it would otherwise spring back).
    this.members = this.members!.map((x) => (x.handle === m.handle ? { ...x, role } : x));
    void this.change(() => api.setRole(this.slug, m.handle, role), `${m.name} is now ${withArticle(role)}.`);
  }

  private async removeMember(m: Member) {
    const ok = await this.renderRoot.querySelector<DafConfirm>('daf-confirm')!.ask({
      title: `Remove ${m.name}?`,
      message: `${m.name} (@${m.handle}) will no longer be a member of the group, and will need to join again to come back.`,
      confirm: 'Remove',
    });
    if (ok !== null) await this.change(() => api.removeMember(this.slug, m.handle), `${m.name} is no longer a member.`);
  }

  private requests(pending: Member[]) {
    if (pending.length === 0) return nothing;
    return html`<h3 id="requests-heading">Asking to join</h3>
      <ul aria-labelledby="requests-heading">
        ${pending.map(
          (m) => html`<li class="row">
            <span class="grow"><span class="name">${m.name}</span> <span class="meta">@${m.handle} · asked ${dateText(m.joined)}</span></span>
            <span class="actions">
              <button type="button" class="primary" ?disabled=${this.actions.busy} aria-label="Approve ${m.name}" @click=${() => this.change(() => api.approveMember(this.slug, m.handle), `${m.name} is now a member.`)}>Approve</button>
              <button type="button" ?disabled=${this.actions.busy} aria-label="Decline ${m.name}" @click=${() => this.change(() => api.removeMember(this.slug, m.handle), `The request of ${m.name} is declined.`)}>Decline</button>
            </span>
          </li>`,
        )}
      </ul>`;
  }

  private member(m: Member) {
    const owner = this.viewerRole === 'owner';
    const moderator = this.viewerRole !== 'member';
    const self = m.handle === session.me?.handle;
    const notes = [`@${m.handle}`, `joined ${dateText(m.joined)}`];
    if (moderator && !m.trusted) notes.push('posts wait for a moderator');
    return html`<li class="row" data-handle=${m.handle}>
      <span class="grow"><span class="name">${m.name}</span>${self ? ' (you)' : ''} <span class="meta">${notes.join(' · ')}</span></span>
      ${owner
        ? html`<select aria-label="Role of ${m.name}" .value=${live(m.role)} ?disabled=${this.actions.busy} @change=${(e: Event) => this.setRole(m, e)}>
              <option value="owner">owner</option>
              <option value="moderator">moderator</option>
              <option value="member">member</option>
            </select>
            ${self ? nothing : html`<button type="button" ?disabled=${this.actions.busy} aria-label="Remove ${m.name}" @click=${() => this.removeMember(m)}>Remove</button>`}`
        : html`<span class="role">${m.role}</span>`}
    </li>`;
  }

  override render() {
    const all = this.members;
    const active = all?.filter((m) => m.state === 'active') ?? [];
    return html`<section aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      ${all === null && !this.actions.error ? html`<p aria-busy="true">Loading the members…</p>` : nothing}
      ${this.viewerRole !== 'member' ? this.requests(all?.filter((m) => m.state === 'pending') ?? []) : nothing}
      ${all ? html`<ul class="members" aria-label="Members">${active.map((m) => this.member(m))}</ul>` : nothing}
      ${this.actions.regions()}
      <daf-confirm></daf-confirm>
    </section>`;
  }
}

customElements.define('daf-group-members', DafGroupMembers);

declare global {
  interface HTMLElementTagNameMap {
    'daf-group-members': DafGroupMembers;
  }
  interface GlobalEventHandlersEventMap {
    'daf-group-changed': CustomEvent<void>;
  }
}
