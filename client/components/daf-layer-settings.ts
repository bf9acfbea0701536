import { LitElement, html, css, nothing } from 'lit';
import type { UpdateLayerInput } from '../../schema/api.ts';
import { api, type Layer } from '../api.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { groupFormStyles } from './group-form.ts';
import { groupStyles } from './group-styles.ts';
import { formPolicies, layerPolicyFields } from './layer-fields.ts';

/**
 * A group layer's settings, changed by the group's owners on its page: its name, description and
 * colour, who sees it, who writes and who replies, whether its public glosses go to the group's
 * followers elsewhere, and read first. A layer followed from another Daf keeps only what is the
 * group's here: its name, description, colour, who sees it and whether members answer in its threads. The
 * layer is read when the form opens; only what changed is sent (`PATCH`), and the server judges
 * it: its message shows under the form. Saved, it fires `daf-group-changed`, so the group page
 * reads its layers again.
 */
export class DafLayerSettings extends LitElement {
  static override styles = [
    groupStyles,
    groupFormStyles,
    css`
      form {
        margin-block-start: 0.5rem;
        padding-inline-start: 0.75rem;
        border-inline-start: 3px solid var(--daf-muted);
      }
    `,
  ];

  static override properties = {
    text: { type: String },
    layer: { type: String },
    groupFederated: { type: Boolean },
    current: { state: true },
  };

  /** The text the layer is on, and the layer, by their slugs. */
  declare text: string;
  declare layer: string;
  /** Whether the group may be followed from other servers: until it may, a layer publishes nothing. */
  declare groupFederated: boolean;
  /** The layer as last read or saved; null until read. */
  declare current: Layer | null;

  private readonly actions = new ActionController(this);

  constructor() {
    super();
    this.text = '';
    this.layer = '';
    this.groupFederated = false;
    this.current = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.actions.run(async () => {
      this.current = await api.layer(this.text, this.layer);
    });
  }

  /** What the form says that differs from the layer as it is. */
  private changes(form: HTMLFormElement, l: Layer): UpdateLayerInput {
    const data = new FormData(form);
    const asked: UpdateLayerInput = {
      name: String(data.get('name') ?? '').trim(),
      description: String(data.get('description') ?? '').trim(),
      color: String(data.get('color')),
      ...formPolicies(form),
    };
    const changed: UpdateLayerInput = {};
    for (const [key, value] of Object.entries(asked) as [keyof UpdateLayerInput, unknown][]) {
      const was = l[key as keyof Layer];
      // A colour picker answers in lower case; the API may have stored "#A1B2C3".
      const same = key === 'color' ? String(value).toLowerCase() === String(was).toLowerCase() : value === was;
      if (!same) (changed as Record<string, unknown>)[key] = value;
    }
    return changed;
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    const l = this.current;
    if (!l) return;
    const changes = this.changes(event.target as HTMLFormElement, l);
    if (Object.keys(changes).length === 0) {
      this.actions.refuse('Nothing to save: the settings are as they were.');
      return;
    }
    const saved = await this.actions.run(async () => {
      this.current = await api.updateLayer(this.text, l.slug, changes);
      return `Saved the settings of “${this.current.name}”.`;
    });
    if (saved) this.dispatchEvent(new CustomEvent('daf-group-changed', { bubbles: true, composed: true }));
  }

  override render() {
    const l = this.current;
    if (!l) return html`${this.actions.error ? nothing : html`<p aria-busy="true">Reading the layer…</p>`}${this.actions.regions()}`;
    const mirror = l.followedFrom !== undefined;
    return html`<form @submit=${this.save} @input=${() => this.actions.clear()} aria-label=${`Settings of the layer “${l.name}”`}>
        ${mirror ? html`<p class="hint">Its glosses are the group’s on the other server, read-only here.</p>` : nothing}
        <label>Name <input name="name" required maxlength="120" .value=${l.name} /></label>
        <label>Description <textarea name="description" rows="2" maxlength="2000" .value=${l.description}></textarea></label>
        <label>Colour <input type="color" name="color" .value=${l.color} /></label>
        ${layerPolicyFields(l, {
          mirror,
          federationHint: this.groupFederated
            ? 'The group may be followed from other servers; only what anyone may read ever leaves.'
            : 'The group may not be followed from other servers yet (its settings, below, say so): until it may, none of its layers publishes.',
        })}
        <div class="actions">
          <button type="submit" class="primary" ?disabled=${this.actions.busy}>Save</button>
          <button type="button" @click=${() => this.dispatchEvent(new CustomEvent('daf-layer-settings-closed', { bubbles: true, composed: true }))}>Close</button>
        </div>
      </form>
      ${this.actions.regions()}`;
  }
}

customElements.define('daf-layer-settings', DafLayerSettings);

declare global {
  interface HTMLElementTagNameMap {
    'daf-layer-settings': DafLayerSettings;
  }
}
