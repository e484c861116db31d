import type { Call, CallService } from '../call.js';
import type { Codec } from '../media/g711.js';
import type { Sound } from '../media/sounds.js';
import { FrameQueue, type FrameSource, LoopPlayer, silence } from '../media/sources.js';

/**
 * One side of a bridge: relays the peer's audio (transcoded when the legs negotiated
 * different codecs; each leg keeps its own SSRC, sequence and timestamps) and its
 * digits as RFC 4733. While the peer holds us, the other side hears music.
 */
class BridgedLeg implements CallService {
  readonly name = 'bridge';
  readonly incoming = new FrameQueue();
  private readonly music: LoopPlayer;
  private readonly source: FrameSource;
  private connected = true;
  other: BridgedLeg | undefined;

  constructor(
    readonly call: Call,
    readonly peer: Call,
    music: Sound,
  ) {
    this.music = new LoopPlayer(music);
    this.source = {
      nextFrame: (codec: Codec) =>
        this.peer.remoteHeld ? this.music.nextFrame(codec) : this.incoming.nextFrame(codec),
    };
  }

  start(): void {
    this.call.serviceSource = this.source;
  }

  onDigit(digit: string): void {
    if (this.connected) this.peer.rtp.sendDigit(digit);
  }

  onAudio(payload: Buffer, codec: Codec): void {
    this.other?.incoming.push(payload, codec);
  }

  /** Relays nothing more either way; the leg hears silence unless it moved on already. */
  disconnect(): void {
    this.connected = false;
    this.other = undefined;
    this.incoming.clear();
    if (this.call.serviceSource === this.source) this.call.serviceSource = silence;
  }

  stop(): void {
    this.incoming.clear();
  }
}

/** Two answered legs relaying to each other, as `bridge()` connected them. */
export interface Bridge {
  /** The other leg of `call` in this bridge, or undefined for a call that is not in it. */
  peerOf(call: Call): Call | undefined;
  /**
   * Undoes the bridge without ending either leg: no more audio or digits between them, and
   * one leg ending no longer hangs up the other. Each leg keeps its dialog and hears silence
   * until it gets a new service or a new bridge (a transfer moves one leg to another call,
   * services/transfer.ts). Does nothing the second time.
   */
  release(): void;
}

/** Connects two answered legs; while bridged, when either ends, the other is hung up too. */
export function bridge(a: Call, b: Call, music: Sound): Bridge {
  const legA = new BridgedLeg(a, b, music);
  const legB = new BridgedLeg(b, a, music);
  legA.other = legB;
  legB.other = legA;
  let released = false;
  const untie: (() => void)[] = [];
  const handle: Bridge = {
    peerOf: (call) => (call === a ? b : call === b ? a : undefined),
    release: () => {
      if (released) return;
      released = true;
      for (const undo of untie.splice(0)) undo();
      legA.disconnect();
      legB.disconnect();
      if (a.bridge === handle) a.bridge = undefined;
      if (b.bridge === handle) b.bridge = undefined;
    },
  };
  a.bridge = handle;
  b.bridge = handle;
  a.setService(legA);
  b.setService(legB);
  a.record('bridge', { peerCallId: b.id, peer: b.to });
  b.record('bridge', { peerCallId: a.id, peer: a.from });
  untie.push(
    a.onEnded(() => b.hangup('bridge-peer-ended')),
    b.onEnded(() => a.hangup('bridge-peer-ended')),
  );
  return handle;
}
