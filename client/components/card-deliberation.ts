import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { api, failureMessage, type Decision, type Gloss, type Layer } from '../api.ts';
import { authorName } from '../author-name.ts';
import type { DisputePlace } from '../layout/disputes.ts';
import { when } from './post-time.ts';

/** The card this controller serves: its gloss, who reads, its layer, and its write state. */
type Card = ReactiveControllerHost & HTMLElement & { gloss: Gloss; layer: Layer | undefined; me: string | null; busy: boolean; error: string; dispute: DisputePlace | null };

/**
 * What a gloss card shows and offers of deliberation on its reading (docs/deliberation.md): the
 * stances, as a bar of buttons with the reasons given, and the decision recorded, with its dissent
 * beside the reading and, for those who may decide, a form to record one. Writes go through the
 * card's `write`, which shows the server's answer in the card and makes the page re-read.
 */
export class CardDeliberation implements ReactiveController {
  private disagreeingNow = false;
  private decidingNow = false;
  /** The decisions before the one in force, once loaded, and which gloss and count they were loaded for. */
  private earlier: { key: string; decisions: Decision[] } | null = null;

  constructor(
    private readonly card: Card,
    private readonly write: (action: () => Promise<unknown>) => Promise<void>,
  ) {
    card.addController(this);
  }

  hostConnected() {}

  /** Is the reason form for disagreeing open? */
  private get disagreeing(): boolean {
    return this.disagreeingNow;
  }
  private set disagreeing(open: boolean) {
    this.disagreeingNow = open;
    this.card.requestUpdate();
  }

  /** Is the form that records a decision open? */
  private get deciding(): boolean {
    return this.decidingNow;
  }
  private set deciding(open: boolean) {
    this.decidingNow = open;
    this.card.requestUpdate();
  }

  /** Opens a small form in the card and moves the focus into it, so the card stays open while it is filled. */
  private async openInCard(which: 'deciding' | 'disagreeing', field: string) {
    this[which] = true;
    await this.card.updateComplete;
    this.card.querySelector<HTMLElement>(field)?.focus();
  }

  /**
   * A reading in dispute (docs/deliberation.md §5): the first carries the dispute's heading, over
   * the row of readings beside it (the page keeps its height for the others of the row).
   */
  disputeHead() {
    const d = this.card.dispute;
    return d?.place === 1 ? html`<p class="dispute-head">Dispute: ${d.size} readings</p>` : nothing;
  }

  /** Said of a reading in dispute, in its label: which of how many, and whether adopted. */
  disputeLabel(): string {
    const d = this.card.dispute;
    return d ? `, reading ${d.place} of ${d.size} in a dispute${d.adopted ? ', adopted' : ''}` : '';
  }

  /** Marks a reading in dispute that a decision adopted. */
  adoptedTag() {
    return this.card.dispute?.adopted ? html`<span class="tag adopted">Adopted</span> ` : nothing;
  }

  /**
   * A folded reading in dispute: whether it was adopted, and the stances taken on it, to compare
   * at a glance with the readings beside it (opened, the card shows the whole bar).
   */
  foldedStances() {
    if (!this.card.dispute) return nothing;
    const s = this.card.gloss.stances;
    const taken = [`Agree ${s.agree}`, `Disagree ${s.disagree}`, `Abstain ${s.abstain}`].filter((_, i) => [s.agree, s.disagree, s.abstain][i] > 0);
    return html`<p class="stance-counts">${this.adoptedTag()}<span>${taken.join(' · ') || 'No stances yet'}</span></p>`;
  }

  /**
   * The stances on this reading (docs/deliberation.md §2): the counts, as buttons for whoever may
   * reply (pressed: one's own; pressed again: taken back), a reason asked before disagreeing, and
   * the reasons given, with their authors.
   */
  stanceBar() {
    const s = this.card.gloss.stances;
    const may = !!this.card.layer?.you.reply && this.card.me !== null && this.card.gloss.status === 'active';
    if (!may && s.agree + s.disagree + s.abstain === 0) return nothing;
    const take = (stance: 'agree' | 'abstain') => this.write(() => api.setStance(this.card.gloss.id, s.mine === stance ? null : { stance }));
    const disagree = (event: SubmitEvent) => {
      event.preventDefault();
      const reason = String(new FormData(event.target as HTMLFormElement).get('reason') ?? '').trim();
      void this.write(() => api.setStance(this.card.gloss.id, { stance: 'disagree', reason })).then(() => (this.disagreeing = !!this.card.error));
    };
    const button = (label: string, kind: 'agree' | 'disagree' | 'abstain', n: number, act: () => void) =>
      may ? html`<button aria-pressed=${s.mine === kind ? 'true' : 'false'} @click=${act}>${label} ${n}</button>` : html`<span>${label} ${n}</span>`;
    return html`<div class="stances" role="group" aria-label="Stances on this reading">
        ${button('Agree', 'agree', s.agree, () => void take('agree'))}
        ${button('Disagree', 'disagree', s.disagree, () =>
          s.mine === 'disagree' ? void this.write(() => api.setStance(this.card.gloss.id, null)) : this.disagreeing ? (this.disagreeing = false) : void this.openInCard('disagreeing', 'form.reason input'),
        )}
        ${button('Abstain', 'abstain', s.abstain, () => void take('abstain'))}
      </div>
      ${this.disagreeing
        ? html`<form class="reason" @submit=${disagree}>
            <label>Why do you disagree? <input name="reason" required maxlength="1000" /></label>
            <button type="submit" ?disabled=${this.card.busy}>Disagree</button>
          </form>`
        : nothing}
      ${s.reasons.length
        ? html`<ul class="reasons">
            ${s.reasons.map((r) => html`<li><span class="who">${authorName(r.author, '')} ${r.stance === 'disagree' ? 'disagrees' : r.stance === 'agree' ? 'agrees' : 'abstains'}:</span> ${r.reason}</li>`)}
          </ul>`
        : nothing}`;
  }

