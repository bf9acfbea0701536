/**
 * The look of `<daf-passage>`. Everything sits in a wrapper that starts from `all: initial`, so
 * whatever the host page's rules make the element inherit (a colour, a size, a transform) stops
 * at the wrapper; the host page's own selectors never reach inside the shadow root at all. Sizes
 * are in `em` from the wrapper's `medium`, never `rem`, which would follow the host's root.
 * Logical properties throughout, so a right-to-left page or text mirrors the layout.
 */
import { css } from 'lit';

export const passageStyles = css`
  :host {
    display: block;
    --daf-radius: 6px;
  }
  :host([hidden]) {
    display: none;
  }
  .root {
    all: initial;
    display: block;
    color-scheme: inherit;
    box-sizing: border-box;
    font-family: var(--daf-font, system-ui, -apple-system, 'Segoe UI', sans-serif);
    font-size: var(--daf-font-size, medium);
    line-height: 1.5;
    color: var(--daf-fg);
    background: var(--daf-bg);
    border: 1px solid var(--daf-rule);
    border-radius: var(--daf-radius);
    padding: 0.9em 1.1em;
    text-align: start;
  }
  .root *,
  .root *::before,
  .root *::after {
    box-sizing: border-box;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.3em 0.9em;
    margin-block-end: 0.6em;
    font-size: 0.85em;
  }
  .title {
    font-weight: 600;
    color: var(--daf-fg);
    text-decoration: none;
  }
  .title:hover {
    text-decoration: underline;
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    gap: 0.3em 0.8em;
    margin: 0;
    padding: 0;
    list-style: none;
    color: var(--daf-muted);
  }
  .legend li::before,
  .layer::before {
    content: '';
    display: inline-block;
    inline-size: 0.65em;
    block-size: 0.65em;
    margin-inline-end: 0.35em;
    border-radius: 2px;
    background: var(--c, var(--daf-accent));
  }
  .text {
    font-family: var(--daf-text-font, 'Iowan Old Style', 'Palatino Linotype', Palatino, 'Noto Serif', 'Noto Serif Hebrew', 'SBL Hebrew', 'Frank Ruehl CLM', serif);
    font-size: 1.12em;
    line-height: 1.65;
  }
  .text:lang(he),
  .text:lang(yi),
  .text:lang(arc) {
    font-size: 1.3em;
  }
  .block {
    margin-block: 0 0.7em;
  }
  .block > :is(p, h1, h2, h3, h4, h5, h6) {
    margin: 0 0 0.35em;
  }
  .block > :is(h1, h2, h3, h4, h5, h6) {
    font-size: 1.05em;
    font-weight: 600;
  }
  p.segment::before {
    content: attr(data-ref);
    font-family: var(--daf-font, system-ui, sans-serif);
    font-size: 0.6em;
    color: var(--daf-muted);
    margin-inline-end: 0.5em;
    vertical-align: 0.2em;
    user-select: none;
  }
  a {
    color: var(--daf-accent);
  }
  .cards {
    list-style: none;
    margin: 0 0 0.9em;
    padding: 0;
    font-family: var(--daf-font, system-ui, -apple-system, 'Segoe UI', sans-serif);
    font-size: 0.8em;
    line-height: 1.45;
    display: grid;
    gap: 0.45em;
  }
  .cards .cards {
    margin: 0.45em 0 0;
    padding-inline-start: 0.8em;
  }
  .card {
    background: var(--daf-card);
    border: 1px solid var(--daf-rule);
    border-inline-start: 4px solid var(--c, var(--daf-accent));
    border-radius: var(--daf-radius);
    padding: 0.5em 0.75em;
    outline: none;
  }
  .card.active,
  .card:focus-visible {
    border-color: var(--c, var(--daf-accent));
    box-shadow: 0 0 0 1px var(--c, var(--daf-accent));
  }
  .card-head {
    display: flex;
    flex-wrap: wrap;
    gap: 0.2em 0.7em;
    color: var(--daf-muted);
    font-size: 0.9em;
  }
  .layer {
    font-weight: 600;
  }
  .quote {
    margin: 0.25em 0 0;
    color: var(--daf-muted);
    font-style: italic;
  }
  .body {
    margin-block: 0.25em;
    overflow-wrap: anywhere;
  }
  .body p,
  .reply-body p {
    margin: 0.2em 0;
  }
  .body blockquote,
  .reply-body blockquote {
    margin: 0.25em 0;
    padding-inline-start: 0.6em;
    border-inline-start: 3px solid var(--daf-rule);
    color: var(--daf-muted);
  }
  .body ul,
  .body ol,
  .reply-body ul,
  .reply-body ol {
    margin: 0.2em 0;
    padding-inline-start: 1.3em;
  }
  .meta {
    display: flex;
    gap: 0.8em;
    align-items: center;
  }
  button {
    font: inherit;
    color: var(--daf-accent);
    background: none;
    border: none;
    padding: 0;
    cursor: pointer;
    text-decoration: underline;
    text-underline-offset: 0.15em;
  }
  button.primary {
    color: var(--daf-card);
    background: var(--daf-accent);
    border-radius: 4px;
    padding: 0.3em 0.8em;
    text-decoration: none;
  }
  button:focus-visible,
  a:focus-visible {
    outline: 2px solid var(--daf-accent);
    outline-offset: 2px;
  }
  .thread {
    list-style: none;
    margin: 0.4em 0 0;
    padding: 0;
    display: grid;
    gap: 0.35em;
  }
  .reply {
    padding-inline-start: 0.6em;
    border-inline-start: 2px solid var(--daf-rule);
  }
  .reply.depth-1 {
    margin-inline-start: 0.9em;
  }
  .reply.depth-2 {
    margin-inline-start: 1.8em;
  }
  .reply.depth-3 {
    margin-inline-start: 2.7em;
  }
  .reply.depth-4 {
    margin-inline-start: 3.6em;
  }
  .reply-author {
    color: var(--daf-muted);
    font-size: 0.9em;
  }
  .empty {
    color: var(--daf-muted);
    font-size: 0.85em;
  }
  footer {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5em 1em;
    margin-block-start: 0.8em;
    padding-block-start: 0.6em;
    border-block-start: 1px solid var(--daf-rule);
    font-size: 0.85em;
    color: var(--daf-muted);
  }
  .join {
    margin-inline-start: auto;
    font-weight: 600;
  }
  .offer {
    margin: 0 0 0.5em;
    font-family: var(--daf-font, system-ui, -apple-system, 'Segoe UI', sans-serif);
    font-size: 0.8em;
  }
  .composer {
    margin: 0.4em 0 0.9em;
    padding: 0.6em 0.75em;
    background: var(--daf-card);
    border: 1px solid var(--daf-accent);
    border-radius: var(--daf-radius);
    font-size: 0.8em;
  }
  .error {
    color: light-dark(#a02020, #ff8f8f);
    margin: 0;
  }
  .loading {
    color: var(--daf-muted);
    min-block-size: 4em;
  }
`;
