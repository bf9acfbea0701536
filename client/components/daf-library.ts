import { LitElement, html, css, nothing, type TemplateResult } from 'lit';
import { api, failureMessage, type GroupSummary, type SearchResult, type TextSummary } from '../api.ts';
import { groupFacts } from '../group-facts.ts';
import { textDirection } from '../layout/text-direction.ts';
import { SessionController } from '../session.ts';
import { pageStyles, unseenStyles } from './page-styles.ts';

/** How each kind of search hit is named to the reader. */
const kindNames: Record<SearchResult['kind'], string> = { text: 'Text', gloss: 'Gloss', reply: 'Reply' };

/**
 * A snippet with its matched words wrapped in `<mark>`, built from the ranges as text nodes:
 * snippets are what people wrote, so they never go through HTML. Ranges out of order,
 * overlapping or past the end are sorted and clipped.
 */
function highlighted(snippet: string, ranges: [number, number][]) {
  const parts: (string | TemplateResult)[] = [];
  let at = 0;
  for (const [from, to] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const start = Math.max(from, at);
    const end = Math.min(to, snippet.length);
    if (end <= start) continue;
    parts.push(snippet.slice(at, start), html`<mark>${snippet.slice(start, end)}</mark>`);
    at = end;
  }
  parts.push(snippet.slice(at));
  return parts;
}

/** The search in the page's URL (`/?q=…`), or ''. */
function urlQuery(): string {
  return new URLSearchParams(location.search).get('q')?.trim() ?? '';
}

/** Where a search hit opens: the text, at the gloss a gloss or reply belongs to. */
function resultHref(r: SearchResult): string {
  const text = `/t/${encodeURIComponent(r.text)}`;
  return r.kind !== 'text' && r.gloss !== null ? `${text}#g-${r.gloss}` : text;
}

/**
 * The library: a search over everything the reader may read, the texts with their language and
 * attribution, and the reading groups. It loads again when someone signs in or out, since a
 * signed-in person may see more texts and groups, and their place in each group.
 */
export class DafLibrary extends LitElement {
  static override styles = css`
    :host {
      display: block;
      max-width: 48rem;
      margin: 2rem auto;
      padding: 0 1.5rem;
    }
    h1 {
      font-weight: 500;
      margin-block-end: 1rem;
    }
    a {
      color: var(--daf-fg);
      font-size: 1.25rem;
      text-decoration: none;
    }
    a:hover,
    a:focus-visible {
      color: var(--daf-accent);
      text-decoration: underline;
    }
    small,
    .new {
      margin-inline-start: 0.5rem;
      padding: 0 0.4em;
      border-radius: 0.6em;
      background: var(--daf-accent);
      color: var(--daf-bg);
      font: 600 0.75rem system-ui, sans-serif;
      vertical-align: middle;
    }
    .meta {
      display: block;
      color: var(--daf-muted);
    }
    .meta {
      font-family: system-ui, sans-serif;
      font-size: 0.8rem;
      margin-block-start: 0.2rem;
    }
    .description {
      margin: 0.25rem 0 0;
    }
    form {
      display: flex;
      gap: 0.5rem;
      font-family: system-ui, sans-serif;
    }
    ${unseenStyles}
    input {
      flex: 1;
      min-inline-size: 0;
      padding: 0.55rem 0.75rem;
      font: inherit;
      font-size: 1rem;
      color: var(--daf-fg);
      background: var(--daf-card);
      border: 1px solid var(--daf-muted);
      border-radius: 4px;
    }
    input::-webkit-search-cancel-button {
      /* Escape clears the box; the browser's blue cross does not belong on this page. */
      appearance: none;
    }
    a.button {
      display: inline-block;
      text-decoration: none;
    }
    button,
    a.button {
      font: inherit;
      font-size: 0.95rem;
      padding: 0.5rem 1rem;
      color: var(--daf-bg);
      background: var(--daf-accent);
      border: 1px solid var(--daf-accent);
      border-radius: 4px;
      cursor: pointer;
    }
    .results {
      margin-block-start: 1rem;
    }
    .results a {
      font-size: 1.05rem;
    }
    .results .snippet {
      margin: 0.3rem 0 0;
      line-height: 1.5;
    }
    .status {
      margin: 0.75rem 0 0;
      font-family: system-ui, sans-serif;
      font-size: 0.85rem;
      color: var(--daf-muted);
    }
    mark {
      color: inherit;
      background: color-mix(in srgb, var(--daf-accent) 22%, transparent);
      border-radius: 2px;
      padding: 0 0.1em;
    }
    ${pageStyles}
  `;

