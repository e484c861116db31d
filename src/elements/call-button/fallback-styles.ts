import { css } from 'lit';

/** The fallbacks' box under the button (render-fallback.ts). */
export const fallbackStyles = css`
  .fallback {
    display: flex;
    flex-direction: column;
    gap: 0.5rem;
    padding: 0.8rem;
    border-radius: var(--_radius);
    border: 2px solid var(--_danger);
    background: var(--_bg);
    color: var(--_fg);
    box-shadow: 0 8px 24px rgb(0 0 0 / 0.18);
  }

  .fallback p {
    margin: 0;
  }

  .fallback-reason {
    font-weight: 600;
  }

  .other-ways,
  .hint {
    color: var(--_muted-fg);
    font-size: 0.9em;
  }

  .tel {
    justify-content: flex-start;
    text-decoration: none;
    color: inherit;
  }

  .callback {
    display: flex;
    flex-direction: column;
    gap: 0.3rem;
  }

  .callback-title {
    font-weight: 600;
  }

  .callback input {
    min-height: var(--_target);
    padding: 0 0.6em;
    box-sizing: border-box;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
    background: var(--_surface);
  }

  .callback input[aria-invalid='true'] {
    border: 2px solid var(--_danger);
  }

  .field-error {
    color: var(--_danger);
    font-weight: 600;
  }

  .callback-sent {
    font-weight: 600;
  }

  .preflight-link {
    display: inline-block;
    margin-top: 0.5rem;
    color: inherit;
    text-decoration: underline;
  }
`;
