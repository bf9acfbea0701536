import { LitElement, html, css, nothing } from 'lit';
import { ApiError, api, type Person } from '../api.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { dateText, withArticle } from '../group-facts.ts';
import { textDirection } from '../layout/text-direction.ts';
import { SessionController } from '../session.ts';
import { groupPageFrame, groupStyles } from './group-styles.ts';

/** What a state means, on one's own page, for a gloss others do not see. */
const stateNames: Record<string, string> = { pending: 'waiting for a moderator', hidden: 'hidden by a moderator' };

/**
 * `/u/:handle`: a person's page — their name, the groups of theirs the reader may see, and their
 * glosses the reader may read, newest first, each with the words it is on and a link to it on its
 * page; twenty at a time, with **More** for the rest. The server decides what shows (README,
 * "Accounts"); one's own page shows one's posts that wait for a moderator or were hidden, marked.
 */
export class DafPersonPage extends LitElement {
  static override styles = [
    groupStyles,
    groupPageFrame,
    css`
      ol {
        list-style: none;
        padding: 0;
        margin: 0.5rem 0 0;
      }
      ol > li {
        padding: 0.6rem 0;
        border-block-end: 1px solid var(--daf-rule, #ddd);
      }
      blockquote {
        margin: 0.3rem 0;
        padding-inline-start: 0.6rem;
        border-inline-start: 3px solid var(--daf-rule, #ddd);
        color: var(--daf-muted);
      }
      .excerpt {
        margin: 0.2rem 0 0;
      }
      .state {
        font-style: italic;
      }
    `,
  ];

  static override properties = {
    handle: {},
    person: { state: true },
  };

  declare handle: string;
  /** The page as read so far (glosses of every page loaded), or null until it is. */
  declare person: Person | null;

  private readonly session = new SessionController(this);
  private readonly actions = new ActionController(this);
  private readonly more = new ActionController(this);

  constructor() {
    super();
    this.handle = '';
    this.person = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.actions.run(async () => {
      this.person = await api.person(this.handle);
      document.title = `${this.person.name} · Daf`;
    });
  }

  private async loadMore() {
    const before = this.person?.next;
    if (!before) return;
    await this.more.run(async () => {
      const page = await api.person(this.handle, before);
      this.person = { ...page, glosses: [...this.person!.glosses, ...page.glosses] };
    });
  }

  private gloss(g: Person['glosses'][number]) {
    const href = `/t/${encodeURIComponent(g.text)}#g-${g.id}`;
    return html`<li>
      <a href=${href}>${g.textTitle}</a>${g.ref ? ` ${g.ref}` : ''}
      <span class="meta">in ${g.layerName} · ${dateText(g.created)}${g.status && stateNames[g.status] ? html` · <span class="state">${stateNames[g.status]}</span>` : ''}</span>
      ${g.quote ? html`<blockquote dir=${textDirection(g.quote)}>${g.quote}</blockquote>` : nothing}
      <p class="excerpt" dir=${textDirection(g.excerpt)}>${g.excerpt}</p>
    </li>`;
  }

  override render() {
    const p = this.person;
    if (!p) {
      const missing = this.actions.failure instanceof ApiError && this.actions.failure.status === 404;
      if (missing) return html`<h1>No such person</h1><p>Nobody here goes by @${this.handle}, or their account was deleted.</p>`;
      return this.actions.error ? html`<h1>@${this.handle}</h1>${this.actions.regions()}` : html`<p aria-busy="true">Loading…</p>`;
    }
    const own = this.session.me?.handle.toLowerCase() === p.handle.toLowerCase();
    return html`<h1>${p.name}</h1>
      <p class="meta">@${p.handle} · on Daf since ${dateText(p.joined)}${own ? html` · <a href="/account">your account</a>` : ''}</p>
      <section aria-labelledby="groups-heading">
        <h2 id="groups-heading">Groups</h2>
        ${p.groups.length
          ? html`<ul>
              ${p.groups.map((g) => html`<li><a href="/g/${encodeURIComponent(g.slug)}">${g.name}</a> <span class="meta">${withArticle(g.role)}</span></li>`)}
            </ul>`
          : html`<p class="empty">${own ? 'You are in no group yet.' : 'No group you can see.'}</p>`}
      </section>
      <section aria-labelledby="glosses-heading">
        <h2 id="glosses-heading">Glosses</h2>
        ${p.glosses.length
          ? html`<ol aria-label="Glosses by ${p.name}">
              ${p.glosses.map((g) => this.gloss(g))}
            </ol>`
          : html`<p class="empty">${own ? 'You have written no gloss yet.' : 'No gloss you can read.'}</p>`}
        ${p.next ? html`<div class="actions"><button type="button" ?disabled=${this.more.busy} @click=${this.loadMore}>More</button></div>` : nothing}
        ${this.more.regions()}
      </section>`;
  }
}

customElements.define('daf-person-page', DafPersonPage);

declare global {
  interface HTMLElementTagNameMap {
    'daf-person-page': DafPersonPage;
  }
}
