/**
 * Synthetic English-like texts, quotes on them, and revisions with a known ground truth, for the
 * re-anchoring benchmark (and, smaller, as the central texts of the API benchmark).
 *
 * The text is made of sentences of words drawn from a small vocabulary (frequent function words
 * and a few hundred content words), with some sentences being verbatim refrains ("And there was
 * evening and there was morning."). So short phrases recur all over the text: look-alikes are the
 * norm, as in a real scripture or legal text, and a matcher that takes the first or the best
 * approximate occurrence will often take the wrong one.
 *
 * A revision is a list of edits on the old text (insert, delete or replace a few words; reword a
 * word inside a quote; delete a quote outright) plus a few paragraphs moved elsewhere. Because the
 * new text is assembled from pieces that remember where they came from, the true place of every
 * quote in the new text is known exactly, without trusting any diff.
 */
import type { Random } from './random.ts';

/** A half-open range of UTF-16 offsets. */
export interface Span {
  start: number;
  end: number;
}

const functionWords = (
  'the the the the and and and of of of to to in in a a that is was he it with as his on be at by this had not ' +
  'are but from or have an they which one you were her all she there would their we him been has when who will ' +
  'no if out so said what up its into than them then upon unto shall before after over under every'
).split(' ');

const contentWords = (
  'light darkness waters heaven earth evening morning day night firmament land seas grass herb seed fruit tree ' +
  'stars sun moon creature fowl whales image likeness dominion fish cattle beast river garden city king queen ' +
  'house law word voice spirit people teacher student book page letter name bread wine field mountain stone gate ' +
  'road sword peace judgment wisdom understanding commandment generations covenant blessing curse servant master ' +
  'brother sister father mother son daughter elder child stranger neighbour priest prophet temple altar offering ' +
  'sabbath festival harvest vineyard olive fig wheat barley flock shepherd sheep goat ox donkey camel silver gold ' +
  'bronze iron cedar wall tower wilderness desert sea shore island valley hill cave well spring rain snow wind ' +
  'fire cloud smoke thunder storm dust ashes bone flesh blood heart soul mind hand foot eye ear mouth tongue face ' +
  'head crown throne kingdom nation tribe family household camp tent door window table lamp oil cup bowl basket ' +
  'garment cloak sandal ring seal scroll tablet witness truth mercy justice righteousness kindness anger fear ' +
  'hope joy sorrow grief song prayer praise question answer reason custom teaching lesson saying parable story ' +
  'rule measure weight number hour season year month week age end beginning'
).split(' ');

const verbs = (
  'said saw made called divided gathered brought created blessed rested walked spoke answered asked went came ' +
  'took gave kept taught wrote read heard knew loved built planted ate drank slept rose fell stood sat turned ' +
  'returned remembered forgot judged ruled served followed sought found lost opened closed carried'
).split(' ');

/** Sentences that recur verbatim, as refrains do in scripture and formulas in legal texts. */
const refrains = [
  'And there was evening and there was morning.',
  'And God saw that it was good.',
  'These are the generations of the heavens and of the earth.',
  'Blessed is the one who walks in the way of the law.',
  'And the word of the king came to the people, saying:',
  'So it was, and so it shall be, from generation to generation.',
  'Hear, O people, the teaching of your fathers.',
  'And the elders of the city sat at the gate.',
];

/** Every word a revision may insert or substitute. */
export const vocabulary: readonly string[] = [...new Set([...functionWords, ...contentWords, ...verbs])];

function capitalize(word: string): string {
  return word[0].toUpperCase() + word.slice(1);
}

/** One word, weighted towards function words as in real prose. */
export function randomWord(rnd: Random): string {
  const r = rnd.next();
  if (r < 0.45) return rnd.pick(functionWords);
  if (r < 0.6) return rnd.pick(verbs);
  return rnd.pick(contentWords);
}

function sentence(rnd: Random): string {
  if (rnd.chance(0.08)) return rnd.pick(refrains);
  const n = rnd.between(5, 18);
  const words: string[] = [];
  for (let i = 0; i < n; i++) {
    let w = randomWord(rnd);
    if (i > 2 && i < n - 2 && rnd.chance(0.06)) w += rnd.pick([',', ',', ';', ':']);
    words.push(w);
  }
  words[0] = capitalize(words[0]);
  return words.join(' ') + rnd.pick(['.', '.', '.', '?', '!', ';']);
}

/** A generated text: paragraphs joined by "\n" (the projection of a flat document) and their ranges. */
export interface SyntheticText {
  text: string;
  paragraphs: Span[];
}

