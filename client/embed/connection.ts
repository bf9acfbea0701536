/**
 * A reader's connection from a page on another site to a Daf server: the bearer token they
 * approved in Daf's popup, kept in this site's localStorage under the server's origin. No
 * cookie of the Daf server is involved, so it works where third-party cookies are blocked.
 *
 * The popup (`/embed/connect`, see daf-connect.ts) posts the token to this page's origin only,
 * and here a message counts only if it comes from that popup window and the server's origin.
 */
import type { Me } from '../api.ts';

/** What the popup hands over. */
export interface Connection {
  token: string;
  /** The token's id, to revoke it when the reader signs out. */
  id: number;
  me: Me;
}

/** The popup's size: room for the log-in dialog. */
const popupFeatures = 'popup,width=480,height=640';

const storageKey = (origin: string) => `daf-connection:${origin}`;

/** Is this what the popup posts? */
function isConnection(value: unknown): value is Connection {
  const v = value as Partial<Connection> | null;
  return typeof v?.token === 'string' && typeof v.id === 'number' && typeof v.me?.handle === 'string' && typeof v.me.name === 'string';
}

/** The connection saved for a Daf server, or null (also when this page may not use storage). */
export function savedConnection(origin: string): Connection | null {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(storageKey(origin)) ?? 'null');
    return isConnection(value) ? value : null;
  } catch {
    return null;
  }
}

/** Forgets the connection to a Daf server. */
export function forgetConnection(origin: string): void {
  try {
    localStorage.removeItem(storageKey(origin));
  } catch {
    /* storage is not available to this page: nothing was kept */
  }
}

/**
 * Opens the Daf server's sign-in popup and resolves with the connection once the reader has
 * approved this site there, or null if they cancel or close it. Rejects when the popup is blocked.
 */
export function connect(origin: string): Promise<Connection | null> {
  const popup = window.open(`${origin}/embed/connect?origin=${encodeURIComponent(location.origin)}`, 'daf-connect', popupFeatures);
  if (!popup) return Promise.reject(new Error('The sign-in window was blocked: allow pop-ups for this site and try again.'));
  return new Promise((resolve) => {
    const finish = (connection: Connection | null) => {
      window.removeEventListener('message', onMessage);
      clearInterval(watch);
      resolve(connection);
    };
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== origin || event.source !== popup) return;
      const data = event.data as { type?: string; connection?: unknown } | null;
      if (data?.type === 'daf-token' && isConnection(data.connection)) {
        try {
          localStorage.setItem(storageKey(origin), JSON.stringify(data.connection));
        } catch {
          /* kept for this page's life only */
        }
        finish(data.connection);
      } else if (data?.type === 'daf-cancel') {
        finish(null);
      }
    };
    window.addEventListener('message', onMessage);
    // A closed popup sends nothing; look for it now and then.
    const watch = setInterval(() => popup.closed && finish(null), 500);
  });
}
