import { LitElement, html, css, nothing } from 'lit';
import { api, failureMessage } from '../api.ts';
import type { Notification } from '../../schema/responses.ts';
import { exactTime, relativeTime } from '../relative-time.ts';
import { SessionController } from '../session.ts';
import { buttonStyles, focusStyles, linkButtonStyles, unseenStyles } from './page-styles.ts';

/** What happened, as a notification's line says it after the actor's name. */
const saying: Record<Notification['kind'], string> = {
  reply: 'answered you',
  comment: 'wrote on your gloss',
  mention: 'mentioned you',
  pending: 'wrote a post that waits for a moderator',
  approved: 'approved your post',
  hidden: 'hid your post',
  invited: 'invited you to join',
};

/**
 * The header's notifications (docs/notifications.md) for a signed-in person: a button with the
 * count of unread ones, kept current by the person's own live stream (`GET /api/me/events`), and
 * a panel that lists them, newest first. Opening one marks it read and follows its link to the
 * post on its page. Nothing shows for a visitor.
 */
export class DafNotifications extends LitElement {
  static override styles = css`
    :host {
      position: relative;
      font-family: system-ui, sans-serif;
      font-size: 0.9rem;
    }
    ${buttonStyles}
    ${focusStyles}
    .count {
      display: inline-block;
      min-inline-size: 1.3em;
      margin-inline-start: 0.35rem;
      padding: 0 0.3em;
      border-radius: 0.65em;
      background: var(--daf-accent);
      color: var(--daf-bg);
      font-weight: 600;
      text-align: center;
    }
    /* The badge's number reads "3 unread". */
    ${unseenStyles}
    .panel {
      position: absolute;
      inset-inline-end: 0;
      inset-block-start: calc(100% + 0.4rem);
      z-index: 20;
      inline-size: min(26rem, calc(100vw - 2rem));
      max-block-size: min(32rem, 75vh);
      overflow: auto;
      background: var(--daf-card);
      border: 1px solid var(--daf-rule);
      border-radius: 6px;
      box-shadow: 0 6px 24px rgb(0 0 0 / 0.15);
    }
    @media (max-width: 40rem) {
      /* On a phone the button may sit anywhere in the wrapped header: the panel spans the screen. */
      .panel {
        position: fixed;
        inset-inline: 0.5rem;
        inset-block-start: var(--panel-top, 4rem);
        inline-size: auto;
      }
    }
    .panel header {
      display: flex;
      align-items: baseline;
      justify-content: space-between;
      gap: 0.5rem;
      padding: 0.6rem 0.8rem;
      border-block-end: 1px solid var(--daf-rule);
    }
    h2 {
      margin: 0;
      font-size: 1rem;
    }
    ol {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    li + li {
      border-block-start: 1px solid var(--daf-rule);
    }
    li a {
      display: block;
      padding: 0.55rem 0.8rem;
      color: inherit;
      text-decoration: none;
    }
    li a:hover {
      background: color-mix(in srgb, var(--daf-accent) 6%, transparent);
    }
    li.unread a {
      border-inline-start: 3px solid var(--daf-accent);
      padding-inline-start: calc(0.8rem - 3px);
    }
    li.unread .line {
      font-weight: 600;
    }
    .excerpt,
    .meta {
      display: block;
      color: var(--daf-muted);
      margin-block-start: 0.15rem;
    }
    .excerpt {
      overflow-wrap: anywhere;
    }
    p {
      margin: 0;
      padding: 0.8rem;
      color: var(--daf-muted);
    }
    .more {
      display: block;
      margin: 0.5rem auto;
    }
    ${linkButtonStyles}
  `;

  static override properties = {
    unread: { state: true },
    open: { state: true },
    items: { state: true },
    next: { state: true },
    error: { state: true },
  };

  declare unread: number;
  declare open: boolean;
  /** The notifications loaded, newest first; null until the panel is first opened. */
  declare items: Notification[] | null;
  declare next: number | null;
  declare error: string;

  private readonly session = new SessionController(this, () => this.follow());
  private stream: EventSource | null = null;
  private following: string | null = null;

  constructor() {
    super();
    this.unread = 0;
    this.open = false;
    this.items = null;
    this.next = null;
    this.error = '';
  }

  override connectedCallback() {
    super.connectedCallback();
    document.addEventListener('keydown', this.onKey);
    document.addEventListener('click', this.onOutside);
  }

  override disconnectedCallback() {
    document.removeEventListener('keydown', this.onKey);
    document.removeEventListener('click', this.onOutside);
    this.stop();
    super.disconnectedCallback();
  }

  protected override willUpdate() {
    this.follow();
  }

