/**
 * Records every `sip-…` event the widget's elements dispatch, from page load on, so a
 * journey can assert what the widget emitted (and how often) without knowing in advance
 * which element dispatched it.
 */
import type { Page } from '@playwright/test';

export interface RecordedEvent {
  type: string;
  /** Tag name of the element that dispatched it. */
  target: string;
  at: number;
  /** JSON-safe summary of `event.detail`: primitives, one level of nested objects. */
  detail: Record<string, unknown>;
}

declare global {
  interface Window {
    __sipEvents?: RecordedEvent[];
  }
}

/**
 * Runs in the page before its scripts (an init script): wraps `dispatchEvent` to record
 * every `sip-…` event in `window.__sipEvents`. Self-contained, so any driver can install it
 * (Playwright's `addInitScript`, Puppeteer's `evaluateOnNewDocument`).
 */
export function installSipEventRecorder(): void {
  const events: RecordedEvent[] = [];
  window.__sipEvents = events;
  const summarize = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value !== 'object') {
      return typeof value === 'function' ? undefined : value;
    }
    if (depth > 1) return undefined;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const v = summarize((value as Record<string, unknown>)[key], depth + 1);
      if (v !== undefined) out[key] = v;
    }
    // Engine objects (errors, calls) keep their readable fields on getters/prototypes.
    for (const key of ['code', 'message', 'state', 'cause', 'id', 'direction', 'hold']) {
      if (!(key in out) && key in value) {
        const v = summarize((value as Record<string, unknown>)[key], depth + 1);
        if (v !== undefined) out[key] = v;
      }
    }
    return out;
  };
  const original = EventTarget.prototype.dispatchEvent;
  EventTarget.prototype.dispatchEvent = function (this: EventTarget, event: Event) {
    if (event.type.startsWith('sip-')) {
      const detail = (event as CustomEvent).detail;
      events.push({
        type: event.type,
        target: this instanceof Element ? this.tagName.toLowerCase() : String(this),
        at: Date.now(),
        detail:
          detail && typeof detail === 'object'
            ? (summarize(detail, 0) as Record<string, unknown>)
            : { value: detail },
      });
    }
    return original.call(this, event);
  };
}

/** Install before navigation: `await recordElementEvents(page); await page.goto(...)`. */
export async function recordElementEvents(page: Page): Promise<void> {
  await page.addInitScript(installSipEventRecorder);
}

/**
 * Runs in the page: the events recorded so far, of `type` or all. Self-contained, so any
 * driver can evaluate it.
 */
export function recordedEventsInPage(type: string | undefined): RecordedEvent[] {
  return (window.__sipEvents ?? []).filter((e) => type === undefined || e.type === type);
}
