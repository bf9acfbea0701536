/**
 * Readings in dispute (docs/deliberation.md §5): readings of one layer on overlapping words of
 * the text, by more than one voice, which the page shows side by side. Pure, so it is tested
 * without a browser.
 */
import type { Gloss } from '../api.ts';
import { authorOf } from '../gloss-filter.ts';

/** Readings of one layer whose words overlap, in reading order. */
export interface Dispute {
  layer: string;
  /** Its readings, by where their words start, then by id. */
  ids: number[];
  /** The reading among them that a decision adopted (the newest such decision's), or null. */
  adopted: number | null;
}

/** A gloss's place in its dispute, as its card shows it. */
export interface DisputePlace {
  /** How many readings the dispute holds. */
  size: number;
  /** Which one this is, from 1, in reading order. */
  place: number;
  /** Did a decision adopt this reading? */
  adopted: boolean;
}

/** A gloss with words of its own in the text: not on a gloss, not lost, not moved to its whole passage. */
type Placed = Gloss & { anchor: { start: number; end: number } };

/**
 * Is a gloss a reading that can be in dispute: published, on the text, not a question, anchored
 * to words of its own (a gloss whose words were lost to its whole passage says nothing of which
 * words it reads)?
 */
function isReading(g: Gloss): g is Placed {
  const a = g.anchor;
  return g.status === 'active' && g.target.gloss === null && g.motivation !== 'questioning' && !!a && a.start !== null && a.end !== null && a.end > a.start && a.status !== 'segment';
}

/** Whose voice a reading is: an imported commentary's author, else the account that wrote it. */
const voice = (g: Gloss): string => authorOf(g)?.key ?? `#${g.id}`;

/**
 * The disputes among `glosses`: in each layer, the readings whose words overlap, directly or
 * through one another (a reading on words 0–10, one on 5–20 and one on 15–30 are one dispute),
 * as long as more than one voice wrote them — one person's two notes on the same words are not a
 * dispute, nor are an imported commentator's. Words touching end to start do not overlap.
 */
export function findDisputes(glosses: readonly Gloss[]): Dispute[] {
  // What decisions adopted, with when: a later decision supersedes an earlier one.
  const adoptedAt = new Map<number, string>();
  for (const g of glosses) {
    const d = g.decision;
    if (d?.adopted?.kind !== 'gloss') continue;
    const was = adoptedAt.get(d.adopted.id);
    if (was === undefined || was < d.decidedAt) adoptedAt.set(d.adopted.id, d.decidedAt);
  }
  const byLayer = new Map<string, Placed[]>();
  for (const g of glosses) {
    if (!isReading(g)) continue;
    const list = byLayer.get(g.layer);
    if (list) list.push(g);
    else byLayer.set(g.layer, [g]);
  }
  const disputes: Dispute[] = [];
  for (const [layer, readings] of byLayer) {
    readings.sort((a, b) => a.anchor.start - b.anchor.start || a.id - b.id);
    let run: Placed[] = [];
    let end = -Infinity;
    const close = () => {
      if (run.length < 2 || new Set(run.map(voice)).size < 2) return;
      let adopted: Placed | null = null;
      for (const g of run) {
        const at = adoptedAt.get(g.id);
        if (at !== undefined && (!adopted || at > adoptedAt.get(adopted.id)!)) adopted = g;
      }
      disputes.push({ layer, ids: run.map((g) => g.id), adopted: adopted?.id ?? null });
    };
    for (const g of readings) {
      if (g.anchor.start >= end) {
        close();
        run = [];
        end = -Infinity;
      }
      run.push(g);
      end = Math.max(end, g.anchor.end);
    }
    close();
  }
  return disputes;
}

/** Each disputed reading's place in its dispute, by gloss id. */
export function disputePlaces(disputes: readonly Dispute[]): Map<number, DisputePlace> {
  const places = new Map<number, DisputePlace>();
  for (const d of disputes) d.ids.forEach((id, i) => places.set(id, { size: d.ids.length, place: i + 1, adopted: d.adopted === id }));
  return places;
}
