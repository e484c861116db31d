/**
 * The widget's call quality against injected truth. One call to `music` through the real
 * stack; the media server's impairment stage steps through loss, jitter, delay and mute,
 * and at each step the widget's samples are compared with what was injected and with what
 * the server counts it actually did. The run writes the table to
 * e2e/artifacts/quality-table.md.
 *
 * Timeline (~2 min; each sample covers 1 s, 50 PCMU packets):
 *   baseline 6 samples → jitter 20 ms (8) → jitter 60 ms (8) → delay 100 ms each way (5, once
 *   the RTT settled) → delay 250 ms each way (5; high-rtt raised) → loss 3 % (15; high-rtt
 *   clears meanwhile) → loss 10 % (32; high-loss raised) → mute (no-inbound-audio raised;
 *   high-loss clears meanwhile) → hang up → report event and beacon.
 * Jitter comes first because the browser's jitter buffer remembers: loss and delay steps
 * leave it deeper for tens of seconds, which would blur the few hundredths of MOS that
 * 20 ms of jitter costs. Delay and loss cost far more than any leftover buffer depth.
 *
 * Sample sizes for loss (±1.5 pp, 95 %): the realized fraction of N independent losses has
 * sigma sqrt(p(1-p)/N), so N >= 1.96² p(1-p) / 0.015²: 497 packets at 3 % (we take 750,
 * 15 s) and 1537 at 10 % (we take 1600, 32 s). backend/media/test/unit/impairment.test.ts
 * checks that the stage's windows of those sizes land within ±1.5 pp 95 % of the time.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CallReport, QualitySample } from '../../src/engine/quality/types';
import { BEACON_PATH, receivedBeacons } from '../support/beacon-collector';
import { expect, test } from '../support/fixtures';
import {
  clearImpairment,
  type Impairment,
  impair,
  impairmentReport,
  type PathReport,
} from '../support/impairment';
import { type Schema, validate } from '../support/json-schema';
import { answeredCall, type MediaCall } from '../support/media-server';
import { REPO_ROOT } from '../support/paths';
import {
  callReports,
  expectWarning,
  nextSamples,
  qualitySamples,
  qualityWarnings,
  type RecordedWarning,
  recordQualityEvents,
} from '../support/quality-events';
import { mean, median, millis, percent, QualityTable } from '../support/quality-table';
import type { Widget } from '../support/widget';

const REPORT_SCHEMA = path.join(REPO_ROOT, 'src/engine/quality/report.schema.json');

/** The brief's tolerances (see the table notes for why they are fair). */
const LOSS_TOLERANCE = 0.015;
/** Against the server's own count of the same window: only window alignment differs. */
const LOSS_VS_SERVER_TOLERANCE = 0.005;
const RTT_TOLERANCE_MS = 20;
/**
 * Jitter: the browser's RFC 3550 estimate on top of the path's own jitter (baseline) must
 * be at least 70 % of the jitter the stage injected minus 2 ms, and at most the baseline
 * plus 130 % of it plus 2 ms: independent jitter sources add sub-linearly, so the truth
 * sits between the injected value alone and the plain sum.
 */
const JITTER_LOW = (injected: number) => injected * 0.7 - 2;
const JITTER_HIGH = (injected: number, baseline: number) => baseline + injected * 1.3 + 2;
/** Hysteresis of the widget: a warning clears after 5 clean samples and ≥5 s after raised. */
const CLEAR_SAMPLES = 5;
const MIN_RAISED_MS = 5000;
const CLEAR_MAX_MS = 15_000;

interface Step {
  name: string;
  samples: QualitySample[];
  /** The stage's toward-the-browser account over the same samples. */
  toCaller: PathReport;
  fromCaller: PathReport;
}

