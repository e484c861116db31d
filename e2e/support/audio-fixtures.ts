/**
 * Fake microphone signals, generated with sox at the start of a run:
 * - tone bursts: 1 kHz, 400 ms on / 600 ms off, so "bursts in → bursts back" is observable;
 * - silence: for "silence in gives silence back".
 * 48 kHz, mono, 16-bit PCM (what Chromium's --use-file-for-fake-audio-capture expects).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { ARTIFACTS_DIR, SILENCE_WAV, TONE_BURSTS_WAV } from './paths';

export const TONE_ON_MS = 400;
export const TONE_OFF_MS = 600;
const FORMAT = ['-r', '48000', '-c', '1', '-b', '16'];

export function generateMicrophoneSignals(): void {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  execFileSync('sox', [
    '-n',
    ...FORMAT,
    TONE_BURSTS_WAV,
    'synth',
    `${TONE_ON_MS / 1000}`,
    'sine',
    '1000',
    'vol',
    '0.5',
    'pad',
    '0',
    `${TONE_OFF_MS / 1000}`,
    'repeat',
    '19',
  ]);
  execFileSync('sox', ['-n', ...FORMAT, SILENCE_WAV, 'trim', '0', '10']);
}
