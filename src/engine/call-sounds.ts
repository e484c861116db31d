/** The sounds of one call: ringback or ringtone while it rings, the far end's voice. */
import type { CallContext } from './call-context';
import type { CallDirection, CallState } from './types';

export class CallSounds {
  constructor(
    private readonly context: Pick<CallContext<unknown>, 'sounds' | 'config'>,
    private readonly direction: CallDirection,
    private readonly isEnded: () => boolean,
  ) {}

  /** Ringback while an outgoing call rings, ringtone while an incoming one does. */
  sync(state: CallState): void {
    const { sounds, config } = this.context;
    const ringing = state === 'ringing';
    if (ringing && this.direction === 'outgoing') sounds.playFile('ringback', config.ringbackUrl);
    else sounds.stop('ringback');
    if (ringing && this.direction === 'incoming') sounds.playFile('ringtone', config.ringtoneUrl);
    else sounds.stop('ringtone');
  }

  /** Play the far end's audio as it arrives on `pc`, unless the call is over by then. */
  playRemote(pc: RTCPeerConnection): void {
    pc.addEventListener('track', (event) => {
      if (event.track.kind !== 'audio' || this.isEnded()) return;
      const stream = event.streams[0] ?? new MediaStream([event.track]);
      this.context.sounds.playStream('remote-audio', stream);
    });
  }

  /** The call is over: silence all of it. */
  stop(): void {
    this.sync('ended');
    this.context.sounds.stop('remote-audio');
  }

  /** The ringtone stops as soon as the agent answers, before the call is set up. */
  stopRingtone(): void {
    this.context.sounds.stop('ringtone');
  }
}
