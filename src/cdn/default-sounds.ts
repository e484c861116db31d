import { setDefaultSoundsBase } from '../elements/shared/config-input.js';
import { scriptUrl } from './script-url.js';

// Runs before the elements are defined: elements already in the page upgrade (and read
// their configuration) during `customElements.define`.
if (scriptUrl) setDefaultSoundsBase(new URL('./sounds/', scriptUrl).href);
