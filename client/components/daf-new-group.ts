import { LitElement, html, css } from 'lit';
import { ApiError, api } from '../api.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { SessionController } from '../session.ts';
import { formSettings, groupFields, groupFormStyles } from './group-form.ts';
import { slugFromName } from '../slug-from-name.ts';
import { groupPageFrame, groupStyles } from './group-styles.ts';

/** What the address field takes (checked with the `v` flag, where "-" in a class is escaped). */
const slugPattern = String.raw`[a-z0-9][a-z0-9\-]*`;

/**
 * `/g/new`: the form that starts a reading group. Its address follows its name until the
 * organiser changes it; Create group sends it, and lands on the new group's page. The server
 * judges every field: its message shows beside the address when that is taken, else under the
 * form. A visitor is asked to log in first.
 */
export class DafNewGroup extends LitElement {
  static override styles = [
    groupStyles,
    groupPageFrame,
    groupFormStyles,
    css`
      .address {
        display: flex;
        align-items: baseline;
        gap: 0.25rem;
      }
      .address input {
        flex: 1;
      }
    `,
  ];

  private readonly session = new SessionController(this);
  private readonly actions = new ActionController(this);
  /** The address as typed, or null while it follows the name. */
  private typedSlug: string | null = null;
  private slug = '';

  private onName = (event: InputEvent) => {
    if (this.typedSlug !== null) return;
    this.slug = slugFromName((event.target as HTMLInputElement).value);
    this.requestUpdate();
  };

  private onSlug(event: InputEvent) {
    this.typedSlug = (event.target as HTMLInputElement).value;
    this.slug = this.typedSlug;
  }

  private async create(event: SubmitEvent) {
    event.preventDefault();
    const input = { ...formSettings(event.target as HTMLFormElement), slug: this.slug };
    const made = await this.actions.run(async () => {
      await api.createGroup(input);
    });
    if (made) this.dispatchEvent(new CustomEvent('daf-navigate', { bubbles: true, composed: true, detail: { path: `/g/${encodeURIComponent(input.slug)}` } }));
  }

  /** The address field, under the name it is made from. */
  private address(taken: boolean) {
    return html`<label
          >Address
          <span class="address"
            >/g/<input
              name="slug"
              required
              maxlength="64"
              pattern=${slugPattern}
              aria-describedby="slug-hint ${taken ? 'slug-error' : ''}"
              aria-invalid=${taken ? 'true' : 'false'}
              .value=${this.slug}
              @input=${this.onSlug}
          /></span>
          <span class="hint" id="slug-hint">Lower-case letters, digits and “-”; made from the name until you change it.</span>
          ${taken ? html`<span class="field-error" id="slug-error" role="alert">${this.actions.error}</span>` : ''}
        </label>`;
  }

  override render() {
    if (!this.session.known) return html`<p aria-busy="true">Loading…</p>`;
    if (!this.session.me) return html`<h1>A new reading group</h1><p>Log in or sign up (at the top of the page) to start a reading group.</p>`;
    const taken = this.actions.failure instanceof ApiError && this.actions.failure.code === 'slug_taken';
    return html`<h1>A new reading group</h1>
      <form @submit=${this.create} aria-label="A new reading group">
        ${groupFields({ name: '', description: '', visibility: 'private', joinPolicy: 'invite', premoderation: false, trustAfter: 3 }, this.onName, this.address(taken))}
        <div class="actions"><button type="submit" class="primary" ?disabled=${this.actions.busy}>Create group</button></div>
      </form>
      ${taken ? '' : this.actions.regions()}`;
  }
}

customElements.define('daf-new-group', DafNewGroup);

declare global {
  interface HTMLElementTagNameMap {
    'daf-new-group': DafNewGroup;
  }
}
