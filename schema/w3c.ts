/**
 * Glosses as W3C Web Annotations, and layers as W3C annotation containers
 * (https://www.w3.org/TR/annotation-model/, https://www.w3.org/TR/annotation-protocol/).
 *
 * A gloss's selectors are exported as alternatives that all describe the same span: a
 * TextQuoteSelector, a TextPositionSelector counted in Unicode code points (the W3C rule; Daf
 * counts UTF-16 inside), and, on segmented texts, a FragmentSelector naming the segment refined
 * by the quote. Bodies travel as Markdown.
 */
import { defaultMarkdownSerializer } from 'prosemirror-markdown';
import type { Node as PMNode } from 'prosemirror-model';
import { z } from 'zod';
import { maxBodyLength } from './api.ts';
import { CodePointIndex } from './code-points.ts';
import { glossSchema } from './document.ts';

/** The JSON-LD context of every annotation document. */
export const annoContext = 'http://www.w3.org/ns/anno.jsonld';
/** The media type of annotation documents, with the W3C profile. */
export const annoMediaType = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"';
/** Annotations per page of a container. */
export const containerPageSize = 100;

/** What the exporter needs to know of a gloss. */
export interface GlossForExport {
  id: number;
  textSlug: string;
  layerSlug: string;
  /** Layer of the gloss this one comments on, when it targets a gloss. */
  targetGloss: { id: number; layerSlug: string } | null;
  motivation: string;
  created: string;
  updated: string;
  author: { handle: string; name: string } | null;
  bodyDoc: unknown;
  selectors: { exact: string; prefix: string; suffix: string; start: number; end: number; segment: string | null };
  /** The decision in force on it, if any (docs/deliberation.md §3), as the reader may see it. */
  decision?: DecisionForExport | null;
  /** How many agree, disagree and abstain (docs/deliberation.md §2), when anyone took a stance. */
  stances?: { agree: number; disagree: number; abstain: number } | null;
}

/** A person as a post, a stance or a decision names them. */
interface Named {
  handle: string;
  name: string;
}

/**
 * The decision in force on a gloss, for the export: what it adopted is given only when the reader
 * may read it (a gloss by its layer, a reply of the thread), else null.
 */
export interface DecisionForExport {
  statement: string;
  adopted: { kind: 'gloss'; id: number; layerSlug: string } | { kind: 'reply'; id: number } | null;
  decidedBy: Named;
  decidedAt: string;
  reviewOn: string | null;
  dissent: { author: Named; reason: string }[];
}

/** What the exporter needs to know of a stance on a gloss (docs/deliberation.md §2). */
export interface StanceForExport {
  /** The gloss it is a stance on. */
  gloss: { id: number; textSlug: string; layerSlug: string };
  stance: 'agree' | 'disagree' | 'abstain';
  reason: string | null;
  created: string;
  updated: string;
  author: Named;
}

/** The URLs of Daf's resources under one base URL (no trailing slash). */
export class DafUrls {
  constructor(readonly base: string) {}
  text(slug: string) {
    return `${this.base}/t/${encodeURIComponent(slug)}`;
  }
  container(text: string, layer: string) {
    return `${this.base}/annotations/${encodeURIComponent(text)}/${encodeURIComponent(layer)}/`;
  }
  annotation(text: string, layer: string, id: number) {
    return `${this.container(text, layer)}${id}`;
  }
  person(handle: string) {
    return `${this.base}/u/${encodeURIComponent(handle)}`;
  }
  /** The reader's page of a text showing only these layers. */
  textWithLayers(slug: string, layers: string[]) {
    return `${this.text(slug)}?layers=${layers.map(encodeURIComponent).join(',')}`;
  }
  /** A gloss on its text's page (the reader's permalink, `#g-<id>`). */
  glossOnPage(textSlug: string, glossId: number) {
    return `${this.text(textSlug)}#g-${glossId}`;
  }
  /** The reader's page of a group. */
  group(slug: string) {
    return `${this.base}/g/${encodeURIComponent(slug)}`;
  }
  /** The Atom feed of a layer's newest glosses and replies. */
  layerFeed(textSlug: string, layerSlug: string) {
    return `${this.base}/feeds/texts/${encodeURIComponent(textSlug)}/layers/${encodeURIComponent(layerSlug)}.atom`;
  }
  /** The Atom feed of the newest glosses and replies in a group's public layers. */
  groupFeed(slug: string) {
    return `${this.base}/feeds/groups/${encodeURIComponent(slug)}.atom`;
  }
  /** Where the meaning of a segment FragmentSelector value is described. */
  segmentSpec() {
    return `${this.base}/api/openapi.json#segment-ref`;
  }
  /** The namespace of Daf's own JSON-LD terms (`daf:stance` is this followed by `stance`), described in the same document. */
  dafTerms() {
    return `${this.base}/api/openapi.json#daf-`;
  }
}

