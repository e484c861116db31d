/**
 * The self-check's steps (run.ts) against a fake phone and Chromium's fake microphone: the
 * real backend is proven by e2e/journeys/30-preflight.spec.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReportCollector } from '../quality/report';
import { makeSample } from '../quality/test-support/samples';
import { type FakeCall, FakePhone } from '../test-support/fake-phone';
import { runPreflight } from './run';
import type { PreflightStep } from './types';

afterEach(() => {
  vi.restoreAllMocks();
});

function newPhone(): FakePhone {
  return new FakePhone({ servers: ['wss://sbc.test'], domain: 'test' });
}

/** The phone's first call, once placed. */
async function placedCall(phone: FakePhone): Promise<FakeCall> {
  await expect.poll(() => phone.calls.length).toBe(1);
  return phone.calls[0]!;
}

/** Ends `call` as the engine does: its report first (quality/report.ts), then `ended`. */
function endWithReport(call: FakeCall, samples = [makeSample()]): void {
  const collector = new ReportCollector();
  for (const sample of samples) collector.addSample(sample);
  const report = collector.build({
    callId: call.id,
    direction: 'outgoing',
    target: 'sip:echo@test',
    createdAt: call.createdAt,
    answeredAt: call.answeredAt,
    endedAt: Date.now(),
    endCause: 'hangup-local',
    server: 'wss://sbc.test',
    region: 'eu',
  });
  call.quality = { ...call.quality, report };
}

describe('runPreflight', () => {
  it('measures the microphone and the settled echo call, hangs up, and rates it', async () => {
    const phone = newPhone();
    const steps: PreflightStep[] = [];
    const levels: number[] = [];
    const abort = new AbortController();
    const running = runPreflight(phone, {
      signal: abort.signal,
      onStep: (step) => steps.push(step),
      onMicrophoneLevel: (level) => levels.push(level),
    });
    const call = await placedCall(phone);
    expect(phone.commands).toContain('call echo');
    const hangup = vi.spyOn(call, 'hangup').mockImplementation(() => {
      endWithReport(call);
      call.end('hangup-local');
    });
    call.setState('active');
    const answeredAt = call.answeredAt!;
    // The first two seconds rate the start-up (a deep jitter buffer): left out.
    call.emit('quality', makeSample({ at: answeredAt + 500, mos: 2, rttMs: 400 }));
    call.emit('quality', makeSample({ at: answeredAt + 2500 }));
    call.emit('quality', makeSample({ at: answeredAt + 3500, rttMs: 60 }));
    // Enough level readings for the microphone to count (ten a second).
    await expect.poll(() => levels.length).toBeGreaterThanOrEqual(10);
    abort.abort();

    const result = await running;
    expect(hangup).toHaveBeenCalledOnce();
    expect(steps).toEqual(['browser', 'microphone', 'call']);
    // Chromium's fake microphone beeps: the meter heard it.
    expect(Math.max(...levels)).toBeGreaterThan(0.001);
    expect(result).toMatchObject({
      schemaVersion: 1,
      verdict: 'good',
      problems: [],
      browser: { supported: true, missing: [] },
      call: {
        target: 'echo',
        connected: true,
        endCause: 'hangup-local',
        error: null,
        rttMs: 50,
        jitterMs: 5,
        lossFraction: 0,
        mos: 4.38,
        path: { localType: 'host', relay: false },
        region: 'eu',
      },
    });
    expect(result.microphone.peakLevel).toBeGreaterThan(0.001);
    expect(result.microphone.error).toBeNull();
    // The result survives JSON unchanged: a visitor can hand it to support.
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('rates a call that ended before settling on all its samples', async () => {
    const phone = newPhone();
    const running = runPreflight(phone);
    const call = await placedCall(phone);
    call.setState('active');
    call.emit('quality', makeSample({ at: call.answeredAt! + 500, mos: 3.2 }));
    endWithReport(call);
    call.end('hangup-remote');
    const result = await running;
    expect(result.call).toMatchObject({ connected: true, endCause: 'hangup-remote', mos: 3.2 });
    expect(result.verdict).toBe('poor');
  });

  it('fails with the phone error when the test call does not connect', async () => {
    const phone = newPhone();
    const running = runPreflight(phone);
    const call = await placedCall(phone);
    phone.emit('error', { code: 'connection-failed', message: 'unreachable' });
    endWithReport(call, []);
    call.end('failed');

    const result = await running;
    expect(result.verdict).toBe('failed');
    expect(result.problems).toEqual(['call-failed']);
    expect(result.call).toMatchObject({
      connected: false,
      endCause: 'failed',
      error: 'connection-failed',
    });
  });

  it('stops before calling when the microphone is refused', async () => {
    vi.spyOn(navigator.mediaDevices, 'getUserMedia').mockRejectedValue(
      new DOMException('Permission denied', 'NotAllowedError'),
    );
    const phone = newPhone();
    const result = await runPreflight(phone);
    expect(result).toMatchObject({
      verdict: 'failed',
      problems: ['microphone-denied'],
      microphone: { error: 'microphone-denied', peakLevel: null },
      call: null,
    });
    expect(phone.calls).toEqual([]);
  });

  it('gives up on a call not answered in time, and cancels it', async () => {
    const phone = newPhone();
    const running = runPreflight(phone, { answerTimeoutMs: 50 });
    const call = await placedCall(phone);
    const result = await running;
    expect(call.state).toBe('ended');
    expect(result.call).toMatchObject({ connected: false, endCause: 'canceled' });
    expect(result.verdict).toBe('failed');
  });

  it('ends early when aborted: the call is hung up and what was measured is kept', async () => {
    const phone = newPhone();
    const abort = new AbortController();
    const running = runPreflight(phone, { signal: abort.signal, durationMs: 60_000 });
    const call = await placedCall(phone);
    call.setState('active');
    abort.abort();
    const result = await running;
    expect(call.state).toBe('ended');
    expect(result.call).toMatchObject({ connected: true, endCause: 'hangup-local' });
  });
});
