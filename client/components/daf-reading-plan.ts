import { LitElement, html, css, nothing } from 'lit';
import { parseDatedLines, passageRange } from '../../schema/reading-plan.ts';
import { api, ApiError, type PlanInput, type PlanPassage, type ReadingPlan } from '../api.ts';
import { ActionController } from '../controllers/action-controller.ts';
import './daf-confirm.ts';
import type { DafConfirm } from './daf-confirm.ts';
import { groupStyles } from './group-styles.ts';

/** A text the plan form offers: the group's own, and those its layers are on. */
export interface PlanTextChoice {
  slug: string;
  title: string;
}

/** A calendar day (`YYYY-MM-DD`) as the reader's browser writes it, that day wherever they are: "17 Dec 2026". */
function dayText(day: string, withYear = true): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString(undefined, { timeZone: 'UTC', day: 'numeric', month: 'short', ...(withYear ? { year: 'numeric' } : {}) });
}

/** A passage's days: "17 Dec 2026", or "17 – 23 Dec 2026". */
function daysText(p: PlanPassage): string {
  if (p.start === p.end) return dayText(p.start);
  return `${dayText(p.start, p.start.slice(0, 4) !== p.end.slice(0, 4))} – ${dayText(p.end)}`;
}

/** What the passage of today is called: the day's, the week's, or now's. */
function nowName(p: PlanPassage): string {
  const days = (Date.parse(p.end) - Date.parse(p.start)) / 86_400_000 + 1;
  return days === 1 ? 'Today’s passage' : days === 7 ? 'This week’s passage' : 'Reading now';
}

/** Today, in the reader's own calendar, as the form's first start date. */
function localToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * A group's reading plan on its page: the passage of today (or the next, before the plan starts)
 * with a link that opens the text at it, and the whole schedule folded below, today's passage
 * marked. Owners and moderators set the plan — a pace (N passages a day or a week from a date)
 * or dated passages pasted one a line — replace it or remove it. Without a plan (`hasPlan`, as
 * the group page read it), nothing is asked of the server: members see nothing of it and
 * moderators a button to set one.
 */
export class DafReadingPlan extends LitElement {
  static override styles = [
    groupStyles,
    css`
      .now {
        margin: 0.75rem 0 0;
        padding: 0.9rem 1rem;
        background: var(--daf-card);
        border: 1px solid var(--daf-rule);
        border-inline-start: 4px solid var(--daf-accent);
        border-radius: 6px;
      }
      .now .label {
        margin: 0;
        font-family: system-ui, sans-serif;
        font-size: 0.75rem;
        letter-spacing: 0.06em;
        text-transform: uppercase;
        color: var(--daf-muted);
      }
      .now .passage {
        margin: 0.3rem 0 0;
        font-size: 1.35rem;
        line-height: 1.3;
      }
      .now .passage a {
        color: var(--daf-fg);
        text-decoration: none;
      }
      .now .passage a:hover,
      .now .passage a:focus-visible {
        color: var(--daf-accent);
        text-decoration: underline;
      }
      .now .title {
        display: block;
        font-size: 1rem;
        font-style: italic;
      }
      .now .open {
        display: inline-block;
        margin-block-start: 0.6rem;
      }
      details {
        margin-block-start: 0.75rem;
      }
      .edit {
        margin-block-start: 0.9rem;
      }
      summary {
        cursor: pointer;
        font-family: system-ui, sans-serif;
        font-size: 0.9rem;
      }
      ol.schedule {
        margin: 0.5rem 0 0;
        padding-inline-start: 1.5rem;
      }
      ol.schedule li {
        padding: 0.15rem 0;
      }
      ol.schedule li[aria-current] {
        font-weight: 600;
      }
      ol.schedule .days {
        display: inline-block;
        min-inline-size: 11rem;
        font-family: system-ui, sans-serif;
        font-size: 0.85rem;
        color: var(--daf-muted);
      }
      form {
        display: grid;
        gap: 0.75rem;
        margin-block-start: 0.75rem;
        padding: 0.75rem;
        border: 1px solid var(--daf-rule);
        border-radius: 6px;
      }
      fieldset {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        margin: 0;
        padding: 0;
        border: 0;
      }
      legend {
        padding: 0;
        margin-block-end: 0.25rem;
        font-family: system-ui, sans-serif;
        font-size: 0.85rem;
      }
      label.field {
        display: flex;
        flex-direction: column;
        gap: 0.25rem;
        font-size: 0.85rem;
      }
      input[type='number'] {
        inline-size: 6rem;
      }
      textarea {
        inline-size: 100%;
        box-sizing: border-box;
        min-block-size: 7rem;
        font-family: ui-monospace, monospace;
        font-size: 0.85rem;
      }
      .hint {
        margin: 0;
        font-family: system-ui, sans-serif;
        font-size: 0.8rem;
        color: var(--daf-muted);
      }
    `,
  ];

