/**
 * The in-call UI both phones show: call controls (with the keypad) and the quality
 * indicator. One module, so the script-tag build can load it as one lazy chunk with the
 * engine: `<sip-call-button>` needs it only once a call starts.
 */
export { renderCallControls } from './call-controls.js';
export { renderQualityIndicator } from './quality.js';
