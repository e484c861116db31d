import { css, unsafeCSS } from 'lit';
import { callButtonRestCss } from './rest-styles.js';

/** The button at rest (rest-styles.ts, shared with the pre-render), then its other states. */
export const callButtonStyles = css`
  ${unsafeCSS(callButtonRestCss)}

  :host([state='in-call']) .main {
    background: var(--_success);
    color: var(--_success-fg);
  }

  :host([state='error']) .main,
  :host([state='ended']) .main {
    background: var(--_surface);
    color: var(--_fg);
    border: 1px solid var(--_border);
  }

  .status {
    font-size: 0.8em;
    font-weight: 500;
  }

  /* During a call the state is the button's main text, the timer beside it. */
  .status.live {
    font-size: 1em;
    font-weight: 700;
  }

  .elapsed {
    margin-inline-start: 0.4em;
    font-weight: 500;
    font-variant-numeric: tabular-nums;
  }

  .icon-chevron {
    transition: transform 0.15s;
  }

  .main[aria-expanded='true'] .icon-chevron {
    transform: rotate(180deg);
  }

  @media (prefers-reduced-motion: reduce) {
    .icon-chevron {
      transition: none;
    }
  }

  .panel {
    position: absolute;
    top: calc(100% + 0.5rem);
    inset-inline-start: 0;
    z-index: var(--sip-panel-z-index, 1000);
    width: var(--sip-panel-width, 18rem);
    max-width: calc(100vw - 1rem);
    display: flex;
    flex-direction: column;
    gap: 0.6rem;
    padding: 0.9rem;
    box-sizing: border-box;
    background: var(--_bg);
    color: var(--_fg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: 0 8px 24px rgb(0 0 0 / 0.18);
  }

  /* Centred: the indicator is a 44px touch target, taller than the line of text. */
  /* One line whatever it says, so the controls under it never move (the button's live
     region speaks the whole text; the title shows it). */
  .call-status {
    margin: 0;
    font-weight: 600;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }

  .error-anchor {
    position: absolute;
    top: calc(100% + 0.5rem);
    inset-inline-start: 0;
    width: var(--sip-panel-width, 18rem);
    z-index: var(--sip-panel-z-index, 1000);
    box-sizing: border-box;
  }
`;
