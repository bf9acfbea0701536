// Mentions: which people a post names (docs/notifications.md §1), shared by the server, which
// tells them, and the composer, which warns the writer of those who would not be told.

/** At most this many people are told of one post's mentions; later ones are not. */
export const maxMentions = 20;

/**
 * The handles a text mentions, lower-cased, once each, in order: `@` and a handle, not inside a
 * word or an e-mail address (`ada@example.org` mentions nobody); a full stop that ends the
 * sentence is not part of the handle.
 */
export function mentionedHandles(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/(?<![A-Za-z0-9_.@-])@([A-Za-z0-9_][A-Za-z0-9_.-]{1,31})/g)) {
    const handle = m[1]!.replace(/[.-]+$/, '').toLowerCase();
    if (handle.length >= 2) found.add(handle);
    if (found.size === maxMentions) break;
  }
  return [...found];
}

