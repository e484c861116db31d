import { css } from 'lit';

export const phoneStyles = css`
  :host {
    display: block;
    max-width: var(--sip-phone-width, 22rem);
  }

  .phone {
    display: flex;
    flex-direction: column;
    gap: 0.9rem;
    padding: 1rem;
    background: var(--_bg);
    color: var(--_fg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    /* At least the height of the idle dial form (registered, 16 px root: 434 px border
       box), so the card keeps its size while ringing and in a call (220 and 310 px)
       instead of shrinking and growing back: two layout shifts of the page per call.
       Taller content (alerts, the hint before registration) still grows it. */
    box-sizing: border-box;
    min-height: 27.2rem;
  }

  header {
    display: flex;
    align-items: center;
    gap: 0.5rem;
  }

  .dot {
    width: 0.7rem;
    height: 0.7rem;
    border-radius: 50%;
    background: var(--_muted-fg);
    flex: none;
  }

  .dot[data-state='registered'],
  .dot[data-state='connected'] {
    background: var(--_success);
  }

  .dot[data-state='failed'] {
    background: var(--_danger);
  }

  .status {
    margin: 0;
    flex: 1;
    font-weight: 600;
  }

  .other-tab {
    margin: 0;
    font-size: 0.875em;
    color: var(--_muted-fg);
  }

  .quality {
    display: contents;
  }

  form {
    display: flex;
    flex-direction: column;
    gap: 0.6rem;
  }

  label {
    font-size: 0.875rem;
    font-weight: 600;
  }

  input {
    min-height: var(--_target);
    padding: 0 0.75rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
    background: var(--_bg);
    font-size: 1.1rem;
  }

  .hint {
    margin: 0;
    color: var(--_muted-fg);
    font-size: 0.875rem;
  }

  .call,
  .incoming {
    display: flex;
    flex-direction: column;
    gap: 0.6rem;
  }

  .incoming {
    padding: 0.75rem;
    border: 2px solid var(--_accent);
    border-radius: var(--_radius);
  }

  .caller {
    margin: 0;
    display: flex;
    flex-direction: column;
    overflow-wrap: anywhere;
  }

  .caller-name {
    font-size: 1.2rem;
    font-weight: 700;
  }

  .caller-user {
    color: var(--_muted-fg);
  }

  .call-status,
  .far-end-quality {
    margin: 0;
  }

  .far-end-quality {
    font-size: 0.875rem;
    font-weight: 600;
  }

  .answer-row {
    display: flex;
    gap: 0.5rem;
  }

  .answer-row .btn {
    flex: 1;
  }

  .transfer {
    display: flex;
    flex-direction: column;
    gap: 0.5rem;
  }

  .participants {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 0.5rem;
  }

  .participant {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem;
  }

  .transfer-targets,
  .transfer-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }

  .context {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0.15rem 0.75rem;
    margin: 0;
    font-size: 0.875rem;
  }

  /* Each name and value pair is one grid row (a div inside dl is valid HTML). */
  .context-entry {
    display: contents;
  }

  .context dt {
    color: var(--_muted-fg);
  }

  .context dd {
    margin: 0;
    overflow-wrap: anywhere;
  }

  .other-call .context {
    flex-basis: 100%;
  }

  .other-calls {
    display: flex;
    flex-direction: column;
    gap: 0.5rem;
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .other-call {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: 0.5rem;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
  }

  /* A waiting call asks for an answer: it stands out like the incoming banner. */
  .other-call[data-state='ringing'] {
    border: 2px solid var(--_accent);
  }

  .other-caller {
    display: flex;
    flex-direction: column;
    flex: 1;
    min-width: 8rem;
    margin: 0;
    overflow-wrap: anywhere;
  }

  .other-caller .caller-name {
    font-size: 1rem;
  }

  .other-status {
    color: var(--_muted-fg);
    font-size: 0.875rem;
  }

  .other-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }

  /* Under everything call-related: it is about the calls to come. */
  .availability {
    border-top: 1px solid var(--_border);
    padding-top: 0.75rem;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
  }

  .wrap-up {
    flex-basis: 100%;
    margin: 0;
    color: var(--_muted-fg);
    font-size: 0.875rem;
  }
`;
