import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Re-renders the host once a second while `isRunning()` holds (a call timer). */
export class ClockController implements ReactiveController {
  private interval: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly isRunning: () => boolean,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    const running = this.isRunning();
    if (running && this.interval === undefined) {
      this.interval = setInterval(() => this.host.requestUpdate(), 1000);
    } else if (!running) {
      this.stop();
    }
  }

  hostDisconnected(): void {
    this.stop();
  }

  private stop(): void {
    clearInterval(this.interval);
    this.interval = undefined;
  }
}
