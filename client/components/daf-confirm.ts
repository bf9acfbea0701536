import { LitElement, html, css, nothing } from 'lit';
import { groupStyles } from './group-styles.ts';
import { dialogStyles } from './page-styles.ts';

/** What `DafConfirm.ask` asks. */
export interface ConfirmOptions {
  /** The dialog's heading, a question: "Leave the group?". */
  title: string;
  /** A sentence on what will happen. */
  message: string;
  /** The label of the button that goes ahead: "Leave". */
  confirm: string;
  /** When set, the label of a reason the person writes before going ahead. */
  reason?: string;
  /** The reason may be left empty (it must be written otherwise). */
  reasonOptional?: boolean;
}

/** A moderator hides a post: the question, with a reason for its author. */
export function hideQuestion(kind: 'gloss' | 'reply'): ConfirmOptions {
  return {
    title: `Hide this ${kind}?`,
    message: `Readers will no longer see it${kind === 'gloss' ? ', nor the glosses on it' : ''}. Its author will see your reason. You can restore it later.`,
    confirm: 'Hide',
    reason: 'Reason, for the author',
  };
}

/** A reader flags a post for the group's moderators, saying why. */
export function flagQuestion(kind: 'gloss' | 'reply'): ConfirmOptions {
  return {
    title: `Flag this ${kind}?`,
    message: "The group's moderators will read your reason and decide what to do; nothing changes for readers until they do.",
    confirm: 'Send to the moderators',
    reason: 'Why should a moderator look at this?',
  };
}

/** Someone deletes a post, their own (`mine`) or, as a moderator, someone else's. */
export function deleteQuestion(kind: 'gloss' | 'reply', mine: boolean): ConfirmOptions {
  return {
    title: `Delete this ${kind}?`,
    message: mine
      ? `Your ${kind} will be gone for good; if others have answered it, "Deleted" stands in its place so their words keep their thread.`
      : `You are deleting someone else's ${kind}, for good; the group's audit log records it. Hiding it, with a reason, can be undone.`,
    confirm: 'Delete',
  };
}

/**
 * A modal question before something that cannot simply be undone: leaving a group, removing a
 * member, hiding a post (with a reason for its author). A native `<dialog>`, so Esc cancels and
 * the focus returns to the button that asked. Its host calls `ask()` and awaits the answer.
 */
export class DafConfirm extends LitElement {
  static override styles = [
    groupStyles,
    dialogStyles,
    css`
      p {
        margin: 0;
        line-height: 1.5;
      }
      label {
        display: block;
        margin-block-start: 1rem;
        font-size: 0.9rem;
        font-weight: 600;
      }
      textarea {
        display: block;
        inline-size: 100%;
        box-sizing: border-box;
        margin-block-start: 0.3rem;
        font-family: inherit;
        font-size: 1rem;
        resize: vertical;
      }
      .actions {
        justify-content: flex-end;
        margin-block-start: 1.25rem;
      }
    `,
  ];

  static override properties = {
    options: { state: true },
  };

  /** What is being asked; null when nothing is. */
  declare options: ConfirmOptions | null;

  private answer: ((value: string | null) => void) | null = null;

  constructor() {
    super();
    this.options = null;
  }

  private get dialog(): HTMLDialogElement {
    return this.renderRoot.querySelector('dialog')!;
  }

  /**
   * Opens the dialog and resolves when it closes: with the reason written (an empty string when
   * none is asked for) if the person went ahead, or null if they cancelled.
   */
  async ask(options: ConfirmOptions): Promise<string | null> {
    this.answer?.(null);
    this.options = options;
    await this.updateComplete;
    const form = this.renderRoot.querySelector('form')!;
    form.reset();
    this.dialog.showModal();
    return new Promise((resolve) => (this.answer = resolve));
  }

  private settle(value: string | null) {
    const answer = this.answer;
    this.answer = null;
    if (this.dialog.open) this.dialog.close();
    answer?.(value);
  }

  private submit(event: SubmitEvent) {
    event.preventDefault();
    const reason = String(new FormData(event.target as HTMLFormElement).get('reason') ?? '').trim();
    const field = this.renderRoot.querySelector('textarea');
    if (field && !reason && !this.options?.reasonOptional) {
      // Spaces alone pass `required`; the server would refuse them.
      field.setCustomValidity('Write a reason for the author.');
      field.reportValidity();
      return;
    }
    this.settle(reason);
  }

  override render() {
    const o = this.options;
    return html`<dialog aria-labelledby="confirm-title" aria-describedby="confirm-message" @close=${() => this.settle(null)}>
      <form @submit=${this.submit}>
        <h2 id="confirm-title">${o?.title ?? ''}</h2>
        <p id="confirm-message">${o?.message ?? ''}</p>
        ${o?.reason
          ? html`<label for="reason">${o.reason}</label>
              <textarea id="reason" name="reason" rows="3" ?required=${!o.reasonOptional} maxlength="1000" @input=${(e: Event) => (e.target as HTMLTextAreaElement).setCustomValidity('')}></textarea>`
          : nothing}
        <div class="actions">
          <button type="button" @click=${() => this.settle(null)}>Cancel</button>
          <button type="submit" class="primary">${o?.confirm ?? 'OK'}</button>
        </div>
      </form>
    </dialog>`;
  }
}

customElements.define('daf-confirm', DafConfirm);

declare global {
  interface HTMLElementTagNameMap {
    'daf-confirm': DafConfirm;
  }
}
