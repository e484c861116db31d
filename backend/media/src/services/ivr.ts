import type { Call, CallService, DigitMethod } from '../call.js';
import type { Action, IvrConfig, Menu } from '../ivr/config.js';
import type { Codec } from '../media/g711.js';
import { safeTimeout } from '../safe.js';

/** Key that leaves a service entered from a menu and goes back to that menu. */
export const BACK_TO_MENU = '*';

export type ServiceStarter = (name: string) => CallService;

/**
 * Walks the menus of the IVR file: plays a menu's prompt, waits for a digit (barge-in
 * stops the prompt), re-prompts on timeout or invalid digit, and runs the chosen action.
 */
export class IvrService implements CallService {
  readonly name = 'ivr';
  private menuId = '';
  private attempts = 0;
  private timer: NodeJS.Timeout | undefined;
  private inner: CallService | undefined;

  constructor(
    private readonly call: Call,
    private readonly config: IvrConfig,
    private readonly firstMenu: string,
    private readonly startService: ServiceStarter,
  ) {}

  private get menu(): Menu {
    return this.config.menus[this.menuId]!;
  }

  start(): void {
    this.enter(this.firstMenu);
  }

  onDigit(digit: string, method: DigitMethod): void {
    if (this.inner) {
      if (digit !== BACK_TO_MENU) {
        this.inner.onDigit(digit, method);
        return;
      }
      this.inner.stop();
      this.inner = undefined;
      this.enter(this.menuId);
      return;
    }
    clearTimeout(this.timer);
    const action = this.menu.options[digit];
    if (action) this.run(action);
    else this.retry(this.menu.invalidPrompt, 'invalid');
  }

  onAudio(payload: Buffer, codec: Codec): void {
    this.inner?.onAudio?.(payload, codec);
  }

  onSent(payload: Buffer, codec: Codec, now: number): void {
    this.inner?.onSent?.(payload, codec, now);
  }

  onSkipped(frames: number, now: number): void {
    this.inner?.onSkipped?.(frames, now);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.inner?.stop();
    this.inner = undefined;
  }

  private enter(menuId: string): void {
    this.menuId = menuId;
    this.attempts = 0;
    this.call.record('ivr-node', { node: menuId, kind: 'menu' });
    this.call.play(this.menu.prompt, () => this.waitForDigit());
  }

  private waitForDigit(): void {
    clearTimeout(this.timer);
    this.timer = safeTimeout(
      'ivr digit timeout',
      () => this.retry(this.menu.timeoutPrompt, 'timeout'),
      this.menu.timeoutMs,
    );
  }

  private retry(prompt: string, why: 'invalid' | 'timeout'): void {
    this.attempts++;
    if (this.attempts >= this.menu.maxAttempts) {
      this.call.record('ivr-node', { node: this.menuId, kind: 'failure', why });
      this.run(this.menu.onFailure);
      return;
    }
    this.call.play([prompt, ...this.menu.prompt], () => this.waitForDigit());
  }

  private run(action: Action): void {
    clearTimeout(this.timer);
    if ('goto' in action) this.enter(action.goto);
    else if ('play' in action) {
      this.call.record('ivr-node', { node: action.play, kind: 'prompt' });
      this.call.play([action.play, ...this.menu.prompt], () => this.waitForDigit());
    } else if ('service' in action) {
      this.call.record('ivr-node', { node: action.service, kind: 'service' });
      this.inner = this.startService(action.service);
      this.inner.start();
    } else this.call.hangup('ivr-hangup');
  }
}
