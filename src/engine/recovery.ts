/**
 * Keeping an answered call while the connection under it is away: wait for it (up to
 * `callRecoveryTimeoutMs`), then keep the media as it is (telling the SBC the new
 * connection) or move it with a re-INVITE that restarts ICE, and say why the call was
 * lost when that fails.
 */
import type { RTCSession } from 'jssip/lib/RTCSession';
import { describeLostReinvite, type EndDescription, type LostReinvite } from './causes';
import { onNextInviteStatus } from './jssip-dialog';
import type { Logger } from './log';
import { inboundAudioPackets } from './quality/stats-snapshot';
import type { ReinviteResult } from './reinvite';
import type { CallEventMap } from './types';

/** After a reconnect, inbound audio is counted over this window to see whether it flows. */
export const MEDIA_CHECK_MS = 600;

/**
 * What to do with an answered call once the connection is back: media that kept flowing
 * never depended on the lost connection (only signalling went through it), so the call
 * is simply kept; media that stopped needs a re-INVITE with an ICE restart. A call held
 * by either side sends nothing, so silence proves nothing: it is re-INVITEd too.
 */
export function recoveryAction(input: {
  packetsBefore: number;
  packetsAfter: number;
  held: boolean;
}): 'keep' | 'ice-restart' {
  return !input.held && input.packetsAfter > input.packetsBefore ? 'keep' : 'ice-restart';
}

/** How a call ends when its connection is not recovered. */
export function lostEnd(reason: string): EndDescription {
  return { cause: 'connection-lost', message: `The call was lost: ${reason}.` };
}

/** What recovery needs from its call. */
export interface RecoveryContext {
  /** `callRecoveryTimeoutMs` of the configuration. */
  timeoutMs(): number;
  session(): RTCSession | undefined;
  /** Held by either side? */
  isHeld(): boolean;
  isEnded(): boolean;
  /** A `connection` event of the call. */
  emit(event: CallEventMap['connection']): void;
  /** Recovery is impossible: the call must end as lost, for `reason`. */
  fail(reason: string): void;
  /**
   * Re-offer the media as it is from the new connection. Until an in-dialog request
   * comes from it, the SBC sends the far end's requests for the call (its BYE) to the
   * connection that dropped (backend/kamailio/kamailio.cfg, DLG_MOVED).
   */
  refreshTarget(): Promise<ReinviteResult | undefined>;
  /** The call's log. */
  log(): Logger;
}

export class CallRecovery {
  /** While the connection is away: since when, and the deadline. */
  private outage: { since: number; timer: ReturnType<typeof setTimeout> } | undefined;
  /** Set while the ICE-restart re-INVITE is out: a failure ends the call as lost. */
  private reinviting = false;
  /** The status the server answered to that re-INVITE, once it answered. */
  private reinviteStatus: number | undefined;

  constructor(private readonly context: RecoveryContext) {}

  /** Waiting for the connection to come back? */
  get waiting(): boolean {
    return this.outage !== undefined;
  }

  /** The connection under the answered call dropped: wait for it, up to the deadline. */
  lost(): void {
    if (this.outage) return;
    const timeoutMs = this.context.timeoutMs();
    this.outage = {
      since: Date.now(),
      timer: setTimeout(
        () =>
          this.context.fail(
            `the connection did not come back within ${Math.round(timeoutMs / 1000)} s`,
          ),
        timeoutMs,
      ),
    };
    this.context.emit({ state: 'reconnecting' });
  }

  /** The connection is back: keep the call, or move its media. */
  async restored(region: string | undefined): Promise<void> {
    const outage = this.outage;
    if (!outage || this.context.isEnded() || this.reinviting) return;
    const pc = this.context.session()?.connection ?? undefined;
    const packetsBefore = await inboundAudioPackets(pc);
    await new Promise((resolve) => setTimeout(resolve, MEDIA_CHECK_MS));
    if (this.context.isEnded() || this.outage !== outage) return;
    const packetsAfter = await inboundAudioPackets(pc);
    const held = this.context.isHeld();
    if (recoveryAction({ packetsBefore, packetsAfter, held }) === 'keep') {
      void this.context.refreshTarget().then((result) => {
        if (!result || result.ok) return;
        // 481: the far end ended the call while we were away (its BYE went to the
        // connection that dropped).
        if (result.dialogGone) this.context.fail('the call ended while the connection was away');
        else this.context.log().warn(`could not tell the SBC the new connection: ${result.reason}`);
      });
      this.recovered('media-kept', region);
      return;
    }
    const session = this.context.session();
    this.reinviting = true;
    this.reinviteStatus = undefined;
    const unwatch = session
      ? onNextInviteStatus(session, (status) => {
          this.reinviteStatus = status;
        })
      : undefined;
    // JsSIP terminates the call itself when the re-INVITE fails (error response, timeout,
    // transport error); `reinviting` makes that end a clear `connection-lost`.
    const sent = session?.renegotiate({ rtcOfferConstraints: { iceRestart: true } }, () => {
      this.reinviting = false;
      this.recovered('ice-restart', region);
    });
    if (!sent) {
      unwatch?.();
      this.reinviting = false;
      this.context.fail('the call could not be renegotiated on the new connection');
    }
  }

  /**
   * The session ended with `cause` and `statusCode`: when that happened in the
   * ICE-restart re-INVITE, why the call was lost (with the re-INVITE's own status).
   */
  lostInReinvite(cause: string, statusCode: number | undefined): LostReinvite | undefined {
    if (!this.reinviting) return undefined;
    return describeLostReinvite({ cause, statusCode: this.reinviteStatus ?? statusCode });
  }

  /** The call is over: no deadline, no re-INVITE to wait for. */
  stop(): void {
    this.reinviting = false;
    if (!this.outage) return;
    clearTimeout(this.outage.timer);
    this.outage = undefined;
  }

  private recovered(how: 'media-kept' | 'ice-restart', region: string | undefined): void {
    const outage = this.outage;
    if (!outage) return;
    clearTimeout(outage.timer);
    this.outage = undefined;
    const event: CallEventMap['connection'] = {
      state: 'recovered',
      how,
      recoveryMs: Date.now() - outage.since,
    };
    if (region !== undefined) event.region = region;
    this.context.emit(event);
  }
}
