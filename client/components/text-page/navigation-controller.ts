import type { ReactiveController } from 'lit';
import type { Gloss } from '../../api.ts';
import type { Placed } from '../../layout/arrange.ts';
import { DafGlossCard } from '../daf-gloss-card.ts';
import type { DafTextPage } from './daf-text-page.ts';

/**
 * The gloss in hand and moving between glosses: hovering or focusing a card or a mark makes it
 * active, keys move from card to card and back to the text, and the URL's fragment names one.
 */
export class NavigationController implements ReactiveController {
  private active: number | null = null;
  private activeElements: Element[] = [];

  constructor(private readonly host: DafTextPage) {
    host.addController(this);
  }

  hostConnected() {
    window.addEventListener('hashchange', this.onHashChange);
  }

  hostDisconnected() {
    window.removeEventListener('hashchange', this.onHashChange);
  }

  private onHashChange = () => this.followHash();

  /** The pointer over a mark in the text makes its gloss active; a click brings its card into view. */
  onTextPointer(event: Event, click: boolean): boolean {
    const target = (event.target as HTMLElement).closest?.('[data-gloss]');
    if (!target) return false;
    // The innermost mark, and in it the innermost gloss: the first it names.
    const id = Number(target.getAttribute('data-gloss')!.split(' ')[0]);
    this.setActive(id);
    if (click && this.host.view!.editor.state.selection.empty) {
      this.host.layout.reveal(id);
      this.cardOf(id)?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    }
    return false;
  }

  /** Focuses the card of the innermost shown gloss on the text whose words hold the text offset. */
  focusAt(offset: number) {
    // The innermost: of the glosses whose words hold the caret, the one of the shortest span.
    let hit: Placed | null = null;
    const span = (p: Placed) => p.gloss.anchor!.end! - p.gloss.anchor!.start!;
    for (const p of this.host.arrangement.placed) {
      if (p.depth !== 1 || !this.host.visibility.shown(p) || p.gloss.anchor!.start! > offset || offset > p.gloss.anchor!.end!) continue;
      if (!hit || span(p) < span(hit)) hit = p;
    }
    if (hit) this.focusCard(hit.gloss.id);
  }

  /** Marks a gloss and its highlight as the one in hand, without re-rendering the page. */
  setActive(id: number | null) {
    if (id === this.active) return; // showActive() puts the classes back after a re-render
    this.active = id;
    const { view, projection, arrangement } = this.host;
    if (view && projection) view.setActive(arrangement.placed.find((p) => p.gloss.id === id && p.depth === 1)?.gloss ?? null, this.host.layers.map((l) => l.slug));
    this.showActive();
  }

  /** Puts the `active` class on the active gloss's card and on its marks in cards (again, after a re-render). */
  showActive() {
    for (const el of this.activeElements) el.classList.remove('active');
    this.activeElements = [];
    const id = this.active;
    const card = id === null ? null : this.cardOf(id);
    if (!card) return;
    const parent = card.gloss.target.gloss === null ? null : this.cardOf(card.gloss.target.gloss);
    this.activeElements = [card, ...(parent?.querySelectorAll(`[data-gloss~="${id}"]`) ?? [])];
    for (const el of this.activeElements) el.classList.add('active');
  }

  private cardOf(id: number): DafGlossCard | null {
    // Placed cards are known; an unanchored one is looked for.
    return this.host.layout.placedCards.get(id) ?? this.host.renderRoot.querySelector<DafGlossCard>(`daf-gloss-card[data-id="${id}"]`);
  }

