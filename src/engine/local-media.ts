/**
 * Our side of a call's media: the microphone stream, its mute, and our hold (the
 * re-INVITE itself is reinvite.ts). The call decides when; this keeps the state and
 * applies it to the stream and to JsSIP.
 */
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { Logger } from './log';
import { stopStream } from './media';
import { sendNewMicrophone } from './microphone-swap';
import { audioTransceiver, type ReinviteResult, sendHoldReinvite } from './reinvite';

export class LocalMedia {
  /** The microphone, once we have it. */
  stream: MediaStream | undefined;
  /** The microphone chosen when {@link stream} was taken (undefined: the default). */
  microphoneId: string | undefined;
  /** Do we hold the call? Set once the far end accepted. */
  held = false;
  private mutedValue = false;
  private holdBusy = false;

  /** @param log the call's log, read when needed */
  constructor(private readonly log: () => Logger) {}

  /** Is our microphone muted? */
  get muted(): boolean {
    return this.mutedValue;
  }

  /** Mute or unmute the microphone (in JsSIP too once `session` has media). */
  setMuted(muted: boolean, session: RTCSession | undefined): void {
    this.mutedValue = muted;
    this.applyMute(session);
  }

  /** A new stream or session: muted before, it starts muted too. */
  keepMuted(session: RTCSession | undefined): void {
    if (this.mutedValue) this.applyMute(session);
  }

  /**
   * Send the hold (`true`) or resume re-INVITE; undefined when nothing was sent (already
   * so, or another change is under way).
   */
  async reinviteHold(session: RTCSession, hold: boolean): Promise<ReinviteResult | undefined> {
    if (this.held === hold || this.holdBusy) return undefined;
    this.holdBusy = true;
    const result = await sendHoldReinvite(
      session,
      hold,
      this.stream?.getAudioTracks()[0],
      this.log(),
    );
    this.holdBusy = false;
    // The microphone may have been swapped during the re-INVITE: send the one in use now.
    if (result.ok && !hold && session.connection) {
      await sendNewMicrophone(session.connection, this.stream?.getAudioTracks()[0], this.log());
    }
    return result;
  }

  /**
   * Offer the media again as it is: a target refresh (RFC 3261 §12.2), by which the SBC
   * learns the call's new connection after a reconnect. Undefined while a hold is out.
   */
  async refresh(session: RTCSession): Promise<ReinviteResult | undefined> {
    if (this.holdBusy) return undefined;
    this.holdBusy = true;
    const result = await sendHoldReinvite(
      session,
      this.held,
      this.stream?.getAudioTracks()[0],
      this.log(),
    );
    this.holdBusy = false;
    return result;
  }

  /**
   * Does the call need another microphone stream for `deviceId`: another choice than the
   * stream's, or its device was unplugged (the track ended)?
   */
  needsMicrophone(deviceId: string | undefined): boolean {
    if (!this.stream) return false;
    const track = this.stream.getAudioTracks()[0];
    return this.microphoneId !== deviceId || !track || track.readyState === 'ended';
  }

  /**
   * Send `stream` instead of the microphone in use, muted if the call is muted, and release
   * the old one (microphone-swap.ts). While we hold, only the stream is kept: the resume
   * sends it.
   */
  async swapMicrophone(
    session: RTCSession | undefined,
    stream: MediaStream,
    deviceId: string | undefined,
  ): Promise<void> {
    const previous = this.stream;
    this.use(stream, deviceId);
    const pc = session?.connection;
    if (pc) await sendNewMicrophone(pc, stream.getAudioTracks()[0], this.log());
    if (previous !== stream) stopStream(previous);
  }

  /**
   * The microphone that opened after the offer left (offer-before-microphone.ts): kept,
   * muted if the call is, and sent on `session` (if it has one yet).
   */
  async microphoneOpened(
    session: RTCSession | undefined,
    stream: MediaStream,
    deviceId: string | undefined,
  ): Promise<void> {
    this.use(stream, deviceId);
    await this.sendOn(session);
  }

  /**
   * Put the microphone on `session`'s audio sender when that has no track: its offer was
   * made while the microphone was opening. The call holds only once the microphone is on
   * (call.ts setHold), so a sender without a track here is never a held one.
   */
  async sendOn(session: RTCSession | undefined): Promise<void> {
    const pc = session?.connection;
    const sender = pc ? audioTransceiver(pc)?.sender : undefined;
    const track = this.stream?.getAudioTracks()[0];
    if (!sender || sender.track || !track) return;
    try {
      await sender.replaceTrack(track);
    } catch (error) {
      // The connection is closing: nothing is sent any more anyway.
      this.log().warn('could not send the microphone', { error });
    }
  }

  /** Release the microphone. */
  stop(): void {
    stopStream(this.stream);
  }

  /** Take `stream` as the microphone in use, muted if the call is. */
  private use(stream: MediaStream, deviceId: string | undefined): void {
    this.stream = stream;
    this.microphoneId = deviceId;
    for (const track of stream.getAudioTracks()) track.enabled = !this.mutedValue;
  }

  private applyMute(session: RTCSession | undefined): void {
    for (const track of this.stream?.getAudioTracks() ?? []) track.enabled = !this.mutedValue;
    // JsSIP keeps its own flag so that a remote unhold does not re-enable the track; its
    // mute() needs the peer connection (an incoming call has none before answer()).
    if (!session?.connection) return;
    if (this.mutedValue) session.mute({ audio: true });
    else session.unmute({ audio: true });
  }
}
