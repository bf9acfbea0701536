import { html, nothing } from 'lit';
import { exactTime, relativeTime } from '../relative-time.ts';

/** When a post was written, relative, with the exact time on hover, and "edited" once its author changed it. */
export function when(created: string, edited: string | null) {
  return html`<time datetime=${created} title=${exactTime(created)}>${relativeTime(created)}</time>${edited
    ? html` · <span class="edited" title=${`Edited ${exactTime(edited)}`}>edited</span>`
    : nothing}`;
}