  static override properties = {
    slug: { type: String },
    hasPlan: { type: Boolean },
    canEdit: { type: Boolean },
    texts: { attribute: false },
    plan: { state: true },
    loaded: { state: true },
    editing: { state: true },
    kind: { state: true },
  };

  /** The group's slug. */
  declare slug: string;
  /** The group has a plan the reader may read (the group page says so): only then is it asked for. */
  declare hasPlan: boolean;
  /** The reader is an owner or moderator of the group. */
  declare canEdit: boolean;
  /** The texts the form offers. */
  declare texts: PlanTextChoice[];
  /** The plan; null when the group has none (or it is not the reader's to see). */
  declare plan: ReadingPlan | null;
  /** The plan was asked for and answered. */
  declare loaded: boolean;
  /** The form is open. */
  declare editing: boolean;
  /** Which kind of schedule the form writes. */
  declare kind: 'pace' | 'dates';

  /** Setting and removing the plan, and loading it. */
  private readonly actions = new ActionController(this);

  constructor() {
    super();
    this.slug = '';
    this.hasPlan = false;
    this.canEdit = false;
    this.texts = [];
    this.plan = null;
    this.loaded = false;
    this.editing = false;
    this.kind = 'pace';
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      this.plan = this.hasPlan ? await api.readingPlan(this.slug) : null;
    } catch (e) {
      // Removed since the group page was read: no plan. Anything else is said.
      this.plan = null;
      if (!(e instanceof ApiError && e.status === 404)) this.actions.fail(e);
    }
    this.loaded = true;
  }

  private openForm() {
    this.actions.clear();
    this.kind = this.plan?.schedule.kind ?? 'pace';
    this.editing = !this.editing;
  }

  /** The schedule the form describes, or why it cannot be read. */
  private schedule(data: FormData): PlanInput['schedule'] | string {
    if (this.kind === 'dates') {
      const read = parseDatedLines(String(data.get('lines') ?? ''));
      return 'error' in read ? read.error : { kind: 'dates', passages: read.passages };
    }
    const from = String(data.get('from') ?? '').trim();
    return {
      kind: 'pace',
      segments: Number(data.get('segments')),
      every: data.get('every') === 'day' ? 'day' : 'week',
      start: String(data.get('start')),
      ...(from ? { from } : {}),
    };
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const schedule = this.schedule(data);
    if (typeof schedule === 'string') return this.actions.refuse(schedule);
    const text = String(data.get('text') ?? '').trim();
    const saved = await this.actions.run(async () => {
      this.plan = await api.setReadingPlan(this.slug, { text, schedule });
      this.editing = false;
      return 'The reading plan is set.';
    });
    if (saved) this.logged();
  }

  private async removePlan() {
    const ok = await this.renderRoot.querySelector<DafConfirm>('daf-confirm')!.ask({
      title: 'Remove the reading plan?',
      message: 'The group’s page will no longer show a passage to read. You can set a new plan at any time.',
      confirm: 'Remove',
    });
    if (ok === null) return;
    const removed = await this.actions.run(async () => {
      await api.removeReadingPlan(this.slug);
      this.plan = null;
      this.editing = false;
      return 'The reading plan is removed.';
    });
    if (removed) this.logged();
  }

  /** Tells the page that the audit log has a new entry (setting and removing a plan are recorded). */
  private logged() {
    this.dispatchEvent(new CustomEvent('daf-audit-changed', { bubbles: true, composed: true }));
  }

  private link(plan: ReadingPlan, p: PlanPassage) {
    return `/t/${encodeURIComponent(plan.text.slug)}#${encodeURIComponent(p.from)}`;
  }

  private current(plan: ReadingPlan) {
    const text = html`<span lang=${plan.text.language} dir=${plan.text.direction}>${plan.text.title}</span>`;
    const shown = plan.now ?? plan.next;
    if (!shown) {
      return html`<div class="now"><p class="label">The plan is finished</p><p class="passage">${text}</p></div>`;
    }
    const label = plan.now ? nowName(plan.now) : `Starts ${dayText(shown.start)}`;
    return html`<div class="now" data-passage=${shown.from}>
      <p class="label">${label}</p>
      <p class="passage">
        <a href=${this.link(plan, shown)}>${text} ${passageRange(shown)}</a>
        ${shown.title ? html`<span class="title" dir="auto">${shown.title}</span>` : nothing}
      </p>
      <span class="meta">${daysText(shown)}</span>
      <a class="open button" href=${this.link(plan, shown)}>Open the text at ${shown.from}</a>
    </div>`;
  }

  private whole(plan: ReadingPlan) {
    const n = plan.passages.length;
    return html`<details>
      <summary>The whole plan: ${n} ${n === 1 ? 'passage' : 'passages'}${plan.schedule.kind === 'pace' ? `, ${plan.schedule.segments} a ${plan.schedule.every}` : ''}</summary>
      <ol class="schedule">
        ${plan.passages.map(
          (p) => html`<li aria-current=${plan.now?.start === p.start ? 'true' : nothing}>
            <span class="days">${daysText(p)}</span>
            <a href=${this.link(plan, p)}>${passageRange(p)}</a>${p.title ? html` · <span dir="auto">${p.title}</span>` : nothing}
          </li>`,
        )}
      </ol>
    </details>`;
  }

  private form() {
    const plan = this.plan;
    const pace = plan?.schedule.kind === 'pace' ? plan.schedule : null;
    const lines = plan?.schedule.kind === 'dates' ? plan.passages.map((p) => `${p.start} ${p.from}${p.to === p.from ? '' : `-${p.to}`}${p.title ? ` ${p.title}` : ''}`).join('\n') : '';
    const textSlug = plan?.text.slug ?? this.texts[0]?.slug ?? '';
    return html`<form @submit=${this.save} aria-label="Set the reading plan">
      <label class="field"
        >Text (its address)
        <input name="text" required list="plan-texts" .value=${textSlug} pattern="[a-z0-9][a-z0-9\\-]{0,63}" />
        <datalist id="plan-texts">${this.texts.map((t) => html`<option value=${t.slug}>${t.title}</option>`)}</datalist>
      </label>
      <fieldset>
        <legend>How the group reads it</legend>
        <label><input type="radio" name="kind" value="pace" .checked=${this.kind === 'pace'} @change=${() => (this.kind = 'pace')} /> At a steady pace</label>
        <label><input type="radio" name="kind" value="dates" .checked=${this.kind === 'dates'} @change=${() => (this.kind = 'dates')} /> Passages with dates</label>
      </fieldset>
      ${this.kind === 'pace'
        ? html`<div class="row">
            <label class="field">Passages (segments)<input name="segments" type="number" min="1" max="10000" step="1" required .value=${String(pace?.segments ?? 6)} /></label>
            <label class="field"
              >Every<select name="every">
                <option value="week" ?selected=${pace?.every !== 'day'}>week</option>
                <option value="day" ?selected=${pace?.every === 'day'}>day</option>
              </select></label
            >
            <label class="field">From<input name="start" type="date" required .value=${pace?.start ?? localToday()} /></label>
            <label class="field">Beginning at (optional)<input name="from" placeholder="1:1" maxlength="64" .value=${pace?.from ?? ''} /></label>
          </div>`
        : html`<label class="field"
              >Passages, one a line
              <textarea name="lines" spellcheck="false" placeholder="2026-12-10 1:1-1:6 The chain of tradition" .value=${lines}></textarea>
            </label>
            <p class="hint">A date (YYYY-MM-DD), the passage (1:5, or 1:1-1:6), then a title if you like. Each passage is read until the next one’s date.</p>`}
      <div class="actions">
        <button type="submit" class="primary" ?disabled=${this.actions.busy}>${plan ? 'Replace the plan' : 'Set the plan'}</button>
        <button type="button" @click=${() => (this.editing = false)}>Cancel</button>
      </div>
    </form>`;
  }

  override render() {
    if (!this.loaded) return nothing;
    const plan = this.plan;
    if (!plan && !this.canEdit) return this.actions.error ? this.actions.regions() : nothing;
    return html`<section aria-labelledby="plan-heading">
      <h2 id="plan-heading">Reading plan</h2>
      ${plan ? html`${this.current(plan)} ${this.whole(plan)}` : html`<p class="empty">The group has no reading plan yet.</p>`}
      ${this.canEdit
        ? html`<div class="actions edit">
            <button type="button" aria-expanded=${this.editing ? 'true' : 'false'} @click=${this.openForm}>${plan ? 'Change the plan…' : 'Set a reading plan…'}</button>
            ${plan ? html`<button type="button" ?disabled=${this.actions.busy} @click=${this.removePlan}>Remove the plan</button>` : nothing}
          </div>`
        : nothing}
      ${this.editing ? this.form() : nothing}
      ${this.actions.regions()}
      <daf-confirm></daf-confirm>
    </section>`;
  }
}

customElements.define('daf-reading-plan', DafReadingPlan);

declare global {
  interface HTMLElementTagNameMap {
    'daf-reading-plan': DafReadingPlan;
  }
}
