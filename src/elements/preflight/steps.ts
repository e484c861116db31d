/** Where each step of the self-check stands, from the run's progress or its result. */
import type { PreflightProblem, PreflightResult, PreflightStep } from '../../engine/types.js';
import type { StepStatus } from './messages.js';

export const STEPS: readonly PreflightStep[] = ['browser', 'microphone', 'call'];

/** The problems each step can find. */
const FOUND_BY: Record<PreflightStep, readonly PreflightProblem[]> = {
  browser: ['browser-unsupported'],
  microphone: ['microphone-denied', 'microphone-missing', 'microphone-silent'],
  call: ['call-failed', 'no-media', 'high-rtt', 'high-jitter', 'high-loss', 'low-mos'],
};

export interface RunProgress {
  running: boolean;
  /** The step under way while running. */
  step: PreflightStep | undefined;
  result: PreflightResult | undefined;
}

export function stepStatuses({
  running,
  step,
  result,
}: RunProgress): Record<PreflightStep, StepStatus> {
  const statuses = {} as Record<PreflightStep, StepStatus>;
  const current = step === undefined ? 0 : STEPS.indexOf(step);
  STEPS.forEach((name, index) => {
    statuses[name] = running
      ? index < current
        ? 'passed'
        : index === current
          ? 'running'
          : 'waiting'
      : result
        ? doneStatus(name, result)
        : 'waiting';
  });
  return statuses;
}

function doneStatus(step: PreflightStep, result: PreflightResult): StepStatus {
  if (result.problems.some((problem) => FOUND_BY[step].includes(problem))) return 'failed';
  const ran =
    step === 'browser' ||
    (step === 'microphone' && result.browser.supported) ||
    (step === 'call' && result.call !== null);
  return ran ? 'passed' : 'skipped';
}
