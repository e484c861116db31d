/**
 * An audio mixer for a conference of G.711 legs, as FreeSWITCH's mod_conference mixes: each
 * member hears the sum of everyone else's decoded audio (linear PCM, clipped to 16 bits),
 * encoded in its own codec. A listen-only member (a supervisor listening in) hears everyone
 * and is never mixed in: what it sends is counted and discarded.
 *
 * Pure logic with no clock of its own: each member's RTP session asks for its next 20 ms
 * frame on its own schedule (media/rtp-session.ts), so every member has one small queue per
 * talker it hears. A few frames absorb arrival jitter; beyond that the oldest are dropped
 * so latency stays bounded (as FrameQueue does for a bridge, media/sources.ts).
 */
import { type Codec, decode, encode } from './g711.js';

/** Frames kept per talker for each listener: 100 ms. */
const MAX_QUEUED_FRAMES = 5;
const MAX_SAMPLE = 32767;
const MIN_SAMPLE = -32768;

/** What one member heard from whom, and what of its own was heard. */
export interface MixCounts {
  /** Frames of each other member mixed into what this member heard, by member id. */
  heard: Record<string, number>;
  /** Frames of this member mixed into what the others heard (one count per hearer). */
  mixedIn: number;
  /** Frames this member sent that nobody heard (all of them for a listen-only member). */
  discarded: number;
}

interface Member {
  readonly listenOnly: boolean;
  /** Decoded frames waiting to be mixed for this member, by the talker they came from. */
  readonly queues: Map<string, Int16Array[]>;
  readonly counts: MixCounts;
}

export class Mixer {
  private readonly members = new Map<string, Member>();

  /** Adds a member (once); a listen-only member is never heard by the others. */
  join(id: string, listenOnly = false): void {
    if (this.members.has(id)) return;
    this.members.set(id, {
      listenOnly,
      queues: new Map(),
      counts: { heard: {}, mixedIn: 0, discarded: 0 },
    });
  }

  /** Removes a member: nobody hears what it had queued. Returns its counts. */
  leave(id: string): MixCounts | undefined {
    const member = this.members.get(id);
    if (!member) return undefined;
    this.members.delete(id);
    for (const other of this.members.values()) other.queues.delete(id);
    return member.counts;
  }

  has(id: string): boolean {
    return this.members.has(id);
  }

  isListenOnly(id: string): boolean {
    return this.members.get(id)?.listenOnly ?? false;
  }

  get size(): number {
    return this.members.size;
  }

  /** Counts so far of a member (a copy). */
  counts(id: string): MixCounts | undefined {
    const counts = this.members.get(id)?.counts;
    return (
      counts && { heard: { ...counts.heard }, mixedIn: counts.mixedIn, discarded: counts.discarded }
    );
  }

  /** One 20 ms frame a member sent: queued for every other member, unless it only listens. */
  hear(id: string, payload: Buffer, codec: Codec): void {
    const talker = this.members.get(id);
    if (!talker) return;
    if (talker.listenOnly) {
      talker.counts.discarded++;
      return;
    }
    let pcm: Int16Array | undefined;
    for (const [otherId, other] of this.members) {
      if (otherId === id) continue;
      pcm ??= decode(codec, payload);
      let queue = other.queues.get(id);
      if (!queue) {
        queue = [];
        other.queues.set(id, queue);
      }
      queue.push(pcm);
      while (queue.length > MAX_QUEUED_FRAMES) queue.shift();
    }
    if (pcm === undefined) talker.counts.discarded++;
  }

  /**
   * The next frame for `id` in `codec`: the clipped sum of one queued frame from each talker
   * it hears, or undefined when nobody has anything queued (the leg then sends nothing).
   */
  frameFor(id: string, codec: Codec): Buffer | undefined {
    const member = this.members.get(id);
    if (!member) return undefined;
    let sum: Int32Array | undefined;
    for (const [talkerId, queue] of member.queues) {
      const frame = queue.shift();
      if (!frame) continue;
      sum ??= new Int32Array(frame.length);
      const length = Math.min(sum.length, frame.length);
      for (let i = 0; i < length; i++) sum[i]! += frame[i]!;
      member.counts.heard[talkerId] = (member.counts.heard[talkerId] ?? 0) + 1;
      const talker = this.members.get(talkerId);
      if (talker) talker.counts.mixedIn++;
    }
    if (!sum) return undefined;
    const out = new Int16Array(sum.length);
    for (let i = 0; i < sum.length; i++) {
      out[i] = Math.max(MIN_SAMPLE, Math.min(MAX_SAMPLE, sum[i]!));
    }
    return encode(codec, out);
  }
}
