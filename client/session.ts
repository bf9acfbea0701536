/**
 * Who is reading: the signed-in person (or null), shared by every component. Components hold a
 * `SessionController`, which re-renders them when someone signs in or out.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { api, type Me } from './api.ts';

class Session extends EventTarget {
  me: Me | null = null;
  /** Whether the server has answered who is signed in; until then `me` is null but unknown. */
  known = false;
  private loading: Promise<Me | null> | null = null;

  /** Asks the server once who is signed in; later calls share the answer. */
  load(): Promise<Me | null> {
    this.loading ??= api.me().then(
      (me) => this.set(me),
      () => this.set(null),
    );
    return this.loading;
  }

  async signUp(handle: string, password: string, displayName?: string): Promise<Me> {
    return this.set(await api.signup(handle, password, displayName))!;
  }

  async logIn(handle: string, password: string): Promise<Me> {
    return this.set(await api.login(handle, password))!;
  }

  async logOut(): Promise<void> {
    await api.logout();
    this.set(null);
  }

  /** The person as they now are (after a change of name), or null once their sessions ended. */
  update(me: Me | null): void {
    this.set(me);
  }

  private set(me: Me | null): Me | null {
    this.me = me;
    this.known = true;
    this.loading = Promise.resolve(me);
    this.dispatchEvent(new Event('change'));
    return me;
  }
}

/** The one session of the page. */
export const session = new Session();

/** Re-renders its host when the session changes, and loads it when the host connects. */
export class SessionController implements ReactiveController {
  /** `onChange`, if given, also runs when someone signs in or out (not on the first load). */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onSignInOrOut?: () => void,
  ) {
    host.addController(this);
  }

  get me(): Me | null {
    return session.me;
  }

  /** Whether the session has been loaded, so that a null `me` really means a visitor. */
  get known(): boolean {
    return session.known;
  }

  private answered = session.known;

  private onChange = () => {
    // The first answer of who is reading is not a change of reader: the host's own requests
    // carried the same cookie.
    const first = !this.answered;
    this.answered = true;
    this.host.requestUpdate();
    if (!first) this.onSignInOrOut?.();
  };

  hostConnected() {
    session.addEventListener('change', this.onChange);
    void session.load();
  }

  hostDisconnected() {
    session.removeEventListener('change', this.onChange);
  }
}
