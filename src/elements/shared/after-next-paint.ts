/**
 * Resolves once the browser has painted the next frame. Work that a click starts but that
 * needn't be on screen at once (a call's peer connection: tens of ms in one task) goes after
 * the paint that shows the click took, not before it, where it would hold that paint back
 * (interaction to next paint, https://web.dev/articles/inp). A frame's animation callbacks run
 * just before its paint (HTML, "update the rendering"); a task queued from one runs after it.
 * At once on a hidden page, which paints nothing, and as soon as the page is hidden before
 * its next frame (whose animation callbacks would wait until it is shown again).
 */
export function afterNextPaint(): Promise<void> {
  return new Promise((resolve) => {
    if (document.hidden) return resolve();
    const painted = (): void => {
      document.removeEventListener('visibilitychange', painted);
      resolve();
    };
    document.addEventListener('visibilitychange', painted);
    requestAnimationFrame(() => setTimeout(painted));
  });
}
