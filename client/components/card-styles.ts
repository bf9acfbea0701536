import { css } from 'lit';
import { cardGap } from '../layout/place-cards.ts';

/** The height of a dispute's heading, in CSS pixels: the page keeps it above the other readings of its first row. */
export const disputeHeadHeight = 24;

/**
 * Styles of a gloss card. Cards render into the page's shadow root (no shadow root of their
 * own), so that one selection and one layout pass cover the text and every card; the page
 * includes these styles.
 */
export const cardStyles = css`
  /*
   * The card is the box the page moves (inset-block-start) when it places cards: a box of few
   * declarations, so that moving hundreds of them on a layer toggle restyles little. Its face
   * inside, which the move leaves alone, carries the look.
   */
  daf-gloss-card {
    display: block;
    position: absolute;
    inset-inline: 0;
    border-radius: 4px;
    box-shadow: 0 1px 2px rgb(0 0 0 / 0.06);
  }
  daf-gloss-card > .face {
    background: var(--daf-card);
    border: 1px solid var(--daf-rule);
    border-inline-start: 4px solid var(--c);
    border-radius: 4px;
    padding: 0.5rem 0.75rem;
    font-size: 0.9rem;
    line-height: 1.45;
  }
  /* New to the reader since they last read the text: a dot in the corner; the words say "New". */
  daf-gloss-card .fresh {
    position: absolute;
    inset-block-start: 0.45rem;
    inset-inline-end: 0.45rem;
    inline-size: 0.5rem;
    block-size: 0.5rem;
    border-radius: 50%;
    background: var(--daf-accent);
    overflow: hidden;
    color: transparent;
    font-size: 1px;
  }
  daf-gloss-card > .face {
    position: relative;
  }
  daf-gloss-card .stances {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem;
    margin-block: 0.3rem;
    font: 0.8rem system-ui, sans-serif;
  }
  daf-gloss-card .stances button {
    font: inherit;
    padding: 0.05rem 0.45rem;
    border: 1px solid var(--daf-rule);
    border-radius: 999px;
    background: none;
    color: var(--daf-fg);
    cursor: pointer;
    white-space: nowrap;
  }
  daf-gloss-card .stances button[aria-pressed='true'] {
    background: color-mix(in srgb, var(--daf-accent) 18%, transparent);
    border-color: var(--daf-accent);
  }
  daf-gloss-card form.reason {
    display: flex;
    flex-wrap: wrap;
    gap: 0.3rem;
    font: 0.8rem system-ui, sans-serif;
  }
  daf-gloss-card .decision {
    margin-block: 0.4rem;
    padding: 0.3rem 0.5rem;
    border-inline-start: 3px solid var(--daf-accent);
    background: color-mix(in srgb, var(--daf-accent) 6%, transparent);
  }
  daf-gloss-card .decision p {
    margin: 0.1rem 0;
  }
  daf-gloss-card ul.dissent {
    margin: 0.1rem 0;
    padding-inline-start: 1rem;
    font-size: 0.85rem;
  }
  daf-gloss-card form.decide {
    display: grid;
    gap: 0.3rem;
    font: 0.8rem system-ui, sans-serif;
  }
  daf-gloss-card form.decide textarea {
    inline-size: 100%;
    font: inherit;
  }
  daf-gloss-card ol.earlier-decisions {
    margin: 0.3rem 0 0;
    padding-inline-start: 1rem;
    font-size: 0.85rem;
  }
  daf-gloss-card ol.earlier-decisions > li + li {
    margin-block-start: 0.3rem;
  }
  daf-gloss-card button.earlier-decisions,
  daf-gloss-card button.record-decision {
    font: 0.8rem system-ui, sans-serif;
    background: none;
    border: none;
    color: var(--daf-accent);
    padding: 0;
    cursor: pointer;
  }
  daf-gloss-card ul.reasons {
    margin: 0.2rem 0;
    padding-inline-start: 1rem;
    font-size: 0.85rem;
  }
  /*
   * A dispute's heading, on its first reading's card, as wide as the row of readings beside it
   * (--slots cards and the gaps between, which the page sets), a line in the layer's colour after it.
   */
  daf-gloss-card > .dispute-head {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    box-sizing: border-box;
    block-size: ${disputeHeadHeight}px;
    inline-size: calc(var(--slots, 1) * 100% + (var(--slots, 1) - 1) * ${cardGap}px);
    margin: 0;
    font: 600 0.75rem system-ui, sans-serif;
    letter-spacing: 0.03em;
    white-space: nowrap;
  }
  daf-gloss-card > .dispute-head::after {
    content: '';
    flex: 1;
    border-block-start: 2px solid var(--c);
  }
  daf-gloss-card .stance-counts {
    margin: 0.15rem 0 0;
    font: 0.75rem system-ui, sans-serif;
    color: var(--daf-muted);
  }
  .tag.adopted,
  .tag.answered,
  .thread .tag.accepted {
    background: color-mix(in srgb, var(--daf-accent) 18%, transparent);
    color: var(--daf-fg);
  }
  .thread .tag.new {
    background: var(--daf-accent);
    color: var(--daf-bg);
  }
  /* Shown only for the filtered gloss on it. */
  daf-gloss-card[context] > .face {
    border-style: dashed;
    border-inline-start-style: solid;
  }
  daf-gloss-card.waiting {
    display: none;
  }
  /* Unfolded, a card keeps its folded height in the column and opens over the cards below it. */
  daf-gloss-card[unfolded] {
    block-size: var(--folded);
    z-index: 3;
  }
  daf-gloss-card[unfolded] > .face {
    box-shadow: 0 6px 20px rgb(0 0 0 / 0.18);
  }
  daf-gloss-card > .face.folded header {
    align-items: baseline;
  }
  daf-gloss-card > .face.folded .where {
    margin: 0;
    min-inline-size: 2.5em;
    flex: 1 1 auto;
  }
  daf-gloss-card > .face.folded .who {
    flex: 0 1 auto;
    min-inline-size: 0;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  /* Folded, the body shows its first line. */
  daf-gloss-card > .face.folded .body {
    max-block-size: 1.45em;
    overflow: hidden;
    mask-image: none;
  }
  daf-gloss-card > .face.folded .body > * {
    margin: 0;
  }
  daf-gloss-card.active,
  daf-gloss-card:focus-visible {
    box-shadow: 0 0 0 2px var(--c);
    outline: none;
    z-index: 1;
  }
  daf-gloss-card[unfolded].active,
  daf-gloss-card[unfolded]:focus-visible {
    z-index: 3;
  }
  daf-gloss-card header {
    display: flex;
    justify-content: space-between;
    gap: 0.5rem;
    color: var(--daf-muted);
    font-size: 0.8rem;
    font-family: system-ui, sans-serif;
  }
  daf-gloss-card .body p {
    margin: 0.25rem 0;
  }
  daf-gloss-card .where {
    margin: 0.15rem 0 0;
    color: var(--daf-muted);
    font-size: 0.8rem;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  daf-gloss-card .where .ref {
    font-family: system-ui, sans-serif;
    font-weight: 600;
  }
  daf-gloss-card .body blockquote {
    margin: 0.25rem 0;
    padding-inline-start: 0.6rem;
    border-inline-start: 3px solid var(--daf-rule);
    color: var(--daf-muted);
  }
  daf-gloss-card .body ul,
  daf-gloss-card .body ol {
    margin: 0.25rem 0;
    padding-inline-start: 1.2rem;
  }
  daf-gloss-card .body.clamped {
    max-block-size: 8.7em;
    overflow: hidden;
    mask-image: linear-gradient(to bottom, black 65%, transparent);
  }
  daf-gloss-card .body a {
    color: var(--daf-accent);
  }
  .tag {
    display: inline-block;
    font: 0.75rem system-ui, sans-serif;
    padding: 0 0.35rem;
    border-radius: 3px;
    background: color-mix(in srgb, var(--daf-muted) 15%, transparent);
    color: var(--daf-muted);
  }
  .tag.question {
    background: color-mix(in srgb, var(--c) 18%, transparent);
    color: var(--daf-fg);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.1rem 0.75rem;
    margin-block-start: 0.25rem;
  }
  .actions button,
  .actions a {
    font: 0.8rem system-ui, sans-serif;
    color: var(--daf-accent);
    background: none;
    border: none;
    padding: 0;
    cursor: pointer;
    text-decoration: none;
  }
  .actions button:hover,
  .actions a:hover {
    text-decoration: underline;
  }
  .actions button:focus-visible,
  .actions a:focus-visible {
    outline: 2px solid var(--daf-accent);
    outline-offset: 1px;
  }
  .thread {
    list-style: none;
    margin: 0.25rem 0 0;
    padding: 0;
  }
  .thread li {
    border-inline-start: 2px solid var(--daf-rule);
    padding-inline-start: 0.5rem;
    margin-block: 0.35rem;
  }
  .thread li.marked {
    border-inline-start-color: var(--daf-accent);
    background: color-mix(in srgb, var(--daf-accent) 8%, transparent);
  }
  .thread ol.answers {
    list-style: none;
    margin: 0;
    padding: 0;
    margin-inline-start: 0.25rem;
  }
  .thread ol.answers.flat {
    margin-inline-start: calc(-0.5rem - 2px);
  }
  .thread .who {
    color: var(--daf-muted);
    font: 0.8rem system-ui, sans-serif;
  }
  /* A person from another server: their name links to their page there. */
  .thread .who a {
    color: inherit;
  }
  daf-gloss-card daf-composer {
    margin-block-start: 0.4rem;
  }
  daf-gloss-card .notice {
    margin: 0.25rem 0 0;
    font: 0.8rem system-ui, sans-serif;
    color: var(--daf-muted);
  }
  daf-gloss-card [role='alert'] {
    color: #a02020;
    font-size: 0.8rem;
  }
`;
