/**
 * What `<sip-call-button>` shows only after an intent, in one module so the script-tag
 * build loads it as one lazy chunk with the engine (issue 16, "Core diet"): the panel's
 * call controls and quality indicator (with the keypad), the call's status in words, and
 * the fallbacks when a call cannot happen (their rendering, the call-back form and its
 * sender, their strings). The button at rest, its attribute checks and the click's WebRTC
 * check stay in the core: a wrong attribute is still reported when the page loads.
 */
export { fallbackMessages } from '../../i18n/fallback.js';
export { callStatusText } from '../shared/render/call-status.js';
export { formatDuration } from '../shared/render/format-duration.js';
export { renderCallControls, renderQualityIndicator } from '../shared/render/in-call.js';
export { CallbackForm } from './callback-form.js';
export { renderFallback } from './render-fallback.js';
