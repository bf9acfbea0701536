/**
 * A person's page, `/u/:handle` (README, "Accounts"): who they are, the groups they belong to
 * that the viewer may see, and their glosses that the viewer may read, newest first. What is
 * shown is what the viewer could find anyway, by the same rules as every listing: a private
 * group's membership shows only to its members, a gloss only where the viewer may read its layer,
 * and someone else's pending or hidden post never (their own page shows them theirs).
 */
import { notFound } from '../errors.ts';
import type { DB } from '../storage/database.ts';
import { glossesByAuthor, groupsOfMember } from '../storage/profiles.ts';
import { findUserByHandle } from '../storage/users.ts';
import { canSeeGroup, type Viewer } from './policy.ts';

/** Glosses on one page of a profile. */
export const profilePageSize = 20;

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The profile of `handle` as `viewer` may see it; 404 for no such (or a deleted) account. */
export async function profile(db: DB, viewer: Viewer | null, handle: string, page: { before?: number } = {}) {
  const user = await findUserByHandle(db, handle);
  if (!user || user.deleted_at !== null) throw notFound(`Person "${handle}"`);
  const own = viewer?.id === user.id;
  const rows = await glossesByAuthor(db, user.id, viewer, { limit: profilePageSize + 1, before: page.before });
  const groups = (await groupsOfMember(db, user.id)).filter((g) => canSeeGroup(viewer, g));
  return {
    handle: user.handle,
    name: user.display_name,
    joined: user.created_at,
    groups: groups.map((g) => ({ slug: g.slug, name: g.name, role: g.role })),
    glosses: rows.slice(0, profilePageSize).map((r) => {
      const selectors = JSON.parse(r.selectors) as { exact?: unknown; segment?: unknown };
      return {
        id: r.id,
        text: r.text_slug,
        textTitle: r.text_title,
        layer: r.layer_slug,
        layerName: r.layer_name,
        ref: typeof selectors.segment === 'string' ? selectors.segment : null,
        quote: typeof selectors.exact === 'string' ? cut(selectors.exact, 200) : '',
        excerpt: cut(r.body_text, 300),
        created: r.created_at,
        ...(own ? { status: r.status } : {}),
      };
    }),
    /** The `before` of the next page, or null at the end. */
    next: rows.length > profilePageSize ? rows[profilePageSize - 1].id : null,
  };
}
