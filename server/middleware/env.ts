/** The Hono environment of Daf's app: what middleware puts on the context for routes. */
import type { AppContext } from '../services/context.ts';
import type { Credential } from '../services/auth.ts';
import type { Viewer } from '../services/policy.ts';

export type AppEnv = {
  Variables: {
    ctx: AppContext;
    /** The person making the request, or null for a visitor. */
    viewer: Viewer | null;
    /** How the viewer was recognised: a session cookie needs origin checks, a bearer token not. */
    authMethod: 'cookie' | 'bearer' | null;
    /** The credential the viewer was recognised by (a live stream checks it again), or null. */
    credential: Credential | null;
    /** The base URL of this server as the client sees it, without a trailing slash. */
    baseUrl: string;
    /** The client's network address (see middleware/client-address.ts). */
    clientAddress: string;
  };
};
