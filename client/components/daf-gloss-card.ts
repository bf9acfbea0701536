import { authorName } from '../author-name.ts';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { api, failureMessage, type Gloss, type Layer, type Reply } from '../api.ts';
import { cssColor } from '../layer-style.ts';
import { renderBody, type BodyHighlight } from '../layout/gloss-body.ts';
import { textDirection } from '../layout/text-direction.ts';
import type { DisputePlace } from '../layout/disputes.ts';
import { CardDeliberation } from './card-deliberation.ts';
import { when } from './post-time.ts';
import { CardModeration } from './card-moderation.ts';
import type { ComposerPost } from './daf-composer.ts';
import { loadComposer } from './load-composer.ts';

/** Bodies longer than this many characters are shown cut short, with "More". */
const longBody = 420;

/** Which writing form is open in a card: a reply to the gloss or to a reply, or an edit. */
type Form = { kind: 'reply'; parent: number | null } | { kind: 'edit-gloss' } | { kind: 'edit-reply'; id: number } | null;

/**
 * One gloss beside the text: its layer, author and body (with the spans that glosses on it
 * comment on marked), its thread of replies nested by parent, and — for whoever may — reply,
 * edit and delete. Changes go to the server; the page re-reads what changed and lays out again.
 */
export class DafGlossCard extends LitElement {
  static override properties = {
    gloss: { attribute: false },
    layer: { attribute: false },
    highlights: { attribute: false },
    me: { attribute: false },
    open: { type: Boolean, reflect: true },
    foldable: { type: Boolean, reflect: true },
    unfolded: { type: Boolean, reflect: true },
    context: { type: Boolean, reflect: true },
    dispute: { attribute: false },
    expanded: { state: true },
    markedReply: { state: true },
    form: { state: true },
    busy: { state: true },
    error: { state: true },
  };

  declare gloss: Gloss;
  declare layer: Layer | undefined;
  /** Spans of this gloss's body that visible glosses on it comment on. */
  declare highlights: BodyHighlight[];
  /** The reader's handle, or null for a visitor. */
  declare me: string | null;
  /** Is the thread open? */
  declare open: boolean;
  /**
   * Does the card stand folded to its first line until it is focused or clicked (on the text
   * page, where cards must stay level with their words)? Unfolded, it keeps its folded height in
   * the column and opens over the cards below it, so nothing else moves.
   */
  declare foldable: boolean;
  declare unfolded: boolean;
  /** Is it shown only because a gloss the page's filters let through hangs on it? */
  declare context: boolean;
  /** Its place among readings in dispute on the same words (docs/deliberation.md §5), or null. */
  declare dispute: DisputePlace | null;
  /** Is a long body shown whole? */
  declare expanded: boolean;
  /** The reply a link named (`#g-12-r-34`, a notification's): shown marked in the open thread. */
  declare markedReply: number | null;
  declare form: Form;
  declare busy: boolean;
  declare error: string;
  /** Flag, and the moderators' Approve / Hide / Restore / Delete. */
  private readonly mod = new CardModeration(this);
  /** Stances on the reading, and the decision recorded on it. */
  private readonly deliberation = new CardDeliberation(this, (action) => this.write(action));

  private body: HTMLElement | null = null;

  constructor() {
    super();
    this.highlights = [];
    this.me = null;
    this.open = false;
    this.foldable = false;
    this.unfolded = false;
    this.context = false;
    this.dispute = null;
    this.expanded = false;
    this.markedReply = null;
    this.form = null;
    this.busy = false;
    this.error = '';
  }

  /**
   * Open, the card's band (on the text page) shows whole, over the bands below: told by a class
   * rather than a `:has()` rule, which would make the browser re-check bands on every card move.
   */
  protected override updated(changed: PropertyValues<this>) {
    if (changed.has('unfolded')) this.parentElement?.classList.toggle('holds-open', this.unfolded);
    // On the page a card is one tab stop: its buttons and links are reached with the arrow keys.
    if (this.foldable) for (const el of this.controls()) el.tabIndex = -1;
  }

  /** The card's buttons and links, in order (not those of a form open in it). */
  private controls(): HTMLElement[] {
    return [...this.querySelectorAll<HTMLElement>('button, a[href]')].filter((el) => !el.closest('daf-composer, form'));
  }

