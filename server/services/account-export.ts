/**
 * What a person takes with them (README, "Accounts"): everything they wrote on Daf, have not
 * deleted and may still read — glosses, whatever their state, replies and stances — as one W3C AnnotationCollection in
 * JSON-LD, which Hypothesis-style tools and Daf's own import (`POST …/import`) read. Glosses keep
 * their selectors (quote, position, segment) and bodies in Markdown; replies are annotations
 * `replying` to the gloss or reply they answer, and stances annotations `assessing` the gloss they
 * are on (docs/deliberation.md §6). What others wrote is not in it.
 */
import { annoContext, replyToAnnotation, stanceToAnnotation, type DafUrls } from '../../schema/w3c.ts';
import { replyRowsByAuthor, stanceRowsByAuthor } from '../storage/annotations.ts';
import type { DB } from '../storage/database.ts';
import { annotationsByAuthor } from './annotation-export.ts';
import { type Viewer } from './policy.ts';

/** The export of the viewer's account, and the file name it is offered under. */
export async function exportAccount(db: DB, viewer: Viewer, urls: DafUrls, now = new Date()) {
  const glosses = await annotationsByAuthor(db, viewer, urls);
  const replies = await replyRowsByAuthor(db, viewer);
  const author = { handle: viewer.handle, name: viewer.displayName };
  const stances = await stanceRowsByAuthor(db, viewer);
  const items = [
    ...glosses,
    ...replies.map((r) =>
      replyToAnnotation(
        {
          id: r.id,
          gloss: { id: r.gloss_id, textSlug: r.text_slug, layerSlug: r.layer_slug },
          parent: r.parent_id,
          created: r.created_at,
          updated: r.updated_at,
          author,
          bodyDoc: JSON.parse(r.body_doc),
        },
        urls,
      ),
    ),
    ...stances.map((st) =>
      stanceToAnnotation(
        {
          gloss: { id: st.gloss_id, textSlug: st.text_slug, layerSlug: st.layer_slug },
          stance: st.stance,
          reason: st.reason,
          created: st.created_at,
          updated: st.updated_at,
          author,
        },
        urls,
      ),
    ),
  ];
  const day = now.toISOString().slice(0, 10);
  const id = `${urls.person(viewer.handle)}#export-${now.toISOString()}`;
  return {
    fileName: `daf-${viewer.handle}-${day}.jsonld`,
    document: {
      '@context': annoContext,
      id,
      type: 'AnnotationCollection',
      label: `Everything @${viewer.handle} wrote on Daf, as of ${day}`,
      creator: { id: urls.person(viewer.handle), type: 'Person', nickname: viewer.handle, name: viewer.displayName },
      generated: now.toISOString(),
      total: items.length,
      first: { id: `${id}-page`, type: 'AnnotationPage', startIndex: 0, items },
    },
  };
}
