/** The CDN build's engine module (JsSIP inlined), loaded on demand by `softphone.js`. */
export { Phone } from '../engine/index.js';