  /**
   * Roving focus inside a card of the page: → and ← (mirrored in a right-to-left card) go from the
   * card to its buttons and links and between them; Esc on one goes back to the card.
   */
  private onKey = (event: KeyboardEvent) => {
    if (!this.foldable || event.altKey || event.ctrlKey || event.metaKey) return;
    const at = event.target as HTMLElement;
    if (at.closest('daf-composer')) return;
    const controls = this.controls();
    const index = controls.indexOf(at);
    if (event.key === 'Escape' && index >= 0) {
      event.preventDefault();
      event.stopPropagation();
      this.focus();
      return;
    }
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    if (!controls.length || (index < 0 && at !== this)) return;
    const forward = (event.key === 'ArrowRight') !== (getComputedStyle(this).direction === 'rtl');
    const next = index < 0 ? (forward ? 0 : controls.length - 1) : (index + (forward ? 1 : -1) + controls.length) % controls.length;
    event.preventDefault();
    event.stopPropagation();
    controls[next].focus();
  };

  protected override createRenderRoot() {
    return this;
  }

  override connectedCallback() {
    super.connectedCallback();
    this.tabIndex = 0;
    this.setAttribute('role', 'article');
    this.addEventListener('focusin', this.onFocusIn);
    this.addEventListener('focusout', this.onFocusOut);
    this.addEventListener('keydown', this.onKey);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.removeEventListener('focusin', this.onFocusIn);
    this.removeEventListener('focusout', this.onFocusOut);
    this.removeEventListener('keydown', this.onKey);
  }

  /** Focus (a click, a key, a link) unfolds a folded card, over those below it. */
  private onFocusIn = () => {
    if (!this.foldable || this.unfolded) return;
    this.style.setProperty('--folded', `${this.offsetHeight}px`);
    this.unfolded = true;
  };

