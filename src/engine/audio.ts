/**
 * Sound output of the engine: ringtone, call-waiting tone, ringback, hold music and the
 * far end's voice,
 * each through its own detached `Audio` element (nothing is added to the page).
 *
 * Browsers may refuse to start audio before the visitor interacted with the page
 * (`play()` rejects with `NotAllowedError`). Such a sound is kept as pending and
 * reported through `onBlocked`; {@link SoundPlayer.unlock}, called from a user gesture,
 * starts the pending sounds again.
 */

/** What is playing: one channel per kind of sound. */
export type SoundChannel = 'ringtone' | 'call-waiting' | 'ringback' | 'hold-music' | 'remote-audio';

/**
 * Where a channel plays: the ringer (ringtone, call-waiting tone, ringback) or the speaker
 * (the far end's voice and hold music), each a device of its own (media-devices.ts).
 */
export type SoundOutput = 'speaker' | 'ringer';

const OUTPUT_OF: Record<SoundChannel, SoundOutput> = {
  ringtone: 'ringer',
  'call-waiting': 'ringer',
  ringback: 'ringer',
  'hold-music': 'speaker',
  'remote-audio': 'speaker',
};

/** Can this browser send an audio element to a chosen output (`setSinkId`)? */
export function outputSelectionSupported(): boolean {
  return (
    typeof HTMLMediaElement !== 'undefined' &&
    typeof HTMLMediaElement.prototype.setSinkId === 'function'
  );
}

export interface SoundPlayerEvents {
  onBlocked(channel: SoundChannel): void;
  onUnlocked(): void;
  /** A sound could not play for another reason than the browser's autoplay policy. */
  onFailed(channel: SoundChannel, error: unknown): void;
}

export class SoundPlayer {
  private readonly elements = new Map<SoundChannel, HTMLAudioElement>();
  private readonly blocked = new Set<SoundChannel>();
  /** The device of each output; '' is the system default. */
  private readonly sinks: Record<SoundOutput, string> = { speaker: '', ringer: '' };

  constructor(private readonly events: SoundPlayerEvents) {}

  /** Loop a sound file on `channel`; `null` (a sound turned off) does nothing. */
  playFile(channel: SoundChannel, url: string | null): void {
    if (url === null) return;
    const element = this.element(channel);
    if (element.srcObject === null && element.src === new URL(url, document.baseURI).href) {
      if (!element.paused) return;
    } else {
      element.srcObject = null;
      element.src = url;
    }
    element.loop = true;
    this.start(channel, element);
  }

  /** Play a live stream (the far end's audio) on `channel`. */
  playStream(channel: SoundChannel, stream: MediaStream): void {
    const element = this.element(channel);
    if (element.srcObject !== stream) {
      element.removeAttribute('src');
      element.srcObject = stream;
    }
    this.start(channel, element);
  }

  /**
   * Stop `channel` if it plays `stream`: a call's end must not silence the voice of
   * another call that took the channel since.
   */
  stopStream(channel: SoundChannel, stream: MediaStream): void {
    if (this.elements.get(channel)?.srcObject === stream) this.stop(channel);
  }

  /** Stop `channel` and forget it as pending. */
  stop(channel: SoundChannel): void {
    this.blocked.delete(channel);
    const element = this.elements.get(channel);
    if (!element) return;
    element.pause();
    element.srcObject = null;
    element.removeAttribute('src');
    element.load();
    this.elements.delete(channel);
  }

  /** Retry the sounds the browser blocked. Call from a user gesture (click, key). */
  async unlock(): Promise<boolean> {
    const pending = [...this.blocked];
    if (pending.length === 0) return true;
    const results = await Promise.all(
      pending.map(async (channel) => {
        const element = this.elements.get(channel);
        if (!element) return true;
        try {
          await element.play();
          this.blocked.delete(channel);
          return true;
        } catch {
          return false;
        }
      }),
    );
    const unlocked = results.every(Boolean);
    if (unlocked) this.events.onUnlocked();
    return unlocked;
  }

  /**
   * Send `output`'s sounds to `deviceId` (undefined: the system default), those playing now
   * too. Without `setSinkId` in the browser this does nothing (media-devices.ts says so).
   */
  setOutput(output: SoundOutput, deviceId: string | undefined): void {
    this.sinks[output] = deviceId ?? '';
    for (const [channel, element] of this.elements) {
      if (OUTPUT_OF[channel] === output) void this.route(channel, element);
    }
  }

  /**
   * Play `url` once on `output` (the device menu's test sound); resolves when it ended, or
   * with the error that stopped it.
   */
  async playTest(
    output: SoundOutput,
    url: string,
  ): Promise<{ ok: true } | { ok: false; error: unknown }> {
    const element = new Audio(url);
    try {
      if (outputSelectionSupported() && this.sinks[output]) {
        await element.setSinkId(this.sinks[output]);
      }
      await new Promise<void>((resolve, reject) => {
        element.addEventListener('ended', () => resolve(), { once: true });
        element.addEventListener('error', () => reject(element.error), { once: true });
        element.play().catch(reject);
      });
      return { ok: true };
    } catch (error) {
      element.pause();
      return { ok: false, error };
    }
  }

  /** Stop everything. */
  stopAll(): void {
    for (const channel of [...this.elements.keys()]) this.stop(channel);
  }

  private element(channel: SoundChannel): HTMLAudioElement {
    let element = this.elements.get(channel);
    if (!element) {
      element = new Audio();
      element.preload = 'auto';
      this.elements.set(channel, element);
      void this.route(channel, element);
    }
    return element;
  }

  /** Put `element` on its output's device (a failure is logged, the sound plays on). */
  private async route(channel: SoundChannel, element: HTMLAudioElement): Promise<void> {
    const sink = this.sinks[OUTPUT_OF[channel]];
    if (!outputSelectionSupported() || element.sinkId === sink) return;
    try {
      await element.setSinkId(sink);
    } catch (error) {
      this.events.onFailed(channel, error);
    }
  }

  private start(channel: SoundChannel, element: HTMLAudioElement): void {
    element.play().then(
      () => this.blocked.delete(channel),
      (error: unknown) => {
        if (this.elements.get(channel) !== element) return;
        const name = error instanceof DOMException ? error.name : '';
        if (name === 'NotAllowedError') {
          if (this.blocked.has(channel)) return;
          this.blocked.add(channel);
          this.events.onBlocked(channel);
        } else if (name !== 'AbortError') {
          // AbortError only means a newer stop()/play() interrupted this one.
          this.events.onFailed(channel, error);
        }
      },
    );
  }
}
