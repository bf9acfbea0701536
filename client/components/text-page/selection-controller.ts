import type { ReactiveController } from 'lit';
import type { EditorView } from 'prosemirror-view';
import { api, failureMessage, type Gloss, type GlossTarget } from '../../api.ts';
import { bodyOffset } from '../../layout/gloss-body.ts';
import type { ComposerPost } from '../daf-composer.ts';
import { loadComposer } from '../load-composer.ts';
import type { DafTextPage } from './daf-text-page.ts';

/** A selected passage waiting for the reader's choice, and where its popover goes. */
/** How long a selection must stand still before a touch screen's selection is read, in ms. */
const selectionSettleMs = 300;

export interface PendingSelection {
  target: GlossTarget;
  quote: string;
  x: number;
  y: number;
}

interface SelectionState {
  /** The passage the reader selected, and where to show the popover for it. */
  selection: PendingSelection | null;
  /** Is the composer open in the popover? */
  composing: boolean;
  busy: boolean;
  writeError: string;
  /** The orphan being re-attached: the next selection offers "Attach here". */
  reattaching: Gloss | null;
}

/**
 * From a selection to a gloss: the reader's selection, in the text or in a gloss's body, becomes
 * a target; a popover offers to comment on it (or to re-attach an orphan there), and writes.
 */
export class SelectionController implements ReactiveController {
  private state: SelectionState = { selection: null, composing: false, busy: false, writeError: '', reattaching: null };

  constructor(private readonly host: DafTextPage) {
    host.addController(this);
  }

  get selection() {
    return this.state.selection;
  }
  get composing() {
    return this.state.composing;
  }
  get busy() {
    return this.state.busy;
  }
  get writeError() {
    return this.state.writeError;
  }
  get reattaching() {
    return this.state.reattaching;
  }

  /** Changes the state, re-rendering the page only if something changed (as a reactive property would). */
  private set(change: Partial<SelectionState>) {
    let changed = false;
    for (const [key, value] of Object.entries(change) as [keyof SelectionState, unknown][]) {
      if (Object.is(this.state[key], value)) continue;
      (this.state as unknown as Record<string, unknown>)[key] = value;
      changed = true;
    }
    if (changed) this.host.requestUpdate();
  }

  hostConnected() {
    this.host.renderRoot.addEventListener('pointerup', this.onSelectionEnd);
    this.host.renderRoot.addEventListener('keyup', this.onSelectionEnd);
    document.addEventListener('selectionchange', this.onSelectionChange);
  }

  hostDisconnected() {
    document.removeEventListener('selectionchange', this.onSelectionChange);
    clearTimeout(this.settling);
  }

  private settling = 0;

  /**
   * A touch screen selects with handles, and no pointer-up ends it: the selection is read once it
   * has stood still a moment (desktop selections are read at pointer-up, at once).
   */
  private onSelectionChange = () => {
    clearTimeout(this.settling);
    this.settling = window.setTimeout(() => {
      // Only a selection in this page counts: typing elsewhere (signing in in the header, say)
      // moves the document's selection too, and must not drop the passage selected here.
      const sel = this.domSelection();
      const node = sel && sel.rangeCount && !sel.isCollapsed ? sel.getRangeAt(0).commonAncestorContainer : null;
      if (!this.composing && node && this.host.renderRoot.contains(node)) this.readSelection();
    }, selectionSettleMs);
  };

  private onSelectionEnd = () => {
    if (!this.composing) requestAnimationFrame(() => this.readSelection());
  };

