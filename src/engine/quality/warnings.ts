/**
 * Quality warnings with hysteresis, so a single bad second neither raises a warning nor
 * makes one flicker: raised when 3 of the last 5 samples cross the threshold, cleared
 * when none of the last 5 do and it has been up for at least 5 s (Twilio's rule:
 * twilio/twilio-voice.js, lib/twilio/statsMonitor.ts).
 */
import type {
  QualitySample,
  QualityThresholds,
  QualityWarningChange,
  QualityWarningName,
} from './types';

export const WARNING_WINDOW = 5;
export const RAISE_COUNT = 3;
export const MIN_RAISED_MS = 5000;

interface Check {
  crossed: boolean;
  value: number | null;
}

type Detector = (sample: QualitySample, limits: QualityThresholds) => Check;

function above(value: number | null, limit: number): Check {
  return { crossed: value !== null && value > limit, value };
}

const DETECTORS: Record<QualityWarningName, Detector> = {
  'high-rtt': (s, t) => above(s.rttMs, t.rttMs),
  'high-jitter': (s, t) => above(s.inbound.jitterMs, t.jitterMs),
  'high-loss': (s, t) => above(s.inbound.lossFraction, t.lossFraction),
  'low-mos': (s, t) => ({ crossed: s.mos !== null && s.mos < t.mos, value: s.mos }),
  // Level, not bytes: comfort noise or silence keeps packets flowing on a dead path.
  'no-inbound-audio': (s, t) => ({
    crossed:
      s.inbound.packets > 0 && s.inbound.audioLevel !== null && s.inbound.audioLevel < t.audioLevel,
    value: s.inbound.audioLevel,
  }),
  'no-inbound-packets': (s) => ({ crossed: s.inbound.packets === 0, value: s.inbound.packets }),
  // Our microphone, by the same level rule: packets flow, but the far end hears nothing.
  'no-outbound-audio': (s, t) => ({
    crossed:
      !s.muted &&
      s.outbound.packets > 0 &&
      s.outbound.audioLevel !== null &&
      s.outbound.audioLevel < t.audioLevel,
    value: s.outbound.audioLevel,
  }),
  'ice-disconnected': (s) => ({
    crossed: s.iceConnectionState === 'disconnected' || s.iceConnectionState === 'failed',
    value: null,
  }),
};

export const WARNING_NAMES = Object.keys(DETECTORS) as QualityWarningName[];

interface Track {
  /** Crossed or not, for the last samples (oldest first, at most WARNING_WINDOW). */
  recent: boolean[];
  /** `at` of the sample that raised it; undefined while not raised. */
  raisedAt: number | undefined;
}

/** Feeds samples through the hysteresis of every warning. */
export class WarningTracker {
  private tracks = new Map<QualityWarningName, Track>();

  constructor(private readonly thresholds: QualityThresholds) {
    this.reset();
  }

  /** Warnings up now, in a stable order. */
  get active(): QualityWarningName[] {
    return WARNING_NAMES.filter((name) => this.tracks.get(name)?.raisedAt !== undefined);
  }

  /** Adds one sample; returns the warnings it raised or cleared. */
  evaluate(sample: QualitySample): QualityWarningChange[] {
    const changes: QualityWarningChange[] = [];
    for (const name of WARNING_NAMES) {
      const track = this.tracks.get(name)!;
      const { crossed, value } = DETECTORS[name](sample, this.thresholds);
      track.recent = [...track.recent, crossed].slice(-WARNING_WINDOW);
      const count = track.recent.filter(Boolean).length;
      if (track.raisedAt === undefined && count >= RAISE_COUNT) {
        track.raisedAt = sample.at;
        changes.push({ warning: name, raised: true, value });
      } else if (
        track.raisedAt !== undefined &&
        count === 0 &&
        track.recent.length === WARNING_WINDOW &&
        sample.at - track.raisedAt >= MIN_RAISED_MS
      ) {
        track.raisedAt = undefined;
        changes.push({ warning: name, raised: false, value });
      }
    }
    return changes;
  }

  /** Forgets every sample (media stopped on purpose: hold); returns the warnings cleared. */
  reset(): QualityWarningChange[] {
    const cleared = this.active.map((warning) => ({ warning, raised: false, value: null }));
    this.tracks = new Map(WARNING_NAMES.map((name) => [name, { recent: [], raisedAt: undefined }]));
    return cleared;
  }
}
