/**
 * The fields of a layer's settings that the form making a group layer and the one changing a
 * layer share: who sees it, who writes glosses, who replies, whether its glosses go to other
 * servers, and read first. A layer followed from another Daf (read-only here: its glosses are the
 * group's there) has only who sees it and who replies (docs/federation.md §7).
 */
import { html, nothing } from 'lit';
import type { Layer } from '../api.ts';

/** The settings these fields hold. */
export type LayerPolicies = Pick<Layer, 'visibility' | 'writePolicy' | 'replyPolicy' | 'federation' | 'readFirst'>;

/** What a new group layer starts with. */
export const newLayerPolicies: LayerPolicies = { visibility: 'group', writePolicy: 'members', replyPolicy: 'members', federation: 'off', readFirst: false };

/** The fields, filled with `l`'s settings; `mirror` for a layer followed from another Daf; `federationHint` instead of the general one. */
export function layerPolicyFields(l: LayerPolicies, { mirror = false, federationHint }: { mirror?: boolean; federationHint?: string } = {}) {
  // Each option says whether it is chosen: a select's `.value`, set before Lit adds the options
  // that only some layers have, would match none and fall back to the first, silently.
  const option = (value: string, chosen: string, words: string) => html`<option value=${value} ?selected=${value === chosen}>${words}</option>`;
  return html`
    <label
      >Who sees it
      <select name="visibility">
        ${option('group', l.visibility, 'The group’s members')} ${option('public', l.visibility, 'Everyone who can read the text')}
        ${mirror ? nothing : option('private', l.visibility, 'Each member their own notes (a notebook)')}
      </select>
    </label>
    ${mirror
      ? nothing
      : html`<label
          >Who writes glosses
          <select name="writePolicy">
            ${option('members', l.writePolicy, 'The group’s members')} ${option('moderators', l.writePolicy, 'Its owners and moderators only')}
          </select>
        </label>`}
    <label
      >Who replies
      <select name="replyPolicy">
        ${option('members', l.replyPolicy, `The group’s members${mirror ? ' (their replies go to the group there)' : ''}`)}
        ${mirror ? nothing : option('signed_in', l.replyPolicy, 'Anyone signed in who can see it')} ${option('nobody', l.replyPolicy, 'Nobody')}
      </select>
    </label>
    ${mirror
      ? nothing
      : html`<label
            >Other servers
            <select name="federation" aria-describedby="federation-hint">
              ${option('off', l.federation, 'Keep it here')} ${option('publish', l.federation, 'Publish its public glosses to the group’s followers elsewhere')}
              ${option('publish+replies', l.federation, 'Publish them, and take replies from elsewhere')}
            </select>
            <span class="hint" id="federation-hint">${federationHint ?? 'For a group others may follow (its settings say); only what anyone may read ever leaves.'}</span>
          </label>
          <label class="check"
            ><input type="checkbox" name="readFirst" .checked=${l.readFirst} />Read first: a member sees the others’ glosses only once they have written their own (moderators see all)</label
          >`}
  `;
}

/** The settings the form's fields hold (only the fields it has). */
export function formPolicies(form: HTMLFormElement): Partial<LayerPolicies> {
  const data = new FormData(form);
  const out: Partial<LayerPolicies> = {};
  if (data.has('visibility')) out.visibility = data.get('visibility') as LayerPolicies['visibility'];
  if (data.has('writePolicy')) out.writePolicy = data.get('writePolicy') as LayerPolicies['writePolicy'];
  if (data.has('replyPolicy')) out.replyPolicy = data.get('replyPolicy') as LayerPolicies['replyPolicy'];
  if (data.has('federation')) out.federation = data.get('federation') as LayerPolicies['federation'];
  if (form.querySelector('input[name=readFirst]')) out.readFirst = data.get('readFirst') === 'on';
  return out;
}
