/**
 * What the text page renders: the title and layer toggles, the text's mount, the columns of
 * cards in groups and bands, the unanchored glosses and the popover.
 */
import { html, nothing } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { TextVersion } from '../../api.ts';
import { describeFilter, type GlossFilter } from '../../gloss-filter.ts';
import { cssColor } from '../../layer-style.ts';
import type { Placed, Side } from '../../layout/arrange.ts';
import { disputeReadingWidth } from '../../layout/dispute-rows.ts';
import type { BodyHighlight } from '../../layout/gloss-body.ts';
import { cardGap } from '../../layout/place-cards.ts';
import { groupBy } from '../../layout/groups.ts';
import type { DafTextPage } from './daf-text-page.ts';

/** The highlights of a gloss nobody has glossed: one shared array, so its card need not re-render. */
const noHighlights: BodyHighlight[] = [];

/** The whole page, once the text is read. */
export function textPageTemplate(page: DafTextPage, t: TextVersion) {
  const { arrangement, narrow, visibility, composer } = page;
  const starts = Math.max(1, arrangement.columns.start);
  const ends = Math.max(1, arrangement.columns.end);
  const outer = (n: number) => 'minmax(9rem, 0.8fr) '.repeat(n - 1);
  // A text shown with its translation beside it takes a wider column, halved.
  const middle = page.parallel ? 'minmax(30rem, 64rem)' : 'minmax(20rem, 38rem)';
  // A side with readings in dispute widens its first column so that two can stand side by side —
  // at the least width of two, taken from the text's column if need be, on a screen wide enough.
  const disputed = new Set(page.disputeSides.values());
  const first = (side: Side) => (disputed.has(side) ? `minmax(min(${2 * disputeReadingWidth + cardGap}px, 23vw), 1.6fr)` : 'minmax(11rem, 1fr)');
  const template = `${outer(starts)}${first('start')} ${middle} ${first('end')} ${outer(ends)}`;
  return html`
    <h1 lang=${t.language} dir=${t.direction}>${t.title}</h1>
    <p class="credit">${t.attribution ?? ''}${t.license ? ` · ${t.license}` : ''}</p>
    <div class="layers" role="group" aria-label="Layers">
      ${page.layers.map(
        (l) => html`<label style="--c: ${cssColor(l.color)}">
          <input type="checkbox" .checked=${!page.hiddenLayers.has(l.slug)} @change=${() => visibility.toggle(l.slug)} />
          <span class="swatch"></span>${l.name} <span class="meta">(${l.glossCount})</span>
        </label>`,
      )}
      ${page.parallels.map(
        (p) => html`<label class="parallel-toggle">
          <input type="checkbox" .checked=${page.parallel?.slug === p.slug} @change=${(e: Event) => void page.showParallel((e.target as HTMLInputElement).checked ? p.slug : null)} />
          <span class="swatch"></span>${p.title} <span class="meta">(beside the text)</span>
        </label>`,
      )}
    </div>
    ${readFirstNotes(page)}
    ${filterBar(page)}
    <p class="help">Select words to comment<span class="keys"> · Enter on a highlight opens its gloss · ↑ ↓ move between glosses · Esc returns to the text</span></p>
    ${[...page.notices].map(
      ([from, message]) => html`<div class="banner notice" role="status">
        <span>${message}</span>
        <button aria-label="Dismiss" @click=${() => page.showNotice(from, '')}>×</button>
      </div>`,
    )}
    ${composer.reattaching
      ? html`<div class="banner" role="status">
          <span>Select the passage where this gloss belongs.</span>
          <button @click=${() => composer.cancelReattaching()}>Cancel</button>
        </div>`
      : nothing}
    <div
      class="page ${narrow ? 'narrow' : ''} ${page.parallel ? 'with-parallel' : ''} ${[...page.hiddenLayers].map((l) => `hide-${l}`).join(' ')}"
      dir=${t.direction}
      style=${narrow ? '' : `grid-template-columns: ${template}`}
      @keydown=${page.navigation.onCardKey}
      @mouseover=${page.navigation.onCardEnter}
      @focusin=${page.navigation.onCardEnter}
      @daf-changed=${() => void page.data.refresh()}
      @daf-focus-passage=${(e: CustomEvent<number>) => page.openFocus(e.detail, e.target as HTMLElement)}
    >
      <div class="text" lang=${t.language} dir=${t.direction} style=${narrow ? '' : `grid-column: ${starts + 1}; grid-row: 1`}></div>
      ${guard([arrangement, page.layers, page.highlights, page.session.me, narrow], () => columns(page, starts, ends))}
    </div>
    ${unanchored(page)} ${popover(page)} ${focusPanel(page)}
  `;
}

