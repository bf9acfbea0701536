/**
 * How a post's author is named on a card: the display name they chose, followed by their handle,
 * which is unique and cannot be chosen twice. Anyone may call themselves "Olga Owner"; only one
 * person is @olga, so a reader can always tell who wrote.
 */

/** The author's name and handle ("Olga Owner @olga"; the handle alone when the name is the handle), or `missing`. */
export function authorName(author: { handle: string; name: string } | null | undefined, missing: string): string {
  if (!author) return missing;
  const name = author.name.trim();
  return name === '' || name === author.handle ? `@${author.handle}` : `${name} @${author.handle}`;
}
