/**
 * Readings in dispute side by side (README, "The reader": disputes), as arithmetic over
 * `giveWay`: the readings of one dispute stand together in their column as one unit — the first
 * one's card carries the dispute's heading, then rows of `perRow` readings side by side (one a
 * row on a phone, stacked) — which `giveWay` places, and reaches, as one card. Pure, so it is
 * tested without a browser.
 */
import { giveWay, type WayCard, type WayLayout, type WayOptions } from './give-way.ts';
import { cardGap } from './place-cards.ts';

/** Where a reading stands in its dispute: its row, its place in the row, and how many share a row. */
export interface Slot {
  row: number;
  slot: number;
  slots: number;
}

export interface RowOptions extends WayOptions {
  /** How many readings stand side by side in a row of a column (1: stacked). */
  perRow: (column: string) => number;
  /**
   * The height of the dispute's heading. It stands at the top of the first reading's card (its
   * height counts it); the other readings of the first row start below it.
   */
  head: number;
}

/** The least width, in CSS pixels, of a reading in dispute that stands beside another. */
export const disputeReadingWidth = 150;

/** How many readings in dispute stand side by side in a column `width` pixels wide: as many as have their least width, at least one. */
export function readingsPerRow(width: number, gap = cardGap): number {
  return Math.max(1, Math.floor((width + gap) / (disputeReadingWidth + gap)));
}

/** The slot of each reading of each dispute (`disputes` lists each one's readings in order), `perRow` to a row. */
export function disputeSlots(disputes: readonly (readonly number[])[], perRow: number): Map<number, Slot> {
  const slots = new Map<number, Slot>();
  for (const ids of disputes) {
    const slotsInRow = Math.max(1, Math.min(perRow, ids.length));
    ids.forEach((id, i) => slots.set(id, { row: Math.floor(i / slotsInRow), slot: i % slotsInRow, slots: slotsInRow }));
  }
  return slots;
}

/**
 * `giveWay`, with the readings of each dispute (`disputes`, each one's ids in order) laid out as
 * one unit: every reading of a row starts at the row's top (the first row's, but the first, below
 * the heading), a row below the tallest card of the row above. The unit wants the highest of its
 * readings' tops and waits, or is pinned, whole. A dispute needs two readings in one column among
 * `cards`; the rest stand alone. Glosses on a reading keep their place in its card. The readings'
 * slots in their rows are `disputeSlots`'s.
 */
export function giveWayInRows(ends: readonly number[], cards: readonly WayCard[], disputes: readonly (readonly number[])[], options: RowOptions): WayLayout {
  const gap = options.gap ?? cardGap;
  const byId = new Map(cards.map((c) => [c.id, c]));
  /** Each dispute by its first reading, whose id stands for all of them in `giveWay`; each reading's dispute, and its top from the dispute's. */
  const units = new Map<number, number[]>();
  const leadOf = new Map<number, number>();
  const offsetOf = new Map<number, number>();
  const merged = new Map<number, WayCard>();
  for (const ids of disputes) {
    const first = ids.map((id) => byId.get(id)).find((c) => c !== undefined);
    const members = ids.map((id) => byId.get(id)).filter((c): c is WayCard => c !== undefined && c.column === first?.column && c.parent === null);
    if (members.length < 2) continue;
    const lead = members[0];
    const perRow = Math.max(1, Math.min(options.perRow(lead.column), members.length));
    let rowTop = 0;
    let bottom = 0;
    for (let at = 0; at < members.length; at += perRow) {
      for (const [i, m] of members.slice(at, at + perRow).entries()) {
        const offset = rowTop + (at === 0 && i > 0 ? options.head : 0);
        leadOf.set(m.id, lead.id);
        offsetOf.set(m.id, offset);
        bottom = Math.max(bottom, offset + m.height);
      }
      rowTop = bottom + gap;
    }
    units.set(lead.id, members.map((m) => m.id));
    const anchor = Math.min(...members.map((m) => m.anchor));
    const order = Math.min(...members.map((m) => m.order ?? m.id));
    merged.set(lead.id, { ...lead, anchor, order, height: bottom });
  }
  // Each unit stands where the first of its readings did, so parents still come before the cards on them.
  const asUnits: WayCard[] = [];
  for (const card of cards) {
    const lead = leadOf.get(card.id);
    if (lead !== undefined) {
      const unit = merged.get(lead);
      if (unit) asUnits.push(unit);
      merged.delete(lead);
      continue;
    }
    const parentLead = card.parent === null ? undefined : leadOf.get(card.parent);
    asUnits.push(parentLead === undefined ? card : { ...card, parent: parentLead, anchor: card.anchor + offsetOf.get(card.parent!)! });
  }
  const pinned = options.pinned && new Set([...options.pinned].map((id) => leadOf.get(id) ?? id));
  const way = giveWay(ends, asUnits, { ...options, pinned });
  for (const [lead, members] of units) {
    const top = way.tops.get(lead);
    if (top !== undefined) for (const id of members) way.tops.set(id, top + offsetOf.get(id)!);
    if (way.waiting.has(lead)) for (const id of members) way.waiting.add(id);
  }
  const spread = (ids: number[]) => ids.flatMap((id) => units.get(id) ?? [id]);
  for (const toggle of way.toggles) toggle.ids = spread(toggle.ids);
  return way;
}
