/**
 * Records the system notifications a page shows, without replacing them: an init script
 * wraps `window.Notification` in a subclass that calls the browser's own constructor (the
 * notification is really shown) and notes each one, whether the browser reported it shown,
 * and whether the page closed it. `click()` runs the handler the page set, as the browser
 * does when the person clicks the notification.
 */
import type { Page } from '@playwright/test';

export interface RecordedNotification {
  title: string;
  tag: string | undefined;
  /** The browser fired `show`: it displayed it. */
  shown: boolean;
  /** The page called `close()`. */
  closed: boolean;
}

interface NotificationLog {
  entries: RecordedNotification[];
  instances: Notification[];
}

declare global {
  interface Window {
    __notifications?: NotificationLog;
  }
}

/** Install before navigation. */
export async function recordNotifications(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.Notification;
    if (typeof Native !== 'function') return;
    const log: NotificationLog = { entries: [], instances: [] };
    window.__notifications = log;
    class Recorded extends Native {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        const entry: RecordedNotification = {
          title,
          tag: options?.tag,
          shown: false,
          closed: false,
        };
        log.entries.push(entry);
        log.instances.push(this);
        this.addEventListener('show', () => {
          entry.shown = true;
        });
        const close = this.close.bind(this);
        this.close = () => {
          entry.closed = true;
          close();
        };
      }
    }
    // Statics read through to the browser's own (the permission the context was granted).
    Object.defineProperty(Recorded, 'permission', { get: () => Native.permission });
    Object.defineProperty(Recorded, 'requestPermission', {
      value: Native.requestPermission.bind(Native),
    });
    window.Notification = Recorded;
  });
}

export function notifications(page: Page): Promise<RecordedNotification[]> {
  return page.evaluate(() => window.__notifications?.entries ?? []);
}

/** Runs the page's click handler of notification `index`, as a person's click would. */
export async function clickNotification(page: Page, index: number): Promise<void> {
  await page.evaluate((i) => {
    const notification = window.__notifications?.instances[i];
    if (!notification) throw new Error(`no notification ${i}`);
    notification.onclick?.call(notification, new Event('click'));
  }, index);
}
