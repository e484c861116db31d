/**
 * An incoming call the agent may not see: the phone's tab is hidden (another tab, a
 * minimised window). Two alerts, until the call stops ringing or the tab is shown again:
 *
 * - the tab's title flashes ("Incoming call: Ana"), which browsers show in the tab strip
 *   and the taskbar;
 * - with `notifications` on and the permission granted, a system notification
 *   (https://notifications.spec.whatwg.org/); clicking it brings the tab back and focuses
 *   the Answer button. Answer/Decline buttons in the notification itself need a service
 *   worker of the host page (`ServiceWorkerRegistration.showNotification` actions), which
 *   an embedded widget does not have: not offered.
 *
 * The permission is asked for on the agent's first press inside the phone (browsers only
 * ask in answer to a gesture), never on load.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How long each state of the flashing title lasts, ms. */
const FLASH_MS = 1000;
const NOTIFICATION_TAG = 'sip-phone-incoming-call';

export interface BackgroundAlertHost extends ReactiveControllerHost, HTMLElement {
  /** Brings the agent to the call: focus on its Answer button. */
  focusAnswer(): void;
}

export class BackgroundAlertController implements ReactiveController {
  /** `notifications`: a system notification too (when permitted). */
  notifications = false;
  private ringing: { id: string; title: string } | undefined;
  private flashTimer: ReturnType<typeof setInterval> | undefined;
  private savedTitle: string | undefined;
  private notification: Notification | undefined;
  private readonly onVisibility = () => this.sync();
  private readonly onPress = () => this.askPermission();

  constructor(private readonly host: BackgroundAlertHost) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.onVisibility);
    this.host.addEventListener('pointerdown', this.onPress);
    this.host.addEventListener('keydown', this.onPress);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.host.removeEventListener('pointerdown', this.onPress);
    this.host.removeEventListener('keydown', this.onPress);
    this.ringing = undefined;
    this.sync();
  }

  /** The call ringing here now (its id and the alert's text), or undefined. */
  setRinging(ringing: { id: string; title: string } | undefined): void {
    if (ringing?.id === this.ringing?.id && ringing?.title === this.ringing?.title) return;
    this.ringing = ringing;
    this.stop();
    this.sync();
  }

  private sync(): void {
    const ringing = this.ringing;
    if (!ringing || document.visibilityState !== 'hidden') {
      this.stop();
      return;
    }
    if (this.flashTimer === undefined) this.flash(ringing.title);
    if (!this.notification) this.notify(ringing.title);
  }

  private flash(title: string): void {
    this.savedTitle = document.title;
    let on = false;
    const toggle = () => {
      on = !on;
      document.title = on ? title : (this.savedTitle ?? '');
    };
    toggle();
    this.flashTimer = setInterval(toggle, FLASH_MS);
  }

  private notify(title: string): void {
    if (!this.notifications || typeof Notification === 'undefined') return;
    if (Notification.permission !== 'granted') return;
    try {
      const notification = new Notification(title, {
        tag: NOTIFICATION_TAG,
        requireInteraction: true,
      });
      notification.onclick = () => {
        window.focus();
        this.host.focusAnswer();
        notification.close();
      };
      this.notification = notification;
    } catch {
      // Some browsers allow notifications only from a service worker (Chrome on Android).
    }
  }

  private stop(): void {
    if (this.flashTimer !== undefined) {
      clearInterval(this.flashTimer);
      this.flashTimer = undefined;
      document.title = this.savedTitle ?? document.title;
      this.savedTitle = undefined;
    }
    this.notification?.close();
    this.notification = undefined;
  }

  private askPermission(): void {
    if (!this.notifications || typeof Notification === 'undefined') return;
    if (Notification.permission !== 'default') return;
    void Notification.requestPermission().catch(() => undefined);
  }
}
