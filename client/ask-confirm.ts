/**
 * Daf's own question before something that cannot simply be undone, asked from anywhere: the
 * dialog (`daf-confirm`) is loaded the first time it is needed, so the reader's script does not
 * carry it, and one dialog at the end of the document serves every page.
 */
import type { ConfirmOptions, DafConfirm } from './components/daf-confirm.ts';

let dialog: DafConfirm | null = null;

type Questions = typeof import('./components/daf-confirm.ts');

/**
 * Asks; resolves with the reason written ('' when none is asked for), or null if cancelled. The
 * question may be one of the dialog module's own (`(q) => q.hideQuestion('gloss')`), so its words
 * load with it.
 */
export async function askConfirm(question: ConfirmOptions | ((q: Questions) => ConfirmOptions)): Promise<string | null> {
  const q = await import('./components/daf-confirm.ts');
  dialog ??= document.body.appendChild(document.createElement('daf-confirm'));
  return dialog.ask(typeof question === 'function' ? question(q) : question);
}
