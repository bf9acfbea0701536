/**
 * Property-based robustness tests of every write endpoint: random and malformed payloads
 * (anything, JSON of any shape, wrong types, strings at and past their limits, deep nesting,
 * random ProseMirror JSON, random steps, random W3C annotations, lone surrogates, wrong content
 * types, bodies that are not JSON or not even UTF-8), sent by the owner, by someone else, by a
 * visitor, and with a missing or foreign Origin.
 *
 * For every request: never a 500 (and nothing logged as one); every 4xx is the JSON error shape
 * with a snake_case code; and a refused request writes nothing — a digest of every table (row
 * counts, last ids, and the columns that edits change) is the same before and after it.
 *
 * Seeds are fixed so a failure reproduces; fast-check prints the counterexample.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { annoMediaType } from '../../schema/w3c.ts';
import {
  cookieOf,
  createFuzzKit,
  deepJson,
  field,
  json,
  nastyString,
  obj,
  segment,
  sized,
  snapshotTables,
  text,
  wrongType,
  type Body,
  type Req,
} from '../helpers/fuzz-kit.ts';
import { tableRows, type TableRows } from '../helpers/db-snapshot.ts';
import { createLayer, useTestApp, createText, testOrigin, writeGloss, type TestClient } from '../helpers/test-app.ts';

const seed = 0x0daf_2026;
const numRuns = 60;

// ---------------------------------------------------------------------------------------------
// Arbitraries (the generic ones are in the fuzz kit)

const sourceText = 'In the beginning was the word.\n\nLet there be light, and there was light.\n\nאור זרוע לצדיק 🙂 and more light.';
/** Pieces of the fuzz text, so some quotes are really there. */
const quote = fc.oneof(
  fc.constantFrom('light', 'there was light', 'אור', '🙂', 'the word', 'beginning', 'word.\n\nLet'),
  fc.tuple(fc.nat(sourceText.length), fc.nat(40)).map(([s, n]) => sourceText.slice(s, s + n)),
  nastyString,
  sized(1000),
);
const offset = fc.oneof(fc.nat(120), fc.integer({ min: -3, max: 2 ** 31 }), wrongType);
const markdownish = fc.oneof(
  nastyString,
  fc.constantFrom('A note.', '**bold** and *em*', '[x](javascript:alert(1))', '[ok](https://example.org)', '> quoted\n\n- a\n- b', '<script>alert(1)</script>', '# h\n\n```\ncode\n```', '1. one\n2. two', '>'.repeat(300) + ' deep', '- '.repeat(300) + 'deep', ''),
  sized(32 * 1024),
);

