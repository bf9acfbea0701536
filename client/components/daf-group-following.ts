import { LitElement, html, css, nothing } from 'lit';
import { api, type FollowedGroup } from '../api.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { dateText } from '../group-facts.ts';
import { groupStyles, inlineFormStyles } from './group-styles.ts';

/**
 * The groups on other Daf servers a group follows, for its owners (docs/federation.md §7): a form
 * that follows one by its address (`name@host`, or its actor's URL), and the list with each
 * one's state (waiting for it to accept, or followed) and a Stop following button. Their public
 * glosses on texts this server holds too appear on those texts' pages as read-only layers.
 */
export class DafGroupFollowing extends LitElement {
  static override styles = [
    groupStyles,
    inlineFormStyles,
    css`
      label {
        flex: 1;
        min-inline-size: 14rem;
      }
      .following {
        margin-block-start: 0.5rem;
      }
      .hint {
        color: var(--daf-muted);
        font-size: 0.85rem;
      }
      .state {
        font-family: system-ui, sans-serif;
        font-size: 0.85rem;
      }
    `,
  ];

  static override properties = {
    slug: { type: String },
    federated: { type: Boolean },
    following: { state: true },
  };

  /** The group's slug. */
  declare slug: string;
  /** Whether the group federates: only then may it follow (its actor is what follows). */
  declare federated: boolean;
  /** Whom it follows; null while loading. */
  declare following: FollowedGroup[] | null;

  /** Following and stopping. */
  private readonly actions = new ActionController(this);

  constructor() {
    super();
    this.slug = '';
    this.federated = false;
    this.following = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      this.following = (await api.following(this.slug)).following;
    } catch (e) {
      this.actions.fail(e);
    }
  }

  private async follow(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const actor = String(new FormData(form).get('actor') ?? '').trim();
    const done = await this.actions.run(async () => {
      const { following } = await api.follow(this.slug, actor);
      await this.load();
      return following.state === 'accepted' ? `Already following ${following.name}.` : `Asked to follow ${following.name}: it shows as followed once their server accepts.`;
    });
    if (done) form.reset();
  }

  private async stop(row: FollowedGroup) {
    await this.actions.run(async () => {
      await api.unfollow(this.slug, row.actor);
      await this.load();
      return `No longer following ${row.name}. The layers already here stay.`;
    });
  }

  private list(rows: FollowedGroup[]) {
    if (rows.length === 0) return html`<p class="empty">The group follows no group elsewhere.</p>`;
    return html`<ul class="following" aria-label="Groups followed">
      ${rows.map(
        (row) => html`<li class="row">
          <span class="grow">
            <a href=${row.actor} rel="noopener">${row.name}</a> <span class="meta">${row.handle}</span>
            <span class="state">${row.state === 'accepted' ? 'Followed' : 'Waiting for them to accept'}</span>
            <span class="meta">since ${dateText(row.since)}</span>
          </span>
          <button type="button" ?disabled=${this.actions.busy} aria-label="Stop following ${row.name}" @click=${() => this.stop(row)}>Stop following</button>
        </li>`,
      )}
    </ul>`;
  }

  override render() {
    return html`<section aria-labelledby="following-heading">
      <h2 id="following-heading">Following</h2>
      <p class="hint">
        Follow a reading group on another Daf server: its public glosses on texts this server holds too appear on their pages as a read-only layer.
      </p>
      ${this.federated
        ? html`<form @submit=${this.follow} aria-label="Follow a group elsewhere">
            <label>Its address (name@server, or its URL)<input name="actor" required autocomplete="off" spellcheck="false" placeholder="avot-circle@daf.example.org" /></label>
            <button type="submit" class="primary" ?disabled=${this.actions.busy}>Follow</button>
          </form>`
        : html`<p class="hint">Let people on other servers follow the group (in its settings) first: the group follows as itself.</p>`}
      ${this.following === null ? nothing : this.list(this.following)}
      ${this.actions.regions()}
    </section>`;
  }
}

customElements.define('daf-group-following', DafGroupFollowing);

declare global {
  interface HTMLElementTagNameMap {
    'daf-group-following': DafGroupFollowing;
  }
}
