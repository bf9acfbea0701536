import { css } from 'lit';
import { bandMargin } from '../../layout/columns.ts';
import { cardGap } from '../../layout/place-cards.ts';
import { toggleHeight } from './layout-controller.ts';
import { cardStyles } from '../card-styles.ts';

/** The text page's look: the text, its marks, the columns, bands and folds of cards, the popover. */
export const textPageStyles = [
  cardStyles,
  css`
  :host {
    display: block;
    position: relative;
    padding: 1rem 1.5rem 4rem;
  }
  h1 {
    font-weight: 500;
    text-align: center;
    margin: 0.5rem 0 0.25rem;
  }
  .credit {
    text-align: center;
    color: var(--daf-muted);
    font-size: 0.85rem;
    margin: 0 0 1rem;
  }
  .layers {
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: 0.5rem 1rem;
    margin-block-end: 1.5rem;
  }
  .layers label {
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
    cursor: pointer;
  }
  .read-first {
    list-style: none;
    padding: 0;
    margin: -0.75rem 0 1rem;
    text-align: center;
    font-size: 0.9rem;
    color: var(--daf-muted);
  }
  .read-first li {
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
  }
  /* The filters: their button, how many glosses they show, and Clear (buttons as the banners' are). */
  .filter-bar {
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    align-items: center;
    gap: 0.4rem 0.75rem;
    margin: -0.75rem 0 1.5rem;
    font: 0.85rem system-ui, sans-serif;
  }
  .filter-bar .filter-toggle[aria-expanded='true'] {
    background: color-mix(in srgb, var(--daf-accent) 12%, transparent);
  }
  .filter-bar button:focus-visible {
    outline: 2px solid var(--daf-accent);
    outline-offset: 2px;
  }
  .filter-status {
    margin: 0;
  }
  .swatch {
    inline-size: 0.8rem;
    block-size: 0.8rem;
    border-radius: 2px;
    background: var(--c);
  }
  .page {
    display: grid;
    gap: 1.25rem;
    align-items: start;
  }
  .column {
    position: relative;
    min-block-size: 1px;
  }
  /* Groups of cards lie over each other, each as large as its column; cards place themselves. */
  .group {
    position: absolute;
    inset: 0;
    /* A group lies over the column's other groups: only its cards take the pointer. */
    pointer-events: none;
  }
  .group daf-gloss-card {
    pointer-events: auto;
  }
  /* A band of a group's cards: as wide as the column, and a little more for the focus rings. */
  .band {
    position: absolute;
    inset-inline: -${bandMargin}px;
  }
  .band > daf-gloss-card {
    inset-inline: ${bandMargin}px;
  }
  .band.sized {
    content-visibility: auto;
  }
  /* Readings in dispute side by side: --slots to a row, each in its --slot (the layout sets both). */
  .band > daf-gloss-card[data-dispute] {
    inset-inline-end: auto;
    inline-size: calc((100% - ${2 * bandMargin}px - (var(--slots, 1) - 1) * ${cardGap}px) / var(--slots, 1));
    inset-inline-start: calc(${bandMargin}px + var(--slot, 0) * (100% - ${2 * bandMargin - cardGap}px) / var(--slots, 1));
  }
  /* Folded, a narrow reading gives its author a line of their own rather than cut both short. */
  .band > daf-gloss-card[data-dispute] > .face.folded header {
    flex-wrap: wrap;
    gap: 0 0.5rem;
  }
  /* Opened, a reading takes its whole row, over the readings beside it, as it opens over the cards below. */
  .band > daf-gloss-card[data-dispute][unfolded] > .face {
    inline-size: calc(var(--slots, 1) * 100% + (var(--slots, 1) - 1) * ${cardGap}px);
    box-sizing: border-box;
    margin-inline-start: calc(var(--slot, 0) * (-100% - ${cardGap}px));
  }
  /* In hand, a reading in dispute is ringed without its dispute's heading. */
  daf-gloss-card[data-dispute].active,
  daf-gloss-card[data-dispute]:focus-visible {
    box-shadow: none;
  }
  daf-gloss-card[data-dispute].active > .face,
  daf-gloss-card[data-dispute]:focus-visible > .face {
    box-shadow: 0 0 0 2px var(--c);
  }
  daf-gloss-card[data-dispute][unfolded].active > .face,
  daf-gloss-card[data-dispute][unfolded]:focus-visible > .face {
    box-shadow: 0 0 0 2px var(--c), 0 6px 20px rgb(0 0 0 / 0.18);
  }
  /* A card opened in place shows whole, over the bands below it. */
  .band.holds-open {
    content-visibility: visible;
    z-index: 2;
  }
  /* The toggles of the stacks whose cards wait (see the layout controller). */
  .toggles {
    position: absolute;
    inset: 0;
    pointer-events: none;
  }
  .stack-toggle {
    position: absolute;
    inset-inline: 0;
    block-size: ${toggleHeight}px;
    box-sizing: border-box;
    pointer-events: auto;
    padding: 0 0.75rem;
    text-align: start;
    font: 0.8rem system-ui, sans-serif;
    color: var(--daf-accent);
    background: var(--daf-bg);
    border: 1px dashed var(--daf-rule);
    border-radius: 4px;
    cursor: pointer;
  }
  /*
   * A translation beside the text: each segment keeps the inline-end half of its width for its
   * parallel, which floats there (pulled out of the text's half by a negative margin), so both
   * start level and the segment is as tall as the longer of the two.
   */
  .with-parallel .text .ProseMirror > p.segment {
    display: flow-root;
    padding-inline-end: 50%;
  }
  .with-parallel .text .parallel {
    float: inline-end;
    inline-size: calc(100% - 1.5rem);
    margin-inline-end: -100%;
    font-size: 1rem;
    line-height: 1.6;
    color: var(--daf-muted);
    white-space: normal;
    user-select: none;
  }
  .text .parallel .words {
    display: block;
  }
  .page.narrow.with-parallel .text .ProseMirror > p.segment {
    padding-inline-end: 0;
  }
  .page.narrow.with-parallel .text .parallel {
    float: none;
    display: block;
    inline-size: auto;
    margin: 0.25rem 0 0;
  }
  .parallel-toggle .swatch {
    background: var(--daf-muted);
  }
  /* The focus panel: everything on one passage, beside the page. */
  .focus-panel {
    position: fixed;
    inset-block: 0;
    inset-inline-end: 0;
    z-index: 20;
    inline-size: min(34rem, 100vw);
    box-sizing: border-box;
    overflow-y: auto;
    padding: 1rem 1.25rem 2rem;
    background: var(--daf-bg);
    border-inline-start: 1px solid var(--daf-rule);
    box-shadow: 0 0 32px rgb(0 0 0 / 0.2);
  }
  .focus-panel header {
    display: flex;
    justify-content: space-between;
    align-items: baseline;
  }
  .focus-panel h2 {
    margin: 0;
    font: 600 1.1rem system-ui, sans-serif;
  }
  .focus-panel h3 {
    margin: 1rem 0 0.4rem;
    font: 600 0.9rem system-ui, sans-serif;
  }
  .focus-panel .close {
    font-size: 1.4rem;
    line-height: 1;
    background: none;
    border: none;
    color: var(--daf-fg);
    cursor: pointer;
  }
  .focus-panel .passage {
    font-size: 1.05rem;
    line-height: 1.6;
    margin: 0.5rem 0;
    padding-block-end: 0.75rem;
    border-block-end: 1px solid var(--daf-rule);
  }
  .focus-panel daf-gloss-card {
    position: relative;
    margin-block-end: 0.5rem;
  }
  /* On paper: the page as laid out, without its controls (the printable daf, /t/:slug/print, lays a passage out for paper). */
  @media print {
    .focus-panel,
    .layers,
    .filter-bar,
    daf-gloss-filters,
    .help,
    .banner,
    .popover,
    .toggles,
    daf-gloss-card .actions,
    daf-gloss-card daf-composer {
      display: none;
    }
    daf-gloss-card,
    daf-gloss-card > .face {
      box-shadow: none;
      break-inside: avoid;
    }
    .band.sized {
      content-visibility: visible;
    }
  }
  /* No keyboard hints on a touch screen. */
  @media (hover: none) and (pointer: coarse) {
    .help .keys {
      display: none;
    }
  }
  .stack-toggle:hover {
    border-style: solid;
  }
  .stack-toggle:focus-visible {
    outline: 2px solid var(--daf-accent);
    outline-offset: 1px;
  }
  .text {
    font-size: 1.2rem;
    line-height: 1.75;
  }
  .text .ProseMirror {
    white-space: pre-wrap;
    word-wrap: break-word;
    outline: none;
    caret-color: var(--daf-accent);
  }
  .text p.segment::before {
    content: attr(data-ref);
    color: var(--daf-muted);
    font-size: 0.75rem;
    margin-inline-end: 0.5rem;
    font-family: system-ui, sans-serif;
  }
  .gloss-mark {
    background: color-mix(in srgb, var(--c) 20%, transparent);
    border-block-end: 2px solid color-mix(in srgb, var(--c) 70%, transparent);
    border-radius: 2px;
    color: inherit;
  }
  /* Where marks of several layers meet, each layer's underline sits a little lower than the one
     before it, so all of them show (README, "The reader": markers). */
  daf-mark-1.gloss-mark { padding-block-end: 3px; }
  daf-mark-2.gloss-mark { padding-block-end: 6px; }
  daf-mark-3.gloss-mark { padding-block-end: 9px; }
  daf-mark-4.gloss-mark { padding-block-end: 12px; }
  daf-mark-5.gloss-mark { padding-block-end: 15px; }
  .text p.segment-glossed {
    position: relative;
    padding-inline-start: 0.5rem;
    margin-inline-start: -0.75rem;
  }
  /* A whole-segment gloss's bar, one per layer, side by side. */
  .segment-marker {
    position: absolute;
    inset-block: 0;
    inset-inline-start: calc(var(--i, 0) * -5px);
    inline-size: 3px;
    background: var(--c);
  }
  .gloss-mark.active {
    background: color-mix(in srgb, var(--c) 40%, transparent);
  }
  /* A whole segment in hand: a light wash, so its words stay easy to read. */
  .text p.segment-glossed.active {
    background: color-mix(in srgb, var(--c) 12%, transparent);
  }
  .meta {
    color: var(--daf-muted);
    font-size: 0.8rem;
    font-family: system-ui, sans-serif;
  }
  .unanchored {
    margin-block-start: 2rem;
    display: flex;
    flex-direction: column;
    gap: 0.5rem;
  }
  .unanchored daf-gloss-card {
    position: static;
  }
  /* Folded: the cards lie over room kept for them under each passage (see layoutFolded). */
  .page.narrow {
    grid-template-columns: minmax(0, 1fr);
    position: relative;
  }
  .page.narrow .column {
    position: absolute;
    inset: 0;
    pointer-events: none;
  }
  .page.narrow daf-gloss-card {
    pointer-events: auto;
  }
  /*
   * The room after a passage: a box of its own (flow-root), so the passages' margins never
   * collapse through it, and the room it is given moves what follows by exactly that much.
   * Passages keep their space below them only, so the text reads the same with or without it.
   */
  .text .fold {
    display: flow-root;
    block-size: 0;
  }
  .text .ProseMirror > p {
    margin-block: 0 1em;
  }
  .page.narrow daf-gloss-card[data-depth='2'] {
    margin-inline-start: 1.5rem;
  }
  .page.narrow daf-gloss-card[data-depth='3'] {
    margin-inline-start: 3rem;
  }
  .text .ProseMirror:focus-visible {
    outline: 2px solid color-mix(in srgb, var(--daf-accent) 50%, transparent);
    outline-offset: 0.5rem;
    border-radius: 2px;
  }
  .popover {
    position: absolute;
    max-inline-size: calc(100vw - 1rem);
    box-sizing: border-box;
    z-index: 10;
    background: var(--daf-card);
    border: 1px solid var(--daf-rule);
    border-radius: 6px;
    box-shadow: 0 6px 24px rgb(0 0 0 / 0.18);
    padding: 0.4rem;
    font: 0.85rem system-ui, sans-serif;
  }
  .popover.open {
    inline-size: min(26rem, calc(100vw - 2rem));
    padding: 0.75rem;
  }
  .popover button {
    font: inherit;
    padding: 0.3rem 0.7rem;
    border-radius: 4px;
    border: 1px solid var(--daf-accent);
    background: var(--daf-accent);
    color: var(--daf-card);
    cursor: pointer;
  }
  .popover button:focus-visible {
    outline: 2px solid var(--daf-fg);
    outline-offset: 2px;
  }
  .popover p {
    margin: 0.2rem 0.3rem;
  }
  .banner {
    margin: 0 auto 1rem;
    max-inline-size: 38rem;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--daf-accent);
    border-radius: 4px;
    font: 0.9rem system-ui, sans-serif;
    display: flex;
    gap: 1rem;
    align-items: center;
    justify-content: space-between;
  }
  .banner button,
  .filter-bar button,
  .unanchored .reattach {
    font: 0.8rem system-ui, sans-serif;
    color: var(--daf-accent);
    background: none;
    border: 1px solid var(--daf-accent);
    border-radius: 4px;
    padding: 0.2rem 0.5rem;
    cursor: pointer;
  }
  .help {
    text-align: center;
    color: var(--daf-muted);
    font: 0.8rem system-ui, sans-serif;
    margin: -1rem 0 1.25rem;
  }
  .layers input:focus-visible {
    outline: 2px solid var(--daf-accent);
  }
  `,
];
