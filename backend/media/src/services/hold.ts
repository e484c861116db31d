import type { Call, CallService } from '../call.js';
import type { HoldDirection } from '../ivr/config.js';

/**
 * Behaves like an agent's PBX that puts the caller on hold: a short prompt, then a
 * re-INVITE with sendonly (music follows) or inactive (nothing is sent) until someone
 * resumes the call through the control API.
 */
export class ServerHoldService implements CallService {
  readonly name = 'hold';

  constructor(
    private readonly call: Call,
    private readonly prompt: string | undefined,
    private readonly direction: HoldDirection,
    private readonly onError: (error: Error) => void,
  ) {}

  start(): void {
    if (this.prompt) this.call.play([this.prompt], () => this.holdCaller());
    else this.holdCaller();
  }

  onDigit(): void {}

  stop(): void {}

  private holdCaller(): void {
    // After a resume the caller hears music: proof that media flows again.
    this.call.playMusic();
    if (this.call.state === 'answered') this.call.hold(this.direction).catch(this.onError);
  }
}
