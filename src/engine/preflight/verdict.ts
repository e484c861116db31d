/** The self-check's verdict from what it measured: pure, so every rule has a unit test. */
import { qualityLevel } from '../quality/levels';
import { DEFAULT_THRESHOLDS } from '../quality/thresholds';
import type { QualityThresholds } from '../quality/types';
import type {
  BrowserSupport,
  PreflightCall,
  PreflightMicrophone,
  PreflightProblem,
  PreflightVerdict,
} from './types';

export interface PreflightMeasures {
  browser: BrowserSupport;
  microphone: PreflightMicrophone;
  call: PreflightCall | null;
}

/** Best first: a verdict is the worst of what each finding allows. */
const ORDER: readonly PreflightVerdict[] = ['good', 'fair', 'poor', 'failed'];

/** What each problem allows at best. */
const CEILING: Record<PreflightProblem, PreflightVerdict> = {
  'browser-unsupported': 'failed',
  'microphone-denied': 'failed',
  'microphone-missing': 'failed',
  'call-failed': 'failed',
  // Connected, yet nothing came back: no conversation is possible.
  'no-media': 'failed',
  // The call works but the far end hears nothing.
  'microphone-silent': 'poor',
  'high-rtt': 'fair',
  'high-jitter': 'fair',
  'high-loss': 'fair',
  'low-mos': 'fair',
};

function worst(a: PreflightVerdict, b: PreflightVerdict): PreflightVerdict {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

function above(value: number | null, limit: number): boolean {
  return value !== null && value > limit;
}

/** The problems found, in the order the checks ran. */
export function findProblems(
  { browser, microphone, call }: PreflightMeasures,
  thresholds: QualityThresholds = DEFAULT_THRESHOLDS,
): PreflightProblem[] {
  const problems: PreflightProblem[] = [];
  if (!browser.supported) problems.push('browser-unsupported');
  if (microphone.error === 'microphone-denied') problems.push('microphone-denied');
  else if (microphone.error !== null) problems.push('microphone-missing');
  else if (microphone.peakLevel !== null && microphone.peakLevel < thresholds.audioLevel) {
    problems.push('microphone-silent');
  }
  if (call && !call.connected) problems.push('call-failed');
  if (call?.connected) {
    if (call.mos === null) problems.push('no-media');
    if (above(call.rttMs, thresholds.rttMs)) problems.push('high-rtt');
    if (above(call.jitterMs, thresholds.jitterMs)) problems.push('high-jitter');
    if (above(call.lossFraction, thresholds.lossFraction)) problems.push('high-loss');
    if (call.mos !== null && call.mos < thresholds.mos) problems.push('low-mos');
  }
  return problems;
}

/**
 * `good` needs a connected call rated good (MOS 4.0 and up, quality/levels.ts) and no
 * problem; each problem caps the verdict ({@link CEILING}); a MOS in the `poor` or `bad`
 * band makes it `poor`.
 */
export function judge(
  measures: PreflightMeasures,
  thresholds: QualityThresholds = DEFAULT_THRESHOLDS,
): { verdict: PreflightVerdict; problems: PreflightProblem[] } {
  const problems = findProblems(measures, thresholds);
  let verdict: PreflightVerdict = measures.call?.connected ? 'good' : 'failed';
  const level = qualityLevel(measures.call?.mos);
  if (level === 'fair') verdict = worst(verdict, 'fair');
  if (level === 'poor' || level === 'bad') verdict = worst(verdict, 'poor');
  for (const problem of problems) verdict = worst(verdict, CEILING[problem]);
  return { verdict, problems };
}
