import { LitElement, html, css, nothing } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { styleMap } from 'lit/directives/style-map.js';
import { api, ApiError, failureMessage, type Group } from '../api.ts';
import { groupFacts, withArticle } from '../group-facts.ts';
import { textDirection } from '../layout/text-direction.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { session, SessionController } from '../session.ts';
import './daf-account.ts';
import './daf-account-page.ts';
import './daf-add-text.ts';
import './daf-confirm.ts';
// The page that starts a group (`/g/new`) comes in the same chunk as the group pages.
import './daf-new-group.ts';
import './daf-verify-email.ts';
import './daf-reset-password.ts';
import type { DafConfirm } from './daf-confirm.ts';
import './daf-group-audit.ts';
import type { DafGroupAudit } from './daf-group-audit.ts';
import './daf-group-invitations.ts';
import './daf-group-members.ts';
import './daf-group-settings.ts';
import './daf-group-following.ts';
import './daf-layer-form.ts';
import './daf-layer-settings.ts';
import './daf-moderation-queue.ts';
import type { DafModerationQueue } from './daf-moderation-queue.ts';
import './daf-reading-plan.ts';
import type { PlanTextChoice } from './daf-reading-plan.ts';
import { groupPageFrame, groupStyles } from './group-styles.ts';

/** What a visitor reads when a group is not there for them: the server says 404 for both. */
export const noSuchGroup = 'No such group, or it is private';

/** The place of the reader in a group, in a sentence. */
function standing(g: Group, signedIn: boolean): string {
  const m = g.membership;
  if (m?.state === 'active') return `You are ${withArticle(m.role)} of this group.`;
  if (m?.state === 'pending') return 'Your request to join is waiting for a moderator.';
  if (!signedIn) return 'Log in or sign up to join this group.';
  return g.joinPolicy === 'invite' ? 'You are not a member. This group admits by invitation only: ask one of its moderators for a link.' : 'You are not a member of this group.';
}

/** The texts a plan may be set on, as the form offers them: the group's own, then those its layers are on. */
function planTexts(g: Group): PlanTextChoice[] {
  const all = [...g.texts, ...g.layers.map((l) => l.text)];
  return all.filter((t, i) => all.findIndex((u) => u.slug === t.slug) === i).map((t) => ({ slug: t.slug, title: t.title }));
}

/**
 * A reading group's page, `/g/:slug`: its name, description and settings, the reader's place in
 * it with Join and Leave, its reading plan (this week's passage first; owners and moderators
 * set it), the texts and layers it reads in, and, by role, its members (owners
 * change roles, remove and ban people and lift bans; moderators admit requests), its
 * invitations, its moderation queue and its audit log (owners and moderators), and its settings
 * (owners). A private group the reader does not belong to is
 * "no such group", as the server answers. It loads again when someone signs in or out.
 */
export class DafGroupPage extends LitElement {
  static override styles = [
    groupStyles,
    groupPageFrame,
    css`
      .description {
        margin: 0 0 0.5rem;
        font-size: 1.1rem;
        line-height: 1.5;
      }
      .standing {
        margin: 1rem 0 0.75rem;
      }
      button.layer-settings {
        font-size: 0.8rem;
        margin-block-start: 0.25rem;
      }
      .answer-toggle {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        font-family: system-ui, sans-serif;
        font-size: 0.85rem;
        margin-block-start: 0.25rem;
      }
      .join daf-account {
        justify-content: flex-start;
      }
      li a {
        color: var(--daf-fg);
        font-size: 1.1rem;
        text-decoration: none;
      }
      li a:hover,
      li a:focus-visible {
        color: var(--daf-accent);
        text-decoration: underline;
      }
      .swatch {
        display: inline-block;
        inline-size: 0.7rem;
        block-size: 0.7rem;
        margin-inline-end: 0.4rem;
        border-radius: 2px;
        background: var(--c);
      }
      .new-layer {
        margin-block-start: 0.75rem;
      }
      .layer-description {
        margin: 0.2rem 0 0;
      }
    `,
  ];

  static override properties = {
    slug: { type: String },
    group: { state: true },
    loadError: { state: true },
    layerForm: { state: true },
    settingsOf: { state: true },
  };

