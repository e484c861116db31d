import { html, type TemplateResult } from 'lit';
import type { PhoneError } from '../../../engine/types.js';
import type { Messages } from '../../../i18n/index.js';

/**
 * The error alert: what went wrong and what to do, in the caller's language. The
 * engine's technical message (socket codes, URLs) is for developers: it goes to the
 * console and the `sip-error` event, never on screen.
 */
export function renderError(
  error: PhoneError,
  t: Pick<Messages, 'errorCode' | 'errorAdvice'>,
): TemplateResult {
  return html`<div part="error" class="alert" role="alert">
    <strong>${t.errorCode[error.code]}</strong>
    <span class="advice">${t.errorAdvice[error.code]}</span>
  </div>`;
}