const markArb = fc.record(
  {
    type: fc.oneof(fc.constantFrom('em', 'strong', 'link', 'code', 'small_caps', 'underline'), nastyString),
    attrs: fc.record(
      {
        href: fc.oneof(fc.constantFrom('https://example.org', 'javascript:alert(1)', 'mailto:a@b.c', 'data:text/html,x', '//x', ''), wrongType),
        title: field(nastyString),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['type'] },
);
const textNode = fc.record(
  { type: fc.constant('text'), text: fc.oneof(nastyString, quote, wrongType), marks: fc.array(markArb, { maxLength: 2 }) },
  { requiredKeys: ['type', 'text'] },
);
const nodeType = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('doc', 'paragraph', 'heading', 'segment', 'text', 'hard_break', 'blockquote', 'bullet_list', 'ordered_list', 'list_item', 'code_block', 'image') },
  { weight: 1, arbitrary: wrongType },
);
const attrsArb = fc.record(
  {
    level: field(fc.integer({ min: 0, max: 7 })),
    ref: field(fc.constantFrom('1:1', '1:2', '1', 'x y', '', '1:1'.repeat(30))),
    order: field(fc.integer({ min: -1, max: 10 })),
  },
  { requiredKeys: [] },
);
const pmTree = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    textNode,
    fc.record(
      { type: nodeType, attrs: attrsArb, content: fc.oneof(fc.array(tie('node'), { maxLength: 4 }), wrongType), marks: fc.array(markArb, { maxLength: 1 }), text: nastyString },
      { requiredKeys: ['type'] },
    ),
  ),
}));
/** Documents that are often valid, and random trees that mostly are not. */
const pmDoc = fc.oneof(
  fc.record({
    type: fc.constant('doc'),
    content: fc.array(
      fc.record(
        { type: fc.constantFrom('paragraph', 'heading', 'segment', 'blockquote', 'bullet_list'), attrs: attrsArb, content: fc.array(textNode, { maxLength: 3 }) },
        { requiredKeys: ['type'] },
      ),
      { maxLength: 4 },
    ),
  }),
  pmTree.node,
  fc.jsonValue({ maxDepth: 3 }),
);
const sefariaish = obj({
  title: field(fc.constantFrom('Genesis', '')),
  language: field(fc.constantFrom('en', 'he', 'xx-not-a-lang!')),
  text: fc.oneof(
    fc.array(fc.array(fc.oneof(nastyString, fc.constantFrom('<b>אור</b> light', '<i>x</i><br>y', '<script>x</script>')), { maxLength: 3 }), { maxLength: 3 }),
    fc.jsonValue({ maxDepth: 4 }),
  ),
});
const stepArb = fc.oneof(
  // Plausible text insertions and deletions: often valid against the small fuzz text.
  fc.record({
    stepType: fc.constant('replace'),
    from: fc.nat(90),
    to: fc.nat(90),
    slice: fc.option(fc.record({ content: fc.array(textNode, { minLength: 1, maxLength: 2 }) }), { nil: undefined }),
  }),
  fc.record(
    {
      stepType: fc.oneof(fc.constantFrom('replace', 'replaceAround', 'addMark', 'removeMark', 'addNodeMark', 'removeNodeMark', 'attr', 'docAttr'), nastyString),
      from: offset,
      to: offset,
      pos: offset,
      gapFrom: offset,
      gapTo: offset,
      insert: offset,
      structure: fc.boolean(),
      slice: fc.oneof(
        fc.record({ content: fc.array(pmTree.node, { maxLength: 3 }), openStart: fc.integer({ min: -1, max: 4 }), openEnd: fc.integer({ min: -1, max: 4 }) }, { requiredKeys: [] }),
        wrongType,
      ),
      mark: fc.oneof(markArb, wrongType),
      attr: fc.oneof(fc.constantFrom('ref', 'level', 'order', 'href', '__proto__'), nastyString),
      value: fc.anything({ maxDepth: 2 }),
    },
    { requiredKeys: ['stepType'] },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);
const glossBody = fc.oneof(
  { weight: 4, arbitrary: fc.record({ markdown: markdownish }) as fc.Arbitrary<unknown> },
  { weight: 2, arbitrary: fc.record({ doc: pmDoc }) },
  { weight: 1, arbitrary: obj({ markdown: field(markdownish), doc: field(pmDoc) }) },
  { weight: 1, arbitrary: wrongType },
);
const motivation = field(fc.constantFrom('commenting', 'questioning', 'highlighting', 'tagging', 'bookmarking', 'Commenting'));

const selector = fc.letrec<{ sel: unknown }>((tie) => ({
  sel: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    obj({ type: fc.constant('TextQuoteSelector'), exact: field(quote), prefix: field(nastyString), suffix: field(nastyString) }),
    obj({ type: fc.constant('TextPositionSelector'), start: offset, end: offset }),
    obj({ type: fc.constant('FragmentSelector'), value: field(fc.constantFrom('1:1', '2', 'x')), conformsTo: field(fc.constantFrom('$BASE/api/openapi.json#segment-ref', 'http://tools.ietf.org/rfc/rfc3236')) }),
    obj({ type: field(fc.constantFrom('RangeSelector', 'XPathSelector', 'TextQuoteSelector')), refinedBy: tie('sel') }),
  ),
})).sel;
const w3cTarget = fc.oneof(
  fc.constantFrom('$TEXT_URL', 'https://elsewhere.example/t/x'),
  obj({
    source: field(fc.constantFrom('$TEXT_URL', '$GLOSS_URL', '$BASE/api/texts/fuzz', '$BASE/annotations/fuzz/notes/999999', 'https://elsewhere.example/t/fuzz', '')),
    selector: fc.oneof(selector, fc.array(selector, { maxLength: 17 })),
  }),
  wrongType,
);
const textualBody = obj({
  type: field(fc.constantFrom('TextualBody', 'SpecificResource')),
  value: field(markdownish),
  format: field(fc.constantFrom('text/markdown', 'text/plain', 'text/html')),
  purpose: field(fc.constantFrom('commenting', 'tagging', 'describing')),
});
const annotation = obj({
  '@context': field(fc.constant('http://www.w3.org/ns/anno.jsonld')),
  id: field(fc.constantFrom('urn:uuid:1', '$GLOSS_URL')),
  type: field(fc.constantFrom('Annotation', ['Annotation'], ['Thing'])),
  motivation: fc.oneof(motivation, fc.array(motivation, { maxLength: 2 })),
  body: fc.oneof(textualBody, fc.array(textualBody, { maxLength: 17 }), wrongType),
  bodyValue: field(markdownish),
  target: w3cTarget,
});
const annotationCollection = fc.oneof(
  fc.array(annotation, { maxLength: 6 }),
  obj({ type: fc.constant('AnnotationPage'), items: fc.oneof(fc.array(annotation, { maxLength: 6 }), wrongType) }),
  obj({
    type: fc.constant('AnnotationCollection'),
    first: fc.oneof(obj({ items: fc.array(annotation, { maxLength: 4 }), next: obj({ items: fc.array(annotation, { maxLength: 3 }) }) }), wrongType),
  }),
  annotation,
);
/** An annotation whose selector is refined 2,500 times: as deep as fits in 64 KiB. */
const deepAnnotation = `{"type":"Annotation","target":{"source":"$TEXT_URL","selector":${deepJson(2500, '{"type":"X","refinedBy":', '}', '{"type":"TextQuoteSelector","exact":"light"}')}}}`;

// ---------------------------------------------------------------------------------------------
// The app, the people, and the checks

type Who = 'owner' | 'other' | 'visitor' | 'no-origin' | 'foreign-origin' | 'bad-bearer' | 'bearer';
const whoArb: fc.Arbitrary<Who> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Who>('owner') },
  { weight: 1, arbitrary: fc.constantFrom<Who>('other', 'visitor', 'no-origin', 'foreign-origin', 'bad-bearer', 'bearer') },
);

const t = useTestApp();
let ada: TestClient;
let bob: TestClient;
let adaToken: string;

const tables = ['text', 'text_version', 'layer', 'gloss', 'anchor', 'reply', 'event', 'search_index', 'user', 'session', 'api_token'] as const;
/** Per table: row count, last row id, and a digest of the columns edits change. */
const digestSql: Record<(typeof tables)[number], string> = {
  text: `group_concat(id || ':' || current_version || ':' || visibility || ':' || title, ',')`,
  text_version: `sum(length(doc)) || ':' || sum(length(projection))`,
  layer: `group_concat(id || ':' || name || ':' || description || ':' || color || ':' || visibility || ':' || write_policy, ',')`,
  gloss: `group_concat(id || ':' || status || ':' || body_revision || ':' || motivation || ':' || updated_at || ':' || length(body_doc) || ':' || length(selectors), ',')`,
  anchor: `group_concat(gloss_id || ':' || version || ':' || coalesce(start, '-') || ':' || coalesce("end", '-') || ':' || status, ',')`,
  reply: `group_concat(id || ':' || status || ':' || updated_at || ':' || length(body_doc), ',')`,
  event: `''`,
  search_index: `sum(length(body))`,
  user: `group_concat(id || ':' || handle_key, ',')`,
  session: `''`,
  api_token: `group_concat(id || ':' || name, ',')`,
};

