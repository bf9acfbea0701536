/**
 * The embed's colours, as custom properties on the element: a host page themes the widget by
 * setting them (`daf-passage { --daf-accent: rebeccapurple }`), since its rules win over these.
 * Each is light or dark as the element's `color-scheme` says, which it inherits from the host
 * page unless `theme="light"` or `theme="dark"` is set. The names are the reader's, so the
 * reader's components (the composer and its editor) follow the same theme.
 */
import { css } from 'lit';

export const palette = css`
  :host {
    --daf-bg: light-dark(#fbf8f1, #1d1b18);
    --daf-fg: light-dark(#231f1a, #ede6da);
    --daf-muted: light-dark(#6b6258, #b3a999);
    --daf-rule: light-dark(#e3dccf, #3a352e);
    --daf-accent: light-dark(#7a3e12, #e0a66a);
    --daf-card: light-dark(#ffffff, #262320);
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
`;
