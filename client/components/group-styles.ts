import { css } from 'lit';
import { buttonStyles, pageStyles } from './page-styles.ts';

/**
 * The look shared by a reading group's pages and their parts (`daf-group-page`,
 * `daf-group-members`, `daf-group-invitations`, `daf-moderation-queue`, `daf-group-settings`,
 * `daf-group-audit`, `daf-reading-plan`, `daf-invite-page`, `daf-confirm`): the library's calm column of rules and small capitals, with plain buttons and
 * forms. Each component adds its own few rules after these.
 */
export const groupStyles = css`
  ${pageStyles}
  :host {
    display: block;
  }
  a {
    color: var(--daf-accent);
  }
  .meta,
  .status,
  form,
  label,
  input,
  select {
    font-family: system-ui, sans-serif;
  }
  .meta {
    display: block;
    margin-block-start: 0.2rem;
    font-size: 0.8rem;
    color: var(--daf-muted);
  }
  .status {
    margin: 0.5rem 0 0;
    font-size: 0.85rem;
    color: var(--daf-muted);
  }
  .error {
    margin: 0.5rem 0 0;
    font-family: system-ui, sans-serif;
    font-size: 0.9rem;
  }
  ${buttonStyles}
  button {
    font-family: system-ui, sans-serif;
    font-size: 0.85rem;
    padding: 0.35rem 0.8rem;
  }
  input,
  select,
  textarea {
    font-size: 0.9rem;
    padding: 0.35rem 0.5rem;
    color: var(--daf-fg);
    background: var(--daf-card);
    border: 1px solid var(--daf-muted);
    border-radius: 4px;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 0.75rem;
  }
  .row > .grow {
    flex: 1;
    min-inline-size: 12rem;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  .empty {
    margin: 0.5rem 0 0;
    color: var(--daf-muted);
  }
`;

/** A group's own page (and the page that starts one): a centred column with its heading. */
export const groupPageFrame = css`
  :host {
    max-width: 48rem;
    margin: 2rem auto;
    padding: 0 1.5rem;
  }
  h1 {
    font-weight: 500;
    margin: 0 0 0.5rem;
  }
`;

/** A form of a few fields side by side, each label above its field, wrapping on a narrow screen (invitations, following). */
export const inlineFormStyles = css`
  form {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 0.75rem;
  }
  label {
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
    font-size: 0.85rem;
  }
`;
