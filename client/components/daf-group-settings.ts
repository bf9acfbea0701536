import { LitElement, html, nothing } from 'lit';
import { api, type Group, type GroupFields, type GroupSettings } from '../api.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { formSettings, groupFields, groupFormStyles } from './group-form.ts';
import { groupStyles } from './group-styles.ts';

/** Those of `wanted` that differ from the group's: what Save sends. */
function changedSettings(g: Group, wanted: GroupFields): GroupSettings {
  const now: GroupFields = {
    name: g.name,
    description: g.description ?? '',
    visibility: g.visibility,
    joinPolicy: g.joinPolicy,
    premoderation: g.premoderation,
    trustAfter: g.trustAfter,
  };
  return Object.fromEntries(Object.entries(wanted).filter(([key, value]) => now[key as keyof GroupFields] !== value));
}

/**
 * A group's settings, for its owners: a form with its name, description, visibility, join
 * policy, premoderation, the number of approved posts after which a member is trusted, and
 * whether people on other servers may follow it (a public group only). Save
 * sends only what changed; the server judges it, and its message is shown when it refuses.
 *
 * @fires daf-group-changed - after the settings are saved, so the page loads the group again.
 */
export class DafGroupSettings extends LitElement {
  static override styles = [
    groupStyles,
    groupFormStyles,
  ];

  static override properties = {
    slug: { type: String },
    group: { attribute: false },
  };

  /** The group's slug. */
  declare slug: string;
  /** The group as the server last gave it: the form starts from these settings. */
  declare group: Group | null;

  /** Saving. */
  private readonly actions = new ActionController(this);

  constructor() {
    super();
    this.slug = '';
    this.group = null;
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const changes = changedSettings(this.group!, formSettings(form));
    const federated = new FormData(form).get('federated') === 'on';
    if (federated !== this.group!.federated) changes.federated = federated;
    if (Object.keys(changes).length === 0) {
      this.actions.clear();
      this.actions.status = 'Nothing has changed.';
      return;
    }
    const saved = await this.actions.run(async () => {
      await api.updateGroup(this.slug, changes);
      return 'The settings are saved.';
    });
    if (saved) this.dispatchEvent(new CustomEvent('daf-group-changed', { bubbles: true, composed: true }));
  }

  override render() {
    const g = this.group;
    if (!g) return nothing;
    return html`<section aria-labelledby="settings-heading">
      <h2 id="settings-heading">Settings</h2>
      <form @submit=${this.save} aria-labelledby="settings-heading">
        ${groupFields(g)}
        <label class="check"
          ><input type="checkbox" name="federated" .checked=${g.federated} ?disabled=${g.visibility !== 'public'} aria-describedby="federated-hint" />People on other
          servers may follow the group</label
        >
        <span class="hint" id="federated-hint"
          >${g.visibility === 'public'
            ? html`From Mastodon or another Daf, as <strong>@${g.slug}@${location.host}</strong>, when this server federates. Only the public glosses of layers set to publish reach them.`
            : 'Only a public group can be followed from other servers.'}</span
        >
        <div class="actions"><button type="submit" class="primary" ?disabled=${this.actions.busy}>Save the settings</button></div>
      </form>
      ${this.actions.regions()}
    </section>`;
  }
}

customElements.define('daf-group-settings', DafGroupSettings);

declare global {
  interface HTMLElementTagNameMap {
    'daf-group-settings': DafGroupSettings;
  }
}