/**
 * Daf's own terms in W3C documents, as a JSON-LD context that follows the W3C one
 * (`"@context": [annoContext, dafContext(urls)]`): a stance's value (`stance`: agree, disagree or
 * abstain), the stances counted on a gloss (`stances`) and the decision in force on it (`decision`). None of them is a term of the W3C
 * context, so a W3C client reads the rest as it would without them.
 */
export function dafContext(urls: DafUrls): Record<string, unknown> {
  return {
    daf: urls.dafTerms(),
    xsd: 'http://www.w3.org/2001/XMLSchema#',
    stance: 'daf:stance',
    reason: 'daf:reason',
    decision: 'daf:decision',
    stances: 'daf:stances',
    agree: { '@id': 'daf:agree', '@type': 'xsd:integer' },
    disagree: { '@id': 'daf:disagree', '@type': 'xsd:integer' },
    abstain: { '@id': 'daf:abstain', '@type': 'xsd:integer' },
    statement: 'daf:statement',
    adopted: { '@id': 'daf:adopted', '@type': '@id' },
    decidedBy: 'daf:decidedBy',
    decidedAt: { '@id': 'daf:decidedAt', '@type': 'xsd:dateTime' },
    reviewOn: { '@id': 'daf:reviewOn', '@type': 'xsd:date' },
    dissent: { '@id': 'daf:dissent', '@container': '@list' },
  };
}

/** A person as a W3C Agent. */
function agent(p: Named, urls: DafUrls) {
  return { id: urls.person(p.handle), type: 'Person', nickname: p.handle, name: p.name };
}

/** A decision under the Daf context: the adopted reading as its annotation's IRI, people as Agents. */
function decisionJson(d: DecisionForExport, glossIri: string, textSlug: string, urls: DafUrls): Record<string, unknown> {
  const out: Record<string, unknown> = { statement: d.statement };
  if (d.adopted?.kind === 'gloss') out.adopted = urls.annotation(textSlug, d.adopted.layerSlug, d.adopted.id);
  if (d.adopted?.kind === 'reply') out.adopted = `${glossIri}#reply-${d.adopted.id}`;
  out.decidedBy = agent(d.decidedBy, urls);
  out.decidedAt = d.decidedAt;
  if (d.reviewOn) out.reviewOn = d.reviewOn;
  out.dissent = d.dissent.map((x) => ({ creator: agent(x.author, urls), reason: x.reason }));
  return out;
}

/** Serializes a gloss body to Markdown. */
export function bodyToMarkdown(doc: unknown): string {
  return defaultMarkdownSerializer.serialize(glossSchema.nodeFromJSON(doc) as PMNode);
}

/**
 * A gloss as a W3C Annotation. `targetText` is the projection the selectors count in (the
 * text version, or the target gloss's body), needed to convert offsets to code points.
 */
export function glossToAnnotation(g: GlossForExport, urls: DafUrls, targetIndex: CodePointIndex): Record<string, unknown> {
  const s = g.selectors;
  const quote = { type: 'TextQuoteSelector', exact: s.exact, prefix: s.prefix, suffix: s.suffix };
  const selector: Record<string, unknown>[] = [
    quote,
    { type: 'TextPositionSelector', start: targetIndex.toCodePoints(s.start), end: targetIndex.toCodePoints(s.end) },
  ];
  if (s.segment) {
    selector.push({ type: 'FragmentSelector', conformsTo: urls.segmentSpec(), value: s.segment, refinedBy: quote });
  }
  const source = g.targetGloss ? urls.annotation(g.textSlug, g.targetGloss.layerSlug, g.targetGloss.id) : urls.text(g.textSlug);
  const id = urls.annotation(g.textSlug, g.layerSlug, g.id);
  const annotation: Record<string, unknown> = {
    '@context': g.decision || g.stances ? [annoContext, dafContext(urls)] : annoContext,
    id,
    type: 'Annotation',
    motivation: g.motivation,
    created: g.created,
    modified: g.updated,
    target: { source, selector },
  };
  if (g.author) annotation.creator = agent(g.author, urls);
  const markdown = bodyToMarkdown(g.bodyDoc);
  if (markdown.trim()) annotation.body = { type: 'TextualBody', value: markdown, format: 'text/markdown' };
  if (g.stances) annotation.stances = g.stances;
  if (g.decision) annotation.decision = decisionJson(g.decision, id, g.textSlug, urls);
  return annotation;
}

