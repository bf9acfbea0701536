import { LitElement, html, css, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { api, type Member, type Role } from '../api.ts';
import { dateText, withArticle } from '../group-facts.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { session } from '../session.ts';
import './daf-confirm.ts';
import type { DafConfirm } from './daf-confirm.ts';
import { groupStyles } from './group-styles.ts';

/**
 * Who belongs to a group, for its members: names and roles. Owners change roles with a select,
 * remove people and ban them (with a reason for the audit log), and lift bans; owners and
 * moderators approve or decline requests to join, and see who is banned. Every change is the
 * server's to judge (a group keeps one owner), and its message is shown when it refuses.
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
      .ban-someone {
        display: flex;
        flex-wrap: wrap;
        align-items: end;
        gap: 0.5rem;
        margin-block-start: 1rem;
        font-size: 0.85rem;
      }
      .ban-someone label {
        display: flex;
        flex-direction: column;
        gap: 0.25rem;
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
  /** The members, and for moderators the requests and bans; null while loading. */
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
  private async change(run: () => Promise<unknown>, done: string): Promise<boolean> {
    const changed = await this.actions.run(async () => {
      await run();
      await this.load();
      return done;
    });
    if (changed) this.dispatchEvent(new CustomEvent('daf-group-changed', { bubbles: true, composed: true }));
    else await this.load();
    return changed;
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

  /** A list of people apart from the members (requests, bans) under its heading; nothing when empty. */
  private others(id: string, heading: string, people: Member[], row: (m: Member) => TemplateResult) {
    if (people.length === 0) return nothing;
    return html`<h3 id=${id}>${heading}</h3>
      <ul class=${id} aria-labelledby=${id}>
        ${people.map((m) => html`<li class="row" data-handle=${m.handle}>${row(m)}</li>`)}
      </ul>`;
  }

  private request(m: Member) {
    return html`<span class="grow"><span class="name">${m.name}</span> <span class="meta">@${m.handle} · asked ${dateText(m.joined)}</span></span>
      <span class="actions">
        <button type="button" class="primary" ?disabled=${this.actions.busy} aria-label="Approve ${m.name}" @click=${() => this.change(() => api.approveMember(this.slug, m.handle), `${m.name} is now a member.`)}>Approve</button>
        <button type="button" ?disabled=${this.actions.busy} aria-label="Decline ${m.name}" @click=${() => this.change(() => api.removeMember(this.slug, m.handle), `The request of ${m.name} is declined.`)}>Decline</button>
      </span>`;
  }

  private async ban(m: Member) {
    const reason = await this.renderRoot.querySelector<DafConfirm>('daf-confirm')!.ask({
      title: `Ban ${m.name}?`,
      message: `${m.name} (@${m.handle}) will leave the group and may not join it again, nor write or reply in its layers, until the ban is lifted.`,
      confirm: 'Ban',
      reason: 'Reason (optional), kept in the audit log',
      reasonOptional: true,
    });
    if (reason !== null) await this.change(() => api.banMember(this.slug, m.handle, reason), `${m.name} is banned from the group.`);
  }

  /**
   * Bans someone by handle, member or not: a person who made trouble elsewhere is kept from
   * joining before they try. The server's message says when there is no such person.
   */
  private async banByHandle(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const handle = String(new FormData(form).get('handle') ?? '')
      .trim()
      .replace(/^@/, '');
    if (!handle) return;
    const reason = await this.renderRoot.querySelector<DafConfirm>('daf-confirm')!.ask({
      title: `Ban @${handle}?`,
      message: `@${handle} will not be able to join the group, nor write or reply in its layers, until the ban is lifted.`,
      confirm: 'Ban',
      reason: 'Reason (optional), kept in the audit log',
      reasonOptional: true,
    });
    if (reason !== null && (await this.change(() => api.banMember(this.slug, handle, reason), `@${handle} is banned from the group.`))) form.reset();
  }

  private banForm() {
    return html`<form class="ban-someone" aria-label="Ban someone" @submit=${this.banByHandle}>
      <label>Ban someone by handle, member or not <input name="handle" placeholder="handle, or name@server for someone elsewhere" autocomplete="off" spellcheck="false" required maxlength="330" /></label>
      <button type="submit" ?disabled=${this.actions.busy}>Ban…</button>
    </form>`;
  }

  private bannedPerson(m: Member) {
    return html`<span class="grow"><span class="name">${m.name}</span> <span class="meta">@${m.handle}</span></span>
      ${this.viewerRole === 'owner'
        ? html`<button type="button" ?disabled=${this.actions.busy} aria-label="Lift the ban on ${m.name}" @click=${() => this.change(() => api.unbanMember(this.slug, m.handle), `The ban on ${m.name} is lifted: they may join again.`)}>
            Lift the ban
          </button>`
        : nothing}`;
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
            ${self
              ? nothing
              : html`<button type="button" ?disabled=${this.actions.busy} aria-label="Remove ${m.name}" @click=${() => this.removeMember(m)}>Remove</button>
                  <button type="button" ?disabled=${this.actions.busy} aria-label="Ban ${m.name}" @click=${() => this.ban(m)}>Ban…</button>`}`
        : html`<span class="role">${m.role}</span>`}
    </li>`;
  }

  override render() {
    const all = this.members;
    const active = all?.filter((m) => m.state === 'active') ?? [];
    return html`<section aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      ${all === null && !this.actions.error ? html`<p aria-busy="true">Loading the members…</p>` : nothing}
      ${this.others('requests', 'Asking to join', all?.filter((m) => m.state === 'pending') ?? [], (m) => this.request(m))}
      ${all ? html`<ul class="members" aria-label="Members">${active.map((m) => this.member(m))}</ul>` : nothing}
      ${this.others('banned', 'Banned', all?.filter((m) => m.state === 'banned') ?? [], (m) => this.bannedPerson(m))}
      ${all && this.viewerRole === 'owner' ? this.banForm() : nothing}
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