  /**
   * Focus gone elsewhere folds it again, unless a form is open in it. Gone to the page's popover
   * (a gloss being written on words of this card), it stays open until focus lands anywhere else.
   */
  private onFocusOut = (event: FocusEvent) => {
    const to = event.relatedTarget as Element | null;
    if (!this.unfolded || this.form || this.mod.holding || this.contains(to)) return;
    if (!to?.closest('.popover')) {
      this.unfolded = false;
      return;
    }
    const root = this.getRootNode();
    const check = (e: Event) => {
      const at = e.target as Element;
      if (this.contains(at) || at.closest?.('.popover')) return;
      root.removeEventListener('focusin', check);
      if (!this.form && !this.mod.holding) this.unfolded = false;
    };
    root.addEventListener('focusin', check);
  };

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('gloss') || changed.has('highlights')) {
      const g = this.gloss;
      this.body = document.createElement('div');
      this.body.className = 'body';
      this.body.dataset.glossBody = String(g.id);
      if (g.body) {
        this.body.dir = textDirection(g.body.text);
        this.body.append(renderBody(g.body.doc, this.highlights));
      } else {
        this.body.append(Object.assign(document.createElement('p'), { className: 'tag', textContent: 'Deleted' }));
      }
    }
    this.body!.classList.toggle('clamped', this.long && !this.expanded);
    const layerName = this.layer?.name ?? this.gloss.layer;
    const kind = this.gloss.motivation === 'questioning' ? 'Question' : 'Gloss';
    this.setAttribute('aria-label', `${kind} in ${layerName} by ${this.gloss.attribution ?? authorName(this.gloss.author, 'someone')}${this.deliberation.disputeLabel()}${this.context ? ', shown for context' : ''}`);
    this.style.setProperty('--c', this.layer ? cssColor(this.layer.color) : '#888');
  }

  /**
   * Long bodies are shown cut short until asked for, so one long comment does not push the rest
   * far from their anchors; a body with glosses on it is shown whole, its marks in view.
   */
  private get long(): boolean {
    return (this.gloss.body?.text.length ?? 0) > longBody && this.highlights.length === 0;
  }

  /** May the reader still edit their own posts in this layer? (Not once banned from its group; deleting stays open.) */
  private get mayEdit(): boolean {
    return this.layer?.you.edit !== false;
  }

  private get mine(): boolean {
    return this.me !== null && this.gloss.author?.handle === this.me;
  }

  /** Runs a write, then tells the page to re-read; errors stay in the card. */
  private async write(action: () => Promise<unknown>) {
    this.busy = true;
    this.error = '';
    try {
      await action();
      this.form = null;
      this.dispatchEvent(new CustomEvent('daf-changed', { bubbles: true, composed: true }));
    } catch (e) {
      this.error = failureMessage(e);
    } finally {
      this.busy = false;
    }
  }

  private onPost(event: CustomEvent<ComposerPost>) {
    event.stopPropagation();
    const form = this.form;
    const body = event.detail.body;
    if (!form) return;
    void this.write(() => {
      if (form.kind === 'reply') {
        this.open = true;
        return api.reply(this.gloss.id, body, form.parent ?? undefined, event.detail.stance);
      }
      if (form.kind === 'edit-gloss') return api.updateGloss(this.gloss.id, { body });
      return api.updateReply(form.id, body);
    });
  }

  private onCancel(event: Event) {
    event.stopPropagation();
    this.form = null;
    this.error = '';
    this.focus();
  }

  private async openForm(form: Form) {
    const loaded = loadComposer();
    this.form = form;
    this.error = '';
    await this.updateComplete;
    await loaded;
    this.querySelector('daf-composer')?.focus();
  }

  private composer(initial: unknown = null) {
    const editing = this.form?.kind !== 'reply';
    // A new reply may say how it stands: to a question, that it answers; to a reading, support or objection.
    const stances = this.form?.kind !== 'reply' ? [] : this.gloss.question && this.form.parent === null ? (['answers'] as const) : (['supports', 'objects'] as const);
    return html`<daf-composer
      .mentionIn=${{ text: this.gloss.text, layer: this.gloss.layer }}
      .stances=${stances}
      .label=${editing ? 'Edit' : 'Your reply'}
      .submitLabel=${editing ? 'Save' : 'Reply'}
      .initial=${initial}
      .busy=${this.busy}
      .error=${this.error}
      @daf-post=${this.onPost}
      @daf-cancel=${this.onCancel}
    ></daf-composer>`;
  }

  /**
   * A reply's body, drawn once per version of it: a re-render of the card, or a re-read that
   * brings the same reply, moves the same element (and a selection in it stays).
   */
  private replyBody(id: number, updated: string, body: NonNullable<Reply['body']>): HTMLElement {
    const key = `${id}@${updated}`;
    let el = this.replyBodies.get(key);
    if (!el) {
      el = document.createElement('div');
      el.className = 'body';
      el.dir = textDirection(body.text);
      el.append(renderBody(body.doc));
      this.replyBodies.set(key, el);
    }
    this.shownReplyBodies.set(key, el);
    return el;
  }

  private replyBodies = new Map<string, HTMLElement>();
  /** The bodies this render shows: they become the cache, so an old version's body is let go. */
  private shownReplyBodies = new Map<string, HTMLElement>();

  /**
   * A gloss's thread as a tree of lists, so that who answered whom is there for a screen reader
   * too: each reply is an item, and the answers to it a list inside that item, oldest first.
   * Indentation stops deepening after four levels. A reply whose parent the reader cannot see
   * stands at the top.
   */
  private thread() {
    const replies = this.gloss.replies;
    this.shownReplyBodies = new Map();
    void this.updateComplete.then(() => (this.replyBodies = this.shownReplyBodies));
    const ids = new Set(replies.map((r) => r.id));
    const answers = new Map<number | null, Reply[]>();
    for (const r of replies) {
      const parent = r.parent !== null && ids.has(r.parent) ? r.parent : null;
      const list = answers.get(parent);
      if (list) list.push(r);
      else answers.set(parent, [r]);
    }
    const canReply = !!this.layer?.you.reply;
    // A question's accepted answer stands first in its thread; the asker or a moderator may choose one.
    const accepted = this.gloss.question?.accepted ?? null;
    const mayAccept = this.gloss.question !== null && (this.mine || !!this.layer?.you.moderate);
    const reply = (r: Reply, depth: number): unknown => {
      const mine = this.me !== null && r.author?.handle === this.me;
      const editing = this.form?.kind === 'edit-reply' && this.form.id === r.id;
      const below = answers.get(r.id);
      return html`<li id="r-${r.id}" class=${r.id === this.markedReply ? 'marked' : ''}>
        <span class="who" dir="auto">${r.author?.profile
          ? html`<a href=${r.author.profile} rel="nofollow ugc noopener" title="Their page on their own server">${authorName(r.author, 'deleted')}</a>`
          : authorName(r.author, 'deleted')} · ${when(r.created, r.edited)}${accepted === r.id ? html` · <span class="tag accepted">accepted answer</span>` : nothing}${r.stance ? html` · <span class="tag stance">${r.stance}</span>` : nothing}${r.unread ? html` · <span class="tag new">new</span>` : nothing}${r.status === 'pending' ? html` · <span class="tag">awaiting a moderator</span>` : nothing}${r.status === 'hidden'
            ? html` · <span class="tag">hidden by a moderator${r.moderationNote ? `: ${r.moderationNote}` : ''}</span>`
            : nothing}</span>
        ${editing ? this.composer(r.body?.doc) : r.body ? this.replyBody(r.id, r.updated, r.body) : html`<p class="tag">Deleted</p>`}
        <div class="actions">
          ${canReply && r.status !== 'deleted' ? html`<button @click=${() => this.openForm({ kind: 'reply', parent: r.id })}>Reply</button>` : nothing}
          ${mine && r.status !== 'deleted' && this.mayEdit ? html`<button @click=${() => this.openForm({ kind: 'edit-reply', id: r.id })}>Edit</button>` : nothing}
          ${mayAccept && r.status === 'active' && accepted !== r.id ? html`<button @click=${() => this.write(() => api.acceptAnswer(r.id))}>Accept as the answer</button>` : nothing}
          ${this.mod.buttons({ kind: 'reply', ...r })}
        </div>
        ${this.form?.kind === 'reply' && this.form.parent === r.id ? this.composer() : nothing}
        ${below
          ? html`<ol class=${depth < maxThreadIndent ? 'answers' : 'answers flat'} aria-label=${`Answers to ${authorName(r.author, 'a deleted reply')}`}>
              ${below.map((a) => reply(a, depth + 1))}
            </ol>`
          : nothing}
      </li>`;
    };
    const top = answers.get(null) ?? [];
    const first = accepted === null ? top : [...top.filter((r) => r.id === accepted), ...top.filter((r) => r.id !== accepted)];
    return html`<ol class="thread" aria-label="Replies">${first.map((r) => reply(r, 1))}</ol>`;
  }

  /**
   * Who wrote the gloss, before its time: the commentator of an imported commentary (the account
   * that imported it on hover), not said twice when the layer bears the same name; else the author.
   */
  private byline() {
    const g = this.gloss;
    if (!g.attribution) return `${authorName(g.author, '')} · `;
    const imported = `Imported by ${authorName(g.author, 'someone')}`;
    // Not said twice; the card's label still says whose it is.
    if (g.attribution === (this.layer?.name ?? g.layer)) return nothing;
    return html`<span title=${imported}>${g.attribution}</span> · `;
  }

  /**
   * Opens the thread at one reply, marked, and brings it into view; false when the reader may not
   * see that reply (hidden since, or deleted).
   */
  async showReply(id: number): Promise<boolean> {
    if (!this.gloss.replies.some((r) => r.id === id)) return false;
    this.open = true;
    this.markedReply = id;
    await this.updateComplete;
    this.querySelector(`#r-${id}`)?.scrollIntoView({ block: 'nearest' });
    return true;
  }

  /** The folded card: where it belongs, who and when, and the first line of its body. */
  private folded() {
    const g = this.gloss;
    const count = g.replies.length;
    const status = (g.status === 'pending' ? ' · awaiting a moderator' : g.status === 'hidden' ? ' · hidden' : '') + (g.question?.status === 'answered' ? ' · answered' : '');
    const fresh = g.replies.filter((r) => r.unread).length;
    return html`${this.deliberation.disputeHead()}<div class="face folded">
      ${g.unread ? html`<span class="fresh">New</span>` : fresh ? html`<span class="fresh">New replies</span>` : nothing}
      <header>
        ${where(g, this.context ? 'For context' : g.motivation === 'questioning' ? 'Question' : '')}
        <span class="who" dir="auto">${this.byline()}${when(g.created, g.edited)}${count ? ` · ${count} ${count === 1 ? 'reply' : 'replies'}${fresh ? ` (${fresh} new)` : ''}` : ''}${status}</span>
      </header>
      ${this.deliberation.foldedStances()} ${this.body}
    </div>`;
  }

  override render() {
    if (this.foldable && !this.unfolded) return this.folded();
    const g = this.gloss;
    const count = g.replies.length;
    const live = g.status !== 'deleted';
    return html`${this.deliberation.disputeHead()}<div class="face">
      ${g.unread ? html`<span class="fresh">New</span>` : nothing}
      <header>
        <span>${this.layer?.name ?? g.layer}</span>
        <span class="who" dir="auto">${this.byline()}${when(g.created, g.edited)}</span>
      </header>
      ${where(g)} ${this.deliberation.adoptedTag()}
      ${g.motivation === 'questioning'
        ? html`<span class="tag question">Question</span>${g.question ? html` <span class="tag ${g.question.status}">${g.question.status === 'answered' ? 'Answered' : 'Open'}</span>` : nothing}`
        : nothing}
      ${g.status === 'pending' ? html`<span class="tag">Awaiting a moderator</span>` : nothing}
      ${g.status === 'hidden' ? html`<span class="tag">Hidden by a moderator${g.moderationNote ? `: ${g.moderationNote}` : ''}</span>` : nothing}
      ${this.form?.kind === 'edit-gloss' ? this.composer(g.body?.doc) : this.body}
      ${g.motivation === 'questioning' ? nothing : this.deliberation.stanceBar()} ${this.deliberation.decisionBox()}
      <div class="actions">
        ${this.long && this.form?.kind !== 'edit-gloss'
          ? html`<button aria-expanded=${this.expanded ? 'true' : 'false'} @click=${() => (this.expanded = !this.expanded)}>${this.expanded ? 'Less' : 'More'}</button>`
          : nothing}
        ${count ? html`<button class="thread-toggle" aria-expanded=${this.open ? 'true' : 'false'} @click=${() => (this.open = !this.open)}>${count} ${count === 1 ? 'reply' : 'replies'}</button>` : nothing}
        ${this.layer?.you.reply && live ? html`<button @click=${() => this.openForm({ kind: 'reply', parent: null })}>Reply</button>` : nothing}
        ${this.mine && live && this.mayEdit ? html`<button @click=${() => this.openForm({ kind: 'edit-gloss' })}>Edit</button>` : nothing}
        ${this.mod.buttons({ kind: 'gloss', ...g })}
        ${this.foldable
          ? html`<button class="focus-passage" @click=${() => this.dispatchEvent(new CustomEvent('daf-focus-passage', { bubbles: true, composed: true, detail: g.id }))}>All on ${g.target.segment ?? 'this passage'}</button>`
          : nothing}
        <a href="#g-${g.id}" aria-label="Link to this gloss">Link</a>
      </div>
      ${this.mod.status()}
      ${this.open && count ? this.thread() : nothing}
      ${this.form?.kind === 'reply' && this.form.parent === null ? this.composer() : nothing}
      ${this.error && !this.form ? html`<p role="alert">${this.error}</p>` : nothing}
    </div>`;
  }
}


