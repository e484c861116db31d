import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Call } from '../../src/call.js';
import { encode } from '../../src/media/g711.js';
import { FRAME_SAMPLES } from '../../src/media/sounds.js';
import { readWav } from '../../src/media/wav.js';
import { RecordService } from '../../src/services/record.js';

/** The part of a Call the recorder uses: an answered call that plays nothing. */
function answeredCall(): Call {
  const stub = { state: 'answered', record: () => {}, hangup: () => {}, play: () => {} };
  return stub as unknown as Call;
}

/** A PCMU frame whose every sample is about `level`. */
const frame = (level: number) => encode('PCMU', new Int16Array(FRAME_SAMPLES).fill(level));

/** The mean absolute level of each 20 ms frame of one channel of the recording. */
function frameLevels(directory: string, channel: 0 | 1): number[] {
  const [file] = readdirSync(directory);
  const { samples } = readWav(join(directory, file!));
  const levels: number[] = [];
  for (let start = 0; start < samples.length; start += FRAME_SAMPLES * 2) {
    let sum = 0;
    for (let i = 0; i < FRAME_SAMPLES; i++) sum += Math.abs(samples[start + i * 2 + channel] ?? 0);
    levels.push(Math.round(sum / FRAME_SAMPLES / 1000));
  }
  return levels;
}

describe('RecordService', () => {
  it('keeps the wall-clock length and every caller frame across a stall of the media clock', () => {
    const directory = mkdtempSync(join(tmpdir(), 'record-'));
    const recorder = new RecordService(answeredCall(), undefined, directory, 60);
    recorder.start();
    let now = 0;
    const tick = () => {
      now += 20;
      recorder.onSent(frame(2000), 'PCMU', now);
    };
    // Two frames as usual: the caller's and ours.
    for (let i = 0; i < 2; i++) {
      recorder.onAudio(frame(8000), 'PCMU');
      tick();
    }
    // The process stalls for 12 frames: the clock skips 9 and catches up 3 at once, and
    // then the caller's 12 frames of the stall arrive in a burst.
    now += 240;
    recorder.onSkipped(9, now);
    for (let i = 0; i < 3; i++) recorder.onSent(frame(2000), 'PCMU', now);
    for (let i = 0; i < 12; i++) recorder.onAudio(frame(8000), 'PCMU');
    tick();
    recorder.stop();

    const caller = frameLevels(directory, 0);
    const server = frameLevels(directory, 1);
    // Ours: 2 + 3 caught up + 1 sent, with the 9 skipped as silence between them (the
    // call's 300 ms), then 2 of silence for the caller's last frames, written at the stop.
    expect(server.map((level) => (level > 0 ? 'x' : '.')).join('')).toBe('xxxxx.........x..');
    // The caller's 14 frames are all there, none dropped by the burst.
    expect(caller.filter((level) => level > 0)).toHaveLength(14);
  });
});
