/**
 * The demo a newcomer sees on first run: Pirkei Avot chapter 1 in Hebrew with Bartenura, the
 * English translation with the English Bartenura, a public reading group whose study layer holds
 * a few glosses, a question with a threaded discussion, and a gloss on a Bartenura comment
 * (commentary on commentary).
 * Everything goes through the same services as the API, as the demo people would write it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from './project-root.ts';
import type { DB } from './storage/database.ts';
import type { AppContext } from './services/context.ts';
import { ensureLocalUser } from './services/auth.ts';
import { createGloss } from './services/glosses.ts';
import { createLayer } from './services/layers.ts';
import { createGroup, joinGroup, setRole } from './services/groups.ts';
import { createReply } from './services/replies.ts';
import { importSefaria } from './services/sefaria-import.ts';
import { addParallel } from './services/parallels.ts';

function fixture(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(projectRoot, 'fixtures/sefaria', name), 'utf8'));
}

/** Whether the database holds no text yet. */
export async function isEmpty(db: DB): Promise<boolean> {
  return (await db.selectFrom('text').select('id').limit(1).executeTakeFirst()) === undefined;
}

/** Loads the demo; returns the slugs of the texts it made. */
export async function loadDemo(ctx: AppContext): Promise<{ texts: string[] }> {
  const library = await ensureLocalUser(ctx.db, 'daf', 'Daf Library');
  let miriam = await ensureLocalUser(ctx.db, 'miriam', 'Miriam Levi');
  let yosef = await ensureLocalUser(ctx.db, 'yosef', 'Yosef Adler');
  let hannah = await ensureLocalUser(ctx.db, 'hannah', 'Hannah Stern');

  const he = await importSefaria(ctx, library, fixture('pirkei_avot.he.json'), [fixture('bartenura_on_pirkei_avot.he.json')], {
    slug: 'pirkei-avot',
    title: 'Pirkei Avot · פרקי אבות',
    attribution: 'Mishnah, ed. Romm, Vilna 1913 — via Sefaria (sefaria.org)',
  });
  const en = await importSefaria(ctx, library, fixture('pirkei_avot.en.json'), [fixture('bartenura_on_pirkei_avot.en.json')], {
    slug: 'pirkei-avot-en',
    title: 'Pirkei Avot (English)',
    license: 'Public Domain',
    attribution: 'Charles Taylor, Sayings of the Jewish Fathers (Pirqe Aboth), 1897 — via Sefaria',
  });

  // Each is the other's translation: the page can show them side by side.
  await addParallel(ctx, library, he.text, en.text);
  await addParallel(ctx, library, en.text, he.text);

  // A public reading group owns the study layers: anyone may join it and write there.
  await createGroup(ctx, miriam, {
    slug: 'avot-circle',
    name: 'The Thursday Avot circle',
    description: 'A reading group working through Pirkei Avot, a mishnah a week.',
    visibility: 'public',
    joinPolicy: 'open',
  });
  for (const person of [yosef, hannah]) await joinGroup(ctx, person, 'avot-circle');
  miriam = await ensureLocalUser(ctx.db, 'miriam');
  await setRole(ctx, miriam, 'avot-circle', 'yosef', 'moderator');
  [yosef, hannah] = [await ensureLocalUser(ctx.db, 'yosef'), await ensureLocalUser(ctx.db, 'hannah')];

  const layer = { name: 'Study notes', slug: 'study-notes', visibility: 'public' as const, group: 'avot-circle', writePolicy: 'members' as const };
  await createLayer(ctx, miriam, en.text, { ...layer, description: 'Open notes of the Thursday reading group', color: '#2f855a' });
  await createLayer(ctx, miriam, he.text, { ...layer, description: 'Notes in English on the Hebrew text', color: '#2f855a' });

  const md = (markdown: string) => ({ markdown });
  await createGloss(ctx, miriam, en.text, 'study-notes', {
    target: { exact: 'Be deliberate in judgment' },
    body: md('*Deliberate* is not *slow*: the judge is asked to **weigh** a case, not to delay it. Compare Deut. 1:17.'),
  });
  const { id: question } = await createGloss(ctx, yosef, en.text, 'study-notes', {
    target: { exact: 'make a fence to the Thorah' },
    body: md('What counts as a *fence*? Is every stringency a fence, or only one that protects a specific commandment?'),
    motivation: 'questioning',
  });
  const first = JSON.parse(
    await createReply(ctx, hannah, question, {
      body: md('Bartenura reads it as the rabbinic decrees that keep a person far from a transgression — so a fence guards a *specific* law.'),
    }),
  ) as { id: number };
  await createReply(ctx, miriam, question, {
    body: md('But a fence that is too high becomes a burden of its own. Avot de-Rabbi Natan warns about exactly that with Adam and Eve.'),
    parent: first.id,
  });
  await createReply(ctx, yosef, question, { body: md('So the measure is whether the fence still serves the field. Thank you both.'), parent: first.id });

  // Commentary on commentary: a note on Bartenura's first comment on 1:1.
  const bartenura = await ctx.db
    .selectFrom('gloss as g')
    .innerJoin('layer as l', 'l.id', 'g.layer_id')
    .innerJoin('text as t', 't.id', 'g.text_id')
    .select(['g.id'])
    .where('t.slug', '=', en.text)
    .where('l.slug', '=', en.layers[0].slug)
    .orderBy('g.id')
    .executeTakeFirstOrThrow();
  await createGloss(ctx, hannah, en.text, 'study-notes', {
    target: { exact: 'the Sages of the nations of the world', gloss: bartenura.id },
    body: md('Bartenura grants that other nations have real ethical writing; what differs is the *source*, not the content.'),
  });

  await createGloss(ctx, miriam, he.text, 'study-notes', {
    target: { exact: 'הוו מתונים בדין' },
    body: md('"Be deliberate in judgment" — the first of the three sayings of the Men of the Great Assembly.'),
  });
  return { texts: [he.text, en.text] };
}
