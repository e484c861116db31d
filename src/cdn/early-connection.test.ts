import { afterEach, describe, expect, it, vi } from 'vitest';
import { validateConfig } from '../engine/config';
import { fetchCredentials } from '../engine/credentials';
import { takeEarlySocket } from '../engine/early-socket';
import { takeEarlyLock } from '../engine/tabs/early-election';
import { tabChannelName } from '../engine/tabs/shared-identity';
import { connectEarly } from './early-connection';

afterEach(() => vi.unstubAllGlobals());

function phoneWith(attributes: Record<string, string>): Element {
  const el = document.createElement('sip-phone');
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  return el;
}

/** A WebSocket class that records what was opened, and never connects. */
function recordSockets() {
  const opened: { url: string; protocols: unknown }[] = [];
  class RecordedWebSocket extends EventTarget {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    readyState = 0;
    constructor(
      readonly url: string,
      protocols?: unknown,
    ) {
      super();
      opened.push({ url, protocols });
    }
    close(): void {
      this.readyState = 3;
    }
  }
  vi.stubGlobal('WebSocket', RecordedWebSocket);
  return opened;
}

describe("a phone element's connection started by the core", () => {
  it('asks its credentials-url, resolved against the page, and its phone takes them', async () => {
    const fetchMock = vi.fn(async () => Response.json({}));
    vi.stubGlobal('fetch', fetchMock);
    connectEarly(phoneWith({ 'credentials-url': '/credentials/agent' }), true);
    const url = new URL('/credentials/agent', location.href).href;
    expect(fetchMock).toHaveBeenCalledWith(
      url,
      expect.objectContaining({ credentials: 'include' }),
    );
    await fetchCredentials(url);
    expect(fetchMock).toHaveBeenCalledOnce();
  });

  it('opens the WebSocket to its first server, which its phone takes', () => {
    const opened = recordSockets();
    connectEarly(phoneWith({ server: ' wss://sbc-a.test/ws, wss://sbc-b.test/ws' }), true);
    expect(opened).toEqual([{ url: 'wss://sbc-a.test/ws', protocols: 'sip' }]);
    expect(takeEarlySocket('wss://sbc-a.test/ws')).toBeDefined();
    // Taken once.
    expect(takeEarlySocket('wss://sbc-a.test/ws')).toBeUndefined();
  });

  it('starts nothing for URLs the configuration check refuses, or without them', () => {
    const fetchMock = vi.fn(async () => Response.json({}));
    vi.stubGlobal('fetch', fetchMock);
    const opened = recordSockets();
    const pages: Record<string, string>[] = [
      { 'credentials-url': 'http://credentials.example/agent', server: 'ws://sbc.example/ws' },
      { 'credentials-url': 'javascript:alert(1)', server: 'https://sbc.example/ws' },
      {},
    ];
    for (const attributes of pages) connectEarly(phoneWith(attributes), true);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(opened).toEqual([]);
  });

  /** The lock name the phone of `config` elects under (engine/tabs/election.ts). */
  function phoneLockName(config: Record<string, unknown>): string {
    const result = validateConfig({ servers: ['wss://sbc.test/ws'], ...config });
    if (!result.ok) throw new Error(result.error.message);
    return tabChannelName(result.config);
  }

  it('with single-tab on, takes the tabs lock under the name its phone elects under', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Response.json({})),
    );
    connectEarly(
      phoneWith({ domain: ' tabs-early.test ', 'credentials-url': '/credentials/early' }),
      true,
    );
    connectEarly(phoneWith({ domain: 'tabs-early.test', user: 'agent7', password: 'x' }), true);
    const byUrl = phoneLockName({
      domain: 'tabs-early.test',
      credentialsUrl: '/credentials/early',
    });
    const byUser = phoneLockName({ domain: 'tabs-early.test', user: 'agent7', password: 'x' });
    for (const name of [byUrl, byUser]) {
      const release = await takeEarlyLock(name);
      expect(release, name).toBeTypeOf('function');
      release?.();
    }
  });

  it('with single-tab on and another tab holding the lock, starts neither credentials nor a socket', async () => {
    const fetchMock = vi.fn(async () => Response.json({}));
    vi.stubGlobal('fetch', fetchMock);
    const opened = recordSockets();
    const attributes = {
      domain: 'tabs-held.test',
      'credentials-url': '/credentials/held',
      server: 'wss://sbc-held.test/ws',
    };
    const name = phoneLockName({ domain: 'tabs-held.test', credentialsUrl: '/credentials/held' });
    let letGo!: () => void;
    const otherTab = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    void navigator.locks.request(name, () => otherTab);
    await expect
      .poll(async () => (await navigator.locks.query()).held?.some((l) => l.name === name))
      .toBe(true);

    // The other tab's phone is the connected one; this tab's will follow it.
    await connectEarly(phoneWith(attributes), true);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(opened).toEqual([]);
    expect(await takeEarlyLock(name)).toBeUndefined();

    // Once that tab is gone, a tab that finds the phone takes the lock and connects it.
    letGo();
    await expect
      .poll(async () => (await navigator.locks.query()).held?.some((l) => l.name === name))
      .toBe(false);
    await connectEarly(phoneWith(attributes), true);
    expect(fetchMock).toHaveBeenCalledOnce();
    expect(opened).toEqual([{ url: 'wss://sbc-held.test/ws', protocols: 'sip' }]);
    (await takeEarlyLock(name))?.();
    takeEarlySocket('wss://sbc-held.test/ws')?.close();
  });

  it('takes no lock with single-tab off, by default for a call button, or without a domain', () => {
    connectEarly(phoneWith({ domain: 'tabs-off.test', user: 'a1', 'single-tab': 'off' }), true);
    connectEarly(phoneWith({ domain: 'tabs-off.test', user: 'a2' }), false);
    connectEarly(phoneWith({ user: 'a3' }), true);
    for (const user of ['a1', 'a2']) {
      expect(takeEarlyLock(phoneLockName({ domain: 'tabs-off.test', user }))).toBeUndefined();
    }
  });
});
