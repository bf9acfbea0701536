/**
 * From offsets in a block's projection to points in the DOM the schema rendered for it: text
 * counts its length and a line break (`<br>`) counts one, as in the projection; marks only wrap
 * text, so nothing else counts.
 */

/** A point in the DOM: a node and an offset in it. */
export interface DomPoint {
  node: Node;
  offset: number;
}

/** The DOM point `offset` characters into a rendered block; past its end, the block's end. */
export function pointAt(block: Node, offset: number): DomPoint {
  const walker = document.createTreeWalker(block, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  let remaining = offset;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.nodeType === Node.TEXT_NODE) {
      const length = (n as Text).length;
      if (remaining <= length) return { node: n, offset: remaining };
      remaining -= length;
    } else if (n.nodeName === 'BR') {
      const parent = n.parentNode!;
      const index = Array.prototype.indexOf.call(parent.childNodes, n);
      if (remaining === 0) return { node: parent, offset: index };
      remaining -= 1;
      if (remaining === 0) return { node: parent, offset: index + 1 };
    }
  }
  return { node: block, offset: block.childNodes.length };
}
