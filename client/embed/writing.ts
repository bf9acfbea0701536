/**
 * What the embed loads only when a reader starts writing: the reader's composer (with its
 * ProseMirror editor) and the way from a selection in the passage to a gloss's target. A
 * read-only passage never pays for either.
 */
import '../components/daf-composer.ts';
import type { GlossTarget } from '../api.ts';
import { bodyOffset } from '../layout/gloss-body.ts';

export type { ComposerPost } from '../components/daf-composer.ts';

/** A rendered block of the passage and where its text starts in the text's projection. */
export interface RenderedBlock {
  el: HTMLElement;
  start: number;
}

/**
 * The target of a selected range: the quoted words (without surrounding spaces) and their
 * offsets in the text's projection. Null unless both ends are in the passage's text.
 * `text` is the passage's projection, which starts at offset `textStart` of the text's.
 */
export function rangeTarget(range: AbstractRange, blocks: readonly RenderedBlock[], text: string, textStart: number): GlossTarget | null {
  const offset = (node: Node, at: number) => {
    // Inside one block no paragraph is counted, so a body's offsets are the block's.
    const block = blocks.find((b) => b.el.contains(node));
    return block ? block.start + bodyOffset(block.el, node, at) - textStart : null;
  };
  let start = offset(range.startContainer, range.startOffset);
  let end = offset(range.endContainer, range.endOffset);
  if (start === null || end === null) return null;
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return start < end ? { exact: text.slice(start, end), start: start + textStart, end: end + textStart } : null;
}
