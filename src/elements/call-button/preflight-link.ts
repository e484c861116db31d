import { html, nothing, type TemplateResult } from 'lit';
import type { Messages } from '../../i18n/index.js';

/**
 * The link to the page's self-check (`preflight-url`), where one is set. In the button's
 * core, not with the fallbacks: it also goes under an error shown at rest.
 */
export function renderPreflightLink(
  url: string | undefined,
  t: Pick<Messages, 'checkSetup'>,
): TemplateResult | typeof nothing {
  if (!url) return nothing;
  return html`<a part="preflight-link" class="preflight-link" href=${url}>${t.checkSetup}</a>`;
}
