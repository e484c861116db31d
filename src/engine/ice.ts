/**
 * Bounded ICE gathering: the offer (or the 200 OK's answer) goes out once the browser's
 * host candidates are in, never after a STUN/TURN round trip.
 *
 * Rule, per gathering round (JsSIP hands us a fresh `ready` for each):
 * - the first candidate arms a short grace ({@link ICE_GRACE_MS}) to collect its siblings,
 *   then the SDP goes out;
 * - in any case it goes out {@link IceBoundOptions.timeoutMs} after the first candidate;
 * - when gathering completes earlier, JsSIP sends at once by itself.
 *
 * Why not wait for the server-reflexive and relay candidates of the STUN/TURN servers
 * (configured, or minted with the credentials): the far end is rtpengine at a public
 * address, a full ICE agent. The browser's connectivity checks reach it from every local
 * candidate, including those gathered after the SDP left, and it learns each sender as a
 * peer-reflexive candidate (RFC 8445 §7.3.1.3), so a relay works without being in the SDP
 * (journey 26: UDP blocked, the call goes through TURN over TLS). Waiting for the relay
 * cost every call the TURN-over-TLS allocation, about 100 ms (BENCHMARKS.md, "Call setup").
 */

/**
 * Host candidates are all gathered in one burst (each still its own `icecandidate` task),
 * so a few ms collect them all. One that still missed it is harmless: the browser checks
 * from all its interfaces anyway and the SBC learns the address.
 */
export const ICE_GRACE_MS = 5;

export interface IceBoundOptions {
  /** The longest the SDP waits after the first candidate (engine config). */
  timeoutMs: number;
}

/** The bounds a configuration sets. */
export function iceBounds(config: { iceGatheringTimeoutMs: number }): IceBoundOptions {
  return { timeoutMs: config.iceGatheringTimeoutMs };
}

/** JsSIP's `icecandidate` session event payload. */
export interface IceCandidateEvent {
  candidate: RTCIceCandidate;
  ready: () => void;
}

/** A handler for JsSIP's `icecandidate` event that applies the rule above. */
export function boundIceGathering(options: IceBoundOptions): (event: IceCandidateEvent) => void {
  const rounds = new WeakSet<() => void>();
  return ({ ready }) => {
    if (rounds.has(ready)) return;
    rounds.add(ready);
    setTimeout(ready, Math.min(ICE_GRACE_MS, options.timeoutMs));
  };
}
