/**
 * The one error services throw. `app.onError` turns it into
 * `{ "error": { "code", "message" } }` with its status; anything else is logged as a 500.
 */
export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    /** A stable snake_case code that scripts can test for. */
    readonly code: string,
    /** The HTTP status, always 4xx for a caller's mistake. */
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 412 | 413 | 415 | 421 | 422 | 428 | 429 | 501 | 503,
    message: string,
    /** Extra headers for the response (Retry-After, …). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The 404 for something that does not exist or that the viewer may not know exists. */
export function notFound(what: string): AppError {
  return new AppError('not_found', 404, `${what} not found`);
}

/** The 403 for someone banned from the group whose layer they act in. */
export function bannedFromGroup(): AppError {
  return new AppError('banned', 403, "You are banned from this layer's group");
}
