import { LitElement, html, css, nothing } from 'lit';
import type { CreateLayerInput } from '../../schema/api.ts';
import { ApiError, api, type GroupSummary, type Layer, type TextSummary } from '../api.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { groupFormStyles } from './group-form.ts';
import { groupStyles } from './group-styles.ts';
import { formPolicies, layerPolicyFields, newLayerPolicies } from './layer-fields.ts';
import { slugFromName } from '../slug-from-name.ts';

/** What the form sends (`POST /api/texts/:slug/layers` with a group). */
type GroupLayerInput = CreateLayerInput & { group: string };

/** The fields a server refusal belongs beside, by its code; the rest show under the form. */
const fieldOf: Record<string, 'name' | 'text' | 'group'> = { slug_taken: 'name', text_not_shared: 'text', forbidden: 'group' };

/**
 * A new layer of a reading group, for its owners and moderators: on the group's page (the group
 * given, the text chosen among the group's own texts and the public ones) and from the
 * composer's layer menu (the text given, the group chosen among those the writer curates). Who
 * sees it (everyone who reads the text, the group's members, or each member their own notebook),
 * who writes and who replies, a colour (Daf picks one not in use unless the organiser does) and
 * a description. The server judges it; its message shows beside the field it concerns. Made, the
 * form fires `daf-layer-created` with the layer (and `daf-group-changed`, so the group page reads
 * its layers again).
 */
export class DafLayerForm extends LitElement {
  static override styles = [
    groupStyles,
    groupFormStyles,
    css`
      form {
        margin-block-start: 0.5rem;
      }
      fieldset {
        border: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.3rem;
        font-size: 0.85rem;
      }
      legend {
        font-weight: 600;
        padding: 0;
        margin-block-end: 0.2rem;
      }
    `,
  ];

  static override properties = {
    group: { type: String },
    text: { type: String },
    texts: { state: true },
    groups: { state: true },
    ownColor: { state: true },
  };

  /** The group the layer is for; '' to choose among the groups the writer curates. */
  declare group: string;
  /** The text the layer goes on; '' to choose among the group's texts and the public ones. */
  declare text: string;
  /** The texts to choose from, once read. */
  declare texts: TextSummary[] | null;
  /** The groups to choose from, once read. */
  declare groups: GroupSummary[] | null;
  /** The organiser picks the colour, instead of Daf. */
  declare ownColor: boolean;

  private readonly actions = new ActionController(this);

  constructor() {
    super();
    this.group = '';
    this.text = '';
    this.texts = null;
    this.groups = null;
    this.ownColor = false;
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.actions.run(async () => {
      if (!this.text) {
        const { texts } = await api.texts();
        this.texts = texts.filter((t) => t.visibility === 'public' || (t.group === this.group && t.visibility === 'group'));
      }
      if (!this.group) {
        const { groups } = await api.groups();
        this.groups = groups.filter((g) => g.membership?.state === 'active' && (g.membership.role === 'owner' || g.membership.role === 'moderator'));
      }
    });
  }

  private async create(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const text = this.text || String(data.get('text'));
    const description = String(data.get('description') ?? '').trim();
    const name = String(data.get('name') ?? '').trim();
    // The address is made from the name, so that a second layer of the same name is refused
    // (beside the name) rather than made under an address with a number.
    const slug = slugFromName(name);
    const { federation, readFirst, ...policies } = { ...newLayerPolicies, ...formPolicies(form) };
    const input: GroupLayerInput = {
      name,
      ...(slug ? { slug } : {}),
      group: this.group || String(data.get('group')),
      ...policies,
      ...(readFirst ? { readFirst: true } : {}),
      ...(description ? { description } : {}),
      ...(this.ownColor ? { color: String(data.get('color')) } : {}),
    };
    let layer: Layer | undefined;
    await this.actions.run(async () => {
      layer = await api.createLayer(text, input);
      if (federation !== 'off') layer = await api.updateLayer(text, layer.slug, { federation });
      return `The layer “${layer.name}” is made.`;
    });
    if (!layer) return;
    form.reset();
    this.ownColor = false;
    this.dispatchEvent(new CustomEvent('daf-layer-created', { bubbles: true, composed: true, detail: { text, layer } }));
    this.dispatchEvent(new CustomEvent('daf-group-changed', { bubbles: true, composed: true }));
  }

