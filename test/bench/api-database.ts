/**
 * A large Daf database for the API benchmark: 100 public texts with 1,000 glosses each (100,000
 * in all) in three layers per text, with their anchors, a few glosses on glosses, and threads of
 * replies on about one gloss in ten. The schema comes from the real migrations (`openDatabase`);
 * rows are then written directly through better-sqlite3 prepared statements in one transaction,
 * which takes seconds where the HTTP API would take many minutes. Rows are shaped as the services
 * write them: selectors JSON `{exact, prefix, suffix, start, end, segment}` from `describeRange`,
 * gloss-schema ProseMirror JSON bodies with their plain-text projection, anchors at version 1.
 * `benchWriter` writes those rows; the client benchmark (client-render.ts) builds its text with it.
 */
import type SQLite from 'better-sqlite3';
import { describeRange } from '../../schema/anchoring/index.ts';
import { openDatabase } from '../../server/storage/open-database.ts';
import { createRandom, type Random } from './random.ts';
import { generateText, wordsIn, type Span, type SyntheticText } from './synthetic-text.ts';

/** The shape of the benchmark database. */
export const apiSetup = {
  seed: 5781,
  texts: 100,
  glossesPerText: 1000,
  layersPerText: 3,
  users: 50,
  /** Length of each text's projection, in UTF-16 units. */
  textLength: 20_000,
  /** Share of glosses that comment on another gloss's body rather than on the text. */
  glossOnGlossShare: 0.03,
  /** Share of glosses with a thread, and the most replies in one. */
  threadShare: 0.1,
  maxReplies: 3,
};

/** What the builder made, for the benchmark to query. */
export interface BenchDatabase {
  /** Slug of every text, in id order. */
  slugs: string[];
  glosses: number;
  replies: number;
}

interface PmText {
  type: 'text';
  text: string;
  marks?: { type: string }[];
}

/** A gloss-schema body: 1–3 paragraphs, a word in emphasis now and then, and its projection. */
export function randomBody(rnd: Random): { doc: string; text: string } {
  const source = generateText(rnd, rnd.between(40, 360));
  const content = source.paragraphs.map((p) => {
    const text = source.text.slice(p.start, p.end);
    const inline: PmText[] = [];
    const words = wordsIn(source.text, p.start, p.end);
    if (words.length > 3 && rnd.chance(0.3)) {
      const w = words[rnd.between(1, words.length - 2)];
      inline.push({ type: 'text', text: source.text.slice(p.start, w.start) });
      inline.push({ type: 'text', marks: [{ type: 'em' }], text: source.text.slice(w.start, w.end) });
      inline.push({ type: 'text', text: source.text.slice(w.end, p.end) });
    } else {
      inline.push({ type: 'text', text });
    }
    return { type: 'paragraph', content: inline };
  });
  return { doc: JSON.stringify({ type: 'doc', content }), text: source.text };
}

/** A quote as a reader selects one: from a word's start, 10–60 units, to a word's end, inside a paragraph. */
function randomQuote(rnd: Random, source: SyntheticText): { start: number; end: number } {
  for (;;) {
    const p = rnd.pick(source.paragraphs);
    const words = wordsIn(source.text, p.start, p.end);
    if (words.length < 2) continue;
    const first = rnd.int(words.length - 1);
    const want = rnd.between(10, 60);
    let last = first + 1;
    while (last + 1 < words.length && words[last + 1].end - words[first].start <= want) last++;
    return { start: words[first].start, end: words[last].end };
  }
}

/** The selectors JSON exactly as `selectorsJson` in server/services/glosses.ts writes it (no segments here). */
function selectorsJson(text: string, start: number, end: number): string {
  const d = describeRange(text, start, end);
  return JSON.stringify({ exact: d.exact, prefix: d.prefix, suffix: d.suffix, start, end, segment: null });
}

/** One layer of a text: its name (the slug is derived from it) and colour. */
export interface BenchLayer {
  name: string;
  color: string;
}

/** A gloss for `benchWriter` to write. */
export interface BenchGloss {
  id: number;
  textId: number;
  layerIds: readonly number[];
  targetId: number | null;
  targetText: string;
  span: Span;
  body: { doc: string; text: string };
  created: string;
}

/**
 * Writes benchmark rows into a freshly migrated database through prepared statements (call it
 * inside a transaction), drawing authors, timestamps, motivations and reply threads from `rnd`,
 * in a fixed order so that a seed always gives the same database.
 */
