import { css, unsafeCSS } from 'lit';
import { themeBaseCss } from './theme-base.js';

/**
 * Design tokens and base control styles shared by every element: the base (theme-base.ts,
 * plain CSS the call button's pre-render uses too), then the shared controls.
 */
export const themeStyles = css`
  ${unsafeCSS(themeBaseCss)}

  .btn {
    min-width: var(--_target);
    min-height: var(--_target);
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4em;
    padding: 0 1em;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_fg);
    cursor: pointer;
    font-weight: 600;
  }

  .btn:hover {
    filter: brightness(0.96);
  }

  .btn[aria-pressed='true'],
  .btn.on {
    background: var(--_fg);
    color: var(--_bg);
  }

  .btn.accent {
    background: var(--_accent);
    color: var(--_accent-fg);
    border-color: transparent;
  }

  .btn.success {
    background: var(--_success);
    color: var(--_success-fg);
    border-color: transparent;
  }

  .btn.danger {
    background: var(--_danger);
    color: var(--_danger-fg);
    border-color: transparent;
  }

  .btn:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }

  .alert {
    padding: 0.6em 0.8em;
    border-radius: calc(var(--_radius) / 2);
    border: 2px solid var(--_danger);
    background: var(--_bg);
    color: var(--_fg);
  }

  .alert strong,
  .alert .advice {
    display: block;
  }

  .alert .advice {
    margin-top: 0.15em;
    color: var(--_muted-fg);
    font-size: 0.9em;
  }
`;
