import type { Call, CallService } from '../call.js';

/** Hold music, looping until the caller hangs up. */
export class MusicService implements CallService {
  readonly name = 'music';

  constructor(private readonly call: Call) {}

  start(): void {
    this.call.playMusic();
  }

  onDigit(): void {}

  stop(): void {}
}
