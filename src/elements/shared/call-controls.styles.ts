import { css } from 'lit';

export const callControlsStyles = css`
  .call-meta {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75em;
    align-items: baseline;
    min-height: 1.5em;
  }

  .timer {
    font-variant-numeric: tabular-nums;
    font-size: 1.25rem;
    font-weight: 600;
  }

  .hold-state {
    padding: 0.1em 0.6em;
    border-radius: 999px;
    background: var(--_surface);
    border: 1px solid var(--_border);
    font-size: 0.875rem;
  }

  .controls {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }

  .controls .btn {
    flex: 1 1 auto;
  }

  .keypad {
    margin-top: 0.25rem;
  }
`;
