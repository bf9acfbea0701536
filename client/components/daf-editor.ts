import { LitElement, html, css, type PropertyValues } from 'lit';
import { baseKeymap, chainCommands, exitCode, toggleMark, wrapIn } from 'prosemirror-commands';
import { history, redo, undo } from 'prosemirror-history';
import { keymap } from 'prosemirror-keymap';
import type { MarkType, NodeType } from 'prosemirror-model';
import { liftListItem, sinkListItem, splitListItem, wrapInList } from 'prosemirror-schema-list';
import { EditorState, type Command } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import { glossSchema, safeHref } from '../../schema/document.ts';

const { marks, nodes } = glossSchema;

/** Inserts a line break inside the paragraph (Shift-Enter). */
const hardBreak: Command = chainCommands(exitCode, (state, dispatch) => {
  dispatch?.(state.tr.replaceSelectionWith(nodes.hard_break.create()).scrollIntoView());
  return true;
});

/** Is the mark on at the cursor, or over the whole selection? */
function markActive(state: EditorState, type: MarkType): boolean {
  const { from, $from, to, empty } = state.selection;
  return empty ? !!type.isInSet(state.storedMarks ?? $from.marks()) : state.doc.rangeHasMark(from, to, type);
}

/** Is the cursor inside a node of this type? */
function inside(state: EditorState, type: NodeType): boolean {
  const { $from } = state.selection;
  for (let d = $from.depth; d > 0; d--) if ($from.node(d).type === type) return true;
  return false;
}

/**
 * A small ProseMirror editor for gloss and reply bodies: bold, italic, links, quotes and lists,
 * with a toolbar and the usual keys (Mod-B, Mod-I, Mod-Z, Shift-Enter for a line break).
 * Mod-Enter fires `daf-submit`; Escape fires `daf-cancel`. The document is in the gloss schema,
 * so what is written here is exactly what the server accepts.
 */
