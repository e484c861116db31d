/**
 * Bounded ICE gathering, so a slow or unreachable STUN/TURN server never delays the
 * INVITE (or the 200 OK) by seconds.
 *
 * Rule, per gathering round (JsSIP hands us a fresh `ready` for each):
 * - the first *usable* candidate arms a short grace ({@link iceGraceMs}: 40 ms with
 *   STUN/TURN servers, 5 ms without) to collect its siblings, then the SDP goes out;
 * - in any case it goes out {@link IceBoundOptions.timeoutMs} after the first candidate
 *   (Chromium reports host candidates within milliseconds of setLocalDescription, so
 *   this is close to "after the start of gathering");
 * - when gathering completes earlier, JsSIP sends at once by itself.
 * Usable: without STUN/TURN servers every candidate is (host candidates are all there
 * will be; the SBC learns our public address from our connectivity checks). With
 * servers configured only `srflx` and `relay` candidates count, since waiting for them
 * is why servers were configured.
 */

/**
 * Wait after the first usable srflx/relay candidate for its siblings: with STUN/TURN
 * servers, the other servers' (or the other interfaces') answers come tens of ms apart.
 */
export const ICE_GRACE_MS = 40;

/**
 * Grace without STUN/TURN servers. Host candidates are all gathered in one burst (each
 * still its own `icecandidate` task), so a few ms collect them all; 40 ms here was pure
 * delay on every INVITE and 200 OK. Any host candidate that still missed it is harmless:
 * the browser checks from all its interfaces anyway and the SBC learns the address.
 */
export const HOST_ONLY_GRACE_MS = 5;

/** How long the SDP waits after the first usable candidate. */
export function iceGraceMs(hasIceServers: boolean): number {
  return hasIceServers ? ICE_GRACE_MS : HOST_ONLY_GRACE_MS;
}

export interface IceBoundOptions {
  timeoutMs: number;
  hasIceServers: boolean;
}

/** The bounds a configuration sets for a call using `iceServers` (configured and minted). */
export function iceBounds(
  config: { iceGatheringTimeoutMs: number },
  iceServers: readonly unknown[],
): IceBoundOptions {
  return { timeoutMs: config.iceGatheringTimeoutMs, hasIceServers: iceServers.length > 0 };
}

/** Does this candidate let the SDP go out (after the grace)? */
export function isUsableCandidate(type: RTCIceCandidateType | null, hasIceServers: boolean) {
  return !hasIceServers || type === 'srflx' || type === 'relay';
}

/** JsSIP's `icecandidate` session event payload. */
export interface IceCandidateEvent {
  candidate: RTCIceCandidate;
  ready: () => void;
}

/** A handler for JsSIP's `icecandidate` event that applies the rule above. */
export function boundIceGathering(options: IceBoundOptions): (event: IceCandidateEvent) => void {
  const rounds = new WeakMap<() => void, { grace: boolean }>();
  return ({ candidate, ready }) => {
    let round = rounds.get(ready);
    if (!round) {
      round = { grace: false };
      rounds.set(ready, round);
      setTimeout(ready, options.timeoutMs);
    }
    if (!round.grace && isUsableCandidate(candidate.type, options.hasIceServers)) {
      round.grace = true;
      setTimeout(ready, iceGraceMs(options.hasIceServers));
    }
  };
}
