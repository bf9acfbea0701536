/**
 * A layer's colour and slug as they go into a stylesheet or a style attribute. The server keeps
 * colours as `#rrggbb` and slugs as lowercase words joined by hyphens; the page checks again, so
 * that a layer from another server (or a bug) can never write CSS of its own into the page.
 */

/** A layer's colour: `#rrggbb` as the server keeps it, else the page's accent. */
export function cssColor(color: string): string {
  return /^#[0-9a-f]{6}$/i.test(color) ? color : 'var(--daf-accent)';
}

/** A class selector for `prefix` + `slug`, escaped (`.layer-notes`). */
export function classSelector(prefix: string, slug: string): string {
  return `.${CSS.escape(prefix + slug)}`;
}
