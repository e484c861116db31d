import type { Call, CallService } from '../call.js';
import type { Codec } from '../media/g711.js';
import { FrameQueue } from '../media/sources.js';

/**
 * Echo test: the caller's audio comes back on our own SSRC with our own sequence numbers
 * and timestamps (the RTP session stamps every frame it sends).
 */
export class EchoService implements CallService {
  readonly name = 'echo';
  private readonly queue = new FrameQueue();
  private echoing = false;

  constructor(
    private readonly call: Call,
    private readonly prompt: string | undefined,
  ) {}

  start(): void {
    if (this.prompt) this.call.play([this.prompt], () => this.startEcho());
    else this.startEcho();
  }

  onDigit(): void {}

  onAudio(payload: Buffer, codec: Codec): void {
    if (this.echoing) this.queue.push(payload, codec);
  }

  stop(): void {
    this.echoing = false;
    this.queue.clear();
  }

  private startEcho(): void {
    this.echoing = true;
    // Lets a test (or an operator) tell the prompt from the echo on the timeline.
    this.call.record('echo-started');
    this.call.serviceSource = this.queue;
  }
}