  /** Opens the person's stream when someone is signed in (and closes it when they leave). */
  private follow() {
    const handle = this.session.me?.handle ?? null;
    if (handle === this.following) return;
    this.stop();
    this.following = handle;
    this.unread = 0;
    this.items = null;
    this.open = false;
    if (handle === null) return;
    const stream = api.myEvents();
    const count = (e: MessageEvent<string>) => {
      this.unread = (JSON.parse(e.data) as { unread: number }).unread;
    };
    stream.addEventListener('ready', count);
    stream.addEventListener('unread', (e) => {
      count(e);
      // Marked read elsewhere: the list as loaded may be stale.
      if (this.items) void this.load();
    });
    stream.addEventListener('notification', (e) => {
      const { notification, unread } = JSON.parse(e.data) as { notification: Notification; unread: number };
      this.unread = unread;
      if (this.items && !this.items.some((n) => n.id === notification.id)) this.items = [notification, ...this.items];
    });
    this.stream = stream;
  }

  private stop() {
    this.stream?.close();
    this.stream = null;
  }

  private async load(before?: number) {
    try {
      const page = await api.notifications(before);
      this.items = before ? [...(this.items ?? []), ...page.notifications] : page.notifications;
      this.next = page.next;
      this.unread = page.unread;
      this.error = '';
    } catch (e) {
      this.error = failureMessage(e);
    }
  }

  private toggle = () => {
    this.open = !this.open;
    // Where a phone's panel starts: below the button, wherever the header put it.
    const bottom = this.renderRoot.querySelector('button.bell')?.getBoundingClientRect().bottom ?? 56;
    this.style.setProperty('--panel-top', `${Math.round(bottom + 6)}px`);
    if (this.open) void this.load();
  };

  private onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && this.open) {
      this.open = false;
      this.renderRoot.querySelector<HTMLButtonElement>('button.bell')?.focus();
    }
  };

  private onOutside = (e: MouseEvent) => {
    if (this.open && !e.composedPath().includes(this)) this.open = false;
  };

  /** Marks a notification read as its link is followed (the app's router takes the click). */
  private opened(n: Notification) {
    this.open = false;
    if (n.read) return;
    n.read = true;
    this.unread = Math.max(0, this.unread - 1);
    api.markNotificationsRead({ ids: [n.id] }).then(
      (r) => (this.unread = r.unread),
      () => {},
    );
  }

  private async markAll() {
    try {
      const r = await api.markNotificationsRead({ all: true });
      this.unread = r.unread;
      this.items = (this.items ?? []).map((n) => ({ ...n, read: true }));
    } catch (e) {
      this.error = failureMessage(e);
    }
  }

  private item(n: Notification) {
    const who = n.actor?.displayName ?? 'Someone';
    return html`<li class=${n.read ? '' : 'unread'}>
      <a href=${n.url} @click=${() => this.opened(n)}>
        <span class="line">${who} ${saying[n.kind]} ${n.text ? `on ${n.text.title}` : (n.group?.name ?? 'a group')}</span>
        ${n.kind === 'hidden' && n.note ? html`<span class="excerpt">Reason: ${n.note}</span>` : nothing}
        ${n.excerpt ? html`<span class="excerpt">“${n.excerpt}”</span>` : nothing}
        <time class="meta" datetime=${n.created} title=${exactTime(n.created)}>${relativeTime(n.created)}</time>
      </a>
    </li>`;
  }

  private panel() {
    const items = this.items;
    return html`<section class="panel" aria-label="Notifications">
      <header>
        <h2>Notifications</h2>
        ${this.unread ? html`<button class="link" @click=${() => this.markAll()}>Mark all read</button>` : nothing}
      </header>
      ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
      ${items === null
        ? html`<p>Loading…</p>`
        : items.length === 0
          ? html`<p>Nothing yet. Replies to you, mentions of you and your group's moderation will show here.</p>`
          : html`<ol>
              ${items.map((n) => this.item(n))}
            </ol>`}
      ${this.next ? html`<button class="more" @click=${() => this.load(this.next!)}>Older</button>` : nothing}
    </section>`;
  }

  override render() {
    if (!this.session.me) return nothing;
    return html`<button class="bell" data-unread=${this.unread} aria-expanded=${this.open ? 'true' : 'false'} @click=${this.toggle}>
        Notifications${this.unread ? html`<span class="count">${this.unread > 99 ? '99+' : this.unread}<span class="unseen"> unread</span></span>` : nothing}
      </button>
      ${this.open ? this.panel() : nothing}`;
  }
}

customElements.define('daf-notifications', DafNotifications);

declare global {
  interface HTMLElementTagNameMap {
    'daf-notifications': DafNotifications;
  }
}
