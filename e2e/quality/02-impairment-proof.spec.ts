/**
 * The widget's call quality against injected truth. Calls to `music` through the real
 * stack; the media server's impairment stage steps through jitter, delay, loss and mute,
 * and at each step the widget's 1 s samples (50 PCMU packets each) are compared with what
 * was injected and with what the server counts it actually did. Each call adds its section
 * to e2e/artifacts/quality-table.md. Tolerances: support/quality-proof.ts and README.md.
 *
 * Two calls of about a minute each rather than one of two minutes: JsSIP refreshes the
 * session every 45 s and Kamailio's WebSocket keepalive has closed the connection at the
 * second refresh (90 s) on this loaded machine; see the report of issue 5.
 *
 * Call 1 (~60 s): baseline (6 samples, after 5 that let the jitter buffer settle) →
 *   jitter 20 ms (8) → jitter 60 ms (8) → delay 100 ms each way (5, once the RTT settled) →
 *   delay 250 ms each way (5; high-rtt raised) → clear (high-rtt clears) → hang up. Jitter
 *   goes first, while the browser's jitter buffer is settled: delay steps leave it deeper
 *   for tens of seconds, which would blur the few hundredths of MOS that 20 ms of jitter
 *   costs.
 * Call 2 (~65 s): baseline (6) → loss 3 % (15) → loss 10 % (32; high-loss raised) → mute
 *   (no-inbound-audio raised; high-loss clears meanwhile) → hang up.
 *
 * Loss sample sizes (±1.5 pp at 95 %): the realized fraction of N independent losses has
 * sigma sqrt(p(1-p)/N), so N >= 1.96² p(1-p) / 0.015²: 497 packets at 3 % (we take 750,
 * 15 s) and 1537 at 10 % (we take 1600, 32 s). backend/media/test/unit/impairment.test.ts
 * checks that the stage's windows of those sizes land within ±1.5 pp 95 % of the time.
 */
import { expect, test } from '../support/fixtures';
import { clearImpairment, impair } from '../support/impairment';
import { jitterOf, QualityProof } from '../support/quality-proof';
import { QualityTable } from '../support/quality-table';

const NOTES = [
  'Loss: reported = lost / (lost + received) over the step’s samples; server = the stage’s drops in the same window.',
  'Jitter: the stage adds U(0, J) ms per packet through a FIFO (no reordering); server = RFC 3550 estimator over the added delays; the browser adds its path’s own jitter (baseline).',
  'RTT: median of the step’s samples minus the baseline median, once the browser’s next sender report crossed the delayed path; server = mean delay added per direction, summed.',
  'MOS: mean of the step’s samples; one-way delay = RTT/2 + jitter buffer + codec (the widget’s E-model input).',
];

test('quality under jitter and delay: jitter order and size, RTT, MOS, high-rtt with hysteresis, beacon', async ({
  visitor,
}) => {
  test.setTimeout(120_000);
  const table = new QualityTable();
  const proof = await QualityProof.start(visitor, 'music', table);
  try {
    // Jitter costs the MOS only jitter-buffer depth: compare with a settled buffer, not the
    // deeper one of the call's first seconds.
    const baseline = await proof.baseline(6, 5);
    proof.checkMos(baseline, undefined);

    const jitter20 = await proof.measure(
      'jitter 20 ms',
      { direction: 'to-caller', jitterMs: 20 },
      8,
    );
    const jitter60 = await proof.measure(
      'jitter 60 ms',
      { direction: 'to-caller', jitterMs: 60 },
      8,
    );
    proof.checkJitter(jitter20, baseline);
    proof.checkJitter(jitter60, baseline);
    expect
      .soft(jitterOf(jitter20.samples), 'jitter 0 < 20 ms')
      .toBeGreaterThan(jitterOf(baseline.samples));
    expect
      .soft(jitterOf(jitter60.samples), 'jitter 20 < 60 ms')
      .toBeGreaterThan(jitterOf(jitter20.samples));
    // The widget's MOS sees jitter only through the jitter buffer's depth, and that depth is
    // the browser's choice from the whole path's history, this machine's own stalls
    // included. 60 ms of injected jitter deepens it by ~10 ms (54 → 65 ms in CI); a stall
    // before the baseline left that one at 101 ms and its MOS 0.008 below jitter 60's
    // (stop 17's CI run). The effect is smaller than the noise of what it rides on, so both
    // steps are recorded in the table, not asserted. That the MOS counts the buffer is
    // src/engine/quality/sample.test.ts; the delay and loss steps below and in call 2 move
    // the MOS by tenths and are asserted.
    proof.checkMos(jitter20, baseline, 'within jitter-buffer noise');
    proof.checkMos(jitter60, baseline, 'within jitter-buffer noise');

    // Each delay step is held below the baseline, not below the step before: the MOS's
    // one-way delay includes the jitter buffer, which a loaded machine's stalls can deepen
    // by more than the 150 ms one way between the two steps (seen: 535 ms at 100 ms, 346 ms
    // at 250 ms, load 29). That the MOS falls as delay grows is
    // src/engine/quality/mos.test.ts ("falls monotonically as delay grows").
    const delay100 = await proof.delayStep(100, baseline);
    proof.checkMos(delay100, baseline);
    const delay250 = await proof.delayStep(250, baseline);
    proof.checkMos(delay250, baseline);
    expect(await proof.warningUp('high-rtt'), 'high-rtt up at 250 ms each way').toBe(true);

    await clearImpairment(proof.call);
    await proof.expectCleared('high-rtt', Date.now(), 'delay 250 ms → 0');
    await proof.hangUpAndCheckReport(['high-rtt:up', 'high-rtt:down']);
  } finally {
    console.log(`\n${table.append(`Call 1: jitter and delay (${proof.call.callId})`, NOTES)}`);
  }
});

test('quality under loss and one-way audio: loss vs injected and realized, MOS, high-loss and no-inbound-audio, beacon', async ({
  visitor,
}) => {
  test.setTimeout(120_000);
  const table = new QualityTable();
  const proof = await QualityProof.start(visitor, 'music', table);
  try {
    const baseline = await proof.baseline(6);
    proof.checkLoss(baseline, 0);
    proof.checkMos(baseline, undefined);

    const loss3 = await proof.measure('loss 3 %', { direction: 'to-caller', loss: 0.03 }, 15);
    proof.checkLoss(loss3, 0.03);
    proof.checkMos(loss3, baseline);
    const loss10 = await proof.measure('loss 10 %', { direction: 'to-caller', loss: 0.1 }, 32);
    proof.checkLoss(loss10, 0.1);
    proof.checkMos(loss10, loss3);
    expect(await proof.warningUp('high-loss'), 'high-loss up at 10 % loss').toBe(true);

    // Silence instead of music, packets still flowing: the loss stops at the same moment.
    const mutedAt = Date.now();
    await impair(proof.call, { direction: 'to-caller', mute: true });
    await proof.expectRaised('no-inbound-audio', mutedAt, 'mute (PCMU 0xFF)');
    await proof.expectCleared('high-loss', mutedAt, 'loss 10 % → 0');
    const report = await proof.hangUpAndCheckReport([
      'high-loss:up',
      'high-loss:down',
      'no-inbound-audio:up',
    ]);
    expect(report.metrics.lossFraction!.max).toBeGreaterThan(0.05);
  } finally {
    console.log(`\n${table.append(`Call 2: loss and mute (${proof.call.callId})`, NOTES)}`);
  }
});
