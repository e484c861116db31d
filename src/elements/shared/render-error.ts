import { html, type TemplateResult } from 'lit';
import type { PhoneError } from '../../engine/types.js';
import type { Messages } from '../../i18n/index.js';

/** The error alert: the localized meaning of the code, then the engine's detail. */
export function renderError(error: PhoneError, t: Messages): TemplateResult {
  return html`<div part="error" class="alert" role="alert">
    <strong>${t.errorCode[error.code]}</strong>
    <small>${error.message}</small>
  </div>`;
}
