import { LitElement, html, css, nothing } from 'lit';
import { api, type Layer } from '../api.ts';
import { mentionedHandles } from '../../schema/mentions.ts';
import { textDirection } from '../layout/text-direction.ts';
import './daf-editor.ts';
import type { DafEditor } from './daf-editor.ts';
import { buttonStyles, focusStyles } from './page-styles.ts';

/** A stance as the composer offers it. */
const stanceWords: Record<ReplyStance, string> = { answers: 'answers the question', supports: 'supports it', objects: 'objects to it' };

/** What a composer hands to its page when the writer posts. */
export interface ComposerPost {
  /** The chosen layer; null with `newLayer` when the writer starts a layer of their own. */
  layer: string | null;
  newLayer?: { name: string; visibility: 'public' | 'private' };
  motivation: 'commenting' | 'questioning';
  body: { doc: unknown };
  /** For a reply offered stances: how it stands to what it answers, or undefined for none said. */
  stance?: ReplyStance;
}

/** How a reply stands to what it answers (docs/deliberation.md). */
export type ReplyStance = 'answers' | 'supports' | 'objects';

/**
 * Writing a gloss, a reply or an edit: the quoted passage, the layer and motivation (for a new
 * gloss), a small editor, and Post / Cancel. It fires `daf-post` with a `ComposerPost` and
 * `daf-cancel`; the page does the request and sets `busy` and `error`.
 */
