import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { failureMessage } from '../api.ts';

/**
 * The requests of a component that change something, one at a time: whether one is under way
 * (`busy`, to disable buttons), what the last one did (`status`, a sentence for a live region)
 * and why it failed (`error`, the server's message). Every change re-renders the host, which
 * shows both with `regions()`.
 */
export class ActionController implements ReactiveController {
  busy = false;
  status = '';
  error = '';
  /** What the last failed request threw (an `ApiError` with its status when the server answered). */
  failure: unknown = null;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected() {}

  /**
   * Runs `action`: the sentence it returns becomes the status; if it throws, its message
   * becomes the error. Resolves to whether it succeeded.
   */
  async run(action: () => Promise<string | void>): Promise<boolean> {
    this.busy = true;
    this.clear();
    try {
      this.status = (await action()) ?? '';
      return true;
    } catch (e) {
      this.fail(e);
      return false;
    } finally {
      this.busy = false;
      this.host.requestUpdate();
    }
  }

  /** Forgets the last status and error (the host now shows something else). */
  clear() {
    this.status = '';
    this.error = '';
    this.failure = null;
    this.host.requestUpdate();
  }

  /** Says why something cannot be done, before asking the server (what it would answer). */
  refuse(message: string) {
    this.clear();
    this.error = message;
  }

  /** Shows why something failed: the server's message, or that it could not be reached. */
  fail(e: unknown) {
    this.failure = e;
    this.error = failureMessage(e);
    this.host.requestUpdate();
  }

  /** The live regions: a status that is announced, and an alert with the error. */
  regions() {
    return html`<p class="status" role="status">${this.status}</p>
      <p class="error" role="alert">${this.error}</p>`;
  }
}