/** What a read-first layer keeps from the reader until they write there (docs/deliberation.md §4). */
function readFirstNotes(page: DafTextPage) {
  const waiting = page.layers.filter((l) => l.hiddenUntilYouWrite > 0);
  if (waiting.length === 0) return nothing;
  return html`<ul class="read-first" aria-label="Read first">
    ${waiting.map((l) => {
      const n = l.hiddenUntilYouWrite;
      const how = l.you.write ? 'until you write your own reading there' : 'from those who have not written there';
      return html`<li style="--c: ${cssColor(l.color)}"><span class="swatch"></span>${l.name}: ${n} ${n === 1 ? 'gloss' : 'glosses'} hidden ${how}.</li>`;
    })}
  </ul>`;
}

function card(page: DafTextPage, p: Placed) {
  const dispute = page.disputePlaces.get(p.gloss.id);
  return html`<daf-gloss-card
    data-layers=${page.visibility.ancestry(p).join(' ')}
    data-id=${p.gloss.id}
    data-depth=${p.depth}
    id="g-${p.gloss.id}"
    foldable
    .gloss=${p.gloss}
    .layer=${page.layerOf(p.gloss.layer)}
    .highlights=${page.highlights.get(p.gloss.id) ?? noHighlights}
    .me=${page.session.me?.handle ?? null}
    .context=${!page.passed.has(p.gloss.id)}
    .dispute=${dispute ?? null}
    data-dispute=${dispute?.size ?? nothing}
  ></daf-gloss-card>`;
}

/**
 * The filters (docs/deliberation.md §5): a button that opens their panel (a chunk loaded on first
 * use), and while a filter is in force, how many glosses it shows of how many, in words, and a
 * way to clear it.
 */
function filterBar(page: DafTextPage) {
  const { filters } = page;
  const count = filters.on ? filters.count : null;
  let said = '';
  if (count) {
    const names = new Map(filters.facets.authors.map((a) => [a.key, a.name]));
    said = `Showing ${count.shown} of ${count.of} ${count.of === 1 ? 'gloss' : 'glosses'}: ${describeFilter(page.filter, (key) => names.get(key) ?? key.replace(/^~/, ''))}`;
  }
  return html`<div class="filter-bar">
      <button class="filter-toggle" aria-expanded=${filters.panelOpen ? 'true' : 'false'} aria-controls=${filters.panelOpen ? 'gloss-filters' : nothing} @click=${() => void filters.toggle()}>
        Filter glosses
      </button>
      <p class="filter-status" role="status">${said}</p>
      ${count ? html`<button class="clear-filters" @click=${() => void filters.clear()}>Clear filters</button>` : nothing}
    </div>
    ${filters.panelOpen
      ? html`<daf-gloss-filters
          id="gloss-filters"
          .filter=${page.filter}
          .facets=${filters.facets}
          @daf-filter=${(e: CustomEvent<GlossFilter>) => filters.set(e.detail)}
          @daf-filter-close=${() => void filters.toggle(false, true)}
        ></daf-gloss-filters>`
      : nothing}`;
}

/**
 * A column's cards, in groups of the same layers (a gloss's own and those of the glosses it
 * hangs on), each group in reading order: hiding a layer hides its groups whole (see the layer
 * visibility controller), so a toggle restyles a few groups rather than hundreds of cards.
 */
function groups(page: DafTextPage, cards: Placed[], banded: boolean) {
  const cardsOf = (inGroup: Placed[]) => repeat(inGroup, (p) => p.gloss.id, (p) => card(page, p));
  return repeat(
    groupBy(cards, (p) => page.visibility.ancestry(p).join(' ')),
    ([key]) => key,
    ([key, inGroup]) => {
      const layers = key.split(' ');
      const names = layers.map((l) => page.layerOf(l)?.name ?? l);
      return html`<div class="group ${layers.map((l) => `in-${l}`).join(' ')}" role="group" aria-label=${names.join(' on ')}>
        ${banded ? repeat(page.layout.bands(inGroup), ([band]) => band, ([, inBand]) => html`<div class="band">${cardsOf(inBand)}</div>`) : cardsOf(inGroup)}
      </div>`;
    },
  );
}

/** The columns of cards: one per side and level on a wide screen, one under the text on a narrow one. */
function columns(page: DafTextPage, starts: number, ends: number) {
  const { placed } = page.arrangement;
  // Each column ends with the holder of its stacks' toggles, which the layout fills.
  if (page.narrow) return html`<aside class="column" aria-label="Commentary">${groups(page, placed, false)}<div class="toggles"></div></aside>`;
  const column = (side: Side, depth: number) => {
    const cards = placed.filter((p) => p.side === side && p.depth === depth);
    const at = side === 'start' ? starts - depth + 1 : starts + 1 + depth;
    const names = [...new Set(cards.map((p) => page.layerOf(p.gloss.layer)?.name ?? p.gloss.layer))].join(', ');
    const label = `${depth === 1 ? 'Commentary' : `Commentary on commentary (level ${depth})`}${names ? `: ${names}` : ''}, ${side === 'start' ? 'first' : 'second'} side`;
    return html`<aside class="column" data-side=${side} data-depth=${depth} style="grid-column: ${at}; grid-row: 1" aria-label=${label}>
      ${groups(page, cards, true)}<div class="toggles"></div>
    </aside>`;
  };
  return html`${Array.from({ length: starts }, (_, i) => column('start', i + 1))}${Array.from({ length: ends }, (_, i) => column('end', i + 1))}`;
}