  focusCard(id: number) {
    this.host.layout.reveal(id);
    const card = this.cardOf(id);
    if (!card) return;
    this.setActive(id);
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: 'nearest' });
  }

  /**
   * Keys on a card: ↓/j and ↑/k move to the next or previous gloss in reading order, Enter
   * opens its thread, Escape goes back to its passage in the text.
   */
  onCardKey = (event: KeyboardEvent) => {
    const card = event.target as HTMLElement;
    if (!(card instanceof DafGlossCard)) return;
    const layout = this.host.layout;
    const order = this.host.arrangement.placed.filter((p) => this.host.visibility.shown(p) && !layout.isWaiting(p.gloss.id)).map((p) => p.gloss.id);
    const at = order.indexOf(card.gloss.id);
    if (event.key === 'ArrowDown' || event.key === 'j' || event.key === 'ArrowUp' || event.key === 'k') {
      const next = order[at + (event.key === 'ArrowDown' || event.key === 'j' ? 1 : -1)];
      if (next !== undefined) this.focusCard(next);
    } else if (event.key === 'Enter') {
      card.open = !card.open;
    } else if (event.key === 'Escape') {
      this.focusPassage(card.gloss);
    } else {
      return;
    }
    event.preventDefault();
  };

  /** Puts the caret on a gloss's passage in the text (or the card it comments on). */
  private focusPassage(g: Gloss) {
    if (g.target.gloss !== null) return this.focusCard(g.target.gloss);
    if (!this.host.view || g.anchor?.start == null) return;
    this.host.view.selectPassage(g.anchor.start, g.anchor.end!);
  }

  onCardEnter = (event: Event) => {
    const card = (event.target as Element).closest?.('daf-gloss-card');
    if (card instanceof DafGlossCard) this.setActive(card.gloss.id);
  };

  /**
   * Scrolls so that a card and the words it explains are on screen together, centred as a pair
   * (the card alone when the pair is taller than the window).
   */
  private showWithWords(card: DafGlossCard) {
    const id = card.gloss.id;
    const parent = card.gloss.target.gloss === null ? null : this.cardOf(card.gloss.target.gloss);
    const words = (parent ?? this.host.view?.dom)?.querySelector(`[data-gloss~="${id}"]`);
    const a = card.getBoundingClientRect();
    const b = words?.getBoundingClientRect() ?? a;
    const top = Math.min(a.top, b.top);
    const height = Math.max(a.bottom, b.bottom) - top;
    if (height > window.innerHeight - 32) card.scrollIntoView({ block: 'center' });
    else window.scrollBy(0, top - (window.innerHeight - height) / 2);
  }

  /** A link to a gloss the page does not have: followed again when the page's glosses change (after signing in, say). */
  waiting = false;

  /**
   * Follows the URL's fragment: `#g-12` a gloss, `#g-12-r-34` a reply in its thread (a
   * notification's link), `#1:5` a segment. A gloss or reply the reader may not see is said so.
   */
  followHash() {
    const hash = decodeURIComponent(location.hash.slice(1));
    this.waiting = false;
    if (!hash) return;
    const gloss = /^g-(\d+)(?:-r-(\d+))?$/.exec(hash);
    if (gloss) {
      const id = Number(gloss[1]);
      this.host.layout.reveal(id);
      const card = this.cardOf(id);
      if (!card) {
        this.waiting = true;
        // The page has it, but the filters leave it out: said so, rather than that it is gone.
        const filtered = this.host.filters.on && this.host.glossById(id) !== null;
        this.host.showNotice('gloss', filtered ? 'This gloss is left out by the filters: clear them to see it.' : missingMessage('This gloss is not on this page', !!this.host.session.me));
        return;
      }
      this.host.showNotice('gloss', '');
      this.setActive(card.gloss.id);
      this.showWithWords(card);
      card.focus({ preventScroll: true });
      if (gloss[2]) {
        const reply = Number(gloss[2]);
        void card.showReply(reply).then((shown) => {
          if (!shown) this.host.showNotice('gloss', missingMessage('This reply is not in the thread', !!this.host.session.me));
        });
      }
    } else {
      this.host.renderRoot.querySelector<HTMLElement>(`p[data-ref="${CSS.escape(hash)}"]`)?.scrollIntoView({ block: 'center' });
    }
  }
}

/**
 * What a reader is told of a gloss or layer a link names and the page does not show: it was
 * deleted, or it is in a layer they may not read — without saying which, so nothing private leaks.
 */
export function missingMessage(what: string, signedIn: boolean): string {
  return signedIn
    ? `${what}: it was deleted, or it is in a private layer. Ask its group to let you in.`
    : `${what}: it was deleted, or it is in a private layer. Sign in, or ask its group to let you in.`;
}
