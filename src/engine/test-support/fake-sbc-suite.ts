/**
 * The set-up every engine test against the fake SBC shares: a fresh {@link FakeSbc} as the
 * page's WebSocket before each test, and after it every phone made with `phone()` stopped
 * and the SBC's media closed. Call it at the top of a test file (or a describe block).
 */
import { afterEach, beforeEach, vi } from 'vitest';
import { Phone } from '../phone';
import type { CallHandle, PhoneConfig } from '../types';
import { FAKE_SBC_PHONE, FakeSbc } from './fake-sbc';
import { reach } from './waits';

export interface FakeSbcSuite {
  /** This test's SBC. */
  readonly sbc: FakeSbc;
  /** A phone on the SBC: a visitor (`visitor-1`, no registration) unless `config` says. */
  phone(config?: Partial<PhoneConfig>): Phone;
  /** A new phone's call to the queue, once the SBC answered it. */
  answeredCall(): Promise<CallHandle>;
}

export function useFakeSbc(): FakeSbcSuite {
  let current: FakeSbc | undefined;
  const phones: Phone[] = [];
  beforeEach(() => {
    current = new FakeSbc();
    vi.stubGlobal('WebSocket', current.webSocketClass());
  });
  afterEach(async () => {
    await Promise.all(phones.splice(0).map((phone) => phone.stop()));
    current?.close();
    current = undefined;
    vi.unstubAllGlobals();
  });
  return {
    get sbc(): FakeSbc {
      if (!current) throw new Error('the fake SBC exists only during a test');
      return current;
    },
    phone(config = {}): Phone {
      const phone = new Phone({ ...FAKE_SBC_PHONE, user: 'visitor-1', password: 'pw', ...config });
      phones.push(phone);
      return phone;
    },
    async answeredCall(): Promise<CallHandle> {
      const call = this.phone().call('queue');
      await reach(call, 'active');
      return call;
    },
  };
}
