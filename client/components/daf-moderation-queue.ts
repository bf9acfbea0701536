import { LitElement, html, css, nothing } from 'lit';
import { api, type Group, type ModerationQueue } from '../api.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { dateText } from '../group-facts.ts';
import { textDirection } from '../layout/text-direction.ts';
import { hideQuestion, type DafConfirm } from './daf-confirm.ts';
import { groupStyles } from './group-styles.ts';

/** A post in the queue: waiting for approval, flagged, or both. */
interface QueueItem {
  kind: 'gloss' | 'reply';
  id: number;
  /** The gloss to open in the text: the post itself, or the gloss a reply answers. */
  gloss: number | null;
  /** The text's and the layer's slugs; null when the post could not be read. */
  text: string | null;
  layer: string | null;
  author: string | null;
  excerpt: string;
  /** The post's status: pending, active, hidden, deleted; `unknown` when it could not be read. */
  status: string;
  created: string | null;
  flags: { flagger: string; reason: string }[];
}

/** What a moderator did from this queue since the page opened. */
interface Done {
  item: QueueItem;
  action: 'approved' | 'hidden' | 'restored';
  reason?: string;
}

/** The queue as one list of posts: pending ones first, then flagged ones, each with its flags. */
function queueItems(q: ModerationQueue): QueueItem[] {
  const items = new Map<string, QueueItem>();
  for (const p of q.pending) {
    items.set(`${p.kind}:${p.id}`, {
      kind: p.kind,
      id: p.id,
      gloss: p.kind === 'gloss' ? p.id : (p.gloss ?? null),
      text: p.text,
      layer: p.layer,
      author: p.author,
      excerpt: p.excerpt,
      status: 'pending',
      created: p.created,
      flags: [],
    });
  }
  for (const f of q.flags) {
    const key = `${f.kind}:${f.item}`;
    let item = items.get(key);
    if (!item) {
      item = {
        kind: f.kind,
        id: f.item,
        gloss: f.gloss,
        text: f.post?.text ?? null,
        layer: f.post?.layer ?? null,
        author: f.post?.author ?? null,
        excerpt: f.post?.excerpt ?? '',
        status: f.post?.status ?? 'unknown',
        created: f.post?.created ?? null,
        flags: [],
      };
      items.set(key, item);
    }
    item.flags.push({ flagger: f.flagger, reason: f.reason });
  }
  return [...items.values()];
}

/**
 * A group's moderation queue, for its owners and moderators: every post waiting for approval
 * and every flagged post, with its words, author and place (a link to it in its text), its
 * flags, and Approve, Hide (with a reason its author will see) or Restore. An acted-on post
 * leaves the queue for a list of what was done, where a hidden one can be restored.
 */
export class DafModerationQueue extends LitElement {
  static override styles = [
    groupStyles,
    css`
      blockquote {
        margin: 0.4rem 0;
        padding-inline-start: 0.75rem;
        border-inline-start: 3px solid var(--daf-rule);
        line-height: 1.5;
        white-space: pre-line;
      }
      .flags {
        margin: 0.25rem 0 0.5rem;
        font-family: system-ui, sans-serif;
        font-size: 0.85rem;
      }
      .flags li {
        padding: 0.1rem 0;
        border: none;
      }
      h3 {
        margin: 1.5rem 0 0.25rem;
        font-size: 0.95rem;
        font-weight: 600;
      }
      .done li {
        font-size: 0.95rem;
      }
    `,
  ];

  static override properties = {
    slug: { type: String },
    layers: { attribute: false },
    items: { state: true },
    done: { state: true },
  };

  /** The group's slug. */
  declare slug: string;
  /** The group's layers, to name each post's layer and text. */
  declare layers: Group['layers'];
  /** The posts waiting for a moderator; null while loading. */
  declare items: QueueItem[] | null;
  /** What was done from here, newest first. */
  declare done: Done[];

  /** Approving, hiding and restoring. */
  private readonly actions = new ActionController(this);

