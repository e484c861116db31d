import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Call, CallService } from '../call.js';
import { type Codec, decode } from '../media/g711.js';
import { FRAME_SAMPLES, SAMPLE_RATE } from '../media/sounds.js';
import { WavWriter } from '../media/wav.js';
import { reportError, safeTimeout } from '../safe.js';

/**
 * A recording's file name: a server-generated id, never the Call-ID (which the caller
 * chooses, may repeat, and would name someone else's file). Time first so names sort.
 */
export function newRecordingFileName(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `rec-${stamp}-${randomBytes(8).toString('hex')}.wav`;
}

const MAX_QUEUED_FRAMES = 10;

/**
 * Records the call after a prompt and a beep into a stereo WAV: left = caller, right = what
 * the server sent. Frames are written on our send clock, one caller frame per sent frame,
 * so both channels stay aligned even when the caller's packets arrive in bursts.
 */
export class RecordService implements CallService {
  readonly name = 'record';
  private writer: WavWriter | undefined;
  private file: string | undefined;
  private readonly callerFrames: Int16Array[] = [];
  private limitTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly call: Call,
    private readonly prompt: string | undefined,
    private readonly directory: string,
    private readonly maxSeconds: number,
  ) {}

  start(): void {
    if (this.prompt) this.call.play([this.prompt], () => this.startRecording());
    else this.startRecording();
  }

  onDigit(): void {}

  onAudio(payload: Buffer, codec: Codec): void {
    if (!this.writer) return;
    this.callerFrames.push(decode(codec, payload));
    if (this.callerFrames.length > MAX_QUEUED_FRAMES) this.callerFrames.shift();
  }

  onSent(payload: Buffer, codec: Codec): void {
    if (!this.writer) return;
    const server = decode(codec, payload);
    const caller = this.callerFrames.shift();
    const stereo = new Int16Array(FRAME_SAMPLES * 2);
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      stereo[i * 2] = caller?.[i] ?? 0;
      stereo[i * 2 + 1] = server[i] ?? 0;
    }
    this.writer.write(stereo);
  }

  stop(): void {
    clearTimeout(this.limitTimer);
    if (!this.writer) return;
    this.writer.close();
    this.call.record('recording-stopped', { file: this.file });
    this.writer = undefined;
  }

  private startRecording(): void {
    if (this.call.state !== 'answered') return;
    mkdirSync(this.directory, { recursive: true, mode: 0o750 });
    const file = newRecordingFileName();
    try {
      // 'wx' in WavWriter: should the random name ever exist, this throws instead of overwriting.
      this.writer = new WavWriter(join(this.directory, file), SAMPLE_RATE, 2);
    } catch (error) {
      // Disk full, directory gone: the caller must not talk into a recording that is not there.
      reportError('starting a recording', error);
      this.call.hangup('recording-failed');
      return;
    }
    this.file = file;
    this.call.record('recording', { file, channels: { left: 'caller', right: 'server' } });
    this.limitTimer = safeTimeout(
      'recording limit',
      () => this.call.hangup('recording-limit'),
      this.maxSeconds * 1000,
    );
  }
}
