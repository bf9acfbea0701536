/**
 * Slugs made from titles and names: lower-case ASCII letters, digits and hyphens. A title with
 * no Latin letters (a Hebrew title, say) falls back to `fallback`; a taken slug gets -2, -3, ….
 */

/** Longest slug; matches the API's slug rule. */
const maxSlugLength = 64;

/** A slug for `title`, or `fallback` if nothing of it survives. */
export function slugify(title: string, fallback: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxSlugLength - 4)
    .replace(/-+$/g, '');
  return slug || fallback;
}

/** The first of `base`, `base-2`, `base-3`, … that `taken` says is free. */
export async function uniqueSlug(base: string, taken: (slug: string) => Promise<boolean>): Promise<string> {
  if (!(await taken(base))) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!(await taken(candidate))) return candidate;
  }
}