/** A text of about `length` UTF-16 units, in paragraphs of 1–5 sentences. */
export function generateText(rnd: Random, length: number): SyntheticText {
  const parts: string[] = [];
  const paragraphs: Span[] = [];
  let at = 0;
  while (at < length) {
    const count = rnd.between(1, 5);
    const sentences: string[] = [];
    for (let i = 0; i < count; i++) sentences.push(sentence(rnd));
    const p = sentences.join(' ');
    if (parts.length > 0) at += 1; // the "\n" before this paragraph
    paragraphs.push({ start: at, end: at + p.length });
    parts.push(p);
    at += p.length;
  }
  return { text: parts.join('\n'), paragraphs };
}

const letter = /[A-Za-z]/;

function isLetter(text: string, i: number): boolean {
  return i >= 0 && i < text.length && letter.test(text[i]);
}

/** The words (maximal runs of letters) inside `start..end` of `text`. */
export function wordsIn(text: string, start: number, end: number): Span[] {
  const out: Span[] = [];
  let i = start;
  while (i < end) {
    if (!isLetter(text, i)) {
      i++;
      continue;
    }
    let j = i;
    while (j < end && isLetter(text, j)) j++;
    if (!isLetter(text, j) && !isLetter(text, i - 1)) out.push({ start: i, end: j });
    i = j;
  }
  return out;
}

/**
 * `count` quotes of `minLength`–`maxLength` units, as a reader selects them: starting at a word's
 * start, ending at a word's end (punctuation after the last word may be included), inside one
 * paragraph, at least two words long, and at least `gap` units apart from each other (so that the
 * edits of one quote never touch another). Sorted by position.
 */
export function placeQuotes(
  rnd: Random,
  source: SyntheticText,
  count: number,
  options: { minLength: number; maxLength: number; gap: number },
): Span[] {
  const { text, paragraphs } = source;
  const taken = new Uint8Array(text.length + 1);
  const quotes: Span[] = [];
  let attempts = 0;
  while (quotes.length < count) {
    if (++attempts > count * 1000) throw new Error(`could only place ${quotes.length} of ${count} quotes`);
    const p = rnd.pick(paragraphs);
    if (p.end - p.start < options.maxLength + 2) continue;
    let start = p.start + rnd.int(p.end - p.start - options.minLength);
    while (start > p.start && isLetter(text, start - 1)) start--;
    while (start < p.end && !isLetter(text, start)) start++;
    let end = Math.min(p.end, start + rnd.between(options.minLength, options.maxLength));
    while (end < p.end && isLetter(text, end - 1) && isLetter(text, end)) end++; // finish the word
    while (end - start > options.maxLength) {
      end--;
      while (end > start && isLetter(text, end - 1) && isLetter(text, end)) end--; // back to the previous word's end
    }
    while (end > start && text[end - 1] === ' ') end--;
    if (end - start < options.minLength || wordsIn(text, start, end).length < 2) continue;
    const lo = Math.max(0, start - options.gap);
    const hi = Math.min(text.length, end + options.gap);
    let free = true;
    for (let i = lo; i <= hi && free; i++) if (taken[i]) free = false;
    if (!free) continue;
    taken.fill(1, start, end + 1);
    quotes.push({ start, end });
  }
  return quotes.sort((a, b) => a.start - b.start);
}

/** How a quote fares in a revision. */
export type QuoteFate =
  | 'deleted' //       the quote's text was deleted outright
  | 'reworded' //      one word inside the quote was replaced
  | 'moved' //         its paragraph was moved elsewhere, unchanged
  | 'context-edited' // an edit fell within 32 units of it (in its prefix or suffix)
  | 'untouched';

/** Where a quote really is in the new text (`null` when it was deleted outright), and what happened to it. */
export interface QuoteTruth {
  fate: QuoteFate;
  span: Span | null;
  /** The quote as it reads in the new text (after a rewording), or `null` when deleted. */
  text: string | null;
}

/** One edit of the old text: `start..end` (old offsets; equal for an insertion) becomes `text`. */
export interface Edit {
  start: number;
  end: number;
  text: string;
  kind: 'insert' | 'delete' | 'replace' | 'quote-reword' | 'quote-delete';
  /** For quote edits: the quote's index. */
  quote?: number;
}

/** A paragraph (with its "\n") moved from `start..end` to just before the old offset `to`. */
export interface Move {
  start: number;
  end: number;
  to: number;
}

