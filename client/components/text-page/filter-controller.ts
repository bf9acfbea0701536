import type { ReactiveController } from 'lit';
import type { Gloss } from '../../api.ts';
import { applyFilter, facets, filterFromUrl, filterToUrl, isFiltering, noFilter, shownCount, type Facets, type Filtered, type GlossFilter } from '../../gloss-filter.ts';
import type { DafTextPage } from './daf-text-page.ts';

/** The filters' panel (a chunk of its own: most readers never open it); resolves when defined. */
let loading: Promise<void> | null = null;
export function loadFilters(): Promise<void> {
  return (loading ??= import('../daf-gloss-filters.ts').then(() => undefined));
}

/**
 * The page's filters (client/gloss-filter.ts): the host's `filter`, what it leaves of the
 * listing, the panel that sets it, and the URL that keeps it (`?questions=open&kind=…&by=…`).
 */
export class FilterController implements ReactiveController {
  /** Is the panel open? */
  panelOpen = false;
  private filteredFor: [readonly Gloss[], GlossFilter] | null = null;
  private filtered: Filtered = { glosses: [], passed: new Set() };
  private facetsFor: readonly Gloss[] | null = null;
  private facetsNow: Facets = { open: 0, kinds: [], authors: [] };

  constructor(private readonly host: DafTextPage) {
    host.addController(this);
  }

  hostConnected() {}

  /** Takes the filter the URL names (on each load). */
  readUrl() {
    const filter = filterFromUrl(new URLSearchParams(location.search));
    this.host.filter = isFiltering(filter) ? filter : noFilter;
  }

  /** Is a filter in force? */
  get on(): boolean {
    return isFiltering(this.host.filter);
  }

  /** What the filter leaves of the glosses (kept while neither changes). */
  apply(glosses: readonly Gloss[]): Filtered {
    const filter = this.host.filter;
    if (this.filteredFor?.[0] !== glosses || this.filteredFor[1] !== filter) {
      this.filteredFor = [glosses, filter];
      this.filtered = applyFilter(glosses, filter);
    }
    return this.filtered;
  }

  /** The kinds and authors on the page, and its open questions, as the panel offers them. */
  get facets(): Facets {
    if (this.facetsFor !== this.host.glosses) {
      this.facetsFor = this.host.glosses;
      this.facetsNow = facets(this.host.glosses);
    }
    return this.facetsNow;
  }

  /** How many glosses of the shown layers the filter shows, of how many. */
  get count(): { shown: number; of: number } {
    return shownCount(this.host.glosses, this.host.filter, this.host.hiddenLayers);
  }

  /** Puts a filter in force, and in the URL. */
  set(filter: GlossFilter) {
    this.host.filter = isFiltering(filter) ? filter : noFilter;
    const url = new URL(location.href);
    filterToUrl(url.searchParams, filter);
    history.replaceState(history.state, '', url);
  }

  /** Clears the filter; focus, on the button that is gone, goes to the panel's button. */
  async clear() {
    this.set(noFilter);
    await this.focusToggle();
  }

  /** Opens or closes the panel (loading it the first time); closed from inside it, focus goes back to its button. */
  async toggle(open = !this.panelOpen, refocus = false) {
    this.panelOpen = open;
    this.host.requestUpdate();
    if (open) await loadFilters();
    else if (refocus) await this.focusToggle();
  }

  private async focusToggle() {
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLElement>('.filter-toggle')?.focus();
  }
}
