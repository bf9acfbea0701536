/** An address (a slug) made from a name, for the forms that offer one. Pure, tested without a browser. */

/** A group's address made from its name: lower-case letters and digits joined by "-", as the server takes it. */
export function slugFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}