/**
 * A stance as a W3C Annotation `assessing` the gloss it is on (its target, the gloss's IRI), by
 * its author, with the reason given as its body and the stance itself under the Daf context. Its
 * id is a fragment of the gloss's IRI (one stance per person and gloss): it is read with the
 * container's pages, not on its own.
 */
export function stanceToAnnotation(s: StanceForExport, urls: DafUrls): Record<string, unknown> {
  const glossIri = urls.annotation(s.gloss.textSlug, s.gloss.layerSlug, s.gloss.id);
  const annotation: Record<string, unknown> = {
    '@context': [annoContext, dafContext(urls)],
    id: `${glossIri}#stance-${encodeURIComponent(s.author.handle)}`,
    type: 'Annotation',
    motivation: 'assessing',
    created: s.created,
    modified: s.updated,
    creator: agent(s.author, urls),
    stance: s.stance,
    target: glossIri,
  };
  if (s.reason) annotation.body = { type: 'TextualBody', value: s.reason, format: 'text/plain', purpose: 'assessing' };
  return annotation;
}

/** What the exporter needs to know of a reply in a gloss's thread. */
export interface ReplyForExport {
  id: number;
  /** The gloss whose thread it is in. */
  gloss: { id: number; textSlug: string; layerSlug: string };
  /** The reply it answers, or null when it answers the gloss. */
  parent: number | null;
  created: string;
  updated: string;
  author: Named;
  bodyDoc: unknown;
}

/**
 * A reply as a W3C Annotation with the motivation `replying`, targeting the gloss (or the reply)
 * it answers. A reply has no container of its own: its id is a fragment of its gloss's.
 */
export function replyToAnnotation(r: ReplyForExport, urls: DafUrls): Record<string, unknown> {
  const glossUrl = urls.annotation(r.gloss.textSlug, r.gloss.layerSlug, r.gloss.id);
  const annotation: Record<string, unknown> = {
    '@context': annoContext,
    id: `${glossUrl}#reply-${r.id}`,
    type: 'Annotation',
    motivation: 'replying',
    created: r.created,
    modified: r.updated,
    target: r.parent === null ? glossUrl : `${glossUrl}#reply-${r.parent}`,
    creator: agent(r.author, urls),
  };
  const markdown = bodyToMarkdown(r.bodyDoc);
  if (markdown.trim()) annotation.body = { type: 'TextualBody', value: markdown, format: 'text/markdown' };
  return annotation;
}

const selectorShape = z.looseObject({ type: z.string().max(64) });
// A body is held to the API's limit for a gloss (`maxBodyLength`), whichever door it comes in by.
const textualBodyShape = z.looseObject({
  type: z.literal('TextualBody').optional(),
  value: z.string().max(maxBodyLength),
  format: z.string().max(100).optional(),
  purpose: z.string().max(64).optional(),
});

/** The parts of an incoming annotation that Daf reads; the rest is ignored. */
export const incomingAnnotationShape = z.looseObject({
  id: z.string().max(2048).optional(),
  type: z.union([z.literal('Annotation'), z.array(z.string()).refine((t) => t.includes('Annotation'))]).optional(),
  motivation: z.union([z.string().max(64), z.array(z.string().max(64)).min(1)]).optional(),
  body: z.union([textualBodyShape, z.array(textualBodyShape).max(16)]).optional(),
  bodyValue: z.string().max(maxBodyLength).optional(),
  target: z.union([
    z.string().max(2048),
    z.looseObject({
      source: z.string().max(2048),
      selector: z.union([selectorShape, z.array(selectorShape).max(16)]).optional(),
    }),
  ]),
});
export type IncomingAnnotation = z.infer<typeof incomingAnnotationShape>;