  static override properties = {
    texts: { state: true },
    groups: { state: true },
    error: { state: true },
    groupsError: { state: true },
    results: { state: true },
    searchStatus: { state: true },
    searchError: { state: true },
  };

  /** The texts the reader may open; null while loading. */
  declare texts: TextSummary[] | null;
  /** The groups the reader may see; null while loading. */
  declare groups: GroupSummary[] | null;
  /** Why the texts could not be loaded. */
  declare error: string;
  /** Why the groups could not be loaded. */
  declare groupsError: string;
  /** The hits of the last search; null before the first. */
  declare results: SearchResult[] | null;
  /** What the search is doing, for the live region: searching, how many results. */
  declare searchStatus: string;
  /** The server's message when a search failed. */
  declare searchError: string;

  private readonly session = new SessionController(this);
  /** Whom the lists were loaded for (a handle, or '' for a visitor); undefined before the first load. */
  private loadedFor: string | undefined;
  /**
   * The last query searched for, searched again when the session changes. It lives in the URL
   * (`/?q=…`), so that Back from a result comes back to the results, and a search can be linked.
   */
  private query = urlQuery();
  /** Counts loads and searches so that an answer overtaken by a newer request is dropped. */
  private loads = 0;
  private searches = 0;

  constructor() {
    super();
    this.texts = null;
    this.groups = null;
    this.error = '';
    this.groupsError = '';
    this.results = null;
    this.searchStatus = '';
    this.searchError = '';
  }

  override willUpdate() {
    if (!this.session.known) return;
    const who = this.session.me?.handle ?? '';
    if (who === this.loadedFor) return;
    this.loadedFor = who;
    void this.load();
    if (this.query) void this.search(this.query);
  }

