/**
 * Which sounds the widget is playing (ringtone, ringback, local hold music, remote audio):
 * every media element the page calls `play()` on is remembered, so a journey can ask which
 * are playing right now.
 */
import type { Page } from '@playwright/test';

declare global {
  interface Window {
    __playedMedia?: HTMLMediaElement[];
  }
}

export interface PlayingSound {
  /** `src` of the element (empty for a MediaStream, i.e. remote call audio). */
  src: string;
  stream: boolean;
  currentTime: number;
}

/** Install before navigation. */
export async function recordMediaPlayback(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const played: HTMLMediaElement[] = [];
    window.__playedMedia = played;
    const play = HTMLMediaElement.prototype.play;
    HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
      if (!played.includes(this)) played.push(this);
      return play.call(this);
    };
  });
}

export function playingSounds(page: Page): Promise<PlayingSound[]> {
  return page.evaluate(() =>
    (window.__playedMedia ?? [])
      .filter((m) => !m.paused && !m.ended)
      .map((m) => ({
        src: m.currentSrc || m.src,
        stream: m.srcObject !== null,
        currentTime: m.currentTime,
      })),
  );
}
