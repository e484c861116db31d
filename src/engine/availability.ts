/**
 * An agent's availability for queue calls: Available, Away, or in Wrap-up for a while after
 * a call. Pure state and one timer; the phone sends it with its registration
 * (`ua-availability.ts`), and the SBC rings only available agents for the queue
 * (backend/kamailio/kamailio.cfg, REGISTRAR and LOCATION).
 */
import type { Availability, AvailabilityEvent } from './types';

export const AVAILABILITIES: readonly Availability[] = ['available', 'away', 'wrap-up'];
/** Longest wrap-up, seconds: longer is a break, and the agent says Away for that. */
export const MAX_WRAP_UP_SECONDS = 3600;

export function isAvailability(value: unknown): value is Availability {
  return typeof value === 'string' && (AVAILABILITIES as readonly string[]).includes(value);
}

/** Why `setAvailability` refused a value, or undefined when it takes it. */
export function availabilityChoiceError(value: unknown): string | undefined {
  if (value === 'available' || value === 'away') return undefined;
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  return value === 'wrap-up'
    ? 'Wrap-up starts by itself when a call ends (wrapUpSeconds); an agent chooses available or away.'
    : `availability must be 'available' or 'away': got ${shown}`;
}

/**
 * The availability and its wrap-up timer. `wrapUpSeconds` 0 turns wrap-up off: a call
 * ending leaves the agent as it was.
 */
export class AvailabilityState {
  private current: Availability;
  private endsAt: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    initial: Availability,
    private readonly wrapUpSeconds: number,
    private readonly onChange: (event: AvailabilityEvent) => void,
  ) {
    this.current = initial === 'wrap-up' ? 'available' : initial;
  }

  get value(): Availability {
    return this.current;
  }

  /** When the wrap-up in progress ends (ms since epoch), else undefined. */
  get wrapUpEndsAt(): number | undefined {
    return this.endsAt;
  }

  /**
   * The agent's choice: Available (which also ends a wrap-up early) or Away. Returns why
   * the value was refused, if it was.
   */
  choose(value: unknown): string | undefined {
    const error = availabilityChoiceError(value);
    if (error) return error;
    this.change(value as Availability, 'agent');
    return undefined;
  }

  /**
   * An answered call ended: wrap-up starts (or starts over), unless the agent is Away or
   * wrap-up is off.
   */
  callEnded(): void {
    if (this.wrapUpSeconds <= 0 || this.current === 'away') return;
    this.change('wrap-up', 'call-ended');
  }

  /** Stops the wrap-up timer (the phone stopped). The value stays as it is. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private change(next: Availability, reason: AvailabilityEvent['reason']): void {
    const previous = this.current;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.endsAt = undefined;
    if (next === 'wrap-up') {
      const ms = this.wrapUpSeconds * 1000;
      this.endsAt = Date.now() + ms;
      this.timer = setTimeout(() => this.change('available', 'wrap-up-over'), ms);
    }
    // Wrap-up starting over is news (a new end time); the same choice again is not.
    if (next === previous && next !== 'wrap-up') return;
    this.current = next;
    const event: AvailabilityEvent = { availability: next, previous, reason };
    if (this.endsAt !== undefined) event.wrapUpEndsAt = this.endsAt;
    this.onChange(event);
  }
}

/** `availability` of a configuration: the value, or why it is wrong. */
export function configuredAvailability(
  value: unknown,
): { ok: true; value: Availability } | { ok: false; message: string } {
  if (value === undefined || value === null || value === '')
    return { ok: true, value: 'available' };
  const error = availabilityChoiceError(value);
  return error ? { ok: false, message: error } : { ok: true, value: value as Availability };
}

/** `wrapUpSeconds` of a configuration: the value, or why it is wrong. */
export function configuredWrapUpSeconds(
  value: unknown,
): { ok: true; value: number } | { ok: false; message: string } {
  if (value === undefined || value === null) return { ok: true, value: 0 };
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 0 ||
    value > MAX_WRAP_UP_SECONDS
  ) {
    const shown = typeof value === 'string' ? `'${value}'` : String(value);
    return {
      ok: false,
      message: `wrapUpSeconds must be a whole number from 0 to ${MAX_WRAP_UP_SECONDS}: got ${shown}`,
    };
  }
  return { ok: true, value };
}