  /** What a decision says: the statement, who decided and when, what was adopted, and the dissent as it stood. */
  private decisionBody(d: Decision, label: string) {
    const g = this.card.gloss;
    const adopted = !d.adopted ? '' : d.adopted.kind === 'gloss' ? (d.adopted.id === g.id ? 'This reading is adopted.' : 'Another reading is adopted.') : 'A reply in this thread is adopted.';
    return html`<p><strong>${label}</strong> ${d.statement}</p>
      <p class="who">${authorName(d.decidedBy, '')} · ${when(d.decidedAt, null)}${d.reviewOn ? ` · review on ${d.reviewOn}` : ''}${adopted ? ` · ${adopted}` : ''}</p>
      ${d.dissent.length
        ? html`<p class="who">Dissent, as it stood:</p>
            <ul class="dissent">
              ${d.dissent.map((x) => html`<li><span class="who">${authorName(x.author, '')}:</span> ${x.reason}</li>`)}
            </ul>`
        : nothing}`;
  }

  /**
   * The decisions this one superseded (docs/deliberation.md §3): a button that says how many, and
   * loads and lists them, newest first, when pressed. A new decision closes the list.
   */
  private earlierDecisions(d: Decision) {
    if (d.earlier === 0) return nothing;
    const key = `${this.card.gloss.id}:${d.earlier}`;
    const shown = this.earlier?.key === key ? this.earlier.decisions : null;
    const toggle = async () => {
      if (shown) {
        this.earlier = null;
      } else {
        try {
          this.earlier = { key, decisions: (await api.decisions(this.card.gloss.id)).decisions.slice(1) };
        } catch (e) {
          this.card.error = failureMessage(e);
        }
      }
      this.card.requestUpdate();
    };
    return html`<button class="earlier-decisions" aria-expanded=${shown ? 'true' : 'false'} @click=${() => void toggle()}>Earlier decisions (${d.earlier})</button>
      ${shown
        ? html`<ol class="earlier-decisions" aria-label="Earlier decisions">
            ${shown.map((x) => html`<li>${this.decisionBody(x, 'Decided earlier:')}</li>`)}
          </ol>`
        : nothing}`;
  }

  /**
   * The decision in force on this reading, as a daf keeps the minority view beside the ruling:
   * the statement, who decided and when, what was adopted, and the dissent as it stood, with the
   * decisions it superseded a press away; and, for those who may decide, a form to record one
   * (docs/deliberation.md §3).
   */
  decisionBox() {
    const d = this.card.gloss.decision;
    const g = this.card.gloss;
    const mayDecide = g.status === 'active' && (this.card.layer?.group ? !!this.card.layer?.you.moderate : !!this.card.layer?.you.manage);
    const record = (event: SubmitEvent) => {
      event.preventDefault();
      const data = new FormData(event.target as HTMLFormElement);
      const statement = String(data.get('statement') ?? '').trim();
      void this.write(() => api.decide(g.id, { statement, ...(data.get('adopt') ? { adopted: { gloss: g.id } } : {}) })).then(() => (this.deciding = !!this.card.error));
    };
    return html`${d
        ? html`<section class="decision" aria-label="Decision">${this.decisionBody(d, 'Decided:')} ${this.earlierDecisions(d)}</section>`
        : nothing}
      ${mayDecide && !this.deciding ? html`<button class="record-decision" @click=${() => void this.openInCard('deciding', 'form.decide textarea')}>Record a decision</button>` : nothing}
      ${this.deciding
        ? html`<form class="decide" @submit=${record}>
            <label>Decision <textarea name="statement" required maxlength="2000" rows="2"></textarea></label>
            <label><input type="checkbox" name="adopt" checked /> Adopt this reading</label>
            <button type="submit" class="primary" ?disabled=${this.card.busy}>Record</button>
            <button type="button" @click=${() => (this.deciding = false)}>Cancel</button>
          </form>`
        : nothing}`;
  }
}