  private async load() {
    const load = ++this.loads;
    const [texts, groups] = await Promise.allSettled([api.texts(), api.groups()]);
    if (load !== this.loads) return;
    this.texts = texts.status === 'fulfilled' ? texts.value.texts : this.texts;
    this.error = texts.status === 'rejected' ? failureMessage(texts.reason) : '';
    this.groups = groups.status === 'fulfilled' ? groups.value.groups : this.groups;
    this.groupsError = groups.status === 'rejected' ? failureMessage(groups.reason) : '';
  }

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('popstate', this.onPopState);
  }

  override disconnectedCallback() {
    window.removeEventListener('popstate', this.onPopState);
    super.disconnectedCallback();
  }

  /** Back or Forward between two searches: the one in the URL now. */
  private onPopState = () => {
    const q = urlQuery();
    if (q === this.query) return;
    if (q) void this.search(q);
    else {
      this.searches++;
      this.query = '';
      this.results = null;
      this.searchStatus = '';
      this.searchError = '';
    }
  };

  private onSearch(event: SubmitEvent) {
    event.preventDefault();
    const q = String(new FormData(event.target as HTMLFormElement).get('q') ?? '').trim();
    if (!q) return;
    if (q !== urlQuery()) history.pushState(null, '', `/?q=${encodeURIComponent(q)}`);
    void this.search(q);
  }

  private async search(q: string) {
    const search = ++this.searches;
    this.query = q;
    this.searchStatus = 'Searching…';
    this.searchError = '';
    try {
      const { results } = await api.search(q);
      if (search !== this.searches) return;
      this.results = results;
      this.searchStatus = results.length === 0 ? `No results for “${q}”.` : `${results.length} ${results.length === 1 ? 'result' : 'results'} for “${q}”.`;
    } catch (e) {
      if (search !== this.searches) return;
      this.results = null;
      this.searchStatus = '';
      this.searchError = failureMessage(e);
    }
  }

  /** One search hit: its text's title (in the text's language and direction), kind and snippet. */
  private result(r: SearchResult) {
    const text = this.texts?.find((t) => t.slug === r.text);
    return html`<li>
      <a href=${resultHref(r)} lang=${text?.language ?? nothing} dir=${text?.direction ?? 'auto'}>${r.textTitle}</a>
      <span class="meta">${kindNames[r.kind]}${r.layer ? ` · ${r.layerName ?? r.layer}` : ''}${r.ref ? ` · ${r.ref}` : ''}</span>
      <p class="snippet" dir=${textDirection(r.snippet)}>${highlighted(r.snippet, r.highlights)}</p>
    </li>`;
  }

  private searchSection() {
    return html`<form role="search" @submit=${this.onSearch}>
        <label class="unseen" for="q">Search texts and commentary</label>
        <input id="q" name="q" type="search" placeholder="Search texts and commentary" autocomplete="off" .value=${this.query} />
        <button type="submit">Search</button>
      </form>
      <p class="status" role="status">${this.searchStatus}</p>
      ${this.searchError ? html`<p class="status error" role="alert">${this.searchError}</p>` : nothing}
      ${this.results?.length
        ? html`<ol class="results" aria-label="Search results">
            ${this.results.map((r) => this.result(r))}
          </ol>`
        : nothing}`;
  }

  private textsSection() {
    if (this.error) return html`<p class="error" role="alert">${this.error}</p>`;
    if (!this.texts) return html`<p aria-busy="true">Loading the library…</p>`;
    if (this.texts.length === 0) return html`<p class="status">No texts yet.</p>`;
    return html`<ul class="texts">
      ${this.texts.map(
        (t) => html`<li>
          <a href="/t/${encodeURIComponent(t.slug)}" lang=${t.language} dir=${t.direction}>${t.title}</a>
          ${t.new ? html`<span class="new">${t.new} new</span>` : nothing}
          <small>${t.attribution ?? ''}${t.license ? ` · ${t.license}` : ''}</small>
        </li>`,
      )}
    </ul>`;
  }

  private groupsSection() {
    if (this.groupsError) return html`<p class="error" role="alert">${this.groupsError}</p>`;
    if (!this.groups) return html`<p aria-busy="true">Loading the groups…</p>`;
    if (this.groups.length === 0) return html`<p class="status">No reading groups yet.</p>`;
    return html`<ul class="groups">
      ${this.groups.map(
        (g) => html`<li>
          <a href="/g/${encodeURIComponent(g.slug)}">${g.name}</a>
          ${g.description ? html`<p class="description" dir=${textDirection(g.description)}>${g.description}</p>` : nothing}
          <span class="meta">${groupFacts(g)}</span>
        </li>`,
      )}
    </ul>`;
  }

  override render() {
    return html`
      <h1>Library</h1>
      ${this.searchSection()}
      <section aria-labelledby="texts-heading">
        <h2 id="texts-heading">Texts</h2>
        ${this.session.me ? html`<p><a class="button" href="/t/new">Add a text</a></p>` : ''}
        ${this.textsSection()}
      </section>
      <section aria-labelledby="groups-heading">
        <h2 id="groups-heading">Reading groups</h2>
        ${this.session.me ? html`<p><a class="button" href="/g/new">New group</a></p>` : ''}
        ${this.groupsSection()}
      </section>
    `;
  }
}

customElements.define('daf-library', DafLibrary);

declare global {
  interface HTMLElementTagNameMap {
    'daf-library': DafLibrary;
  }
}
