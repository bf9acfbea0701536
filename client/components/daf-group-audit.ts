import { LitElement, html, css, nothing, type PropertyValues } from 'lit';
import { api, type AuditEntry, type Group, type GroupSettings } from '../api.ts';
import type { UpdateLayerInput } from '../../schema/api.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { dateText, withArticle } from '../group-facts.ts';
import { textDirection } from '../layout/text-direction.ts';
import { groupStyles } from './group-styles.ts';

/** How many entries the server sends at a time (its default page): a full page means there may be more. */
const pageSize = 50;

/** Each join policy as the end of "changed the join policy to …". */
const joinPolicyWords: Record<Group['joinPolicy'], string> = {
  open: 'open to anyone',
  approval: 'approval by a moderator',
  invite: 'invitation only',
};

/** What a `group.updated` entry changed, in words: "the name to “Avot at dusk”". */
function settingsWords(json: string | null): string[] {
  let changes: GroupSettings;
  try {
    changes = JSON.parse(json ?? '{}') as GroupSettings;
  } catch {
    return [];
  }
  const words: string[] = [];
  if (changes.name !== undefined) words.push(`the name to “${changes.name}”`);
  if (changes.description !== undefined) words.push(changes.description ? 'the description' : 'the description to nothing');
  if (changes.visibility !== undefined) words.push(`the visibility to ${changes.visibility}`);
  if (changes.joinPolicy !== undefined) words.push(`the join policy to ${joinPolicyWords[changes.joinPolicy]}`);
  if (changes.premoderation !== undefined) words.push(`premoderation ${changes.premoderation ? 'on' : 'off'}`);
  if (changes.trustAfter !== undefined) words.push(`trust after ${changes.trustAfter} approved ${changes.trustAfter === 1 ? 'post' : 'posts'}`);
  if (changes.federated !== undefined) words.push(`federation ${changes.federated ? 'on' : 'off'}`);
  return words;
}

const layerVisibilityWords: Record<string, string> = { public: 'everyone who can read the text', group: 'the group’s members', private: 'each member their own notes' };
const layerPolicyWords: Record<string, string> = { members: 'the group’s members', moderators: 'its owners and moderators', signed_in: 'anyone signed in', nobody: 'nobody', owner: 'its owner' };
const federationWords: Record<string, string> = { off: 'kept here', publish: 'published elsewhere', 'publish+replies': 'published elsewhere, taking replies' };

/** The layer a `layer.updated` entry names (by the name it had), and its changes in words. */
function layerChangeWords(json: string | null): { layer: string; words: string[] } {
  let c: UpdateLayerInput & { layer?: string };
  try {
    c = JSON.parse(json ?? '{}') as UpdateLayerInput & { layer?: string };
  } catch {
    return { layer: '', words: [] };
  }
  const words: string[] = [];
  if (c.name !== undefined && c.name !== c.layer) words.push(`the name to “${c.name}”`);
  if (c.description !== undefined) words.push(c.description ? 'the description' : 'the description to nothing');
  if (c.color !== undefined) words.push('the colour');
  if (c.visibility !== undefined) words.push(`seen by ${layerVisibilityWords[c.visibility] ?? c.visibility}`);
  if (c.writePolicy !== undefined) words.push(`written by ${layerPolicyWords[c.writePolicy] ?? c.writePolicy}`);
  if (c.replyPolicy !== undefined) words.push(`replies from ${layerPolicyWords[c.replyPolicy] ?? c.replyPolicy}`);
  if (c.federation !== undefined) words.push(federationWords[c.federation] ?? c.federation);
  if (c.readFirst !== undefined) words.push(`read first ${c.readFirst ? 'on' : 'off'}`);
  return { layer: c.layer ?? '', words };
}

/** A post named from its author: "@pnina’s gloss no. 12", "their own reply no. 3". */
function postWords(e: AuditEntry): string {
  const whose = e.subject === null ? 'a' : e.subject === e.actor ? 'their own' : `@${e.subject}’s`;
  return `${whose} ${e.kind ?? 'post'}${e.item === null ? '' : ` no. ${e.item}`}`;
}

/**
 * An audit entry as a sentence: "@rivka banned @dovid.", "@shmuel hid @pnina’s gloss no. 12.".
 * An action this client does not know is written as it came, after its actor.
 */
