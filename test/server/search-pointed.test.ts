/**
 * Search snippets in the words as written: a pointed Hebrew text, gloss or reply found by its
 * unpointed letters shows its points and cantillation, with highlights on the pointed words; a
 * Latin text keeps its accents as typed; a text the fold leaves alone shows what FTS5 gives; and
 * where no exact map exists, the folded snippet is shown. Also the map itself, on its own.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkpointEvery,
  foldClusters,
  mapFoldedRanges,
  mayJoinPrevious,
  originalSnippet,
  splitSnippet,
} from '../../server/services/search-snippet.ts';
import type { SearchResult as Result } from '../../server/services/search.ts';
import { foldForSearch, matchClose as close, matchOpen as open } from '../../server/storage/search-index.ts';
import { createLayer, useTestApp, createText, writeGloss, type TestClient } from '../helpers/test-app.ts';

/** Genesis 1:1–5, with points and cantillation (as Sefaria has them). */
const genesis = [
  'בְּרֵאשִׁ֖ית בָּרָ֣א אֱלֹהִ֑ים אֵ֥ת הַשָּׁמַ֖יִם וְאֵ֥ת הָאָֽרֶץ׃',
  'וְהָאָ֗רֶץ הָיְתָ֥ה תֹ֙הוּ֙ וָבֹ֔הוּ וְחֹ֖שֶׁךְ עַל־פְּנֵ֣י תְה֑וֹם וְר֣וּחַ אֱלֹהִ֔ים מְרַחֶ֖פֶת עַל־פְּנֵ֥י הַמָּֽיִם׃',
  'וַיֹּ֥אמֶר אֱלֹהִ֖ים יְהִ֣י א֑וֹר וַֽיְהִי־אֽוֹר׃',
  'וַיַּ֧רְא אֱלֹהִ֛ים אֶת־הָא֖וֹר כִּי־ט֑וֹב וַיַּבְדֵּ֣ל אֱלֹהִ֔ים בֵּ֥ין הָא֖וֹר וּבֵ֥ין הַחֹֽשֶׁךְ׃',
  'וַיִּקְרָ֨א אֱלֹהִ֤ים ׀ לָאוֹר֙ י֔וֹם וְלַחֹ֖שֶׁךְ קָ֣רָא לָ֑יְלָה וַֽיְהִי־עֶ֥רֶב וַֽיְהִי־בֹ֖קֶר י֥וֹם אֶחָֽד׃',
];

const hebrewMarks = /[\u0591-\u05C7]/;
const unpoint = (s: string) => s.normalize('NFC').replace(/[\u0591-\u05BD\u05BF\u05C1\u05C2\u05C4\u05C5\u05C7]/g, '');
/** A combining mark at the start of `s`: a cut made just before it split a letter from its marks. */
const startsWithMark = (s: string) => /^\p{M}/u.test(s);

/** The highlighted strings of a result, checking each range lies in the snippet and keeps letters whole. */
function highlighted(r: { snippet: string; highlights: [number, number][] }): string[] {
  return r.highlights.map(([s, e]) => {
    expect(0 <= s && s < e && e <= r.snippet.length, `${s}..${e} in ${r.snippet.length}`).toBe(true);
    // (Marks with no letter, at the very start of a text, may start one.)
    if (s > 0) expect(startsWithMark(r.snippet.slice(s)), `highlight starts on a mark at ${s}`).toBe(false);
    expect(startsWithMark(r.snippet.slice(e)), `highlight leaves the marks after ${e} out`).toBe(false);
    return r.snippet.slice(s, e);
  });
}

/** The snippet without the `…` FTS5 put where it cut. */
const inner = (snippet: string) => snippet.replace(/^…/, '').replace(/…$/, '');

