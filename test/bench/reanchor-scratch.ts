// Scratch measurement of re-anchoring, run by hand (not part of any npm script):
//   npx tsx test/bench/reanchor-scratch.ts
// Re-anchors 1,000 glosses on a ~1 MB synthetic text after three kinds of revision and prints
// the time to build the diff mapper, to fold the new text, and to resolve all glosses.
import { createAnchorTarget, createTextMapper, describeRange, resolveAnchor } from '../../schema/anchoring/index.ts';
import type { Selectors } from '../../schema/anchoring/index.ts';

let seed = 42;
const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

const english =
  'the and of light darkness waters heaven earth said God was good evening morning day first second firmament divide gathered dry land seas grass herb seed fruit tree kind lights signs seasons years stars rule creature fowl fly whales living moving image likeness dominion fish cattle creeping every green meat finished host rested seventh blessed sanctified generations'.split(
    ' ',
  );
const letters = 'אבגדהוזחטיכלמנסעפצקרשת';
const hebrew = Array.from({ length: 3000 }, () =>
  Array.from({ length: 2 + Math.floor(rnd() * 5) }, () => pick([...letters])).join(''),
);
const marks = ['\u05B0', '\u05B4', '\u05B5', '\u05B6', '\u05B7', '\u05B8', '\u05B9', '\u05BC', '\u0591', '\u0596', '\u05A5'];

function sentence(words: readonly string[]): string {
  const ws = Array.from({ length: 6 + Math.floor(rnd() * 14) }, () => pick(words));
  return ws.join(' ') + pick(['.', ',', ';', ':', '.']);
}

function paragraphsOf(words: readonly string[], size: number): string[] {
  const out: string[] = [];
  let total = 0;
  while (total < size) {
    const p = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => sentence(words)).join(' ');
    out.push(p);
    total += p.length + 1;
  }
  return out;
}

/** Inserts, deletes or replaces one word in each of `share` of the paragraphs, `perParagraph` times. */
function editWords(paragraphs: string[], words: readonly string[], share: number, perParagraph: number): string[] {
  return paragraphs.map((p) => {
    if (rnd() >= share) return p;
    const ws = p.split(' ');
    for (let e = 0; e < perParagraph; e++) {
      const k = Math.floor(rnd() * ws.length);
      const r = rnd();
      if (r < 0.4) ws.splice(k, 0, pick(words));
      else if (r < 0.7) ws.splice(k, 1);
      else ws[k] = pick(words);
    }
    return ws.join(' ');
  });
}

function moveSome(paragraphs: string[], count: number): string[] {
  const out = paragraphs.slice();
  for (let m = 0; m < count; m++) {
    const [p] = out.splice(Math.floor(rnd() * out.length), 1);
    out.splice(Math.floor(rnd() * out.length), 0, p);
  }
  return out;
}

function glossesOn(text: string): Selectors[] {
  return Array.from({ length: 1000 }, () => {
    let start = Math.floor(rnd() * (text.length - 100));
    while (start > 0 && text[start - 1] !== ' ') start--;
    let end = start + 10 + Math.floor(rnd() * 50);
    while (end < text.length && /[\p{L}\p{M}]/u.test(text[end])) end++;
    return describeRange(text, start, end);
  });
}

/** Runs `f` `runs` times; returns its last result and the fastest and median times in ms. */
function time<T>(f: () => T, runs = 5): { result: T; min: number; median: number } {
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = f();
    times.push(performance.now() - t);
  }
  times.sort((x, y) => x - y);
  return { result, min: times[0], median: times[Math.floor(runs / 2)] };
}
const ms = (t: { min: number; median: number }): string => `${t.min.toFixed(0)} ms (median ${t.median.toFixed(0)})`;

function measure(name: string, oldText: string, newText: string): void {
  const glosses = glossesOn(oldText);
  const mapping = time(() => createTextMapper(oldText, newText));
  const mapper = mapping.result;
  const folding = time(() => createAnchorTarget(newText).folded);
  const resolving = time(() => {
    const target = createAnchorTarget(newText);
    return glosses.map((g) => resolveAnchor(g, target, { mapper }));
  });
  const counts: Record<string, number> = {};
  for (const a of resolving.result) counts[a.status] = (counts[a.status] ?? 0) + 1;
  console.log(`${name}: ${oldText.length} → ${newText.length} code units`);
  console.log(`  diff/mapper ${ms(mapping)}; fold ${ms(folding)}; fold + resolve 1,000 glosses ${ms(resolving)}`);
  console.log('  ', counts);
}

const base = paragraphsOf(english, 1_000_000);
measure(
  'A. 2% of words edited, in 40% of the paragraphs, 5 paragraphs moved',
  base.join('\n'),
  moveSome(editWords(base, english, 0.4, 2), 5).join('\n'),
);
measure('B. 2% of the paragraphs edited (3 words each)', base.join('\n'), editWords(base, english, 0.02, 3).join('\n'));
const unpointed = paragraphsOf(hebrew, 500_000).map((p) => p.replace(/[.,;:]/g, '׃'));
const point = (p: string): string =>
  [...p].map((c) => (/[א-ת]/.test(c) ? c + pick(marks) + (rnd() < 0.3 ? pick(marks) : '') : c)).join('');
measure('C. Hebrew: a new edition adds nikkud and cantillation everywhere', unpointed.join('\n'), unpointed.map(point).join('\n'));
