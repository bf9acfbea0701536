import { LitElement, html, css, nothing } from 'lit';
import { api, type Group, type GroupSettings } from '../api.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { groupStyles } from './group-styles.ts';

/** The settings the form has, as it reads them from its fields. */
function formSettings(form: HTMLFormElement): Required<GroupSettings> {
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

/** Those of `wanted` that differ from the group's: what Save sends. */
function changedSettings(g: Group, wanted: Required<GroupSettings>): GroupSettings {
  const now: Required<GroupSettings> = {
    name: g.name,
    description: g.description ?? '',
    visibility: g.visibility,
    joinPolicy: g.joinPolicy,
    premoderation: g.premoderation,
    trustAfter: g.trustAfter,
  };
  return Object.fromEntries(Object.entries(wanted).filter(([key, value]) => now[key as keyof GroupSettings] !== value));
}

/**
 * A group's settings, for its owners: a form with its name, description, visibility, join
 * policy, premoderation and the number of approved posts after which a member is trusted. Save
 * sends only what changed; the server judges it, and its message is shown when it refuses.
 *
 * @fires daf-group-changed - after the settings are saved, so the page loads the group again.
 */
export class DafGroupSettings extends LitElement {
  static override styles = [
    groupStyles,
    css`
      form {
        display: grid;
        gap: 0.9rem;
        max-inline-size: 32rem;
        margin-block-start: 0.75rem;
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
        color: var(--daf-muted);
      }
      .actions {
        justify-content: flex-start;
      }
    `,
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
    const changes = changedSettings(this.group!, formSettings(event.target as HTMLFormElement));
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
        <label>Name<input name="name" required maxlength="120" .value=${g.name} /></label>
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