export class DafComposer extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font-size: 0.9rem;
      line-height: 1.45;
    }
    .quote {
      margin: 0 0 0.4rem;
      color: var(--daf-muted);
      font-style: italic;
      overflow: hidden;
      display: -webkit-box;
      -webkit-line-clamp: 2;
      -webkit-box-orient: vertical;
    }
    .choices {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem 0.8rem;
      align-items: center;
      margin-block-end: 0.4rem;
      font-family: system-ui, sans-serif;
      font-size: 0.8rem;
    }
    select {
      font: inherit;
    }
    daf-layer-form {
      flex-basis: 100%;
    }
    fieldset {
      border: none;
      padding: 0;
      margin: 0;
      display: inline-flex;
      gap: 0.6rem;
    }
    legend {
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      overflow: hidden;
      clip-path: inset(50%);
    }
    .actions {
      display: flex;
      justify-content: flex-end;
      align-items: center;
      gap: 0.5rem;
      margin-block-start: 0.4rem;
      font-family: system-ui, sans-serif;
      font-size: 0.8rem;
    }
    .hint {
      color: var(--daf-muted);
      margin-inline-end: auto;
    }
    ${buttonStyles}
    ${focusStyles}
    button {
      padding: 0.25rem 0.7rem;
    }
    [role='alert'] {
      color: #a02020;
      margin: 0.3rem 0 0;
    }
  `;

  static override properties = {
    choose: { type: Boolean },
    newLayers: { type: Boolean },
    newLayerName: { type: String },
    text: { type: String },
    quote: { type: String },
    layers: { attribute: false },
    layer: { type: String },
    motivation: { type: String },
    label: { type: String },
    submitLabel: { type: String },
    initial: { attribute: false },
    busy: { type: Boolean },
    error: { type: String },
    mentionIn: { attribute: false },
    stances: { attribute: false },
    stance: { state: true },
    unreached: { state: true },
  };

  /** A new gloss: offer a layer (or a new one of the writer's own) and a motivation. */
  declare choose: boolean;
  /** May the writer start a new layer here? (Not from an embedded passage: its token may not make layers.) */
  declare newLayers: boolean;
  /** The suggested name of a new layer. */
  declare newLayerName: string;
  /** The text being glossed: with it (and `newLayers`), a new layer may also be a group's. */
  declare text: string;
  /** The passage being glossed, shown above the editor (none for replies and edits). */
  declare quote: string;
  /** Layers the writer may choose from; empty for replies and edits. */
  declare layers: Layer[];
  /** The chosen layer. */
  declare layer: string;
  declare motivation: 'commenting' | 'questioning';
  /** The editor's accessible name. */
  declare label: string;
  /** Where a reply or an edit will stand (its text and layer), to tell whom its mentions reach; a new gloss uses `text` and the chosen layer. */
  declare mentionIn: { text: string; layer: string } | null;
  /** The people the writer names who may not read the layer, and so will not be told. */
  declare unreached: string[];
  /** For a reply: the stances offered (answering a question, or supporting or objecting to a reading); empty for none. */
  declare stances: ReplyStance[];
  declare stance: ReplyStance | '';
  declare submitLabel: string;
  /** A document to start from, when editing. */
  declare initial: unknown;
  declare busy: boolean;
  declare error: string;

  constructor() {
    super();
    this.choose = false;
    this.newLayers = true;
    this.newLayerName = 'My notes';
    this.text = '';
    this.quote = '';
    this.layers = [];
    this.layer = '';
    this.motivation = 'commenting';
    this.label = 'Your gloss';
    this.submitLabel = 'Post';
    this.initial = null;
    this.busy = false;
    this.error = '';
    this.mentionIn = null;
    this.unreached = [];
    this.stances = [];
    this.stance = '';
  }

  private mentionTimer: ReturnType<typeof setTimeout> | undefined;
  private mentionsAsked = '';

  /** As the writer types (a pause after), asks who of the people named would not be told. */
  private onChange = () => {
    clearTimeout(this.mentionTimer);
    this.mentionTimer = setTimeout(() => void this.checkMentions(), 400);
  };

  private async checkMentions() {
    const handles = mentionedHandles(this.editor?.text ?? '');
    const layer = this.choose ? this.chosenLayer : (this.mentionIn?.layer ?? null);
    const text = this.choose ? this.text : (this.mentionIn?.text ?? '');
    const key = `${text}/${layer}/${handles.join(',')}`;
    if (key === this.mentionsAsked) return;
    this.mentionsAsked = key;
    if (!handles.length || !layer || !text) {
      this.unreached = [];
      return;
    }
    try {
      const reach = await api.mentionReach(text, layer, handles);
      if (key === this.mentionsAsked) this.unreached = reach.unreached;
    } catch {
      // Only a hint: without an answer, nothing is said.
    }
  }

  override disconnectedCallback() {
    clearTimeout(this.mentionTimer);
    super.disconnectedCallback();
  }

  private get editor(): DafEditor | null {
    return this.renderRoot.querySelector('daf-editor');
  }

  override focus() {
    void this.updateComplete.then(() => this.editor?.updateComplete).then(() => this.editor?.focus());
  }

  private post() {
    const editor = this.editor;
    if (!editor || this.busy) return;
    if (editor.empty) {
      this.error = 'Write something first.';
      editor.focus();
      return;
    }
    if (this.groupLayer) {
      this.error = 'Create the group’s layer first, or choose another layer.';
      return;
    }
    const layer = this.chosenLayer;
    const detail: ComposerPost = { layer, motivation: this.motivation, body: { doc: editor.doc }, ...(this.stance ? { stance: this.stance } : {}) };
    if (this.choose && layer === null) {
      const name = this.renderRoot.querySelector<HTMLInputElement>('input[name="layer-name"]')!.value.trim();
      const visibility = this.renderRoot.querySelector<HTMLSelectElement>('select[name="layer-visibility"]')!.value as 'public' | 'private';
      if (!name) {
        this.error = 'Name your new layer.';
        return;
      }
      detail.newLayer = { name, visibility };
    }
    this.dispatchEvent(new CustomEvent('daf-post', { detail, bubbles: true, composed: true }));
  }

  /** Is a new layer of a group being made (its form shown in place of the editor's layer)? */
  private get groupLayer(): boolean {
    return this.choose && this.newLayers && this.text !== '' && this.layer === 'group';
  }

  /** The layer chosen: the select's value, the first layer, or null for a new layer. */
  private get chosenLayer(): string | null {
    if (!this.choose) return null;
    if ((this.layer === 'new' || this.layer === 'group') && this.newLayers) return null;
    return this.layers.find((l) => l.slug === this.layer)?.slug ?? this.layers[0]?.slug ?? null;
  }

  private onLayer = (event: Event) => {
    this.layer = (event.target as HTMLSelectElement).value;
    this.error = '';
    this.onChange();
    // The group layer's form comes with the group pages' script, the first time it is asked for.
    if (this.layer === 'group') void import('./daf-layer-form.ts');
  };

  /** The group's layer is made: it is the one written in. */
  private onLayerCreated = (event: CustomEvent<{ layer: Layer }>) => {
    this.layers = [...this.layers, event.detail.layer];
    this.layer = event.detail.layer.slug;
  };

  private cancel() {
    this.dispatchEvent(new CustomEvent('daf-cancel', { bubbles: true, composed: true }));
  }

  override render() {
    return html`
      ${this.quote ? html`<p class="quote" dir=${textDirection(this.quote)}>“${this.quote}”</p>` : nothing}
      ${this.choose
        ? html`<div class="choices">
            <label>Layer
              <select @change=${this.onLayer}>
                ${this.layers.map((l) => html`<option value=${l.slug} ?selected=${l.slug === this.chosenLayer}>${l.name}</option>`)}
                ${this.newLayers ? html`<option value="new" ?selected=${this.chosenLayer === null && !this.groupLayer}>New layer…</option>` : nothing}
                ${this.newLayers && this.text ? html`<option value="group" ?selected=${this.groupLayer}>New layer of a group…</option>` : nothing}
              </select>
            </label>
            ${this.groupLayer
              ? html`<daf-layer-form text=${this.text} @daf-layer-created=${this.onLayerCreated}></daf-layer-form>`
              : this.chosenLayer === null
              ? html`<label>Name <input name="layer-name" .value=${this.newLayerName} size="14" /></label>
                  <label>Shown to
                    <select name="layer-visibility">
                      <option value="public">everyone</option>
                      <option value="private">only me</option>
                    </select>
                  </label>`
              : nothing}
            <fieldset>
              <legend>Kind</legend>
              ${(['commenting', 'questioning'] as const).map(
                (m) => html`<label><input type="radio" name="motivation" .checked=${this.motivation === m} @change=${() => (this.motivation = m)} />
                  ${m === 'commenting' ? 'Comment' : 'Question'}</label>`,
              )}
            </fieldset>
          </div>`
        : nothing}
      <daf-editor
        .label=${this.label}
        .placeholder=${this.choose ? 'Your gloss…' : ''}
        .initial=${this.initial}
        @daf-submit=${this.post}
        @daf-cancel=${this.cancel}
        @daf-change=${this.onChange}
      ></daf-editor>
      ${this.stances.length
        ? html`<label class="stance"
            >Your reply
            <select @change=${(e: Event) => (this.stance = (e.target as HTMLSelectElement).value as ReplyStance | '')}>
              <option value="" ?selected=${this.stance === ''}>says no stance</option>
              ${this.stances.map((s) => html`<option value=${s} ?selected=${this.stance === s}>${stanceWords[s]}</option>`)}
            </select></label
          >`
        : nothing}
      ${this.unreached.length
        ? html`<p class="hint unreached" role="status">
            ${this.unreached.map((h) => `@${h}`).join(', ')} cannot read this layer and will not be told.
          </p>`
        : nothing}
      ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
      <div class="actions">
        <span class="hint">Ctrl+Enter posts · Esc cancels</span>
        <button type="button" @click=${this.cancel}>Cancel</button>
        <button type="button" class="primary" ?disabled=${this.busy} @click=${this.post}>${this.busy ? 'Posting…' : this.submitLabel}</button>
      </div>
    `;
  }
}

customElements.define('daf-composer', DafComposer);

declare global {
  interface HTMLElementTagNameMap {
    'daf-composer': DafComposer;
  }
}
