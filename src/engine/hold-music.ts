/**
 * The far end's hold of a call and the hold music we play during it. The rule itself is
 * in hold.ts ({@link shouldPlayHoldMusic}); this keeps what it needs: whether the far end
 * holds us, what it offered, and, when it offered `sendonly`, how long its audio has been
 * silent (polled from the call's stats).
 */
import type { SoundPlayer } from './audio';
import { audioDirection, type MediaDirection, shouldPlayHoldMusic } from './hold';
import { inboundAudioPackets } from './quality/stats-snapshot';

/** How often inbound packets are checked while the far end holds us with `sendonly`. */
const SILENCE_POLL_MS = 500;

export interface RemoteHoldContext {
  sounds: SoundPlayer;
  /** `holdMusicUrl` of the configuration (null: no music, the events still say when). */
  musicUrl(): string | null;
  peerConnection(): RTCPeerConnection | undefined;
  isEnded(): boolean;
  /** We hold the call too (then it gets no music: another call has the line). */
  isLocallyHeld(): boolean;
  /** The music started or stopped. */
  onMusic(playing: boolean): void;
}

export class RemoteHold {
  private heldValue = false;
  private offered: MediaDirection = 'sendrecv';
  private playing = false;
  private silenceTimer: ReturnType<typeof setInterval> | undefined;
  private lastInbound = { packets: -1, at: 0 };

  constructor(private readonly context: RemoteHoldContext) {}

  /** Does the far end hold us? */
  get held(): boolean {
    return this.heldValue;
  }

  /** An SDP offer of the far end: its audio direction tells whether it plays music. */
  offer(sdp: string): void {
    this.offered = audioDirection(sdp);
  }

  /**
   * The far end held (`true`) or resumed the call. Call {@link update} next, once the
   * call's own state reflects it.
   */
  set(held: boolean): void {
    this.heldValue = held;
    this.lastInbound = { packets: -1, at: Date.now() };
    clearInterval(this.silenceTimer);
    this.silenceTimer = undefined;
    if (held && this.offered === 'sendonly') {
      this.silenceTimer = setInterval(() => void this.checkSilence(), SILENCE_POLL_MS);
    }
  }

  /** Start or stop the music as the rule says, without knowing about inbound silence. */
  update(): void {
    this.apply(undefined);
  }

  /** The call is over: stop polling and the music. */
  stop(): void {
    clearInterval(this.silenceTimer);
    this.silenceTimer = undefined;
    this.apply(undefined);
  }

  private async checkSilence(): Promise<void> {
    const pc = this.context.peerConnection();
    if (!pc) return;
    const packets = await inboundAudioPackets(pc);
    const now = Date.now();
    if (packets !== this.lastInbound.packets) this.lastInbound = { packets, at: now };
    this.apply(now - this.lastInbound.at);
  }

  private apply(inboundSilentMs: number | undefined): void {
    const play =
      !this.context.isEnded() &&
      shouldPlayHoldMusic({
        remoteHold: this.heldValue,
        localHold: this.context.isLocallyHeld(),
        offered: this.offered,
        inboundSilentMs,
      });
    if (play === this.playing) return;
    this.playing = play;
    const { sounds } = this.context;
    if (play) sounds.playFile('hold-music', this.context.musicUrl());
    else sounds.stop('hold-music');
    this.context.onMusic(play);
  }
}
