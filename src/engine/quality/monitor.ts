/**
 * The per-call quality monitor: polls `getStats()` on a timer, turns consecutive reports
 * into samples, runs the warnings, and collects the end-of-call report. The arithmetic
 * lives in pure modules (`stats-snapshot`, `sample`, `mos`, `warnings`, `report`).
 */
import { type FarEndReport, farEndChanges } from './far-end';
import { qualityLevel } from './levels';
import { type CallFacts, ReportCollector } from './report';
import { computeSample } from './sample';
import { readSnapshot, type StatsSnapshot } from './stats-snapshot';
import type {
  CallQuality,
  CallReport,
  QualitySample,
  QualityThresholds,
  QualityWarningChange,
  QualityWarningName,
} from './types';
import { WarningTracker } from './warnings';

export interface QualityMonitorOptions {
  /** The call's media connection, once there is one. */
  peerConnection: () => RTCPeerConnection | undefined;
  /** On hold, no media is expected: samples are kept but warnings do not run. */
  isHeld: () => boolean;
  /** Muted, silence from our microphone is no fault. */
  isMuted: () => boolean;
  onSample(sample: QualitySample): void;
  onWarning(change: QualityWarningChange): void;
  /**
   * What to tell the far end changed (quality/far-end.ts): our warnings, or the level
   * (levels.ts) of our average MOS in either direction. Once per sample at most, so a far
   * end gets a report when something it shows would change, not every second.
   */
  onShare(report: FarEndReport): void;
}

/** How often to sample and when to warn. */
export interface QualitySettings {
  intervalMs: number;
  thresholds: QualityThresholds;
}

export class QualityMonitor implements CallQuality {
  /** Created by start(): a call that is never answered has nothing to warn about. */
  private tracker: WarningTracker | undefined;
  private readonly collector = new ReportCollector();
  private timer: ReturnType<typeof setInterval> | undefined;
  private previous: StatsSnapshot | undefined;
  private reading = false;
  private stopped = false;
  private latest: QualitySample | null = null;
  private finalReport: CallReport | null = null;
  private farEnd: readonly QualityWarningName[] = [];
  /** The levels of the averages last shared, `inbound/outbound`. */
  private sharedLevels = `${qualityLevel(null)}/${qualityLevel(null)}`;

  constructor(private readonly options: QualityMonitorOptions) {}

  get sample(): QualitySample | null {
    return this.latest;
  }

  get warnings(): readonly QualityWarningName[] {
    return this.tracker?.active ?? [];
  }

  get farEndWarnings(): readonly QualityWarningName[] {
    return this.farEnd;
  }

  /** The far end sent its report (kept for the call's report); true when its warnings changed. */
  setFarEnd({ warnings, mos }: FarEndReport): boolean {
    if (this.stopped) return false;
    const changes = farEndChanges(this.farEnd, warnings, Date.now());
    this.collector.addFarEnd(changes, mos);
    if (changes.length === 0) return false;
    this.farEnd = warnings;
    return true;
  }

  get report(): CallReport | null {
    return this.finalReport;
  }

  /** Starts sampling (the call was answered); the first sample follows one interval later. */
  start({ intervalMs, thresholds }: QualitySettings): void {
    if (this.tracker || this.stopped) return;
    this.tracker = new WarningTracker(thresholds);
    void this.read();
    this.timer = setInterval(() => void this.read(), intervalMs);
  }

  /** Stops sampling and returns the report (once; later calls return the same report). */
  finish(facts: CallFacts): CallReport {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    this.finalReport ??= this.collector.build(facts);
    return this.finalReport;
  }

  private async read(): Promise<void> {
    const pc = this.options.peerConnection();
    // A slow getStats() (a busy tab) must not pile up reads.
    if (!pc || this.reading || this.stopped) return;
    this.reading = true;
    let snapshot: StatsSnapshot;
    try {
      snapshot = readSnapshot(await pc.getStats());
    } catch {
      // The connection closed while the call ends: there is nothing left to measure.
      return;
    } finally {
      this.reading = false;
    }
    if (this.stopped || !this.tracker) return;
    const previous = this.previous;
    this.previous = snapshot;
    if (previous) this.record(computeSample(previous, snapshot, this.contextOf(pc)), this.tracker);
  }

  private contextOf(pc: RTCPeerConnection) {
    return {
      at: Date.now(),
      held: this.options.isHeld(),
      muted: this.options.isMuted(),
      iceConnectionState: pc.iceConnectionState,
    };
  }

  /** What the far end is told now: our warnings and our average MOS in each direction. */
  private shareable(): FarEndReport {
    return { warnings: [...this.warnings], mos: this.collector.averageMos() };
  }

  private record(sample: QualitySample, tracker: WarningTracker): void {
    this.latest = sample;
    this.collector.addSample(sample);
    this.options.onSample(sample);
    // Held: forget the window and drop what was raised; after resuming, 3 new bad
    // samples are needed again.
    const changes = sample.held ? tracker.reset() : tracker.evaluate(sample);
    for (const change of changes) {
      this.collector.addWarning({ ...change, at: sample.at });
      this.options.onWarning(change);
    }
    const report = this.shareable();
    const levels = `${qualityLevel(report.mos?.inbound)}/${qualityLevel(report.mos?.outbound)}`;
    if (changes.length === 0 && levels === this.sharedLevels) return;
    this.sharedLevels = levels;
    this.options.onShare(report);
  }
}
