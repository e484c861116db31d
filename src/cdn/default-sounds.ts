import { setDefaultSoundsBase } from '../elements/shared/config-input.js';

// Through a variable: Vite would take `new URL('./sounds/', import.meta.url)` for an asset
// of this build. Runs before the elements are defined: elements already in the page
// upgrade (and read their configuration) during `customElements.define`.
const here = import.meta.url;
setDefaultSoundsBase(new URL('./sounds/', here).href);
