/**
 * The far end's voice of one call, on the phone's one voice channel: it plays while the
 * call is the one being talked on. (What rings is the phone's decision: ringer.ts.)
 */
import type { SoundPlayer } from './audio';
import type { CallState } from './types';

export class CallSounds {
  /** The far end's audio, once its track arrived. */
  private remote: MediaStream | undefined;

  constructor(
    private readonly sounds: SoundPlayer,
    private readonly isEnded: () => boolean,
  ) {}

  /**
   * The voice plays again when the call is active: while it was held, the channel may
   * have gone to a call taken meanwhile (call waiting).
   */
  sync(state: CallState): void {
    if (state === 'active' && this.remote) this.sounds.playStream('remote-audio', this.remote);
  }

  /** Play the far end's audio as it arrives on `pc`, unless the call is over by then. */
  playRemote(pc: RTCPeerConnection): void {
    pc.addEventListener('track', (event) => {
      if (event.track.kind !== 'audio' || this.isEnded()) return;
      this.remote = event.streams[0] ?? new MediaStream([event.track]);
      this.sounds.playStream('remote-audio', this.remote);
    });
  }

  /** The call is over: silence its voice (and not another call's). */
  stop(): void {
    if (this.remote) this.sounds.stopStream('remote-audio', this.remote);
  }
}
