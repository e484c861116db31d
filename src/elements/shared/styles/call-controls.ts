import { css } from 'lit';

export const callControlsStyles = css`
  .timer {
    font-variant-numeric: tabular-nums;
    font-size: 1.25rem;
    font-weight: 600;
  }

  /*
   * Mute, hold and keypad share one row in equal parts (a long translation wraps inside
   * its button instead of pushing a neighbour onto a ragged second row); hang up takes
   * the full width below them.
   */
  .controls {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }

  .controls .btn {
    flex: 1 1 0;
    min-width: 0;
    flex-direction: column;
    gap: 0.15rem;
    padding: 0.4rem 0.25rem;
    font-size: 0.875rem;
    line-height: 1.2;
    text-align: center;
  }

  .controls .btn.danger {
    flex-basis: 100%;
    flex-direction: row;
    gap: 0.4em;
    font-size: 1rem;
  }

  .keypad {
    margin-top: 0.25rem;
  }
`;
