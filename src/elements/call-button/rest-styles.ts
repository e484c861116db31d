/**
 * What the call button looks like at rest, as plain CSS: the script-tag core's pre-render
 * (pre-render.ts) styles itself with it before Lit loads, and styles.ts wraps the same
 * text for the Lit element, so nothing moves or changes colour when it takes over.
 */
export const callButtonRestCss = `
  :host {
    display: inline-block;
    position: relative;
  }

  .main {
    min-height: var(--_target);
    min-width: var(--_target);
    display: inline-flex;
    align-items: center;
    gap: 0.5em;
    padding: 0.35em 1.2em;
    border: none;
    border-radius: var(--sip-button-radius, 999px);
    background: var(--_accent);
    color: var(--_accent-fg);
    font-weight: 700;
    font-size: 1rem;
    cursor: pointer;
  }

  .main:hover {
    filter: brightness(1.08);
  }

  .label {
    display: inline-flex;
    flex-direction: column;
    align-items: flex-start;
    line-height: 1.2;
  }
`;
