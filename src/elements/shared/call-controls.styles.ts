import { css } from 'lit';

export const callControlsStyles = css`
  .timer {
    font-variant-numeric: tabular-nums;
    font-size: 1.25rem;
    font-weight: 600;
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
