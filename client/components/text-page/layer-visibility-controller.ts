import type { ReactiveController } from 'lit';
import { classSelector, cssColor } from '../../layer-style.ts';
import type { Arrangement, Placed } from '../../layout/arrange.ts';
import { layersAbove } from '../../layout/groups.ts';
import { missingMessage } from './navigation-controller.ts';
import type { DafTextPage } from './daf-text-page.ts';

/**
 * Which layers the reader shows: the host's `hiddenLayers`, a style sheet that hides them
 * without re-rendering, and the URL's `layers=` that keeps the choice.
 */
export class LayerVisibilityController implements ReactiveController {
  /** Hides the hidden layers' cards and highlights; changed on a toggle instead of re-rendering. */
  private readonly sheet = new CSSStyleSheet();
  private adopted = false;
  private urlFrame = 0;
  private ancestriesFor: Arrangement | null = null;
  private ancestries = new Map<number, string[]>();

  constructor(private readonly host: DafTextPage) {
    host.addController(this);
  }

  hostConnected() {}

  hostUpdated() {
    if (this.adopted) return;
    this.adopted = true;
    const root = this.host.renderRoot as ShadowRoot;
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, this.sheet];
  }

  hostDisconnected() {
    cancelAnimationFrame(this.urlFrame);
  }

  /** Hides the layers the URL's `layers=` leaves out, if it names any. */
  readUrl() {
    const host = this.host;
    const shown = new URLSearchParams(location.search).get('layers');
    if (shown === null) return;
    const keep = new Set(shown.split(',').filter(Boolean));
    host.hiddenLayers = new Set(host.layers.map((l) => l.slug).filter((l) => !keep.has(l)));
    const unknown = [...keep].filter((slug) => !host.layers.some((l) => l.slug === slug));
    const names = unknown.map((slug) => `“${slug}”`).join(', ');
    host.showNotice('layers', unknown.length ? missingMessage(`${unknown.length === 1 ? 'The layer' : 'The layers'} ${names} ${unknown.length === 1 ? 'is' : 'are'} not on this page`, !!host.session.me) : '');
  }

  /**
   * Each layer's colour, and the rules that hide a layer — its cards (and every card on them)
   * and its highlights — when the page has the class `hide-SLUG`. A toggle changes that class:
   * nothing is re-rendered, and only that layer's groups of cards and its marks are restyled
   * (with the cards that move up into the room it leaves). The layer's class comes first in each
   * selector: the browser picks the first class to decide which elements to restyle, and
   * `.gloss-mark` first would restyle the marks of every layer.
   */
  writeRules() {
    const rules = this.host.layers.map(
      // A hidden group keeps its cards' boxes and rendering state (content-visibility), so
      // neither hiding nor showing it restyles or lays out a card: it stops or starts painting them.
      ({ slug, color }) => {
        const [layer, hidden, group] = [classSelector('layer-', slug), `.page${classSelector('hide-', slug)}`, classSelector('in-', slug)];
        return `${layer} { --c: ${cssColor(color)}; }
          ${hidden} .group${group} { content-visibility: hidden; }
          ${hidden} ${layer}.gloss-mark { background: none; border-block-end-color: transparent; }
          ${hidden} ${layer}.segment-marker { visibility: hidden; }`;
      },
    );
    this.sheet.replaceSync(rules.join('\n'));
  }

  /** Is a placed gloss shown: its layer, and the layers of every gloss it hangs on, are shown? */
  shown(p: Placed): boolean {
    return !this.ancestry(p).some((layer) => this.host.hiddenLayers.has(layer));
  }

  /** The layers of a placed gloss and of every gloss above it (kept for each arrangement). */
  ancestry(p: Placed): string[] {
    const host = this.host;
    if (this.ancestriesFor !== host.arrangement) {
      this.ancestriesFor = host.arrangement;
      this.ancestries = new Map();
    }
    let layers = this.ancestries.get(p.gloss.id);
    if (!layers) {
      layers = layersAbove(p, (id) => host.glossById(id));
      this.ancestries.set(p.gloss.id, layers);
    }
    return layers;
  }

  toggle(layer: string) {
    const hiddenLayers = new Set(this.host.hiddenLayers);
    if (hiddenLayers.has(layer)) hiddenLayers.delete(layer);
    else hiddenLayers.add(layer);
    this.host.hiddenLayers = hiddenLayers;
    // The choice of layers has a URL of its own, written once the toggle is painted: writing
    // a URL takes the browser a few milliseconds that the reader would otherwise wait for.
    cancelAnimationFrame(this.urlFrame);
    this.urlFrame = requestAnimationFrame(() => setTimeout(() => this.writeUrl()));
  }

  /** Shows a layer (one the reader just started). */
  reveal(layer: string) {
    this.host.hiddenLayers = new Set([...this.host.hiddenLayers].filter((l) => l !== layer));
  }

  private writeUrl() {
    const { hiddenLayers, layers } = this.host;
    const url = new URL(location.href);
    if (hiddenLayers.size === 0) url.searchParams.delete('layers');
    else url.searchParams.set('layers', layers.filter((l) => !hiddenLayers.has(l.slug)).map((l) => l.slug).join(','));
    history.replaceState(history.state, '', url);
  }
}
