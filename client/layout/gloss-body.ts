/**
 * Gloss and reply bodies in the page: rendered from their gloss-schema documents through the
 * schema's own `toDOM` (never from HTML), with the glosses written on them marked, and the way
 * back from a selection in the rendered body to offsets in the body's projection — the same
 * coordinates the server anchors glosses on glosses in.
 */
import { DOMSerializer, Schema } from 'prosemirror-model';
import { Transform } from 'prosemirror-transform';
import { glossSchema } from '../../schema/document.ts';
import { Projection } from '../../schema/projection.ts';

/** The gloss schema plus a mark for the spans other glosses comment on; several may overlap. */
const bodySchema = new Schema({
  nodes: glossSchema.spec.nodes,
  marks: glossSchema.spec.marks.append({
    glossed: {
      attrs: { id: { validate: 'number' }, color: { validate: 'string' }, layer: { validate: 'string' } },
      excludes: '',
      inclusive: false,
      toDOM: (mark) => ['mark', { class: `gloss-mark layer-${mark.attrs.layer}`, 'data-gloss': String(mark.attrs.id), style: `--c: ${mark.attrs.color}` }, 0],
    },
  }),
});

const serializer = DOMSerializer.fromSchema(bodySchema);

/** A gloss on a body: its id, its span in the body's projection, its layer and the layer's colour. */
export interface BodyHighlight {
  id: number;
  start: number;
  end: number;
  layer: string;
  color: string;
}

/** Renders a body document with its highlights, as DOM to put in a card. */
export function renderBody(docJson: unknown, highlights: BodyHighlight[] = []): DocumentFragment {
  let doc = bodySchema.nodeFromJSON(docJson);
  if (highlights.length) {
    const projection = new Projection(doc);
    const tr = new Transform(doc);
    for (const h of highlights) {
      if (h.start < 0 || h.end > projection.text.length || h.start >= h.end) continue;
      tr.addMark(projection.posAt(h.start), projection.posAt(h.end), bodySchema.marks.glossed.create({ id: h.id, color: h.color, layer: h.layer }));
    }
    doc = tr.doc;
  }
  return serializer.serializeFragment(doc.content) as DocumentFragment;
}

/**
 * The projection offset of a DOM point inside a rendered body: text counts its length, and, as
 * in the projection, each paragraph after the first and each line break count one.
 */
export function bodyOffset(root: Node, node: Node, offset: number): number {
  const point = document.createRange();
  point.setStart(node, offset);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  let count = 0;
  let blocks = 0;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n === node && n.nodeType === Node.TEXT_NODE) return count + offset;
    if (point.comparePoint(n, 0) > 0) break;
    if (n.nodeType === Node.TEXT_NODE) count += (n as Text).length;
    else if (n.nodeName === 'P') count += blocks++ > 0 ? 1 : 0;
    else if (n.nodeName === 'BR') count += 1;
  }
  return count;
}
