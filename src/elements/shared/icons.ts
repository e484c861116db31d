import { html, type TemplateResult } from 'lit';

/**
 * Decorative icons: every control that shows one also carries a text label. The
 * `icon-<name>` class lets styles and tests tell which one a control shows.
 */
function icon(name: string, path: string): TemplateResult {
  return html`<svg class="icon icon-${name}" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <path d=${path}></path>
  </svg>`;
}

const PHONE =
  'M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z';
const HANG_UP =
  'M12 9c-1.6 0-3.15.25-4.6.72v3.1a1 1 0 0 1-.56.9 11.5 11.5 0 0 0-2.66 1.85 1 1 0 0 1-1.41 0L.29 13.08a1 1 0 0 1 0-1.41A17 17 0 0 1 12 7a17 17 0 0 1 11.71 4.67 1 1 0 0 1 0 1.41l-2.48 2.49a1 1 0 0 1-1.41 0 11.3 11.3 0 0 0-2.67-1.85 1 1 0 0 1-.56-.9v-3.1A15 15 0 0 0 12 9z';
const MIC =
  'M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5.3-3a5.3 5.3 0 0 1-10.6 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11z';
const MIC_OFF =
  'M19 11h-1.7c0 .74-.16 1.43-.43 2.05l1.23 1.23A6.9 6.9 0 0 0 19 11zm-4.02.17L9 5.18V5a3 3 0 0 1 6 0v6l-.02.17zM4.27 3 3 4.27l6 6V11a3 3 0 0 0 4.5 2.6l1.66 1.66A5.3 5.3 0 0 1 6.7 11H5a7 7 0 0 0 6 6.92V21h2v-3.08a6.9 6.9 0 0 0 2.54-.9L19.73 21 21 19.73z';
const PAUSE = 'M6 19h4V5H6zm8-14v14h4V5z';
const PLAY = 'M8 5v14l11-7z';
const KEYPAD =
  'M12 19a2 2 0 1 0 0 4 2 2 0 0 0 0-4zM6 1a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm0 6a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm0 6a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm12-8a2 2 0 1 0 0-4 2 2 0 0 0 0 4zm-6 8a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm6 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm0-6a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm-6 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm0-6a2 2 0 1 0 0 4 2 2 0 0 0 0-4z';
const SOUND =
  'M3 9v6h4l5 5V4L7 9zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z';
const CHEVRON_DOWN = 'M7.4 8.6 12 13.2l4.6-4.6L18 10l-6 6-6-6z';

export const icons = {
  phone: () => icon('phone', PHONE),
  hangUp: () => icon('hang-up', HANG_UP),
  mic: () => icon('mic', MIC),
  micOff: () => icon('mic-off', MIC_OFF),
  pause: () => icon('pause', PAUSE),
  play: () => icon('play', PLAY),
  keypad: () => icon('keypad', KEYPAD),
  sound: () => icon('sound', SOUND),
  chevron: () => icon('chevron', CHEVRON_DOWN),
};
