/**
 * The page that holds together (README, "The reader": the layout), as arithmetic: each
 * passage's cards stand level with their words, pushed down just enough not to overlap, and
 * where a passage's commentary needs more room than the passage has, the text gives way — room
 * is kept after that passage, so the next one starts level with its own commentary. A card that
 * would stand further than `reach` below its words waits, with every card after it in its
 * stack, behind one "N more on 1:1" toggle, until that stack is opened.
 *
 * The same arithmetic folds a narrow screen: every card wants the end of its passage, and a
 * reach below zero makes every passage's cards wait behind "N glosses", opened in place.
 *
 * Pure, so it is tested without a browser; the layout controller measures and writes.
 */
import { cardGap } from './place-cards.ts';

/** A card to lay out. */
export interface WayCard {
  id: number;
  /** The passage its gloss (or the gloss on the text it hangs on) belongs to: an index into `ends`. */
  passage: number;
  /** The column it stands in (its side and depth): cards of one column never overlap. */
  column: string;
  /** 1 beside the text, 2 for a gloss on a gloss, and so on: a column is laid out after those nearer the text. */
  depth: number;
  /** The card it comments on, or null for a gloss on the text. */
  parent: number | null;
  /**
   * Where it wants its top: for a gloss on the text, the top of its words as if no room were kept
   * anywhere; for a gloss on a gloss, the top of its words from the top of its parent card.
   */
  anchor: number;
  height: number;
  /** Breaks ties between cards that want the same top (reading order); the id when absent. */
  order?: number;
}

export interface WayOptions {
  /** Space between two cards, and between a passage's last card and the next passage. */
  gap?: number;
  /** How far below its words a card may stand before it waits behind a toggle. */
  reach: number;
  /** The height of the toggle that stands for the waiting cards of a stack. */
  toggleHeight: number;
  /** The stacks shown whole, by `stackKey`. */
  opened: ReadonlySet<string>;
  /** Cards shown though they are past reach (a card a link or a click asked for), before the toggle. */
  pinned?: ReadonlySet<number>;
  /** The least room to keep after each passage (the room every layer needs, so hiding one moves no text). */
  rooms?: readonly number[];
}

/** The toggle of one stack: `ids` are the cards that wait behind it (shown when `open`). */
export interface StackToggle {
  key: string;
  passage: number;
  column: string;
  top: number;
  ids: number[];
  open: boolean;
}

export interface WayLayout {
  /** The top of every shown card. */
  tops: Map<number, number>;
  /** The cards waiting behind a closed toggle (and those on them). */
  waiting: Set<number>;
  toggles: StackToggle[];
  /** The room kept after each passage. */
  rooms: number[];
  /** The bottom of each column's last card or toggle. */
  bottoms: Map<string, number>;
}

/** The key of the stack of one column's cards on one passage. */
export function stackKey(passage: number, column: string): string {
  return `${passage} ${column}`;
}

/**
 * Lays out the cards of every passage in turn. `ends` is where each passage ends (where its room
 * would go), as if no room were kept anywhere, in order down the page; a card whose passage is
 * not in `ends` is left out. Cards must list a parent before the cards on it.
 */
export function giveWay(ends: readonly number[], cards: readonly WayCard[], options: WayOptions): WayLayout {
  const gap = options.gap ?? cardGap;
  const pinned = options.pinned ?? new Set<number>();
  const tops = new Map<number, number>();
  const waiting = new Set<number>();
  const toggles: StackToggle[] = [];
  const rooms: number[] = [];
  /** Where the next card of each column may start. */
  const floors = new Map<string, number>();
  const byPassage = new Map<number, WayCard[]>();
  for (const card of cards) {
    const list = byPassage.get(card.passage);
    if (list) list.push(card);
    else byPassage.set(card.passage, [card]);
  }
  let added = 0;
  ends.forEach((natural, passage) => {
    const end = natural + added;
    let bottom = -Infinity;
    const list = byPassage.get(passage) ?? [];
    const depths = [...new Set(list.map((c) => c.depth))].sort((a, b) => a - b);
    for (const depth of depths) {
      const columns = new Map<string, { card: WayCard; wanted: number }[]>();
      for (const card of list) {
        if (card.depth !== depth) continue;
        if (card.parent !== null && !tops.has(card.parent)) {
          waiting.add(card.id); // its parent waits (or is not shown): so does it
          continue;
        }
        const wanted = card.parent === null ? card.anchor + added : tops.get(card.parent)! + card.anchor;
        const stack = columns.get(card.column) ?? [];
        columns.set(card.column, stack);
        stack.push({ card, wanted });
      }
      for (const [column, stack] of columns) {
        stack.sort((a, b) => a.wanted - b.wanted || (a.card.order ?? a.card.id) - (b.card.order ?? b.card.id));
        const key = stackKey(passage, column);
        const open = options.opened.has(key);
        let floor = floors.get(column) ?? -Infinity;
        let toggle: StackToggle | null = null;
        for (const { card, wanted } of stack) {
          if (!(card.height >= 0)) throw new RangeError(`Card ${card.id} has height ${card.height}`);
          // Past reach, this card and every one after it wait behind the toggle (a pinned one never does).
          if (!pinned.has(card.id) && (toggle || Math.max(wanted, floor) - wanted > options.reach)) {
            if (!toggle) {
              toggle = { key, passage, column, top: Math.max(wanted, floor), ids: [], open };
              toggles.push(toggle);
              // Opened, the toggle stands where the first waiting card would; closed, after the last shown card.
              if (open) floor = toggle.top + options.toggleHeight + gap;
            }
            toggle.ids.push(card.id);
            if (!open) {
              waiting.add(card.id);
              continue;
            }
          }
          const top = Math.max(wanted, floor);
          tops.set(card.id, top);
          floor = top + card.height + gap;
        }
        if (toggle && !open) {
          toggle.top = Math.max(floor, toggle.top);
          floor = toggle.top + options.toggleHeight + gap;
        }
        floors.set(column, floor);
        bottom = Math.max(bottom, floor - gap);
      }
    }
    const room = Math.max(bottom > end ? bottom - end + gap : 0, options.rooms?.[passage] ?? 0);
    rooms.push(room);
    added += room;
  });
  const bottoms = new Map([...floors].map(([column, floor]) => [column, Math.max(0, floor - gap)]));
  return { tops, waiting, toggles, rooms, bottoms };
}
