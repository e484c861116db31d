/**
 * The script-tag entry (`dist/cdn/softphone.js`): defines every element; the engine is
 * fetched from `softphone-engine.js` next to this file when a visitor shows intent.
 */
import './default-sounds.js';
import '../index.js';