function unanchored(page: DafTextPage) {
  const list = page.arrangement.unanchored.filter((g) => !page.hiddenLayers.has(g.layer));
  if (!list.length) return nothing;
  const me = page.session.me?.handle;
  return html`<section class="unanchored" aria-labelledby="unanchored-title">
    <h2 id="unanchored-title">Unanchored</h2>
    <p class="meta">These glosses lost their passage when the text changed.</p>
    ${list.map(
      (g) => html`<div>
        <p class="meta">Was on “${g.target.exact}”</p>
        <daf-gloss-card data-id=${g.id} id="g-${g.id}" .gloss=${g} .layer=${page.layerOf(g.layer)} .me=${me ?? null}></daf-gloss-card>
        ${me && g.author?.handle === me
          ? html`<button class="reattach" @click=${() => page.composer.startReattaching(g)}>Re-attach…</button>`
          : nothing}
      </div>`,
    )}
  </section>`;
}

function popover(page: DafTextPage) {
  const composer = page.composer;
  const s = composer.selection;
  if (!s) return nothing;
  const me = page.session.me;
  const writable = page.layers.filter((l) => l.you.write);
  const reattaching = composer.reattaching;
  const fits = reattaching && (reattaching.target.gloss ?? null) === (s.target.gloss ?? null);
  let content;
  if (reattaching) {
    content = fits
      ? html`<button @click=${composer.attachHere} ?disabled=${composer.busy}>Attach here</button>`
      : html`<p>Select a passage in ${reattaching.target.gloss ? 'the gloss it comments on' : 'the text'}.</p>`;
  } else if (!me) {
    content = html`<p>Log in or sign up (at the top of the page) to write a gloss here.</p>`;
  } else if (!composer.composing) {
    content = html`<button @click=${composer.startComposing}>Comment <span aria-hidden="true">↵</span></button>`;
  } else {
    content = html`<daf-composer
      choose
      .quote=${s.quote}
      .layers=${writable}
      .newLayerName=${`${me.name}’s notes`}
      text=${page.slug}
      .busy=${composer.busy}
      .error=${composer.writeError}
      @daf-post=${composer.onPost}
      @daf-cancel=${composer.closePopover}
    ></daf-composer>`;
  }
  return html`<div
    class="popover ${composer.composing ? 'open' : ''}"
    role=${composer.composing ? 'dialog' : 'group'}
    aria-label=${composer.composing ? 'Write a gloss' : 'Selected passage'}
    style="top: ${s.y}px; left: ${s.x}px"
    @pointerup=${(e: Event) => e.stopPropagation()}
    @keyup=${(e: Event) => e.stopPropagation()}
  >
    ${content}${composer.writeError && !composer.composing ? html`<p role="alert">${composer.writeError}</p>` : nothing}
  </div>`;
}

/**
 * The focus panel (Sefaria's connections panel is the model): everything on the passage in hand,
 * every layer's glosses open, glosses on a gloss under it — beside the page, closed with Esc.
 */
function focusPanel(page: DafTextPage) {
  const focus = page.focused;
  if (!focus) return nothing;
  const me = page.session.me?.handle ?? null;
  const byLayer = groupBy(focus.glosses, (p) => p.gloss.layer);
  return html`<aside
    class="focus-panel"
    role="dialog"
    aria-label=${`Everything on ${focus.ref}`}
    @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && page.closeFocus()}
    @daf-changed=${() => void page.data.refresh()}
  >
    <header>
      <h2>Everything on ${focus.ref}</h2>
      <button class="close" aria-label="Close" @click=${() => page.closeFocus()}>×</button>
    </header>
    <p class="passage" dir="auto">${focus.words}</p>
    ${[...byLayer].map(
      ([layer, list]) => html`<section>
        <h3>${page.layerOf(layer)?.name ?? layer} <span class="meta">(${list.length})</span></h3>
        ${list.map(
          (p) => html`<daf-gloss-card
            style="margin-inline-start: ${(p.depth - 1) * 1.25}rem"
            .gloss=${p.gloss}
            .layer=${page.layerOf(p.gloss.layer)}
            .highlights=${page.highlights.get(p.gloss.id) ?? noHighlights}
            .me=${me}
          ></daf-gloss-card>`,
        )}
      </section>`,
    )}
  </aside>`;
}