  /** The server's message, when it belongs beside `field`. */
  private errorFor(field: 'name' | 'text' | 'group') {
    const failure = this.actions.failure;
    if (!(failure instanceof ApiError) || fieldOf[failure.code] !== field) return nothing;
    return html`<span class="field-error" id="${field}-error" role="alert">${this.actions.error}</span>`;
  }

  private invalid(field: 'name' | 'text' | 'group') {
    const failure = this.actions.failure;
    return failure instanceof ApiError && fieldOf[failure.code] === field;
  }

  private textField() {
    if (this.text) return nothing;
    if (this.texts === null) return html`<p aria-busy="true">Reading the texts…</p>`;
    if (this.texts.length === 0) return html`<p>There is no public text or text of the group to put a layer on yet.</p>`;
    return html`<label
      >Text
      <select name="text" required aria-invalid=${this.invalid('text') ? 'true' : 'false'} aria-describedby=${this.invalid('text') ? 'text-error' : nothing}>
        ${this.texts.map((t) => html`<option value=${t.slug}>${t.title}${t.group === this.group ? ' (the group’s)' : ''}</option>`)}
      </select>
      ${this.errorFor('text')}
    </label>`;
  }

  private groupField() {
    if (this.group) return nothing;
    if (this.groups === null) return html`<p aria-busy="true">Reading your groups…</p>`;
    if (this.groups.length === 0) return html`<p>Only a group’s owners and moderators make its layers, and you are neither in any group. <a href="/g/new">Start a group</a></p>`;
    return html`<label
      >Group
      <select name="group" required aria-invalid=${this.invalid('group') ? 'true' : 'false'} aria-describedby=${this.invalid('group') ? 'group-error' : nothing}>
        ${this.groups.map((g) => html`<option value=${g.slug}>${g.name}</option>`)}
      </select>
      ${this.errorFor('group')}
    </label>`;
  }

  override render() {
    const ready = (this.text || (this.texts?.length ?? 0) > 0) && (this.group || (this.groups?.length ?? 0) > 0);
    return html`<form @submit=${this.create} aria-label="A new layer of the group">
      ${this.groupField()} ${this.textField()}
      <label
        >Name
        <input name="name" required maxlength="120" aria-invalid=${this.invalid('name') ? 'true' : 'false'} aria-describedby=${this.invalid('name') ? 'name-error' : nothing} />
        ${this.errorFor('name')}
      </label>
      ${layerPolicyFields(newLayerPolicies)}
      <fieldset>
        <legend>Colour</legend>
        <label class="check"><input type="radio" name="color-choice" .checked=${!this.ownColor} @change=${() => (this.ownColor = false)} />One Daf picks, not used on the text</label>
        <label class="check"
          ><input type="radio" name="color-choice" .checked=${this.ownColor} @change=${() => (this.ownColor = true)} />This one:
          <input type="color" name="color" value="#2f6f9f" ?disabled=${!this.ownColor} aria-label="The layer’s colour"
        /></label>
      </fieldset>
      <label>Description <textarea name="description" rows="2" maxlength="2000"></textarea></label>
      <div class="actions"><button type="submit" class="primary" ?disabled=${this.actions.busy || !ready}>Create layer</button></div>
    </form>
    ${this.invalid('name') || this.invalid('text') || this.invalid('group') ? nothing : this.actions.regions()}`;
  }
}

customElements.define('daf-layer-form', DafLayerForm);

declare global {
  interface HTMLElementTagNameMap {
    'daf-layer-form': DafLayerForm;
  }
}