/** An FTS5-like marked snippet of `folded`: `words` (whole words, found in order) marked, cut to `from..to`. */
function mark(folded: string, words: string[], from = 0, to = folded.length): string {
  const letter = /[\p{L}\p{N}\p{M}]/u;
  let out = '';
  let at = from;
  for (const w of words) {
    let i = folded.indexOf(w, at);
    while (i >= 0 && (letter.test(folded.charAt(i - 1)) || letter.test(folded.charAt(i + w.length)))) i = folded.indexOf(w, i + 1);
    expect(i, w).toBeGreaterThanOrEqual(at);
    out += folded.slice(at, i) + open + w + close;
    at = i + w.length;
  }
  out += folded.slice(at, to);
  return (from > 0 ? '…' : '') + out + (to < folded.length ? '…' : '');
}

describe('the map from folded snippets to the words as written', () => {
  it('cuts a pointed verse with its points, highlights on the pointed words', () => {
    const text = genesis[0];
    const folded = foldForSearch(text);
    const r = originalSnippet(text, mark(folded, ['ברא', 'אלהים']))!;
    expect(r.snippet).toBe(text);
    expect(highlighted(r)).toEqual(['בָּרָ֣א', 'אֱלֹהִ֑ים']);
  });

  it('keeps the ellipses FTS5 put, and cuts the middle of a text at whole letters', () => {
    const text = genesis.join('\n');
    const folded = foldForSearch(text);
    const from = folded.indexOf('תהום');
    const to = folded.indexOf('המים') + 'המים'.length;
    const r = originalSnippet(text, mark(folded, ['מרחפת'], from, to))!;
    expect(r.snippet).toBe('…תְה֑וֹם וְר֣וּחַ אֱלֹהִ֔ים מְרַחֶ֖פֶת עַל־פְּנֵ֥י הַמָּֽיִם…');
    expect(highlighted(r)).toEqual(['מְרַחֶ֖פֶת']);
    // The end takes the last letter's marks (meteg and all), the start no mark of the word before.
    expect(text).toContain(inner(r.snippet));
  });

  it('takes marks at the very start of a text, and marks in any order, as written', () => {
    // Two points with no letter, then a letter with dagesh typed before its sheva (not NFC's order).
    const text = '\u05B0\u05B8ב\u05BC\u05B0ית וְשָׁלוֹם';
    const folded = foldForSearch(text);
    expect(folded).toBe('בית ושלום');
    const r = originalSnippet(text, mark(folded, ['בית', 'ושלום']))!;
    expect(r.snippet).toBe(text);
    expect(highlighted(r)).toEqual(['\u05B0\u05B8ב\u05BC\u05B0ית', 'וְשָׁלוֹם']);
  });

  it('counts highlights in UTF-16 after emoji, and keeps final letters with their points', () => {
    const text = '😀 מֶ֣לֶךְ 👨‍👩‍👧 עַל־פְּנֵ֥י 😀';
    const folded = foldForSearch(text);
    const r = originalSnippet(text, mark(folded, ['מלך', 'פני']))!;
    expect(r.snippet).toBe(text);
    // The sheva under the final kaf comes with it; the maqaf before פני stays outside.
    expect(highlighted(r)).toEqual(['מֶ֣לֶךְ', 'פְּנֵ֥י']);
  });

  it('maps presentation forms and decomposed accents as the fold sees them', () => {
    // U+FB2A (shin with shin dot) folds to ש; e + combining acute folds to é.
    const text = '\uFB2Aלוֹם, cafe\u0301 and café';
    const folded = foldForSearch(text);
    expect(folded).toBe('שלום, café and café');
    const r = originalSnippet(text, mark(folded, ['שלום', 'café', 'café']))!;
    expect(r.snippet).toBe(text);
    expect(highlighted(r)).toEqual(['\uFB2Aלוֹם', 'cafe\u0301', 'café']);
  });

  it('gives a text the fold leaves alone the snippet FTS5 gave', () => {
    const text = 'The quick brown fox; 😀 café…';
    const marked = mark(text, ['fox'], 4, 19);
    expect(originalSnippet(text, marked)).toEqual(splitSnippet(marked));
  });

  it('finds a snippet starting or ending with the text’s own ellipsis', () => {
    const text = '…בָּרָ֣א…';
    const r = originalSnippet(text, mark(foldForSearch(text), ['ברא']))!;
    expect(r.snippet).toBe(text);
    expect(highlighted(r)).toEqual(['בָּרָ֣א']);
  });

  it('has no map for letters NFC joins across clusters, nor for a snippet not in the text', () => {
    // Conjoining jamo: ᄀ + ᅡ + ᆨ fold to one syllable, 각.
    const jamo = '\u1100\u1161\u11A8 בָּרָ֣א';
    expect(foldForSearch(jamo)).toBe('\uAC01 ברא');
    expect(foldClusters(jamo)).toBeNull();
    expect(originalSnippet(jamo, mark(foldForSearch(jamo), ['ברא']))).toBeNull();
    // The text changed since it was indexed: the old snippet is not in it.
    expect(originalSnippet(genesis[0], `${open}ויאמר${close} אלהים`)).toBeNull();
    expect(originalSnippet(genesis[0], `…${open}ויאמר${close}…`)).toBeNull();
  });

  it('takes the whole cluster for an edge inside its fold, and maps no range outside the text', () => {
    // U+0958 (qa) folds to two code units, क and a nukta: an edge between them takes both.
    const text = 'a\u0958b';
    const fold = foldClusters(text)!;
    expect(fold.folded).toBe('a\u0915\u093Cb');
    expect(mapFoldedRanges(text, fold, [[1, 2]])).toEqual([[1, 2]]);
    expect(mapFoldedRanges(text, fold, [[2, 4]])).toEqual([[1, 3]]);
    expect(mapFoldedRanges(text, fold, [[0, 4], [3, 4]])).toEqual([[0, 3], [2, 3]]);
    expect(mapFoldedRanges(text, fold, [[0, 5]])).toBeNull();
    expect(mapFoldedRanges(text, fold, [[-1, 2]])).toBeNull();
  });

  it('folds exactly as foldForSearch, and maps any range to whole clusters that cover it', () => {
    // Random strings of tricky pieces (a fixed seed, so a failure repeats).
    const pieces = [
      'ב', 'ש', 'ך', 'ם', ' ', '\n', '־', '׃', '׀', 'a', 'Z', 'é', 'e', '\u0301', '\u0327', '😀', '👨‍👩‍👧', '中', '가', 'Ω', '\u2126',
      '\u212B', '\uFB2A', '\uFB2C', '\uFB1D', '\u0958', '\u05B0', '\u05BC', '\u05B8', '\u05C1', '\u05C2', '\u0591', '\u05A5', '\u05BD', '\u05C7', '…',
    ];
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 400; round++) {
      let text = '';
      const length = 1 + random(30);
      for (let k = 0; k < length; k++) text += pieces[random(pieces.length)];
      const fold = foldClusters(text)!;
      expect(fold, JSON.stringify(text)).not.toBeNull();
      expect(fold.folded, JSON.stringify(text)).toBe(foldForSearch(text));
      // Cluster boundaries: where a code point that is not a mark starts.
      const boundaries = new Set([0, text.length]);
      for (const m of text.matchAll(/\P{M}/gu)) boundaries.add(m.index);
      for (let t = 0; t < 5; t++) {
        const a = random(fold.folded.length + 1);
        const b = a + random(fold.folded.length - a + 1);
        const mapped = mapFoldedRanges(text, fold, [[a, b]]);
        expect(mapped, `${JSON.stringify(text)} ${a}..${b}`).not.toBeNull();
        const [[s, e]] = mapped!;
        const where = `${JSON.stringify(text)} ${a}..${b} → ${s}..${e}`;
        expect(boundaries.has(s) && boundaries.has(e), where).toBe(true);
        if (a === b) continue;
        // The cut covers the folded range and no more than the clusters at its edges.
        const before = foldForSearch(text.slice(0, s)).length;
        const covered = foldForSearch(text.slice(s, e));
        expect(before, where).toBeLessThanOrEqual(a);
        expect(before + covered.length, where).toBeGreaterThanOrEqual(b);
        expect(fold.folded.slice(before, before + covered.length), where).toBe(covered);
        // (Past marks with no letter at the start of the text, which fold to nothing.)
        const firstEnd = [...boundaries].filter((x) => x > s && foldForSearch(text.slice(s, x)) !== '').sort((x, y) => x - y)[0];
        const lastStart = [...boundaries].filter((x) => x < e).sort((x, y) => y - x)[0];
        expect(foldForSearch(text.slice(0, firstEnd)).length, where).toBeGreaterThan(a);
        expect(foldForSearch(text.slice(0, lastStart)).length, where).toBeLessThan(b);
      }
    }
  });

  it('folds only the start of a text for a snippet from its start, one cluster past what it needs', () => {
    const text = `${genesis[0]} ${genesis[1]}`;
    const start = foldClusters(text, 10)!;
    expect(start.folded.length).toBeGreaterThan(10);
    expect(start.folded.length).toBeLessThan(foldForSearch(text).length);
    expect(foldForSearch(text).startsWith(start.folded)).toBe(true);
    // The cluster after the one that reaches the limit is folded too: jamo there are seen.
    expect(foldClusters('אבג\u1100\u1161', 3)).toBeNull();
    expect(foldClusters('אבגד\u1100\u1161', 2)?.folded).toBe('אבגד');
    const marked = mark(foldForSearch(text), ['בראשית'], 0, foldForSearch(text).indexOf(' השמים'));
    const r = originalSnippet(text, marked)!;
    expect(r.snippet).toBe('בְּרֵאשִׁ֖ית בָּרָ֣א אֱלֹהִ֑ים אֵ֥ת…');
    expect(highlighted(r)).toEqual(['בְּרֵאשִׁ֖ית']);
  });

  it('walks from a checkpoint in a long text, and maps what lies past several of them', () => {
    let text = '';
    while (text.length < 20 * checkpointEvery) text += `${genesis.join('\n')}\n`;
    text += 'וַיִּקְרָ֨א זַרְזִ֖יף';
    const fold = foldClusters(text)!;
    expect(fold.checkpoints.length / 2).toBeGreaterThan(10);
    // Each checkpoint names a place where both texts agree.
    for (let k = 0; k < fold.checkpoints.length; k += 2) {
      expect(foldForSearch(text.slice(0, fold.checkpoints[k + 1])).length).toBe(fold.checkpoints[k]);
    }
    const r = originalSnippet(text, mark(fold.folded, ['זרזיף'], fold.folded.indexOf('ויקרא זרזיף')))!;
    expect(r.snippet).toBe('…וַיִּקְרָ֨א זַרְזִ֖יף');
    expect(highlighted(r)).toEqual(['זַרְזִ֖יף']);
  });

  it('knows every character NFC may join to the one before it (with the Unicode data this Node has)', () => {
    // A character that is not a mark, and is a later part of a canonical decomposition or not a
    // starter, could change the fold of the cluster before it: each must be guarded.
    const isMark = (ch: string) => /^\p{M}$/u.test(ch);
    const unguarded: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      const parts = [...ch.normalize('NFD')];
      for (const p of parts.slice(1)) {
        const q = p.codePointAt(0)!;
        if (!isMark(p) && !mayJoinPrevious(q)) unguarded.push(q.toString(16));
      }
      if (!isMark(ch) && !mayJoinPrevious(cp) && `\u0345${ch}`.normalize('NFD') !== `\u0345${ch.normalize('NFD')}`) {
        unguarded.push(`non-starter ${cp.toString(16)}`);
      }
    }
    expect(unguarded).toEqual([]);
    // And the guard does catch the jamo.
    expect(mayJoinPrevious(0x1161)).toBe(true);
    expect(mayJoinPrevious(0x05d1)).toBe(false);
    expect(mayJoinPrevious(0x1f600)).toBe(false);
  });
});

