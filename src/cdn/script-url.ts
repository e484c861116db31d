/**
 * URL of `softphone.js`, captured while the classic script runs: `document.currentScript`
 * is null by the time the engine is needed.
 */
export const scriptUrl: string | undefined =
  document.currentScript instanceof HTMLScriptElement && document.currentScript.src
    ? document.currentScript.src
    : undefined;
