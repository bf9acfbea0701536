/**
 * The error every importer throws for content that cannot become a valid document: malformed
 * JSON, a node the schema does not know, an unsafe link. It carries a message for a person;
 * the server answers it with a 4xx.
 */
export class ContentError extends Error {
  override readonly name = 'ContentError';
}
