/**
 * A gloss or reply body as an HTML string, for places outside the browser (the Atom feeds).
 * The stored document is read with `glossSchema`, and every node and mark is written by the
 * schema's own `toDOM`, as the reader renders it: the same elements, the same link check
 * (`safeHref`: http, https and mailto only) and `rel`. Text and attribute values are escaped;
 * no stored string ever becomes markup, so a body can hold no element the schema does not make.
 */
import type { DOMOutputSpec, Mark, Node as PMNode } from 'prosemirror-model';
import { glossSchema } from '../../schema/document.ts';
import { escapeHtml } from '../escape-html.ts';

/** Elements written without an end tag. */
const voidElements = new Set(['br', 'hr', 'img']);

/** One output spec of a `toDOM` (a tag, its attributes, its children, 0 for the content hole) as HTML. */
function specHtml(spec: DOMOutputSpec, content: string): string {
  if (typeof spec === 'string') return escapeHtml(spec);
  if (!Array.isArray(spec)) throw new Error('A toDOM of the gloss schema returned a DOM node: only arrays are written as HTML');
  const [tag, ...rest] = spec as readonly [string, ...unknown[]];
  if (!/^[a-z][a-z0-9]*$/.test(tag)) throw new Error(`Unexpected element name "${tag}" in the gloss schema`);
  let children = rest;
  let attrs = '';
  const first = rest[0];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    children = rest.slice(1);
    for (const [name, value] of Object.entries(first as Record<string, unknown>)) {
      if (value === null || value === undefined) continue;
      if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`Unexpected attribute name "${name}" in the gloss schema`);
      attrs += ` ${name}="${escapeHtml(String(value))}"`;
    }
  }
  if (voidElements.has(tag) && children.length === 0) return `<${tag}${attrs}>`;
  const inner = children.map((c) => (c === 0 ? content : specHtml(c as DOMOutputSpec, content))).join('');
  return `<${tag}${attrs}>${inner}</${tag}>`;
}

/** A text node wrapped in its marks, outermost first. */
function textHtml(node: PMNode): string {
  let html = escapeHtml(node.text ?? '');
  const marks: readonly Mark[] = node.marks;
  for (let i = marks.length - 1; i >= 0; i--) {
    const toDOM = marks[i].type.spec.toDOM;
    if (toDOM) html = specHtml(toDOM(marks[i], true), html);
  }
  return html;
}

function nodeHtml(node: PMNode): string {
  if (node.isText) return textHtml(node);
  let content = '';
  node.forEach((child) => {
    content += nodeHtml(child);
  });
  const toDOM = node.type.spec.toDOM;
  return toDOM ? specHtml(toDOM(node), content) : content;
}

/** A stored body (ProseMirror JSON of the gloss schema) as HTML. */
export function bodyHtml(bodyDoc: string): string {
  return nodeHtml(glossSchema.nodeFromJSON(JSON.parse(bodyDoc)));
}
