import { css } from 'lit';

export const dialpadStyles = css`
  :host {
    display: block;
  }

  .grid {
    display: grid;
    grid-template-columns: repeat(3, minmax(var(--_target), 1fr));
    gap: var(--sip-dialpad-gap, 0.5rem);
  }

  .key {
    min-height: calc(var(--_target) + 8px);
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_fg);
    cursor: pointer;
    line-height: 1.1;
    user-select: none;
    touch-action: manipulation;
  }

  .key:hover {
    filter: brightness(0.96);
  }

  .key:active,
  .key.pressed {
    background: var(--_accent);
    color: var(--_accent-fg);
  }

  .digit {
    font-size: 1.35rem;
    font-weight: 600;
  }

  .letters {
    font-size: 0.7rem;
    letter-spacing: 0.08em;
    color: inherit;
    min-height: 1em;
  }
`;