export function benchWriter(db: SQLite.Database, rnd: Random, users: number) {
  const insertUser = db.prepare(
    'INSERT INTO user (id, handle, handle_key, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertText = db.prepare(
    `INSERT INTO text (id, slug, title, language, direction, license, attribution, owner_id, visibility, current_version, created_at)
     VALUES (?, ?, ?, 'en', 'ltr', NULL, NULL, ?, 'public', 1, ?)`,
  );
  const insertVersion = db.prepare(
    `INSERT INTO text_version (text_id, number, doc, projection, segments, created_by, created_at) VALUES (?, 1, ?, ?, '[]', ?, ?)`,
  );
  const insertLayer = db.prepare(
    `INSERT INTO layer (id, text_id, slug, name, description, color, owner_id, visibility, write_policy, license, attribution, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'public', 'signed_in', NULL, NULL, ?)`,
  );
  const insertGloss = db.prepare(
    `INSERT INTO gloss (id, layer_id, text_id, target_gloss_id, target_version, selectors, body_doc, body_text, body_revision,
       author_id, motivation, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, 1, ?, ?, ?, 1, ?, ?, 'active', ?, ?)`,
  );
  const insertAnchor = db.prepare(
    `INSERT INTO anchor (gloss_id, version, start, "end", status, score, exact) VALUES (?, 1, ?, ?, 'exact', 1, ?)`,
  );
  const insertReply = db.prepare(
    `INSERT INTO reply (id, gloss_id, parent_id, author_id, body_doc, body_text, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?)`,
  );
  const motivations = ['commenting', 'commenting', 'commenting', 'questioning', 'describing', 'linking'];
  let clock = Date.UTC(2026, 0, 1);
  let layerId = 0;
  let replyId = 0;
  const now = (): string => new Date((clock += rnd.between(1000, 600_000))).toISOString();
  return {
    now,
    /** Replies written so far. */
    replies: () => replyId,
    /** Users 1..`users`, `reader01`, `reader02`, … */
    users(): void {
      for (let u = 1; u <= users; u++) {
        const handle = `reader${String(u).padStart(2, '0')}`;
        insertUser.run(u, handle, handle, `Reader ${u}`, 'scrypt$bench$not-a-real-hash', now());
      }
    },
    /** A public text of flat paragraphs at version 1, with its layers; returns the layers' ids. */
    text(id: number, slug: string, source: SyntheticText, layers: readonly BenchLayer[]): number[] {
      const doc = {
        type: 'doc',
        content: source.paragraphs.map((s) => ({ type: 'paragraph', content: [{ type: 'text', text: source.text.slice(s.start, s.end) }] })),
      };
      insertText.run(id, slug, `Benchmark text ${id}`, 1, now());
      insertVersion.run(id, JSON.stringify(doc), source.text, 1, now());
      return layers.map((l) => {
        insertLayer.run(++layerId, id, l.name.toLowerCase().replace(/ /g, '-'), l.name, `${l.name} on text ${id}`, l.color, rnd.between(1, users), now());
        return layerId;
      });
    },
    /**
     * A gloss on `span` of `targetText` (the text's projection, or the body of gloss `targetId`)
     * in one of `layerIds`, with its exact anchor and, by chance `thread.share`, a thread of up
     * to `thread.maxReplies` replies.
     */
    gloss(g: BenchGloss, thread: { share: number; maxReplies: number }): void {
      const { span } = g;
      insertGloss.run(
        g.id,
        rnd.pick(g.layerIds),
        g.textId,
        g.targetId,
        selectorsJson(g.targetText, span.start, span.end),
        g.body.doc,
        g.body.text,
        rnd.between(1, users),
        rnd.pick(motivations),
        g.created,
        g.created,
      );
      insertAnchor.run(g.id, span.start, span.end, g.targetText.slice(span.start, span.end));
      if (rnd.chance(thread.share)) {
        let parentReply: number | null = null;
        for (let r = rnd.between(1, thread.maxReplies); r > 0; r--) {
          const reply = randomBody(rnd);
          const at = now();
          insertReply.run(++replyId, g.id, parentReply, rnd.between(1, users), reply.doc, reply.text, at, at);
          parentReply = rnd.chance(0.5) ? replyId : parentReply;
        }
      }
    },
  };
}

/** The API benchmark's layers. */
const layerNames = ['Notes', 'Questions', 'Translation notes'];

/** Creates and fills the database at `file` (which must not exist yet). */
export async function buildBenchDatabase(file: string): Promise<BenchDatabase> {
  const p = apiSetup;
  const rnd = createRandom(p.seed);
  const database = await openDatabase(file);
  const write = benchWriter(database.sqlite, rnd, p.users);
  const layers = layerNames.slice(0, p.layersPerText).map((name) => ({ name, color: '#2e6f9e' }));
  const slugs: string[] = [];
  let glossId = 0;

  database.sqlite.transaction(() => {
    write.users();
    for (let t = 1; t <= p.texts; t++) {
      const slug = `bench-${String(t).padStart(3, '0')}`;
      slugs.push(slug);
      const source = generateText(rnd, p.textLength);
      const layerIds = write.text(t, slug, source, layers);
      const bodies: string[] = []; // body text of this text's glosses, by index, for glosses on glosses
      const firstId = glossId + 1;
      for (let g = 0; g < p.glossesPerText; g++) {
        const id = ++glossId;
        const body = randomBody(rnd);
        bodies.push(body.text);
        const created = write.now();
        const onGloss = g > 10 && rnd.chance(p.glossOnGlossShare);
        let targetId: number | null = null;
        let targetText = source.text;
        let span: Span;
        if (onGloss) {
          const parent = rnd.int(g);
          targetId = firstId + parent;
          targetText = bodies[parent];
          const words = wordsIn(targetText, 0, targetText.length);
          const a = rnd.int(Math.max(1, words.length - 3));
          span = { start: words[a].start, end: words[Math.min(words.length - 1, a + rnd.between(1, 4))].end };
        } else {
          span = randomQuote(rnd, source);
        }
        write.gloss({ id, textId: t, layerIds, targetId, targetText, span, body, created }, { share: p.threadShare, maxReplies: p.maxReplies });
      }
    }
  })();
  await database.close();
  return { slugs, glosses: glossId, replies: write.replies() };
}
