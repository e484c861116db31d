import type { Call, CallService } from '../call.js';
import type { Codec } from '../media/g711.js';
import type { Sound } from '../media/sounds.js';
import { FrameQueue, LoopPlayer } from '../media/sources.js';

/**
 * One side of a bridge: relays the peer's audio (transcoded when the legs negotiated
 * different codecs; each leg keeps its own SSRC, sequence and timestamps) and its
 * digits as RFC 4733. While the peer holds us, the other side hears music.
 */
class BridgedLeg implements CallService {
  readonly name = 'bridge';
  readonly incoming = new FrameQueue();
  private readonly music: LoopPlayer;
  other: BridgedLeg | undefined;

  constructor(
    readonly call: Call,
    readonly peer: Call,
    music: Sound,
  ) {
    this.music = new LoopPlayer(music);
  }

  start(): void {
    this.call.serviceSource = {
      nextFrame: (codec: Codec) =>
        this.peer.remoteHeld ? this.music.nextFrame(codec) : this.incoming.nextFrame(codec),
    };
  }

  onDigit(digit: string): void {
    this.peer.rtp.sendDigit(digit);
  }

  onAudio(payload: Buffer, codec: Codec): void {
    this.other?.incoming.push(payload, codec);
  }

  stop(): void {
    this.incoming.clear();
  }
}

/** Connects two answered legs; when either ends, the other is hung up too. */
export function bridge(a: Call, b: Call, music: Sound): void {
  const legA = new BridgedLeg(a, b, music);
  const legB = new BridgedLeg(b, a, music);
  legA.other = legB;
  legB.other = legA;
  a.peer = b;
  b.peer = a;
  a.setService(legA);
  b.setService(legB);
  a.record('bridge', { peerCallId: b.id, peer: b.to });
  b.record('bridge', { peerCallId: a.id, peer: a.from });
  a.onEnded(() => b.hangup('bridge-peer-ended'));
  b.onEnded(() => a.hangup('bridge-peer-ended'));
}
