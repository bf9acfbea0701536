/**
 * Keeping what a fresh read did not change: pure, so it is tested without a browser.
 */

/**
 * The new list, with each item that has not changed replaced by the old object, so that Lit
 * leaves its card alone.
 */
export function keepUnchanged<T extends { slug?: string; id?: number }>(old: T[], next: T[]): T[] {
  const before = new Map(old.map((item) => [item.id ?? item.slug, item]));
  const json = new Map<T, string>();
  const same = (a: T, b: T) => {
    if (!json.has(a)) json.set(a, JSON.stringify(a));
    return json.get(a) === JSON.stringify(b);
  };
  return next.map((item) => {
    const previous = before.get(item.id ?? item.slug);
    return previous && same(previous, item) ? previous : item;
  });
}
