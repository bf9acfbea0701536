/**
 * The central text: a ProseMirror view that can hold a caret and a selection (so a keyboard can
 * select a passage) but refuses every change to the document, with the glosses highlighted in
 * it by decorations coloured by layer.
 */
import { EditorState, Plugin, TextSelection } from 'prosemirror-state';
import { Decoration, DecorationSet, EditorView } from 'prosemirror-view';
import type { Projection } from '../../../schema/projection.ts';
import type { Gloss } from '../../api.ts';
import type { Placed } from '../../layout/arrange.ts';
import { markPieces, type MarkSpan } from '../../layout/mark-pieces.ts';

/** A text shown beside the central one, its segments by ref. */
export interface ParallelText {
  slug: string;
  title: string;
  language: string;
  direction: string;
  byRef: Map<string, string>;
}

/** What the page does with keys and the pointer in the text. */
export interface TextViewHandlers {
  /** A key down in the text; true when handled (or refused). */
  onKey(view: EditorView, event: KeyboardEvent): boolean;
  /** The pointer over (or a click on) the text. */
  onPointer(event: Event, click: boolean): boolean;
}

/** A layer's place among the text's layers (0 for one not listed). */
function layerPlace(layers: readonly string[], layer: string): number {
  return Math.max(0, layers.indexOf(layer));
}

/** The element a layer's marks are made of: one name per layer, so marks of two layers nest rather than merge. */
export function markElement(layers: readonly string[], layer: string): string {
  return `daf-mark-${layerPlace(layers, layer)}`;
}

/**
 * Highlights for the glosses on the text (README, "The reader": markers), every one carrying
 * `data-gloss` with the ids of every gloss it marks, innermost first:
 * - a quoted span is marked once per layer, in an element of that layer's (`daf-mark-N`, N the
 *   layer's place among the text's layers; ProseMirror makes each decoration that names an
 *   element an element of its own, nested), so that where two layers mark the same words both
 *   marks show, stacked, and hiding one layer leaves the other's; where glosses of one layer
 *   overlap, the text is cut into pieces that name every one of them;
 * - commentary on a whole segment is a bar beside it, one per layer, each a marker element at the
 *   segment's start (the segment itself gets the class `segment-glossed`).
 * After each passage with glosses, an empty block (`.fold`): the room the layout keeps there when
 * the passage's commentary needs more than the passage (README, "The reader": the layout), and
 * where its cards lie on a narrow screen.
 */
export function glossDecorations(projection: Projection, placed: readonly Placed[], layers: readonly string[], parallel: ParallelText | null = null): DecorationSet {
  const doc = projection.doc;
  const decos: Decoration[] = [];
  const spans = new Map<string, MarkSpan[]>();
  const segments = new Map<number, Map<string, number[]>>();
  for (const { gloss: g, depth } of placed) {
    if (depth !== 1) continue;
    const from = projection.posAt(g.anchor!.start!);
    if (g.anchor!.status === 'segment') {
      const block = doc.resolve(from).before(1);
      const byLayer = segments.get(block) ?? new Map<string, number[]>();
      segments.set(block, byLayer);
      byLayer.set(g.layer, [...(byLayer.get(g.layer) ?? []), g.id]);
      continue;
    }
    const list = spans.get(g.layer) ?? [];
    spans.set(g.layer, list);
    list.push({ id: g.id, from, to: projection.posAt(g.anchor!.end!) });
  }
  const place = (layer: string) => layerPlace(layers, layer);
  for (const [layer, list] of spans) {
    // The colour comes from the layer's class (see the layer visibility controller): marks
    // without a style of their own share their computed style, which makes restyling them cheap.
    const attrs = { nodeName: markElement(layers, layer), class: `gloss-mark layer-${layer}` };
    for (const piece of markPieces(list)) {
      decos.push(Decoration.inline(piece.from, piece.to, { ...attrs, 'data-gloss': piece.ids.join(' ') }, { glossIds: piece.ids }));
    }
  }
  for (const [block, byLayer] of segments) {
    const node = doc.nodeAt(block)!;
    decos.push(Decoration.node(block, block + node.nodeSize, { class: 'segment-glossed' }));
    for (const [layer, ids] of byLayer) {
      decos.push(
        Decoration.widget(
          block + 1,
          () => {
            const el = Object.assign(document.createElement('span'), { className: `segment-marker layer-${layer}` });
            el.setAttribute('data-gloss', ids.join(' '));
            el.setAttribute('aria-hidden', 'true');
            el.style.setProperty('--i', String(place(layer)));
            return el;
          },
          { side: -1, key: `segment-${layer}-${ids.join('.')}`, ignoreSelection: true },
        ),
      );
    }
  }
  // The parallel text's segment beside each segment of the same ref (see the styles: a float
  // beside the passage, in a column of its own).
  if (parallel) {
    doc.forEach((node, offset) => {
      const words = node.type.name === 'segment' ? parallel.byRef.get(node.attrs.ref as string) : undefined;
      if (words === undefined) return;
      decos.push(
        Decoration.widget(
          offset + 1,
          () => {
            // The box takes the page's direction (its side and margins are the text's); the words inside, their own.
            const el = Object.assign(document.createElement('span'), { className: 'parallel' });
            el.append(Object.assign(document.createElement('span'), { className: 'words', textContent: words, lang: parallel.language, dir: parallel.direction }));
            return el;
          },
          { side: -2, key: `parallel-${parallel.slug}-${node.attrs.ref}`, ignoreSelection: true },
        ),
      );
    });
  }
  // After each passage with glosses, the room the layout keeps there (the text gives way).
  const blocks = new Set<number>();
  for (const { gloss: g, depth } of placed) {
    if (depth === 1) blocks.add(doc.resolve(projection.posAt(g.anchor!.start!)).after(1));
  }
  for (const after of blocks) {
    decos.push(Decoration.widget(after, roomElement, { key: `fold-${after}`, side: 1 }));
  }
  return DecorationSet.create(doc, decos);
}