describe('search results in the words as written', () => {
  const t = useTestApp();
  let ada: TestClient;
  let bob: TestClient;
  let heText: string;
  let layer: string;
  let gloss: any;
  let reply: any;
  const search = async (q: string, client: TestClient = t.visitor()) => {
    const res = await client.get(`/api/search?q=${encodeURIComponent(q)}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.results as Result[];
  };
  /** What the index was given for a text: its title, then its current projection. */
  const indexedText = async (slug: string) => {
    const row = await t.ctx.db
      .selectFrom('text as t')
      .innerJoin('text_version as v', (j) => j.onRef('v.text_id', '=', 't.id').onRef('v.number', '=', 't.current_version'))
      .select(['t.title', 'v.projection'])
      .where('t.slug', '=', slug)
      .executeTakeFirstOrThrow();
    return `${row.title}\n${row.projection}`;
  };

  beforeAll(async () => {
    ada = await t.signup('ada');
    bob = await t.signup('bob');
    heText = await createText(ada, { title: 'Bereshit', language: 'he', format: 'plain', content: genesis.join('\n\n') });
    layer = await createLayer(ada, heText, { name: 'Perush', writePolicy: 'signed_in' });
    gloss = await writeGloss(ada, heText, layer, { exact: 'מְרַחֶ֖פֶת' }, 'רוּחַ אֱלֹהִים — זוֹ רוּחוֹ שֶׁל מָשִׁיחַ');
    reply = (await bob.post(`/api/glosses/${gloss.id}/replies`, { body: { markdown: 'כְּמוֹ שֶׁנֶּאֱמַר וְנָחָה עָלָיו' } })).body;
  });

  it('shows a pointed text found by unpointed letters with its points, the highlight on the pointed word', async () => {
    const results = await search('ויבדל');
    expect(results.map((r) => [r.kind, r.text])).toEqual([['text', heText]]);
    const [r] = results;
    expect(r.snippet).toMatch(hebrewMarks);
    expect(highlighted(r)).toEqual(['וַיַּבְדֵּ֣ל']);
    // The snippet is a passage of the text as indexed, cut only where FTS5 cut.
    expect(await indexedText(heText)).toContain(inner(r.snippet));
    expect(r.snippet.startsWith('…') || r.snippet.startsWith('Bereshit')).toBe(true);
  });

  it('highlights every matched word, prefixes included, pointed and whole', async () => {
    // "ברא" is the last word, so a prefix: בראשית matches too.
    const [r] = await search('ברא');
    const words = highlighted(r);
    expect(words).toEqual(['בְּרֵאשִׁ֖ית', 'בָּרָ֣א']);
    for (const w of words) expect(unpoint(w).startsWith('ברא')).toBe(true);
    // Many words, over several verses: every highlight is a pointed word with all its marks
    // (an alef with a cantillation mark, another with a meteg).
    const [many] = (await search('אלהים אור')).filter((x) => x.kind === 'text');
    expect(highlighted(many)).toEqual(['אֱלֹהִ֔ים', 'אֱלֹהִ֖ים', 'א֑וֹר', 'אֽוֹר', 'אֱלֹהִ֛ים']);
  });

  it('shows a pointed gloss and a pointed reply with their points', async () => {
    const [g] = (await search('משיח')).filter((r) => r.kind === 'gloss');
    expect(g).toMatchObject({ kind: 'gloss', id: gloss.id, layer });
    expect(g.snippet).toBe('רוּחַ אֱלֹהִים — זוֹ רוּחוֹ שֶׁל מָשִׁיחַ');
    expect(highlighted(g)).toEqual(['מָשִׁיחַ']);
    const [r] = await search('ונחה עליו');
    expect(r).toMatchObject({ kind: 'reply', id: reply.id, gloss: gloss.id });
    expect(r.snippet).toBe('כְּמוֹ שֶׁנֶּאֱמַר וְנָחָה עָלָיו');
    expect(highlighted(r)).toEqual(['וְנָחָה', 'עָלָיו']);
  });

  it('keeps Latin accents as they were typed, precomposed or not', async () => {
    const slug = await createText(ada, { title: 'Menu', format: 'plain', content: 'Un café noir, un cafe\u0301 au lait, a cafeteria.' });
    const [r] = (await search('cafe')).filter((x) => x.text === slug);
    expect(r.snippet).toBe('Menu\nUn café noir, un cafe\u0301 au lait, a cafeteria.');
    expect(highlighted(r)).toEqual(['café', 'cafe\u0301', 'cafeteria']);
  });

  it('gives an English text the snippet FTS5 gives, unchanged, on either dialect', async () => {
    const long = Array.from({ length: 40 }, (_, i) => `Sentence ${i} tells of the quick brown fox and the lazy dog.`).join(' ');
    const slug = await createText(ada, { title: 'Fables', content: `${long} The last one names a narwhal. ${long}` });
    const [r] = await search('narwhal');
    expect(r.text).toBe(slug);
    // What FTS5's snippet() gives for it: 16 words, the match marked. PostgreSQL's snippets are
    // cut in JavaScript in FTS5's form (docs/postgres.md §4), so they give it too.
    const fts5 = `…The last one names a ${open}narwhal${close}. Sentence 0 tells of the quick brown fox and the…`;
    if (t.database.dialect === 'sqlite') {
      const direct = await sql<{ s: string }>`SELECT snippet(search_index, 0, ${open}, ${close}, '…', 16) AS s
        FROM search_index WHERE search_index MATCH ${'"narwhal"*'}`.execute(t.ctx.db);
      expect(direct.rows.map((row) => row.s)).toEqual([fts5]);
    }
    expect({ snippet: r.snippet, highlights: r.highlights }).toEqual(splitSnippet(fts5));
    expect(highlighted(r)).toEqual(['narwhal']);
  });

  it('never cuts a letter from its points, at the edges of a snippet or of a highlight', async () => {
    const text = await indexedText(heText);
    for (const q of ['תהום', 'המים', 'אור', 'ערב', 'אחד', 'השמים', 'הארץ', 'על פני']) {
      const results = (await search(q)).filter((r) => r.kind === 'text');
      expect(results, q).toHaveLength(1);
      const [r] = results;
      const words = highlighted(r);
      expect(words.length, q).toBeGreaterThan(0);
      for (const w of words) expect(q.split(' ').some((p) => unpoint(w).startsWith(p)), `${q}: ${w}`).toBe(true);
      // The passage starts on a letter and ends after the last one's marks.
      const passage = inner(r.snippet);
      expect(startsWithMark(passage), q).toBe(false);
      const at = text.indexOf(passage);
      expect(at, q).toBeGreaterThanOrEqual(0);
      expect(startsWithMark(text.slice(at + passage.length)), q).toBe(false);
    }
  });

  it('reads the words of a page of hits in one query', async () => {
    // "רוח" is in the text, the gloss; "אלהים" in the text and the gloss; one page has all kinds.
    const { result: results, statements } = await t.statementsDuring(() => search('אלהים'));
    expect(new Set(results.map((r) => r.kind))).toEqual(new Set(['text', 'gloss']));
    expect(statements.filter((s) => /projection|body_text/.test(s.sql))).toHaveLength(1);
  });

  it('shows the folded snippet where there is no exact map: letters NFC joins, a text changed under its index', async () => {
    const jamo = await createText(ada, { title: 'Jamo', format: 'plain', content: '\u1100\u1161\u11A8 zebra' });
    const [j] = (await search('zebra')).filter((r) => r.text === jamo);
    expect(j.snippet).toBe('Jamo\n\uAC01 zebra');
    expect(highlighted(j)).toEqual(['zebra']);

    // Change a version's words behind the index's back: the snippet is no longer in them.
    const slug = await createText(ada, { title: 'Shemot', language: 'he', format: 'plain', content: 'וְאֵ֗לֶּה שְׁמוֹת֙ בְּנֵ֣י יִשְׂרָאֵ֔ל' });
    await sql`UPDATE text_version SET projection = 'something else entirely'
      WHERE text_id = (SELECT id FROM text WHERE slug = ${slug})`.execute(t.ctx.db);
    const [s] = (await search('שמות')).filter((r) => r.text === slug);
    expect(s.snippet).toBe('Shemot\nואלה שמות בני ישראל');
    expect(highlighted(s)).toEqual(['שמות']);
  });
});