export class DafEditor extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      gap: 0.15rem;
      margin-block-end: 0.25rem;
    }
    .toolbar button {
      font: 0.8rem system-ui, sans-serif;
      min-inline-size: 1.9rem;
      padding: 0.15rem 0.35rem;
      border: 1px solid var(--daf-rule);
      border-radius: 3px;
      background: var(--daf-card);
      color: var(--daf-fg);
      cursor: pointer;
    }
    .toolbar button[aria-pressed='true'] {
      background: color-mix(in srgb, var(--daf-accent) 18%, var(--daf-card));
      border-color: var(--daf-accent);
    }
    .toolbar button:focus-visible,
    .link input:focus-visible {
      outline: 2px solid var(--daf-accent);
      outline-offset: 1px;
    }
    .link {
      display: flex;
      gap: 0.25rem;
      margin-block-end: 0.25rem;
    }
    .link input {
      flex: 1;
      font: inherit;
      font-size: 0.85rem;
    }
    .mount {
      border: 1px solid var(--daf-rule);
      border-radius: 4px;
      background: var(--daf-bg);
      padding: 0.35rem 0.5rem;
      min-block-size: 4.5rem;
      max-block-size: 16rem;
      overflow: auto;
      cursor: text;
    }
    .mount:focus-within {
      border-color: var(--daf-accent);
      box-shadow: 0 0 0 1px var(--daf-accent);
    }
    .ProseMirror {
      outline: none;
      white-space: pre-wrap;
      word-wrap: break-word;
      min-block-size: 4rem;
    }
    .ProseMirror p {
      margin: 0.2rem 0;
    }
    .ProseMirror blockquote {
      margin: 0.25rem 0;
      padding-inline-start: 0.6rem;
      border-inline-start: 3px solid var(--daf-rule);
      color: var(--daf-muted);
    }
    .ProseMirror ul,
    .ProseMirror ol {
      margin: 0.2rem 0;
      padding-inline-start: 1.3rem;
    }
    .empty::before {
      content: attr(data-placeholder);
      color: var(--daf-muted);
      position: absolute;
      pointer-events: none;
    }
  `;

  static override properties = {
    label: { type: String },
    placeholder: { type: String },
    initial: { attribute: false },
    linking: { state: true },
  };

  /** The accessible name of the editing area. */
  declare label: string;
  /** Shown while the editor is empty. */
  declare placeholder: string;
  /** A gloss-schema document to start from (when editing). */
  declare initial: unknown;
  declare linking: boolean;

  private view: EditorView | null = null;

  constructor() {
    super();
    this.label = 'Write';
    this.placeholder = '';
    this.initial = null;
    this.linking = false;
  }

  /** The document as JSON, for the API. */
  get doc(): unknown {
    return this.view?.state.doc.toJSON() ?? null;
  }

  /** The words written, blocks apart, as the server reads a body's text. */
  get text(): string {
    const doc = this.view?.state.doc;
    return doc ? doc.textBetween(0, doc.content.size, '\n', ' ') : '';
  }

  /** True when nothing but whitespace has been written. */
  get empty(): boolean {
    return !this.view || this.view.state.doc.textContent.trim() === '';
  }

  override focus() {
    this.view?.focus();
  }

  protected override firstUpdated(_changed: PropertyValues<this>) {
    const doc = this.initial ? glossSchema.nodeFromJSON(this.initial) : undefined;
    const submit: Command = () => {
      this.dispatchEvent(new CustomEvent('daf-submit', { bubbles: true, composed: true }));
      return true;
    };
    const cancel: Command = () => {
      this.dispatchEvent(new CustomEvent('daf-cancel', { bubbles: true, composed: true }));
      return true;
    };
    const state = EditorState.create({
      schema: glossSchema,
      doc,
      plugins: [
        history(),
        keymap({
          'Mod-Enter': submit,
          Escape: cancel,
          'Mod-z': undo,
          'Shift-Mod-z': redo,
          'Mod-y': redo,
          'Mod-b': toggleMark(marks.strong),
          'Mod-i': toggleMark(marks.em),
          'Shift-Enter': hardBreak,
          Enter: splitListItem(nodes.list_item),
          'Mod-[': liftListItem(nodes.list_item),
          'Mod-]': sinkListItem(nodes.list_item),
        }),
        keymap(baseKeymap),
      ],
    });
    const mount = this.renderRoot.querySelector<HTMLElement>('.mount')!;
    this.view = new EditorView(mount, {
      state,
      attributes: () => ({
        role: 'textbox',
        'aria-multiline': 'true',
        'aria-label': this.label,
        'data-placeholder': this.placeholder,
        class: this.view && !this.empty ? '' : 'empty',
      }),
      dispatchTransaction: (tr) => {
        this.view!.updateState(this.view!.state.apply(tr));
        this.requestUpdate();
        if (tr.docChanged) this.dispatchEvent(new CustomEvent('daf-change', { bubbles: true, composed: true }));
      },
    });
    this.requestUpdate();
  }

  override disconnectedCallback() {
    this.view?.destroy();
    this.view = null;
    super.disconnectedCallback();
  }

  /** Runs a command on the editor and gives it the focus back. */
  private run(command: Command) {
    if (!this.view) return;
    command(this.view.state, this.view.dispatch, this.view);
    this.view.focus();
  }

  private toggleLinking = async () => {
    this.linking = !this.linking;
    await this.updateComplete;
    if (this.linking) this.renderRoot.querySelector<HTMLInputElement>('.link input')?.focus();
  };

  private addLink(event: Event) {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('.link input')!;
    const href = safeHref(input.value.includes(':') ? input.value : `https://${input.value}`);
    if (!href) {
      input.setCustomValidity('A link starts with http://, https:// or mailto:');
      input.reportValidity();
      return;
    }
    this.linking = false;
    const view = this.view!;
    const { from, to, empty } = view.state.selection;
    const mark = marks.link.create({ href });
    const tr = empty ? view.state.tr.insert(from, glossSchema.text(input.value, [mark])) : view.state.tr.addMark(from, to, mark);
    view.dispatch(tr);
    view.focus();
  }

  override render() {
    const state = this.view?.state;
    const pressed = (on: boolean) => (on ? 'true' : 'false');
    const button = (label: string, title: string, on: boolean, command: Command) =>
      html`<button type="button" title=${title} aria-pressed=${pressed(on)} @mousedown=${(e: Event) => e.preventDefault()} @click=${() => this.run(command)}>${label}</button>`;
    return html`
      <div class="toolbar" role="toolbar" aria-label="Formatting">
        ${button('B', 'Bold (Ctrl+B)', !!state && markActive(state, marks.strong), toggleMark(marks.strong))}
        ${button('I', 'Italic (Ctrl+I)', !!state && markActive(state, marks.em), toggleMark(marks.em))}
        <button type="button" title="Link" aria-pressed=${pressed(!!state && markActive(state, marks.link))} aria-expanded=${pressed(this.linking)} @click=${this.toggleLinking}>
          Link
        </button>
        ${button('❝', 'Quote', !!state && inside(state, nodes.blockquote), wrapIn(nodes.blockquote))}
        ${button('•', 'Bulleted list', !!state && inside(state, nodes.bullet_list), wrapInList(nodes.bullet_list))}
        ${button('1.', 'Numbered list', !!state && inside(state, nodes.ordered_list), wrapInList(nodes.ordered_list))}
      </div>
      ${this.linking
        ? html`<form class="link" @submit=${this.addLink}>
            <input type="url" aria-label="Link address" placeholder="https://…" @input=${(e: Event) => (e.target as HTMLInputElement).setCustomValidity('')} />
            <button type="submit">Add link</button>
          </form>`
        : ''}
      <div class="mount" @click=${() => this.view?.focus()}></div>
    `;
  }

  protected override updated() {
    // Keep the placeholder class in step with the document.
    this.view?.setProps({});
  }
}

customElements.define('daf-editor', DafEditor);

declare global {
  interface HTMLElementTagNameMap {
    'daf-editor': DafEditor;
  }
}