  /** Keys in the text: Enter comments on the selection, or opens the gloss under the caret. */
  onTextKey(view: EditorView, event: KeyboardEvent): boolean {
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey) {
      // What the reader sees selected is the DOM's selection: ProseMirror's state follows it only
      // on `selectionchange`, which a busy page may deliver after a quick Shift+→ and Enter.
      this.readSelection();
      if (this.selection) {
        void this.startComposing();
        return true;
      }
      const caret = this.domSelection();
      const pos = caret?.focusNode && view.dom.contains(caret.focusNode) ? view.posAtDOM(caret.focusNode, caret.focusOffset) : view.state.selection.from;
      this.host.navigation.focusAt(this.host.projection!.offsetAt(pos));
      return true;
    }
    // Letting a key through would edit the text; navigation keys have no printable value.
    return event.key.length === 1 && !event.ctrlKey && !event.metaKey;
  }

  /** The selection in the page's shadow root (Chromium and WebKit), else in the document. */
  private domSelection(): Selection | null {
    const root = this.host.renderRoot as ShadowRoot & { getSelection?: () => Selection | null };
    return root.getSelection?.() ?? document.getSelection();
  }

  /** Turns the reader's selection into a target: a span of the text, or of one gloss's body. */
  private readSelection() {
    const sel = this.domSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) {
      if (!this.composing) this.set({ selection: null });
      return;
    }
    const range = sel.getRangeAt(0);
    const target = this.targetOf(range);
    if (!target) {
      this.set({ selection: null });
      return;
    }
    const rect = range.getBoundingClientRect();
    const host = this.host.getBoundingClientRect();
    // The popover goes just under the selection, kept inside the page.
    const x = Math.min(Math.max(rect.left - host.left, 8), Math.max(8, host.width - 420));
    this.set({ selection: { target, quote: target.exact, x, y: rect.bottom - host.top + 8 } });
    // The reader may write about it next: fetch the composer while they decide.
    void loadComposer();
  }

  private targetOf(range: Range): GlossTarget | null {
    const { view, projection } = this.host;
    const mount = view?.dom;
    if (!mount || !projection) return null;
    const trim = (text: string, start: number, end: number) => {
      while (start < end && /\s/.test(text[start])) start++;
      while (end > start && /\s/.test(text[end - 1])) end--;
      return start < end ? { exact: text.slice(start, end), start, end } : null;
    };
    if (mount.contains(range.startContainer) && mount.contains(range.endContainer)) {
      const from = view!.offsetAtDOM(range.startContainer, range.startOffset);
      const to = view!.offsetAtDOM(range.endContainer, range.endOffset);
      return trim(projection.text, from, to);
    }
    const bodyOf = (n: Node) => (n instanceof Element ? n : n.parentElement)?.closest<HTMLElement>('[data-gloss-body]');
    const body = bodyOf(range.startContainer);
    if (!body || body !== bodyOf(range.endContainer)) return null;
    const id = Number(body.dataset.glossBody);
    const gloss = this.host.glosses.find((g) => g.id === id);
    if (!gloss?.body) return null;
    const span = trim(gloss.body.text, bodyOffset(body, range.startContainer, range.startOffset), bodyOffset(body, range.endContainer, range.endOffset));
    return span && { ...span, gloss: id };
  }

  startComposing = async () => {
    const loaded = loadComposer();
    this.set({ composing: true, writeError: '' });
    await this.host.updateComplete;
    await loaded;
    const popover = this.host.renderRoot.querySelector<HTMLElement>('.popover');
    // The composer stays on screen (on a phone, above the keyboard once it opens).
    popover?.scrollIntoView({ block: 'nearest' });
    popover?.querySelector<HTMLElement>('daf-composer')?.focus({ preventScroll: true });
  };

  closePopover = () => {
    this.set({ selection: null, composing: false, writeError: '' });
  };

  /** Starts re-attaching an orphan: the next selection offers "Attach here". */
  startReattaching(gloss: Gloss) {
    this.set({ reattaching: gloss });
  }

  cancelReattaching() {
    this.set({ reattaching: null });
    this.closePopover();
  }

  /**
   * Runs a write from the popover: on success the popover closes, the page re-reads and the
   * written gloss gets the focus; on failure the server's message stays in the popover.
   */
  private async writeFromPopover(action: (target: GlossTarget) => Promise<number>) {
    const selection = this.selection;
    if (!selection) return;
    this.set({ busy: true, writeError: '' });
    try {
      const id = await action(selection.target);
      this.set({ reattaching: null });
      this.closePopover();
      await this.host.data.refresh();
      await this.host.updateComplete;
      requestAnimationFrame(() => this.host.navigation.focusCard(id));
    } catch (e) {
      this.set({ writeError: failureMessage(e) });
    } finally {
      this.set({ busy: false });
    }
  }

  /** Posts a new gloss on the selected passage (starting a layer of the writer's own if asked). */
  onPost = (event: CustomEvent<ComposerPost>) => {
    const { layer, newLayer, body, motivation } = event.detail;
    const slug = this.host.slug;
    void this.writeFromPopover(async (target) => {
      let layerSlug = layer;
      if (layerSlug === null) {
        layerSlug = (await api.createLayer(slug, newLayer!)).slug;
        this.host.visibility.reveal(layerSlug);
      } else if (!this.host.layers.some((l) => l.slug === layerSlug)) {
        // A group's layer made from the composer: shown, like a layer of one's own.
        this.host.visibility.reveal(layerSlug);
      }
      return (await api.createGloss(slug, layerSlug, { target, body, motivation })).id;
    });
  };

  /** Re-attaches the orphan in hand to the selected passage. */
  attachHere = () => {
    const gloss = this.reattaching;
    if (!gloss) return;
    void this.writeFromPopover(async ({ exact, start, end }) => (await api.updateGloss(gloss.id, { target: { exact, start, end } })).id);
  };
}