  /** The group's slug, from the URL. */
  declare slug: string;
  /** The group as the reader may see it; null while loading or when it cannot be seen. */
  declare group: Group | null;
  /** Why the group could not be shown (the "no such group" message for a 404). */
  declare loadError: string;
  /** The new-layer form is open (owners and moderators). */
  declare layerForm: boolean;
  /** The layer whose settings are open (`TEXT/LAYER`), or null. */
  declare settingsOf: string | null;

  private readonly session = new SessionController(this);
  /** Joining and leaving. */
  private readonly actions = new ActionController(this);
  /** Opening and closing answers in a followed layer. */
  private readonly layerActions = new ActionController(this);
  /** Whom and which group the page was loaded for; undefined before the first load. */
  private loadedFor: string | undefined;
  /** Counts loads so that an answer overtaken by a newer request is dropped. */
  private loads = 0;

  constructor() {
    super();
    this.slug = '';
    this.group = null;
    this.loadError = '';
    this.layerForm = false;
    this.settingsOf = null;
    this.addEventListener('daf-group-changed', () => void this.load());
    this.addEventListener('daf-layer-settings-closed', () => void this.closeSettings());
    // Something the log records was done, and the group itself did not change: the log alone reads again.
    this.addEventListener('daf-audit-changed', () => void this.renderRoot.querySelector<DafGroupAudit>('daf-group-audit')?.refresh());
  }

  override willUpdate() {
    if (!this.session.known) return;
    const key = `${this.session.me?.handle ?? ''} ${this.slug}`;
    if (key === this.loadedFor) return;
    this.loadedFor = key;
    // Another group, or another reader (signed in or out): nothing of what was shown stays up
    // while the group is read again, nor do its parts read as someone they no longer are.
    this.group = null;
    this.loadError = '';
    this.actions.clear();
    void this.load();
  }

  /** The group's live moderation, followed while the reader moderates it; and for which group. */
  private follow: EventSource | null = null;
  private followed = '';

  /**
   * A moderator's page follows the group live: a post held or flagged, or another moderator's
   * action, and the queue and the audit log read again, without a reload.
   */
  protected override updated() {
    const g = this.group;
    const role = g?.membership?.state === 'active' ? g.membership.role : null;
    const key = g && (role === 'owner' || role === 'moderator') ? `${this.session.me?.handle ?? ''} ${g.slug}` : '';
    if (key === this.followed) return;
    this.unfollow();
    this.followed = key;
    if (!g || !key) return;
    this.follow = api.groupEvents(g.slug);
    this.follow.addEventListener('changed', () => {
      void this.renderRoot.querySelector<DafModerationQueue>('daf-moderation-queue')?.load();
      void this.renderRoot.querySelector<DafGroupAudit>('daf-group-audit')?.refresh();
    });
  }

  private unfollow() {
    this.follow?.close();
    this.follow = null;
    this.followed = '';
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.unfollow();
  }

  private async load() {
    const load = ++this.loads;
    try {
      const group = await api.group(this.slug);
      if (load !== this.loads) return;
      this.group = group;
      this.loadError = '';
      document.title = `${group.name} · Daf`;
    } catch (e) {
      if (load !== this.loads) return;
      this.group = null;
      this.loadError = e instanceof ApiError && e.status === 404 ? noSuchGroup : failureMessage(e);
      document.title = `${this.loadError} · Daf`;
    }
  }

  private async join() {
    await this.actions.run(async () => {
      const { state } = await api.joinGroup(this.slug);
      await this.load();
      return state === 'pending' ? 'Request sent: it is awaiting a moderator.' : 'You have joined the group.';
    });
  }