/** What an incoming annotation asks for, in Daf's terms (offsets still in code points). */
export interface AnnotationRequest {
  source: string;
  exact: string | null;
  prefix: string;
  suffix: string;
  /** Code-point offsets from a TextPositionSelector, if any. */
  cpStart: number | null;
  cpEnd: number | null;
  segment: string | null;
  motivation: string;
  body: { markdown: string };
}

/**
 * Escapes text so that Markdown reads it literally: a backslash before every ASCII punctuation
 * character (CommonMark allows one before any of them). Escaping only the emphasis and link
 * characters is not enough: `1. `, `2) `, `+ ` start lists, `===` under a line makes a heading,
 * and `&amp;` is decoded as an entity.
 */
export function escapeMarkdown(text: string, options: { keepEntities?: boolean } = {}): string {
  const escape = (s: string) => s.replace(/[!-/:-@[-`{-~]/g, '\\$&');
  if (!options.keepEntities) return escape(text);
  let out = '';
  let last = 0;
  for (const m of text.matchAll(/&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g)) {
    out += escape(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + escape(text.slice(last));
}

/**
 * Reads an annotation's target and body. Returns a RangeError-free description; the caller
 * resolves `source` (this text, or a gloss on it) and anchors by the selectors.
 */
export function readAnnotation(a: IncomingAnnotation): AnnotationRequest {
  const target = typeof a.target === 'string' ? { source: a.target } : a.target;
  const selectors = 'selector' in target && target.selector ? (Array.isArray(target.selector) ? target.selector : [target.selector]) : [];
  const out: AnnotationRequest = {
    source: target.source,
    exact: null,
    prefix: '',
    suffix: '',
    cpStart: null,
    cpEnd: null,
    segment: null,
    motivation: Array.isArray(a.motivation) ? a.motivation[0] : (a.motivation ?? 'commenting'),
    body: { markdown: '' },
  };
  // A refinedBy chain is followed this far and no further: real ones are a level or two deep,
  // and following an endless one (an import may be megabytes of it) would overflow the stack.
  const maxRefinement = 16;
  const visit = (sel: Record<string, unknown>, depth = 0) => {
    if (sel.type === 'TextQuoteSelector' && typeof sel.exact === 'string' && out.exact === null) {
      out.exact = sel.exact;
      out.prefix = typeof sel.prefix === 'string' ? sel.prefix : '';
      out.suffix = typeof sel.suffix === 'string' ? sel.suffix : '';
    } else if (sel.type === 'TextPositionSelector' && Number.isInteger(sel.start) && Number.isInteger(sel.end)) {
      out.cpStart = sel.start as number;
      out.cpEnd = sel.end as number;
    } else if (sel.type === 'FragmentSelector' && typeof sel.value === 'string' && String(sel.conformsTo ?? '').endsWith('#segment-ref')) {
      out.segment = sel.value;
    }
    if (depth < maxRefinement && sel.refinedBy && typeof sel.refinedBy === 'object') visit(sel.refinedBy as Record<string, unknown>, depth + 1);
  };
  selectors.forEach((s) => visit(s as Record<string, unknown>));
  const bodies = a.body === undefined ? [] : Array.isArray(a.body) ? a.body : [a.body];
  const textual = bodies.find((b) => b.purpose !== 'tagging') ?? bodies[0];
  if (textual) {
    const plain = textual.format === 'text/plain';
    const html = textual.format === 'text/html';
    const value = html ? textual.value.replace(/<[^>]*>/g, '') : textual.value;
    // Plain text is escaped so Markdown syntax in it stays literal; HTML keeps its entities
    // (`&amp;`), which the Markdown reader decodes as an HTML reader would.
    out.body.markdown = plain || html ? escapeMarkdown(value, { keepEntities: html }) : value;
  } else if (a.bodyValue !== undefined) {
    out.body.markdown = escapeMarkdown(a.bodyValue);
  }
  return out;
}

/**
 * The UTF-16 span in `targetText` of an annotation's TextPositionSelector (counted in code points),
 * or null when it has none or it does not fit the text.
 */
export function codeUnitSpan(req: AnnotationRequest, targetText: string): { start: number; end: number } | null {
  if (req.cpStart === null || req.cpEnd === null) return null;
  const index = new CodePointIndex(targetText);
  if (req.cpStart < 0 || req.cpEnd < req.cpStart || req.cpEnd > index.length) return null;
  return { start: index.toCodeUnits(req.cpStart), end: index.toCodeUnits(req.cpEnd) };
}
