/**
 * The device menu's microphone level (microphone-level.ts), on Chromium's fake microphone:
 * levels arrive while it runs, and stopping it releases the microphone.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchMicrophoneLevel } from './microphone-level';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('watchMicrophoneLevel', () => {
  it('reports levels from 0 to 1, hears the microphone, and releases it when stopped', async () => {
    const stopped: MediaStreamTrack[] = [];
    const stop = MediaStreamTrack.prototype.stop;
    vi.spyOn(MediaStreamTrack.prototype, 'stop').mockImplementation(function (
      this: MediaStreamTrack,
    ) {
      stopped.push(this);
      stop.call(this);
    });
    const levels: number[] = [];
    const watch = await watchMicrophoneLevel(undefined, (level) => levels.push(level));
    if (!watch.ok) throw new Error(watch.error.message);
    // Chromium's fake microphone beeps: some level above silence comes.
    await expect.poll(() => Math.max(0, ...levels)).toBeGreaterThan(0.001);
    expect(levels.every((level) => level >= 0 && level <= 1)).toBe(true);

    watch.stop();
    expect(stopped.map((track) => [track.kind, track.readyState])).toEqual([['audio', 'ended']]);
  });

  it('a microphone that is gone: the default is measured instead', async () => {
    const watch = await watchMicrophoneLevel('unplugged-headset', () => undefined);
    expect(watch.ok).toBe(true);
    if (watch.ok) watch.stop();
  });
});
