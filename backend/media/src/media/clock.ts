/**
 * One timer loop paces every RTP stream of the process at 20 ms. Each tick is scheduled
 * against the absolute start time, so setTimeout lateness does not accumulate as drift.
 */
import { performance } from 'node:perf_hooks';
import { safely } from '../safe.js';
import { IntervalHistogram } from './histogram.js';

const FRAME_MS = 20;
/** Late ticks are caught up by sending the missed frames, but only this many. */
const MAX_CATCH_UP_FRAMES = 3;

export interface Paced {
  /** Called once per 20 ms frame; `now` is performance.now() at the tick. */
  tick(now: number): void;
  /** The clock skipped `frames` frames after a stall (they were never ticked). */
  skipped?(frames: number, now: number): void;
}

export class MediaClock {
  private readonly members = new Set<Paced>();
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private framesDone = 0;
  /** Send intervals of all streams, recorded by the streams themselves. */
  readonly sendIntervals = new IntervalHistogram();

  constructor(private readonly onError: (error: Error, member: Paced) => void) {}

  add(member: Paced): void {
    this.members.add(member);
    if (!this.timer) {
      this.startedAt = performance.now();
      this.framesDone = 0;
      this.schedule();
    }
  }

  remove(member: Paced): void {
    this.members.delete(member);
    if (this.members.size === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  get size(): number {
    return this.members.size;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.members.clear();
  }

  private schedule(): void {
    const due = this.startedAt + (this.framesDone + 1) * FRAME_MS;
    this.timer = setTimeout(
      () => safely('media clock', () => this.run()),
      Math.max(0, due - performance.now()),
    );
  }

  private run(): void {
    const now = performance.now();
    let due = Math.floor((now - this.startedAt) / FRAME_MS) - this.framesDone;
    if (due > MAX_CATCH_UP_FRAMES) {
      // After a long stall, skip ahead rather than bursting seconds of audio; members that
      // keep time (RTP timestamps, recordings) are told what was skipped.
      const skipped = due - MAX_CATCH_UP_FRAMES;
      this.framesDone += skipped;
      due = MAX_CATCH_UP_FRAMES;
      this.each((member) => member.skipped?.(skipped, now));
    }
    for (let i = 0; i < Math.max(1, due); i++) this.each((member) => member.tick(now));
    this.framesDone += Math.max(1, due);
    if (this.members.size > 0) this.schedule();
    else this.timer = undefined;
  }

  private each(call: (member: Paced) => void): void {
    for (const member of this.members) {
      try {
        call(member);
      } catch (error) {
        // A failing stream is dropped; every other call keeps its 20 ms pacing.
        this.members.delete(member);
        this.onError(error as Error, member);
      }
    }
  }
}
