/**
 * The fields of a group's settings, shared by the form that creates a group and the one that
 * changes it: name, description, who may see it, who may join, premoderation and the number of
 * approved posts after which a member is trusted.
 */
import { css, html, nothing } from 'lit';
import type { Group, GroupFields } from '../api.ts';

/** The settings the form has, as it reads them from its fields. */
export function formSettings(form: HTMLFormElement): GroupFields {
  const data = new FormData(form);
  return {
    name: String(data.get('name') ?? ''),
    description: String(data.get('description') ?? ''),
    visibility: data.get('visibility') as Group['visibility'],
    joinPolicy: data.get('joinPolicy') as Group['joinPolicy'],
    premoderation: data.get('premoderation') === 'on',
    trustAfter: Number(data.get('trustAfter')),
  };
}

/** The fields, filled with `g`'s settings; `afterName` (the new group's address) goes right after the name. */
export function groupFields(g: Omit<GroupFields, 'description'> & { description: string | null }, onName?: (event: InputEvent) => void, afterName: unknown = nothing) {
  return html`
        <label>Name<input name="name" required maxlength="120" .value=${g.name} @input=${onName} /></label>
        ${afterName}
        <label>Description<textarea name="description" rows="3" maxlength="2000" .value=${g.description ?? ''}></textarea></label>
        <label
          >Who may see the group
          <select name="visibility" .value=${g.visibility}>
            <option value="public">Anyone (public)</option>
            <option value="private">Only its members (private)</option>
          </select>
        </label>
        <label
          >Who may join
          <select name="joinPolicy" .value=${g.joinPolicy}>
            <option value="open">Anyone, at once</option>
            <option value="approval">Anyone a moderator approves</option>
            <option value="invite">Only those invited</option>
          </select>
        </label>
        <label class="check"><input type="checkbox" name="premoderation" .checked=${g.premoderation} />New members’ posts wait for a moderator</label>
        <label
          >Trusted after (approved posts)
          <input name="trustAfter" type="number" min="0" max="1000" step="1" required aria-describedby="trust-hint" .value=${String(g.trustAfter)} />
          <span class="hint" id="trust-hint">With premoderation on, a member’s posts go straight through once this many are approved.</span>
        </label>
  `;
}

/** How the fields are laid out. */
export const groupFormStyles = css`
      form {
        display: grid;
        /* One column no wider than the form: a long option must not push it past a phone's edge. */
        grid-template-columns: minmax(0, 1fr);
        gap: 0.9rem;
        max-inline-size: 32rem;
        margin-block-start: 0.75rem;
      }
      select {
        max-inline-size: 100%;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 0.25rem;
        font-size: 0.85rem;
        font-weight: 600;
      }
      label.check {
        flex-direction: row;
        align-items: center;
        gap: 0.5rem;
        font-weight: normal;
      }
      textarea {
        font-family: inherit;
        resize: vertical;
      }
      input[type='number'] {
        inline-size: 7rem;
      }
      .hint {
        font-weight: normal;
        font-size: 0.85rem;
        color: var(--daf-muted);
      }
      /* The server's refusal of one field, beside it. */
      .field-error {
        color: #a02020;
        font-weight: normal;
      }
      .actions {
        justify-content: flex-start;
      }
    `;
