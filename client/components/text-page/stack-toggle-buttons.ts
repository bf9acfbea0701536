import type { StackToggle } from '../../layout/give-way.ts';
import { rootOf } from '../../layout/groups.ts';
import type { DafTextPage } from './daf-text-page.ts';

/**
 * The buttons of the stacks whose cards wait (see the layout controller), one in its column per
 * toggle, made, moved and relabelled as the layout asks, without a render of the page.
 */
export class StackToggleButtons {
  private readonly buttons = new Map<string, HTMLButtonElement>();

  /** `onClick` gets the key of the stack whose button was pressed. */
  constructor(
    private readonly host: DafTextPage,
    private readonly onClick: (key: string) => void,
  ) {}

  /**
   * The toggle of each stack with waiting cards, in its column: "3 more on 1:6" (on a narrow
   * screen "5 glosses on 1:6"), and once opened, a button to close it again.
   */
  write(toggles: StackToggle[]) {
    const keep = new Set<string>();
    for (const t of toggles) {
      const column = this.host.narrow ? '.column' : `.column[data-side="${t.column.split('-')[0]}"][data-depth="${t.column.split('-')[1]}"]`;
      const holder = this.host.renderRoot.querySelector<HTMLElement>(`${column} > .toggles`);
      if (!holder) continue;
      keep.add(t.key);
      let button = this.buttons.get(t.key);
      if (!button || button.parentElement !== holder) {
        button?.remove();
        const made = Object.assign(document.createElement('button'), { className: 'stack-toggle' });
        made.addEventListener('click', () => this.onClick(made.dataset.key!));
        holder.append(made);
        this.buttons.set(t.key, made);
        button = made;
      }
      button.dataset.key = t.key;
      const root = this.host.glossById(t.ids[0]);
      const ref = root ? (rootOf(root, (id) => this.host.glossById(id)).target.segment ?? '') : '';
      const count = t.ids.length;
      const label = this.host.narrow
        ? t.open
          ? `Hide the glosses${ref ? ` on ${ref}` : ''}`
          : `${count} ${count === 1 ? 'gloss' : 'glosses'}${ref ? ` on ${ref}` : ''}`
        : t.open
          ? `Fewer${ref ? ` on ${ref}` : ''}`
          : `${count} more${ref ? ` on ${ref}` : ''}`;
      if (button.textContent !== label) button.textContent = label;
      button.setAttribute('aria-expanded', String(t.open));
      const top = `${t.top}px`;
      if (button.style.insetBlockStart !== top) button.style.insetBlockStart = top;
    }
    for (const [key, button] of this.buttons) {
      if (keep.has(key)) continue;
      button.remove();
      this.buttons.delete(key);
    }
  }
}