  private async leave() {
    const g = this.group!;
    const pending = g.membership?.state === 'pending';
    if (g.membership?.soleOwner) {
      this.actions.refuse('You are the only owner of this group: make someone else an owner before you leave.');
      return;
    }
    const ok = await this.renderRoot.querySelector<DafConfirm>('daf-confirm')!.ask(
      pending
        ? { title: 'Withdraw your request?', message: `You will no longer be asking to join ${g.name}.`, confirm: 'Withdraw' }
        : {
            title: 'Leave the group?',
            message: g.joinPolicy === 'invite' ? `To come back to ${g.name} you will need a new invitation.` : `You can ask to join ${g.name} again later.`,
            confirm: 'Leave',
          },
    );
    if (ok === null) return;
    const left = await this.actions.run(async () => {
      await api.leaveGroup(this.slug);
      // A private group is gone for those outside it: back to the library, not "no such group".
      if (g.visibility === 'private') this.dispatchEvent(new CustomEvent('daf-navigate', { detail: { path: '/' }, bubbles: true, composed: true }));
      else await this.load();
      return pending ? 'Your request is withdrawn.' : 'You have left the group.';
    });
    if (!left) await this.load();
  }

  private joinSection(g: Group) {
    const me = this.session.me;
    const m = g.membership;
    let action: unknown = nothing;
    const busy = this.actions.busy;
    if (!me) action = html`<daf-account></daf-account>`;
    else if (m?.state === 'active') action = html`<button type="button" @click=${this.leave} ?disabled=${busy}>Leave the group</button>`;
    else if (m?.state === 'pending') action = html`<button type="button" @click=${this.leave} ?disabled=${busy}>Withdraw the request</button>`;
    else if (g.joinPolicy !== 'invite') {
      action = html`<button type="button" class="primary" @click=${this.join} ?disabled=${busy}>${g.joinPolicy === 'open' ? 'Join the group' : 'Ask to join'}</button>`;
    }
    return html`<div class="join">
      <p class="standing">${standing(g, me !== null)}</p>
      <div class="actions">${action}</div>
      ${this.actions.regions()}
    </div>`;
  }

  /**
   * For an owner, on a layer followed from another Daf: whether the group's members may answer in
   * its threads. Their replies go back into the thread there (docs/federation.md §7).
   */
  private answerToggle(g: Group, l: Group['layers'][number]) {
    const open = l.replyPolicy === 'members';
    const change = async (event: Event) => {
      const box = event.target as HTMLInputElement;
      const done = await this.layerActions.run(async () => {
        await api.updateLayer(l.text.slug, l.slug, { replyPolicy: box.checked ? 'members' : 'nobody' });
        return box.checked ? `Members may answer in “${l.name}”: their replies go to the group there.` : `“${l.name}” takes no answers now.`;
      });
      if (done) await this.load();
      else box.checked = open;
    };
    return html`<label class="check answer-toggle"
      ><input type="checkbox" .checked=${open} ?disabled=${this.layerActions.busy} @change=${change} />Members may answer in its threads (their replies go to the group there)</label
    >`;
  }

  /** Closes the open layer settings, and gives the focus back to the button that opened them. */
  private async closeSettings() {
    const key = this.settingsOf;
    this.settingsOf = null;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>(`button.layer-settings[data-layer="${CSS.escape(key ?? '')}"]`)?.focus();
  }

  /** An owner's controls on a layer: its settings, and, on a layer followed from another Daf, the answer toggle. */
  private ownerControls(g: Group, l: Group['layers'][number]) {
    const key = `${l.text.slug}/${l.slug}`;
    const open = this.settingsOf === key;
    return html`${l.followedFrom !== undefined ? this.answerToggle(g, l) : nothing}
      <button
        type="button"
        class="layer-settings"
        data-layer=${key}
        aria-expanded=${open ? 'true' : 'false'}
        aria-label=${`Settings of “${l.name}”`}
        @click=${() => (this.settingsOf = open ? null : key)}
      >
        Settings…
      </button>
      ${open ? keyed(key, html`<daf-layer-settings text=${l.text.slug} layer=${l.slug} ?groupFederated=${g.federated && g.visibility === 'public'}></daf-layer-settings>`) : nothing}`;
  }

