import { html, type TemplateResult } from 'lit';
import { PHONE_ICON_PATH } from './phone-icon-path.js';

/**
 * Decorative icons: every control that shows one also carries a text label. The
 * `icon-<name>` class lets styles and tests tell which one a control shows.
 */
export function icon(name: string, path: string): TemplateResult {
  return html`<svg class="icon icon-${name}" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <path d=${path}></path>
  </svg>`;
}

const HANG_UP =
  'M12 9c-1.6 0-3.15.25-4.6.72v3.1a1 1 0 0 1-.56.9 11.5 11.5 0 0 0-2.66 1.85 1 1 0 0 1-1.41 0L.29 13.08a1 1 0 0 1 0-1.41A17 17 0 0 1 12 7a17 17 0 0 1 11.71 4.67 1 1 0 0 1 0 1.41l-2.48 2.49a1 1 0 0 1-1.41 0 11.3 11.3 0 0 0-2.67-1.85 1 1 0 0 1-.56-.9v-3.1A15 15 0 0 0 12 9z';
const SOUND =
  'M3 9v6h4l5 5V4L7 9zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z';
const CHEVRON_DOWN = 'M7.4 8.6 12 13.2l4.6-4.6L18 10l-6 6-6-6z';

/** Icons of the elements at rest and of incoming calls; the call controls carry their own. */
export const icons = {
  phone: () => icon('phone', PHONE_ICON_PATH),
  hangUp: () => icon('hang-up', HANG_UP),
  sound: () => icon('sound', SOUND),
  chevron: () => icon('chevron', CHEVRON_DOWN),
};
