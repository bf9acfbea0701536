/**
 * The plain-text projection: the one string that the server and the browser both count in.
 *
 * Each textblock contributes its text; textblocks are joined by a single `\n`; a hard break
 * counts as one `\n` inside its block. Offsets are UTF-16 code units into that string.
 * Nested blocks (a gloss body's blockquotes and lists) contribute their textblocks in document
 * order, so the same rule serves both schemas.
 */
import type { Node as PMNode } from 'prosemirror-model';

/** A segment of a text (a verse, a mishnah) and where its text lies in the projection. */
export interface SegmentRange {
  ref: string;
  start: number;
  end: number;
}

/** One textblock's place in both coordinate systems. */
interface BlockEntry {
  /** Offset of the block's first character in the projection. */
  offset: number;
  /** ProseMirror position of the block's content start. */
  pos: number;
  /** Length of the block's text in the projection. */
  length: number;
  node: PMNode;
}

/**
 * A document's projection with the index needed to convert between projection offsets and
 * ProseMirror positions. Build it once per document version.
 */
export class Projection {
  /** The projected text. */
  readonly text: string;
  /** The `segment` blocks with their ranges, in document order. */
  readonly segments: SegmentRange[];
  private readonly blocks: BlockEntry[];

  constructor(readonly doc: PMNode) {
    const blocks: BlockEntry[] = [];
    const parts: string[] = [];
    const segments: SegmentRange[] = [];
    let offset = 0;
    doc.descendants((node, pos) => {
      if (!node.isTextblock) return true;
      if (blocks.length > 0) offset += 1; // the joining "\n"
      const text = blockText(node);
      blocks.push({ offset, pos: pos + 1, length: text.length, node });
      if (node.type.name === 'segment') {
        segments.push({ ref: String(node.attrs.ref), start: offset, end: offset + text.length });
      }
      parts.push(text);
      offset += text.length;
      return false;
    });
    this.text = parts.join('\n');
    this.segments = segments;
    this.blocks = blocks;
  }

  /**
   * The ProseMirror position of a projection offset. An offset on a block separator (the `\n`
   * between two blocks) maps to the end of the block before it.
   * Throws a RangeError for an offset outside the text.
   */
  posAt(offset: number): number {
    if (!Number.isInteger(offset) || offset < 0 || offset > this.text.length) {
      throw new RangeError(`Offset ${offset} is outside the projection (0..${this.text.length})`);
    }
    if (this.blocks.length === 0) return 0;
    const i = this.blockIndexAt(offset);
    const block = this.blocks[i];
    let remaining = offset - block.offset;
    let pos = block.pos;
    // Walk the inline children: text counts its length, every leaf counts one character.
    for (let c = 0; c < block.node.childCount && remaining > 0; c++) {
      const child = block.node.child(c);
      const size = child.isText ? child.text!.length : 1;
      const step = Math.min(size, remaining);
      pos += child.isText ? step : step === size ? child.nodeSize : 0;
      remaining -= step;
    }
    return pos;
  }

  /**
   * The projection offset of a ProseMirror position. A position between blocks counts as the
   * end of the block before it (or the start of the first block).
   */
  offsetAt(pos: number): number {
    if (!Number.isInteger(pos) || pos < 0 || pos > this.doc.content.size) {
      throw new RangeError(`Position ${pos} is outside the document (0..${this.doc.content.size})`);
    }
    let lo = 0;
    let hi = this.blocks.length - 1;
    if (hi < 0) return 0;
    // Last block whose content starts at or before pos.
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.blocks[mid].pos <= pos) lo = mid;
      else hi = mid - 1;
    }
    const block = this.blocks[lo];
    if (pos < block.pos) return block.offset;
    let offset = block.offset;
    let at = block.pos;
    for (let c = 0; c < block.node.childCount; c++) {
      const child = block.node.child(c);
      if (at >= pos) break;
      if (child.isText) {
        const take = Math.min(child.text!.length, pos - at);
        offset += take;
        at += take;
      } else {
        offset += 1;
        at += child.nodeSize;
      }
    }
    return Math.min(offset, block.offset + block.length);
  }

  /** The segment containing an offset, or null. */
  segmentAt(offset: number): SegmentRange | null {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.segments[mid];
      if (offset < s.start) hi = mid - 1;
      else if (offset > s.end) lo = mid + 1;
      else return s;
    }
    return null;
  }

  private blockIndexAt(offset: number): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.blocks[mid].offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** The projected text of one textblock (a hard break or other leaf counts as its leaf text). */
function blockText(node: PMNode): string {
  let out = '';
  node.forEach((child) => {
    if (child.isText) out += child.text;
    else out += child.type.spec.leafText ? child.type.spec.leafText(child) : '\uFFFC';
  });
  return out;
}

/** The plain-text projection of a document. */
export function docToText(doc: PMNode): string {
  return new Projection(doc).text;
}
