/** A gloss as a listing gives it, for the client's pure tests: only what a test names differs. */
import type { Gloss } from '../../client/api.ts';

let next = 1;

export interface GlossParts {
  id?: number;
  layer?: string;
  /** Its words in the text, [start, end); null for a gloss whose passage was lost. */
  at?: [number, number] | null;
  on?: Gloss;
  status?: Gloss['status'];
  anchorStatus?: NonNullable<Gloss['anchor']>['status'];
  motivation?: Gloss['motivation'];
  author?: string | null;
  attribution?: string | null;
  question?: Gloss['question'];
  decision?: Gloss['decision'];
}

export function makeGloss(parts: GlossParts = {}): Gloss {
  const id = parts.id ?? next++;
  const at = parts.at === undefined ? [0, 1] : parts.at;
  const author = parts.author === undefined ? 'ana' : parts.author;
  return {
    id,
    text: 'mishnah',
    layer: parts.layer ?? 'notes',
    target: { version: 1, gloss: parts.on?.id ?? null, exact: 'x', prefix: '', suffix: '', start: 0, end: 1, segment: null },
    anchor: { version: 1, start: at?.[0] ?? null, end: at?.[1] ?? null, status: parts.anchorStatus ?? (at ? 'exact' : 'orphan'), score: 1, exact: at ? 'x' : null },
    body: parts.status === 'deleted' ? null : { doc: { type: 'doc' }, text: 'x' },
    bodyRevision: 1,
    motivation: parts.motivation ?? 'commenting',
    status: parts.status ?? 'active',
    author: author === null || parts.status === 'deleted' ? null : { handle: author, name: author[0].toUpperCase() + author.slice(1) },
    attribution: parts.attribution ?? null,
    moderationNote: null,
    created: '',
    updated: '',
    edited: null,
    question: parts.question ?? (parts.motivation === 'questioning' ? { status: 'open', accepted: null } : null),
    stances: { agree: 0, disagree: 0, abstain: 0, mine: null, reasons: [] },
    decision: parts.decision ?? null,
    replies: [],
  };
}

/** A decision adopting gloss `adopted`, made at `at`. */
export function adopting(adopted: number, at = '2026-12-06T10:00:00Z'): Gloss['decision'] {
  return { statement: 'We read it so.', adopted: { kind: 'gloss', id: adopted }, decidedBy: { handle: 'mod', name: 'Mod' }, decidedAt: at, reviewOn: null, dissent: [], earlier: 0 };
}
