import { css } from 'lit';

export const preflightStyles = css`
  :host {
    display: block;
    max-width: var(--sip-preflight-width, 32rem);
  }

  .base {
    display: grid;
    gap: 0.75rem;
    padding: 1rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_fg);
    font-family: var(--_font);
  }

  h2 {
    margin: 0;
    font-size: 1.1rem;
  }

  p {
    margin: 0;
  }

  .steps {
    display: grid;
    gap: 0.5rem;
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .step {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 0.25rem 0.75rem;
    padding: 0.5rem 0.75rem;
    border-radius: calc(var(--_radius) / 2);
    background: var(--_surface);
  }

  .step .line {
    grid-column: 1 / -1;
    color: var(--_muted-fg);
    font-size: 0.9rem;
  }

  .step[data-status='passed'] .status {
    color: var(--_success);
  }

  .step[data-status='failed'] .status {
    color: var(--_danger);
    font-weight: 600;
  }

  meter {
    grid-column: 1 / -1;
    width: 100%;
  }

  .verdict:empty {
    display: none;
  }

  .verdict strong {
    display: block;
  }

  .verdict ul {
    margin: 0.25rem 0 0;
    padding-inline-start: 1.25rem;
  }

  dl {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0.25rem 1rem;
    margin: 0;
    font-size: 0.9rem;
  }

  dt {
    color: var(--_muted-fg);
  }

  dd {
    margin: 0;
  }

  pre {
    max-height: 16rem;
    overflow: auto;
    font-size: 0.8rem;
    white-space: pre-wrap;
    word-break: break-word;
  }

  .actions {
    display: flex;
    gap: 0.5rem;
  }
`;
