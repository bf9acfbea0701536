// The composer and its editor (ProseMirror's commands, history, keymaps and lists, and the
// toolbar) are not part of the reader's first load: a reader who only reads never fetches them.
// They load when a reader selects a passage or opens a reply or edit form, and a page renders
// <daf-composer> at once; the element upgrades when its module arrives (Lit keeps the properties
// set before). See README, "Benchmarks": app_js_wire_kb and app_js_wire_gzip_kb.

let loading: Promise<void> | null = null;

/** Loads <daf-composer> (once); resolves when the element is defined. */
export function loadComposer(): Promise<void> {
  return (loading ??= import('./daf-composer.ts').then(() => undefined));
}
