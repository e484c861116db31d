/**
 * `dist/cdn/softphone.js`, the one classic `<script>` customers add: it draws the call
 * buttons at rest as the parser inserts them (draw-call-buttons.ts: no layout shift), has an
 * agent phone's files fetched as the parser inserts a `<sip-phone>` (preload.ts), and
 * loads `softphone-core.js` (an ES module) from the same directory. Split loading needs ES
 * modules (an IIFE inlines every dynamic import), and a classic script keeps the tag
 * customers already have and runs where they put it, before the elements are painted. The
 * modules find their siblings (engine, lazy elements, sounds) from their own URL.
 */
import { drawCallButtons } from './draw-call-buttons.js';
import { preloadAgentPhone } from './preload.js';

const script = document.currentScript;
if (script instanceof HTMLScriptElement && script.src) {
  const undraw = drawCallButtons();
  preloadAgentPhone(script.src);
  import(/* @vite-ignore */ new URL('./softphone-core.js', script.src).href).catch(
    (error: unknown) => {
      undraw();
      console.error('[softphone] could not load softphone-core.js', error);
    },
  );
} else {
  console.error('[softphone] softphone.js must be loaded by a <script src="…/softphone.js"> tag');
}
