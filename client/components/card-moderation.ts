import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { api, failureMessage, type Layer } from '../api.ts';
import { askConfirm } from '../ask-confirm.ts';

/** A gloss or a reply of a card, as the moderation buttons need it. */
export interface CardPost {
  kind: 'gloss' | 'reply';
  id: number;
  status: string;
  author: { handle: string } | null;
}

/** The card this controller serves: who reads, and the layer of its gloss. */
type Card = ReactiveControllerHost & HTMLElement & { me: string | null; layer: Layer | undefined };

/**
 * What a gloss card offers on its posts besides writing: **Flag** (anyone signed in who can see a
 * post, not its author) and, for the moderators of the layer's group, **Approve** (a post
 * awaiting a moderator), **Hide** (any post still shown, published or not), **Restore** (a hidden
 * one) and **Delete**. Flag (with a reason for the moderators), Hide (with a reason for the
 * author) and Delete ask in Daf's dialog, as the group's moderation queue does; the card stays
 * open under it and shows the server's answer. A moderation action makes the page re-read
 * (`daf-changed`); a flag changes nothing the reader sees, so the card says it was sent.
 */
export class CardModeration implements ReactiveController {
  /** A question is being asked in the dialog: the card stays open under it. */
  asking = false;
  busy = false;
  error = '';
  /** What the last flag did ("Flagged: …"). */
  notice = '';

  constructor(private readonly card: Card) {
    card.addController(this);
  }

  hostConnected() {}

  /**
   * Is the dialog open over this card, or its answer on the way (its buttons disabled, so the
   * focus falls out of the card), so the card must stay open?
   */
  get holding(): boolean {
    return this.asking || this.busy;
  }

  private get moderator(): boolean {
    return !!this.card.layer?.you.moderate;
  }

  private mine(post: CardPost): boolean {
    return this.card.me !== null && post.author?.handle === this.card.me;
  }

  private set(changes: Partial<Pick<CardModeration, 'asking' | 'busy' | 'error' | 'notice'>>) {
    Object.assign(this, changes);
    this.card.requestUpdate();
  }

  /** Runs a call; its error stays in the card. Resolves to whether it succeeded. */
  private async run(call: () => Promise<unknown>): Promise<boolean> {
    this.set({ busy: true, error: '' });
    try {
      await call();
      return true;
    } catch (e) {
      this.set({ error: failureMessage(e) });
      return false;
    } finally {
      this.set({ busy: false });
      // The focus fell out with the disabled button: back to the card, which shows the answer.
      if (!this.card.matches(':focus-within')) this.card.focus();
    }
  }

  /** A moderation call: the page re-reads after it. */
  private async moderate(call: () => Promise<unknown>) {
    if (await this.run(call)) this.card.dispatchEvent(new CustomEvent('daf-changed', { bubbles: true, composed: true }));
  }

  /** Asks in Daf's dialog, the card held open under it; the answer, or null if cancelled. */
  private async ask(question: Parameters<typeof askConfirm>[0]): Promise<string | null> {
    this.set({ asking: true, error: '', notice: '' });
    try {
      return await askConfirm(question);
    } finally {
      this.set({ asking: false });
    }
  }

  private async flag(post: CardPost) {
    const reason = await this.ask((q) => q.flagQuestion(post.kind));
    if (reason !== null && (await this.run(() => api.flag(post.kind, post.id, reason)))) {
      this.set({ notice: 'Flagged: the group’s moderators will look at it.' });
    }
  }

  private async remove(post: CardPost) {
    const answer = await this.ask((q) => q.deleteQuestion(post.kind, this.mine(post)));
    if (answer !== null) await this.moderate(() => (post.kind === 'gloss' ? api.deleteGloss(post.id) : api.deleteReply(post.id)));
  }

  private async hide(post: CardPost) {
    const reason = await this.ask((q) => q.hideQuestion(post.kind));
    if (reason !== null) await this.moderate(() => api.moderate(post.kind, post.id, 'hide', reason));
  }

  /** The buttons for one post: Delete (author or moderator), Flag, and the moderators' own. */
  buttons(post: CardPost) {
    if (post.status === 'deleted') return nothing;
    const mod = this.moderator && !this.mine(post);
    const act = (action: 'approve' | 'restore') => () => void this.moderate(() => api.moderate(post.kind, post.id, action));
    return html`${this.mine(post) || mod ? html`<button ?disabled=${this.busy} @click=${() => void this.remove(post)}>Delete</button>` : nothing}
    ${mod
      ? html`${post.status === 'pending' ? html`<button class="moderate" ?disabled=${this.busy} @click=${act('approve')}>Approve</button>` : nothing}
        ${post.status === 'active' || post.status === 'pending' ? html`<button class="moderate" ?disabled=${this.busy} @click=${() => void this.hide(post)}>Hide</button>` : nothing}
        ${post.status === 'hidden' ? html`<button class="moderate" ?disabled=${this.busy} @click=${act('restore')}>Restore</button>` : nothing}`
      : nothing}
    ${this.card.me !== null && !this.mine(post) ? html`<button ?disabled=${this.busy} @click=${() => void this.flag(post)}>Flag</button>` : nothing}`;
  }

  /** What the last flag did, or why the last action failed. */
  status() {
    return html`${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
    ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}`;
  }
}
