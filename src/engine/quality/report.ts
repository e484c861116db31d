/** The end-of-call report: what a call's samples and warnings add up to. */
import type {
  CallReport,
  CodecInfo,
  FarEndMos,
  FarEndWarningEntry,
  MediaPath,
  MetricSummary,
  QualitySample,
  QualityWarningEntry,
} from './types';

/** min / avg / max / p95 (nearest rank) of `values`; null when empty. */
export function summarize(values: readonly number[]): MetricSummary | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    min: sorted[0]!,
    avg: sum / sorted.length,
    max: sorted[sorted.length - 1]!,
    p95: sorted[Math.ceil(0.95 * sorted.length) - 1]!,
  };
}

/** What the report says about the call itself (the rest comes from the samples). */
export interface CallFacts {
  callId: string;
  direction: CallReport['direction'];
  target: string;
  createdAt: number;
  answeredAt: number | undefined;
  endedAt: number;
  endCause: string;
  server: string | undefined;
  region: string | undefined;
}

type MetricName = keyof CallReport['metrics'];

const METRICS: Record<MetricName, (sample: QualitySample) => number | null> = {
  rttMs: (s) => s.rttMs,
  jitterMs: (s) => s.inbound.jitterMs,
  // Loss means nothing for an interval in which no packet was expected.
  lossFraction: (s) => (s.inbound.packets + s.inbound.lost > 0 ? s.inbound.lossFraction : null),
  mos: (s) => s.mos,
  mosOutbound: (s) => s.mosOutbound,
};

/** Collects the figures of a call's samples and warnings, keeping no sample whole. */
export class ReportCollector {
  private readonly values: Record<MetricName, number[]> = {
    rttMs: [],
    jitterMs: [],
    lossFraction: [],
    mos: [],
    mosOutbound: [],
  };
  private readonly warnings: QualityWarningEntry[] = [];
  private readonly farEndWarnings: FarEndWarningEntry[] = [];
  private farEndMos: FarEndMos | null = null;
  private sampleCount = 0;
  private codec: CodecInfo | null = null;
  private path: MediaPath | null = null;

  addSample(sample: QualitySample): void {
    this.sampleCount += 1;
    this.codec = sample.codec ?? this.codec;
    this.path = sample.path ?? this.path;
    // Held intervals carry no media on purpose: they would only drag the figures down.
    if (sample.held) return;
    for (const name of Object.keys(METRICS) as MetricName[]) {
      const value = METRICS[name](sample);
      if (value !== null) this.values[name].push(value);
    }
  }

  addWarning(entry: QualityWarningEntry): void {
    this.warnings.push(entry);
  }

  /** What the far end's phone reported: its warnings' changes and, when sent, its MOS. */
  addFarEnd(changes: readonly FarEndWarningEntry[], mos: FarEndMos | undefined): void {
    this.farEndWarnings.push(...changes);
    if (mos) this.farEndMos = { ...mos };
  }

  /** Our average MOS so far in each direction (null unrated), as the far end is told it. */
  averageMos(): FarEndMos {
    const average = (values: readonly number[]) =>
      values.length === 0
        ? null
        : values.reduce((total, value) => total + value, 0) / values.length;
    return { inbound: average(this.values.mos), outbound: average(this.values.mosOutbound) };
  }

  /** Summaries over the samples not on hold so far. */
  metrics(): CallReport['metrics'] {
    return {
      rttMs: summarize(this.values.rttMs),
      jitterMs: summarize(this.values.jitterMs),
      lossFraction: summarize(this.values.lossFraction),
      mos: summarize(this.values.mos),
      mosOutbound: summarize(this.values.mosOutbound),
    };
  }

  build(facts: CallFacts): CallReport {
    const answeredAt = facts.answeredAt ?? null;
    return {
      schemaVersion: 2,
      callId: facts.callId,
      direction: facts.direction,
      target: facts.target,
      createdAt: facts.createdAt,
      answeredAt,
      endedAt: facts.endedAt,
      durationMs: answeredAt === null ? 0 : Math.max(facts.endedAt - answeredAt, 0),
      setupMs: answeredAt === null ? null : answeredAt - facts.createdAt,
      endCause: facts.endCause,
      codec: this.codec,
      path: this.path,
      server: facts.server ?? null,
      region: facts.region ?? null,
      metrics: this.metrics(),
      warnings: [...this.warnings],
      farEnd: { warnings: [...this.farEndWarnings], mos: this.farEndMos },
      sampleCount: this.sampleCount,
    };
  }
}