export function auditSentence(e: AuditEntry): string {
  const actor = `@${e.actor}`;
  const subject = e.subject === null ? 'someone' : `@${e.subject}`;
  switch (e.action) {
    case 'group.updated': {
      const words = settingsWords(e.reason);
      return words.length ? `${actor} changed ${words.join(', ')}.` : `${actor} changed the group’s settings.`;
    }
    case 'member.role':
      return `${actor} made ${subject} ${withArticle(e.reason ?? 'member')}.`;
    case 'member.approved':
      return `${actor} admitted ${subject} to the group.`;
    case 'member.declined':
      return `${actor} declined the request of ${subject} to join.`;
    case 'member.removed':
      return `${actor} removed ${subject} from the group.`;
    case 'member.banned':
      return `${actor} banned ${subject}.`;
    case 'member.unbanned':
      return `${actor} lifted the ban on ${subject}.`;
    case 'invitation.created':
      return `${actor} created an invitation link.`;
    case 'invitation.revoked':
      return `${actor} revoked an invitation link.`;
    case 'invitation.accepted':
      return `${actor} joined through an invitation.`;
    case 'layer.created':
      return `${actor} made the layer “${e.reason ?? ''}”.`;
    case 'layer.updated': {
      const { layer, words } = layerChangeWords(e.reason);
      return words.length ? `${actor} changed the layer “${layer}”: ${words.join(', ')}.` : `${actor} changed the layer “${layer}”.`;
    }
    case 'text.created':
      return `${actor} added the text “${e.reason ?? ''}”.`;
    case 'plan.set':
      return `${actor} set the reading plan, on “${e.reason ?? ''}”.`;
    case 'plan.removed':
      return `${actor} removed the reading plan.`;
    case 'following.added':
      return `${actor} followed ${e.reason ?? 'a group elsewhere'}.`;
    case 'following.removed':
      return `${actor} stopped following ${e.reason ?? 'a group elsewhere'}.`;
  }
  const [, deed] = e.action.split('.');
  const verbs: Record<string, string> = { approved: 'approved', hidden: 'hid', restored: 'restored', deleted: 'deleted', flagged: 'flagged' };
  if (e.kind !== null && deed in verbs) return `${actor} ${verbs[deed]} ${postWords(e)}.`;
  return `${actor}: ${e.action}`;
}

/** Whether the entry's `reason` is a reason a person wrote (not a role or the changed settings). */
const hasReason = (e: AuditEntry) => e.reason !== null && !['member.role', 'group.updated', 'layer.created', 'layer.updated', 'text.created', 'plan.set', 'following.added', 'following.removed'].includes(e.action);

/**
 * A group's audit log, for its owners and moderators: every change of membership, of the
 * settings and of a post's standing, newest first, each as a sentence with its time and the
 * reason given. It loads again whenever the page has the group anew (after a change made on the
 * page), and older entries come a page at a time.
 */
export class DafGroupAudit extends LitElement {
  static override styles = [
    groupStyles,
    css`
      .sentence {
        font-size: 1rem;
      }
      q {
        display: block;
        margin-block-start: 0.25rem;
        padding-inline-start: 0.75rem;
        border-inline-start: 3px solid var(--daf-rule);
      }
      .more {
        margin-block-start: 0.75rem;
      }
    `,
  ];

  static override properties = {
    slug: { type: String },
    group: { attribute: false },
    entries: { state: true },
    more: { state: true },
  };

  /** The group's slug. */
  declare slug: string;
  /** The group as the page last loaded it: a new one means something may have changed. */
  declare group: Group | null;
  /** The entries read so far, newest first; null while loading. */
  declare entries: AuditEntry[] | null;
  /** Whether the server may have older entries. */
  declare more: boolean;

  /** Reading older entries. */
  private readonly actions = new ActionController(this);

  constructor() {
    super();
    this.slug = '';
    this.group = null;
    this.entries = null;
    this.more = false;
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('group') || changed.has('slug')) void this.refresh();
  }

  /** Counts reads, so that an answer overtaken by a newer read (or by older entries) is dropped. */
  private reads = 0;

  /** Reads the newest entries again: the page asks after an action the log records. */
  async refresh() {
    const read = ++this.reads;
    try {
      const { entries } = await api.audit(this.slug);
      if (read !== this.reads) return;
      this.entries = entries;
      this.more = entries.length === pageSize;
    } catch (e) {
      if (read === this.reads) this.actions.fail(e);
    }
  }

  private async older() {
    const read = ++this.reads;
    await this.actions.run(async () => {
      const { entries } = await api.audit(this.slug, this.entries!.length);
      if (read !== this.reads) return;
      const known = new Set(this.entries!.map((e) => e.id));
      this.entries = [...this.entries!, ...entries.filter((e) => !known.has(e.id))];
      this.more = entries.length === pageSize;
    });
  }

  private entry(e: AuditEntry) {
    return html`<li data-action=${e.action}>
      <span class="sentence">${auditSentence(e)}</span>
      <span class="meta"><time datetime=${e.at}>${dateText(e.at, true)}</time></span>
      ${hasReason(e) ? html`<q dir=${textDirection(e.reason!)}>${e.reason}</q>` : nothing}
    </li>`;
  }

  override render() {
    const entries = this.entries;
    return html`<section aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log</h2>
      ${entries === null
        ? this.actions.error
          ? nothing
          : html`<p aria-busy="true">Loading the audit log…</p>`
        : entries.length === 0
          ? html`<p class="empty">Nothing has been done in the group yet.</p>`
          : html`<ol class="audit" aria-label="Audit log, newest first">${entries.map((e) => this.entry(e))}</ol>`}
      ${this.more ? html`<button type="button" class="more" ?disabled=${this.actions.busy} @click=${this.older}>Show older entries</button>` : nothing}
      ${this.actions.regions()}
    </section>`;
  }
}

customElements.define('daf-group-audit', DafGroupAudit);

declare global {
  interface HTMLElementTagNameMap {
    'daf-group-audit': DafGroupAudit;
  }
}
