/**
 * The self-check: is this browser supported, may the page use the microphone and does it
 * hear anything, and how does a short call to the echo service sound (RTT, jitter, loss,
 * MOS, the media path)? It uses the phone's own call path, so it measures exactly what a
 * real call would meet: the credentials, the SBC, TURN when the network needs it.
 */
import { watchMicrophoneLevel } from '../microphone-level';
import { ReportCollector } from '../quality/report';
import type { CallHandle, CallReport, ErrorCode, PhoneHandle } from '../types';
import { checkBrowserSupport } from './support';
import type {
  PreflightCall,
  PreflightMicrophone,
  PreflightOptions,
  PreflightResult,
} from './types';
import { judge } from './verdict';

const DEFAULTS = { target: 'echo', durationMs: 6000, answerTimeoutMs: 20_000 };
/** Fewer than two samples (one a second) rate nothing worth a verdict. */
const MIN_DURATION_MS = 2000;
/**
 * Level readings (ten a second) needed before a silent microphone counts: a device reads
 * silence for a moment as it starts, so a check cut short (a call that failed at once)
 * says nothing about it.
 */
const MIN_LEVEL_READINGS = 10;
/**
 * The first seconds of a call are left out of its figures: the receiver's jitter buffer
 * starts deep and settles (WebRTC's NetEq), and a busy computer's first packets wait on
 * its scheduler, so they rate the start-up, not the line the visitor will call on.
 */
const WARM_UP_MS = 2000;
/** A hang-up ends the call here at once; this only bounds a phone that never says so. */
const HANGUP_TIMEOUT_MS = 5000;

export async function runPreflight(
  phone: PhoneHandle,
  options: PreflightOptions = {},
): Promise<PreflightResult> {
  const startedAt = Date.now();
  options.onStep?.('browser');
  const browser = checkBrowserSupport();
  const microphone: PreflightMicrophone = {
    permission: await microphonePermission(),
    peakLevel: null,
    error: null,
  };
  const result = (call: PreflightCall | null): PreflightResult => ({
    schemaVersion: 1,
    startedAt,
    endedAt: Date.now(),
    ...judge({ browser, microphone, call }),
    browser,
    microphone,
    call,
  });
  if (!browser.supported) return result(null);

  options.onStep?.('microphone');
  let peak = 0;
  let readings = 0;
  const meter = await watchMicrophoneLevel(phone.devices.microphone, (level) => {
    peak = Math.max(peak, level);
    readings += 1;
    options.onMicrophoneLevel?.(level);
  });
  if (!meter.ok) {
    microphone.error = meter.error.code;
    return result(null);
  }
  try {
    options.onStep?.('call');
    const call = await testCall(phone, options);
    microphone.peakLevel = readings >= MIN_LEVEL_READINGS ? peak : null;
    return result(call);
  } finally {
    meter.stop();
  }
}

/** `unknown` where the Permissions API cannot tell (older browsers, some embeds). */
async function microphonePermission(): Promise<PermissionState | 'unknown'> {
  try {
    const status = await navigator.permissions.query({ name: 'microphone' as PermissionName });
    return status.state;
  } catch {
    return 'unknown';
  }
}

/**
 * Calls the echo service, measures for `durationMs` once answered and settled, and hangs
 * up.
 */
async function testCall(phone: PhoneHandle, options: PreflightOptions): Promise<PreflightCall> {
  const target = options.target ?? DEFAULTS.target;
  const durationMs = Math.max(MIN_DURATION_MS, options.durationMs ?? DEFAULTS.durationMs);
  let error: ErrorCode | null = null;
  const noteError = ({ code }: { code: ErrorCode }): void => {
    error ??= code;
  };
  const offPhoneError = phone.on('error', noteError);
  const call = phone.call(target);
  const offCallError = call.on('error', noteError);
  // Every sample, and apart those after the warm-up: the call's figures are the settled
  // ones, or all of them when the call ended before it settled.
  const all = new ReportCollector();
  const settled = new ReportCollector();
  const offQuality = call.on('quality', (sample) => {
    all.addSample(sample);
    if (call.answeredAt !== undefined && sample.at >= call.answeredAt + WARM_UP_MS) {
      settled.addSample(sample);
    }
  });
  try {
    const answerTimeoutMs = options.answerTimeoutMs ?? DEFAULTS.answerTimeoutMs;
    await until(call, () => call.answeredAt !== undefined, answerTimeoutMs, options.signal);
    if (call.answeredAt !== undefined) {
      await until(call, () => false, WARM_UP_MS + durationMs, options.signal);
    }
    if (call.state !== 'ended') call.hangup();
    await until(call, () => false, HANGUP_TIMEOUT_MS);
  } finally {
    offPhoneError();
    offCallError();
    offQuality();
  }
  const metrics = settled.metrics();
  return measured(call, target, error, metrics.mos ? metrics : all.metrics());
}

/**
 * Resolves once `done()` holds, the call ends, `timeoutMs` passes or `signal` aborts,
 * whichever comes first; never rejects.
 */
function until(
  call: CallHandle,
  done: () => boolean,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    const settled = (): boolean => call.state === 'ended' || done() || signal?.aborted === true;
    const finish = (): void => {
      clearTimeout(timer);
      offState();
      offEnded();
      signal?.removeEventListener('abort', finish);
      resolve();
    };
    const check = (): void => {
      if (settled()) finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    const offState = call.on('state', check);
    const offEnded = call.on('ended', finish);
    signal?.addEventListener('abort', finish, { once: true });
    check();
  });
}

/** The call's figures: `metrics` averaged, the rest from its end-of-call report. */
function measured(
  call: CallHandle,
  target: string,
  error: ErrorCode | null,
  metrics: CallReport['metrics'],
): PreflightCall {
  const report = call.quality.report;
  return {
    target,
    connected: call.answeredAt !== undefined,
    endCause: call.endCause ?? null,
    error,
    setupMs: report?.setupMs ?? null,
    rttMs: metrics.rttMs?.avg ?? null,
    jitterMs: metrics.jitterMs?.avg ?? null,
    lossFraction: metrics.lossFraction?.avg ?? null,
    mos: metrics.mos?.avg ?? null,
    mosOutbound: metrics.mosOutbound?.avg ?? null,
    path: report?.path ?? null,
    codec: report?.codec ?? null,
    server: report?.server ?? null,
    region: report?.region ?? null,
  };
}