/** On SQLite the digests above; on PostgreSQL every row of every table (db-snapshot.ts). */
function snapshot(): Record<string, unknown> | Promise<TableRows> {
  return t.database.dialect === 'sqlite' ? snapshotTables(t.database.sqlite, digestSql) : tableRows(t.database);
}

const { ids, dynamic, fillText, bodyArb, encode, fuzz, example } = createFuzzKit<Who>({
  seed,
  numRuns,
  who: whoArb,
  exampleWho: 'owner',
  send,
  snapshot,
  errors: () => t.errors,
});

async function send(req: Req<Who>) {
  const h = new Headers();
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    if (v === '$FRESH_ETAG') {
      // The annotation's ETag as its owner reads it just now.
      const res = await ada.get(fillText(req.path));
      h.set(k, res.headers.get('etag') ?? 'W/"none"');
    } else {
      h.set(k, fillText(v));
    }
  }
  if (req.contentType !== null) h.set('content-type', req.contentType);
  switch (req.who) {
    case 'owner':
      h.set('cookie', cookieOf(ada));
      h.set('origin', testOrigin);
      break;
    case 'other':
      h.set('cookie', cookieOf(bob));
      h.set('origin', testOrigin);
      break;
    case 'no-origin':
      h.set('cookie', cookieOf(ada));
      break;
    case 'foreign-origin':
      h.set('cookie', cookieOf(ada));
      h.set('origin', 'https://evil.example');
      break;
    case 'bad-bearer':
      h.set('authorization', 'Bearer daf_not-a-token');
      break;
    case 'bearer':
      h.set('authorization', `Bearer ${adaToken}`);
      break;
    case 'visitor':
      break;
  }
  const res = await t.app.request(`${testOrigin}${fillText(req.path)}`, { method: req.method, headers: h, body: encode(req.body) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('fuzzing every write endpoint', () => {
  beforeAll(async () => {
    ada = await t.signup('ada');
    bob = await t.signup('bob');
    adaToken = (await ada.post('/api/tokens', { name: 'fuzz' })).body.token;
    expect(adaToken).toMatch(/^daf_/);
    // The text glosses are written on; a second text only for new versions (which move anchors).
    await createText(ada, { title: 'Fuzz', slug: 'fuzz', content: sourceText });
    await createText(ada, { title: 'Versions', slug: 'versions', content: sourceText });
    await createLayer(ada, 'fuzz', { name: 'Notes', slug: 'notes', writePolicy: 'signed_in' });
    await createLayer(ada, 'fuzz', { name: 'Imports', slug: 'imports' });
    await createLayer(ada, 'fuzz', { name: 'Patch me', slug: 'patchme' });
    await createLayer(ada, 'fuzz', { name: 'Private', slug: 'private', visibility: 'private' });
    await createLayer(ada, 'fuzz', { name: 'On glosses', slug: 'onglosses' });
    const gloss = await writeGloss(ada, 'fuzz', 'notes', { exact: 'there was light' }, 'A note on *light* with enough words to quote.');
    const child = await writeGloss(ada, 'fuzz', 'notes', { exact: 'light', gloss: gloss.id }, 'A gloss on the gloss.');
    // A public layer commenting on notes: making notes private must be refused (409).
    await writeGloss(ada, 'fuzz', 'onglosses', { exact: 'note', gloss: gloss.id }, 'Commentary from another layer.');
    const privateGloss = await writeGloss(ada, 'fuzz', 'private', { exact: 'the word' }, 'Private.');
    const bobs = await writeGloss(bob, 'fuzz', 'notes', { exact: 'beginning' }, "Bob's.");
    const reply = await ada.post(`/api/glosses/${gloss.id}/replies`, { body: { markdown: 'A reply.' } });
    expect(reply.status).toBe(201);
    // Glosses on the versions text, so that every new version re-anchors something (and some end
    // up orphaned, then are looked for again in the next version).
    await createLayer(ada, 'versions', { name: 'Versions notes', slug: 'vnotes' });
    for (const exact of ['light', 'there was light', 'the word', 'אור זרוע', '🙂', 'more light.']) {
      const g = await writeGloss(ada, 'versions', 'vnotes', { exact }, `On ${exact}.`);
      if (exact === 'the word') await writeGloss(ada, 'versions', 'vnotes', { exact: 'word', gloss: g.id }, 'On the gloss.');
    }
    const bobsReply = await bob.post(`/api/glosses/${gloss.id}/replies`, { body: { markdown: "Bob's reply." } });
    expect(bobsReply.status).toBe(201);
    const deletable: number[] = [];
    for (let i = 0; i < 4; i++) deletable.push((await writeGloss(ada, 'fuzz', 'notes', { exact: 'light' }, `Delete me ${i}.`)).id);
    const deletableAnnotations: number[] = [];
    for (let i = 0; i < 3; i++) deletableAnnotations.push((await writeGloss(ada, 'fuzz', 'notes', { exact: 'beginning' }, `Annotation ${i}.`)).id);
    const tokens: number[] = [];
    for (let i = 0; i < 3; i++) tokens.push((await ada.post('/api/tokens', { name: `spare ${i}` })).body.id);
    const deletableReplies: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await ada.post(`/api/glosses/${gloss.id}/replies`, { body: { markdown: `Reply ${i}.` }, ...(i % 2 ? { parent: reply.body.id } : {}) });
      deletableReplies.push(r.body.id);
    }
    Object.assign(ids, {
      BASE: testOrigin,
      GLOSS: gloss.id,
      CHILD: child.id,
      BOBS: bobs.id,
      PRIVATE: privateGloss.id,
      REPLY: reply.body.id,
      BOBS_REPLY: bobsReply.body.id,
      TEXT_URL: `${testOrigin}/t/fuzz`,
      GLOSS_URL: `${testOrigin}/annotations/fuzz/notes/${gloss.id}`,
      DEL_A: deletable[0],
      DEL_B: deletable[1],
      DEL_C: deletable[2],
      DEL_D: deletable[3],
      RDEL_A: deletableReplies[0],
      RDEL_B: deletableReplies[1],
      RDEL_C: deletableReplies[2],
      RDEL_D: deletableReplies[3],
      ADEL_A: deletableAnnotations[0],
      ADEL_B: deletableAnnotations[1],
      ADEL_C: deletableAnnotations[2],
      TOKEN_A: tokens[0],
      TOKEN_B: tokens[1],
      TOKEN_C: tokens[2],
    });
    dynamic.VERSION = async () => (await t.database.db.selectFrom('text').select('current_version').where('slug', '=', 'versions').executeTakeFirstOrThrow()).current_version;
    // An ETag the annotation had before it was last edited (If-Match must refuse it).
    const first = await ada.get(`/annotations/fuzz/notes/${gloss.id}`);
    expect(first.status).toBe(200);
    ids.STALE_ETAG = first.headers.get('etag')!;
    expect(ids.STALE_ETAG).toBeTruthy();
    expect((await ada.patch(`/api/glosses/${gloss.id}`, { motivation: 'questioning' })).status).toBe(200);
    expect(t.errors).toEqual([]);
  });

  const placeholder = (names: string[]) => fc.constantFrom(...names.map((n) => `$${n}`));
  /** A string that is not blank after trimming. */
  const filled = nastyString.map((s) => `x${s}`);
  const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });
  /** Content that matches its format (it may still be refused by the importer). */
  const content = fc.oneof(
    markdownish.map((c) => ({ format: 'markdown', content: c })),
    fc.oneof(nastyString, fc.constant(sourceText.replace('light', 'lights'))).map((c) => ({ format: 'plain', content: c })),
    fc.oneof(pmDoc, pmDoc.map((d) => JSON.stringify(d))).map((c) => ({ format: 'prosemirror', content: c })),
    sefariaish.map((c) => ({ format: 'sefaria', content: c })),
  );
  const validMarkdown = fc.oneof(
    { weight: 4, arbitrary: filled },
    { weight: 2, arbitrary: fc.constantFrom('A note.', '**bold** and *em*', '[ok](https://example.org) and [x](javascript:alert(1))', '> quoted\n\n- a\n- b', '<script>alert(1)</script>', '# h\n\n```\ncode\n```', '>'.repeat(300) + ' deep', '- '.repeat(300) + 'deep') },
    { weight: 1, arbitrary: markdownish },
  );
  const validBody = fc.oneof({ weight: 3, arbitrary: fc.record({ markdown: validMarkdown }) as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: fc.record({ doc: pmDoc }) });
  const validMotivation = optional(fc.constantFrom('commenting', 'questioning', 'highlighting', 'tagging', 'editing'));
  /** Absent three times in four. */
  const rarely = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });
  const validTarget = fc.record({
    exact: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('light', 'there was light', 'אור', '🙂', 'the word', 'beginning', 'word.\n\nLet', 'note', 'A note') },
      { weight: 2, arbitrary: quote.filter((q) => q.length > 0 && q.length <= 1000) },
    ),
    prefix: rarely(fc.oneof(nastyString, fc.constant('Let there be '))),
    suffix: rarely(fc.oneof(nastyString, fc.constant(', and'))),
    start: rarely(fc.nat(130)),
    end: rarely(fc.nat(130)),
    gloss: rarely(placeholder(['GLOSS', 'CHILD', 'BOBS', 'PRIVATE'])),
  });
  const validSelector = fc.oneof(
    fc.record({ type: fc.constant('TextQuoteSelector'), exact: quote, prefix: nastyString, suffix: nastyString }, { requiredKeys: ['type', 'exact'] }),
    fc.record({ type: fc.constant('TextPositionSelector'), start: fc.nat(130), end: fc.nat(130) }),
    fc.record({ type: fc.constant('FragmentSelector'), conformsTo: fc.constant('$BASE/api/openapi.json#segment-ref'), value: fc.constantFrom('1', '1:1', '2') }),
  );
  const validAnnotation = fc.record(
    {
      '@context': fc.constant('http://www.w3.org/ns/anno.jsonld'),
      type: fc.constant('Annotation'),
      motivation: fc.oneof(fc.constantFrom('commenting', 'questioning', 'bookmarking'), fc.constant(['tagging', 'commenting'])),
      body: fc.oneof(
        fc.record({ type: fc.constant('TextualBody'), value: fc.oneof(markdownish, filled), format: fc.constantFrom('text/markdown', 'text/plain', 'text/html') }, { requiredKeys: ['value'] }),
        fc.array(fc.record({ value: filled, purpose: fc.constantFrom('tagging', 'commenting') }), { minLength: 1, maxLength: 3 }),
      ),
      bodyValue: filled,
      target: fc.oneof(
        fc.constant('$TEXT_URL'),
        fc.record({
          source: fc.constantFrom('$TEXT_URL', '$TEXT_URL', '$GLOSS_URL', '$BASE/api/texts/fuzz', 'https://elsewhere.example/t/fuzz'),
          selector: fc.oneof(validSelector, fc.array(validSelector, { minLength: 1, maxLength: 3 })),
        }),
      ),
    },
    { requiredKeys: ['target'] },
  );

  fuzz(
    'POST /api/auth/signup',
    {
      method: 'POST',
      path: fc.constant('/api/auth/signup'),
      body: bodyArb({
        valid: fc.record(
          {
            handle: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9_]{3,10}$/), fc.constantFrom('ada', 'ADA', 'Bob')),
            password: fc.oneof(fc.constant('correct horse battery'), nastyString.map((s) => `${s}password`)),
            displayName: filled,
          },
          { requiredKeys: ['handle', 'password'] },
        ),
        broken: obj({
          handle: field(fc.constantFrom('ada', 'a', '.ada', '-x', 'a b', 'a'.repeat(32), 'a'.repeat(33))),
          password: field(fc.oneof(fc.constantFrom('correct horse battery', 'short'), sized(256), sized(8))),
          displayName: field(fc.oneof(nastyString, sized(80), fc.constantFrom('   ', ' Ada '))),
        }),
      }),
    },
    [example('POST', '/api/auth/signup', json({ handle: 'ADA', password: 'correct horse battery' }))],
    30,
  );

  fuzz(
    'POST /api/auth/login',
    {
      method: 'POST',
      path: fc.constant('/api/auth/login'),
      body: bodyArb({
        valid: fc.record({ handle: fc.oneof(fc.constantFrom('ada', 'ADA', 'nobody'), filled), password: fc.oneof(fc.constantFrom('correct horse battery', 'wrong password'), filled) }),
        broken: obj({
          handle: field(fc.oneof(fc.constantFrom('ada', ''), sized(64))),
          password: field(fc.oneof(fc.constantFrom('correct horse battery', ''), sized(256))),
        }),
      }),
    },
    [
      example('POST', '/api/auth/login', json({ handle: 'ADA', password: 'correct horse battery' })),
      example('POST', '/api/auth/login', json({ handle: 'ada', password: 'correct horse battery', extra: 1 })),
    ],
    30,
  );

  fuzz('POST /api/tokens', {
    method: 'POST',
    path: fc.constant('/api/tokens'),
    body: bodyArb({
      valid: fc.record({ name: filled }),
      broken: obj({ name: field(fc.oneof(nastyString, sized(80), fc.constantFrom('  ', ''))) }),
    }),
  });

  fuzz(
    'POST /api/texts',
    {
      method: 'POST',
      path: fc.constant('/api/texts'),
      body: bodyArb({
        valid: fc
          .tuple(
            fc.record(
              {
                title: filled,
                slug: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/),
                language: fc.constantFrom('en', 'he', 'en-GB', 'arc'),
                direction: fc.constantFrom('ltr', 'rtl', 'auto'),
                visibility: fc.constantFrom('public', 'private'),
                license: nastyString,
              },
              { requiredKeys: ['title', 'language'] },
            ),
            content,
          )
          .map(([meta, c]) => ({ ...meta, ...c })),
        broken: obj({
          title: field(fc.oneof(nastyString, sized(300), fc.constantFrom('A text', '   '))),
          slug: field(fc.constantFrom('fuzz', 'Fuzz', '-x', 'a'.repeat(64), 'a'.repeat(65))),
          language: field(fc.constantFrom('en', 'e', 'english!', 'x-'.repeat(40))),
          direction: field(fc.constantFrom('ltr', 'up')),
          license: field(fc.oneof(nastyString, sized(300))),
          attribution: field(fc.oneof(nastyString, sized(1000))),
          visibility: field(fc.constantFrom('public', 'secret')),
          format: field(fc.constantFrom('markdown', 'plain', 'prosemirror', 'sefaria', 'html')),
          content: fc.oneof(markdownish, pmDoc, sefariaish, fc.jsonValue({ maxDepth: 3 }), wrongType),
        }),
        deep: [
          (d) => `{"title":"Deep","language":"en","format":"prosemirror","content":${d}}`,
          (d) => `{"title":"Deep","language":"en","format":"sefaria","content":{"title":"Deep","text":${d}}}`,
          (d) => `{"title":"Deep","language":"en","format":"sefaria","content":${JSON.stringify(`{"title":"Deep","text":${d}}`)}}`,
        ],
      }),
    },
    [
      example('POST', '/api/texts', text(`{"title":"Deep","language":"en","format":"sefaria","content":{"title":"Deep","text":${deepJson(200_000, '[', ']')}}}`)),
      example('POST', '/api/texts', text(`{"title":"Deep","language":"en","format":"prosemirror","content":${deepJson(200_000, '{"type":"doc","content":[', ']}')}}`)),
      example('POST', '/api/texts', json({ title: 'Empty', language: 'en', format: 'sefaria', content: { title: 'x', text: [[], ['']] } })),
      example('POST', '/api/texts', json({ title: 'Lone', language: 'en', format: 'plain', content: 'a\ud800b' })),
      example('POST', '/api/texts', json({ title: 'Bad link', language: 'en', format: 'prosemirror', content: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] }] }] } })),
    ],
  );

  fuzz(
    'POST /api/texts/:slug/versions (content)',
    {
      method: 'POST',
      path: segment('versions').map((s) => `/api/texts/${s}/versions`),
      body: bodyArb({
        valid: content,
        broken: obj({
          format: field(fc.constantFrom('markdown', 'plain', 'prosemirror', 'sefaria', 'steps')),
          content: fc.oneof(markdownish, pmDoc, sefariaish, wrongType),
          baseVersion: fc.oneof(fc.constant('$VERSION'), wrongType),
        }),
        deep: [(d) => `{"format":"prosemirror","content":${d}}`, (d) => `{"format":"sefaria","content":{"title":"x","text":${d}}}`],
      }),
    },
    [
      // Orphans every gloss, then brings their passages back: the second version re-anchors
      // glosses that had no place in the first.
      example('POST', '/api/texts/versions/versions', json({ format: 'plain', content: 'Nothing.' })),
      example('POST', '/api/texts/versions/versions', json({ format: 'plain', content: sourceText })),
      example('POST', '/api/texts/versions/versions', text(`{"format":"sefaria","content":{"title":"Deep","text":${deepJson(200_000, '[', ']')}}}`)),
      example('POST', '/api/texts/versions/versions', json({ format: 'plain', content: sourceText.replace('light', 'night') })),
    ],
  );

  fuzz(
    'POST /api/texts/:slug/versions (steps)',
    {
      method: 'POST',
      path: segment('versions').map((s) => `/api/texts/${s}/versions`),
      body: bodyArb({
        valid: fc.record({ steps: fc.array(stepArb.filter((s) => s !== null && typeof s === 'object' && !Array.isArray(s)), { minLength: 1, maxLength: 4 }), baseVersion: fc.constant('$VERSION') }),
        broken: obj({
          steps: fc.oneof(fc.array(stepArb, { maxLength: 3 }), wrongType),
          baseVersion: fc.oneof(fc.constant<unknown>('$VERSION'), wrongType, fc.constant(1)),
        }),
        deep: [(d) => `{"baseVersion":"$VERSION","steps":[{"stepType":"replace","from":1,"to":1,"slice":{"content":${d}}}]}`],
      }),
    },
    [
      example('POST', '/api/texts/versions/versions', json({ baseVersion: '$VERSION', steps: [{ stepType: 'replace', from: -5, to: 9999 }] })),
      example('POST', '/api/texts/versions/versions', json({ baseVersion: '$VERSION', steps: [{ stepType: 'addMark', from: 0, to: 9999, mark: { type: 'em' } }] })),
      example('POST', '/api/texts/versions/versions', json({ baseVersion: '$VERSION', steps: [{ stepType: 'replaceAround', from: 0, to: 9999, gapFrom: 1, gapTo: 2, insert: 0, slice: { content: [{ type: 'paragraph' }] } }] })),
      example('POST', '/api/texts/versions/versions', json({ baseVersion: '$VERSION', steps: [{ stepType: 'removeMark', from: 3, to: -1, mark: { type: 'em' } }] })),
      example('POST', '/api/texts/versions/versions', json({ baseVersion: '$VERSION', steps: [{ stepType: 'removeNodeMark', pos: 1, mark: { type: 'em' } }] })),
      example('POST', '/api/texts/versions/versions', json({ baseVersion: '$VERSION', steps: [{ stepType: 'attr', pos: 999, attr: 'ref', value: 'x' }] })),
      example('POST', '/api/texts/versions/versions', json({ baseVersion: '$VERSION', steps: [{ stepType: 'attr', pos: 0, attr: 'level', value: 'x' }] })),
      example('POST', '/api/texts/versions/versions', json({ baseVersion: '$VERSION', steps: [{ stepType: 'addNodeMark', pos: -1, mark: { type: 'em' } }] })),
      example('POST', '/api/texts/versions/versions', json({ baseVersion: '$VERSION', steps: [{ stepType: 'docAttr', attr: 'x', value: 1 }] })),
      example('POST', '/api/texts/versions/versions', json({ baseVersion: '$VERSION', steps: [{ stepType: 'replace', from: 0, to: 200 }] })),
      example('POST', '/api/texts/versions/versions', json({ baseVersion: '$VERSION', steps: [{ stepType: 'replace', from: 1, to: 1, slice: { content: [{ type: 'text', text: 'Fuzzed: ' }] } }] })),
      example('POST', '/api/texts/versions/versions', text('{"baseVersion":1e999,"steps":[{"stepType":"replace","from":1,"to":1}]}')),
    ],
  );

  fuzz('POST /api/texts/:slug/layers', {
    method: 'POST',
    path: segment('fuzz').map((s) => `/api/texts/${s}/layers`),
    body: bodyArb({
      valid: fc.record(
        {
          name: filled,
          slug: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,8}$/),
          description: nastyString,
          color: fc.constantFrom('#aabbcc', '#ABCDEF'),
          visibility: fc.constantFrom('public', 'private'),
          writePolicy: fc.constantFrom('owner', 'signed_in'),
          license: nastyString,
          attribution: nastyString,
        },
        { requiredKeys: ['name', 'visibility'] },
      ),
      broken: obj({
        name: field(fc.oneof(nastyString, sized(120), fc.constantFrom('Notes', '  '))),
        slug: field(fc.constantFrom('notes', 'NOTES', 'a'.repeat(65))),
        description: field(fc.oneof(nastyString, sized(2000))),
        color: field(fc.constantFrom('#aabbcc', '#abc', 'red', '#gggggg', '#aabbcc ')),
        visibility: field(fc.constantFrom('public', 'group')),
        writePolicy: field(fc.constantFrom('owner', 'anyone')),
        license: field(fc.oneof(nastyString, sized(300))),
        attribution: field(fc.oneof(nastyString, sized(1000))),
      }),
    }),
  });

  fuzz('PATCH /api/texts/:slug/layers/:layer', {
    method: 'PATCH',
    path: fc.tuple(segment('fuzz'), segment('patchme'), fc.constantFrom('patchme', 'patchme', 'notes', 'private', 'onglosses')).map(([s, l, which]) => `/api/texts/${s}/layers/${l === 'patchme' ? which : l}`),
    body: bodyArb({
      valid: fc.record(
        {
          name: filled,
          description: nastyString,
          color: fc.constantFrom('#aabbcc', '#ABCDEF'),
          visibility: fc.constantFrom('public', 'private'),
          writePolicy: fc.constantFrom('owner', 'signed_in'),
          federation: fc.constantFrom('off', 'publish', 'publish+replies'),
        },
        { requiredKeys: [] },
      ),
      broken: obj({
        name: field(fc.oneof(nastyString, sized(120))),
        slug: field(fc.constant('renamed')),
        description: field(fc.oneof(nastyString, sized(2000))),
        color: field(fc.constantFrom('#aabbcc', 'red')),
        visibility: field(fc.constantFrom('public', 'group')),
        writePolicy: field(fc.constantFrom('owner', 'anyone')),
        federation: field(fc.constantFrom('publish', 'on', 'PUBLISH')),
      }),
    }),
  });

  const brokenTarget = obj({
    exact: field(quote),
    prefix: field(fc.oneof(nastyString, sized(1000))),
    suffix: field(fc.oneof(nastyString, sized(1000))),
    start: offset,
    end: offset,
    gloss: fc.oneof(placeholder(['GLOSS', 'CHILD', 'BOBS']), offset),
  });
  fuzz(
    'POST /api/texts/:slug/layers/:layer/glosses',
    {
      method: 'POST',
      path: fc.tuple(segment('fuzz'), fc.constantFrom('notes', 'notes', 'notes', 'private', 'imports', 'onglosses')).map(([s, l]) => `/api/texts/${s}/layers/${l}/glosses`),
      body: bodyArb({
        valid: fc.record({ target: validTarget, body: validBody, motivation: validMotivation }, { requiredKeys: ['target', 'body'] }),
        broken: obj({ target: fc.oneof(brokenTarget, wrongType), body: glossBody, motivation }),
        deep: [(d) => `{"target":{"exact":"light"},"body":{"doc":${d}}}`],
      }),
    },
    [
      example('POST', '/api/texts/fuzz/layers/notes/glosses', json({ target: { exact: 'light\ud800' }, body: { markdown: '\udc00 x' } })),
      example('POST', '/api/texts/fuzz/layers/notes/glosses', json({ target: { exact: 'light', start: 2 ** 31, end: 2 ** 31 + 5 }, body: { markdown: 'x' } })),
      example('POST', '/api/texts/fuzz/layers/notes/glosses', json({ target: { exact: 'light', start: 50, end: 10 }, body: { markdown: 'x' } })),
      example('POST', '/api/texts/fuzz/layers/notes/glosses', json({ target: { exact: 'a'.repeat(1001) }, body: { markdown: 'x' } })),
      example('POST', '/api/texts/fuzz/layers/notes/glosses', json({ target: { exact: 'light' }, body: { markdown: '   ' } })),
      example('POST', '/api/texts/fuzz/layers/notes/glosses', json({ target: { exact: 'light', gloss: '$CHILD' }, body: { markdown: 'deeper' } })),
      example('POST', '/api/texts/fuzz/layers/notes/glosses', json({ target: { exact: 'Private', gloss: '$PRIVATE' }, body: { markdown: 'on a private gloss' } })),
    ],
  );

  fuzz(
    'PATCH /api/glosses/:id',
    {
      method: 'PATCH',
      path: fc.oneof({ weight: 6, arbitrary: placeholder(['GLOSS', 'CHILD', 'BOBS', 'PRIVATE']) }, { weight: 1, arbitrary: segment('$GLOSS') }).map((id) => `/api/glosses/${id}`),
      body: bodyArb({
        valid: fc.record({ body: validBody, motivation: validMotivation }, { requiredKeys: [] }),
        broken: obj({ body: glossBody, motivation }),
        deep: [(d) => `{"body":{"doc":${d}}}`],
      }),
    },
    [
      // Orphans the glosses on this gloss, then edits it again: they are looked for afresh.
      example('PATCH', '/api/glosses/$GLOSS', json({ body: { markdown: 'x' } })),
      example('PATCH', '/api/glosses/$GLOSS', json({ body: { markdown: 'A note on *light* with enough words to quote.' } })),
    ],
  );

  fuzz(
    'DELETE /api/glosses/:id',
    {
      method: 'DELETE',
      path: fc.oneof(placeholder(['DEL_A', 'DEL_B', 'DEL_C', 'DEL_D', 'BOBS', 'CHILD']), segment('$DEL_A')).map((id) => `/api/glosses/${id}`),
      // A body or content type on a DELETE must not matter either.
      body: fc.oneof(fc.constant<Body>({ kind: 'none' }), bodyArb({ valid: fc.constant({}), broken: fc.anything() })),
    },
    [],
    40,
  );

  fuzz('POST /api/glosses/:id/replies', {
    method: 'POST',
    path: fc.oneof({ weight: 6, arbitrary: placeholder(['GLOSS', 'BOBS', 'CHILD', 'PRIVATE']) }, { weight: 1, arbitrary: segment('$GLOSS') }).map((id) => `/api/glosses/${id}/replies`),
    body: bodyArb({
      valid: fc.record({ body: validBody, parent: placeholder(['REPLY', 'RDEL_A']) }, { requiredKeys: ['body'] }),
      broken: obj({ body: glossBody, parent: fc.oneof(placeholder(['REPLY']), offset) }),
      deep: [(d) => `{"body":{"doc":${d}}}`],
    }),
  });

  fuzz('PATCH /api/replies/:id', {
    method: 'PATCH',
    path: fc.oneof({ weight: 6, arbitrary: placeholder(['REPLY', 'BOBS_REPLY']) }, { weight: 1, arbitrary: segment('$REPLY') }).map((id) => `/api/replies/${id}`),
    body: bodyArb({ valid: fc.record({ body: validBody }), broken: obj({ body: glossBody }), deep: [(d) => `{"body":{"doc":${d}}}`] }),
  });

  fuzz(
    'DELETE /api/replies/:id',
    {
      method: 'DELETE',
      path: fc.oneof(placeholder(['RDEL_A', 'RDEL_B', 'RDEL_C', 'RDEL_D', 'BOBS_REPLY']), segment('$RDEL_A')).map((id) => `/api/replies/${id}`),
      body: fc.oneof(fc.constant<Body>({ kind: 'none' }), bodyArb({ valid: fc.constant({}), broken: fc.anything() })),
    },
    [],
    40,
  );

  fuzz(
    'POST /annotations/:text/:layer/',
    {
      method: 'POST',
      path: fc.tuple(segment('fuzz'), fc.constantFrom('notes', 'notes', 'private', 'imports')).map(([s, l]) => `/annotations/${s}/${l}/`),
      body: bodyArb({ valid: validAnnotation, broken: annotation, deep: [(d) => `{"type":"Annotation","target":{"source":"$TEXT_URL","selector":${d}}}`] }),
      contentType: annoMediaType,
    },
    [
      example('POST', '/annotations/fuzz/notes/', text(deepAnnotation), annoMediaType),
      example('POST', '/annotations/fuzz/notes/', json({ type: 'Annotation', target: { source: '$TEXT_URL', selector: [{ type: 'TextQuoteSelector', exact: '🙂' }, { type: 'TextPositionSelector', start: 1e9, end: -1 }] }, bodyValue: 'x' }), annoMediaType),
      example('POST', '/annotations/fuzz/notes/', json({ type: 'Annotation', target: { source: '$GLOSS_URL', selector: { type: 'TextQuoteSelector', exact: 'light' } }, body: { type: 'TextualBody', value: '<b>x</b>', format: 'text/html' } }), annoMediaType),
    ],
  );

  fuzz('PUT /annotations/:text/:layer/:id', {
    method: 'PUT',
    path: fc
      .tuple(segment('fuzz'), fc.constantFrom('notes', 'notes', 'private'), fc.oneof({ weight: 6, arbitrary: placeholder(['GLOSS']) }, { weight: 1, arbitrary: segment('$CHILD') }))
      .map(([s, l, id]) => `/annotations/${s}/${l}/${id}`),
    body: bodyArb({ valid: validAnnotation, broken: annotation, deep: [(d) => `{"type":"Annotation","target":"$TEXT_URL","body":${d}}`] }),
    contentType: annoMediaType,
    headers: fc.oneof(
      { weight: 4, arbitrary: fc.constant<Record<string, string>>({ 'if-match': '$FRESH_ETAG' }) },
      { weight: 2, arbitrary: fc.constant({ 'if-match': '*' }) },
      { weight: 1, arbitrary: fc.constant({ 'if-match': '$STALE_ETAG' }) },
      { weight: 1, arbitrary: fc.constant({}) },
      { weight: 1, arbitrary: nastyString.filter((s) => /^[\x20-\x7e]*$/.test(s)).map((s) => ({ 'if-match': s })) },
    ),
  });

  fuzz(
    'POST /api/texts/:slug/layers/:layer/import',
    {
      method: 'POST',
      path: fc.tuple(segment('fuzz'), fc.constantFrom('imports', 'imports', 'private', 'notes')).map(([s, l]) => `/api/texts/${s}/layers/${l}/import`),
      body: bodyArb({
        valid: fc.oneof(
          fc.array(validAnnotation, { maxLength: 5 }),
          fc.record({ type: fc.constant('AnnotationPage'), items: fc.array(validAnnotation, { maxLength: 5 }) }),
          fc.record({ type: fc.constant('AnnotationCollection'), first: fc.record({ items: fc.array(validAnnotation, { maxLength: 3 }), next: fc.record({ items: fc.array(validAnnotation, { maxLength: 3 }) }) }) }),
        ),
        broken: annotationCollection,
        deep: [(d) => `[{"type":"Annotation","target":{"source":"$TEXT_URL","selector":${d}}}]`, (d) => `{"type":"AnnotationCollection","first":${d}}`],
      }),
      contentType: 'application/ld+json',
    },
    [
      example('POST', '/api/texts/fuzz/layers/imports/import', text(`[{"type":"Annotation","target":{"source":"$TEXT_URL","selector":${deepJson(200_000, '{"type":"X","refinedBy":', '}', '{"type":"TextQuoteSelector","exact":"light"}')}}}]`), 'application/ld+json'),
      example('POST', '/api/texts/fuzz/layers/imports/import', text(`{"type":"AnnotationCollection","first":${deepJson(200_000, '{"items":[],"next":', '}', '{}')}}`), 'application/ld+json'),
      example('POST', '/api/texts/fuzz/layers/imports/import', json(Array.from({ length: 5001 }, () => ({ target: '$TEXT_URL' }))), 'application/ld+json'),
      example('POST', '/api/texts/fuzz/layers/imports/import', json([{ target: { source: '$TEXT_URL', selector: { type: 'TextQuoteSelector', exact: 'light' } }, bodyValue: 'ok' }, { target: 5 }]), 'application/ld+json'),
    ],
  );

  fuzz(
    'DELETE /annotations/:text/:layer/:id',
    {
      method: 'DELETE',
      path: fc
        .tuple(segment('fuzz'), fc.constantFrom('notes', 'notes', 'private', 'imports'), fc.oneof(placeholder(['ADEL_A', 'ADEL_B', 'ADEL_C', 'BOBS']), segment('$ADEL_A')))
        .map(([s, l, id]) => `/annotations/${s}/${l}/${id}`),
      body: fc.oneof(fc.constant<Body>({ kind: 'none' }), bodyArb({ valid: fc.constant({}), broken: fc.anything() })),
      headers: fc.oneof(
        { weight: 3, arbitrary: fc.constant<Record<string, string>>({ 'if-match': '$FRESH_ETAG' }) },
        { weight: 1, arbitrary: fc.constant({ 'if-match': '*' }) },
        { weight: 1, arbitrary: fc.constant({ 'if-match': '$STALE_ETAG' }) },
        { weight: 1, arbitrary: fc.constant({}) },
      ),
    },
    [],
    40,
  );

  fuzz(
    'DELETE /api/tokens/:id',
    {
      method: 'DELETE',
      path: fc.oneof(placeholder(['TOKEN_A', 'TOKEN_B', 'TOKEN_C']), segment('$TOKEN_A')).map((id) => `/api/tokens/${id}`),
      body: fc.oneof(fc.constant<Body>({ kind: 'none' }), bodyArb({ valid: fc.constant({}), broken: fc.anything() })),
    },
    [],
    40,
  );

  // Last: logging out as the owner ends the session every test above relies on.
  fuzz(
    'POST /api/auth/logout',
    {
      method: 'POST',
      path: fc.constant('/api/auth/logout'),
      body: fc.oneof(fc.constant<Body>({ kind: 'none' }), bodyArb({ valid: fc.constant({}), broken: fc.anything() })),
    },
    [],
    40,
  );

  it('sends the deep refinedBy annotation whole, under the 64 KiB limit, so it reaches the parser', () => {
    expect(Buffer.byteLength(fillText(deepAnnotation))).toBeLessThan(64 * 1024);
  });
});