  private readingSection(g: Group) {
    if (g.texts.length === 0 && g.layers.length === 0) {
      return html`<p class="empty">${g.membership?.state === 'active' ? 'The group has no texts or layers yet.' : 'Nothing of this group is open to you yet.'}</p>`;
    }
    return html`<ul class="reading" aria-label="The group’s texts and layers">
      ${g.texts.map(
        (t) => html`<li>
          <a href="/t/${encodeURIComponent(t.slug)}" lang=${t.language} dir=${t.direction}>${t.title}</a>
          <span class="meta">A text of the group${t.new ? html` · <strong class="new">${t.new} new</strong>` : nothing}</span>
        </li>`,
      )}
      ${g.layers.map(
        (l) => html`<li>
          <a href="/t/${encodeURIComponent(l.text.slug)}?layers=${encodeURIComponent(l.slug)}"
            ><span class="swatch" style=${styleMap({ '--c': l.color })} aria-hidden="true"></span>${l.name}</a
          >
          <span class="meta">A ${l.visibility === 'private' ? 'notebook' : 'layer'} on <span lang=${l.text.language} dir=${l.text.direction}>${l.text.title}</span>${l.visibility === 'group' ? ' · members only' : l.visibility === 'private' ? ' · each member sees their own notes' : ''}</span>
          ${l.description ? html`<p class="layer-description" dir=${textDirection(l.description)}>${l.description}</p>` : nothing}
          ${g.membership?.state === 'active' && g.membership.role === 'owner' ? this.ownerControls(g, l) : nothing}
        </li>`,
      )}
    </ul>`;
  }

  override render() {
    if (this.loadError) {
      return html`<h1>${this.loadError}</h1>
        <p>If you were sent an invitation, open its link. If you belong to the group, log in.</p>
        <p><a href="/">Back to the library</a></p>`;
    }
    const g = this.group;
    if (!g) return html`<p aria-busy="true">Loading the group…</p>`;
    const role = g.membership?.state === 'active' ? g.membership.role : null;
    const moderator = role === 'owner' || role === 'moderator';
    // A new reader, or a new role, gets fresh parts: what they may see and do is theirs alone.
    const who = `${session.me?.handle ?? ''} ${g.slug} ${role ?? ''}`;
    return html`
      <h1>${g.name}</h1>
      ${g.description ? html`<p class="description" dir=${textDirection(g.description)}>${g.description}</p>` : nothing}
      <span class="meta">${groupFacts(g)}${g.premoderation ? ` · new members’ posts are read by a moderator first` : ''}</span>
      ${this.joinSection(g)}
      ${keyed(who, html`<daf-reading-plan slug=${g.slug} ?hasPlan=${g.hasPlan} ?canEdit=${moderator} .texts=${planTexts(g)}></daf-reading-plan>`)}
      <section aria-labelledby="reading-heading">
        <h2 id="reading-heading">Where the group reads</h2>
        ${this.readingSection(g)} ${this.layerActions.regions()}
        ${moderator
          ? html`<p class="new-layer"><a class="button" href="/t/new?group=${encodeURIComponent(g.slug)}">Add a text</a></p>
              <button type="button" aria-expanded=${this.layerForm ? 'true' : 'false'} @click=${() => (this.layerForm = !this.layerForm)}>New layer…</button>
              ${this.layerForm ? keyed(g.slug, html`<daf-layer-form group=${g.slug}></daf-layer-form>`) : nothing}`
          : nothing}
      </section>
      ${keyed(
        who,
        html`${moderator ? html`<daf-moderation-queue slug=${g.slug} .layers=${g.layers}></daf-moderation-queue>` : nothing}
        ${role ? html`<daf-group-members slug=${g.slug} .viewerRole=${role}></daf-group-members>` : nothing}
        ${moderator ? html`<daf-group-invitations slug=${g.slug}></daf-group-invitations>` : nothing}
        ${role === 'owner' ? html`<daf-group-settings slug=${g.slug} .group=${g}></daf-group-settings>` : nothing}
        ${role === 'owner' ? html`<daf-group-following slug=${g.slug} ?federated=${g.federated && g.visibility === 'public'}></daf-group-following>` : nothing}
        ${moderator ? html`<daf-group-audit slug=${g.slug} .group=${g}></daf-group-audit>` : nothing}`,
      )}
      <daf-confirm></daf-confirm>
    `;
  }
}

customElements.define('daf-group-page', DafGroupPage);

declare global {
  interface HTMLElementTagNameMap {
    'daf-group-page': DafGroupPage;
  }
}