/** How many levels of answers are indented; deeper ones line up with their parent. */
const maxThreadIndent = 4;

/** Longest quote a card repeats of the words it explains, in characters. */
const cardQuoteLength = 60;

/**
 * Where a gloss belongs: its passage's ref and the words it explains (the words it is anchored
 * to now, else those it was written on), so a card can be matched to its text at a glance.
 */
function where(g: Gloss, lead = '') {
  // A gloss on a whole passage is said to be on its ref: the words would be the whole passage.
  const whole = g.anchor?.status === 'segment' && g.target.segment;
  const words = whole ? '' : (g.anchor?.exact ?? g.target.exact).replace(/\s+/g, ' ').trim();
  if (!words && !g.target.segment && !lead) return nothing;
  const quote = words.length > cardQuoteLength ? `${words.slice(0, cardQuoteLength - 1).trimEnd()}…` : words;
  return html`<p class="where">${lead ? html`<span class="tag question">${lead}</span> ` : nothing}${g.target.segment ? html`<span class="ref">${g.target.segment}</span> ` : nothing}${quote
    ? html`<q dir="auto">${quote}</q>`
    : nothing}</p>`;
}

customElements.define('daf-gloss-card', DafGlossCard);

declare global {
  interface HTMLElementTagNameMap {
    'daf-gloss-card': DafGlossCard;
  }
}
