import { css } from 'lit';

export const qualityIndicatorStyles = css`
  :host {
    --_quality-good: var(--sip-quality-good, var(--_success));
    --_quality-fair: var(--sip-quality-fair, #8a5a00);
    --_quality-poor: var(--sip-quality-poor, var(--_danger));
    display: inline-block;
    position: relative;
    font-size: 0.875rem;
  }

  .indicator {
    display: flex;
    align-items: center;
    gap: 0.4rem;
    flex-wrap: wrap;
  }

  .toggle {
    min-width: var(--_target);
    min-height: var(--_target);
    display: inline-flex;
    align-items: center;
    justify-content: center;
    padding: 0 0.5rem;
    border: 1px solid transparent;
    border-radius: calc(var(--_radius) / 2);
    background: transparent;
    cursor: pointer;
  }

  .toggle:hover,
  .toggle[aria-expanded='true'] {
    border-color: var(--_border);
  }

  .bars {
    display: inline-flex;
    align-items: flex-end;
    gap: 2px;
    height: 1.1rem;
  }

  .bar {
    width: 4px;
    border-radius: 1px;
    background: var(--_border);
  }

  .bar:nth-child(1) {
    height: 25%;
  }
  .bar:nth-child(2) {
    height: 50%;
  }
  .bar:nth-child(3) {
    height: 75%;
  }
  .bar:nth-child(4) {
    height: 100%;
  }

  [data-level='good'] .bar.on {
    background: var(--_quality-good);
  }
  [data-level='fair'] .bar.on {
    background: var(--_quality-fair);
  }
  [data-level='poor'] .bar.on,
  [data-level='bad'] .bar.on {
    background: var(--_quality-poor);
  }

  /* A background of its own keeps the text readable on any page, whatever the theme. */
  .warning {
    margin: 0;
    padding: 0.15rem 0.5rem;
    border-radius: calc(var(--_radius) / 2);
    background: var(--_surface);
    color: var(--_fg);
    font-weight: 600;
  }

  .details {
    position: absolute;
    top: 100%;
    right: 0;
    z-index: var(--sip-quality-z-index, 10);
    width: var(--sip-quality-details-width, 15rem);
    margin-top: 0.25rem;
    padding: 0.6rem 0.8rem;
    background: var(--_bg);
    color: var(--_fg);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
    box-shadow: 0 4px 16px rgb(0 0 0 / 0.2);
  }

  .title {
    margin: 0 0 0.4rem;
    font-weight: 700;
  }

  dl {
    margin: 0;
    display: grid;
    gap: 0.2rem;
  }

  .figure {
    display: flex;
    justify-content: space-between;
    gap: 0.75rem;
  }

  dt {
    color: var(--_muted-fg);
  }

  dd {
    margin: 0;
    font-variant-numeric: tabular-nums;
    text-align: end;
  }
`;
