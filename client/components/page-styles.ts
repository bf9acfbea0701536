import { css } from 'lit';

/** A visible focus ring on whatever takes the keyboard. */
export const focusStyles = css`
  a:focus-visible,
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible {
    outline: 2px solid var(--daf-accent);
    outline-offset: 2px;
  }
`;

/** The live regions that say what a request did (`.status`) or why it failed (`.error`). */
export const messageStyles = css`
  .status:empty,
  .error:empty {
    /* Kept in the page, so that what appears in them is announced. */
    margin: 0;
  }
  .error {
    color: #b42318;
  }
  @media (prefers-color-scheme: dark) {
    .error {
      color: #f97066;
    }
  }
`;

/**
 * The library's calm column, shared by the library and the reading-group pages: small-capital
 * section headings, ruled lists, a visible focus ring, and the colour of the server's messages.
 */
export const pageStyles = css`
  h2 {
    margin: 2.5rem 0 0.25rem;
    font-size: 0.8rem;
    font-weight: 600;
    font-family: system-ui, sans-serif;
    letter-spacing: 0.08em;
    text-transform: uppercase;
    color: var(--daf-muted);
  }
  ul,
  ol {
    list-style: none;
    padding: 0;
    margin: 0;
  }
  li {
    padding: 0.75rem 0;
    border-block-end: 1px solid var(--daf-rule);
  }
  ${focusStyles}
  ${messageStyles}
`;

/** A modal `<dialog>`: a card over the dimmed page, with its title. Shared by every dialog. */
export const dialogStyles = css`
  dialog {
    inline-size: min(22rem, calc(100vw - 2rem));
    box-sizing: border-box;
    padding: 1.5rem;
    color: var(--daf-fg);
    background: var(--daf-card);
    border: 1px solid var(--daf-rule);
    border-radius: 8px;
    box-shadow: 0 12px 40px rgb(0 0 0 / 0.18);
  }
  dialog::backdrop {
    background: rgb(24 20 16 / 0.35);
  }
  dialog h2 {
    margin: 0 0 1rem;
    font-family: 'Iowan Old Style', 'Palatino Linotype', Palatino, 'Noto Serif', serif;
    font-size: 1.4rem;
    font-weight: 500;
    letter-spacing: normal;
    text-transform: none;
    color: inherit;
  }
`;

/** Plain buttons, and the accent-coloured one that goes ahead (`.primary`). */
export const buttonStyles = css`
  button,
  a.button {
    font: inherit;
    color: var(--daf-fg);
    background: var(--daf-card);
    border: 1px solid var(--daf-rule);
    border-radius: 4px;
    padding: 0.3rem 0.8rem;
    cursor: pointer;
  }
  a.button {
    display: inline-block;
    text-decoration: none;
  }
  button:hover,
  a.button:hover {
    border-color: var(--daf-muted);
  }
  button.primary {
    color: var(--daf-bg);
    background: var(--daf-accent);
    border-color: var(--daf-accent);
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
`;

/** Said to a screen reader, not shown: `.unseen`. */
export const unseenStyles = css`
  .unseen {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;

/** A button that reads as a link: `button.link`. */
export const linkButtonStyles = css`
  button.link {
    color: var(--daf-accent);
    background: none;
    border: none;
    padding: 0;
    text-decoration: underline;
  }
`;