  constructor() {
    super();
    this.slug = '';
    this.layers = [];
    this.items = null;
    this.done = [];
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  /** Reads the queue again (the page does when the group's live stream says it changed). */
  async load() {
    try {
      this.items = queueItems(await api.moderationQueue(this.slug));
    } catch (e) {
      this.actions.fail(e);
    }
  }

  /** The item's place in words and a link: "in Study notes on Pirkei Avot (English)". */
  private where(item: QueueItem) {
    if (item.text === null) return nothing;
    const layer = this.layers.find((l) => l.slug === item.layer && l.text.slug === item.text);
    const href = `/t/${encodeURIComponent(item.text)}${item.gloss === null ? '' : `#g-${item.gloss}`}`;
    return html` in ${layer?.name ?? item.layer} on
      <a href=${href} lang=${layer?.text.language ?? nothing}>${layer?.text.title ?? item.text}</a>`;
  }

  private async act(item: QueueItem, action: 'approve' | 'hide' | 'restore') {
    let reason: string | undefined;
    if (action === 'hide') {
      const answer = await this.renderRoot.querySelector<DafConfirm>('daf-confirm')!.ask(hideQuestion(item.kind));
      if (answer === null) return;
      reason = answer;
    }
    const acted = await this.actions.run(async () => {
      await api.moderate(item.kind, item.id, action, reason);
      const done = ({ approve: 'approved', hide: 'hidden', restore: 'restored' } as const)[action];
      this.done = [{ item, action: done, reason }, ...this.done.filter((d) => d.item.kind !== item.kind || d.item.id !== item.id)];
      await this.load();
      return `The ${item.kind} by @${item.author ?? 'someone'} is ${done}.`;
    });
    // The audit log now tells of this.
    if (acted) this.dispatchEvent(new CustomEvent('daf-audit-changed', { bubbles: true, composed: true }));
    // Refused (someone else acted first, say): show the queue as it is now.
    else await this.load();
  }

  private item(item: QueueItem) {
    const label = `${item.kind === 'gloss' ? 'gloss' : 'reply'} by ${item.author ?? 'someone'}`;
    const state = item.status === 'pending' ? 'waiting for approval' : item.status === 'unknown' ? 'could not be read' : item.status;
    return html`<li data-kind=${item.kind} data-id=${item.id}>
      <span class="meta"
        >${item.kind === 'gloss' ? 'Gloss' : 'Reply'} by @${item.author ?? '?'}${this.where(item)} · ${state}${item.created ? ` · ${dateText(item.created, true)}` : ''}</span
      >
      ${item.excerpt ? html`<blockquote dir=${textDirection(item.excerpt)}>${item.excerpt}</blockquote>` : nothing}
      ${item.flags.length
        ? html`<ul class="flags" aria-label="Flags">
            ${item.flags.map((f) => html`<li>Flagged by @${f.flagger}: <q dir=${textDirection(f.reason)}>${f.reason}</q></li>`)}
          </ul>`
        : nothing}
      <div class="actions">
        ${item.status === 'pending'
          ? html`<button type="button" class="primary" ?disabled=${this.actions.busy} aria-label="Approve the ${label}" @click=${() => this.act(item, 'approve')}>Approve</button>`
          : nothing}
        ${item.status === 'pending' || item.status === 'active'
          ? html`<button type="button" ?disabled=${this.actions.busy} aria-label="Hide the ${label}" @click=${() => this.act(item, 'hide')}>Hide…</button>`
          : nothing}
        ${item.status === 'hidden'
          ? html`<button type="button" ?disabled=${this.actions.busy} aria-label="Restore the ${label}" @click=${() => this.act(item, 'restore')}>Restore</button>`
          : nothing}
      </div>
    </li>`;
  }

  private doneList() {
    if (this.done.length === 0) return nothing;
    return html`<h3 id="done-heading">Done just now</h3>
      <ul class="done" aria-labelledby="done-heading">
        ${this.done.map(
          ({ item, action, reason }) => html`<li class="row" data-kind=${item.kind} data-id=${item.id}>
            <span class="grow"
              >${item.kind === 'gloss' ? 'Gloss' : 'Reply'} by @${item.author ?? '?'}: ${action}${reason ? html` — <q>${reason}</q>` : nothing}
              ${item.excerpt ? html`<span class="meta" dir=${textDirection(item.excerpt)}>${item.excerpt}</span>` : nothing}</span
            >
            ${action === 'hidden'
              ? html`<button type="button" ?disabled=${this.actions.busy} aria-label="Restore the ${item.kind} by ${item.author ?? 'someone'}" @click=${() => this.act({ ...item, status: 'hidden' }, 'restore')}>
                  Restore
                </button>`
              : nothing}
          </li>`,
        )}
      </ul>`;
  }

  override render() {
    const items = this.items;
    return html`<section aria-labelledby="moderation-heading">
      <h2 id="moderation-heading">Waiting for a moderator</h2>
      ${items === null
        ? this.actions.error
          ? nothing
          : html`<p aria-busy="true">Loading the moderation queue…</p>`
        : items.length === 0
          ? html`<p class="empty queue-empty">Nothing is waiting: no posts to approve and no flags.</p>`
          : html`<ul class="queue" aria-label="Posts waiting for a moderator">${items.map((i) => this.item(i))}</ul>`}
      ${this.actions.regions()}
      ${this.doneList()}
      <daf-confirm></daf-confirm>
    </section>`;
  }
}

customElements.define('daf-moderation-queue', DafModerationQueue);

declare global {
  interface HTMLElementTagNameMap {
    'daf-moderation-queue': DafModerationQueue;
  }
}