/** A revision of a text: the new text, the edits and moves that made it, and every quote's truth. */
export interface Revision {
  text: string;
  edits: Edit[];
  moves: Move[];
  truth: QuoteTruth[];
  /** Units deleted plus units inserted by the edits (moves not counted). */
  changedUnits: number;
}

/**
 * Revises `source`: `deleteQuotes` quotes deleted outright, `rewordQuotes` others with one word
 * replaced, `moves` paragraphs holding quotes moved far away (whole, quotes unchanged), and word insertions,
 * deletions and replacements elsewhere until about `editFraction` of the text has changed. Edits
 * never touch a quote they do not belong to (they may touch its prefix or suffix, as real edits
 * do), so every surviving quote has one true place, computed from where each piece of the new
 * text came from and checked against the text.
 */
export function reviseText(
  rnd: Random,
  source: SyntheticText,
  quotes: readonly Span[],
  options: { deleteQuotes: number; rewordQuotes: number; moves: number; editFraction: number; contextLength: number },
): Revision {
  const { text, paragraphs } = source;
  const quoteAt = new Int32Array(text.length + 1).fill(-1); // closed quote ranges: no foreign edit may touch them
  quotes.forEach((q, i) => quoteAt.fill(i, q.start, q.end + 1));
  const busy = new Uint8Array(text.length + 2); // closed ranges already edited or moved
  const isBusy = (a: number, b: number): boolean => {
    for (let i = Math.max(0, a - 1); i <= Math.min(text.length, b + 1); i++) if (busy[i]) return true;
    return false;
  };
  const touchesQuote = (a: number, b: number, except = -1): boolean => {
    for (let i = a; i <= b; i++) if (quoteAt[i] >= 0 && quoteAt[i] !== except) return true;
    return false;
  };
  const edits: Edit[] = [];
  const addEdit = (e: Edit): void => {
    edits.push(e);
    busy.fill(1, e.start, e.end + 1);
  };

  // Quotes deleted outright, with one adjacent space so no double space is left behind.
  const order = quotes.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rnd.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const deleted = new Set(order.slice(0, options.deleteQuotes));
  const reworded = new Set(order.slice(options.deleteQuotes, options.deleteQuotes + options.rewordQuotes));
  for (const i of deleted) {
    const q = quotes[i];
    const span = text[q.end] === ' ' ? { start: q.start, end: q.end + 1 } : text[q.start - 1] === ' ' ? { start: q.start - 1, end: q.end } : q;
    addEdit({ ...span, text: '', kind: 'quote-delete', quote: i });
  }
  // One word replaced inside each reworded quote (possibly its first or last word).
  for (const i of reworded) {
    const q = quotes[i];
    const w = rnd.pick(wordsIn(text, q.start, q.end));
    const old = text.slice(w.start, w.end);
    let replacement = old;
    while (replacement.toLowerCase() === old.toLowerCase()) replacement = randomWord(rnd);
    if (/^[A-Z]/.test(old)) replacement = capitalize(replacement);
    addEdit({ ...w, text: replacement, kind: 'quote-reword', quote: i });
  }

  // Whole paragraphs with quotes in them moved far away, untouched by any other edit.
  const withQuotes = paragraphs
    .slice(0, -1) // not the last paragraph: it has no "\n" after it
    .filter((p) => quotes.some((q) => q.start >= p.start && q.end <= p.end));
  const moves: Move[] = [];
  while (moves.length < options.moves) {
    const chosen = rnd.pick(withQuotes);
    const p = { start: chosen.start, end: chosen.end + 1 };
    const destination = paragraphs[rnd.int(paragraphs.length)].start;
    if (Math.abs(destination - p.start) < text.length / 10 || isBusy(p.start, p.end) || isBusy(destination, destination)) continue;
    moves.push({ ...p, to: destination });
    busy.fill(1, p.start, p.end + 1);
    busy[destination] = 1;
  }
  const movedQuote = new Set<number>();
  for (const m of moves) quotes.forEach((q, i) => q.start >= m.start && q.end <= m.end && movedQuote.add(i));

  // Word edits elsewhere until about `editFraction` of the text changed.
  let changedUnits = edits.reduce((n, e) => n + (e.end - e.start) + e.text.length, 0);
  const target = text.length * options.editFraction;
  while (changedUnits < target) {
    const p = rnd.pick(paragraphs);
    const words = wordsIn(text, p.start, p.end);
    if (words.length < 3) continue;
    const k = rnd.int(words.length);
    const w = words[k];
    const r = rnd.next();
    let e: Edit;
    if (r < 0.4) {
      const inserted = Array.from({ length: rnd.between(1, 3) }, () => randomWord(rnd)).join(' ');
      e = { start: w.start, end: w.start, text: inserted + ' ', kind: 'insert' };
    } else if (r < 0.7) {
      const last = rnd.chance(0.3) && k + 1 < words.length ? words[k + 1] : w;
      if (text[last.end] !== ' ' || /[^A-Za-z ]/.test(text.slice(w.start, last.end))) continue;
      e = { start: w.start, end: last.end + 1, text: '', kind: 'delete' };
    } else {
      const old = text.slice(w.start, w.end);
      let replacement = randomWord(rnd);
      if (replacement === old.toLowerCase()) continue;
      if (/^[A-Z]/.test(old)) replacement = capitalize(replacement);
      e = { start: w.start, end: w.end, text: replacement, kind: 'replace' };
    }
    if (isBusy(e.start, e.end) || touchesQuote(e.start, e.end)) continue;
    addEdit(e);
    changedUnits += e.end - e.start + e.text.length;
  }

  // Assemble the new text from pieces that remember their origin.
  interface Piece {
    text: string;
    oldStart: number | null;
    newStart: number;
  }
  type Step = { at: number; order: number; run: () => void };
  const pieces: Piece[] = [];
  let newLength = 0;
  let cursor = 0;
  const emit = (piece: string, oldStart: number | null): number => {
    const newStart = newLength;
    if (piece.length > 0) pieces.push({ text: piece, oldStart, newStart });
    newLength += piece.length;
    return newStart;
  };
  const copyTo = (at: number): void => {
    if (at > cursor) emit(text.slice(cursor, at), cursor);
    cursor = Math.max(cursor, at);
  };
  const placedEdit = new Map<Edit, Span>();
  const steps: Step[] = [
    ...moves.map((m) => ({ at: m.to, order: 0, run: () => (copyTo(m.to), emit(text.slice(m.start, m.end), m.start)) })),
    ...moves.map((m) => ({ at: m.start, order: 1, run: () => (copyTo(m.start), (cursor = m.end)) })),
    ...edits.map((e) => ({
      at: e.start,
      order: 1,
      run: () => {
        copyTo(e.start);
        const s = emit(e.text, null);
        placedEdit.set(e, { start: s, end: s + e.text.length });
        cursor = e.end;
      },
    })),
  ].sort((a, b) => a.at - b.at || a.order - b.order);
  for (const step of steps) step.run();
  copyTo(text.length);
  const newText = pieces.map((p) => p.text).join('');

  // Where each old character went.
  const copies = pieces.filter((p) => p.oldStart !== null).sort((a, b) => a.oldStart! - b.oldStart!);
  const newPosition = (old: number): number => {
    let lo = 0;
    let hi = copies.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = copies[mid];
      if (old < c.oldStart!) hi = mid - 1;
      else if (old >= c.oldStart! + c.text.length) lo = mid + 1;
      else return c.newStart + (old - c.oldStart!);
    }
    return -1;
  };

  const rewordOf = new Map<number, Edit>();
  for (const e of edits) if (e.kind === 'quote-reword') rewordOf.set(e.quote!, e);
  /** Whether an edit other than the quote's own falls within its prefix or suffix. */
  const editNear = (q: Span, i: number): boolean =>
    edits.some((e) => e.quote !== i && e.end >= q.start - options.contextLength && e.start <= q.end + options.contextLength);
  const truth: QuoteTruth[] = quotes.map((q, i) => {
    if (deleted.has(i)) return { fate: 'deleted', span: null, text: null };
    const r = rewordOf.get(i);
    let expected = text.slice(q.start, q.end);
    let start = newPosition(q.start);
    let end = newPosition(q.end - 1) + 1;
    if (r) {
      const placed = placedEdit.get(r)!;
      expected = text.slice(q.start, r.start) + r.text + text.slice(r.end, q.end);
      if (r.start === q.start) start = placed.start;
      if (r.end === q.end) end = placed.end;
    }
    if (start < 0 || end <= 0 || newText.slice(start, end) !== expected) {
      throw new Error(`ground truth broken for quote ${i} ${JSON.stringify(expected)}: found ${JSON.stringify(newText.slice(start, end))}`);
    }
    const fate: QuoteFate = r ? 'reworded' : movedQuote.has(i) ? 'moved' : editNear(q, i) ? 'context-edited' : 'untouched';
    return { fate, span: { start, end }, text: expected };
  });
  return { text: newText, edits, moves, truth, changedUnits };
}
