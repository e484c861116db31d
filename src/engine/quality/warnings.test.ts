import { describe, expect, it } from 'vitest';
import { makeSample, type SampleChanges } from './test-support/samples';
import { DEFAULT_THRESHOLDS } from './thresholds';
import type { QualityWarningChange } from './types';
import { WarningTracker } from './warnings';

const good: SampleChanges = {};
const highRtt: SampleChanges = { rttMs: 600 };

/** Feeds one sample a second (at = 1000·i) and returns every change with its second. */
function run(tracker: WarningTracker, sequence: SampleChanges[], startSecond = 0) {
  return sequence.flatMap((changes, i) =>
    tracker
      .evaluate(makeSample({ ...changes, at: (startSecond + i) * 1000 }))
      .map((change) => ({ second: startSecond + i, ...change })),
  );
}

describe('WarningTracker', () => {
  it('raises on the 3rd bad sample of 5, not before', () => {
    const tracker = new WarningTracker(DEFAULT_THRESHOLDS);
    const changes = run(tracker, [highRtt, good, highRtt, good, highRtt]);
    expect(changes).toEqual([{ second: 4, warning: 'high-rtt', raised: true, value: 600 }]);
    expect(tracker.active).toEqual(['high-rtt']);
  });

  it('does not raise for 2 bad samples in every 5', () => {
    const tracker = new WarningTracker(DEFAULT_THRESHOLDS);
    const changes = run(tracker, [highRtt, good, good, good, highRtt, good, good, good, highRtt]);
    expect(changes).toEqual([]);
  });

  it('clears only after 5 good samples in a row', () => {
    const tracker = new WarningTracker(DEFAULT_THRESHOLDS);
    run(tracker, [highRtt, highRtt, highRtt]); // raised at second 2
    const changes = run(
      tracker,
      [good, good, good, good, highRtt, good, good, good, good, good],
      3,
    );
    // The bad sample at second 7 restarts the count: 5 clean ones end at second 12.
    expect(changes).toEqual([{ second: 12, warning: 'high-rtt', raised: false, value: 40 }]);
    expect(tracker.active).toEqual([]);
  });

  it('keeps a warning up at least 5 s even when the samples recover at once', () => {
    const tracker = new WarningTracker(DEFAULT_THRESHOLDS);
    // Samples every 200 ms: raised at 400 ms, five good ones by 1400 ms.
    const at = (i: number) => i * 200;
    const changes: (QualityWarningChange & { at: number })[] = [];
    for (let i = 0; i < 40; i++) {
      const sample = makeSample({ ...(i < 3 ? highRtt : good), at: at(i) });
      for (const change of tracker.evaluate(sample)) changes.push({ ...change, at: at(i) });
    }
    expect(changes.map(({ raised, at }) => ({ raised, at }))).toEqual([
      { raised: true, at: 400 },
      { raised: false, at: 5400 },
    ]);
  });

  it('warns on one-way audio: packets arrive but the level is silence', () => {
    const tracker = new WarningTracker(DEFAULT_THRESHOLDS);
    const silent: SampleChanges = { inbound: { audioLevel: 0.0002 } };
    const changes = run(tracker, [silent, silent, silent]);
    expect(changes).toEqual([
      { second: 2, warning: 'no-inbound-audio', raised: true, value: 0.0002 },
    ]);
  });

  it('warns when our microphone sends silence, unless we muted it', () => {
    const silentMic: SampleChanges = { outbound: { audioLevel: 0.0001 } };
    expect(run(new WarningTracker(DEFAULT_THRESHOLDS), [silentMic, silentMic, silentMic])).toEqual([
      { second: 2, warning: 'no-outbound-audio', raised: true, value: 0.0001 },
    ]);
    const muted: SampleChanges = { ...silentMic, muted: true };
    expect(run(new WarningTracker(DEFAULT_THRESHOLDS), [muted, muted, muted, muted])).toEqual([]);
    // A browser that does not report the microphone's level raises nothing.
    const unknown: SampleChanges = { outbound: { audioLevel: null } };
    expect(run(new WarningTracker(DEFAULT_THRESHOLDS), [unknown, unknown, unknown])).toEqual([]);
  });

  it('clears the silent-microphone warning once the voice is back', () => {
    const tracker = new WarningTracker(DEFAULT_THRESHOLDS);
    const silentMic: SampleChanges = { outbound: { audioLevel: 0 } };
    const voice: SampleChanges = { outbound: { audioLevel: 0.05 } };
    const changes = run(tracker, [silentMic, silentMic, silentMic, ...Array(5).fill(voice)]);
    expect(changes.map((c) => `${c.warning}:${c.raised}`)).toEqual([
      'no-outbound-audio:true',
      'no-outbound-audio:false',
    ]);
  });

  it('warns on missing packets, not on silence, when nothing arrives', () => {
    const tracker = new WarningTracker(DEFAULT_THRESHOLDS);
    const nothing: SampleChanges = {
      inbound: { packets: 0, audioLevel: null },
      mos: null,
    };
    expect(run(tracker, [nothing, nothing, nothing]).map((c) => c.warning)).toEqual([
      'no-inbound-packets',
    ]);
  });

  it('raises each threshold on its own measure', () => {
    const tracker = new WarningTracker(DEFAULT_THRESHOLDS);
    const bad: SampleChanges = {
      inbound: { jitterMs: 45, lossFraction: 0.08, lost: 4 },
      mos: 3.1,
      iceConnectionState: 'disconnected',
    };
    const changes = run(tracker, [bad, bad, bad]);
    expect(changes.map(({ warning, value }) => [warning, value])).toEqual([
      ['high-jitter', 45],
      ['high-loss', 0.08],
      ['low-mos', 3.1],
      ['ice-disconnected', null],
    ]);
  });

  it('follows configured thresholds', () => {
    const tracker = new WarningTracker({ ...DEFAULT_THRESHOLDS, rttMs: 30 });
    expect(run(tracker, [good, good, good]).map((c) => c.warning)).toEqual(['high-rtt']);
  });

  it('reset clears what is up and forgets the window', () => {
    const tracker = new WarningTracker(DEFAULT_THRESHOLDS);
    run(tracker, [highRtt, highRtt, highRtt]);
    expect(tracker.reset()).toEqual([{ warning: 'high-rtt', raised: false, value: null }]);
    expect(tracker.active).toEqual([]);
    // Two bad samples before the reset no longer count.
    run(tracker, [highRtt, highRtt], 10);
    expect(tracker.reset()).toEqual([]);
    expect(run(tracker, [highRtt, highRtt], 20)).toEqual([]);
  });
});