/** The room after a passage: an empty block the layout sizes. */
function roomElement(): HTMLElement {
  const el = Object.assign(document.createElement('div'), { className: 'fold' });
  el.setAttribute('aria-hidden', 'true');
  return el;
}

/** The read-only view of the text, its gloss highlights, and the highlight of the gloss in hand. */
export class TextView {
  readonly editor: EditorView;
  private decorations: DecorationSet;
  private active = DecorationSet.empty;

  constructor(
    mount: HTMLElement,
    private readonly projection: Projection,
    title: string,
    decorations: DecorationSet,
    handlers: TextViewHandlers,
  ) {
    this.decorations = decorations;
    const readOnly = new Plugin({ filterTransaction: (tr) => !tr.docChanged });
    const active = new Plugin({ props: { decorations: () => this.active } });
    this.editor = new EditorView(mount, {
      state: EditorState.create({ doc: projection.doc, plugins: [readOnly, active] }),
      decorations: () => this.decorations,
      attributes: {
        role: 'textbox',
        'aria-readonly': 'true',
        'aria-multiline': 'true',
        'aria-label': `${title}: the text. Select a passage to comment on it.`,
        inputmode: 'none',
        spellcheck: 'false',
      },
      handleKeyDown: (v, event) => handlers.onKey(v, event),
      handleTextInput: () => true,
      handlePaste: () => true,
      handleDrop: () => true,
      handleDOMEvents: {
        beforeinput: (_v, event) => {
          event.preventDefault();
          return true;
        },
        mouseover: (_v, event) => handlers.onPointer(event, false),
        click: (_v, event) => handlers.onPointer(event, true),
      },
    });
  }

  get dom(): HTMLElement {
    return this.editor.dom;
  }

  /** Shows another set of gloss highlights (nothing is redrawn when it is the same set). */
  setDecorations(decorations: DecorationSet) {
    if (decorations === this.decorations) return;
    this.decorations = decorations;
    this.editor.setProps({ decorations: () => this.decorations });
  }

  /**
   * Marks the passage of a gloss on the text as the one in hand (or none). The mark is a
   * decoration: ProseMirror owns that DOM and would undo a class.
   */
  setActive(gloss: Gloss | null, layers: readonly string[]) {
    let decos: Decoration[] = [];
    if (gloss) {
      const from = this.projection.posAt(gloss.anchor!.start!);
      if (gloss.anchor!.status === 'segment') {
        const $from = this.editor.state.doc.resolve(from);
        decos = [Decoration.node($from.before(1), $from.before(1) + $from.parent.nodeSize, { class: 'active' })];
      } else {
        // No element of its own: the class joins the mark the text already has there.
        decos = [Decoration.inline(from, this.projection.posAt(gloss.anchor!.end!), { class: 'active' })];
      }
    }
    this.active = DecorationSet.create(this.editor.state.doc, decos);
    this.editor.updateState(this.editor.state);
  }

  /** Selects a passage (text offsets), scrolls to it and puts the focus in the text. */
  selectPassage(start: number, end: number) {
    const from = this.projection.posAt(start);
    const to = this.projection.posAt(end);
    const view = this.editor;
    view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, from, to)).scrollIntoView());
    view.focus();
  }

  /** The text offset of a DOM position in the view. */
  offsetAtDOM(node: Node, offset: number): number {
    return this.projection.offsetAt(this.editor.posAtDOM(node, offset));
  }

  destroy() {
    this.editor.destroy();
  }
}
