/** Plays a call's DTMF sequence into its JsSIP session with the configured method. */
import type { DTMF_TRANSPORT } from 'jssip/lib/Constants';
import type { RTCSession } from 'jssip/lib/RTCSession';
import { chooseDtmfMethod, type DtmfMethod, type DtmfStep, parseDtmfSequence } from './dtmf';
import type { CallState, DtmfMode, PhoneError } from './types';

export interface DtmfPlayOptions {
  mode: DtmfMode;
  durationMs: number;
  gapMs: number;
  /** False once the call is over: the rest of the sequence is dropped. */
  isLive: () => boolean;
  onTone: (tone: string, method: DtmfMethod) => void;
}

const TRANSPORT: Record<DtmfMethod, DTMF_TRANSPORT> = {
  rfc4733: 'RFC2833' as DTMF_TRANSPORT,
  info: 'INFO' as DTMF_TRANSPORT,
};

function dtmfSender(session: RTCSession): RTCDTMFSender | null | undefined {
  return session.connection?.getSenders().find((sender) => sender.track?.kind === 'audio')?.dtmf;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Send the steps one by one (one tone, then its duration plus the gap, so the far end
 * sees distinct digits); resolves with an error value instead of throwing.
 */
export async function playDtmf(
  session: RTCSession,
  steps: readonly DtmfStep[],
  options: DtmfPlayOptions,
): Promise<PhoneError | undefined> {
  for (const step of steps) {
    if (!options.isLive()) return undefined;
    if ('pauseMs' in step) {
      await delay(step.pauseMs);
      continue;
    }
    const method = chooseDtmfMethod(options.mode, dtmfSender(session));
    if (!method) {
      return {
        code: 'dtmf-failed',
        message: `Cannot send '${step.tone}' in the audio (RFC 4733) right now, and dtmfMode 'rfc4733' allows no SIP INFO fallback.`,
      };
    }
    try {
      session.sendDTMF(step.tone, {
        transportType: TRANSPORT[method],
        duration: options.durationMs,
        interToneGap: options.gapMs,
      });
    } catch (error) {
      return { code: 'dtmf-failed', message: `Could not send '${step.tone}'.`, cause: error };
    }
    options.onTone(step.tone, method);
    await delay(options.durationMs + options.gapMs);
  }
  return undefined;
}

/** The far end hears digits in early media (IVR prompts) and once answered. */
const CONNECTED: readonly CallState[] = ['early-media', 'active', 'on-hold'];

/**
 * Send `sequence` (`,` pauses 2 s) on a call in `state`; resolves once sent, with an error
 * value for a bad sequence, a call not connected, or a tone that could not go.
 */
export async function sendDtmfSequence(
  session: RTCSession | undefined,
  state: CallState,
  sequence: string,
  options: DtmfPlayOptions,
): Promise<PhoneError | undefined> {
  const parsed = parseDtmfSequence(sequence);
  if (!parsed.ok) return parsed.error;
  if (!session || !CONNECTED.includes(state)) {
    return {
      code: 'dtmf-failed',
      message: 'Digits can only be sent while the call is connected.',
    };
  }
  return playDtmf(session, parsed.steps, options);
}
