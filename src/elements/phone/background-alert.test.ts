/**
 * `<sip-phone>` alerts an agent whose tab is hidden when a call rings (background-alert.ts):
 * the tab's title flashes, and with `notifications` a system notification shows, until the
 * call stops ringing or the tab is shown; a click on the notification focuses Answer.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { resetElements, shadow, VALID_CONFIG } from '../test-support/dom.js';
import { lastPhone } from '../test-support/fake-engine.js';
import './sip-phone.js';
import { readyPhone } from './test-support/phone.js';

const ANN = { uri: 'sip:ann@helpline.test', user: 'ann', displayName: 'Ann' };

/** The Notification API as the test sets it: what was shown, and the permission. */
class FakeNotification {
  static permission: NotificationPermission = 'granted';
  static shown: FakeNotification[] = [];
  static asked = 0;
  static async requestPermission(): Promise<NotificationPermission> {
    FakeNotification.asked++;
    return FakeNotification.permission;
  }
  onclick: (() => void) | null = null;
  closed = false;
  constructor(
    readonly title: string,
    readonly options: NotificationOptions,
  ) {
    FakeNotification.shown.push(this);
  }
  close(): void {
    this.closed = true;
  }
}

let visibility: DocumentVisibilityState = 'visible';
function setVisibility(state: DocumentVisibilityState): void {
  visibility = state;
  document.dispatchEvent(new Event('visibilitychange'));
}

beforeEach(() => {
  visibility = 'visible';
  vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility);
  FakeNotification.permission = 'granted';
  FakeNotification.shown = [];
  FakeNotification.asked = 0;
  vi.stubGlobal('Notification', FakeNotification);
  document.title = 'Agent dashboard';
});

afterEach(() => {
  resetElements();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  document.title = '';
});

describe('<sip-phone> in a hidden tab', () => {
  it('flashes the title and shows a notification while a call rings; both stop once answered', async () => {
    const el = await readyPhone({ ...VALID_CONFIG, notifications: '' });
    setVisibility('hidden');
    const call = lastPhone().ring(ANN);
    await el.updateComplete;

    await expect.poll(() => document.title).toBe('Incoming call: Ann');
    await expect.poll(() => document.title).toBe('Agent dashboard');
    expect(FakeNotification.shown.map((n) => n.title)).toEqual(['Incoming call: Ann']);
    expect(FakeNotification.shown[0]?.options.requireInteraction).toBe(true);

    await call.answer();
    await el.updateComplete;
    expect(FakeNotification.shown[0]?.closed).toBe(true);
    expect(document.title).toBe('Agent dashboard');
  });

  it('a click on the notification focuses Answer', async () => {
    const el = await readyPhone({ ...VALID_CONFIG, notifications: '' });
    setVisibility('hidden');
    lastPhone().ring(ANN);
    await el.updateComplete;
    await expect.poll(() => FakeNotification.shown.length).toBe(1);

    FakeNotification.shown[0]?.onclick?.();

    expect(el.shadowRoot?.activeElement).toBe(shadow(el, '[part="answer"]'));
    expect(FakeNotification.shown[0]?.closed).toBe(true);
  });

  it('does nothing while the tab is shown, and stops when it is shown again', async () => {
    const el = await readyPhone({ ...VALID_CONFIG, notifications: '' });
    lastPhone().ring(ANN);
    await el.updateComplete;
    expect(FakeNotification.shown).toEqual([]);
    expect(document.title).toBe('Agent dashboard');

    setVisibility('hidden');
    await expect.poll(() => document.title).toBe('Incoming call: Ann');
    setVisibility('visible');
    expect(document.title).toBe('Agent dashboard');
    expect(FakeNotification.shown[0]?.closed).toBe(true);
  });

  it('without notifications only the title flashes; with them the permission is asked on a press, never on load', async () => {
    const quiet = await readyPhone(VALID_CONFIG);
    setVisibility('hidden');
    lastPhone().ring(ANN);
    await quiet.updateComplete;
    await expect.poll(() => document.title).toBe('Incoming call: Ann');
    expect(FakeNotification.shown).toEqual([]);
    resetElements();
    setVisibility('visible');

    FakeNotification.permission = 'default';
    const el = await readyPhone({ ...VALID_CONFIG, notifications: '' });
    expect(FakeNotification.asked).toBe(0);
    await userEvent.click(shadow(el, '[part="target-input"]'));
    expect(FakeNotification.asked).toBe(1);
  });
});
