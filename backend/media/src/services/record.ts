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

/** How far the caller's channel may lag the server's (200 ms) before its oldest frame goes. */
const MAX_QUEUED_FRAMES = 10;
/** The longest stall made up for with silence (10 s); beyond it the file is shorter. */
const MAX_OWED_FRAMES = 500;

/**
 * Records the call after a prompt and a beep into a stereo WAV: left = caller, right = what
 * the server sent. Frames are written on our send clock, one caller frame per sent frame,
 * so both channels stay aligned even when the caller's packets arrive in bursts.
 *
 * When the process stalls, the media clock skips the frames it is late for. Those are owed
 * to the file (server silence, and the caller's frames that arrive in a burst once the
 * process runs again), so the recording keeps the call's wall-clock length and loses none
 * of the caller's audio. They are written at the first frame sent after the stall's own
 * catch-up: by then the burst has been read from the socket.
 */
export class RecordService implements CallService {
  readonly name = 'record';
  private writer: WavWriter | undefined;
  private file: string | undefined;
  private readonly callerFrames: Int16Array[] = [];
  private owedFrames = 0;
  private owedAt = 0;
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
    if (this.callerFrames.length > MAX_QUEUED_FRAMES + this.owedFrames) this.callerFrames.shift();
  }

  onSkipped(frames: number, now: number): void {
    if (!this.writer) return;
    this.owedFrames = Math.min(this.owedFrames + frames, MAX_OWED_FRAMES);
    this.owedAt = now;
  }

  onSent(payload: Buffer, codec: Codec, now: number): void {
    if (!this.writer) return;
    if (this.owedFrames > 0 && now !== this.owedAt) {
      for (; this.owedFrames > 0; this.owedFrames--) this.writeFrame(undefined);
    }
    this.writeFrame(decode(codec, payload));
  }

  stop(): void {
    clearTimeout(this.limitTimer);
    if (!this.writer) return;
    // The caller's last frames, still queued behind ours: theirs too.
    while (this.callerFrames.length > 0) this.writeFrame(undefined);
    this.writer.close();
    this.call.record('recording-stopped', { file: this.file });
    this.writer = undefined;
  }

  private writeFrame(server: Int16Array | undefined): void {
    const caller = this.callerFrames.shift();
    const stereo = new Int16Array(FRAME_SAMPLES * 2);
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      stereo[i * 2] = caller?.[i] ?? 0;
      stereo[i * 2 + 1] = server?.[i] ?? 0;
    }
    this.writer!.write(stereo);
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