/** Counters of `after` minus `before`; means and settings as of `after`. */
function windowOf(before: PathReport, after: PathReport): PathReport {
  const rtpPassed = after.rtpPassed - before.rtpPassed;
  const rtpDropped = after.rtpDropped - before.rtpDropped;
  const total = rtpPassed + rtpDropped;
  return {
    ...after,
    rtpPassed,
    rtpDropped,
    rtcpPassed: after.rtcpPassed - before.rtcpPassed,
    lossFraction: total > 0 ? rtpDropped / total : null,
  };
}

const lossOf = (samples: QualitySample[]): number => {
  const lost = samples.reduce((sum, s) => sum + s.inbound.lost, 0);
  const received = samples.reduce((sum, s) => sum + s.inbound.packets, 0);
  return lost / (lost + received);
};
const values = (samples: QualitySample[], pick: (s: QualitySample) => number | null) =>
  samples.map(pick).filter((v): v is number => v !== null);
const mosOf = (samples: QualitySample[]) => mean(values(samples, (s) => s.mos));
const jitterOf = (samples: QualitySample[]) => median(values(samples, (s) => s.inbound.jitterMs));
const rttOf = (samples: QualitySample[]) => median(values(samples, (s) => s.rttMs));

test('the quality report follows injected loss, jitter, delay and mute; warnings; beacon', async ({
  visitor,
}) => {
  test.setTimeout(200_000);
  const widget: Widget = await visitor(
    { target: 'music', 'stats-url': BEACON_PATH },
    { prepare: recordQualityEvents },
  );
  const page = widget.page;
  await widget.launcher.click();
  await widget.expectCallState('active');
  const call: MediaCall = await answeredCall(await widget.outgoingCallId());
  const table = new QualityTable();
  const steps: Record<string, Step> = {};

  /**
   * Applies `impairment` (none: clear), lets `settle` samples pass (the first one straddles
   * the change), waits for `until` if given, then takes `count` samples and the server's
   * account of the same window.
   */
  async function measure(
    name: string,
    impairment: Impairment | undefined,
    count: number,
    { settle = 1, until }: { settle?: number; until?: () => Promise<void> } = {},
  ): Promise<Step> {
    if (impairment) await impair(call, impairment);
    else await clearImpairment(call);
    const changedAt = Date.now();
    const settled = await nextSamples(page, settle, changedAt);
    await until?.();
    // The window starts after the settling samples and whatever `until` waited for.
    const windowStart = Math.max(settled.at(-1)!.at + 1, Date.now());
    const before = await impairmentReport(call);
    const samples = await nextSamples(page, count, windowStart);
    const after = await impairmentReport(call);
    const step: Step = {
      name,
      samples,
      toCaller: windowOf(before.toCaller, after.toCaller),
      fromCaller: windowOf(before.fromCaller, after.fromCaller),
    };
    steps[name] = step;
    return step;
  }

  function checkLoss(step: Step, injected: number): void {
    const reported = lossOf(step.samples);
    const realized = step.toCaller.lossFraction ?? 0;
    const packets = step.toCaller.rtpPassed + step.toCaller.rtpDropped;
    const ok =
      Math.abs(reported - injected) <= LOSS_TOLERANCE &&
      Math.abs(reported - realized) <= LOSS_VS_SERVER_TOLERANCE;
    table.add({
      step: step.name,
      metric: `loss toward browser (${packets} packets)`,
      injected: percent(injected, 1),
      server: percent(realized),
      reported: percent(reported),
      rule: `±${LOSS_TOLERANCE * 100} pp of injected, ±${LOSS_VS_SERVER_TOLERANCE * 100} pp of realized`,
      ok,
    });
    expect
      .soft(Math.abs(reported - injected), `${step.name}: loss vs injected`)
      .toBeLessThanOrEqual(LOSS_TOLERANCE);
    expect
      .soft(Math.abs(reported - realized), `${step.name}: loss vs server`)
      .toBeLessThanOrEqual(LOSS_VS_SERVER_TOLERANCE);
  }

  function addMos(step: Step, below: Step | undefined): void {
    const mos = mosOf(step.samples);
    const ok = below === undefined || mos < mosOf(below.samples);
    const oneWay = mean(values(step.samples, (s) => s.oneWayDelayMs));
    const buffer = mean(values(step.samples, (s) => s.inbound.jitterBufferDelayMs));
    const concealed = mean(values(step.samples, (s) => s.inbound.concealmentRatio));
    table.add({
      step: step.name,
      metric: 'MOS (mean) · one-way delay · jitter buffer · concealed',
      injected: '',
      server: '',
      reported: `${mos.toFixed(3)} · ${millis(oneWay, 0)} · ${millis(buffer, 0)} · ${percent(concealed, 1)}`,
      rule: below ? `< ${below.name} (${mosOf(below.samples).toFixed(3)})` : 'reference',
      ok,
    });
    if (below)
      expect.soft(mos, `${step.name}: MOS below ${below.name}`).toBeLessThan(mosOf(below.samples));
  }

  try {
    await test.step('baseline: no impairment', async () => {
      // Until the first receiver report arrives the widget falls back to the ICE pair's
      // RTT: wait for RTCP's, the one every later step is measured with.
      const base = await measure('baseline', undefined, 6, {
        settle: 2,
        until: async () => {
          await expect
            .poll(async () => (await nextSamples(page, 1, Date.now()))[0]!.remote.rttMs, {
              message: 'RTT from RTCP in the samples',
            })
            .not.toBeNull();
        },
      });
      expect(base.samples[0]!.codec?.mimeType).toBe('audio/PCMU');
      checkLoss(base, 0);
      table.add({
        step: 'baseline',
        metric: 'jitter (median) / RTT (median)',
        injected: '0 ms / 0 ms',
        server: '',
        reported: `${millis(jitterOf(base.samples))} / ${millis(rttOf(base.samples))}`,
        rule: 'reference for the steps below',
        ok: true,
      });
      addMos(base, undefined);
    });

    await test.step('jitter 20 ms and 60 ms toward the browser', async () => {
      const jitter20 = await measure('jitter 20 ms', { direction: 'to-caller', jitterMs: 20 }, 8);
      const jitter60 = await measure('jitter 60 ms', { direction: 'to-caller', jitterMs: 60 }, 8);
      const base = jitterOf(steps.baseline!.samples);
      for (const step of [jitter20, jitter60]) {
        const injected = step.toCaller.meanAddedJitterMs ?? 0;
        const reported = jitterOf(step.samples);
        const ok = reported >= JITTER_LOW(injected) && reported <= JITTER_HIGH(injected, base);
        table.add({
          step: step.name,
          metric: 'jitter (median of samples)',
          injected: `U(0, ${step.toCaller.settings.jitterMs}) ms extra delay`,
          server: `${millis(injected)} RFC 3550 of added delay`,
          reported: millis(reported),
          rule: `${millis(JITTER_LOW(injected))} … ${millis(JITTER_HIGH(injected, base))}`,
          ok,
        });
        expect
          .soft(reported, `${step.name}: jitter low bound`)
          .toBeGreaterThanOrEqual(JITTER_LOW(injected));
        expect
          .soft(reported, `${step.name}: jitter high bound`)
          .toBeLessThanOrEqual(JITTER_HIGH(injected, base));
      }
      expect.soft(jitterOf(jitter20.samples), 'jitter rises: 0 < 20 ms').toBeGreaterThan(base);
      expect
        .soft(jitterOf(jitter60.samples), 'jitter rises: 20 < 60 ms')
        .toBeGreaterThan(jitterOf(jitter20.samples));
      addMos(jitter20, steps.baseline);
      addMos(jitter60, jitter20);
    });

    let rttClearedAt = 0;
    await test.step('delay 100 ms and 250 ms each way (high-rtt raised)', async () => {
      const base = rttOf(steps.baseline!.samples);
      let previous = steps.baseline!;
      for (const delayMs of [100, 250]) {
        const roundTrip = 2 * delayMs;
        // RTT includes the inbound half only once the browser's next sender report (every
        // ~5 s) crossed the delayed path: wait for it, then measure.
        const settledRtt = async () => {
          await expect
            .poll(async () => ((await nextSamples(page, 1, Date.now()))[0]!.rttMs ?? 0) - base, {
              message: `RTT grows by ${roundTrip} ms`,
              timeout: 15_000,
            })
            .toBeGreaterThan(roundTrip - RTT_TOLERANCE_MS);
        };
        const step = await measure(`delay ${delayMs} ms`, { direction: 'both', delayMs }, 5, {
          settle: 1,
          until: settledRtt,
        });
        const reported = rttOf(step.samples) - base;
        const serverRoundTrip =
          (step.toCaller.meanAddedDelayMs ?? 0) + (step.fromCaller.meanAddedDelayMs ?? 0);
        const ok = Math.abs(reported - roundTrip) <= RTT_TOLERANCE_MS;
        table.add({
          step: step.name,
          metric: 'RTT − baseline (median)',
          injected: `${roundTrip} ms round trip`,
          server: millis(serverRoundTrip),
          reported: millis(reported),
          rule: `±${RTT_TOLERANCE_MS} ms of injected`,
          ok,
        });
        expect
          .soft(Math.abs(reported - roundTrip), `${step.name}: RTT`)
          .toBeLessThanOrEqual(RTT_TOLERANCE_MS);
        addMos(step, previous);
        previous = step;
      }
      const rtt = (await qualityWarnings(page)).filter((w) => w.warning === 'high-rtt');
      expect(rtt.at(-1)?.raised, 'high-rtt is up at 250 ms each way').toBe(true);
      await clearImpairment(call);
      rttClearedAt = Date.now();
    });

    await test.step('loss 3 % and 10 % toward the browser (high-rtt clears)', async () => {
      const loss3 = await measure('loss 3 %', { direction: 'to-caller', loss: 0.03 }, 15, {
        settle: 2,
      });
      checkLoss(loss3, 0.03);
      addMos(loss3, steps.baseline);
      const cleared = await expectWarning(page, 'high-rtt', false, rttClearedAt, CLEAR_MAX_MS);
      await warningRow('high-rtt', 'delay 250 ms → 0', rttClearedAt, cleared);
      const loss10 = await measure('loss 10 %', { direction: 'to-caller', loss: 0.1 }, 32);
      checkLoss(loss10, 0.1);
      addMos(loss10, loss3);
      const highLoss = (await qualityWarnings(page)).filter((w) => w.warning === 'high-loss');
      expect(highLoss.at(-1)?.raised, 'high-loss is up at the end of 10 % loss').toBe(true);
    });

    await test.step('mute: silence arrives, no-inbound-audio raised (high-loss clears)', async () => {
      await clearImpairment(call);
      const stoppedAt = Date.now();
      await impair(call, { direction: 'to-caller', mute: true });
      const raised = await expectWarning(page, 'no-inbound-audio', true, stoppedAt, CLEAR_MAX_MS);
      table.add({
        step: 'mute',
        metric: 'warning no-inbound-audio',
        injected: 'PCMU silence (0xFF), packets flowing',
        server: '',
        reported: `raised after ${((raised.at - stoppedAt) / 1000).toFixed(1)} s`,
        rule: 'raised (3 of 5 samples)',
        ok: true,
      });
      const cleared = await expectWarning(page, 'high-loss', false, stoppedAt, CLEAR_MAX_MS);
      await warningRow('high-loss', 'loss 10 % → 0', stoppedAt, cleared);
    });

    await test.step('hang up: the report event and its beacon, valid against the schema', async () => {
      await widget.button('Hang up').click();
      await widget.expectEnded('hangup-local');
      await expect.poll(async () => (await callReports(page)).length).toBe(1);
      const [report] = (await callReports(page)) as [CallReport];
      let beacon: { contentType: string; body: string } | undefined;
      await expect
        .poll(
          async () => {
            beacon = (await receivedBeacons()).find((b) => b.body.includes(report.callId));
            return beacon !== undefined;
          },
          { message: 'report beacon at the collector', timeout: 10_000 },
        )
        .toBe(true);
      const parsed: unknown = JSON.parse(beacon!.body);
      const schema = JSON.parse(readFileSync(REPORT_SCHEMA, 'utf8')) as Schema;
      const problems = validate(schema, parsed);
      expect(problems, 'beacon against report.schema.json').toEqual([]);
      expect(parsed, 'the beacon is the report the element emitted').toEqual(report);
      expect(report.codec?.mimeType).toBe('audio/PCMU');
      expect(report.metrics.lossFraction!.max).toBeGreaterThan(0.05);
      expect(report.metrics.rttMs!.max).toBeGreaterThan(2 * 250 - RTT_TOLERANCE_MS);
      const changes = report.warnings.map((w) => `${w.warning}:${w.raised ? 'up' : 'down'}`);
      for (const change of ['high-loss:up', 'high-loss:down', 'high-rtt:up', 'high-rtt:down']) {
        expect(changes).toContain(change);
      }
      expect(changes).toContain('no-inbound-audio:up');
      table.add({
        step: 'end of call',
        metric: 'beacon',
        injected: '',
        server: '',
        reported: `${beacon!.contentType}, ${report.sampleCount} samples, ${report.warnings.length} warning changes`,
        rule: 'schema-valid, equal to the report event',
        ok: problems.length === 0,
      });
    });
  } finally {
    const text = table.write('Call quality: injected vs reported', [
      `Run ${new Date().toISOString()}, call ${call.callId} on ${call.server}, PCMU end to end.`,
      'Loss: reported = lost / (lost + received) summed over the step’s 1 s samples; server = the stage’s drops over the same window.',
      'Loss sample sizes: ±1.5 pp at 95 % needs 497 packets at 3 % and 1537 at 10 % (σ = √(p(1−p)/N)).',
      'Jitter: the stage adds U(0, J) ms per packet through a FIFO (no reordering); server = RFC 3550 estimator over the added delays; the browser adds its path’s own jitter (baseline).',
      'RTT: median of the step’s samples minus the baseline median, measured once the browser’s next sender report crossed the delayed path.',
    ]);
    console.log(`\n${text}`);
  }

  /**
   * The widget's hysteresis: a warning clears once 5 consecutive samples are clean and it
   * has been up at least 5 s. So the clear comes on the 5th sample after the impairment
   * stopped at the earliest (the sample straddling the stop may already be clean).
   */
  async function warningRow(
    warning: string,
    change: string,
    stoppedAt: number,
    cleared: RecordedWarning,
  ): Promise<void> {
    const raised = (await qualityWarnings(page)).filter(
      (w) => w.warning === warning && w.raised && w.at < stoppedAt,
    );
    const upFor = cleared.at - (raised.at(-1)?.at ?? cleared.at);
    const samplesBefore = (await qualitySamples(page, stoppedAt)).filter(
      (s) => s.at <= cleared.at,
    ).length;
    const ok = samplesBefore >= CLEAR_SAMPLES && upFor >= MIN_RAISED_MS;
    table.add({
      step: change,
      metric: `warning ${warning}`,
      injected: 'impairment stopped',
      server: '',
      reported: `cleared ${((cleared.at - stoppedAt) / 1000).toFixed(1)} s / ${samplesBefore} samples after, up ${(upFor / 1000).toFixed(1)} s`,
      rule: `≥${CLEAR_SAMPLES} samples after, up ≥${MIN_RAISED_MS / 1000} s, within ${CLEAR_MAX_MS / 1000} s`,
      ok,
    });
    expect
      .soft(samplesBefore, `${warning} cleared after 5 clean samples`)
      .toBeGreaterThanOrEqual(CLEAR_SAMPLES);
    expect.soft(upFor, `${warning} up at least 5 s`).toBeGreaterThanOrEqual(MIN_RAISED_MS);
  }
});
